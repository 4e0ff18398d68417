import Testing
@testable import HDLGen

/// The cascade's generic blocks on their own, simulated against Swift golden models over a
/// sweep of parameters: the FIFO against an array queue, the argmax against a linear scan.
@Suite struct BlockUnitTests {
    @Test(arguments: [(2, 1), (2, 44), (4, 7), (4, 1), (16, 44), (16, 7), (64, 1)])
    func fifoMatchesAnArrayQueue(depth: Int, entryWidth: Int) throws {
        let fifo = try Fifo(entryWidth: entryWidth, depth: depth)
        let cycles = fifo.stimulus(randomCycles: 150, seed: UInt64(depth * 100 + entryWidth))
        let (status, pops) = fifo.expected(cycles)
        // The corners happen: pushes refused while full, pops refused while empty, the queue
        // both full and empty at least once, and every word pushed comes out.
        #expect(zip(cycles, status).contains { $0.push != nil && $1[0] == [0] })
        #expect(zip(cycles, status).contains { $0.pop && $1[1] == [0] })
        #expect(status.contains { $0[2] == [depth] } && status.contains { $0[2] == [0] })
        let pushes = zip(cycles, status).filter { $0.push != nil && $1[0] == [1] }.map { $0.0.push! }
        #expect(pops.map(\.word) == pushes)
        let bundles = try fifo.simulationBundles(cycles)
        try expectSimulationPasses(bundles.status, checks: cycles.count * 3)
        try expectSimulationPasses(bundles.pops, checks: pops.count * 2)
        try expectLintClean(bundles.status.circuit)
    }

    @Test func fifoModelRefusesAPushWhenFullEvenWhilePopping() {
        var model = FifoModel(depth: 2)
        #expect(model.step(push: 1, pop: true) == nil)     // empty: no pass-through
        #expect(model.step(push: 2, pop: false) == nil)
        #expect(!model.inReady)
        #expect(model.step(push: 3, pop: true) == 1)       // full: the pop frees no room this cycle
        #expect(model.words == [2])
    }

    @Test func fifoParametersAreChecked() {
        #expect(throws: UnitParameterError.self) { try Fifo(entryWidth: 8, depth: 12) }
        #expect(throws: UnitParameterError.self) { try Fifo(entryWidth: 0, depth: 4) }
    }

    @Test(arguments: [(1, 4, 1), (2, 2, 3), (4, 5, 10), (8, 8, 10), (8, 3, 19), (16, 12, 16), (5, 16, 23)])
    func argmaxMatchesALinearScan(lanes: Int, wordlength: Int, classes: Int) throws {
        let unit = try Argmax(lanes: lanes, wordlength: wordlength, classes: classes)
        let samples = unit.stimulus(randomSamples: 100, seed: UInt64(lanes * 64 + wordlength))
        try expectSimulationPasses(try unit.simulationBundle(samples: samples), checks: samples.count * 2)
        try expectLintClean(try Circuit(unit))
    }

    @Test func argmaxModelBreaksTiesLowAndMasksPadding() throws {
        let unit = try Argmax(lanes: 4, wordlength: 4, classes: 6)
        func best(_ scores: [Int], base: Int) -> [Int] {
            let best = unit.best(of: scores, base: base)
            return [best.value, best.index]
        }
        #expect(best([3, 7, 7, 1], base: 0) == [7, 1])
        #expect(best([-8, -8, -8, -8], base: 0) == [-8, 0])
        // Classes 6 and 7 are padding: their 7s count as the minimum.
        #expect(best([-2, -5, 7, 7], base: 4) == [-2, 4])
        #expect(best([-8, -8, 7, 7], base: 4) == [-8, 4])
    }

    /// A check in every cycle (no valid) reports a wrong value: one expected index changed.
    @Test func everyCycleCheckReportsAMismatch() throws {
        let unit = try Argmax(lanes: 4, wordlength: 4, classes: 6)
        let bundle = try unit.simulationBundle(samples: unit.stimulus(randomSamples: 4, seed: 9))
        let testbench = try #require(bundle.testbench as? Testbench)
        var check = testbench.check
        check.beats[3][1][0] ^= 1
        let corrupted = try Testbench(dut: testbench.dut, stimulus: testbench.stimulus, check: check, drainCycles: 1)
        let result = try Icarus.simulate(SimulationBundle(circuit: bundle.circuit, testbench: corrupted))
        #expect(result.failed == 1)
        #expect(result.passed == 2 * check.beats.count - 1)
    }
}
