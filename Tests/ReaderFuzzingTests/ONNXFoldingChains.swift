import Foundation
@testable import Toolflow

/// Constant computations put in front of a model's nodes, each small in the file but
/// claiming a huge or deep result when folded at import: ConstantOfShape of a huge shape,
/// a tensor concatenated with itself again and again, a Gather of many indices, a Slice
/// with a step of 2^63 − 1, Unsqueeze to a rank of hundreds, a broadcast of [N, 1] and
/// [1, N], and zero-sized tensors whose other dimensions are huge.
enum ONNXFoldingChains {
    static func insert(into graph: inout Onnx_GraphProto, using random: inout SeededRandom) {
        let source = graph.initializer.first?.name ?? "fold_source"
        if graph.initializer.isEmpty { graph.initializer.append(tensor(dims: [4], values: [1, 2, 3, 4], name: source)) }
        var nodes: [Onnx_NodeProto] = []
        func add(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) -> String {
            let output = "fold_\(nodes.count)_\(op)"
            nodes.append(node(op, inputs, output, attributes))
            return output
        }
        func ints(_ values: [Int64]) -> String { add("Constant", [], [attribute("value_ints", values)]) }

        switch Int.random(in: 0..<8, using: &random) {
        case 0:
            _ = add("ConstantOfShape", [ints(random.pick(ONNXMutations.shapes + [[16_384, 16_384], [1 << 24], [4_096, 4_096, 16]]))])
        case 1:
            _ = add("Concat", Array(repeating: source, count: random.pick([2, 100, 1_000])), [attribute("axis", 0)])
        case 2:
            var doubled = source
            for _ in 0..<random.pick([8, 40]) { doubled = add("Concat", [doubled, doubled], [attribute("axis", 0)]) }
        case 3:
            _ = add("Gather", [source, ints(Array(repeating: 0, count: random.pick([10, 3_000])))])
        case 4:
            let step = random.pick([Int64.max, Int64.min, 1 << 62, -1, 0])
            _ = add("Slice", [source, ints([random.pick([0, 1, -1, .min])]), ints([random.pick([.max, .min, -1])]), ints([0]), ints([step])])
        case 5:
            let unsqueezed = add("Unsqueeze", [source, ints((0..<Int64(random.pick([8, 70, 400]))).map { $0 })])
            _ = add(random.pick(["Transpose", "Relu", "Shape", "Flatten"]), [unsqueezed])
        case 6:
            let n = Int64(random.pick([64, 4_096, 12_000]))
            let range = ints((0..<n).map { $0 })
            let column = add("Reshape", [range, ints([n, 1])]), row = add("Reshape", [range, ints([1, n])])
            _ = add(random.pick(["Add", "Mul", "Div"]), [column, row])
        default:
            let name = "fold_empty"
            graph.initializer.append(tensor(dims: random.pick([[0, 1 << 39, 1 << 39], [1 << 39, 0, 1 << 39], [0, .max]]), values: [], name: name))
            _ = add(random.pick(["Transpose", "Flatten", "Reshape", "Concat", "Shape"]), [name] + (random.chance(0.5) ? [ints([-1])] : []))
        }
        graph.node.insert(contentsOf: nodes, at: 0)
    }

    static func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [Onnx_AttributeProto]) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = output
        node.input = inputs
        node.output = [output]
        node.attribute = attributes
        return node
    }

    static func attribute(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values
        return attribute
    }

    static func attribute(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = value
        return attribute
    }

    /// A float32 tensor whose dims need not match its values.
    static func tensor(dims: [Int64], values: [Float], name: String = "") -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.floatData = values
        return tensor
    }
}
