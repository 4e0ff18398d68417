import Foundation
import Testing

@Suite("cascadecnn generate engine")
struct GenerateEngineCLITests {
    let shapes = CLI.fixtures.appendingPathComponent("shapes_opset13")

    @Test("the engine, its AXI wrapper, a Vivado project for the device's part and a FuseSoC core",
          .enabled(if: toolAvailable("tclsh") || runningInCI), arguments: [("zc706", "xc7z045ffg900-2", "6.667"), ("zcu102", "xczu9eg-ffvb1156-2-e", "5.000")])
    func generatesTheIPBlock(device: String, part: String, period: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("engine")
        let result = try CLI.run(["generate", "engine", "--model", shapes.appendingPathComponent("model.onnx").path,
                                  "--data", shapes.path, "--images", "1", "--wordlength", "6", "--pes", "4", "--maccs", "2",
                                  "--device", device, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        let calls = try vivadoCalls(in: output)
        let top = try #require(calls.split(separator: "\n").first { $0.hasPrefix("CALL create_project") }).split(separator: " ")
        #expect(top.contains(Substring(part)), "\(top)")
        #expect(top[3].hasSuffix("_axi"))
        #expect(calls.contains("CALL launch_runs impl_1"))
        #expect(calls.contains("report_timing_summary"))
        // Every source the script adds exists.
        let rtl = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("rtl").path)
        #expect(rtl.contains { $0.hasPrefix("axi4_master_") } && rtl.contains { $0.hasPrefix("axi4lite_regs_") })
        let script = try String(contentsOf: output.appendingPathComponent("vivado/build.tcl"), encoding: .utf8)
        for file in rtl { #expect(script.contains("[file join $root rtl/\(file)]"), "\(file) not added") }
        let xdc = try String(contentsOf: output.appendingPathComponent("vivado/constraints.xdc"), encoding: .utf8)
        #expect(xdc.contains("create_clock -name clk -period \(period) [get_ports clk]"))
        // The core file lists the same sources and the testbench with its data.
        let coreName = try #require(try FileManager.default.contentsOfDirectory(atPath: output.path).first { $0.hasSuffix(".core") })
        let core = try String(contentsOf: output.appendingPathComponent(coreName), encoding: .utf8)
        #expect(core.hasPrefix("CAPI=2:"))
        #expect(core.contains("part: \(part)"))
        for file in rtl { #expect(core.contains("- rtl/\(file)")) }
        #expect(core.contains("tb/memory.hex : {file_type: user, copyto: memory.hex}"))
    }

    @Test func anUnknownDeviceExits2AndWritesNothing() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("engine")
        let result = try CLI.run(["generate", "engine", "--model", shapes.appendingPathComponent("model.onnx").path,
                                  "--data", shapes.path, "--device", "nosuchboard", "-o", output.path])
        expectInputError(status: result.status, standardError: result.stderr, mentioning: "nosuchboard")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}

/// Runs `vivado/build.tcl` under tclsh with every Vivado command stubbed, and returns
/// the Vivado commands it issued, one per line.
func vivadoCalls(in folder: URL) throws -> String {
    let prelude = folder.appendingPathComponent("stub.tcl")
    try """
        proc unknown {args} { puts "CALL $args"; return "100%" }
        source [file join [lindex $argv 0] vivado build.tcl]
        """.write(to: prelude, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tclsh", prelude.path, folder.path]
    process.currentDirectoryURL = folder
    let out = Pipe()
    process.standardOutput = out; process.standardError = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "tclsh: \(text)")
    return text
}

/// Whether `tool` is on PATH.
func toolAvailable(_ tool: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
}

/// Whether the tests run in CI, where a missing tool fails the tests that need it.
let runningInCI = ProcessInfo.processInfo.environment["CI"] != nil

/// Whether `tool` is on PATH; when it is not and `CI` is set, the calling test fails rather
/// than passing without having checked anything.
func requireTool(_ tool: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
    if toolAvailable(tool) { return true }
    if runningInCI { Issue.record("\(tool) is not installed, and CI is set: scripts/setup installs it", sourceLocation: sourceLocation) }
    return false
}
