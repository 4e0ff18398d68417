import Foundation
import Testing

/// Bad inputs a careless or hostile user gives: each exits with status 2 and one line that
/// names the input and what is wrong, where main crashed or ran to nonsense.
@Suite("cascadecnn on bad input")
struct InputErrorCLITests {
    let model = CLI.example.appendingPathComponent("model.onnx").path
    let eval = CLI.example.appendingPathComponent("eval").path

    /// Runs `arguments`, expecting exit status 2 and a one-line error mentioning `text`.
    func expectError(_ arguments: [String], mentioning text: String,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLI.run(arguments)
        expectInputError(status: result.status, standardError: result.stderr, mentioning: text, sourceLocation: sourceLocation)
    }

    /// A `.npy` file of `shape` holding `payload` (little-endian values of `descr`).
    static func npy(descr: String, shape: [Int], payload: Data) -> Data {
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        header += String(repeating: " ", count: 63 - (10 + header.utf8.count) % 64) + "\n"
        var bytes = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(payload)
        return bytes
    }

    /// A data folder of `labels.count` blank 28×28 images with `labels`.
    static func dataFolder(labels: [Int64], in folder: URL) throws -> String {
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try npy(descr: "<f4", shape: [labels.count, 1, 28, 28], payload: Data(count: labels.count * 784 * 4))
            .write(to: data.appendingPathComponent("inputs.npy"))
        let payload = labels.reduce(into: Data()) { bytes, label in withUnsafeBytes(of: label.littleEndian) { bytes.append(contentsOf: $0) } }
        try npy(descr: "<i8", shape: [labels.count], payload: payload).write(to: data.appendingPathComponent("labels.npy"))
        return data.path
    }

    @Test("labels that are no class of the model are refused by every command that reads them",
          arguments: [Int64(12), -1])
    func labelsOutOfRange(_ label: Int64) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.dataFolder(labels: [0, 1, label, 3], in: folder)
        let message = "labels.npy: the label of image 2 is \(label), outside the model's classes 0...9"
        let out = folder.appendingPathComponent("out").path
        try expectError(["infer", "--model", model, "--data", data], mentioning: message)
        try expectError(["simulate", "--model", model, "--data", data, "--images", "2"], mentioning: message)
        try expectError(["generate", "engine", "--model", model, "--data", data, "--images", "2", "--output", out], mentioning: message)
        try expectError(["flow", "--model", model, "--eval", data, "--test", eval, "--output", out], mentioning: message)
        try expectError(["flow", "--model", model, "--eval", eval, "--test", data, "--output", out], mentioning: message)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("an engine whose memory line AXI4 cannot carry is refused, where main crashed",
          arguments: [["--pes", "1", "--maccs", "256"], ["--pes", "1024", "--maccs", "1024", "--wordlength", "2"]])
    func engineTooWide(_ sizes: [String]) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("engine").path
        try expectError(["generate", "engine", "--model", model, "--data", eval, "--images", "1", "--output", out] + sizes,
                        mentioning: "AXI4 carries at most 1024 bits")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a data set with no images is refused")
    func noImages() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.dataFolder(labels: [], in: folder)
        try expectError(["infer", "--model", model, "--data", data], mentioning: "inputs.npy holds no images")
    }

    @Test("a folder given as the model says so, without Foundation's error codes")
    func folderAsModel() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectError(["inspect", "--model", folder.path], mentioning: "cannot read \(folder.path): it is a folder, not a file")
        try expectError(["infer", "--model", model, "--data", eval, "--quantisation", folder.path],
                        mentioning: "it is a folder, not a file")
        let result = try CLI.run(["inspect", "--model", folder.path])
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    /// A Zynq-7020-like device file with the given DSP and BRAM36 counts, as written.
    static func deviceFile(dsp: String, bram36: String, in folder: URL) throws -> String {
        let file = folder.appendingPathComponent("board.json")
        try Data(("{\"name\": \"board\", \"part\": \"xc7z020clg400-1\", \"family\": \"xc7\", \"dsp\": \(dsp), \"lut\": 53200, "
                  + "\"ff\": 106400, \"bram36\": \(bram36), \"clockMHz\": 100, \"bandwidthGBps\": 2}").utf8).write(to: file)
        return file.path
    }

    @Test("a device file with a fractional count names the field")
    func fractionalDeviceCount() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let device = try Self.deviceFile(dsp: "1.5", bram36: "140", in: folder)
        try expectError(["explore", "--network", "vgg16", "--device", device], mentioning: "field \"dsp\": 1.5 is not a whole number")
    }

    @Test("a device with almost no block RAM is an error that says what the engine needs, not a crash")
    func deviceTooSmall() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let device = try Self.deviceFile(dsp: "220", bram36: "1", in: folder)
        let out = folder.appendingPathComponent("out").path
        try expectError(["flow", "--model", model, "--eval", eval, "--test", eval, "--wordlengths", "3...4", "--reference", "4",
                         "--device", device, "--output", out], mentioning: "the budget is too small for one PE")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("control characters in a model's names reach the terminal escaped")
    func escapedNames() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The graph's name, "mnist_cnn", replaced in place by nine bytes holding ESC [ 3 1 m.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        let name = Data("mnist_cnn".utf8), hostile = Data([0x6D, 0x6E, 0x1B, 0x5B, 0x33, 0x31, 0x6D, 0x63, 0x6E])
        var replaced = 0
        while let range = bytes.range(of: name) { bytes.replaceSubrange(range, with: hostile); replaced += 1 }
        #expect(replaced >= 1)
        let hostileModel = folder.appendingPathComponent("hostile.onnx")
        try bytes.write(to: hostileModel)
        let result = try CLI.run(["inspect", "--model", hostileModel.path])
        #expect(result.status == 0)
        #expect(!result.stdout.utf8.contains(0x1B))
        #expect(result.stdout.contains("network mn\\u{1B}[31mcn"))
        let data = try Self.dataFolder(labels: [0], in: folder)
        try npyWrongShape(in: data)
        let failed = try CLI.run(["infer", "--model", hostileModel.path, "--data", data])
        expectInputError(status: failed.status, standardError: failed.stderr, mentioning: "\\u{1B}")
        #expect(!failed.stderr.utf8.contains(0x1B), "\(failed.stderr)")
    }

    /// Replaces the folder's inputs with images of another shape, so that the error names the model.
    func npyWrongShape(in data: String) throws {
        try Self.npy(descr: "<f4", shape: [1, 1, 28, 27], payload: Data(count: 28 * 27 * 4))
            .write(to: URL(fileURLWithPath: data).appendingPathComponent("inputs.npy"))
    }
}
