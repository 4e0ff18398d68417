import ArgumentParser
import Foundation
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
                      GenerateMultiplyAccumulate.self])
}

/// Options every `generate` subcommand shares: where to write and what to simulate.
struct BundleOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The folder to write (replaced if it exists).")
    var output: String

    @Option(help: "Cycles of stimulus, after the corner cases (maximal windows of extreme values).")
    var vectors: Int = 512

    @Option(help: "Seed of the random stimulus; the same seed gives the same files.")
    var seed: UInt64 = 1

    @Option(help: "The longest accumulation window, in beats, the accumulators hold without overflow.")
    var maxWindow: Int = 4096

    func validate() throws {
        guard (1...1_000_000).contains(vectors) else {
            throw ValidationError("--vectors \(vectors) is outside 1...1000000")
        }
    }

    /// Generates stimulus for `unit`, writes the bundle and says what was written.
    func write(_ unit: some DotProductUnit, command: String) throws {
        let beats = unit.stimulus(cycles: vectors, seed: seed)
        let bundle = try unit.simulationBundle(
            beats: beats, provenance: ["cascadecnn generate \(command) --vectors \(vectors) --seed \(seed)"])
        let directory = URL(fileURLWithPath: output)
        try bundle.write(to: directory)
        print("""
            \(unit.summary)
              RTL:        \(bundle.circuit.modules.map { "rtl/\($0.name).v" }.joined(separator: ", "))
              testbench:  tb/\(bundle.testbench.name).v, \(beats.count) cycles, \
            \(bundle.testbench.check.beats.count) windows checked
              accumulator width: \(accumulatorWidth(wordlength: unit.wordlength, terms: unit.maccs * unit.maxWindow)) bits
            Simulate with `make -C \(output) sim`, lint with `make -C \(output) lint`.
            """)
    }
}

struct GenerateMatrixMultiplyUnit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mm-unit",
        abstract: "An MM unit: P PEs of K MACCs sharing one broadcast activation vector.")

    @Option(help: "Wordlength of activations and weights, 2...16 bits.") var wordlength: Int
    @Option(help: "Processing elements (P), 1...1024.") var pes: Int
    @Option(help: "MACCs per PE (K), 1...1024.") var maccs: Int
    @OptionGroup var bundle: BundleOptions

    func run() throws {
        let unit = try MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: bundle.maxWindow)
        try bundle.write(unit, command: "mm-unit --wordlength \(wordlength) --pes \(pes) --maccs \(maccs)")
    }
}

struct GenerateProcessingElement: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pe", abstract: "A PE: K MACCs, a pipelined adder tree and an accumulator.")

    @Option(help: "Wordlength of activations and weights, 2...16 bits.") var wordlength: Int
    @Option(help: "MACCs (K), 1...1024.") var maccs: Int
    @OptionGroup var bundle: BundleOptions

    func run() throws {
        let unit = try ProcessingElement(wordlength: wordlength, maccs: maccs, maxWindow: bundle.maxWindow)
        try bundle.write(unit, command: "pe --wordlength \(wordlength) --maccs \(maccs)")
    }
}

struct GenerateMultiplyAccumulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macc", abstract: "A MACC: one multiplier and an accumulator.")

    @Option(help: "Wordlength of activations and weights, 2...16 bits.") var wordlength: Int
    @OptionGroup var bundle: BundleOptions

    func run() throws {
        let unit = try MultiplyAccumulate(wordlength: wordlength, maxWindow: bundle.maxWindow)
        try bundle.write(unit, command: "macc --wordlength \(wordlength)")
    }
}
