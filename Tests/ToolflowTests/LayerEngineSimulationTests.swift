import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// The layer engine's RTL runs whole networks under Icarus, bit-exact at every layer with
/// the fixed-point golden model, in the cycles `EngineCycleModel` predicts.
@Suite struct LayerEngineSimulationTests {
    struct Run {
        let simulation: EngineSimulation
        let program: EngineProgram
        let images: Int

        /// Output lines the testbench had to compare.
        var expectedChecks: Int { images * program.layers.reduce(0) { $0 + $1.geometry.outputLines(maccs: program.engine.maccs) } }
    }

    func simulate(_ network: Network, data: Dataset, wordlength: Int, pes: Int, maccs: Int, columns: Int = 1, batch: Int = 1,
                  images: Int,
                  timing: LayerEngineTestbench.MemoryTiming = .init(), simulator: Simulator = .icarus,
                  mix: MultiplierMix? = nil, buffers: (activationDepth: Int, outputDepth: Int)? = nil,
                  weightWindow: Int? = nil) throws -> Run {
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: wordlength)
        let program = try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation),
                                        pes: pes, maccs: maccs, columns: columns, batch: batch, mix: mix, buffers: buffers,
                                        weightWindow: weightWindow)
        let size = data.imageSize
        let words = (0..<images).map { i in program.inputWords(data.inputs[(i * size)..<((i + 1) * size)]) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return Run(simulation: try EngineSimulation.run(program, images: words, timing: timing, in: OutputFolder(directory),
                                                        simulator: simulator),
                   program: program, images: images)
    }

    /// Every line checked and equal, and, with a memory that never stalls, every image and
    /// layer in exactly the modelled cycles.
    func expectExact(_ run: Run, timing: LayerEngineTestbench.MemoryTiming = .init(),
                     sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let s = run.simulation
        #expect(s.failed == 0, "\(s.mismatches.prefix(5).joined(separator: "\n"))\n\(s.log.suffix(1500))",
                sourceLocation: sourceLocation)
        #expect(s.passed == run.expectedChecks, sourceLocation: sourceLocation)
        // One run per image, or per batch.
        #expect(s.images.count == run.images / run.program.batch, sourceLocation: sourceLocation)
        let predicted = run.program.modelledCycles(memoryLatency: timing.latency)
        for image in s.images {
            // The testbench's own count from start to done agrees with the engine's counter.
            #expect(image.counted == image.total, sourceLocation: sourceLocation)
            if timing.stallPercent == 0 && timing.jitter == 0 {
                #expect(image.layers == predicted, sourceLocation: sourceLocation)
                #expect(image.total == predicted.reduce(0, +), sourceLocation: sourceLocation)
            } else {
                #expect(image.total >= predicted.reduce(0, +), sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: [(4, 8, 8), (4, 16, 4), (8, 8, 8), (8, 4, 16)])
    func exampleIsBitExactAtEveryLayer(wordlength: Int, pes: Int, maccs: Int) throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let run = try simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, images: 5)
        expectExact(run)
    }

    /// An engine whose PEs multiply on DSP48s, packed DSP48s and LUTs gives the same words.
    @Test func mixedMultipliersAreBitExact() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let mix = MultiplierMix(dsp: 2, packedDSP: 4, lut: 2)
        let run = try simulate(network, data: data, wordlength: 8, pes: 8, maccs: 8, images: 2, mix: mix)
        #expect(run.program.engine.matrixMultiplyUnit.mix == mix)
        expectExact(run)
    }

    @Test(arguments: [("strided_bn_opset21", 8, 4, 8), ("strided_bn_opset21", 4, 6, 3), ("shapes_opset13", 8, 3, 3),
                      ("shapes_opset13", 5, 2, 4)])
    func testModelsAreBitExact(model: String, wordlength: Int, pes: Int, maccs: Int) throws {
        let run = try simulate(try Fixtures.network(model), data: try Fixtures.inputs(model), wordlength: wordlength,
                               pes: pes, maccs: maccs, images: 3)
        expectExact(run)
    }

    /// Random convolutions (channels, kernel, stride, dilation, asymmetric padding, pooling
    /// with padding, channel counts that fill no tile) across wordlengths and tile shapes.
    @Test(arguments: [(2, 1, 1), (3, 2, 4), (4, 4, 2), (5, 3, 6), (8, 8, 8), (12, 16, 4), (16, 4, 16), (6, 6, 3)])
    func randomNetworksAreBitExact(wordlength: Int, pes: Int, maccs: Int) throws {
        for seed in 0..<3 {
            let (network, data) = randomNetwork(seed: UInt64(wordlength * 100 + pes * 10 + seed))
            let run = try simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, images: 2)
            expectExact(run)
        }
    }

    /// Engines of several output columns: random convolutions (row widths that Q does not
    /// divide, windows shorter and longer than Q beats, stride, dilation, padding, pooling)
    /// and the example, bit-exact in the modelled cycles, with random stalls too.
    @Test(arguments: [(8, 4, 4, 2), (4, 2, 8, 3), (6, 3, 3, 4), (8, 8, 2, 5), (5, 1, 1, 7)])
    func columnsInParallelAreBitExact(wordlength: Int, pes: Int, maccs: Int, columns: Int) throws {
        for seed in 0..<2 {
            let (network, data) = randomNetwork(seed: UInt64(1000 + columns * 100 + pes * 10 + seed))
            let run = try simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, images: 2)
            expectExact(run)
        }
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let timing = LayerEngineTestbench.MemoryTiming(latency: 3, jitter: 7, stallPercent: 30, seed: columns)
        let run = try simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, images: 2,
                               timing: timing)
        #expect(run.program.engine.columns == columns)
        expectExact(run, timing: timing)
    }

    /// FC layers over a batch of images, each tile's weights read once for all of them: the
    /// example (its two FC layers batched) and random networks, batches of 1 and of B, with
    /// columns, bands and random stalls; bit-exact, in the modelled cycles, and the FC layers
    /// faster per image than at a batch of one.
    @Test(arguments: [(8, 8, 8, 1, 4), (4, 4, 8, 3, 3), (6, 2, 4, 1, 8)])
    func fcLayersRunInBatches(wordlength: Int, pes: Int, maccs: Int, columns: Int, batch: Int) throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let batched = try simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, columns: columns,
                                   batch: batch, images: 2 * batch)
        #expect(batched.program.batchedFrom == 2 && batched.program.batch == batch)
        expectExact(batched)
        // A batch of one (its model checked against the RTL by the tests above).
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: wordlength)
        let single = try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: pes,
                                       maccs: maccs, columns: columns)
        #expect(single.batchedFrom == single.layers.count)
        let perImage = single.modelledCycles(memoryLatency: 2)
        let perBatch = batched.program.modelledCycles(memoryLatency: 2)
        #expect(perBatch[0] == batch * perImage[0] && perBatch[1] == batch * perImage[1])
        #expect(perBatch[2] < batch * perImage[2])
        // The table holds each descriptor once, whatever the batch: a start per image, then the batch's own.
        #expect(batched.program.descriptors().count == single.descriptors(imageBase: 0).count)
        #expect(batched.program.starts(run: 1).map(\.layers) == Array(repeating: 0..<2, count: batch) + [2..<4])
        let timing = LayerEngineTestbench.MemoryTiming(latency: 5, jitter: 9, stallPercent: 35, seed: batch)
        let stalled = try simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, columns: columns,
                                   batch: batch, images: batch, timing: timing)
        expectExact(stalled, timing: timing)
        do {
            // Random networks come with two images: a batch of two.
            let (network, data) = randomNetwork(seed: UInt64(2000 + batch * 10 + pes))
            let run = try simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, columns: columns,
                                   batch: 2, images: 2)
            #expect(run.program.batchedFrom < run.program.layers.count)
            expectExact(run)
        }
    }

    /// Column counts and batches outside their ranges are refused with a reason, not trapped on.
    @Test(arguments: [(0, 1), (-3, 1), (EngineConfiguration.maximumColumns + 1, 1), (1, 0), (2, EngineProgram.maximumBatch + 1)])
    func badColumnsAndBatchesAreRefused(columns: Int, batch: Int) throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: 8)
        #expect(throws: ToolflowError.self) {
            try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: 4, maccs: 8,
                              columns: columns, batch: batch)
        }
    }

    /// The largest batch takes no more descriptors than one image: with row bands (several
    /// descriptors per layer), 256 images, each image's start offset by its region.
    @Test func largestBatchTakesOneImagesDescriptors() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: 8)
        let quantised = try QuantisedNetwork(network: network, quantisation: quantisation)
        let single = try EngineProgram(quantised: quantised, pes: 4, maccs: 8, buffers: (256, 128))
        let batched = try EngineProgram(quantised: quantised, pes: 4, maccs: 8, batch: EngineProgram.maximumBatch,
                                        buffers: (256, 128))
        // Per-image layers: the same descriptors; batched ones: at most three runs of bands each.
        let perImage = batched.descriptorLayers.filter { $0 < batched.batchedFrom }
        #expect(perImage.count > batched.batchedFrom)
        #expect(perImage == single.descriptorLayers.filter { $0 < batched.batchedFrom })
        #expect(batched.descriptorLayers.count <= perImage.count + 3 * (batched.layers.count - batched.batchedFrom))
        let starts = batched.starts(run: 1)
        #expect(starts.count == EngineProgram.maximumBatch + 1)
        #expect(starts.dropLast().map(\.imageOffset) == (0..<EngineProgram.maximumBatch).map {
            batched.imageBase(EngineProgram.maximumBatch + $0) - batched.imageBase(0)
        })
        #expect(starts.last?.imageOffset == batched.runLines)
        // The shapes the DSE sizes a batch's buffers with are those the descriptors run.
        let shapes = try #require(Workload(network).runGeometries(batch: EngineProgram.maximumBatch, columns: 1, maccs: 8))
        #expect(batched.layers.indices.map { batched.runLayer($0).geometry } == shapes)
    }

    /// In row bands too: the batched FC layer's input (a segment per image) split across bands.
    @Test func batchesRunInBands() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let run = try simulate(network, data: data, wordlength: 8, pes: 4, maccs: 8, batch: 8, images: 8,
                               buffers: (256, 128))
        #expect(run.program.bandRuns[2].reduce(0) { $0 + $1.count } > 1)
        expectExact(run)
    }

    /// The DSE's engine for ZC706 runs the example in exactly the cycles the performance
    /// model gave the DSE, one image at a time and in batches (the FC layers' per-image
    /// cycles a batch's share, their buffers sized for the batch).
    @Test(arguments: [(4, 1), (8, 2)])
    func dseEngineRunsInThePredictedCycles(wordlength: Int, batch: Int) throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let workload = Workload(network)
        #expect(workload.geometries != nil)
        let design = try Explorer(device: .zc706, batch: batch).bestEngine(wordlength: wordlength, workload: workload,
                                                                           budget: Device.zc706.budget(fraction: 0.8))
        let engine = design.engine
        #expect(engine.pes & (engine.pes - 1) == 0 && engine.maccs & (engine.maccs - 1) == 0)
        let run = try simulate(network, data: data, wordlength: wordlength, pes: engine.pes, maccs: engine.maccs,
                               columns: engine.columns, batch: batch, images: batch,
                               buffers: (engine.activationDepth!, engine.outputDepth!))
        expectExact(run)
        let measured = try #require(run.simulation.images.first?.layers)
        let perImage = measured.indices.map { l in
            l < run.program.batchedFrom ? measured[l] / batch : Int((Double(measured[l]) / Double(batch)).rounded())
        }
        #expect(perImage == design.layers.map(\.cycles))
        #expect(run.program.batchedFrom == (batch == 1 ? 4 : 2))
        #expect(run.program.engine.activationDepth == engine.activationDepth)
        #expect(run.program.engine.outputDepth == engine.outputDepth)
        #expect(run.program.engine.maxWindow == engine.maxWindow)
        #expect(run.program.engine.maxLayers == engine.maxLayers)
        #expect(run.program.engine.lineWidth == engine.lineWidth)
        #expect(run.program.engine.columns == engine.columns)
    }

    /// Verilator runs the same testbench to the same verdict and cycle counts.
    @Test(.enabled(if: toolAvailable("verilator") || runningInCI))
    func verilatorAgreesWithTheModel() throws {
        let run = try simulate(try Fixtures.network("strided_bn_opset21"), data: try Fixtures.inputs("strided_bn_opset21"),
                               wordlength: 8, pes: 4, maccs: 8, images: 3, simulator: .verilator)
        expectExact(run)
    }

    @Test(arguments: [LayerEngineTestbench.MemoryTiming(latency: 1), .init(latency: 40), .init(latency: 3, jitter: 12, stallPercent: 40, seed: 7),
                      .init(latency: 90, jitter: 30, stallPercent: 75, seed: 3)])
    func memoryStallsAndLatencyChangeNothing(timing: LayerEngineTestbench.MemoryTiming) throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let run = try simulate(network, data: data, wordlength: 4, pes: 4, maccs: 8, images: 2, timing: timing)
        expectExact(run, timing: timing)
    }

    /// Requantisation shifts of zero or less (exact left shifts, saturating) and far beyond
    /// the accumulator (every word rounds to 0 or −1) come out exact too.
    @Test(arguments: [8, 14, -30])
    func extremeShiftsAreExact(outputOffset: Int) throws {
        let network = try Fixtures.network("shapes_opset13"), data = try Fixtures.inputs("shapes_opset13")
        var quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: 6)
        let last = quantisation.layers.count - 1
        quantisation.layers[last].output.fractionBits += outputOffset
        let entry = quantisation.layers[last]
        let shift = entry.input.fractionBits + entry.weights.fractionBits - entry.output.fractionBits
        let program = try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: 4, maccs: 2)
        #expect(outputOffset < 0 ? shift > program.engine.maxShift : shift <= 0)
        let words = (0..<2).map { i in program.inputWords(data.inputs[(i * data.imageSize)..<((i + 1) * data.imageSize)]) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulation = try EngineSimulation.run(program, images: words, timing: .init(), in: OutputFolder(directory))
        expectExact(Run(simulation: simulation, program: program, images: 2))
    }

    /// The engine behind its AXI4 master and AXI4-Lite slave, as in a Zynq block design: the
    /// host programs it over AXI4-Lite, the memory answers over AXI4 with random stalls.
    @Test(arguments: [LayerEngineTestbench.MemoryTiming(latency: 1), .init(latency: 6, jitter: 9, stallPercent: 35, seed: 5)])
    func exampleRunsThroughAXI(timing: LayerEngineTestbench.MemoryTiming) throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: 4)
        let program = try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: 8, maccs: 4)
        let words = (0..<2).map { i in program.inputWords(data.inputs[(i * data.imageSize)..<((i + 1) * data.imageSize)]) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulation = try EngineSimulation.run(program, images: words, timing: timing, in: OutputFolder(directory),
                                                  interface: .axi(baseAddress: 0x1000_0000))
        let run = Run(simulation: simulation, program: program, images: 2)
        #expect(simulation.failed == 0, "\(simulation.log.suffix(1500))")
        #expect(simulation.passed == run.expectedChecks)
        #expect(simulation.images.count == 2)
        // The adapters add a few cycles per load and write-back to the native port's count.
        let predicted = program.modelledCycles(memoryLatency: timing.latency).reduce(0, +)
        for image in simulation.images { #expect(image.total >= predicted) }
        if timing.stallPercent == 0 {
            for image in simulation.images { #expect(Double(image.total) <= 1.05 * Double(predicted)) }
        }
    }

    /// What the host reads back from each layer's region is that layer's output in C order,
    /// across tile shapes that split the channels differently: the engine's RTL writes the
    /// lines (every one checked by the testbench), and the host's decoding of them gives the
    /// golden model's words.
    @Test(arguments: [(4, 8), (8, 4), (3, 3), (16, 16)])
    func outputsReadBackAsTheGoldenWords(pes: Int, maccs: Int) throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let run = try simulate(network, data: data, wordlength: 5, pes: pes, maccs: maccs, images: 1)
        #expect(run.simulation.failed == 0, "\(run.simulation.mismatches.prefix(4))")
        #expect(run.simulation.passed == run.expectedChecks)
        let program = run.program
        let words = program.inputWords(data.inputs[0..<data.imageSize])
        let golden = try FixedPointInference(program.quantised).layerOutputs(words: words)
        for (l, lines) in program.expectedOutputLines(inputWords: words).enumerated() {
            #expect(program.outputWords(layer: l, lines: lines) == golden[program.layers[l].outputLayerIndex])
        }
        #expect(program.outputWords(layer: 0, lines: ["zz"]) == nil)
    }

    @Test func testbenchReportsAWrongLine() throws {
        let network = try Fixtures.network("shapes_opset13"), data = try Fixtures.inputs("shapes_opset13")
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: 6)
        let program = try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: 2, maccs: 4)
        let words = program.inputWords(data.inputs[0..<data.imageSize])
        let good = program.testbench(images: [words], timing: .init())
        var expected = good.expected
        let flipped = expected[5].hex.last == "0" ? "1" : "0"
        expected[5].hex = String(expected[5].hex.dropLast()) + flipped
        let bad = LayerEngineTestbench(engine: good.engine, memory: good.memory, descriptors: good.descriptors,
                                       runs: good.runs, expected: expected)
        let circuit = try Circuit(good.engine)
        let result = try Icarus.simulate(SimulationBundle(circuit: circuit, testbench: bad))
        #expect(result.failed == 1)
        #expect(result.passed == expected.count - 1)
        #expect(result.log.contains("mismatch: run 0 layer \(expected[5].layer) line \(expected[5].address)"))
    }

    @Test func unsupportedLayersAreNamed() throws {
        let network = try Fixtures.network("groups_avgpool_opset13")
        let quantisation = try RangeCalibration.quantisation(for: network, data: try Fixtures.inputs("groups_avgpool_opset13"), wordlength: 8)
        #expect {
            try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: 4, maccs: 4)
        } throws: { error in
            guard case .unsupportedByEngine(let layer, let reason)? = error as? ToolflowError else { return false }
            return !layer.isEmpty && (reason.contains("groups") || reason.contains("average pooling"))
        }
    }

    @Test func tileShapesThatDoNotNestAreRejected() throws {
        let network = try Fixtures.network("shapes_opset13")
        let quantisation = try RangeCalibration.quantisation(for: network, data: try Fixtures.inputs("shapes_opset13"), wordlength: 8)
        #expect(throws: ToolflowError.self) {
            try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: 3, maccs: 4)
        }
    }
}

