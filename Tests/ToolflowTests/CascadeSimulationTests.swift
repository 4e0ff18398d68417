import FixedPoint
import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// The cascade's RTL (`CascadeTop`: both engines, weight sharing through the truncation
/// unit, the CEU, the forward queue) runs the bundled example bit-exact against the golden
/// model of the whole cascade.
@Suite struct CascadeSimulationTests {
    /// The example's cascade: the HPU at 8 bits, the LPU at 4 bits derived from it, gBvSB(1, 2)
    /// with the lowest threshold that forwards at least `forwarding` of `images`.
    static func exampleProgram(hpuPEs: Int, lpuPEs: Int, maccs: Int, columns: (lpu: Int, hpu: Int) = (1, 1),
                               images: [ArraySlice<Float>], forwarding: Double = 1.0 / 3,
                               rounding: Rounding = .halfUp, queueDepth: Int = 16, lpuBuffers: Buffers? = nil,
                               hpuBuffers: Buffers? = nil) throws -> CascadeProgram {
        let network = try Fixtures.exampleNetwork.get()
        let high = try Quantisation.load(path: Fixtures.example.appendingPathComponent("quantisation-8.json").path)
        let low = try Quantisation.load(path: Fixtures.example.appendingPathComponent("quantisation-4.json").path)
        return try program(high: QuantisedNetwork(network: network, quantisation: high), low: low, hpuPEs: hpuPEs, lpuPEs: lpuPEs,
                           maccs: maccs, columns: columns, images: images, forwarding: forwarding, rounding: rounding,
                           queueDepth: queueDepth, lpuBuffers: lpuBuffers, hpuBuffers: hpuBuffers)
    }

    typealias Buffers = (activationDepth: Int, outputDepth: Int)

    /// The cascade of `high` and an LPU at `low`'s wordlength derived from it, gBvSB(m, n) with
    /// the lowest threshold that forwards at least `forwarding` of `images`.
    static func program(high hpu: QuantisedNetwork, low: Quantisation, hpuPEs: Int, lpuPEs: Int, maccs: Int,
                        columns: (lpu: Int, hpu: Int) = (1, 1), images: [ArraySlice<Float>], forwarding: Double, rounding: Rounding = .halfUp, queueDepth: Int = 16,
                        m: Int = 1, n: Int = 2, lpuBuffers: Buffers? = nil, hpuBuffers: Buffers? = nil) throws -> CascadeProgram {
        let lpu = try hpu.derivingLowPrecision(WordlengthSelection.lowPrecisionFormats(low, under: hpu.quantisation), rounding: rounding)
        func program(threshold: Int) throws -> CascadeProgram {
            let confidence = CascadeResult.ConfidenceUnit(m: m, n: n, threshold: Double(threshold) / 1024, thresholdWord: threshold,
                                                          thresholdFractionBits: 10, scoreFormat: lpu.outputFormats.last!)
            return try CascadeProgram(highPrecision: hpu, lowPrecision: lpu, rounding: rounding, hpuPEs: hpuPEs, lpuPEs: lpuPEs,
                                      maccs: maccs, lpuColumns: columns.lpu, hpuColumns: columns.hpu,
                                      confidence: confidence, queueDepth: queueDepth,
                                      lpuBuffers: lpuBuffers, hpuBuffers: hpuBuffers)
        }
        let probe = try program(threshold: 0), last = probe.lpu.layers.count - 1
        let scores = images.map { image in
            probe.lpu.outputWords(layer: last, lines: probe.lpu.expectedOutputLines(inputWords: probe.lpu.inputWords(image))[last])!.map(Int.init)
        }
        for word in stride(from: 0, through: 2047, by: 4) {
            let kept = scores.filter { probe.top.confidenceUnit.decide(scores: $0, threshold: word).confident }.count
            if Double(images.count - kept) >= forwarding * Double(images.count) { return try program(threshold: word) }
        }
        return try program(threshold: 2047)
    }

    static func testImages(_ count: Int, from data: Dataset) -> [ArraySlice<Float>] {
        (0..<count).map { i in data.inputs[(i * data.imageSize)..<((i + 1) * data.imageSize)] }
    }

    func simulate(_ program: CascadeProgram, images: [ArraySlice<Float>], timing: LayerEngineTestbench.MemoryTiming = .init(),
                  simulator: Simulator = .icarus, interface: LayerEngineTestbench.Interface = .native) throws -> CascadeSimulation {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let s = try CascadeSimulation.run(program, images: images, timing: timing, in: OutputFolder(directory), simulator: simulator,
                                          interface: interface)
        // The testbench's own count from start to done agrees with the cascade's counter.
        #expect(s.countedCycles != nil && s.countedCycles == s.cycles, "\(s.log.suffix(500))")
        return s
    }

