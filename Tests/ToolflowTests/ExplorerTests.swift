import HDLGen
import Foundation
import Testing
@testable import Toolflow

@Suite struct ExplorerTests {
    /// A small network: two convolutions and an FC layer.
    static let workload = Workload(name: "small", layers: [
        .init(name: "conv1", gemm: GEMMShape(m: 28 * 28, n: 16, k: 27), inputElements: 3 * 30 * 30,
              outputElements: 16 * 28 * 28, isFullyConnected: false),
        .init(name: "conv2", gemm: GEMMShape(m: 14 * 14, n: 32, k: 144), inputElements: 16 * 14 * 14,
              outputElements: 32 * 14 * 14, isFullyConnected: false),
        .init(name: "fc", gemm: GEMMShape(m: 1, n: 10, k: 32 * 7 * 7), inputElements: 32 * 7 * 7,
              outputElements: 10, isFullyConnected: true),
    ], classes: 10)

    @Test func paperNetworksHaveTheirKnownSizes() throws {
        // VGG-16: 15.47 G multiply-accumulates per image; torchvision's AlexNet: 0.714 G.
        #expect(abs(Double(PaperNetworks.vgg16.maccs) / 15.47e9 - 1) < 0.01)
        #expect(abs(Double(PaperNetworks.alexNet.maccs) / 0.714e9 - 1) < 0.01)
        #expect(PaperNetworks.vgg16.layers.count == 16 && PaperNetworks.alexNet.layers.count == 8)
        // Both as the layer engine runs them: pooling fused, FC layers as convolutions over
        // their whole input, the first layer reading the host's image.
        let vgg = try #require(PaperNetworks.vgg16.geometries), alexNet = try #require(PaperNetworks.alexNet.geometries)
        for (layers, workload) in [(vgg, PaperNetworks.vgg16), (alexNet, PaperNetworks.alexNet)] {
            #expect(zip(layers, workload.layers).allSatisfy { $0.maccs == $1.gemm.maccs })
            #expect(layers.map(\.readsHostInput) == [true] + Array(repeating: false, count: layers.count - 1))
        }
        #expect((vgg[1].inputChannels, vgg[1].inputHeight, vgg[1].outputHeight, vgg[1].pooledHeight, vgg[1].poolArea) == (64, 224, 224, 112, 4))
        #expect((vgg[12].outputHeight, vgg[12].pooledHeight) == (14, 7))
        #expect((vgg[13].inputChannels, vgg[13].kernelHeight, vgg[13].kernelWidth, vgg[13].positions) == (512, 7, 7, 1))
        #expect((alexNet[0].kernelHeight, alexNet[0].strideY, alexNet[0].padTop, alexNet[0].outputHeight, alexNet[0].pooledHeight)
                == (11, 4, 2, 55, 27))
        #expect((alexNet[4].outputHeight, alexNet[4].pooledHeight, alexNet[5].inputChannels * alexNet[5].kernelHeight
                 * alexNet[5].kernelWidth) == (13, 6, 9216))
    }

    @Test func stepsAreTheSmallestSizeOfEachQuotient() {
        let steps = Explorer.steps([10], upTo: 16)
        // ⌈10/x⌉ changes at x = 1, 2, 3, 4, 5, 10; and the limit itself.
        #expect(steps == [1, 2, 3, 4, 5, 10, 16])
        for x in 1...16 where !steps.contains(x) {
            #expect(steps.contains { $0 < x && ceilDivide(10, $0) == ceilDivide(10, x) })
        }
    }

    @Test("the best engine fits the budget and beats every other fitting engine",
          arguments: [(Device.zc706, 4), (Device.zc706, 8), (Device.zcu102, 6)])
    func bestEngineIsOptimal(_ device: Device, _ wordlength: Int) throws {
        let explorer = Explorer(device: device)
        let budget = device.budget(fraction: 0.05)
        let best = try explorer.bestEngine(wordlength: wordlength, workload: Self.workload, budget: budget)
        #expect(best.resources.fits(in: budget))
        let performance = PerformanceModel(device: device)
        // Exhaustive over a coarse grid: nothing that fits is faster.
        for pes in stride(from: 1, through: 32, by: 3) {
            for maccs in [1, 2, 3, 5, 8, 9, 16, 27, 32, 48, 64, 144] {
                let engine = EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, for: Self.workload)
                guard explorer.resources(of: engine).fits(in: budget) else { continue }
                #expect(performance.throughput(Self.workload, engine: engine) <= best.throughput * (1 + 1e-9))
            }
        }
    }

    @Test func budgetTooSmallForOnePE() {
        let explorer = Explorer(device: .zc706)
        let error = #expect(throws: ExplorationError.self) {
            try explorer.bestEngine(wordlength: 8, workload: Self.workload, budget: Resources(dsp: 0, lut: 10, ff: 10, bram36: 0))
        }
        #expect("\(error!)".contains("too small for one PE"))
    }

    @Test func rooflineTakesTheSlowerBound() {
        let engine = EngineConfiguration(wordlength: 8, pes: 10, maccs: 64, for: Self.workload)
        let fast = PerformanceModel(clockHz: 100e6, bandwidthBytesPerSecond: 1e12, batch: 16)
            .layerTimes(Self.workload, engine: engine)[2]
        let starved = PerformanceModel(clockHz: 100e6, bandwidthBytesPerSecond: 1e3, batch: 16)
            .layerTimes(Self.workload, engine: engine)[2]
        #expect(!fast.isMemoryBound && fast.seconds == fast.computeSeconds)
        #expect(starved.isMemoryBound && starved.seconds == starved.memorySeconds)
        // FC weights: K·N bytes at 8 bits over a batch of 16, the input once, the output once.
        #expect(fast.bytes == Double(1568 * 10) / 16 + 1568 + 10)
    }

    @Test func cascadeBeatsItsOwnStagesAndRespectsTheBudget() throws {
        let explorer = Explorer(device: .zc706)
        let budget = Device.zc706.budget(fraction: 0.1)
        let cascade = try explorer.bestCascade(lowWordlength: 4, highWordlength: 8, forwardedFraction: 0.25,
                                               workload: Self.workload, budget: budget)
        #expect(cascade.resources.fits(in: budget))
        #expect(abs(cascade.throughput - min(cascade.lpu.throughput, cascade.hpu.throughput / 0.25)) <= cascade.throughput * 1e-9)
        // Forwarding everything is no faster than the HPU alone with the whole budget.
        let all = try explorer.bestCascade(lowWordlength: 4, highWordlength: 8, forwardedFraction: 1,
                                           workload: Self.workload, budget: budget)
        let single = try explorer.bestEngine(wordlength: 8, workload: Self.workload, budget: budget)
        #expect(all.throughput <= single.throughput * (1 + 1e-9))
        // Forwarding nothing: the LPU alone sets the pace.
        let none = try explorer.bestCascade(lowWordlength: 4, highWordlength: 8, forwardedFraction: 0,
                                            workload: Self.workload, budget: budget)
        #expect(abs(none.throughput - none.lpu.throughput) <= none.throughput * 1e-9)
        #expect(none.throughput >= cascade.throughput * (1 - 1e-9))
    }

    @Test func baselineIsTheShortestWordlengthMeetingTheTolerance() {
        let profile = AccuracyProfile(reference: 0.90, accuracy: [4: 0.70, 5: 0.86, 6: 0.89, 8: 0.90])
        #expect(profile.shortestWordlength(within: 0.05) == 5)
        #expect(profile.shortestWordlength(within: 0.01) == 6)
        #expect(profile.shortestWordlength(within: 0) == 8)
        #expect(AccuracyProfile(reference: 0.9, accuracy: [4: 0.5]).shortestWordlength(within: 0.01) == nil)
    }
}

