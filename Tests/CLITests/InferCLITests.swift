import Foundation
import Testing

/// Runs the built `cascadecnn` binary, which SwiftPM places beside the test executable.
enum CLI {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let example = repository.appendingPathComponent("examples/mnist")
    static let fixtures = repository.appendingPathComponent("Tests/ToolflowTests/Fixtures")

    /// The products folder: walk up from the test executable (or bundle) to the folder
    /// holding `cascadecnn`, whatever the scratch path.
    static let binary: URL? = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = folder.appendingPathComponent("cascadecnn")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }()

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try #require(binary, "cascadecnn not found beside the test executable")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out; process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cascadecnn-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("cascadecnn infer and inspect")
struct InferCLITests {
    let model = CLI.example.appendingPathComponent("model.onnx").path
    let eval = CLI.example.appendingPathComponent("eval").path

    @Test("inspect prints layers, GEMM sizes, parameters and operations")
    func inspect() throws {
        let result = try CLI.run(["inspect", "--model", model])
        #expect(result.status == 0)
        #expect(result.stdout.contains("conv2"))
        #expect(result.stdout.contains("M=196 N=16 K=72"))
        #expect(result.stdout.contains("parameters: 52138"))
        #expect(result.stdout.contains("operations per image:"))
    }

    @Test("float inference prints the accuracy and writes the scores")
    func inferFloat() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("scores.npy").path
        let result = try CLI.run(["infer", "--model", model, "--data", eval, "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("accuracy: 96.50% (193/200)"))
        let written = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(written.count == 128 + 200 * 10 * 4)
    }

    @Test("fixed-point inference with a calibrated, saved and reloaded quantisation")
    func inferFixedPoint() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let q = folder.appendingPathComponent("q8.json").path
        let first = try CLI.run(["infer", "--model", model, "--data", eval, "--wordlength", "8", "--save-quantisation", q])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try CLI.run(["infer", "--model", model, "--data", eval, "--quantisation", q])
        #expect(second.status == 0, "\(second.stderr)")
        let accuracy = { (r: CLI.Result) in r.stdout.split(separator: "\n").first { $0.hasPrefix("accuracy") } }
        #expect(accuracy(first) != nil && accuracy(first) == accuracy(second))
        let q4 = folder.appendingPathComponent("q4.json").path
        _ = try CLI.run(["infer", "--model", model, "--data", eval, "--wordlength", "4", "--save-quantisation", q4])
        let lpu = try CLI.run(["infer", "--model", model, "--data", eval, "--quantisation", q4, "--weights-from", q, "--rounding", "truncate"])
        #expect(lpu.status == 0, "\(lpu.stderr)")
        #expect(lpu.stdout.contains("weights derived from 8 bits (truncate)"))
    }

    // MARK: Malformed input: a clear error and exit status 2.

    func expectError(_ arguments: [String], mentioning text: String) throws {
        let result = try CLI.run(arguments)
        expectInputError(status: result.status, standardError: result.stderr, mentioning: text)
    }

    @Test("an empty model file")
    func emptyModel() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.onnx")
        try Data().write(to: empty)
        try expectError(["infer", "--model", empty.path, "--data", eval], mentioning: "the file is empty")
        try expectError(["inspect", "--model", empty.path], mentioning: "the file is empty")
    }

    @Test("a truncated model file")
    func truncatedModel() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let truncated = folder.appendingPathComponent("truncated.onnx")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        try expectError(["infer", "--model", truncated.path, "--data", eval], mentioning: "truncated or corrupted")
    }

    @Test("an unsupported op")
    func unsupportedOp() throws {
        let path = CLI.fixtures.appendingPathComponent("unsupported_op/model.onnx").path
        try expectError(["inspect", "--model", path], mentioning: "node \"gate\" (Sigmoid, opset 13) is not supported")
    }

    @Test("data whose images do not have the model's input shape")
    func shapeMismatch() throws {
        let data = CLI.fixtures.appendingPathComponent("strided_bn_opset7").path
        try expectError(["infer", "--model", model, "--data", data], mentioning: "have shape [3, 20, 28] but the model mnist_cnn expects [1, 28, 28]")
    }

    @Test("inputs.npy of the wrong dtype")
    func wrongDtype() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1, 28, 28), }"
        header += String(repeating: " ", count: 63 - (10 + header.utf8.count) % 64) + "\n"
        var bytes = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0])
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(Data(count: 2 * 28 * 28 * 8))
        try bytes.write(to: folder.appendingPathComponent("inputs.npy"))
        try expectError(["infer", "--model", model, "--data", folder.path], mentioning: "dtype <f8 is not supported")
    }

    @Test("a quantisation that does not fit the model")
    func badQuantisation() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let q = folder.appendingPathComponent("q.json")
        try Data(#"{"wordlength": 8, "input": {"wordlength": 8, "fractionBits": 7}, "layers": []}"#.utf8).write(to: q)
        try expectError(["infer", "--model", model, "--data", eval, "--quantisation", q.path], mentioning: "CONV and FC layers (conv1, conv2, fc1, fc2)")
    }
}
