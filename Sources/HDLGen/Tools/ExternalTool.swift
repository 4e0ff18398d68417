import Foundation

/// A failure to run an external EDA tool, with what to do about it.
public enum ToolError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(tool: String)
    case failed(tool: String, status: Int32, output: String)
    case unreadableOutput(tool: String, detail: String)

    public var description: String {
        switch self {
        case .missing(let tool):
            return "\(tool) is not installed or not on PATH; run scripts/setup (it installs iverilog, verilator and yosys)"
        case .failed(let tool, let status, let output):
            return "\(tool) exited with status \(status):\n\(output.suffix(4000))"
        case .unreadableOutput(let tool, let detail):
            return "could not read \(tool)'s output: \(detail)"
        }
    }
}

/// The output of a finished tool run.
struct ToolRun {
    let status: Int32
    let output: String
}

/// Runs command-line tools found on PATH.
enum ExternalTool {
    /// The full path of `name` on PATH (or `name` itself when it is an absolute path), if it is there.
    static func locate(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `name` with `arguments` in `directory`, stdout and stderr merged.
    static func run(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> ToolRun {
        guard let executable = locate(name) else { throw ToolError.missing(tool: name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs the tool and throws `ToolError.failed` unless it exits with status 0.
    static func runChecked(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        let run = try run(name, arguments, in: directory)
        guard run.status == 0 else { throw ToolError.failed(tool: name, status: run.status, output: run.output) }
        return run.output
    }
}
