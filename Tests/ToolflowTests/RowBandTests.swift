import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// Layers in row bands: the bands cover every pooled row once and read every row they need,
/// the runs rebuild the bands, the buffers decide the rows; and the engine's RTL, run with
/// buffers too small for whole maps, stays bit-exact in the modelled cycles.
@Suite struct RowBandTests {
    /// A random layer geometry: any kernel, stride, dilation and padding, pooled or not.
    static func randomGeometry(_ random: inout SeededGenerator) -> LayerGeometry {
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
        while true {
            let (h, kh, sy, dy) = (int(1...30), int(1...5), int(1...3), int(1...2))
            let pad = int(0...(kh - 1)), padBottom = int(0...(kh - 1))
            let span = h + pad + padBottom - ((kh - 1) * dy + 1)
            guard span >= 0 else { continue }
            let oh = span / sy + 1
            let (ph, psy) = int(0...1) == 1 ? (int(1...3), int(1...3)) : (1, 1)
            let ppad = int(0...(ph - 1))
            guard oh + ppad >= ph else { continue }
            var pooled = (oh + ppad - ph + (int(0...1) == 1 ? psy - 1 : 0)) / psy + 1
            // As ONNX's ceil mode has it, the last window starts inside the map.
            if (pooled - 1) * psy - ppad >= oh { pooled -= 1 }
            return LayerGeometry(inputChannels: int(1...9), inputHeight: h, inputWidth: int(1...6), kernelHeight: kh,
                                 kernelWidth: int(1...3), strideY: sy, dilationY: dy, padTop: pad, outputChannels: int(1...9),
                                 outputHeight: oh, outputWidth: int(1...6), pooledHeight: pooled, poolArea: ph,
                                 poolingRows: RowWindow(kernel: ph, stride: psy, padTop: ppad))
        }
    }

    @Test func bandsCoverEveryRowOnceAndReadWhatTheyNeed() {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<400 {
            let g = Self.randomGeometry(&random), rows = Int.random(in: 1...g.pooledHeight, using: &random)
            let bands = g.bands(pooledRowsPerBand: rows)
            #expect(bands.flatMap { Array($0.pooledRows) } == Array(0..<g.pooledHeight))
            for band in bands {
                // Each pooled row's window rows inside the map are the band's; each of those
                // rows' input rows inside the map are loaded.
                for p in band.pooledRows {
                    let needed = g.poolingRows.rows(of: p).clamped(to: 0..<g.outputHeight)
                    #expect(needed.isEmpty || band.outputRows.contains(needed.lowerBound) && band.outputRows.contains(needed.upperBound - 1))
                }
                for o in band.outputRows {
                    let needed = g.convolutionRows.rows(of: o).filter { (0..<g.inputHeight).contains($0) }
                    #expect(needed.allSatisfy { band.inputRows.contains($0) })
                }
                // The padding the band sees is the map's, seen from its first row.
                #expect(band.inputRows.lowerBound - band.padTop == g.convolutionRows.rows(of: band.outputRows.lowerBound).lowerBound)
                #expect(band.outputRows.lowerBound - band.poolPadTop == g.poolingRows.rows(of: band.pooledRows.lowerBound).lowerBound)
            }
        }
    }

    @Test func runsRebuildTheBands() {
        var random = SeededGenerator(seed: 12)
        var repeated = 0
        for _ in 0..<400 {
            let g = Self.randomGeometry(&random), rows = Int.random(in: 1...g.pooledHeight, using: &random)
            let runs = g.bandRuns(pooledRowsPerBand: rows)
            let rebuilt = runs.flatMap { run in
                (0..<run.count).map { i in
                    g.band(pooledRows: (run.first.pooledRows.lowerBound + i * run.outputAdvance)
                            ..< (run.first.pooledRows.upperBound + i * run.outputAdvance))
                }
            }
            #expect(rebuilt == g.bands(pooledRowsPerBand: rows))
            for run in runs {
                for i in 0..<run.count {
                    #expect(rebuilt.contains { $0.inputRows.lowerBound == run.first.inputRows.lowerBound + i * run.inputAdvance })
                }
            }
            if runs.contains(where: { $0.count > 2 }) { repeated += 1 }
        }
        #expect(repeated > 50)
    }

    @Test func buffersDecideTheRows() {
        var random = SeededGenerator(seed: 13)
        for _ in 0..<300 {
            let g = Self.randomGeometry(&random)
            let (pes, maccs) = (Int.random(in: 1...4, using: &random), Int.random(in: 1...4, using: &random))
            func fits(_ rows: Int, _ a: Int, _ o: Int) -> Bool {
                g.bands(pooledRowsPerBand: rows).allSatisfy {
                    let b = g.restricted(to: $0)
                    return b.inputLines(maccs: maccs) <= a && b.outputEntries(pes: pes, maccs: maccs) <= o
                }
            }
            let a = Int.random(in: 1...g.inputLines(maccs: maccs), using: &random)
            let o = Int.random(in: 1...g.outputEntries(pes: pes, maccs: maccs), using: &random)
            guard let rows = g.pooledRowsPerBand(activationDepth: a, outputDepth: o, pes: pes, maccs: maccs) else {
                #expect(!fits(1, a, o))
                continue
            }
            #expect(fits(rows, a, o))
            #expect(rows == g.pooledHeight || !fits(rows + 1, a, o))
        }
    }

    // MARK: The engine in bands

