import HDLGen
import Testing
@testable import Toolflow

/// Layers whose windows are longer than the PEs' weight buffers run in input-channel chunks,
/// each tile's sums kept in the partial-sum buffer between chunks: bit-exact in the RTL, in
/// the modelled cycles, on random networks and the example, with bands, columns, batches,
/// stalls and long latency.
@Suite struct PartialSumTests {
    let engine = LayerEngineSimulationTests()

    /// The shortest weight window (a power of two) that holds one channel group of every
    /// layer's kernel: the most chunks the engine can run `network` in.
    static func shortestWindow(_ network: Network, maccs: Int) throws -> (window: Int, whole: Int) {
        let layers = try EngineLayer.layers(of: network).map { $0.geometry.folded(maccs: maccs) }
        let taps = layers.map { $0.kernelHeight * $0.kernelWidth }.max()!
        return (max(2, nextPowerOfTwo(taps)), max(2, nextPowerOfTwo(layers.map { $0.beats(maccs: maccs) }.max()!)))
    }

    @Test(arguments: [(4, 2, 1, 1), (8, 4, 2, 1), (6, 1, 1, 3), (5, 4, 2, 2)])
    func randomNetworksInChunksAreBitExact(wordlength: Int, pes: Int, maccs: Int, columns: Int) throws {
        var chunked = 0
        for seed in 0..<4 {
            let (network, data) = randomNetwork(seed: UInt64(7000 + wordlength * 100 + pes * 10 + seed))
            let (window, whole) = try Self.shortestWindow(network, maccs: maccs)
            guard window < whole else { continue }
            let run = try engine.simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, columns: columns,
                                          images: 2, weightWindow: window)
            engine.expectExact(run)
            let program = run.program
            #expect(program.engine.maxWindow == window)
            #expect(program.engine.maxChunks == program.chunks.max()!)
            for (l, layer) in program.layers.enumerated() {
                let g = layer.geometry
                #expect(g.inputGroups(maccs: maccs) % program.chunks[l] == 0)
                #expect(g.beats(maccs: maccs) / program.chunks[l] <= window)
            }
            if program.engine.hasPartialSums { chunked += 1 }
        }
        #expect(chunked >= 2)
    }

    /// Chunks within row bands: the smallest buffers, so that a chunk's band and its
    /// partial sums are a pooled row.
    @Test func chunksRunInBands() throws {
        var banded = 0
        for seed in 0..<3 {
            let (network, data) = randomNetwork(seed: UInt64(7100 + seed))
            let (window, whole) = try Self.shortestWindow(network, maccs: 1)
            guard window < whole else { continue }
            let layers = try EngineLayer.layers(of: network).map { $0.geometry.folded(maccs: 1) }
            let least = EngineConfiguration.smallestDepths(pes: 2, maccs: 1, layers: layers)
            let run = try engine.simulate(network, data: data, wordlength: 6, pes: 2, maccs: 1, images: 2,
                                          buffers: (least.activation, least.output), weightWindow: window)
            engine.expectExact(run)
            if run.program.bandRuns.contains(where: { $0.reduce(0) { $0 + $1.count } > 1 }) && run.program.engine.hasPartialSums {
                banded += 1
            }
        }
        #expect(banded >= 1)
    }

    /// In a batch, the first batched FC layer reads each image's input as one window of lines:
    /// its chunks are runs of those lines (the example's fc1 at K_t = 2: 392 lines in seven
    /// chunks of 56 at a 64-beat window), with columns and random stalls too.
    @Test func chunksRunInBatches() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let run = try engine.simulate(network, data: data, wordlength: 8, pes: 4, maccs: 2, columns: 2, batch: 2, images: 4,
                                      weightWindow: 64)
        #expect(run.program.batchedFrom == 2 && run.program.chunks == [1, 1, 7, 1])
        engine.expectExact(run)
        let timing = LayerEngineTestbench.MemoryTiming(latency: 9, jitter: 5, stallPercent: 30, seed: 11)
        let stalled = try engine.simulate(network, data: data, wordlength: 5, pes: 2, maccs: 4, batch: 4, images: 4,
                                          timing: timing, weightWindow: 32)
        #expect(stalled.program.chunks[2] > 1)
        engine.expectExact(stalled, timing: timing)
    }

    /// Under random stalls and long latency the chunks lose nothing.
    @Test func chunksSurviveStallsAndLatency() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let timing = LayerEngineTestbench.MemoryTiming(latency: 17, jitter: 9, stallPercent: 40, seed: 3)
        let run = try engine.simulate(network, data: data, wordlength: 4, pes: 8, maccs: 4, images: 2, timing: timing,
                                      weightWindow: 64)
        #expect(run.program.chunks == [1, 1, 4, 1])
        engine.expectExact(run, timing: timing)
    }

    /// The chunks move the same lines as the whole window, bar the biases reloaded per chunk.
    @Test func chunksMoveTheSameLines() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: 8)
        let quantised = try QuantisedNetwork(network: network, quantisation: quantisation)
        let whole = try EngineProgram(quantised: quantised, pes: 8, maccs: 4)
        let chunked = try EngineProgram(quantised: quantised, pes: 8, maccs: 4, weightWindow: 64)
        #expect(whole.engine.maxWindow == 256 && chunked.engine.maxWindow == 64)
        let (a, b) = (EngineCycleModel(whole.engine.configuration), EngineCycleModel(chunked.engine.configuration))
        for (l, layer) in whole.layers.enumerated() {
            let (x, y) = (a.lines(layer.geometry)!, b.lines(layer.geometry)!)
            #expect(x.features == y.features && x.weights == y.weights)
            #expect(y.biases == x.biases * chunked.chunks[l])
        }
        // A window too short for one channel group of a kernel is refused, naming the layer.
        #expect { try EngineProgram(quantised: quantised, pes: 8, maccs: 4, weightWindow: 32) } throws: { error in
            "\(error)".contains("fc1") && "\(error)".contains("49 taps")
        }
    }
}

