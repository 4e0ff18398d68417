import Testing
@testable import HDLGen

/// MM units whose PEs multiply on DSP48s, packed DSP48s (two PEs per DSP) and LUTs, alone
/// and mixed, simulated under Icarus against `MatrixMultiplyModel` (which knows nothing of
/// mappings) over the wordlengths each mapping supports; each check also lints.
@Suite struct MultiplierMappingTests {
    static let shapes: [(pes: Int, maccs: Int, maxWindow: Int)] = [(2, 1, 5), (4, 8, 16)]

    /// Windows that pair opposite extremes across neighbouring PEs (the two halves of a packed
    /// DSP): −2^(w−1)·−2^(w−1) beside −2^(w−1)·max, and a low product of −1 (all ones, a borrow).
    static func pairCorners(wordlength: Int, pes: Int, maccs: Int) -> [MatrixMultiplyBeat] {
        let low = -(1 << (wordlength - 1)), high = (1 << (wordlength - 1)) - 1
        let patterns: [(a: (Int) -> Int, w: (Int, Int) -> Int)] = [
            ({ _ in low }, { p, _ in p % 2 == 0 ? low : high }),
            ({ _ in low }, { p, _ in p % 2 == 0 ? high : low }),
            ({ _ in high }, { p, _ in p % 2 == 0 ? low : high }),
            ({ _ in -1 }, { p, _ in p % 2 == 0 ? 1 : low }),
            ({ k in k % 2 == 0 ? low : high }, { p, k in (p + k) % 2 == 0 ? low : high }),
        ]
        return patterns.flatMap { pattern in
            (0..<2).map { beat in
                MatrixMultiplyBeat(activations: (0..<maccs).map(pattern.a),
                                   weights: (0..<pes).map { p in (0..<maccs).map { k in pattern.w(p, k) } },
                                   valid: true, first: beat == 0, last: beat == 1)
            }
        }
    }

    /// Simulates `unit` on the pair corners then its usual stimulus, every window checked.
    func check(_ unit: some DotProductUnit, cycles: Int = 150, seed: UInt64 = 1) throws {
        let beats = Self.pairCorners(wordlength: unit.wordlength, pes: unit.pes, maccs: unit.maccs)
            + unit.stimulus(cycles: cycles, seed: seed)
        let windows = MatrixMultiplyModel.windows(of: beats)
        let bundle = try unit.simulationBundle(beats: beats)
        try expectSimulationPasses(bundle, checks: windows.count * (unit.pes + 1))
        try expectLintClean(bundle.circuit)
    }

    func unit(_ wordlength: Int, _ shape: Int, mix: (Int) -> MultiplierMix) throws -> MatrixMultiplyUnit {
        let (pes, maccs, maxWindow) = Self.shapes[shape]
        return try MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: maxWindow, mix: mix(pes))
    }

    @Test(arguments: [2, 3, 5, 8, 12, 16], shapes.indices)
    func lutUnit(wordlength: Int, shape: Int) throws {
        try check(unit(wordlength, shape) { MultiplierMix(lut: $0) }, seed: UInt64(wordlength * 10 + shape))
    }

    @Test(arguments: Array(2...8), shapes.indices)
    func packedUnit(wordlength: Int, shape: Int) throws {
        try check(unit(wordlength, shape) { MultiplierMix(packedDSP: $0) }, seed: UInt64(wordlength * 10 + shape))
    }

    static let mixes = [MultiplierMix(dsp: 1, packedDSP: 2, lut: 1), MultiplierMix(packedDSP: 4, lut: 2),
                        MultiplierMix(dsp: 3, lut: 2)]

    @Test(arguments: [2, 4, 5, 8], mixes)
    func mixedUnit(wordlength: Int, mix: MultiplierMix) throws {
        try check(MatrixMultiplyUnit(wordlength: wordlength, pes: mix.pes, maccs: 3, maxWindow: 12, mix: mix),
                  seed: UInt64(wordlength + mix.pes))
    }

    @Test func longWindowsHoldTheirSums() throws {
        // 4096-beat windows of the extreme products, both halves of a packed pair and in LUTs.
        try check(ProcessingElement(wordlength: 8, maccs: 2, mapping: .packedDSP), cycles: 60)
        try check(MatrixMultiplyUnit(wordlength: 16, pes: 1, maccs: 1, mix: MultiplierMix(lut: 1)), cycles: 60)
    }

    @Test func defaultMixKeepsTheUnitAsItWas() throws {
        let unit = try MatrixMultiplyUnit(wordlength: 8, pes: 4, maccs: 8)
        #expect(unit.mix == MultiplierMix(dsp: 4))
        #expect(unit.name == "mm_w8_p4_k8_n4096")
        let mixed = try MatrixMultiplyUnit(wordlength: 8, pes: 4, maccs: 8, mix: MultiplierMix(dsp: 1, packedDSP: 2, lut: 1))
        #expect(mixed.name == "mm_w8_p4_k8_n4096_d1_pk2_l1")
        let verilog = VerilogEmitter.emit(try Circuit(unit).top)
        #expect(!verilog.contains("use_dsp"))
    }

    @Test func packingNeedsPairsAndShortWords() {
        #expect(throws: UnitParameterError(unit: "PE", parameter: "wordlength (packed DSP)", value: 9, allowed: 2...8)) {
            try ProcessingElement(wordlength: 9, maccs: 4, mapping: .packedDSP)
        }
        #expect(throws: UnitParameterError(unit: "MM unit", parameter: "wordlength (packed DSP)", value: 9, allowed: 2...8)) {
            try MatrixMultiplyUnit(wordlength: 9, pes: 2, maccs: 4, mix: MultiplierMix(packedDSP: 2))
        }
        #expect(throws: UnitParameterError(unit: "MM unit", parameter: "mix.packedDSP (an even count)", value: 3,
                                           allowed: 0...4)) {
            try MatrixMultiplyUnit(wordlength: 8, pes: 4, maccs: 4, mix: MultiplierMix(packedDSP: 3, lut: 1))
        }
        #expect(throws: UnitParameterError(unit: "MM unit", parameter: "mix PEs (all mappings, = pes)", value: 3,
                                           allowed: 4...4)) {
            try MatrixMultiplyUnit(wordlength: 8, pes: 4, maccs: 4, mix: MultiplierMix(dsp: 3))
        }
        #expect(throws: UnitParameterError.self) {
            try MatrixMultiplyUnit(wordlength: 8, pes: 4, maccs: 4, mix: MultiplierMix(dsp: 6, lut: -2))
        }
    }
}
