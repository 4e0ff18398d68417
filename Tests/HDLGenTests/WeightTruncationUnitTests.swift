import FixedPoint
import Testing
@testable import HDLGen

/// The weight-truncation unit against the FixedPoint function the quantiser uses, for every
/// shift, both roundings, all extreme values and ties, over a sweep of wordlengths.
@Suite struct WeightTruncationUnitTests {
    // w_h = 3, 7 and 15 fill their shift input's range: no clamp to emit.
    static let pairs = [(4, 2), (4, 3), (8, 2), (8, 3), (8, 4), (8, 6), (16, 2), (16, 3), (16, 4), (16, 6), (3, 2), (7, 4), (15, 6)]

    @Test(arguments: pairs.indices, Rounding.allCases)
    func matchesTheQuantisersFunction(pair: Int, rounding: Rounding) throws {
        let (high, low) = Self.pairs[pair]
        let unit = try WeightTruncationUnit(highWordlength: high, lowWordlength: low, lanes: [1, 3, 4][pair % 3],
                                            rounding: rounding)
        let beats = unit.stimulus(cycles: 150, seed: UInt64(pair))
        #expect(Set(beats.map(\.shift)).isSuperset(of: 0...high))
        let bundle = try unit.simulationBundle(beats: beats)
        try expectSimulationPasses(bundle, checks: beats.count * (unit.lanes + 1))
        try expectLintClean(bundle.circuit)
    }

    @Test func goldenModelIsTheQuantisersRequantisation() throws {
        let unit = try WeightTruncationUnit(highWordlength: 8, lowWordlength: 4, lanes: 1)
        let lpu = FixedPointFormat(wordlength: 4, fractionBits: 2)
        for q in -128...127 {
            // An HPU weight in Q(8, 5) moved to the LPU's Q(4, 2): shift 3.
            #expect(unit.truncate(q, shift: 3) == lpu.requantize(q, fromFractionBits: 5, rounding: .halfUp))
        }
        #expect(unit.truncate(-128, shift: 0) == -8)
        #expect(unit.truncate(127, shift: 0) == 7)
        #expect(unit.truncate(12, shift: 3) == 2)     // 1.5 rounds half up to 2
        #expect(unit.truncate(-12, shift: 3) == -1)   // -1.5 rounds half up to -1
    }

    @Test func synthesisesWithoutLatches() throws {
        let report = try Yosys.synthesize(try Circuit(WeightTruncationUnit(highWordlength: 8, lowWordlength: 4, lanes: 4)))
        #expect(report.latches == 0)
        #expect(report.luts > 0)
    }
}
