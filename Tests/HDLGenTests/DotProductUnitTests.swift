import Testing
@testable import HDLGen

/// The RTL of the MACC, PE and MM unit against `MatrixMultiplyModel`, on random and corner
/// stimulus (maximal windows of extreme products, one-beat and back-to-back windows, idle
/// gaps with garbage data), over a sweep of wordlengths and sizes. Each check also lints.
@Suite struct DotProductUnitTests {
    static let wordlengths = [2, 3, 4, 5, 8, 12, 16]
    static let shapes: [(pes: Int, maccs: Int)] = [(1, 1), (2, 3), (4, 8), (8, 16), (16, 4)]

    /// Simulates `unit` against the golden model, with the window sums and their cycle checked.
    func check(_ unit: some DotProductUnit, cycles: Int = 200, seed: UInt64 = 1) throws {
        let beats = unit.stimulus(cycles: cycles, seed: seed)
        let windows = MatrixMultiplyModel.windows(of: beats)
        #expect(windows.count > 10)
        let bundle = try unit.simulationBundle(beats: beats)
        try expectSimulationPasses(bundle, checks: windows.count * (unit.pes + 1))
        try expectLintClean(bundle.circuit)
    }

    @Test(arguments: wordlengths, [1, 5, 16])
    func multiplyAccumulate(wordlength: Int, maxWindow: Int) throws {
        try check(MultiplyAccumulate(wordlength: wordlength, maxWindow: maxWindow))
    }

    @Test(arguments: wordlengths, [1, 3, 4, 8, 16])
    func processingElement(wordlength: Int, maccs: Int) throws {
        try check(ProcessingElement(wordlength: wordlength, maccs: maccs, maxWindow: 12))
    }

    @Test(arguments: wordlengths, shapes.indices)
    func matrixMultiplyUnit(wordlength: Int, shape: Int) throws {
        let (pes, maccs) = Self.shapes[shape]
        try check(MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: 16),
                  seed: UInt64(wordlength * 100 + shape))
    }

    @Test func defaultWindowHoldsItsLongestSum() throws {
        // A 4096-beat window of the most positive product, at the unit's default size.
        try check(MatrixMultiplyUnit(wordlength: 3, pes: 2, maccs: 2), cycles: 100)
    }

    @Test func latencyIsTwoPlusTreeDepth() throws {
        #expect(try MultiplyAccumulate(wordlength: 4).latency == 2)
        #expect(try ProcessingElement(wordlength: 4, maccs: 1).latency == 2)
        #expect(try ProcessingElement(wordlength: 4, maccs: 2).latency == 3)
        #expect(try ProcessingElement(wordlength: 4, maccs: 16).latency == 6)
        #expect(try ProcessingElement(wordlength: 4, maccs: 17).latency == 7)
        #expect(try MatrixMultiplyUnit(wordlength: 4, pes: 3, maccs: 5).latency == 5)
    }

    @Test func accumulatorWidthIsTight() {
        // 4-bit operands: products in [-56, 64]; 3 terms reach 192 (9 bits), 1 term 64 (8 bits).
        #expect(accumulatorWidth(wordlength: 4, terms: 1) == 8)
        #expect(accumulatorWidth(wordlength: 4, terms: 3) == 9)
        #expect(accumulatorWidth(wordlength: 2, terms: 1) == 4)   // (-2)·(-2) = 4
        // 2^18 terms of the largest product 2^30 reach 2^48, which needs 50 signed bits.
        #expect(accumulatorWidth(wordlength: 16, terms: 64 * 4096) == 50)
    }

    @Test(arguments: [(1, 1, 1), (17, 1, 1), (8, 0, 4), (8, 2, 0), (8, 2, 2000)])
    func invalidParametersAreRejected(wordlength: Int, pes: Int, maccs: Int) {
        #expect(throws: UnitParameterError.self) {
            try MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs)
        }
    }

    @Test func parameterErrorNamesTheParameterAndRange() {
        #expect(throws: UnitParameterError(unit: "MM unit", parameter: "wordlength", value: 17, allowed: 2...16)) {
            try MatrixMultiplyUnit(wordlength: 17, pes: 1, maccs: 1)
        }
        let message = UnitParameterError(unit: "PE", parameter: "maccs", value: 0, allowed: 1...1024).description
        #expect(message == "PE: maccs = 0 is outside the supported range 1...1024")
    }
}
