import ArgumentParser
import Foundation
import HDLGen
import Toolflow

extension Simulator: ExpressibleByArgument {}

/// `cascadecnn simulate`: runs a network on images in the layer engine's RTL and checks every
/// layer's output, bit for bit, against the fixed-point golden model.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a network in the layer engine's RTL and check every layer against the golden model.",
        discussion: """
            Generates the layer engine for the network (P PEs × K MACCs at the wordlength, its \
            buffers sized for the largest layer), the memory image (weights, biases, the first \
            --images inputs of DATA) and the descriptors, simulates it under Icarus Verilog with \
            a memory model, and compares every layer's output lines with the golden model. \
            Prints the cycles of each image next to the cycle model's prediction and the MACC \
            utilisation of each layer. Without --quantisation, the network is quantised at \
            --wordlength by the search on DATA (or by range calibration when DATA has no \
            labels). Exit status 1 when any line differs, 2 on bad input.
            """)

    @Option(help: "The ONNX model.") var model: String
    @Option(help: "The data folder (inputs.npy, optionally labels.npy).") var data: String
    @Option(help: "How many images to run (the first of DATA).") var images: Int = 5
    @Option(help: "The wordlength of weights and activations.") var wordlength: Int = 8
    @Option(help: "A quantisation JSON file (its wordlength replaces --wordlength).") var quantisation: String?
    @Option(help: "PEs: output channels computed in parallel.") var pes: Int = 8
    @Option(help: "MACCs per PE: input channels per beat. One of P and K must divide the other.") var maccs: Int = 8
    @Option(help: "Cycles from a memory request to its response.") var memoryLatency: Int = 2
    @Option(help: "Chance in percent that the memory model refuses a request in a cycle.") var stallPercent: Int = 0
    @Option(help: "The simulator: icarus, or verilator (compiles first, then runs far faster).") var simulator: Simulator = .icarus
    @Option(help: "Keep the simulation bundle (RTL, testbench, memory image, Makefile) in this folder.") var output: String?

    func validate() throws {
        guard (1...10_000).contains(images) else { throw ValidationError("--images \(images) is outside 1...10000") }
        guard (2...16).contains(wordlength) else { throw ValidationError("--wordlength \(wordlength) is outside 2...16") }
        guard (1...1024).contains(pes) else { throw ValidationError("--pes \(pes) is outside 1...1024") }
        guard (1...1024).contains(maccs) else { throw ValidationError("--maccs \(maccs) is outside 1...1024") }
        guard pes % maccs == 0 || maccs % pes == 0 else {
            throw ValidationError("--pes \(pes) and --maccs \(maccs): one must divide the other")
        }
        guard (1...1000).contains(memoryLatency) else { throw ValidationError("--memory-latency \(memoryLatency) is outside 1...1000") }
        guard (0...95).contains(stallPercent) else { throw ValidationError("--stall-percent \(stallPercent) is outside 0...95") }
    }

    func run() throws {
        let program: EngineProgram, words: [[Int32]]
        do {
            (program, words) = try prepare()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let engine = program.engine
        print("engine: \(engine.summary); buffers: \(engine.activationDepth) activation lines, "
              + "\(engine.outputDepth) output entries, \(engine.weightDepth) weight beats")
        print("quantisation: \(program.quantised.quantisation.wordlength) bits; \(program.layers.count) engine layers; "
              + "memory: \(program.parameterLines.count) parameter lines + \(program.imageLines) per image")
        let keep = output.map { URL(fileURLWithPath: $0) }
        let directory = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("cascadecnn-simulate-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
        let timing = LayerEngineTestbench.MemoryTiming(latency: memoryLatency, stallPercent: stallPercent, seed: 1)
        let start = Date()
        let simulation = try EngineSimulation.run(program, images: words, timing: timing, in: directory, simulator: simulator)
        let seconds = Date().timeIntervalSince(start)

        let model = EngineCycleModel(pes: engine.pes, maccs: engine.maccs, memoryLatency: memoryLatency)
        let predicted = program.layers.map { model.cycles($0.geometry).total }
        for (i, image) in simulation.images.enumerated() {
            let total = predicted.reduce(0, +)
            print(String(format: "image %d: %d cycles, model %d (%+.2f%%)", i, image.total, total,
                         100 * Double(image.total - total) / Double(total)))
        }
        if let first = simulation.images.first, first.layers.count == program.layers.count {
            print("layer      measured     model  MACC utilisation")
            for (l, layer) in program.layers.enumerated() {
                print(layer.name.padding(toLength: max(9, layer.name.count), withPad: " ", startingAt: 0)
                      + String(format: " %9d %9d  %6.1f%%", first.layers[l], predicted[l],
                               100 * model.utilisation(layer.geometry, cycles: first.layers[l])))
            }
        }
        let cycles = simulation.images.reduce(0) { $0 + $1.total }
        print(String(format: "simulated %d cycles in %.1f s including compilation (%.0f cycles/s under %@)", cycles, seconds,
                     Double(cycles) / max(seconds, 1e-9), simulator.rawValue))
        for line in simulation.mismatches { print(line) }
        print("\(simulation.passed) output lines equal the golden model, \(simulation.failed) differ")
        if let keep { print("bundle: \(keep.path) (make -C \(keep.path) sim)") }
        guard simulation.succeeded else { throw ExitCode(1) }
    }

    private func prepare() throws -> (EngineProgram, [[Int32]]) {
        let network = try ONNXImporter.importModel(atPath: model)
        let dataset = try Dataset.load(folder: data)
        try dataset.validate(for: network)
        guard images <= dataset.count else {
            throw ToolflowError.dataMismatch("--images \(images) but \(data) holds \(dataset.count) images")
        }
        let chosen: Quantisation
        if let quantisation {
            chosen = try Quantisation.load(path: quantisation)
        } else if dataset.labels != nil {
            chosen = try QuantisationSearch(network: network, data: dataset).explore(wordlength: wordlength).quantisation
        } else {
            chosen = try RangeCalibration.quantisation(for: network, data: dataset, wordlength: wordlength)
        }
        let program = try EngineProgram(quantised: try QuantisedNetwork(network: network, quantisation: chosen),
                                        pes: pes, maccs: maccs)
        let size = dataset.imageSize
        let words = (0..<images).map { i in program.inputWords(dataset.inputs[(i * size)..<((i + 1) * size)]) }
        return (program, words)
    }
}
