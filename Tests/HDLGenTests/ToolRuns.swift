import Foundation
import Testing

/// Whether `tool` is on PATH; when it is not and `CI` is set, the calling test fails rather
/// than passing without having checked anything.
func requireTool(_ tool: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
    let found = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    if !found && ProcessInfo.processInfo.environment["CI"] != nil {
        Issue.record("\(tool) is not installed, and CI is set: scripts/setup installs it", sourceLocation: sourceLocation)
    }
    return found
}

/// Runs `arguments` (a tool on PATH and its arguments) in `directory`: the exit status and
/// everything it printed.
func runTool(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    // Under `make test` the outer make's variables would make an inner make name its folder.
    process.environment = ProcessInfo.processInfo.environment.filter { !["MAKEFLAGS", "MFLAGS", "MAKELEVEL"].contains($0.key) }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

/// A fresh temporary folder for `body`, removed afterwards.
func inTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hdlgen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

/// Strings that would run `touch PWNED` (in the working folder) if a generated file wrote
/// them unquoted: Tcl command substitution, Make functions, shell, new lines and recipes,
/// comment continuations, quotes and braces that end a word, markup, terminal escapes.
let hostileStrings = [
    "[exec touch PWNED]",
    "$(shell touch PWNED)",
    "x\n$(shell touch PWNED)",
    "x\nexec touch PWNED",
    "x\r\nexec touch PWNED",
    "x\n\t@touch PWNED",
    "trailing backslash \\",
    "a \\\nexec touch PWNED",
    "} ; exec touch PWNED ; {",
    "\" ; exec touch PWNED ; \"",
    "{[exec touch PWNED]}",
    "$::env(HOME) `touch PWNED` $$(touch PWNED)",
    "'; touch PWNED; '",
    "# \\u005b exec touch PWNED \\u005d",
    "</script><script>alert(1)</script>",
    "\u{1B}[31mred\u{1B}[0m \u{7F} \u{85} \u{2028} \u{202E}evil",
    "Zürich 東京 board #2",
    "",
]
