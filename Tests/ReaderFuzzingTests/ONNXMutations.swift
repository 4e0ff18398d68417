import Foundation
@testable import Toolflow

/// Structure-aware edits of an ONNX model: attributes set to huge, negative or mistyped
/// values (pads of 3,000, dims of 2^40), ops swapped, initializers with lying shapes or
/// data, graph inputs with hostile dimensions, nodes removed, repeated or rewired, opsets
/// changed, graphs nested past the decoder's depth, and constant computations that claim
/// huge results (`ONNXFoldingChains`).
enum ONNXMutations {
    static let ops = ["Conv", "Gemm", "MatMul", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape",
                      "Squeeze", "Unsqueeze", "BatchNormalization", "Add", "Softmax", "Dropout", "Identity", "Constant",
                      "Transpose", "Concat", "Gather", "Cast", "Shape", "Slice", "ConstantOfShape", "Sub", "Mul", "Div",
                      "Neg", "Sqrt", "Reciprocal", "Abs", "Sigmoid", ""]
    static let intAttributes = ["group", "axis", "transA", "transB", "ceil_mode", "count_include_pad", "allowzero", "to",
                                "start", "end", "training_mode", "spatial", "value_int", "keepdims"]
    static let intsAttributes = ["pads", "strides", "dilations", "kernel_shape", "perm", "axes", "starts", "ends",
                                 "value_ints", "shape"]
    static let integers: [Int64] = [0, 1, 2, 3, 5, -1, -2, 3_000, 65_536, 65_537, 1 << 20, 1 << 31, 1 << 40, .max, .min]
    static let shapes: [[Int64]] = [
        [], [0], [1], [3_000, 3_000], [1 << 40], [-1], [0, 1 << 39, 1 << 39], [1 << 20, 1 << 20], [16_385, 16_385],
        Array(repeating: 1, count: 100), [1, 1, 3_000, 3_000], [2, 3], [8, 1, 3, 3],
    ]

    /// `data` with one to three edits, or nil when it does not decode as a model.
    static func mutate(_ data: Data, using random: inout SeededRandom) -> Data? {
        guard var model = try? Onnx_ModelProto(serializedBytes: data) else { return nil }
        for _ in 0..<Int.random(in: 1...3, using: &random) { edit(&model, using: &random) }
        return try? model.serializedData()
    }

    private static func edit(_ model: inout Onnx_ModelProto, using random: inout SeededRandom) {
        let nodes = model.graph.node.count
        switch Int.random(in: 0..<10, using: &random) {
        case 0 where nodes > 0:
            model.graph.node[Int.random(in: 0..<nodes, using: &random)].setAttribute(randomAttribute(using: &random))
        case 1 where nodes > 0:
            model.graph.node[Int.random(in: 0..<nodes, using: &random)].opType = random.pick(ops)
        case 2 where !model.graph.initializer.isEmpty:
            let i = Int.random(in: 0..<model.graph.initializer.count, using: &random)
            editTensor(&model.graph.initializer[i], using: &random)
        case 3 where !model.graph.input.isEmpty:
            var shape = Onnx_TensorShapeProto()
            shape.dim = random.pick(shapes).map { value in
                var dim = Onnx_TensorShapeProto.Dimension()
                if random.chance(0.2) { dim.dimParam = "N" } else { dim.dimValue = value }
                return dim
            }
            model.graph.input[0].type.tensorType.shape = shape
        case 4 where nodes > 1:
            rewire(&model.graph, using: &random)
        case 5:
            if random.chance(0.5), !model.opsetImport.isEmpty {
                model.opsetImport[0].version = random.pick([1, 6, 7, 9, 10, 11, 12, 13, 14, 18, 19, 21, 22, .max])
            } else {
                model.irVersion = random.pick([0, 3, 8, 12, 13, -1])
            }
        case 6:
            model.graph.attachNestedGraph(depth: random.pick([8, 70]))
        default:
            ONNXFoldingChains.insert(into: &model.graph, using: &random)
        }
    }

