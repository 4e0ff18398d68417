import Foundation
import Testing

/// Strings that would run `touch PWNED` (in the working folder) if a generated file wrote
/// them unquoted, in Tcl, Make, shell or YAML, or that would end a comment, a quoted string
/// or a tag: new lines, backslashes, quotes, braces, `</script>`, terminal escapes.
let hostileNames = [
    "[exec touch PWNED]",
    "$(shell touch PWNED)",
    "x\n$(shell touch PWNED)",
    "x\nexec touch PWNED",
    "x\n\t@touch PWNED",
    "a \\\nexec touch PWNED",
    "trailing backslash \\",
    "} ; exec touch PWNED ; {",
    "\" ; exec touch PWNED ; \"",
    "$::env(HOME) `touch PWNED` $$(touch PWNED)",
    "</script><script>alert(1)</script>",
    "\u{1B}[31mred\u{1B}[0m \u{202E}evil",
    "Zürich 東京 board #2",
]

/// Whether `tool` is on PATH; when it is not and `CI` is set, the calling test fails rather
/// than passing without having checked anything.
func requireTool(_ tool: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
    if toolAvailable(tool) { return true }
    if runningInCI {
        Issue.record("\(tool) is not installed, and CI is set: scripts/setup installs it", sourceLocation: sourceLocation)
    }
    return false
}

/// Runs `arguments` (a tool on PATH and its arguments) in `directory`: the exit status and
/// everything it printed, with `directory` itself written `ROOT`.
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
    return (process.terminationStatus, output.replacingOccurrences(of: directory.standardizedFileURL.path, with: "ROOT"))
}

/// Writes `files` into a fresh temporary folder for `body`, removed afterwards.
func withFiles<T>(_ files: [(path: String, contents: String)], _ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    for file in files {
        let url = folder.appendingPathComponent(file.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(file.contents.utf8).write(to: url)
    }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try body(folder)
}

/// Whether something made the marker file anywhere in `folder`.
func markerWritten(in folder: URL) -> Bool {
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let path = enumerator?.nextObject() as? String { if path.hasSuffix("PWNED") { return true } }
    return false
}

/// The Vivado commands `vivado/build.tcl` and `vivado/constraints.xdc` in `folder` issue under
/// tclsh with every Vivado command stubbed, and the files the script adds, one per line.
func vivadoTrace(in folder: URL) throws -> (status: Int32, output: String) {
    try """
        proc unknown {args} { puts "CALL $args"; return "100%" }
        proc add_files {args} { foreach file [lindex $args end] { puts "FILE $file" } }
        source -encoding utf-8 [file join [pwd] vivado build.tcl]
        source -encoding utf-8 [file join [pwd] vivado constraints.xdc]
        """.write(to: folder.appendingPathComponent("stub.tcl"), atomically: true, encoding: .utf8)
    return try runTool(["tclsh", "stub.tcl"], in: folder)
}

/// The keys and values of a YAML file as JSON, read by PyYAML; nil when python3 has no yaml
/// module (it is not a dependency of the project).
func parsedYAML(_ text: String) throws -> [String: Any]? {
    try withFiles([("file.yml", text)]) { folder in
        guard toolAvailable("python3"), try runTool(["python3", "-c", "import yaml"], in: folder).status == 0 else { return nil }
        let run = try runTool(["python3", "-c", """
            import json, sys, yaml
            sys.stdout.write(json.dumps(yaml.safe_load(open("file.yml", encoding="utf-8")), ensure_ascii=True))
            """], in: folder)
        return try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
    }
}
