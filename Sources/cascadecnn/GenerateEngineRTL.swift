import ArgumentParser
import Foundation
import HDLGen
import Toolflow

/// `cascadecnn generate engine-rtl`: the layer engine the DSE sizes for a network on a
/// device, as RTL alone (no weights needed, so no testbench): what synthesis of the paper's
/// networks at full size starts from.
struct GenerateEngineRTL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-rtl",
        abstract: "The RTL of the layer engine the DSE sizes for a network on a device (no weights, no testbench).",
        discussion: """
            --network is vgg16, alexnet or an ONNX file. Writes DIR/rtl (the engine and its \
            AXI wrapper, one Verilog file per module) and DIR/engine.json (the configuration \
            and the resource model's figures), for `yosys synth_xilinx` or Vivado. Without \
            --pes and --maccs the engine is the fastest within the budget at --wordlength \
            (--columns applies with them).
            """)

    @Option(help: "vgg16, alexnet, or the path of an ONNX model.") var network: String
    @Option(help: "zc706, zcu102, or the path of a device JSON file.") var device = "zc706"
    @Option(help: "Fraction of each device resource the engine may use, in (0, 1].") var budget = 0.8
    @Option(help: "The wordlength of weights and activations, 2...16.") var wordlength = 8
    @Option(help: "PEs (with --maccs; default: the DSE's).") var pes: Int?
    @Option(help: "MACCs per PE (with --pes; default: the DSE's).") var maccs: Int?
    @Option(help: "Output columns computed in parallel (with --pes and --maccs).") var columns = 1
    @Option(name: .shortAndLong, help: OutputOptions.folderHelp) var output: String
    @Flag(help: OutputOptions.forceHelp) var force = false

    func validate() throws {
        guard budget > 0, budget <= 1 else { throw ValidationError("--budget \(budget) is outside (0, 1]") }
        guard (2...16).contains(wordlength) else { throw ValidationError("--wordlength \(wordlength) is outside 2...16") }
        guard (pes == nil) == (maccs == nil) else { throw ValidationError("--pes and --maccs go together") }
        for (flag, value) in [("--pes", pes), ("--maccs", maccs)] {
            if let value, !(1...1024).contains(value) { throw ValidationError("\(flag) \(value) is outside 1...1024") }
        }
        guard (1...EngineConfiguration.maximumColumns).contains(columns) else {
            throw ValidationError("--columns \(columns) is outside 1...\(EngineConfiguration.maximumColumns)")
        }
        guard columns == 1 || pes != nil else { throw ValidationError("--columns goes with --pes and --maccs") }
    }

    /// What engine.json holds.
    struct Summary: Encodable {
        var network: String
        var device: Device
        var engine: EngineConfiguration
        var name: String
        var top: String
        var resources: Resources
        var imagesPerSecond: Double
    }

    func run() throws {
        let folder = try OutputOptions.folder(output, inputs: [network, device], force: force)
        let board = try Device.resolve(device)
        let workload = try Explore.workload(network)
        guard workload.geometries != nil else {
            throw ToolflowError.unsupportedByEngine(layer: workload.name, reason: "the layer engine cannot run this network")
        }
        let explorer = Explorer(device: board)
        let resources = board.budget(fraction: budget)
        let configuration = if let pes, let maccs {
            try explorer.engine(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, workload: workload,
                                budget: resources)
        } else {
            try explorer.bestEngine(wordlength: wordlength, workload: workload, budget: resources).engine
        }
        let engine = try LayerEngine(configuration)
        let wrapper = LayerEngineAXI(engine: engine)
        var files = VerilogEmitter.files(for: try Circuit(wrapper)).map { (path: "rtl/\($0.name)", contents: $0.contents) }
        let used = explorer.resources(of: configuration)
        let throughput = PerformanceModel(device: board).throughput(workload, engine: configuration)
        let summary = Summary(network: workload.name, device: board, engine: configuration, name: engine.name, top: wrapper.name,
                              resources: used, imagesPerSecond: throughput)
        files.append((path: "engine.json", contents: try jsonText(summary) + "\n"))
        try folder.write(files)
        print(["\(engine.name): \(engine.summary), for \(workload.name)",
               "  buffers: \(engine.bufferSummary), \(engine.maxLayers) descriptors",
               "  model:   \(used) of \(board.name)'s budget \(resources); \(formatNumber(throughput, decimals: 1)) images/s",
               "  RTL:     \(output)/rtl (top \(wrapper.name)); engine.json"].joined(separator: "\n"))
    }
}