    @Test func exampleCascadeIsBitExactUnderIcarus() throws {
        let images = Self.testImages(4, from: try Fixtures.exampleTest.get())
        let program = try Self.exampleProgram(hpuPEs: 8, lpuPEs: 16, maccs: 8, images: images)
        let s = try simulate(program, images: images)
        #expect(s.failed == 0, "\(s.mismatches.prefix(8).joined(separator: "\n"))\n\(s.log.suffix(2000))")
        #expect(s.samples == images.count)
        #expect(s.passed == program.testbench(images: images).testbench.expected.count)
        #expect(s.forwarded == s.decisions.filter { $0.hpuOutputs != nil }.count)
        let model = CascadeCycleModel(program: program)
        #expect(s.cycles == model.cycles(forwarded: s.decisions.map(\.result.forwarded)))
    }

    /// The DSE's cascade for each device (LPU 4 bits, HPU 8 bits; ZC706 at the default budget,
    /// ZCU102 at a fifth of it, which keeps the compile short) on 24 test images under
    /// Verilator: bit-exact, confident and forwarded images both, the run in exactly the
    /// schedule model's cycles, and the measured throughput within 10 % of the DSE's
    /// prediction for the measured forwarded fraction.
    @Test(.enabled(if: toolAvailable("verilator") || runningInCI), arguments: [(Device.zc706, 0.8), (.zcu102, 0.2)])
    func dseCascadeMeetsItsPredictedThroughput(device: Device, budget: Double) throws {
        let network = try Fixtures.exampleNetwork.get()
        let images = Self.testImages(24, from: try Fixtures.exampleTest.get())
        let workload = Workload(network)
        let architecture = try Explorer(device: device).bestCascade(lowWordlength: 4, highWordlength: 8, forwardedFraction: 0.25,
                                                                     workload: workload, budget: device.budget(fraction: budget))
        let (lpu, hpu) = (architecture.lpu.engine, architecture.hpu.engine)
        #expect(lpu.maccs == hpu.maccs)
        let program = try Self.exampleProgram(hpuPEs: hpu.pes, lpuPEs: lpu.pes, maccs: lpu.maccs,
                                              columns: (lpu.columns, hpu.columns), images: images, forwarding: 0.25,
                                              lpuBuffers: (lpu.activationDepth!, lpu.outputDepth!),
                                              hpuBuffers: (hpu.activationDepth!, hpu.outputDepth!))
        let s = try simulate(program, images: images, simulator: .verilator)
        #expect(s.failed == 0, "\(s.mismatches.prefix(8).joined(separator: "\n"))\n\(s.log.suffix(2000))")
        let forwarded = s.decisions.filter(\.result.forwarded).count
        #expect(forwarded > 0 && forwarded < images.count)
        #expect(s.samples == images.count && s.forwarded == forwarded)
        #expect(s.passed == program.testbench(images: images).testbench.expected.count)
        #expect(s.cycles == CascadeCycleModel(program: program).cycles(forwarded: s.decisions.map(\.result.forwarded)))

        let f = Double(forwarded) / Double(images.count)
        let predicted = min(architecture.lpu.throughput, architecture.hpu.throughput / f) / device.clockHz
        let measured = try #require(s.imagesPerCycle)
        #expect(abs(measured - predicted) / predicted <= 0.10, "measured \(measured * 1000), DSE \(predicted * 1000) images per 1000 cycles")
    }

