import Testing
@testable import HDLGen

/// The layer engine's sub-modules on their own, simulated against golden models over a sweep
/// of engine parameters: the requantiser against the quantiser's rounding function, the
/// im2col address generator against the loops of a direct convolution.
@Suite struct EngineUnitTests {
    static func engine(wordlength: Int, pes: Int, maccs: Int, maxWindow: Int = 64, activationDepth: Int = 256,
                       outputDepth: Int = 64, maxLayers: Int = 4, addressWidth: Int = 24) throws -> LayerEngine {
        try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: maxWindow,
                                            activationDepth: activationDepth, outputDepth: outputDepth, maxLayers: maxLayers,
                                            addressWidth: addressWidth))
    }

    @Test(arguments: [(2, 1, 1), (3, 2, 4), (4, 4, 8), (8, 3, 6), (12, 4, 2), (16, 2, 16)])
    func requantiserRoundsAsTheQuantiser(wordlength: Int, pes: Int, maccs: Int) throws {
        let unit = Requantiser(engine: try Self.engine(wordlength: wordlength, pes: pes, maccs: maccs))
        let samples = unit.stimulus(randomSamples: 120, seed: UInt64(wordlength * 31 + pes))
        // The corners reach saturation both ways, ReLU, and every shift the field can take.
        #expect(Set(samples.map(\.shift)).count == unit.engine.configuration.maxShift + unit.engine.wordlength + 4)
        let bundle = try unit.simulationBundle(samples: samples)
        try expectSimulationPasses(bundle, checks: samples.count * (pes + 1))
        try expectLintClean(bundle.circuit)
    }

    @Test func requantiserGoldenModelIsTheRoundingRule() throws {
        let unit = Requantiser(engine: try Self.engine(wordlength: 4, pes: 1, maccs: 1))
        #expect(unit.expectedWord(accumulator: 12, alignedBias: 0, shift: 3, relu: false) == 2)    // 1.5 → 2
        #expect(unit.expectedWord(accumulator: -12, alignedBias: 0, shift: 3, relu: false) == -1)  // −1.5 → −1
        #expect(unit.expectedWord(accumulator: 3, alignedBias: 1, shift: -1, relu: false) == 7)    // 8 saturates
        #expect(unit.expectedWord(accumulator: -40, alignedBias: 0, shift: 2, relu: false) == -8)
        #expect(unit.expectedWord(accumulator: -40, alignedBias: 0, shift: 2, relu: true) == 0)
    }

    /// A random convolution that fits the engine's buffers: padding, stride and dilation
    /// up to 3, outputs from the standard formula (at least one position).
    static func randomGeometry(for engine: LayerEngine, using random: inout SeededGenerator) -> Im2colAddressGenerator.Geometry {
        while true {
            let k = (Int.random(in: 1...3, using: &random), Int.random(in: 1...3, using: &random))
            let groups = Int.random(in: 1...3, using: &random)
            guard groups * k.0 * k.1 <= engine.maxWindow else { continue }
            let h = Int.random(in: 1...9, using: &random), w = Int.random(in: 1...9, using: &random)
            guard groups * h * w <= engine.activationDepth else { continue }
            let stride = (Int.random(in: 1...3, using: &random), Int.random(in: 1...3, using: &random))
            let dilation = (Int.random(in: 1...2, using: &random), Int.random(in: 1...2, using: &random))
            let pad = (Int.random(in: 0...2, using: &random), Int.random(in: 0...2, using: &random))
            let span = (dilation.0 * (k.0 - 1) + 1, dilation.1 * (k.1 - 1) + 1)
            guard h + 2 * pad.0 >= span.0, w + 2 * pad.1 >= span.1 else { continue }
            return .init(inputGroups: groups, inputHeight: h, inputWidth: w, kernelHeight: k.0, kernelWidth: k.1,
                         strideY: stride.0, strideX: stride.1, dilationY: dilation.0, dilationX: dilation.1,
                         padTop: pad.0, padLeft: pad.1,
                         outputHeight: (h + 2 * pad.0 - span.0) / stride.0 + 1, outputWidth: (w + 2 * pad.1 - span.1) / stride.1 + 1)
        }
    }

    @Test(arguments: [(64, 256, 1), (16, 64, 2), (8, 32, 3), (32, 512, 4)])
    func im2colMatchesADirectConvolution(maxWindow: Int, activationDepth: Int, seed: UInt64) throws {
        let engine = try Self.engine(wordlength: 4, pes: 2, maccs: 4, maxWindow: maxWindow, activationDepth: activationDepth)
        let unit = Im2colAddressGenerator(engine: engine)
        var random = SeededGenerator(seed: seed)
        var geometries = (0..<3).map { _ in Self.randomGeometry(for: engine, using: &random) }
        // A 1×1 kernel on a single position, and a window of exactly the buffer's longest.
        geometries.append(.init(inputGroups: 1, inputHeight: 1, inputWidth: 1, kernelHeight: 1, kernelWidth: 1, strideY: 1,
                                strideX: 1, dilationY: 1, dilationX: 1, padTop: 0, padLeft: 0, outputHeight: 1, outputWidth: 1))
        geometries.append(.init(inputGroups: maxWindow / 4, inputHeight: 2, inputWidth: 2, kernelHeight: 2, kernelWidth: 2,
                                strideY: 1, strideX: 1, dilationY: 1, dilationX: 1, padTop: 1, padLeft: 1,
                                outputHeight: 3, outputWidth: 3))
        for geometry in geometries {
            let bundle = try unit.simulationBundle(geometry)
            let beats = unit.expectedBeats(geometry).count
            #expect(beats == geometry.outputHeight * geometry.outputWidth * geometry.beats)
            try expectSimulationPasses(bundle, checks: beats * 6)
        }
        try expectLintClean(try Circuit(unit))
    }
}



/// The partial-sum stage against the sum of its chunks, across engine shapes.
@Suite struct PartialSumUnitTests {
    @Test(arguments: [(4, 1, 2, 8), (8, 3, 4, 16), (16, 2, 8, 32), (2, 4, 1, 4)])
    func partialSumsAddTheChunksBefore(wordlength: Int, pes: Int, chunks: Int, depth: Int) throws {
        let engine = try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: pes, maccs: 1, maxWindow: 16,
                                                         activationDepth: 64, outputDepth: 64, maxLayers: 4,
                                                         maxChunks: chunks, partialSumDepth: depth))
        let unit = PartialSums(engine: engine)
        let passes = unit.stimulus(bands: 3, chunks: chunks, seed: UInt64(wordlength * 7 + chunks))
        let bundle = try unit.simulationBundle(passes, chunks: chunks)
        try expectSimulationPasses(bundle, checks: passes.reduce(0) { $0 + $1.sums.count } * (pes + 1))
        try expectLintClean(bundle.circuit)
    }

    @Test func goldenModelSumsEachBandsChunks() {
        let engine = try! LayerEngine(EngineConfiguration(wordlength: 4, pes: 1, maccs: 1, maxWindow: 4, activationDepth: 4,
                                                          outputDepth: 4, maxChunks: 2, partialSumDepth: 2))
        let passes = [PartialSums.Pass(sums: [[1], [2]], gaps: [0, 0]), .init(sums: [[10], [20]], gaps: [0, 0]),
                      .init(sums: [[5], [6]], gaps: [0, 0]), .init(sums: [[-5], [1]], gaps: [0, 0])]
        #expect(PartialSums(engine: engine).expectedSums(passes, chunks: 2) == [[[1], [2]], [[11], [22]], [[5], [6]], [[0], [7]]])
    }
}
