import ArgumentParser
import Foundation
import FixedPoint
import HDLGen

/// `cascadecnn generate UNIT`: RTL, testbench, data files and a Makefile for one unit.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the RTL of one unit with its self-checking testbench.",
        discussion: """
            Writes DIR/rtl (one Verilog file per module), DIR/tb (the testbench and the \
            stimulus and expected values written by the unit's Swift golden model) and \
            DIR/Makefile: `make -C DIR sim` simulates under Icarus Verilog and ends with \
            `N passed, 0 failed`; `make -C DIR lint` runs verilator --lint-only -Wall.
            """,
        subcommands: [GenerateMatrixMultiplyUnit.self, GenerateProcessingElement.self,
                      GenerateMultiplyAccumulate.self, GenerateTruncationUnit.self, GenerateConfidenceUnit.self,
                      GenerateEngine.self, GenerateEngineRTL.self])
}

/// Options every `generate` subcommand shares: where to write and what to simulate.
struct BundleOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: OutputOptions.folderHelp)
    var output: String

    @Flag(help: OutputOptions.forceHelp)
    var force = false

    @Option(help: "Random stimulus after the corner cases: cycles (samples for the CEU).")
    var vectors: Int = 512

    @Option(help: "Seed of the random stimulus; the same seed gives the same files.")
    var seed: UInt64 = 1

    @Flag(help: "Generate even when the estimated memory or testbench data exceed the limits (4 GiB, 1 GiB).")
    var noSizeLimit = false

    func validate() throws {
        guard (1...1_000_000).contains(vectors) else {
            throw ValidationError("--vectors \(vectors) is outside 1...1000000")
        }
        _ = try folder()
    }

    /// The folder to write, checked (the unit's commands call it before building the unit).
    func folder() throws -> OutputFolder {
        try OutputOptions.folder(output, inputs: [], force: force)
    }

    /// Writes `bundle` and says what was written.
    func write(_ bundle: SimulationBundle, summary: String, details: [String]) throws {
        try bundle.write(to: folder())
        let rtl = bundle.circuit.modules.map { "rtl/\($0.name).v" }.joined(separator: ", ")
        var lines: [String] = [summary, "  RTL:        \(rtl)",
                               "  testbench:  tb/\(bundle.testbench.name).v, \(bundle.testbench.summary)"]
        lines += details.map { "  " + $0 }
        lines.append("Simulate with `make -C \(output) sim`, lint with `make -C \(output) lint`.")
        print(lines.joined(separator: "\n"))
    }

    var provenance: String { "--vectors \(vectors) --seed \(seed)" }

    /// Refuses, before anything is built, a request whose estimated cost is above the limits.
    func checkSize(_ estimate: GenerationEstimate, unit: String) throws {
        guard !noSizeLimit else { return }
        try estimate.check("\(unit) with --vectors \(vectors)")
    }
}

/// The accumulation window option of the MACC, PE and MM unit.
struct WindowOptions: ParsableArguments {
    @Option(help: "The longest accumulation window, in beats, the accumulators hold without overflow.")
    var maxWindow: Int = 4096

    func write(_ unit: some DotProductUnit, command: String, options: BundleOptions) throws {
        try options.checkSize(unit.generationEstimate(cycles: options.vectors), unit: "\(unit.summary), --max-window \(maxWindow),")
        let bundle = try unit.simulationBundle(
            beats: unit.stimulus(cycles: options.vectors, seed: options.seed),
            provenance: ["cascadecnn generate \(command) --max-window \(maxWindow) \(options.provenance)"])
        try options.write(bundle, summary: unit.summary, details: [
            "accumulator width: \(accumulatorWidth(wordlength: unit.wordlength, terms: unit.maccs * unit.maxWindow)) bits",
        ])
    }
}

struct GenerateMatrixMultiplyUnit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mm-unit",
        abstract: "An MM unit: P PEs of K MACCs sharing one broadcast activation vector.")

    @Option(help: "Wordlength of activations and weights, 2...16 bits.") var wordlength: Int
    @Option(help: "Processing elements (P), 1...1024.") var pes: Int
    @Option(help: "MACCs per PE (K), 1...1024.") var maccs: Int
    @Option(help: "PEs on DSP48s, on packed DSP48s (pairs) and in LUTs, D,PK,L summing to P (default: all on DSP48s).")
    var mix: MixArgument?
    @OptionGroup var window: WindowOptions
    @OptionGroup var bundle: BundleOptions

    func run() throws {
        let unit = try MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: window.maxWindow,
                                          mix: mix?.mix)
        let mixOption = mix.map { " --mix \($0.mix.dsp),\($0.mix.packedDSP),\($0.mix.lut)" } ?? ""
        try window.write(unit, command: "mm-unit --wordlength \(wordlength) --pes \(pes) --maccs \(maccs)\(mixOption)",
                         options: bundle)
    }
}

struct GenerateProcessingElement: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pe", abstract: "A PE: K MACCs, a pipelined adder tree and an accumulator.")

    @Option(help: "Wordlength of activations and weights, 2...16 bits.") var wordlength: Int
    @Option(help: "MACCs (K), 1...1024.") var maccs: Int
    @OptionGroup var window: WindowOptions
    @OptionGroup var bundle: BundleOptions

    func run() throws {
        let unit = try ProcessingElement(wordlength: wordlength, maccs: maccs, maxWindow: window.maxWindow)
        try window.write(unit, command: "pe --wordlength \(wordlength) --maccs \(maccs)", options: bundle)
    }
}

struct GenerateMultiplyAccumulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macc", abstract: "A MACC: one multiplier and an accumulator.")

    @Option(help: "Wordlength of activations and weights, 2...16 bits.") var wordlength: Int
    @OptionGroup var window: WindowOptions
    @OptionGroup var bundle: BundleOptions

    func run() throws {
        let unit = try MultiplyAccumulate(wordlength: wordlength, maxWindow: window.maxWindow)
        try window.write(unit, command: "macc --wordlength \(wordlength)", options: bundle)
    }
}


struct GenerateTruncationUnit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "truncation-unit",
        abstract: "The weight-truncation unit: LPU weights derived from HPU weights at run time.")

    @Option(help: "HPU weight wordlength (w_h), 2...16 bits.") var highWordlength: Int
    @Option(help: "LPU weight wordlength (w_l), 2...w_h bits.") var lowWordlength: Int
    @Option(help: "Weights per cycle, 1...1024.") var lanes: Int
    @Option(help: "How dropped bits round: half-up or truncate.") var rounding: Rounding = .halfUp
    @OptionGroup var bundle: BundleOptions

    func run() throws {
        let unit = try WeightTruncationUnit(highWordlength: highWordlength, lowWordlength: lowWordlength,
                                            lanes: lanes, rounding: rounding)
        try bundle.checkSize(unit.generationEstimate(cycles: bundle.vectors), unit: unit.summary)
        let command = "truncation-unit --high-wordlength \(highWordlength) --low-wordlength \(lowWordlength) "
            + "--lanes \(lanes) --rounding \(rounding.rawValue)"
        let result = try unit.simulationBundle(beats: unit.stimulus(cycles: bundle.vectors, seed: bundle.seed),
                                               provenance: ["cascadecnn generate \(command) \(bundle.provenance)"])
        try bundle.write(result, summary: unit.summary, details: ["shift input: \(unit.shiftWidth) bits (0...\(highWordlength))"])
    }
}

/// A multiplier mix written `D,PK,L`: PEs on DSP48s, on packed DSP48s and in LUTs.
struct MixArgument: ExpressibleByArgument {
    let mix: MultiplierMix

    init?(argument: String) {
        let counts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard counts.count == 3, let dsp = counts[0], let packed = counts[1], let lut = counts[2] else { return nil }
        mix = MultiplierMix(dsp: dsp, packedDSP: packed, lut: lut)
    }
}

/// A fixed-point format written `Q<w>.<f>` or `<w>.<f>`, e.g. `Q16.8`.
struct FormatArgument: ExpressibleByArgument {
    let format: FixedPointFormat

    init?(argument: String) {
        let body = argument.hasPrefix("Q") || argument.hasPrefix("q") ? argument.dropFirst() : Substring(argument)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let f = Int(parts[1]), (2...16).contains(w), (-32...32).contains(f)
        else { return nil }
        format = FixedPointFormat(wordlength: w, fractionBits: f)
    }

    var defaultValueDescription: String { "Q\(format.wordlength).\(format.fractionBits)" }
}

struct GenerateConfidenceUnit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceu",
        abstract: "The confidence evaluation unit: the gBvSB test on the LPU's class scores.",
        discussion: """
            Tests gBvSB_{M,N}(softmax(z)) >= th without a division: the scores arrive LANES per \
            cycle, a comparator tree finds the top scores, and a lookup table gives exp(z - z_max). \
            --vectors is the number of samples; the testbench stalls both handshakes at random.
            """)

    @Option(help: "Classes (C), 2...4096.") var classes: Int
    @Option(help: "Scores per cycle, 1...64.") var lanes: Int
    @Option(name: .customLong("m"), help: "M: how many top probabilities count for the answer.") var m: Int
    @Option(name: .customLong("n"), help: "N: M < N <= C; probabilities M+1...N count against it.") var n: Int
    @Option(help: "Format of the scores, Q<w>.<f> with w in 2...16.") var scoreFormat: FormatArgument =
        FormatArgument(argument: "Q16.8")!
    @Option(help: "Threshold th of the testbench's run, 0...2.") var threshold: Double = 0.5
    @Option(help: "Chance, in percent, that the source or the consumer pauses in a cycle.") var stallPercent: Int = 20
    @OptionGroup var bundle: BundleOptions

    func validate() throws {
        guard (0...2).contains(threshold) else { throw ValidationError("--threshold \(threshold) is outside 0...2") }
        guard (0...90).contains(stallPercent) else { throw ValidationError("--stall-percent \(stallPercent) is outside 0...90") }
    }

    func run() throws {
        let unit = try ConfidenceEvaluationUnit(classes: classes, lanes: lanes, m: m, n: n, scoreFormat: scoreFormat.format)
        try bundle.checkSize(unit.generationEstimate(samples: bundle.vectors), unit: unit.summary)
        let samples = ConfidenceStimulus.samples(classes: classes, format: scoreFormat.format, count: bundle.vectors,
                                                 seed: bundle.seed)
        let command = "ceu --classes \(classes) --lanes \(lanes) --m \(m) --n \(n) --score-format "
            + "Q\(scoreFormat.format.wordlength).\(scoreFormat.format.fractionBits) --threshold \(threshold) "
            + "--stall-percent \(stallPercent)"
        let result = try unit.simulationBundle(samples: samples, threshold: unit.thresholdWord(threshold),
                                               stallPercent: stallPercent, seed: bundle.seed,
                                               provenance: ["cascadecnn generate \(command) \(bundle.provenance)"])
        let table = unit.table
        try bundle.write(result, summary: unit.summary, details: [
            "exp table: \(table.size) entries of \(table.entryWidth) bits, index step 2^-\(table.resolutionBits)",
            "latency \(unit.latency) cycles from a sample's last beat; one sample every \(unit.cyclesPerSample) cycles",
        ])
    }
}