    /// Engines in row bands of their own: the HPU in the least buffers that hold a pooled row,
    /// the LPU whole or in `lpuBufferScale` times its least, so that they run different numbers
    /// of descriptors (the top gives both register files as many). Bit-exact, with random
    /// stalls too, and in the modelled cycles without them.
    @Test(arguments: [(Int?.none, LayerEngineTestbench.MemoryTiming()), (4, .init()),
                      (4, .init(latency: 3, jitter: 5, stallPercent: 30, seed: 3))])
    func enginesInRowBandsAreBitExact(lpuBufferScale: Int?, timing: LayerEngineTestbench.MemoryTiming) throws {
        let images = Self.testImages(3, from: try Fixtures.exampleTest.get())
        let layers = try EngineLayer.layers(of: try Fixtures.exampleNetwork.get()).map(\.geometry)
        let least = EngineConfiguration.smallestDepths(pes: 4, maccs: 4, layers: layers)
        let lpuLeast = EngineConfiguration.smallestDepths(pes: 8, maccs: 4, layers: layers)
        let program = try Self.exampleProgram(hpuPEs: 4, lpuPEs: 8, maccs: 4, images: images,
                                              lpuBuffers: lpuBufferScale.map { ($0 * lpuLeast.activation, $0 * lpuLeast.output) },
                                              hpuBuffers: (least.activation, least.output))
        let (lpu, hpu) = (program.lpu, program.hpu)
        #expect(hpu.descriptorLayers.count > hpu.layers.count)
        #expect(lpu.descriptorLayers.count != hpu.descriptorLayers.count)
        let descriptors = max(lpu.descriptorLayers.count, hpu.descriptorLayers.count)
        #expect(lpu.engine.maxLayers == descriptors && hpu.engine.maxLayers == descriptors)
        let s = try simulate(program, images: images, timing: timing)
        #expect(s.failed == 0, "\(s.mismatches.prefix(8).joined(separator: "\n"))\n\(s.log.suffix(2000))")
        #expect(s.passed == program.testbench(images: images).testbench.expected.count)
        #expect(s.decisions.contains { $0.result.forwarded })
        let model = CascadeCycleModel(program: program).cycles(forwarded: s.decisions.map(\.result.forwarded))
        if timing.stallPercent == 0 { #expect(s.cycles == model) } else { #expect((s.cycles ?? 0) > model) }
    }

    /// On a device with little block RAM the DSE's cascade runs both engines in row bands where
    /// engines that hold whole maps would not fit; the cascade it sized runs an image through
    /// both engines bit-exact.
    @Test func dseCascadeOnADeviceWithLittleBlockRAMRunsInBands() throws {
        let network = try Fixtures.exampleNetwork.get()
        let images = Self.testImages(1, from: try Fixtures.exampleTest.get())
        let workload = Workload(network)
        var budget = Device.zc706.budget(fraction: 0.8)
        budget.bram36 = 4
        let explorer = Explorer(device: .zc706)
        let architecture = try explorer.bestCascade(lowWordlength: 4, highWordlength: 8, forwardedFraction: 0.5,
                                                    workload: workload, budget: budget)
        #expect(architecture.resources.bram36 <= budget.bram36)
        let (lpu, hpu) = (architecture.lpu.engine, architecture.hpu.engine)
        let whole = [lpu, hpu].map { EngineConfiguration(wordlength: $0.wordlength, pes: $0.pes, maccs: $0.maccs, for: workload) }
        #expect(explorer.resources(of: whole[0]).bram36 + explorer.resources(of: whole[1]).bram36 > budget.bram36)
        let program = try Self.exampleProgram(hpuPEs: hpu.pes, lpuPEs: lpu.pes, maccs: lpu.maccs, images: images, forwarding: 1,
                                              lpuBuffers: (lpu.activationDepth!, lpu.outputDepth!),
                                              hpuBuffers: (hpu.activationDepth!, hpu.outputDepth!))
        #expect(program.lpu.descriptorLayers.count + program.hpu.descriptorLayers.count > 2 * program.lpu.layers.count)
        let s = try simulate(program, images: images)
        #expect(s.failed == 0, "\(s.mismatches.prefix(8).joined(separator: "\n"))\n\(s.log.suffix(2000))")
        #expect(s.passed == program.testbench(images: images).testbench.expected.count)
        #expect(s.cycles == CascadeCycleModel(program: program).cycles(forwarded: s.decisions.map(\.result.forwarded)))
    }

    /// Buffer depths from a hostile cascade.json are refused with a reason, not trapped on.
    @Test(arguments: [(0, 256), (100, 256), (256, -4), (1 << 21, 256)])
    func badBufferDepthsAreRefused(activation: Int, output: Int) throws {
        let images = Self.testImages(1, from: try Fixtures.exampleTest.get())
        #expect {
            _ = try Self.exampleProgram(hpuPEs: 4, lpuPEs: 4, maccs: 4, images: images, hpuBuffers: (activation, output))
        } throws: { error in "\(error)".contains("is not a power of two") }
    }

