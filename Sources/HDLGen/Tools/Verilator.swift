import Foundation

/// Verilator: lint (the warnings `verilator --lint-only -Wall` reports) and, as a faster
/// alternative to Icarus, simulation of a bundle's testbench compiled to C++.
public enum Verilator {
    /// Compiles the bundle in `directory` (as written by `SimulationBundle.write`) with
    /// `verilator --binary --timing` into `build/verilator` and runs it, reading the closing
    /// `N passed, N failed` line.
    public static func simulate(bundleAt directory: URL, bundle: SimulationBundle) throws -> SimulationResult {
        let rtl = bundle.circuit.modules.map { "rtl/\($0.name).v" }
        let testbench = bundle.testbench.name
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("build/verilator"),
                                                withIntermediateDirectories: true)
        let compile = try ExternalTool.runChecked(
            "verilator", ["--binary", "--timing", "-Wno-fatal", "-Wno-lint", "-Wno-style", "-O2", "--top-module", testbench,
                          "-Mdir", "build/verilator", "-o", testbench] + rtl + ["tb/\(testbench).v"], in: directory)
        let binary = directory.appendingPathComponent("build/verilator/\(testbench)").standardizedFileURL.path
        let run = try ExternalTool.runChecked(binary, [], in: directory.appendingPathComponent("tb"))
        return try Icarus.parse(compilerOutput: "", simulationOutput: run).withLog(compile + run)
    }

    /// Lints `files` with `top` as the top module; returns every warning and error line
    /// (an empty list means the RTL is lint-clean).
    public static func lint(files: [URL], top: String) throws -> [String] {
        let run = try ExternalTool.run("verilator", ["--lint-only", "-Wall", "--top-module", top] + files.map(\.path))
        let findings = run.output.split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("%Warning") || $0.hasPrefix("%Error") }
        if run.status != 0 && findings.isEmpty {
            throw ToolError.failed(tool: "verilator", status: run.status, output: run.output)
        }
        return findings
    }

    /// Lints the modules of `circuit`, written to a temporary folder.
    public static func lint(_ circuit: Circuit) throws -> [String] {
        try withTemporaryFiles(VerilogEmitter.files(for: circuit)) { urls in
            try lint(files: urls, top: circuit.top.name)
        }
    }
}

/// Writes `files` into a fresh temporary folder for the duration of `body`.
func withTemporaryFiles<T>(_ files: [SourceFile], _ body: ([URL]) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hdlgen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let urls = try files.map { file in
        let url = directory.appendingPathComponent(file.name)
        try Data(file.contents.utf8).write(to: url)
        return url
    }
    return try body(urls)
}