/// Requests the explorer cannot meet are errors that say why, never a crash.
@Suite struct ExplorerLimitTests {
    static var exampleWorkload: Workload { get throws { Workload(try Fixtures.exampleNetwork.get()) } }

    @Test("a fixed K_t whose single PE does not fit is refused, though one of K_t = 1 would fit")
    func fixedMACCsTooLarge() throws {
        let workload = try Self.exampleWorkload
        let explorer = Explorer(device: .zc706)
        let small = explorer.resources(of: EngineConfiguration(wordlength: 8, pes: 1, maccs: 1, for: workload))
        let large = explorer.resources(of: explorer.smallestEngine(wordlength: 8, pes: 1, maccs: 64, for: workload))
        #expect(!large.fits(in: small))
        let error = #expect(throws: ExplorationError.self) {
            try explorer.bestEngine(wordlength: 8, workload: workload, budget: small, maccs: 64, unit: "HPU")
        }
        #expect(error == .budgetTooSmall(unit: "HPU", wordlength: 8, needed: large, budget: small))
    }

    @Test("a device with little block RAM gives an error or an engine that fits, at every wordlength",
          arguments: [0.5, 2, 4, 24])
    func littleBlockRAM(_ bram36: Double) throws {
        let workload = try Self.exampleWorkload
        var device = Device.zc706
        device.resources.bram36 = bram36
        let explorer = Explorer(device: device)
        for wordlength in 2...16 {
            do {
                let design = try explorer.bestEngine(wordlength: wordlength, workload: workload, budget: device.resources)
                #expect(design.resources.fits(in: device.resources))
            } catch let error as ExplorationError {
                guard case .budgetTooSmall = error else { Issue.record("\(error)"); continue }
            }
        }
    }

    /// A network whose first layer has 512 input channels: wide enough that the fastest
    /// engine, unconstrained, would take K_t = 512 at every wordlength.
    static var wideWorkload: Workload {
        let window = Window2D(kernelHeight: 1, kernelWidth: 1)
        let conv = Convolution(inputChannels: 512, outputChannels: 64, window: window,
                               weights: [Float](repeating: 0.5, count: 64 * 512), bias: [Float](repeating: 0, count: 64))
        let fc = FullyConnected(inputFeatures: 64 * 16, outputFeatures: 10, weights: [Float](repeating: 0.5, count: 10 * 1024),
                                bias: [Float](repeating: 0, count: 10))
        return Workload(Network(name: "wide", inputShape: [512, 4, 4], layers: [
            Layer(name: "conv", operation: .convolution(conv), inputShape: [512, 4, 4], outputShape: [64, 4, 4]),
            Layer(name: "flatten", operation: .reshape, inputShape: [64, 4, 4], outputShape: [1024]),
            Layer(name: "fc", operation: .fullyConnected(fc), inputShape: [1024], outputShape: [10]),
        ]))
    }

    @Test("layer engines keep their memory line within AXI4's 1024 bits, however large the budget", arguments: [2, 4, 8, 16])
    func lineWidthFitsAXI(_ wordlength: Int) throws {
        // Compute-bound: with the bandwidth of the widest device file, wider lines would be faster.
        var device = Device.zcu102
        device.bandwidthGBps = 10_000
        let explorer = Explorer(device: device)
        let unlimited = Resources(dsp: 1 << 30, lut: 1 << 30, ff: 1 << 30, bram36: 1e9)
        let design = try explorer.bestEngine(wordlength: wordlength, workload: Self.wideWorkload, budget: unlimited)
        #expect(design.engine.lineWidth <= 1024)
        #expect(design.engine.maccs * wordlength <= 1024)
    }
}