    static func simulate(_ network: Network, data: Dataset, wordlength: Int, pes: Int, maccs: Int,
                         buffers: (activationDepth: Int, outputDepth: Int),
                         timing: LayerEngineTestbench.MemoryTiming = .init()) throws -> LayerEngineSimulationTests.Run {
        try LayerEngineSimulationTests().simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs, images: 2,
                                                  timing: timing, buffers: buffers)
    }

    /// The smallest buffers (one pooled row per band) and ones a third of the way up, on random
    /// networks: bands that do not divide the rows, halos at both borders, strides and
    /// dilations with padding, overlapping poolings across band borders.
    @Test(arguments: [(4, 2, 2), (3, 4, 1), (8, 1, 4), (6, 3, 3)])
    func randomNetworksInBandsAreBitExact(wordlength: Int, pes: Int, maccs: Int) throws {
        var banded = 0
        for seed in 0..<4 {
            let (network, data) = randomNetwork(seed: UInt64(wordlength * 1000 + pes * 10 + seed))
            let layers = try EngineLayer.layers(of: network).map { $0.geometry.folded(maccs: maccs) }
            let least = EngineConfiguration.smallestDepths(pes: pes, maccs: maccs, layers: layers)
            let whole = EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, holding: layers)
            for buffers in [least, (max(least.activation, whole.activationDepth! / 2), max(least.output, whole.outputDepth! / 4))] {
                let run = try Self.simulate(network, data: data, wordlength: wordlength, pes: pes, maccs: maccs,
                                            buffers: (buffers.0, buffers.1))
                LayerEngineSimulationTests().expectExact(run)
                if run.program.bandRuns.contains(where: { $0.reduce(0) { $0 + $1.count } > 1 }) { banded += 1 }
            }
        }
        #expect(banded >= 4)
    }

    /// The example and a strided test model with the smallest buffers, under memory stalls and
    /// long latency: every layer in bands, nothing lost.
    @Test(arguments: [("example", LayerEngineTestbench.MemoryTiming(latency: 1)),
                      ("strided_bn_opset21", .init(latency: 30, jitter: 9, stallPercent: 40, seed: 5))])
    func smallestBuffersStayExact(model: String, timing: LayerEngineTestbench.MemoryTiming) throws {
        let network = model == "example" ? try Fixtures.exampleNetwork.get() : try Fixtures.network(model)
        let data = model == "example" ? try Fixtures.exampleEval.get() : try Fixtures.inputs(model)
        let layers = try EngineLayer.layers(of: network).map { $0.geometry.folded(maccs: 4) }
        let least = EngineConfiguration.smallestDepths(pes: 4, maccs: 4, layers: layers)
        let run = try Self.simulate(network, data: data, wordlength: 4, pes: 4, maccs: 4,
                                    buffers: (least.activation, least.output), timing: timing)
        LayerEngineSimulationTests().expectExact(run, timing: timing)
        let whole = EngineConfiguration(wordlength: 4, pes: 4, maccs: 4, holding: layers)
        #expect(run.program.engine.activationDepth < whole.activationDepth! || run.program.engine.outputDepth < whole.outputDepth!)
        #expect(run.program.descriptorLayers.count > run.program.layers.count)
    }

    /// With too little block RAM for whole maps, the DSE sizes buffers that run the example
    /// in bands, and the RTL runs in exactly the cycles the DSE was given.
    @Test func dseBandsTheExampleOnADeviceWithLittleBlockRAM() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let workload = Workload(network)
        var budget = Device.zc706.budget(fraction: 0.8)
        let roomy = try Explorer(device: .zc706).bestEngine(wordlength: 4, workload: workload, budget: budget)
        budget.bram36 = 6
        let design = try Explorer(device: .zc706).bestEngine(wordlength: 4, workload: workload, budget: budget)
        #expect(design.resources.bram36 <= budget.bram36)
        let engine = design.engine
        let run = try LayerEngineSimulationTests().simulate(network, data: data, wordlength: 4, pes: engine.pes, maccs: engine.maccs,
                                                            columns: engine.columns, images: 1,
                                                            buffers: (engine.activationDepth!, engine.outputDepth!))
        LayerEngineSimulationTests().expectExact(run)
        #expect(run.simulation.images.first?.layers == design.layers.map(\.cycles))
        #expect(design.throughput <= roomy.throughput)
    }

    /// VGG-16 and AlexNet at 224×224, whose maps are far larger than either board's block
    /// RAM (VGG-16's even at one PE): the DSE finds engines that run them in bands.
    @Test(arguments: [("vgg16", Device.zc706, 4), ("vgg16", .zc706, 8), ("vgg16", .zcu102, 8), ("alexnet", .zc706, 8),
                      ("alexnet", .zcu102, 4)])
    func imageNetNetworksFitInBands(network: String, device: Device, wordlength: Int) throws {
        let workload = try #require(PaperNetworks.workload(named: network))
        let budget = device.budget(fraction: 0.8)
        let design = try Explorer(device: device).bestEngine(wordlength: wordlength, workload: workload, budget: budget)
        #expect(design.resources.fits(in: budget))
        let model = EngineCycleModel(design.engine)
        if network == "vgg16" {
            let whole = EngineConfiguration(wordlength: wordlength, pes: 1, maccs: 1, for: workload)
            #expect(!Explorer(device: device).resources(of: whole).fits(in: budget))
            #expect(model.bandRuns(workload.layers[0].geometry!.folded(maccs: design.engine.maccs))!.reduce(0) { $0 + $1.count } > 1)
        }
        #expect(design.engine.maxLayers <= EngineConfiguration.maximumDescriptors)
        #expect(design.throughput > 0 && design.throughput.isFinite)
        #expect(design.layers.map(\.cycles) == workload.layers.map { model.cycles($0.geometry!.folded(maccs: design.engine.maccs))!.total })
    }

    /// Buffers too small for one row of a layer are refused, naming the layer.
    @Test func buffersTooSmallAreRefused() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: 4)
        #expect(throws: ToolflowError.self) {
            try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: 4, maccs: 4,
                              buffers: (2, 2))
        }
    }
}
