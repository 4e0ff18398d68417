import Foundation
import Testing
@testable import Toolflow

/// Initializers stored in a file next to the model (`data_location = EXTERNAL`), as
/// `onnx.save_model(..., save_as_external_data=True)` writes them, and hostile locations.
@Suite("ONNX external data")
struct ExternalDataTests {
    /// The bytes of `values` as float32, little endian.
    static func bytes(_ values: [Float]) -> Data {
        Data(values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
    }

    /// SmallNet with its conv weights in external data: `fields` are the external_data
    /// entries (location, offset, length).
    static func model(_ fields: [(String, String)]) throws -> Data {
        var model = SmallNet.builder().model
        let index = model.graph.initializer.firstIndex { $0.name == "w" }!
        model.graph.initializer[index].floatData = []
        model.graph.initializer[index].dataLocation = .external
        model.graph.initializer[index].externalData = fields.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return try model.serializedData()
    }

    /// A folder `model/` holding `model.onnx` (with `fields`) and `weights.bin` (8 bytes,
    /// the conv weights, 8 more bytes), beside `outside.bin` (the weights too), for `body`.
    static func withModel<T>(_ fields: [(String, String)], weightsFile: Data? = nil,
                             _ body: (_ modelPath: String, _ folder: URL) throws -> T) throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("external-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let weights = Data(repeating: 0xAB, count: 8) + bytes(SmallNet.convWeights) + Data(repeating: 0xCD, count: 8)
        try (weightsFile ?? weights).write(to: folder.appendingPathComponent("weights.bin"))
        try bytes(SmallNet.convWeights).write(to: root.appendingPathComponent("outside.bin"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.bin").path,
                                                   withDestinationPath: root.appendingPathComponent("outside.bin").path)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let modelPath = folder.appendingPathComponent("model.onnx").path
        try model(fields).write(to: URL(fileURLWithPath: modelPath))
        return try body(modelPath, root)
    }

    static let weightBytes = String(4 * SmallNet.convWeights.count)

    @Test("external weights at an offset are read and infer as computed directly")
    func reads() throws {
        let network = try Self.withModel([("location", "weights.bin"), ("offset", "8"), ("length", Self.weightBytes)]) { path, _ in
            try ONNXImporter.importModel(atPath: path)
        }
        #expect(relativeError(SmallNet.outputs(of: network, images: 2), SmallNet.expectedOutputs(images: 2)) < 1e-5)
    }

    @Test("without a length, the data runs to the end of the file")
    func defaultLength() throws {
        let network = try Self.withModel([("location", "./weights.bin")], weightsFile: Self.bytes(SmallNet.convWeights)) { path, _ in
            try ONNXImporter.importModel(atPath: path)
        }
        #expect(relativeError(SmallNet.outputs(of: network, images: 1), SmallNet.expectedOutputs(images: 1)) < 1e-5)
    }

    @Test("hostile or broken locations are refused with the reason, never read", arguments: [
        ([("location", "../outside.bin")], "leaves the model's folder"),
        ([("location", "sub/../../outside.bin")], "leaves the model's folder"),
        ([("location", "ABSOLUTE")], "is an absolute path"),
        ([("location", "link.bin")], "resolves outside the model's folder"),
        ([("location", "missing.bin")], "does not exist next to the model"),
        ([("location", "sub")], "is not a regular file"),
        ([("offset", "8")], "has no location"),
        ([("location", "weights.bin"), ("offset", "100000")], "is past the end of \"weights.bin\""),
        ([("location", "weights.bin"), ("offset", "-4")], "is not a byte offset"),
        ([("location", "weights.bin"), ("offset", "24"), ("length", weightBytes)], "runs past the end of \"weights.bin\""),
        ([("location", "weights.bin"), ("offset", "8"), ("length", "12")], "expected \(weightBytes) for shape"),
    ])
    func refused(_ fields: [(String, String)], _ reason: String) throws {
        let error = try Self.withModel(fields) { path, root in
            var fields = fields
            if fields.first?.1 == "ABSOLUTE" { fields[0].1 = root.appendingPathComponent("outside.bin").path }
            try Self.model(fields).write(to: URL(fileURLWithPath: path))
            return ONNXImportTests.error { try ONNXImporter.importModel(atPath: path) }
        }
        guard case .malformedModel(_, let text)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(text.contains("initializer \"w\"") && text.contains(reason), "\(text)")
    }

    @Test("a truncated data file is an error naming it")
    func truncated() throws {
        let half = Self.bytes(Array(SmallNet.convWeights.prefix(20)))
        let error = try Self.withModel([("location", "weights.bin"), ("length", Self.weightBytes)], weightsFile: half) { path, _ in
            ONNXImportTests.error { try ONNXImporter.importModel(atPath: path) }
        }
        guard case .malformedModel(_, let text)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(text.contains("runs past the end of \"weights.bin\" (80 bytes)"))
    }

    @Test("external data is refused for a model that was not read from a file")
    func inMemory() throws {
        let data = try Self.model([("location", "weights.bin")])
        guard case .malformedModel(_, let text)? = ONNXImportTests.error({ try ONNXImporter.importModel(data: data) }) else {
            Issue.record("no error"); return
        }
        #expect(text.contains("the model was not read from a file"))
    }
}
