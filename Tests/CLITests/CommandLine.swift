import Foundation
import Testing

/// Runs the built `cascadecnn` binary, as a user would.
struct CommandLineRun {
    let status: Int32
    let standardOutput: String
    let standardError: String

    /// The `cascadecnn` built next to this test bundle.
    static var executable: URL {
        let products = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [products, products.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("cascadecnn")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return products.appendingPathComponent("cascadecnn")
    }

    static func cascadecnn(_ arguments: [String]) throws -> CommandLineRun {
        try run(executable.path, arguments)
    }

    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> CommandLineRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so that neither can fill up and block the child.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return CommandLineRun(status: process.terminationStatus,
                              standardOutput: String(decoding: outputData, as: UTF8.self),
                              standardError: String(decoding: errorData, as: UTF8.self))
    }
}

/// A fresh temporary folder, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// The contract of every input error: exit status 2, and the message on one line that starts
/// `error:` (or the argument parser's `Error:`) and mentions `text`. Lines the tool prints
/// around it are its progress (`[  0.1s] …`) and the parser's usage, never the message.
func expectInputError(status: Int32, standardError: String, mentioning text: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(status == 2, "status \(status), stderr \(standardError.suffix(2000))", sourceLocation: sourceLocation)
    let lines = standardError.split(separator: "\n")
    let messages = lines.filter { $0.hasPrefix("error: ") || $0.hasPrefix("Error: ") }
    #expect(messages.count == 1, "\(standardError.suffix(2000))", sourceLocation: sourceLocation)
    #expect(messages.first?.contains(text) == true, "\(standardError.suffix(2000))", sourceLocation: sourceLocation)
    let others = lines.filter { !$0.hasPrefix("error: ") && !$0.hasPrefix("Error: ") && !$0.hasPrefix("[")
        && !$0.hasPrefix("Usage: ") && !$0.hasPrefix("  See '") && !$0.hasPrefix("Help: ") }
    #expect(others.isEmpty, "unexpected lines: \(others.prefix(3))", sourceLocation: sourceLocation)
    #expect(isFreeOfDumps(standardError), "\(standardError.suffix(2000))", sourceLocation: sourceLocation)
}
