import Foundation
import Testing

@Suite("cascadecnn simulate")
struct SimulateCLITests {
    let shapes = CLI.fixtures.appendingPathComponent("shapes_opset13")

    @Test("a test model runs bit-exact in the RTL, cycles next to the model, the bundle kept")
    func runsAndReports() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = folder.appendingPathComponent("sim")
        let result = try CLI.run(["simulate", "--model", shapes.appendingPathComponent("model.onnx").path,
                                  "--data", shapes.path, "--images", "2", "--wordlength", "6", "--pes", "4", "--maccs", "2",
                                  "--output", bundle.path])
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        #expect(result.stdout.contains("image 1:"))
        #expect(result.stdout.contains("(+0.00%)"))
        #expect(result.stdout.contains("0 differ"))
        #expect(result.stdout.contains("fc1"))
        #expect(FileManager.default.fileExists(atPath: bundle.appendingPathComponent("Makefile").path))
        #expect(FileManager.default.fileExists(atPath: bundle.appendingPathComponent("tb/memory.hex").path))
    }

    @Test("--weight-window runs a deep layer in input-channel chunks, bit-exact")
    func weightWindowChunksLayers() throws {
        let example = CLI.example
        let result = try CLI.run(["simulate", "--model", example.appendingPathComponent("model.onnx").path,
                                  "--data", example.appendingPathComponent("eval").path, "--images", "1",
                                  "--quantisation", example.appendingPathComponent("quantisation-8.json").path,
                                  "--pes", "8", "--maccs", "4", "--weight-window", "64"])
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        #expect(result.stdout.contains("64 weight beats, 8 partial-sum entries (up to 4 input-channel chunks a layer)"))
        #expect(result.stdout.contains("(+0.00%)") && result.stdout.contains("0 differ"))
    }

    @Test("bad input exits 2 and names the problem", arguments: [
        (["--model", "groups_avgpool_opset13"], "cannot run on the layer engine"),
        (["--images", "500"], "--images 500"),
        (["--pes", "3", "--maccs", "4"], "one must divide the other"),
        (["--wordlength", "1"], "--wordlength 1"),
        (["--weight-window", "48"], "--weight-window 48 is not a power of two"),
        (["--weight-window", "2"], "taps of one channel group do not fit weight buffers of 2 beats"),
    ])
    func badInput(arguments: [String], message: String) throws {
        var model = shapes.appendingPathComponent("model.onnx").path, data = shapes.path
        var rest = arguments
        if rest.first == "--model" {
            model = CLI.fixtures.appendingPathComponent(rest[1]).appendingPathComponent("model.onnx").path
            data = CLI.fixtures.appendingPathComponent(rest[1]).path
            rest.removeFirst(2)
        }
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("never")
        let result = try CLI.run(["simulate", "--model", model, "--data", data, "--output", output.path] + rest)
        expectInputError(status: result.status, standardError: result.stderr, mentioning: message)
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    /// `--cascade` with a file that is missing, not a cascade.json, or one without a hardware
    /// section; and with neither --cascade nor --model.
    @Test("bad --cascade input exits 2 and names the problem")
    func badCascadeInput() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notJSON = folder.appendingPathComponent("broken.json")
        try "{ not json".write(to: notJSON, atomically: true, encoding: .utf8)
        let data = CLI.fixtures.appendingPathComponent("shapes_opset13").path
        for (file, message) in [(folder.appendingPathComponent("missing.json").path, "cannot read"),
                                (notJSON.path, "is not a cascade.json")] {
            let bundle = folder.appendingPathComponent("out")
            let result = try CLI.run(["simulate", "--cascade", file, "--data", data, "--images", "1", "--output", bundle.path])
            expectInputError(status: result.status, standardError: result.stderr, mentioning: message)
            #expect(!FileManager.default.fileExists(atPath: bundle.path))
        }
        let result = try CLI.run(["simulate", "--data", data])
        expectInputError(status: result.status, standardError: result.stderr, mentioning: "--model is required (or --cascade)")
    }

    /// The engine flags that cascade.json decides are refused with --cascade, not ignored.
    @Test("--cascade refuses --wordlength, --quantisation, --pes and --maccs", arguments: [
        ["--wordlength", "6"], ["--quantisation", "q.json"], ["--pes", "4"], ["--maccs", "16"],
    ])
    func cascadeRefusesEngineFlags(flag: [String]) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = CLI.fixtures.appendingPathComponent("shapes_opset13").path
        let bundle = folder.appendingPathComponent("out")
        let result = try CLI.run(["simulate", "--cascade", folder.appendingPathComponent("cascade.json").path, "--data", data,
                                  "--output", bundle.path] + flag)
        expectInputError(status: result.status, standardError: result.stderr,
                         mentioning: "\(flag[0]) does not apply with --cascade")
        #expect(!FileManager.default.fileExists(atPath: bundle.path))
    }
}
