import ArgumentParser
import Foundation
import HDLGen
import Toolflow

/// `cascadecnn explore`: the design-space exploration on its own, for the paper's networks
/// (their shapes as the layer engine runs them, no weights needed) or an ONNX model: the best single-stage design per wordlength and,
/// given the fraction the CEU forwards, the cascade's speed-up over a baseline.
struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Throughput per wordlength and the cascade's speed-up, from the roofline and resource models.",
        discussion: """
            --network is vgg16, alexnet or an ONNX file; --device is zc706, zcu102 or a device \
            JSON file (see `cascadecnn devices`). With --forward-fraction F, the cascade of an \
            LPU at --lpu-wordlength and an HPU at --hpu-wordlength, where the CEU forwards the \
            fraction F to the HPU, is compared with the best single-stage design at each \
            baseline wordlength (default 5, 6 and 7 bits: the paper's baselines).
            """)

    @Option(help: "vgg16, alexnet, or the path of an ONNX model.") var network: String
    @Option(help: "zc706, zcu102, or the path of a device JSON file.") var device: String
    @Option(help: "Fraction of each resource the design may use, in (0, 1].") var budget: Double = 0.8
    @Option(help: "Wordlengths to explore, comma-separated, each 2...16.") var wordlengths: String = "4,5,6,7,8,10,12,16"
    @Option(help: "Fraction of the images the CEU forwards to the HPU, 0...1.") var forwardFraction: Double?
    @Option(help: "The LPU's wordlength.") var lpuWordlength: Int = 4
    @Option(help: "The HPU's wordlength.") var hpuWordlength: Int = 8
    @Option(help: "Baseline wordlengths, comma-separated (default 5,6,7).") var baselineWordlength: String = "5,6,7"
    @Option(help: "Images per run: the FC layers at the end of the network run once per batch, each tile's weights read once for all (as `simulate --batch` runs them).")
    var batch: Int = 1
    @Option(help: "text (tables) or json (the same figures, every layer's too, on standard output).")
    var format: ExplorationFormat = .text
    @Option(help: "Multiplier mappings the designs may use, comma-separated: dsp (one product per DSP48), packed (two per DSP48, 2...8 bits), lut.")
    var multipliers: String = "dsp,packed,lut"

    func validate() throws {
        guard budget > 0, budget <= 1 else { throw ValidationError("--budget \(budget) is outside (0, 1]") }
        if let f = forwardFraction, !(0...1).contains(f) {
            throw ValidationError("--forward-fraction \(f) is outside 0...1")
        }
        guard (1...EngineProgram.maximumBatch).contains(batch) else {
            throw ValidationError("--batch \(batch) is outside 1...\(EngineProgram.maximumBatch)")
        }
        for w in try Self.parseList(wordlengths, "--wordlengths") + Self.parseList(baselineWordlength, "--baseline-wordlength")
            + [lpuWordlength, hpuWordlength] where !(2...16).contains(w) {
            throw ValidationError("wordlength \(w) is outside 2...16")
        }
        _ = try Self.mappings(multipliers)
        guard lpuWordlength < hpuWordlength else {
            throw ValidationError("--lpu-wordlength \(lpuWordlength) must be below --hpu-wordlength \(hpuWordlength)")
        }
    }

    static func parseList(_ text: String, _ option: String) throws -> [Int] {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ValidationError("\(option) \"\(text)\" is not a comma-separated list of integers")
        }
        return values.map { $0! }
    }

    /// `--multipliers`: the mappings named, in the explorer's order.
    static func mappings(_ text: String) throws -> [MultiplierMapping] {
        let names = ["dsp": MultiplierMapping.dsp, "packed": .packedDSP, "lut": .lut]
        let chosen = try text.split(separator: ",").map { name in
            guard let mapping = names[name.trimmingCharacters(in: .whitespaces)] else {
                throw ValidationError("--multipliers \"\(text)\": \"\(name)\" is not one of dsp, packed, lut")
            }
            return mapping
        }
        guard !chosen.isEmpty else { throw ValidationError("--multipliers is empty: name one or more of dsp, packed, lut") }
        return MultiplierMapping.allCases.filter(chosen.contains)
    }

    func workload() throws -> Workload { try Self.workload(network) }

    /// A built-in network's shapes, or an ONNX model's.
    static func workload(_ network: String) throws -> Workload {
        if let paper = PaperNetworks.workload(named: network) { return paper }
        guard network.hasSuffix(".onnx") || FileManager.default.fileExists(atPath: network) else {
            throw ValidationError("unknown network \"\(network)\": built-in networks are "
                                  + PaperNetworks.names.joined(separator: ", ") + ", or give an ONNX file")
        }
        return Workload(try ONNXImporter.importModel(atPath: network))
    }

    func run() throws {
        let device = try Device.resolve(device)
        let workload = try workload()
        var explorer = Explorer(device: device, batch: batch)
        explorer.multiplierMappings = try Self.mappings(multipliers)
        let resources = device.budget(fraction: budget)
        if format == .json {
            return print(try json(workload: workload, device: device, explorer: explorer, resources: resources))
        }
        print("\(workload.name) on \(device.name) (\(device.part)): \(formatNumber(Double(workload.maccs) / 1e9)) G MACC/image, "
              + "\(formatNumber(device.clockMHz)) MHz, \(formatNumber(device.bandwidthGBps)) GB/s, budget "
              + "\(formatNumber(100 * budget)) %: \(resources.dsp) DSP, \(resources.lut) LUT, \(resources.ff) FF, "
              + "\(formatNumber(resources.bram36)) BRAM36" + (batch > 1 ? "; batches of \(batch) images" : ""))
        print("\nBest single-stage design per wordlength (the paper's Fig. 3, performance axis):")
        var designs: [Int: EngineDesign] = [:]
        var rows = [["bits", "PEs", "MACCs", "cols", "DSP", "LUT", "FF", "BRAM36", "images/s", "GOp/s", "MACC use",
                     "memory-bound layers", "PEs' multipliers"]]
        for w in try Self.parseList(wordlengths, "--wordlengths") {
            let design = try explorer.bestEngine(wordlength: w, workload: workload, budget: resources)
            designs[w] = design
            rows.append(row(design, workload: workload))
        }
        print(textTable(rows, rightAligned: 0...11), terminator: "")
        let chunked = designs.sorted { $0.key < $1.key }.filter { $0.value.engine.hasPartialSums }
        if !chunked.isEmpty {
            print("Input-channel chunks (weight buffers shorter than the deepest windows, partial sums kept on chip): "
                  + chunked.map { w, design in
                      "\(w) bits \(design.engine.maxWindow)-beat windows, up to \(design.engine.maxChunks) chunks a layer"
                  }.joined(separator: "; "))
        }

        guard let f = forwardFraction else { return }
        print("\nCascade: LPU \(lpuWordlength) bits, HPU \(hpuWordlength) bits, CEU forwards f = \(formatNumber(f)):")
        let cascade = try explorer.bestCascade(lowWordlength: lpuWordlength, highWordlength: hpuWordlength,
                                               forwardedFraction: f, workload: workload, budget: resources)
        var units = [["unit", "configuration", "DSP", "LUT", "FF", "BRAM36", "images/s"]]
        for unit in cascade.units {
            let throughput = unit.name == "LPU" ? cascade.lpu.throughput : unit.name == "HPU" ? cascade.hpu.throughput : nil
            units.append([unit.name, unit.description, "\(unit.resources.dsp)", "\(unit.resources.lut)", "\(unit.resources.ff)",
                          formatNumber(unit.resources.bram36), throughput.map { formatNumber($0, decimals: 1) } ?? ""])
        }
        let total = cascade.resources
        units.append(["total", "", "\(total.dsp)", "\(total.lut)", "\(total.ff)", formatNumber(total.bram36),
                      formatNumber(cascade.throughput, decimals: 1)])
        print(textTable(units, rightAligned: 2...6), terminator: "")
        print("LPU bandwidth share \(formatNumber(100 * cascade.lpuBandwidthShare)) %; cascade throughput "
              + "min(T_LPU, T_HPU / f) = \(formatNumber(cascade.throughput, decimals: 1)) images/s")
        for baseline in try Self.parseList(baselineWordlength, "--baseline-wordlength") {
            let design = try designs[baseline]
                ?? explorer.bestEngine(wordlength: baseline, workload: workload, budget: resources, unit: "baseline")
            print("  speed-up over the \(baseline)-bit baseline (\(design.engine.tiling), "
                  + "\(formatNumber(design.throughput, decimals: 1)) images/s): "
                  + "\(formatNumber(cascade.throughput / design.throughput, decimals: 2))×")
        }
        let cycles = CascadeReport.cycleModelNote(engineRuns: workload.geometries != nil, batch: batch)
        print("""

            The paper reports up to +55 % (VGG-16) and +48 % (AlexNet) over 5- to 7-bit baselines on ZC706 and \
            ZCU102. Here: the generated layer engine as Yosys maps it (each PE's multipliers on DSP48s, two \
            products to a DSP48 where packed, or in LUTs: the mix with the fewest LUTs whose DSPs fit), resources from the model calibrated against yosys synth_xilinx, \(cycles), the \
            off-chip bandwidth shared between LPU and HPU.
            """)
    }

    /// The exploration as JSON: the best design per wordlength and, with --forward-fraction,
    /// the cascade and its speed-up over each baseline.
    private func json(workload: Workload, device: Device, explorer: Explorer, resources: Resources) throws -> String {
        var designs: [Int: EngineDesign] = [:]
        for w in try Self.parseList(wordlengths, "--wordlengths") {
            designs[w] = try explorer.bestEngine(wordlength: w, workload: workload, budget: resources)
        }
        var cascade: Exploration.Cascade?
        if let f = forwardFraction {
            let design = try explorer.bestCascade(lowWordlength: lpuWordlength, highWordlength: hpuWordlength,
                                                  forwardedFraction: f, workload: workload, budget: resources)
            let speedUps = try Self.parseList(baselineWordlength, "--baseline-wordlength").map { baseline in
                let single = try designs[baseline]
                    ?? explorer.bestEngine(wordlength: baseline, workload: workload, budget: resources, unit: "baseline")
                return Exploration.SpeedUp(baselineWordlength: baseline, baseline: single, speedUp: design.throughput / single.throughput)
            }
            cascade = .init(design: design, speedUps: speedUps)
        }
        let exploration = Exploration(
            network: workload.name, device: device, budgetFraction: budget, budget: resources, maccsPerImage: workload.maccs,
            batch: batch, cycleModel: workload.geometries != nil ? "layer engine" : "idealised GEMM engine (the layer engine cannot run the network)",
            designs: designs.keys.sorted().map { designs[$0]! }, cascade: cascade)
        return try jsonText(exploration)
    }

    private func row(_ design: EngineDesign, workload: Workload) -> [String] {
        let e = design.engine, r = design.resources
        let memoryBound = design.layers.filter(\.isMemoryBound).count
        return ["\(e.wordlength)", "\(e.pes)", "\(e.maccs)", "\(e.columns)", "\(r.dsp)", "\(r.lut)", "\(r.ff)", formatNumber(r.bram36),
                formatNumber(design.throughput, decimals: 1),
                formatNumber(2 * Double(workload.maccs) * design.throughput / 1e9, decimals: 1),
                formatNumber(100 * design.maccUtilisation, decimals: 1) + " %",
                "\(memoryBound) of \(design.layers.count)", Self.multiplierSummary(e)]
    }
}

extension Explore {
    /// The PEs of each mapping, e.g. "4 DSP + 12 packed": "DSP" for one product per DSP48 (LUTs
    /// below 5 bits, as Yosys maps them).
    static func multiplierSummary(_ engine: EngineConfiguration) -> String {
        let mix = engine.mix ?? .dsp(engine.pes)
        let counts: [(Int, String)] = [(mix.dsp, "DSP"), (mix.packedDSP, "packed"), (mix.lut, "LUT")]
        return counts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: " + ")
    }
}

/// `explore --format`.
enum ExplorationFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// What `explore --format json` writes.
struct Exploration: Encodable {
    var network: String
    var device: Device
    var budgetFraction: Double
    var budget: Resources
    var maccsPerImage: Int
    /// Images per run (`--batch`).
    var batch: Int
    /// Where the cycles come from: the layer engine's own model, or the idealised one.
    var cycleModel: String
    /// The best single-stage design per wordlength, ascending.
    var designs: [EngineDesign]
    var cascade: Cascade?

    struct Cascade: Encodable {
        var design: CascadeArchitecture
        var speedUps: [SpeedUp]
    }

    struct SpeedUp: Encodable {
        var baselineWordlength: Int
        var baseline: EngineDesign
        var speedUp: Double
    }
}
