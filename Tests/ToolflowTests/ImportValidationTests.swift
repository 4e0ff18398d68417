import Foundation
import SwiftProtobuf
import Testing
@testable import Toolflow

/// Models that are valid protobuf but nonsense as networks: each is refused at import with
/// a message naming the node or layer, where main ran them to silent garbage.
@Suite("ONNX import validation")
struct ImportValidationTests {
    static func node(_ name: String, in model: Onnx_ModelProto) -> Int {
        model.graph.node.firstIndex { $0.name == name }!
    }

    static func setInt(_ attribute: String, to value: Int64, onNode name: String, in model: inout Onnx_ModelProto) {
        let n = node(name, in: model)
        var proto = Onnx_AttributeProto()
        proto.name = attribute
        proto.type = .int
        proto.i = value
        model.graph.node[n].attribute.removeAll { $0.name == attribute }
        model.graph.node[n].attribute.append(proto)
    }

    @Test("0/1 attributes outside 0 and 1 are invalid", arguments: [
        ("pool1", "ceil_mode", Int64(5)), ("fc1", "transB", 2), ("fc2", "transA", -1),
    ])
    func flags(node: String, attribute: String, value: Int64) throws {
        var model = try ONNXImportTests.exampleModel()
        Self.setInt(attribute, to: value, onNode: node, in: &model)
        let error = ONNXImportTests.error { try ONNXImportTests.importing(model) }
        guard case .invalidNode(let name, _, _, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == node)
        #expect(reason.contains("\"\(attribute)\" is \(value)") && reason.contains("0 or 1"))
    }

    @Test("the same attributes at 0 or 1 still import")
    func validFlags() throws {
        var model = try ONNXImportTests.exampleModel()
        Self.setInt("ceil_mode", to: 0, onNode: "pool1", in: &model)
        Self.setInt("transB", to: 1, onNode: "fc1", in: &model)
        #expect(try ONNXImportTests.importing(model).layers.count == 7)
    }

    /// The example with `conv1`'s weight initializer replaced by `values` of `type`.
    static func withConv1Weights(_ transform: (inout Onnx_TensorProto) -> Void) throws -> Onnx_ModelProto {
        var model = try ONNXImportTests.exampleModel()
        let weightName = model.graph.node[node("conv1", in: model)].input[1]
        let index = model.graph.initializer.firstIndex { $0.name == weightName }!
        transform(&model.graph.initializer[index])
        return model
    }

    static func floats(of tensor: Onnx_TensorProto) -> [Float] {
        if !tensor.hasRawData { return tensor.floatData }
        return tensor.rawData.withUnsafeBytes { bytes in
            (0..<(tensor.rawData.count / 4)).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    @Test("integer weights are refused: Conv and Gemm take float tensors")
    func integerWeights() throws {
        let model = try Self.withConv1Weights { tensor in
            let values = Self.floats(of: tensor)
            tensor.clearRawData()
            tensor.floatData = []
            tensor.dataType = Int32(Onnx_TensorProto.DataType.int8.rawValue)
            tensor.int32Data = values.map { Int32(($0 * 100).rounded()) }
        }
        let error = ONNXImportTests.error { try ONNXImportTests.importing(model) }
        guard case .invalidNode(let name, let op, _, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == "conv1" && op == "Conv")
        #expect(reason.contains("integer element type"))
    }

    @Test("weights that are not finite or absurdly large are refused, naming the layer",
          arguments: [Float.nan, .infinity, -.infinity, 1e38, -2e9])
    func nonFiniteWeights(_ value: Float) throws {
        let model = try Self.withConv1Weights { tensor in
            var values = Self.floats(of: tensor)
            values[3] = value
            tensor.clearRawData()
            tensor.floatData = values
        }
        let error = ONNXImportTests.error { try ONNXImportTests.importing(model) }
        guard case .malformedModel(_, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("layer \"conv1\": weight 3 is"))
        #expect(reason.contains("finite numbers within"))
    }

    @Test("a weight just inside the limit imports")
    func largeFiniteWeight() throws {
        let model = try Self.withConv1Weights { tensor in
            var values = Self.floats(of: tensor)
            values[3] = ImportLimits.parameter
            tensor.clearRawData()
            tensor.floatData = values
        }
        #expect(try ONNXImportTests.importing(model).layers.count == 7)
    }

    static func withDeclaredOutput(_ dims: [Int64?]) throws -> Onnx_ModelProto {
        var model = try ONNXImportTests.exampleModel()
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { value in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let value { dim.dimValue = value } else { dim.dimParam = "batch" }
            return dim
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.shape = shape
        model.graph.output[0].type.tensorType = tensor
        return model
    }

    @Test("a declared output shape that disagrees with the layers is refused",
          arguments: [[Int64(1), 12], [1, 10, 1], [2, 10], [10]])
    func declaredOutputShape(_ dims: [Int64]) throws {
        let model = try Self.withDeclaredOutput(dims)
        let error = ONNXImportTests.error { try ONNXImportTests.importing(model) }
        guard case .malformedModel(_, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("is declared with shape") && reason.contains("the layers compute [1, 10]"))
    }

    @Test("declared output shapes that agree, or are symbolic, import", arguments: [[Int64?(1), 10], [nil, 10], [nil, nil]])
    func agreeingOutputShape(_ dims: [Int64?]) throws {
        #expect(try ONNXImportTests.importing(try Self.withDeclaredOutput(dims)).outputShape == [10])
    }
}