/// A small random network: a convolution (1–5 input channels, kernel up to 3×3, stride and
/// dilation up to 2, padding on each side independently, ReLU or not), maybe a max pooling
/// with padding, maybe a second convolution, and two FC layers; with two random images.
func randomNetwork(seed: UInt64) -> (Network, Dataset) {
    var random = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ 1)
    func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    func floats(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -1...1, using: &random) } }
    while true {
        var shape = [int(1...5), int(4...9), int(4...10)]
        let input = shape
        var layers: [Layer] = []
        func convolution(_ name: String, kernel: ClosedRange<Int>) -> Bool {
            let (kh, kw) = (int(kernel), int(kernel))
            let window = Window2D(kernelHeight: kh, kernelWidth: kw, strideY: int(1...2), strideX: int(1...2),
                                  dilationY: int(1...2), dilationX: int(1...2),
                                  padTop: int(0...(kh - 1)), padLeft: int(0...(kw - 1)),
                                  padBottom: int(0...(kh - 1)), padRight: int(0...(kw - 1)))
            let outputs = int(1...7)
            let conv = Convolution(inputChannels: shape[0], outputChannels: outputs, window: window,
                                   weights: floats(outputs * shape[0] * kh * kw), bias: floats(outputs), fusedReLU: int(0...1) == 1)
            guard let out = conv.outputShape(for: shape), out[1] >= 1, out[2] >= 1 else { return false }
            layers.append(Layer(name: name, operation: .convolution(conv), inputShape: shape, outputShape: out))
            shape = out
            return true
        }
        guard convolution("conv1", kernel: 1...3) else { continue }
        if int(0...1) == 1, shape[1] >= 2, shape[2] >= 2 {
            let k = int(2...3)
            let pad = int(0...1)
            let pooling = Pooling(window: Window2D(kernelHeight: k, kernelWidth: k, strideY: int(1...2), strideX: int(1...2),
                                                  padTop: pad, padLeft: pad, padBottom: pad, padRight: 0))
            if let out = pooling.outputShape(for: shape), pooling.windowTable(inputShape: shape) != nil {
                layers.append(Layer(name: "pool1", operation: .maxPool(pooling), inputShape: shape, outputShape: out))
                shape = out
            }
        }
        if int(0...1) == 1 { guard convolution("conv2", kernel: 1...2) else { continue } }
        let features = shape.reduce(1, *)
        layers.append(Layer(name: "flatten", operation: .reshape, inputShape: shape, outputShape: [features]))
        let hidden = int(2...12), classes = int(2...10)
        layers.append(Layer(name: "fc1", operation: .fullyConnected(FullyConnected(
            inputFeatures: features, outputFeatures: hidden, weights: floats(hidden * features), bias: floats(hidden),
            fusedReLU: true)), inputShape: [features], outputShape: [hidden]))
        layers.append(Layer(name: "fc2", operation: .fullyConnected(FullyConnected(
            inputFeatures: hidden, outputFeatures: classes, weights: floats(classes * hidden), bias: floats(classes))),
                            inputShape: [hidden], outputShape: [classes]))
        let network = Network(name: "random\(seed)", inputShape: input, layers: layers)
        return (network, Dataset(imageShape: input, inputs: floats(2 * input.reduce(1, *))))
    }
}
