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

    @OptionGroup var engine: EngineOptions
    @Option(help: ArgumentHelp("A cascade.json from `cascadecnn flow`: run the whole cascade (both engines, the truncation unit, the CEU, the forward queue) on --images images of --data.",
                               valueName: "cascade.json"))
    var cascade: String?
    @Option(help: "Cycles from a memory request to its response.") var memoryLatency: Int = 2
    @Option(help: "Chance in percent that the memory model refuses a request in a cycle.") var stallPercent: Int = 0
    @Option(help: "The simulator: icarus, or verilator (compiles first, then runs far faster).") var simulator: Simulator = .icarus
    @Option(help: "Keep the simulation bundle (RTL, testbench, memory image, Makefile) in this folder (see --force).")
    var output: String?
    @Flag(help: OutputOptions.forceHelp) var force = false
    @Flag(help: "Simulate the engine behind its AXI4 master and AXI4-Lite slave (LayerEngineAXI), as in a block design.")
    var axi = false

    func validate() throws {
        guard cascade != nil || engine.model != nil else { throw ValidationError("--model is required (or --cascade)") }
        guard cascade == nil || !axi else { throw ValidationError("--axi runs a single engine; the cascade runs natively") }
        if cascade != nil, let flag = engine.givenEngineFlags.first {
            throw ValidationError("\(flag) does not apply with --cascade: cascade.json fixes both engines' wordlengths, "
                                  + "quantisations and tile sizes")
        }
        guard (1...1000).contains(memoryLatency) else { throw ValidationError("--memory-latency \(memoryLatency) is outside 1...1000") }
        guard (0...95).contains(stallPercent) else { throw ValidationError("--stall-percent \(stallPercent) is outside 0...95") }
    }

    func run() throws {
        if let cascade {
            return try CascadeSimulationCommand(cascadeFile: cascade, options: engine, memoryLatency: memoryLatency,
                                                stallPercent: stallPercent, simulator: simulator, output: output,
                                                force: force).run()
        }
        let kept = try output.map { try OutputOptions.folder($0, inputs: self.engine.inputs, force: force) }
        let (program, words) = try engine.prepare()
        let engine = program.engine
        print("engine: \(engine.name): \(engine.summary); buffers: \(engine.bufferSummary)")
        print("quantisation: \(program.quantised.quantisation.wordlength) bits; \(program.layers.count) engine layers (\(program.descriptorLayers.count) descriptors: one per run of equal row bands); "
              + "memory: \(program.parameterLines.count) parameter lines + "
              + (program.batch == 1 ? "\(program.imageLines) per image" : "\(program.runLines) per batch of \(program.batch)"))
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("cascadecnn-simulate-\(UUID().uuidString)")
        defer { if kept == nil { try? FileManager.default.removeItem(at: temporary) } }
        let timing = LayerEngineTestbench.MemoryTiming(latency: memoryLatency, stallPercent: stallPercent, seed: 1)
        let start = Date()
        let simulation = try EngineSimulation.run(program, images: words, timing: timing, in: kept ?? OutputFolder(temporary),
                                                  simulator: simulator,
                                                  interface: axi ? .axi(baseAddress: 0x1000_0000) : .native)
        let seconds = Date().timeIntervalSince(start)

        let model = EngineCycleModel(engine.configuration, memoryLatency: memoryLatency)
        let predicted = program.modelledCycles(memoryLatency: memoryLatency)
        let run = program.batch == 1 ? "image" : "batch"
        for (i, image) in simulation.images.enumerated() {
            let total = predicted.reduce(0, +)
            let counted = image.counted.map { "; the testbench counted \($0) from start to done" } ?? ""
            print(String(format: "%@ %d: %d cycles, model %d (%+.2f%%)", run, i, image.total, total,
                         100 * Double(image.total - total) / Double(total)) + counted)
        }
        if program.batch > 1 {
            print("batch of \(program.batch) images: layers \(program.layers[program.batchedFrom...].map(\.name).joined(separator: ", ")) "
                  + "run once per batch; the cycles below are the batch's")
        }
        if let first = simulation.images.first, first.layers.count == program.layers.count {
            // The port's roof: the lines a layer moves, at one per cycle.
            let lines = program.modelledLines()
            print("layer      measured     model  MACC utilisation  port lines  of the port's roof")
            for (l, layer) in program.layers.enumerated() {
                print(layer.name.padding(toLength: max(9, layer.name.count), withPad: " ", startingAt: 0)
                      + String(format: " %9d %9d  %6.1f%%           %10d  %6.1f%%", first.layers[l], predicted[l],
                               100 * Double(program.batch) * model.utilisation(layer.geometry, cycles: first.layers[l]),
                               lines[l], 100 * Double(lines[l]) / Double(max(1, first.layers[l]))))
            }
        }
        let cycles = simulation.images.reduce(0) { $0 + $1.total }
        print(String(format: "simulated %d cycles in %.1f s including compilation (%.0f cycles/s under %@)", cycles, seconds,
                     Double(cycles) / max(seconds, 1e-9), simulator.rawValue))
        for i in simulation.miscountedImages {
            print("image \(i): the engine's cycle counter (\(simulation.images[i].total)) disagrees with the testbench's count "
                  + "(\(simulation.images[i].counted ?? 0))")
        }
        for line in simulation.mismatches { print(line) }
        print("\(simulation.passed) output lines equal the golden model, \(simulation.failed) differ")
        if let kept { print("bundle: \(kept.path) (make -C \(kept.path) sim)") }
        guard simulation.succeeded else { throw ExitCode(1) }
    }
}

