import Foundation

/// Verilator in lint mode: the warnings `verilator --lint-only -Wall` reports.
public enum Verilator {
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
