import ArgumentParser
import Foundation
import HDLGen
import Toolflow

/// `cascadecnn simulate --cascade cascade.json`: the cascade `flow` chose, in RTL, on images;
/// every image's class, forwarded flag and both engines' scores checked against the golden
/// model, and the measured throughput beside the DSE's.
struct CascadeSimulationCommand {
    var cascadeFile: String
    var options: EngineOptions
    var memoryLatency: Int
    var stallPercent: Int
    var simulator: Simulator
    var output: String?
    var force: Bool

    func run() throws {
        let (program, images, result, labels) = try prepare()
        let hardware = result.hardware!
        let modelPath = options.model ?? hardware.model(besideFile: cascadeFile)
        let kept = try output.map {
            try OutputOptions.folder($0, inputs: [cascadeFile, modelPath] + options.inputs, force: force)
        }
        let top = program.top
        print("cascade: \(top.summary); truncation \(program.hpu.engine.wordlength) to \(program.lpu.engine.wordlength) bits "
              + "(\(result.weightRounding.rawValue)), CEU threshold word \(program.thresholdWord), forward queue of \(top.queueDepth)")
        print("memory: \(program.parameterLines.count) parameter lines (the HPU's weights, both engines' biases) + "
              + "\(program.imageStride) per image")
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("cascadecnn-cascade-\(UUID().uuidString)")
        defer { if kept == nil { try? FileManager.default.removeItem(at: temporary) } }
        let timing = LayerEngineTestbench.MemoryTiming(latency: memoryLatency, stallPercent: stallPercent, seed: 1)
        let start = Date()
        let simulation = try CascadeSimulation.run(program, images: images, timing: timing, in: kept ?? OutputFolder(temporary),
                                                   simulator: simulator)
        let seconds = Date().timeIntervalSince(start)

        print("image  LPU class  decision   class" + (labels == nil ? "" : "  label"))
        for (i, decision) in simulation.decisions.enumerated() {
            let label = labels.map { String(format: "  %5d", $0[i]) } ?? ""
            print(String(format: "%5d  %9d  %-9@  %5d", i, decision.ceu.predicted,
                         decision.result.forwarded ? "forwarded" : "confident", decision.result.predicted) + label)
        }
        let forwarded = simulation.decisions.filter(\.result.forwarded).count
        let f = Double(forwarded) / Double(images.count)
        let model = CascadeCycleModel(program: program, memoryLatency: memoryLatency)
        let predictedCycles = model.cycles(forwarded: simulation.decisions.map(\.result.forwarded))
        if let cycles = simulation.cycles, let measured = simulation.imagesPerCycle {
            let dse = hardware.imagesPerSecond(forwarding: f) / hardware.device.clockHz
            print(String(format: "hardware: %d images, %d forwarded (f = %.1f%%), %d cycles (schedule model %d, %+.2f%%), HPU busy %d cycles",
                         simulation.samples ?? 0, simulation.forwarded ?? 0, 100 * f, cycles, predictedCycles,
                         100 * Double(cycles - predictedCycles) / Double(max(1, predictedCycles)), simulation.hpuCycles ?? 0)
                  + (simulation.countedCycles.map { "; the testbench counted \($0) from start to done" } ?? ""))
            if let counted = simulation.countedCycles, counted != cycles {
                print("the cascade's cycle counter (\(cycles)) disagrees with the testbench's count (\(counted))")
            }
            print(String(format: "throughput: %.3f images per 1000 cycles (%.0f images/s at %.0f MHz); DSE at f = %.1f%%: %.3f (%+.1f%%)",
                         1000 * measured, measured * hardware.device.clockHz, hardware.device.clockMHz, 100 * f,
                         1000 * dse, 100 * (measured - dse) / dse))
            // A short run also pays the HPU's last images after the LPU is done.
            let steady = model.imagesPerCycle(forwarding: f)
            print(String(format: "steady state (schedule model, no start or drain) at f = %.1f%%: %.3f images per 1000 cycles (%+.1f%% from the DSE)",
                         100 * f, 1000 * steady, 100 * (steady - dse) / dse))
        }
        print(String(format: "simulated in %.1f s including compilation (%@)", seconds, simulator.rawValue))
        for line in simulation.mismatches { print(line) }
        print("\(simulation.passed) lines equal the golden model (layer outputs of both engines, results), \(simulation.failed) differ")
        if let kept { print("bundle: \(kept.path) (make -C \(kept.path) sim)") }
        guard simulation.succeeded else { throw ExitCode(1) }
    }

    /// The program, the images and labels to run, and the cascade result; on bad input, the
    /// message on standard error and exit status 2.
    private func prepare() throws -> (CascadeProgram, [ArraySlice<Float>], CascadeResult, [Int]?) {
        do {
            let data: Data
            do { data = try InputFile.read(cascadeFile) } catch {
                throw ToolflowError.unreadableFile(path: cascadeFile, reason: error.reason)
            }
            let result: CascadeResult
            do { result = try CascadeResult.decode(data) } catch {
                throw ToolflowError.dataMismatch("\(cascadeFile) is not a cascade.json of `cascadecnn flow`: \(error)")
            }
            guard let hardware = result.hardware else {
                throw ToolflowError.dataMismatch("\(cascadeFile) has no hardware section: the layer engine cannot run its network")
            }
            let network = try ONNXImporter.importModel(atPath: options.model ?? hardware.model(besideFile: cascadeFile))
            let dataset = try options.dataset(for: network)
            let high = try QuantisedNetwork(network: network, quantisation: result.hpu.quantisation)
            let low = try high.derivingLowPrecision(result.lpu.quantisation, rounding: result.weightRounding)
            let program = try CascadeProgram(result: result, highPrecision: high, lowPrecision: low)
            let size = dataset.imageSize
            let images = (0..<options.images).map { i in dataset.inputs[(i * size)..<((i + 1) * size)] }
            return (program, images, result, dataset.labels.map { Array($0[0..<options.images]) })
        } catch {
            TerminalText.writeError("\(error)")
            throw ExitCode(2)
        }
    }
}