    /// Memory stalls and jitter on both ports, a queue of two that fills (every image
    /// forwarded), and plain truncation: the results stay exact; stalls only add cycles.
    @Test(arguments: [(LayerEngineTestbench.MemoryTiming(latency: 3, jitter: 7, stallPercent: 40, seed: 9), 1.0 / 3, Rounding.halfUp, 16),
                      (.init(), 1.0, .truncate, 2)])
    func stallsFullQueuesAndTruncationStayExact(timing: LayerEngineTestbench.MemoryTiming, forwarding: Double,
                                                 rounding: Rounding, queueDepth: Int) throws {
        let images = Self.testImages(4, from: try Fixtures.exampleTest.get())
        let program = try Self.exampleProgram(hpuPEs: 4, lpuPEs: 8, maccs: 8, images: images, forwarding: forwarding,
                                              rounding: rounding, queueDepth: queueDepth)
        let s = try simulate(program, images: images, timing: timing)
        #expect(s.failed == 0, "\(s.mismatches.prefix(8).joined(separator: "\n"))\n\(s.log.suffix(2000))")
        #expect(s.passed == program.testbench(images: images).testbench.expected.count)
        let model = CascadeCycleModel(program: program).cycles(forwarded: s.decisions.map(\.result.forwarded))
        if timing.stallPercent == 0 { #expect(s.cycles == model) } else { #expect((s.cycles ?? 0) > model) }
        if forwarding == 1 { #expect(s.forwarded == images.count) }
    }

    /// The IP block as in a Zynq block design: `CascadeAXI` with both engines on AXI4 slave
    /// memories that stall at random and a host on AXI4-Lite; the results stay exact.
    @Test func cascadeRunsThroughAXI() throws {
        let images = Self.testImages(3, from: try Fixtures.exampleTest.get())
        let program = try Self.exampleProgram(hpuPEs: 4, lpuPEs: 8, maccs: 8, images: images)
        let s = try simulate(program, images: images, timing: .init(latency: 4, jitter: 5, stallPercent: 30, seed: 4),
                             interface: .axi(baseAddress: 0x2000_0000))
        #expect(s.failed == 0, "\(s.mismatches.prefix(8).joined(separator: "\n"))\n\(s.log.suffix(2000))")
        #expect(s.passed == program.testbench(images: images).testbench.expected.count)
        #expect(s.decisions.contains { $0.result.forwarded } && s.samples == images.count)
    }

    /// Random networks (2 to 10 classes, convolutions with stride, dilation, padding and
    /// pooling) as cascades across wordlength pairs, tile shapes (score lines that fill no
    /// line, several lines per sample) and CEU settings: bit-exact, in the modelled cycles.
    @Test(arguments: [(2, 5, 2, 1, 2), (3, 6, 4, 2, 4), (4, 8, 8, 2, 8), (3, 7, 1, 4, 4), (5, 9, 3, 3, 3)])
    func randomCascadesAreBitExact(low: Int, high: Int, lpuPEs: Int, hpuPEs: Int, maccs: Int) throws {
        for seed in 0..<2 {
            let (network, _) = randomNetwork(seed: UInt64(low * 1000 + high * 100 + maccs * 10 + seed))
            var random = SeededGenerator(seed: UInt64(seed + 7))
            let size = network.inputShape.reduce(1, *)
            let data = Dataset(imageShape: network.inputShape, inputs: (0..<(6 * size)).map { _ in Float.random(in: -1...1, using: &random) })
            let images = Self.testImages(6, from: data)
            let classes = network.outputSize
            let highQuantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: high)
            let lowQuantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: low)
            // gBvSB(1, 2) and gBvSB(1, C) (the runner-up sum as the total minus the best).
            let (m, n) = seed == 0 ? (1, 2) : (1, classes)
            let program = try Self.program(high: QuantisedNetwork(network: network, quantisation: highQuantisation), low: lowQuantisation,
                                           hpuPEs: hpuPEs, lpuPEs: lpuPEs, maccs: maccs, images: images, forwarding: 0.5, m: m, n: n)
            let s = try simulate(program, images: images)
            #expect(s.failed == 0, "\(network.name): \(s.mismatches.prefix(8).joined(separator: "\n"))\n\(s.log.suffix(1500))")
            #expect(s.passed == program.testbench(images: images).testbench.expected.count)
            #expect(s.cycles == CascadeCycleModel(program: program).cycles(forwarded: s.decisions.map(\.result.forwarded)))
            #expect(s.decisions.contains { $0.result.forwarded })
        }
    }