/// What `simulate` and `generate engine` share: the network, its data and quantisation, and
/// the engine's tile sizes.
struct EngineOptions: ParsableArguments {
    @Option(help: "The ONNX model (with --cascade, the one in cascade.json by default).") var model: String?
    @Option(help: "The data folder (inputs.npy, optionally labels.npy).") var data: String
    @Option(help: "How many images to run (the first of DATA).") var images: Int = 5
    @Option(name: .customLong("wordlength"), help: "The wordlength of weights and activations (default: 8).")
    var givenWordlength: Int?
    @Option(help: "A quantisation JSON file (its wordlength replaces --wordlength).") var quantisation: String?
    @Option(name: .customLong("pes"), help: "PEs: output channels computed in parallel (default: 8).") var givenPEs: Int?
    @Option(name: .customLong("maccs"), help: "MACCs per PE: input channels per beat. One of P and K must divide the other (default: 8).")
    var givenMACCs: Int?
    @Option(name: .customLong("columns"),
            help: "Output columns computed in parallel (Q), 1...\(EngineConfiguration.maximumColumns), each with its own P PEs and copy of the activation buffer (default: 1).")
    var givenColumns: Int?
    @Option(name: .customLong("batch"),
            help: "Images per run: the FC layers at the end run once for the batch, each tile's weights read once for all of them; --images must be a multiple (default: 1).")
    var givenBatch: Int?
    @Option(name: .customLong("activation-depth"),
            help: "Lines of the activation buffer, a power of two; with --output-depth, layers whose maps do not fit run in row bands (default: the largest layer's input).")
    var activationDepth: Int?
    @Option(name: .customLong("output-depth"), help: "Entries of the output buffer, a power of two (default: the largest layer's output).")
    var outputDepth: Int?
    @Option(name: .customLong("weight-window"),
            help: "Beats each PE's weight buffer holds per window, a power of two; a layer whose window is longer runs in input-channel chunks, its sums kept in a partial-sum buffer between them (default: the longest window).")
    var weightWindow: Int?

