import Foundation
import HDLGen
import Testing
import Toolflow

/// `cascadecnn flow` on the bundled example, narrowed to a few wordlengths so it runs quickly.
@Suite(.serialized) struct FlowCommandTests {
    /// The repository's root, where the bundled example lives.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func example(_ path: String) -> String { root.appendingPathComponent("examples/mnist/\(path)").path }

    /// A twentieth of the device, so that the DSE's engines stay small enough to simulate quickly.
    static let budget = 0.05
    static let narrow = ["--model", example("model.onnx"), "--eval", example("eval"), "--test", example("test"),
                         "--wordlengths", "3...5", "--reference", "5", "--budget", "\(budget)"]

    @Test func cliAndLibraryAgreeAndRunsAreReproducible() throws {
        try withTemporaryDirectory { directory in
            var configuration = CascadeFlow.Configuration(modelPath: Self.example("model.onnx"), evalPath: Self.example("eval"),
                                                          testPath: Self.example("test"), tolerance: 1)
            configuration.wordlengths = 3...5
            configuration.reference = .wordlength(5)
            configuration.budgetFraction = Self.budget
            let library = try CascadeFlow(configuration).run()
            for name in ["first", "second"] {
                let output = directory.appendingPathComponent(name)
                let run = try CommandLineRun.cascadecnn(["flow"] + Self.narrow + ["--tolerance", "1", "--output", output.path])
                #expect(run.status == 0, "\(run.standardError)")
                // 200 evaluation images cannot certify a 1-point tolerance at 90 % (that takes 299 even
                // with no image lost): the summary says so for both the HPU and the cascade.
                for unit in ["HPU alone", "cascade"] {
                    #expect(run.standardOutput.contains("\(unit) against the reference: not certified at 90 %"), "\(run.standardOutput)")
                }
                let written = try Data(contentsOf: output.appendingPathComponent("cascade.json"))
                let stored = library.result.storingPaths(relativeTo: OutputFolder(output))
                #expect(written == stored.json + Data("\n".utf8))
                // The model is named from the folder of cascade.json, not by an absolute path.
                let hardware = try #require(stored.hardware)
                #expect(!hardware.modelPath.hasPrefix("/"), "\(hardware.modelPath)")
                #expect(hardware.model(besideFile: output.appendingPathComponent("cascade.json").path)
                        == URL(fileURLWithPath: Self.example("model.onnx")).resolvingSymlinksInPath().path)
            }
            let first = try Data(contentsOf: directory.appendingPathComponent("first/rtl/ceu/tb/stream_scores.hex"))
            let second = try Data(contentsOf: directory.appendingPathComponent("second/rtl/ceu/tb/stream_scores.hex"))
            #expect(first == second)

            let r = library.result
            #expect(r.lpu.wordlength < r.hpu.wordlength)
            #expect(r.cascadeAccuracy.eval >= r.referenceAccuracy.eval - 0.01 - 1e-9)
            #expect((0...1).contains(r.forwardedFraction.test))
            #expect(r.wordlengths.map(\.wordlength) == [3, 4, 5])
            #expect(r.confidenceScores.map(\.measure).count == 4)

            // The RTL of the chosen units simulates (under Verilator, as `make demo` runs it; the
            // Icarus path of the same bundles is tested on other engines) and lints.
            let sim = try CommandLineRun.run("/usr/bin/env", ["make", "-C", directory.appendingPathComponent("first").path, "vsim"])
            #expect(sim.status == 0, "\(sim.standardOutput)")
            // The units, both engines and the cascade top.
            #expect(sim.standardOutput.components(separatedBy: " passed, 0 failed").count - 1 == 5)
            try expectCascadeIP(in: directory.appendingPathComponent("first"), run: library)

            // The cascade in RTL on test images, against its golden model, from cascade.json alone.
            let cascade = try CommandLineRun.cascadecnn(["simulate", "--cascade", directory.appendingPathComponent("first/cascade.json").path,
                                                         "--data", Self.example("test"), "--images", "3",
                                                         "--simulator", "verilator"])
            #expect(cascade.status == 0, "\(cascade.standardOutput)\n\(cascade.standardError)")
            #expect(cascade.standardOutput.contains(" 0 differ"))
            #expect(cascade.standardOutput.contains("throughput: "))
        }
    }

    /// The cascade's IP files: a Vivado script that names the device's part and adds every
    /// RTL file of the AXI top (checked under tclsh with Vivado stubbed), for ZC706 as written
    /// by the flow and for ZCU102 from the library; a FuseSoC core with the same files.
    func expectCascadeIP(in output: URL, run: CascadeRun) throws {
        let program = try #require(run.cascade?.program)
        #expect(run.result.hardware?.lpu.maccs == run.result.hardware?.hpu.maccs)
        let rtl = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("rtl/cascade/rtl").path)
        #expect(rtl.contains("\(program.top.name)_axi.v"))
        let cores = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".core") }
        #expect(cores == ["\(program.top.name).core"])
        let core = try String(contentsOf: output.appendingPathComponent(cores[0]), encoding: .utf8)
        for file in rtl { #expect(core.contains("- rtl/cascade/rtl/\(file)"), "\(file) not in the core") }
        guard requireTool("tclsh") else { return }
        for (device, part) in [(Device.zc706, "xc7z045ffg900-2"), (Device.zcu102, "xczu9eg-ffvb1156-2-e")] {
            let folder = output.appendingPathComponent("ip-\(device.name)")
            if device != .zc706 {
                let (testbench, _) = program.testbench(images: try #require(run.cascade?.images))
                for file in try program.ipFiles(device: device, testbench: testbench, folder: "rtl/cascade") {
                    let url = folder.appendingPathComponent(file.path)
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try file.contents.write(to: url, atomically: true, encoding: .utf8)
                }
            }
            let calls = try vivadoCalls(in: device == .zc706 ? output : folder)
            let create = try #require(calls.split(separator: "\n").first { $0.hasPrefix("CALL create_project") })
            #expect(create.contains("\(program.top.name)_axi") && create.contains(part), "\(create)")
            #expect(calls.contains("CALL launch_runs impl_1") && calls.contains("report_utilization"))
            let script = try String(contentsOf: (device == .zc706 ? output : folder).appendingPathComponent("vivado/build.tcl"), encoding: .utf8)
            for file in rtl { #expect(script.contains("[file join $root rtl/cascade/rtl/\(file)]"), "\(file) not added") }
        }
        let readme = try String(contentsOf: output.appendingPathComponent("vivado/README.md"), encoding: .utf8)
        #expect(readme.contains("vivado -mode batch -source vivado/build.tcl") && readme.contains("m_axi_hpu_"))
    }

    @Test func keysTheIssueAsksFor() throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("out")
            let run = try CommandLineRun.cascadecnn(["flow"] + Self.narrow + ["--tolerance", "2", "--output", output.path])
            #expect(run.status == 0, "\(run.standardError)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("cascade.json")))
            let object = try #require(json as? [String: Any])
            for path in ["lpu.wordlength", "hpu.wordlength", "ceu.m", "ceu.n", "ceu.threshold", "forwarded_fraction.eval",
                         "forwarded_fraction.test", "cascade_accuracy.eval", "cascade_accuracy.test", "float_accuracy.eval",
                         "float_accuracy.test", "tolerance", "lpu.quantisation", "hpu.quantisation", "lpu.accuracy.test"] {
                var value: Any? = object
                for key in path.split(separator: ".") { value = (value as? [String: Any])?[String(key)] }
                #expect(value != nil, "cascade.json lacks \(path)")
            }
            // The LPU's quantisation inside cascade.json is a quantisation file as it is.
            let lpu = try #require((object["lpu"] as? [String: Any])?["quantisation"])
            let file = output.appendingPathComponent("lpu-from-cascade.json")
            try JSONSerialization.data(withJSONObject: lpu).write(to: file)
            let loaded = try Quantisation.load(path: file.path)
            let written = try Quantisation.load(path: output.appendingPathComponent("lpu-quantisation.json").path)
            #expect(loaded == written)
            #expect(run.standardError.contains("explored"))
            // The DSE's report: speed-up per tolerance, and a page that needs nothing else.
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("report.json")))
            #expect(((report as? [String: Any])?["speedUps"] as? [Any])?.isEmpty == false)
            let html = try String(contentsOf: output.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(html.contains("<svg") && !html.contains("<script"))
            #expect(run.standardOutput.contains("speed-up"))
        }
    }

    /// The model is given relative to the folder `flow` runs in; `simulate --cascade` then
    /// runs from another folder on that cascade.json, which names the model from its own folder.
    @Test func cascadeJSONWorksFromAnyFolder() throws {
        try withTemporaryDirectory { directory in
            let project = directory.appendingPathComponent("project"), other = directory.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent("examples/mnist"), to: project)
            let flow = try CommandLineRun.run(CommandLineRun.executable.path, ["flow", "--model", "model.onnx", "--eval", "eval",
                                              "--test", "test", "--wordlengths", "3...5", "--reference", "5", "--budget", "\(Self.budget)",
                                              "--output", "out"],
                                              in: project)
            #expect(flow.status == 0, "\(flow.standardError)")
            let result = try CascadeResult.decode(Data(contentsOf: project.appendingPathComponent("out/cascade.json")))
            #expect(result.hardware?.modelPath == "../model.onnx")
            let simulate = try CommandLineRun.run(CommandLineRun.executable.path, ["simulate", "--cascade", "../project/out/cascade.json",
                                                  "--data", project.appendingPathComponent("test").path, "--images", "1"], in: other)
            #expect(simulate.status == 0, "\(simulate.standardOutput)\n\(simulate.standardError)")
            #expect(simulate.standardOutput.contains(" 0 differ"))
        }
    }

    @Test func looseToleranceLetsTheLPUAnswerAlone() throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("out")
            let run = try CommandLineRun.cascadecnn(["flow"] + Self.narrow
                + ["--hpu-wordlength", "8", "--tolerance", "40", "--output", output.path])
            #expect(run.status == 0, "\(run.standardError)")
            let result = try CascadeResult.decode(Data(contentsOf: output.appendingPathComponent("cascade.json")))
            #expect(result.forwardedFraction.eval == 0)
            #expect(result.hpu.wordlength == 8)
        }
    }

    @Test(arguments: [
        (["--wordlengths", "3...3", "--reference", "8", "--tolerance", "0"], "no wordlength meets a tolerance of 0"),
        (["--wordlengths", "3...5", "--reference", "5", "--tolerance", "99"], "nothing shorter"),
        (["--tolerance=-1"], "--tolerance -1"),
        (["--wordlengths", "1...5"], "outside 2...16"),
        (["--wordlengths", "five"], "--wordlengths five"),
        (["--device", "de10"], "de10"),
        (["--budget", "0"], "budget"),
        (["--reference", "best"], "--reference best"),
        (["--confidence", "1"], "--confidence 1.0 is outside (0, 1)"),
        (["--eval", "/nonexistent"], "/nonexistent"),
    ])
    func badRequestsExitWithStatusTwo(arguments: [String], mention: String) throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("out")
            let base = ["--model", Self.example("model.onnx"), "--eval", Self.example("eval"), "--test", Self.example("test")]
            let run = try CommandLineRun.cascadecnn(["flow"] + base + arguments + ["--output", output.path])
            expectInputError(status: run.status, standardError: run.standardError, mentioning: mention)
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
    }
}
