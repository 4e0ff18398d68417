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

    /// A device whose block RAM cannot hold the maps whole (strided, padded and pooled layers):
    /// the buffers are the fastest that fit, the layers run in row bands, and the testbench
    /// passes; on ZC706 the same engine holds every layer whole.
    @Test(.enabled(if: requireTool("iverilog")),
          arguments: [(FlowCommandTests.example("model.onnx"), FlowCommandTests.example("eval"), 3, "1"),
                      (CLI.fixtures.appendingPathComponent("strided_bn_opset21/model.onnx").path,
                       CLI.fixtures.appendingPathComponent("strided_bn_opset21").path, 5, "0.5")])
    func aDeviceWithLittleBlockRAMGetsRowBands(model: String, data: String, bram36: Int, budget: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let board = folder.appendingPathComponent("little.json")
        try #"{"name": "little", "part": "xc7z045ffg900-2", "family": "xc7", "dsp": 900, "lut": 218600, "ff": 437200, "#
            .appending(#""bram36": \#(bram36), "clockMHz": 150, "bandwidthGBps": 4.2}"#).write(to: board, atomically: true, encoding: .utf8)
        func generate(_ device: String, _ output: URL) throws -> (layers: Int, descriptors: Int, blockRAM: Double) {
            let result = try CLI.run(["generate", "engine", "--model", model, "--data", data, "--images", "2", "--wordlength", "6",
                                      "--pes", "2", "--maccs", "2", "--device", device, "--budget", budget, "-o", output.path])
            #expect(result.status == 0, "\(result.stderr)")
            // "… N layers in M descriptors" and "model: … X BRAM36 of …"
            let words = result.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
            let layers = try #require(words.firstIndex(of: "layers").flatMap { Int(words[$0 - 1]) }, "\(result.stdout)")
            let descriptors = try #require(words.firstIndex(of: "descriptors").flatMap { Int(words[$0 - 1]) })
            let blockRAM = try #require(words.firstIndex(of: "BRAM36").flatMap { Double(words[$0 - 1]) })
            return (layers, descriptors, blockRAM)
        }
        let whole = try generate("zc706", folder.appendingPathComponent("whole"))
        #expect(whole.descriptors == whole.layers)
        let little = folder.appendingPathComponent("little")
        let banded = try generate(board.path, little)
        #expect(banded.descriptors > banded.layers)
        #expect(banded.blockRAM <= Double(bram36) * Double(budget)! && banded.blockRAM < whole.blockRAM)
        let sim = try CommandLineRun.run("/usr/bin/env", ["make", "-C", little.path, "sim"])
        #expect(sim.status == 0, "\(sim.standardOutput)\(sim.standardError)")
        let closing = sim.standardOutput.split(separator: "\n").last { $0.hasSuffix("failed") }
        #expect(closing?.hasSuffix(" passed, 0 failed") == true && (closing.flatMap { Int($0.split(separator: " ")[0]) } ?? 0) > 0)
    }

    /// Tile sizes that fit the device in no buffers: exit 2, a reason, nothing written.
    @Test func anEngineTooLargeForTheDeviceExits2AndWritesNothing() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("engine")
        let result = try CLI.run(["generate", "engine", "--model", shapes.appendingPathComponent("model.onnx").path,
                                  "--data", shapes.path, "--pes", "2", "--maccs", "2", "--device", "zc706", "--budget", "0.001",
                                  "-o", output.path])
        expectInputError(status: result.status, standardError: result.stderr, mentioning: "does not fit the budget in any buffers")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    /// The RTL of the engine the DSE sizes for a paper network, without weights: the same
    /// engine `explore` reports, and lint-clean.
    @Test(arguments: [("alexnet", "zcu102", 8), ("vgg16", "zc706", 4)])
    func engineRTLIsTheExploredEngine(network: String, device: String, wordlength: Int) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("rtl-only")
        let result = try CLI.run(["generate", "engine-rtl", "--network", network, "--device", device,
                                  "--wordlength", "\(wordlength)", "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("engine.json")))
                                   as? [String: Any])
        let explore = try CLI.run(["explore", "--network", network, "--device", device, "--wordlengths", "\(wordlength)",
                                   "--format", "json"])
        let explored = try #require(try JSONSerialization.jsonObject(with: Data(explore.stdout.utf8)) as? [String: Any])
        let design = try #require((explored["designs"] as? [[String: Any]])?.first)
        #expect(summary["engine"] as? NSDictionary == design["engine"] as? NSDictionary)
        #expect(summary["resources"] as? NSDictionary == design["resources"] as? NSDictionary)
        let top = try #require(summary["top"] as? String)
        let rtl = output.appendingPathComponent("rtl")
        let files = try FileManager.default.contentsOfDirectory(atPath: rtl.path).filter { $0.hasSuffix(".v") }.sorted()
        #expect(files.contains("\(top).v"))
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("tb").path))
        if requireTool("verilator") {
            let lint = try CommandLineRun.run("/usr/bin/env", ["verilator", "--lint-only", "-Wall", "--top-module", top]
                                                  + files.map { rtl.appendingPathComponent($0).path })
            #expect(lint.status == 0 && !lint.standardError.contains("%Warning"), "\(lint.standardError.prefix(2000))")
        }
    }

    @Test(arguments: [(["--network", "nosuchnet"], "unknown network"),
                      (["--network", "vgg16", "--pes", "1024", "--maccs", "1024"], "AXI4 carries at most"),
                      (["--network", "vgg16", "--budget", "0.0001"], "too small"),
                      (["--network", "vgg16", "--pes", "4"], "--pes and --maccs go together")])
    func engineRTLRefusesBadRequests(arguments: [String], mention: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("rtl-only")
        let result = try CLI.run(["generate", "engine-rtl"] + arguments + ["-o", output.path])
        expectInputError(status: result.status, standardError: result.stderr, mentioning: mention)
        #expect(!FileManager.default.fileExists(atPath: output.path))
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