    var wordlength: Int { givenWordlength ?? 8 }
    var pes: Int { givenPEs ?? 8 }
    var maccs: Int { givenMACCs ?? 8 }
    var columns: Int { givenColumns ?? 1 }
    var batch: Int { givenBatch ?? 1 }

    /// The engine options the command line gave, by flag: a cascade.json fixes all of them.
    var givenEngineFlags: [String] {
        [("--wordlength", givenWordlength != nil), ("--quantisation", quantisation != nil),
         ("--pes", givenPEs != nil), ("--maccs", givenMACCs != nil), ("--columns", givenColumns != nil),
         ("--batch", givenBatch != nil),
         ("--activation-depth", activationDepth != nil),
         ("--output-depth", outputDepth != nil), ("--weight-window", weightWindow != nil)].filter(\.1).map(\.0)
    }

    /// The files and folders the options name: what an output may never replace.
    var inputs: [String?] { [model, quantisation] + OutputOptions.data(data) }

    func validate() throws {
        guard (1...10_000).contains(images) else { throw ValidationError("--images \(images) is outside 1...10000") }
        guard (2...16).contains(wordlength) else { throw ValidationError("--wordlength \(wordlength) is outside 2...16") }
        guard (1...1024).contains(pes) else { throw ValidationError("--pes \(pes) is outside 1...1024") }
        guard (1...1024).contains(maccs) else { throw ValidationError("--maccs \(maccs) is outside 1...1024") }
        guard pes % maccs == 0 || maccs % pes == 0 else {
            throw ValidationError("--pes \(pes) and --maccs \(maccs): one must divide the other")
        }
        guard (1...EngineConfiguration.maximumColumns).contains(columns) else {
            throw ValidationError("--columns \(columns) is outside 1...\(EngineConfiguration.maximumColumns)")
        }
        guard (1...EngineProgram.maximumBatch).contains(batch) else {
            throw ValidationError("--batch \(batch) is outside 1...\(EngineProgram.maximumBatch)")
        }
        guard images % batch == 0 else {
            throw ValidationError("--images \(images) is not a multiple of --batch \(batch)")
        }
        guard (activationDepth == nil) == (outputDepth == nil) else {
            throw ValidationError("--activation-depth and --output-depth go together")
        }
        for (flag, depth) in [("--activation-depth", activationDepth), ("--output-depth", outputDepth),
                              ("--weight-window", weightWindow)] {
            if let depth, !EngineConfiguration.isBufferDepth(depth) {
                throw ValidationError("\(flag) \(depth) is not a power of two in \(EngineConfiguration.bufferDepths)")
            }
        }
    }

    /// The buffer depths the options give, or nil for buffers that hold every layer whole.
    var buffers: (activationDepth: Int, outputDepth: Int)? {
        guard let activationDepth, let outputDepth else { return nil }
        return (activationDepth, outputDepth)
    }

    /// The engine program for the network and the input words of the images to run; on bad
    /// input, the message on standard error and exit status 2. Without depths on the command
    /// line, the buffers are the fastest that fit `budget` (whole maps where they fit), or
    /// whole maps with no budget.
    func prepare(budget: (device: Device, resources: Resources)? = nil) throws -> (EngineProgram, [[Int32]]) {
        do {
            return try makeProgram(budget: budget)
        } catch {
            TerminalText.writeError("\(error)")
            throw ExitCode(2)
        }
    }

    /// The data set, checked against `network` and holding at least `images` images.
    func dataset(for network: Network) throws -> Dataset {
        let dataset = try Dataset.load(folder: data)
        try dataset.validate(for: network)
        guard images <= dataset.count else {
            throw ToolflowError.dataMismatch("--images \(images) but \(data) holds \(dataset.count) images")
        }
        return dataset
    }