    /// An LPU whose weights are not the HPU's through the truncation unit cannot share them.
    @Test func anLPUWithOtherWeightsIsRefused() throws {
        let network = try Fixtures.exampleNetwork.get()
        let high = try Quantisation.load(path: Fixtures.example.appendingPathComponent("quantisation-8.json").path)
        let low = try Quantisation.load(path: Fixtures.example.appendingPathComponent("quantisation-4.json").path)
        let hpu = try QuantisedNetwork(network: network, quantisation: high)
        // Quantised from the floats, not derived from the HPU's words.
        let lpu = try QuantisedNetwork(network: network, quantisation: WordlengthSelection.lowPrecisionFormats(low, under: high))
        let confidence = CascadeResult.ConfidenceUnit(m: 1, n: 2, threshold: 0.5, thresholdWord: 512, thresholdFractionBits: 10,
                                                      scoreFormat: lpu.outputFormats.last!)
        do {
            _ = try CascadeProgram(highPrecision: hpu, lowPrecision: lpu, rounding: .halfUp, hpuPEs: 4, lpuPEs: 8, maccs: 8,
                                   confidence: confidence)
            Issue.record("an LPU with its own weights was accepted")
        } catch {
            #expect("\(error)".contains("not the HPU's through the truncation unit"), "\(error)")
        }
    }

    /// The testbench catches a wrong result: the golden model's word for image 0 flipped.
    @Test func aWrongResultIsReported() throws {
        let images = Self.testImages(2, from: try Fixtures.exampleTest.get())
        let program = try Self.exampleProgram(hpuPEs: 4, lpuPEs: 8, maccs: 8, images: images)
        let (testbench, _) = program.testbench(images: images)
        var expected = testbench.expected
        let index = try #require(expected.firstIndex { $0.writer == .result })
        expected[index].hex = EngineMemoryLine.hex(value: CascadeResultWord(predicted: 3, forwarded: true).value ^ 1,
                                                   lineWidth: program.top.lineWidth)
        let corrupted = CascadeTestbench(top: testbench.top, memory: testbench.memory, registers: testbench.registers,
                                         expected: expected)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let bundle = SimulationBundle(circuit: try Circuit(program.top), testbench: corrupted, provenance: [])
        try bundle.write(to: OutputFolder(directory))
        let result = try Icarus.simulate(bundleAt: directory, bundle: bundle)
        #expect(result.failed == 1)
        #expect(result.log.contains("mismatch: image 0 result"))
    }
}

/// The cascade top in `yosys synth_xilinx` for both device families: no latches, and the
/// resource model (`ResourceModel.cascadeTop`) within 15 % for LUT and FF, exact for DSP
/// and block RAM.
@Suite struct CascadeSynthesisTests {
    @Test(.enabled(if: toolAvailable("yosys") || runningInCI), arguments: [DeviceFamily.xc7, .xcup])
    func topMatchesTheResourceModel(family: DeviceFamily) throws {
        let images = CascadeSimulationTests.testImages(2, from: try Fixtures.exampleTest.get())
        let program = try CascadeSimulationTests.exampleProgram(hpuPEs: 4, lpuPEs: 8, maccs: 8, images: images)
        let report = try Yosys.synthesize(Circuit(program.top), family: family.rawValue)
        #expect(report.latches == 0)
        let workload = Workload(try Fixtures.exampleNetwork.get())
        let model = ResourceModel(family: family).cascadeTop(lpu: EngineConfiguration(wordlength: 4, pes: 8, maccs: 8, for: workload),
                                                             hpu: EngineConfiguration(wordlength: 8, pes: 4, maccs: 8, for: workload),
                                                             classes: 10, sortedCount: 2)
        let luts = report.luts + report.cells.filter { $0.key.hasPrefix("SRL") }.values.reduce(0, +)
            + report.cells.filter { $0.key.hasPrefix("RAM32M") || $0.key.hasPrefix("RAM64M") }.values.reduce(0, +) * 4
        let bram = Double(report.cells.filter { $0.key.hasPrefix("RAMB36") }.values.reduce(0, +))
            + Double(report.cells.filter { $0.key.hasPrefix("RAMB18") }.values.reduce(0, +)) / 2
        let figures = "yosys \(report.dsps) DSP, \(luts) LUT, \(report.flipFlops) FF, \(bram) BRAM36; model \(model)"
        #expect(report.dsps == model.dsp, "\(figures)")
        #expect(bram == model.bram36, "\(figures)")
        #expect(abs(Double(model.lut - luts)) <= 0.15 * Double(luts), "\(figures)")
        #expect(abs(Double(model.ff - report.flipFlops)) <= 0.15 * Double(report.flipFlops), "\(figures)")
    }
}