/// The DSE's weight windows: on a device short of block RAM, weight buffers shorter than a
/// deep layer's window win, and the engine it chose runs in the RTL in the cycles it predicted.
@Suite struct ChunkExplorationTests {
    /// A convolution to 32 channels and an FC layer over its 512 outputs: a window of 512/K_t
    /// beats, which the weight buffers of many PEs hold twice over.
    static func deepNetwork() -> (Network, Dataset) {
        var random = SeededGenerator(seed: 41)
        func floats(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -1...1, using: &random) } }
        let window = Window2D(kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1, dilationY: 1, dilationX: 1,
                              padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let conv = Convolution(inputChannels: 2, outputChannels: 64, window: window, weights: floats(64 * 2 * 9), bias: floats(64),
                               fusedReLU: true)
        let pooling = Pooling(window: Window2D(kernelHeight: 2, kernelWidth: 2, strideY: 2, strideX: 2))
        let layers = [
            Layer(name: "conv", operation: .convolution(conv), inputShape: [2, 16, 16], outputShape: [64, 16, 16]),
            Layer(name: "pool", operation: .maxPool(pooling), inputShape: [64, 16, 16], outputShape: [64, 8, 8]),
            Layer(name: "flatten", operation: .reshape, inputShape: [64, 8, 8], outputShape: [4096]),
            Layer(name: "fc1", operation: .fullyConnected(FullyConnected(inputFeatures: 4096, outputFeatures: 32,
                                                                          weights: floats(32 * 4096), bias: floats(32), fusedReLU: true)),
                  inputShape: [4096], outputShape: [32]),
            Layer(name: "fc2", operation: .fullyConnected(FullyConnected(inputFeatures: 32, outputFeatures: 10,
                                                                          weights: floats(320), bias: floats(10))),
                  inputShape: [32], outputShape: [10]),
        ]
        return (Network(name: "deep_fc", inputShape: [2, 16, 16], layers: layers), Dataset(imageShape: [2, 16, 16], inputs: floats(2 * 512)))
    }

    static func device(bram36: Double) -> Device {
        Device(name: "short-of-bram", part: Device.zc706.part, family: .xc7,
               resources: Resources(dsp: 900, lut: 218_600, ff: 437_200, bram36: bram36), clockMHz: 150, bandwidthGBps: 4.2)
    }

    static func explore(_ workload: Workload, on device: Device, chunks: Bool) -> EngineDesign? {
        var explorer = Explorer(device: device)
        explorer.inputChannelChunks = chunks
        return try? explorer.bestEngine(wordlength: 8, workload: workload, budget: device.budget(fraction: 0.8))
    }

    /// VGG-16 and AlexNet with 60 BRAM36: fc6's window alone fills a weight buffer.
    @Test(arguments: ["vgg16", "alexnet"])
    func shortWindowsWinWhenBlockRAMIsShort(network: String) throws {
        let workload = try #require(PaperNetworks.workload(named: network)), device = Self.device(bram36: 60)
        let chunked = try #require(Self.explore(workload, on: device, chunks: true))
        let whole = try #require(Self.explore(workload, on: device, chunks: false))
        #expect(chunked.engine.hasPartialSums && !whole.engine.hasPartialSums)
        #expect(chunked.throughput > 1.5 * whole.throughput)
        #expect(chunked.resources.fits(in: device.budget(fraction: 0.8)))
    }

    /// With 8 BRAM36 the deep network's best engine runs fc1 in chunks, faster than any engine
    /// of whole windows, and the RTL runs it bit-exact in the DSE's cycles; with 4 only an
    /// engine of chunks fits.
    @Test func dseChunkedEngineRunsInThePredictedCycles() throws {
        let (network, data) = Self.deepNetwork()
        let workload = Workload(network)
        let design = try #require(Self.explore(workload, on: Self.device(bram36: 8), chunks: true))
        let whole = try #require(Self.explore(workload, on: Self.device(bram36: 8), chunks: false))
        #expect(design.engine.hasPartialSums && design.throughput > 1.5 * whole.throughput)
        #expect(Self.explore(workload, on: Self.device(bram36: 4), chunks: false) == nil)
        #expect(Self.explore(workload, on: Self.device(bram36: 4), chunks: true)?.engine.hasPartialSums == true)

        let engine = design.engine
        let run = try LayerEngineSimulationTests().simulate(
            network, data: data, wordlength: 8, pes: engine.pes, maccs: engine.maccs, columns: engine.columns, images: 1,
            buffers: (engine.activationDepth!, engine.outputDepth!), weightWindow: engine.maxWindow)
        LayerEngineSimulationTests().expectExact(run)
        #expect(run.program.engine.configuration == engine)
        #expect(run.simulation.images.first?.layers == design.layers.map(\.cycles))
    }
}
