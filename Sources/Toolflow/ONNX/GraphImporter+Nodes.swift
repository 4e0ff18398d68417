import Foundation

/// The walk over the graph's nodes: constant nodes are evaluated, each other node reads the
/// activation and becomes a layer, is folded into the layer before it, or disappears.
extension GraphImporter {
    static let supportedOps = "Conv, Gemm, MatMul, Add (bias), BatchNormalization, Relu, Clip and LeakyRelu (as a ReLU), "
        + "MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Squeeze, Unsqueeze, Softmax, Dropout, Identity, "
        + "and constant computations"

    mutating func importNode(_ node: Onnx_NodeProto, name: String) throws {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw NodeProblem.unsupported("ops of domain \"\(node.domain)\" are not supported")
        }
        guard !node.output.isEmpty, !node.output[0].isEmpty else { throw NodeProblem.invalid("the node has no output") }
        let attributes = try NodeAttributes(node)
        for input in node.input where !input.isEmpty {
            if unusable.contains(input) { throw NodeProblem.unsupported("it reads \"\(input)\", a secondary output that is not supported") }
            guard constants[input] != nil || input == activation else {
                throw NodeProblem.unsupported(Self.branchReason(op: node.opType, input: input))
            }
        }
        let dynamic = node.input.enumerated().filter { !$0.element.isEmpty && constants[$0.element] == nil }
        if node.opType == "Shape" && dynamic.count == 1 {
            // The shape of the activation is known at import: fold it.
            let shape = try ConstantFolding.shapeSlice(activationShape, attributes, opset: opset)
            constants[node.output[0]] = ConstantTensor(integers: shape)
            return
        }
        if dynamic.isEmpty {
            guard ConstantFolding.supportedOps.contains(node.opType) else {
                throw NodeProblem.unsupported("\(node.opType) on constants cannot be evaluated at import; supported: \(ConstantFolding.supportedOps.sorted().joined(separator: ", "))")
            }
            let inputs = node.input.map { $0.isEmpty ? nil : constants[$0] }
            let outputs = try ConstantFolding.evaluate(op: node.opType, inputs: inputs, attributes: attributes, opset: opset,
                                                       budget: &foldingBudget)
            for (outputName, value) in zip(node.output, outputs) where !outputName.isEmpty {
                constants[outputName] = value
            }
            for extra in node.output.dropFirst(outputs.count) where !extra.isEmpty { unusable.insert(extra) }
            return
        }
        guard dynamic.count == 1 else {
            throw NodeProblem.unsupported(node.opType == "Add" || node.opType == "Sum"
                ? "an \(node.opType) of the activation with itself (an add of two tensors) is not supported: the network IR is a chain of layers"
                : "it reads the activation \"\(activation)\" more than once")
        }
        let position = dynamic[0].offset
        let expectedPosition = node.opType == "Add" ? position : 0
        guard position == expectedPosition else {
            throw NodeProblem.unsupported("the activation must be its first input, not input \(position)")
        }
        let inputs = NodeInputs(node: node, constants: constants)
        let layerCount = layers.count
        try importLayer(node, name: name, attributes, inputs, position: position)
        for layer in layers[layerCount...] { try ImportLimits.check(layer) }
        activation = node.output[0]
        for extra in node.output.dropFirst() where !extra.isEmpty { unusable.insert(extra) }
    }

    /// Why a node reading `input`, which is neither a constant nor the activation, is refused.
    static func branchReason(op: String, input: String) -> String {
        switch op {
        case "Add", "Sum":
            return "it adds \"\(input)\", a tensor other than the output of the layer before it: an add of two tensors "
                + "(a residual connection) is not supported, the network IR is a chain of layers"
        case "Concat":
            return "it concatenates \"\(input)\" with other tensors: a Concat of feature maps is not supported, the network IR is a chain of layers"
        default:
            return "it reads \"\(input)\", which is neither a constant nor the output of the layer before it "
                + "(only sequential networks are supported, with nodes in topological order)"
        }
    }

    /// Imports a node that reads the activation (as input `position`).
    mutating func importLayer(_ node: Onnx_NodeProto, name: String, _ attributes: NodeAttributes,
                              _ inputs: NodeInputs, position: Int) throws {
        switch node.opType {
        case "Identity":
            break
        case "Dropout":
            if opset >= 12, let training = inputs.constant(2), training.values.first ?? 0 != 0 {
                throw NodeProblem.unsupported("Dropout in training mode")
            }
        case "Conv": try importConv(name, attributes, weights: inputs.float(1), bias: inputs.float(2))
        case "Gemm": try importGemm(name, attributes, b: inputs.float(1), c: inputs.float(2))
        case "MatMul": try importMatMul(name, b: inputs.float(1))
        case "Add": try foldAdd(inputs.float(1 - position))
        case "BatchNormalization":
            try importBatchNorm(name, attributes, inputs.float(1), inputs.float(2), inputs.float(3), inputs.float(4))
        case "Relu": importRelu(name)
        case "Clip": try importClip(name, attributes, inputs)
        case "LeakyRelu": try importLeakyRelu(name, attributes)
        case "MaxPool", "AveragePool": try importPool(name, op: node.opType, attributes)
        case "GlobalAveragePool":
            guard activationShape.count == 4 else { throw NodeProblem.unsupported("only 2-D feature maps (NCHW) are supported") }
            let window = Window2D(kernelHeight: activationShape[2], kernelWidth: activationShape[3])
            append(name, .averagePool(Pooling(window: window)), output: [activationShape[1], 1, 1])
        case "Flatten":
            let axis = try ConstantFolding.normalizedAxis(try attributes.int("axis", default: 1), rank: activationShape.count, inclusive: true)
            let outer = activationShape[..<axis].reduce(1, *)
            try reshape(name, to: [outer, activationShape.reduce(1, *) / outer])
        case "Reshape":
            guard let target = inputs.constant(1) else { throw NodeProblem.invalid("the shape input is missing") }
            let allowZero = try opset >= 14 && attributes.flag("allowzero", default: false)
            try reshape(name, to: try ConstantFolding.reshapedShape(activationShape, target: target.integers, allowZero: allowZero))
        case "Squeeze", "Unsqueeze":
            var axes = opset >= 13 ? inputs.constant(1)?.integers : try attributes.ints("axes")
            if node.opType == "Squeeze" && axes == nil {
                axes = activationShape.indices.dropFirst().filter { activationShape[$0] == 1 }   // keep the batch
            }
            let shape = node.opType == "Squeeze" ? try ConstantFolding.squeezedShape(activationShape, axes: axes)
                                                 : try ConstantFolding.unsqueezedShape(activationShape, axes: axes ?? [])
            try reshape(name, to: shape)
        case "Softmax": try importSoftmax(name, attributes)
        default:
            if node.opType == "Transpose" {
                throw NodeProblem.unsupported("a Transpose of the activation is not supported (tf2onnx writes one for an NHWC input; export with --inputs-as-nchw)")
            }
            throw NodeProblem.unsupported("the op is not supported; supported ops: \(Self.supportedOps)")
        }
    }

    /// Adds a layer reading the current activation; `output` is its per-image shape.
    mutating func append(_ name: String, _ operation: Layer.Operation, output: [Int]) {
        layers.append(Layer(name: name, operation: operation, inputShape: Array(activationShape.dropFirst()), outputShape: output))
        activationShape = [batch] + output
    }

    /// Adds a reshape of the activation to `shape` (with the batch), unless it changes nothing.
    mutating func reshape(_ name: String, to shape: [Int]) throws {
        guard shape.first == batch else {
            throw NodeProblem.unsupported("the result shape \(shape) moves the batch dimension (of size \(batch)); only reshapes that keep it first are supported: the network is defined per image")
        }
        guard shape != activationShape else { return }
        append(name, .reshape, output: Array(shape.dropFirst()))
    }
}

/// A node's constant inputs, by position.
struct NodeInputs {
    let node: Onnx_NodeProto
    let constants: [String: ConstantTensor]

    /// Input `i` when it is given and constant.
    func constant(_ i: Int) -> ConstantTensor? {
        i < node.input.count && !node.input[i].isEmpty ? constants[node.input[i]] : nil
    }

    /// Input `i` when it is a float constant: the ops here take float weights only.
    func float(_ i: Int) throws -> ConstantTensor? {
        guard let tensor = constant(i) else { return nil }
        guard !tensor.isInteger else {
            throw NodeProblem.invalid("input \(i) (\"\(node.input[i])\") has an integer element type; \(node.opType) takes "
                                      + "float tensors (quantised QDQ or QONNX models are not supported)")
        }
        return tensor
    }
}
