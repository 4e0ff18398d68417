import Foundation

/// The outcome of a self-checking testbench.
public struct SimulationResult: Sendable {
    public let passed: Int
    public let failed: Int
    /// Everything the compiler and the simulation printed.
    public let log: String
    /// Lines the compiler printed as warnings (none is the expectation).
    public let compilerWarnings: [String]

    public var succeeded: Bool { failed == 0 && passed > 0 }

    /// The same result with another log.
    func withLog(_ log: String) -> SimulationResult {
        SimulationResult(passed: passed, failed: failed, log: log, compilerWarnings: compilerWarnings)
    }
}

/// The simulators a bundle runs under.
public enum Simulator: String, CaseIterable, Sendable {
    /// Icarus Verilog: the reference; compiles in a moment, simulates slowly.
    case icarus
    /// Verilator: compiles to C++ first (seconds), then simulates 50–100× faster.
    case verilator

    /// Simulates the bundle written in `directory`.
    public func simulate(bundleAt directory: URL, bundle: SimulationBundle) throws -> SimulationResult {
        switch self {
        case .icarus: try Icarus.simulate(bundleAt: directory, bundle: bundle)
        case .verilator: try Verilator.simulate(bundleAt: directory, bundle: bundle)
        }
    }
}

/// Icarus Verilog: compiles and runs simulation bundles.
public enum Icarus {
    /// Compiles the bundle in `directory` (as written by `SimulationBundle.write`) with
    /// `iverilog -g2005 -Wall` and runs it with `vvp`, reading the closing
    /// `N passed, N failed` line.
    public static func simulate(bundleAt directory: URL, bundle: SimulationBundle) throws -> SimulationResult {
        let rtl = bundle.circuit.modules.map { "rtl/\($0.name).v" }
        let testbench = bundle.testbench.name
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("build"),
                                                withIntermediateDirectories: true)
        let compile = try ExternalTool.runChecked(
            "iverilog", ["-g2005", "-Wall", "-o", "build/\(testbench).vvp", "-s", testbench] + rtl
                + ["tb/\(testbench).v"], in: directory)
        let run = try ExternalTool.runChecked("vvp", ["-n", "../build/\(testbench).vvp"],
                                              in: directory.appendingPathComponent("tb"))
        return try parse(compilerOutput: compile, simulationOutput: run)
    }

    /// Writes `bundle` to a fresh temporary folder and simulates it there.
    public static func simulate(_ bundle: SimulationBundle) throws -> SimulationResult {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hdlgen-sim-\(UUID().uuidString)")
        try bundle.write(to: OutputFolder(directory))
        defer { try? FileManager.default.removeItem(at: directory) }
        return try simulate(bundleAt: directory, bundle: bundle)
    }

    static func parse(compilerOutput: String, simulationOutput: String) throws -> SimulationResult {
        let warnings = compilerOutput.split(separator: "\n").map(String.init).filter { $0.contains("warning") }
        for line in simulationOutput.split(separator: "\n").reversed() {
            let words = line.split(separator: " ")
            if words.count == 4, words[1] == "passed,", words[3] == "failed",
               let passed = Int(words[0]), let failed = Int(words[2]) {
                return SimulationResult(passed: passed, failed: failed, log: compilerOutput + simulationOutput,
                                        compilerWarnings: warnings)
            }
        }
        throw ToolError.unreadableOutput(tool: "vvp", detail: "no 'N passed, N failed' line in:\n\(simulationOutput.suffix(2000))")
    }
}
