import Foundation
import Testing
@testable import Toolflow

/// Paths of the committed fixtures and the bundled example.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let example = repository.appendingPathComponent("examples/mnist")

    /// The small test models built by scripts/make-test-models.
    static let models = [
        "strided_bn_opset7", "strided_bn_opset21", "groups_avgpool_opset11", "groups_avgpool_opset13",
        "shapes_opset7", "shapes_opset13", "same_padding_opset21",
    ]

    static func path(_ components: String...) -> String {
        components.reduce(folder) { $0.appendingPathComponent($1) }.path
    }

    static func network(_ model: String) throws -> Network {
        try ONNXImporter.importModel(atPath: path(model, "model.onnx"))
    }

    /// A test model's inputs as a data set.
    static func inputs(_ model: String) throws -> Dataset {
        let array = try NPY.read(path: path(model, "inputs.npy"))
        return Dataset(imageShape: Array(array.shape.dropFirst()), inputs: array.floats)
    }

    static let exampleNetwork = Result { try ONNXImporter.importModel(atPath: example.appendingPathComponent("model.onnx").path) }
    static let exampleEval = Result { try Dataset.load(folder: example.appendingPathComponent("eval").path) }
    static let exampleTest = Result { try Dataset.load(folder: example.appendingPathComponent("test").path) }
}

/// The largest of |a − b| / max(|b|, 1) over two equally long arrays.
func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) / max(abs($1), 1) }.max() ?? 0
}