    static func randomAttribute(using random: inout SeededRandom) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        if random.chance(0.5) {
            attribute.name = random.pick(intsAttributes)
            attribute.type = .ints
            attribute.ints = random.chance(0.5) ? random.pick(shapes)
                                                : (0..<random.pick([1, 2, 4, 6])).map { _ in random.pick(integers) }
        } else if random.chance(0.8) {
            attribute.name = random.pick(intAttributes)
            attribute.type = .int
            attribute.i = random.pick(integers)
        } else {
            attribute.name = random.pick(["auto_pad", "alpha", "epsilon", "value", "pads"])
            switch Int.random(in: 0..<4, using: &random) {
            case 0: attribute.type = .string; attribute.s = Data(random.pick(["SAME_UPPER", "SAME_LOWER", "VALID", "x", "\u{FF}"]).utf8)
            case 1: attribute.type = .float; attribute.f = random.pick([.nan, .infinity, -1, 0, 1e30])
            case 2: attribute.type = .tensor; attribute.t = ONNXFoldingChains.tensor(dims: random.pick(shapes), values: [1])
            default: attribute.type = .undefined   // no field set: the importer must not guess
            }
        }
        return attribute
    }

    /// Shapes that lie about their data, data of the wrong size or type, non-finite values.
    private static func editTensor(_ tensor: inout Onnx_TensorProto, using random: inout SeededRandom) {
        switch Int.random(in: 0..<5, using: &random) {
        case 0: tensor.dims = random.pick(shapes)
        case 1: tensor.rawData = tensor.rawData.prefix(Int.random(in: 0...tensor.rawData.count, using: &random))
        case 2: tensor.dataType = random.pick([0, 1, 2, 3, 6, 7, 9, 10, 11, 16, 99, -1])
        case 3:
            var values = tensor.rawData
            for i in stride(from: 0, to: values.count - 3, by: 4) where random.chance(0.3) {
                values.replaceSubrange(i..<(i + 4), with: withUnsafeBytes(of: random.pick([Float.nan, .infinity, -.infinity]).bitPattern.littleEndian, Array.init))
            }
            tensor.rawData = values
        default:
            tensor.externalData = [Onnx_StringStringEntryProto()]
            tensor.dataLocation = .external
        }
    }

    /// Nodes removed, repeated, swapped or reading another node's tensor.
    private static func rewire(_ graph: inout Onnx_GraphProto, using random: inout SeededRandom) {
        let i = Int.random(in: 0..<graph.node.count, using: &random), j = Int.random(in: 0..<graph.node.count, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: graph.node.remove(at: i)
        case 1: graph.node.insert(graph.node[i], at: j)
        case 2: graph.node.swapAt(i, j)
        default:
            guard !graph.node[i].input.isEmpty, let name = graph.node[j].output.first else { return }
            graph.node[i].input[Int.random(in: 0..<graph.node[i].input.count, using: &random)] = name
        }
    }
}

extension Onnx_NodeProto {
    /// Replaces the attribute of the same name, or adds it.
    mutating func setAttribute(_ attribute: Onnx_AttributeProto) {
        if let i = self.attribute.firstIndex(where: { $0.name == attribute.name }) { self.attribute[i] = attribute }
        else { self.attribute.append(attribute) }
    }
}

extension Onnx_GraphProto {
    /// Hangs graphs nested `depth` deep off the first node's attributes: the decoder's depth
    /// limit must refuse them before they reach the stack.
    mutating func attachNestedGraph(depth: Int) {
        guard !node.isEmpty else { return }
        var inner = Onnx_GraphProto()
        for _ in 0..<depth {
            var attribute = Onnx_AttributeProto()
            attribute.name = "body"
            attribute.type = .graph
            attribute.g = inner
            var holder = Onnx_NodeProto()
            holder.opType = "Identity"
            holder.attribute = [attribute]
            inner = Onnx_GraphProto()
            inner.node = [holder]
        }
        var attribute = Onnx_AttributeProto()
        attribute.name = "body"
        attribute.type = .graph
        attribute.g = inner
        node[0].attribute.append(attribute)
    }
}
