import FixedPoint
import Foundation
import HDLGen

/// A finished search: the result, and the LPU's score words on the evaluation set (the
/// CEU's testbench replays them).
public struct CascadeRun: Sendable {
    public let result: CascadeResult
    public let lpuEvalScores: [Int32]
    /// Both engines, the truncation unit and the CEU as the DSE sized them.
    public let architecture: CascadeArchitecture
    public let report: CascadeReport
    /// The LPU and HPU as layer engines at the DSE's tile sizes, each with the images its
    /// testbench runs; empty when the layer engine cannot run the network (then the bare
    /// MM units stand in for them).
    public let engines: [EngineBundle]
    /// The cascade top and the images its testbench runs; nil when the engines cannot run
    /// the network.
    public let cascade: CascadeBundle?

    /// A layer engine's program and the input words of the images its testbench runs.
    public struct EngineBundle: Sendable {
        public var name: String
        public var program: EngineProgram
        public var images: [[Int32]]
    }

    /// The cascade top's program and the test images its testbench runs.
    public struct CascadeBundle: Sendable {
        public var program: CascadeProgram
        public var images: [ArraySlice<Float>]
    }

    init(result: CascadeResult, lpuEvalScores: [Int32], architecture: CascadeArchitecture, report: CascadeReport,
         engines: [EngineBundle], cascade: CascadeBundle?) {
        self.result = result; self.lpuEvalScores = lpuEvalScores; self.architecture = architecture
        self.report = report; self.engines = engines; self.cascade = cascade
    }

    /// Every file of the output folder `folder`: the result as JSON (the model's path in it
    /// relative to the folder), its tables, each unit's quantisation, and the RTL of the
    /// chosen units with testbenches and Makefiles.
    public func files(for folder: OutputFolder) throws -> [(path: String, contents: String)] {
        let r = result.storingPaths(relativeTo: folder)
        func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) + "\n" }
        var files: [(path: String, contents: String)] = [
            ("cascade.json", text(r.json)),
            ("wordlengths.csv", r.wordlengthTable),
            ("confidence-scores.csv", r.confidenceTable),
            ("hpu-quantisation.json", text(r.hpu.quantisation.json)),
            ("lpu-quantisation.json", text(r.lpu.quantisation.json)),
        ]
        files += [("report.json", try report.json()), ("report.html", try report.html())]
        var bundles: [(name: String, bundle: SimulationBundle)] = []
        let provenance = ["cascadecnn flow (seed \(r.seed)): \(r.model), tolerance \(r.tolerance) points"]
        var ipFiles: [(path: String, contents: String)] = []
        for engine in engines {
            let testbench = engine.program.testbench(images: engine.images, timing: .init())
            bundles.append((engine.name, SimulationBundle(circuit: try Circuit(testbench.dut), testbench: testbench,
                                                          provenance: provenance)))
        }
        if let cascade {
            let testbench = cascade.program.testbench(images: cascade.images).testbench
            let bundle = SimulationBundle(circuit: try Circuit(testbench.dut), testbench: testbench, provenance: provenance)
            bundles.append(("cascade", bundle))
            let written = Set(try bundle.files.map { "rtl/cascade/\($0.path)" })
            ipFiles = try cascade.program.ipFiles(device: report.device, testbench: testbench, folder: "rtl/cascade")
                .filter { !written.contains($0.path) }
        }
        if engines.isEmpty {
            for (name, engine) in [("mm-lpu", architecture.lpu.engine), ("mm-hpu", architecture.hpu.engine)] {
                let unit = try MatrixMultiplyUnit(wordlength: engine.wordlength, pes: engine.pes, maccs: engine.maccs,
                                                  maxWindow: engine.maxWindow)
                bundles.append((name, try unit.simulationBundle(beats: unit.stimulus(cycles: 256, seed: r.seed),
                                                                provenance: provenance)))
            }
        }
        let truncation = try WeightTruncationUnit(highWordlength: r.hpu.wordlength, lowWordlength: r.lpu.wordlength,
                                                  lanes: architecture.truncationUnit.lanes, rounding: r.weightRounding)
        bundles.append(("truncation", try truncation.simulationBundle(beats: truncation.stimulus(cycles: 256, seed: r.seed),
                                                                       provenance: provenance)))
        let classes = r.classes
        let ceu = try ConfidenceEvaluationUnit(classes: classes, lanes: min(classes, architecture.confidenceUnit.lanes),
                                               m: r.ceu.m, n: r.ceu.n,
                                               scoreFormat: r.ceu.scoreFormat, thresholdFractionBits: r.ceu.thresholdFractionBits)
        let samples = (0..<min(sampleCount, 64)).map { i in lpuEvalScores[(i * classes)..<((i + 1) * classes)].map(Int.init) }
        bundles.append(("ceu", try ceu.simulationBundle(samples: samples, threshold: r.ceu.thresholdWord, stallPercent: 20,
                                                        seed: r.seed, provenance: provenance)))
        for (name, bundle) in bundles {
            files += try bundle.files.map { ("rtl/\(name)/\($0.path)", $0.contents) }
        }
        files += ipFiles
        files.append(("Makefile", try Template.fill("flow/Makefile", ["units": .list(bundles.map(\.name), field: "unit")])))
        return files
    }

    /// Evaluation samples the LPU scored.
    var sampleCount: Int { lpuEvalScores.count / max(1, result.classes) }

    /// Writes everything as the whole of `folder`, all or nothing (see `OutputFolder`).
    public func write(to folder: OutputFolder) throws {
        try folder.write(try files(for: folder))
    }
}