    private func makeProgram(budget: (device: Device, resources: Resources)?) throws -> (EngineProgram, [[Int32]]) {
        guard let model else { throw ValidationError("--model is required") }
        let network = try ONNXImporter.importModel(atPath: model)
        let dataset = try dataset(for: network)
        let chosen: Quantisation
        if let quantisation {
            chosen = try Quantisation.load(path: quantisation)
        } else if dataset.labels != nil {
            chosen = try QuantisationSearch(network: network, data: dataset).explore(wordlength: wordlength).quantisation
        } else {
            chosen = try RangeCalibration.quantisation(for: network, data: dataset, wordlength: wordlength)
        }
        var buffers = buffers, window = weightWindow, mix: MultiplierMix?
        if buffers == nil, let budget {
            let engine = try Explorer(device: budget.device, batch: batch).engine(wordlength: chosen.wordlength, pes: pes, maccs: maccs,
                                                                    columns: columns, workload: Workload(network),
                                                                    budget: budget.resources)
            buffers = engine.buffers
            if engine.hasPartialSums { window = engine.maxWindow }
            mix = engine.mix
        }
        let program = try EngineProgram(quantised: try QuantisedNetwork(network: network, quantisation: chosen),
                                        pes: pes, maccs: maccs, columns: columns, batch: batch, mix: mix, buffers: buffers,
                                        weightWindow: window)
        let size = dataset.imageSize
        let words = (0..<images).map { i in program.inputWords(dataset.inputs[(i * size)..<((i + 1) * size)]) }
        return (program, words)
    }
}

/// `cascadecnn generate engine`: the layer engine for a network, with the system testbench
/// that runs it on images and checks every layer (what `simulate` runs).
struct GenerateEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "The layer engine sized for a network, with a testbench running it on images.")

    @OptionGroup var engine: EngineOptions
    @Option(help: "zc706, zcu102, or a device JSON file: the part and clock of the Vivado project, and the resources the buffers must fit.")
    var device = "zc706"
    @Option(help: "Fraction of each device resource the engine may use, in (0, 1]; without --activation-depth and --output-depth, the buffers are the fastest that fit it.")
    var budget = 0.8
    @Option(name: .shortAndLong, help: OutputOptions.folderHelp) var output: String
    @Flag(help: OutputOptions.forceHelp) var force = false

    func validate() throws {
        guard budget > 0, budget <= 1 else { throw ValidationError("--budget \(budget) is outside (0, 1]") }
    }

    func run() throws {
        let folder = try OutputOptions.folder(output, inputs: engine.inputs + [device], force: force)
        let board = try Device.resolve(device)   // a bad device exits 2 through the tool's main
        let (program, words) = try engine.prepare(budget: (board, board.budget(fraction: budget)))
        let testbench = program.testbench(images: words, timing: .init())
        let bundle = SimulationBundle(circuit: try Circuit(program.engine), testbench: testbench,
                                      provenance: ["\(program.quantised.network.name) on \(words.count) image(s)"])
        var files = try bundle.files
        for file in try program.ipFiles(device: board, testbench: testbench) where !files.contains(where: { $0.path == file.path }) {
            files.append(file)
        }
        try folder.write(files)
        let e = program.engine
        print(["\(e.name): \(e.summary)",
               "  buffers: \(e.bufferSummary); "
                   + "\(program.layers.count) layers in \(program.descriptorLayers.count) descriptors",
               "  model:   \(ResourceModel(family: board.family).layerEngine(e.configuration)) of \(board.name)'s budget "
                   + "\(board.budget(fraction: budget))",
               "  RTL:        " + bundle.circuit.modules.map { "rtl/\($0.name).v" }.joined(separator: ", "),
               "  testbench:  tb/\(testbench.name).v, \(testbench.summary)",
               "  IP block:   \(LayerEngineAXI(engine: e).name) (AXI4 master and AXI4-Lite slave), vivado/build.tcl for \(board.part), \(e.name).core for FuseSoC",
               "Simulate with `make -C \(output) sim` (or vsim for Verilator), lint with `make -C \(output) lint`."]
              .joined(separator: "\n"))
    }
}
