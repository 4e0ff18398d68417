import Foundation
@testable import Toolflow

/// Small ONNX models written node by node, for tests of single ops and of hostile files:
/// one float input `x` of shape `[1, channels, size, size]`, the given nodes, and the last
/// node's output as the graph's.
struct ONNXModelBuilder {
    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []
    var inputShape: [Int64] = [1, 1, 8, 8]
    var opset: Int64 = 13
    /// The model's IR version; nil leaves the field unset.
    var irVersion: Int64? = 8
    /// Whether the input's batch dimension is symbolic (`dim_param`) instead of `inputShape[0]`.
    var symbolicBatch = false
    /// Whether the initializers are also listed as graph inputs (as older exporters do).
    var initializersAsInputs = false

    /// Adds a node reading `inputs`; returns its output's name.
    @discardableResult
    mutating func add(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) -> String {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = "n\(nodes.count)_\(op)"
        node.input = inputs
        node.output = [node.name]
        node.attribute = attributes
        nodes.append(node)
        return node.name
    }

    /// Adds a Constant node holding `values` (int64); returns its output's name.
    mutating func constant(_ values: [Int64]) -> String {
        add("Constant", [], [Self.attribute("value_ints", values)])
    }

    /// Adds a Constant node holding the int64 scalar `value`; returns its output's name.
    mutating func scalar(_ value: Int64) -> String {
        var tensor = Onnx_TensorProto()
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.int64Data = [value]
        var attribute = Onnx_AttributeProto()
        attribute.name = "value"
        attribute.type = .tensor
        attribute.t = tensor
        return add("Constant", [], [attribute])
    }

    /// Adds a float initializer; `values` need not match `dims` (hostile files lie).
    mutating func initializer(_ name: String, dims: [Int64], values: [Float]) {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.floatData = values
        initializers.append(tensor)
    }

    static func attribute(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
        attribute(name, .ints) { $0.ints = values }
    }

    static func attribute(_ name: String, float value: Float) -> Onnx_AttributeProto {
        attribute(name, .float) { $0.f = value }
    }

    static func attribute(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        attribute(name, .int) { $0.i = value }
    }

    /// An attribute of `type`, its value set by `setValue`.
    private static func attribute(_ name: String, _ type: Onnx_AttributeProto.AttributeType,
                                  _ setValue: (inout Onnx_AttributeProto) -> Void) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = type
        setValue(&attribute)
        return attribute
    }

    var model: Onnx_ModelProto {
        var input = Onnx_ValueInfoProto()
        input.name = "x"
        input.type.tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        input.type.tensorType.shape.dim = inputShape.enumerated().map { axis, value in
            var dim = Onnx_TensorShapeProto.Dimension()
            if axis == 0 && symbolicBatch { dim.dimParam = "batch" } else { dim.dimValue = value }
            return dim
        }
        var output = Onnx_ValueInfoProto()
        output.name = nodes.last?.output.first ?? "x"
        var model = Onnx_ModelProto()
        if let irVersion { model.irVersion = irVersion }
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.graph.name = "built"
        model.graph.node = nodes
        model.graph.initializer = initializers
        model.graph.input = [input]
        if initializersAsInputs {
            model.graph.input += initializers.map { tensor in
                var listed = Onnx_ValueInfoProto()
                listed.name = tensor.name
                listed.type.tensorType.elemType = tensor.dataType
                listed.type.tensorType.shape.dim = tensor.dims.map { value in
                    var dim = Onnx_TensorShapeProto.Dimension()
                    dim.dimValue = value
                    return dim
                }
                return listed
            }
        }
        model.graph.output = [output]
        return model
    }

    var data: Data { try! model.serializedData() }

    /// The import's error, or nil when the model imports.
    var importError: ToolflowError? {
        do { _ = try ONNXImporter.importModel(data: data, path: "built.onnx"); return nil } catch { return error }
    }
}
