import Foundation

/// The state of one import: constants known so far, the activation flowing through the
/// chain and the layers built from it. Shapes carry the model's batch dimension first: its
/// fixed size N, or 1 when it is symbolic, so that shape computations fold as the model
/// would compute them; layers get the per-image shape without it.
struct GraphImporter {
    let path: String
    let opset: Int
    var constants: [String: ConstantTensor] = [:]
    /// The size of the batch dimension in shape computations (N, or 1 when symbolic).
    var batch = 1
    /// The name of the tensor that the next layer must read, and its shape with the batch.
    var activation = ""
    var activationShape: [Int] = []
    /// Outputs that exist but cannot be used (MaxPool indices, Dropout masks, ...).
    var unusable: Set<String> = []
    var layers: [Layer] = []
    var foldingBudget: FoldingBudget
    var externalData: ExternalData
    let fileSize: Int

    init(path: String, opset: Int, fileSize: Int, externalData: ExternalData) {
        self.path = path; self.opset = opset; self.fileSize = fileSize; self.externalData = externalData
        foldingBudget = FoldingBudget(fileSize: fileSize)
    }

    mutating func run(_ graph: Onnx_GraphProto) throws(ToolflowError) -> Network {
        for tensor in graph.initializer {
            do {
                let inline = try externalData.inlined(tensor)
                constants[tensor.name] = try inline.constantTensor()
            } catch {
                throw .malformedModel(path: path, reason: "initializer \"\(tensor.name)\": \(TensorDecodingError.text(of: error))")
            }
        }
        // Folding may create as much as the file and its external data hold.
        foldingBudget = FoldingBudget(fileSize: fileSize + externalData.bytesRead)
        guard graph.sparseInitializer.isEmpty else {
            throw .malformedModel(path: path, reason: "sparse initializers are not supported")
        }
        let dynamicInputs = graph.input.filter { constants[$0.name] == nil }
        guard dynamicInputs.count == 1, let input = dynamicInputs.first else {
            throw .malformedModel(path: path, reason: "the graph has \(dynamicInputs.count) inputs besides its initializers; exactly one image input is supported")
        }
        activation = input.name
        activationShape = try inputShape(input)
        batch = activationShape[0]
        let imageShape = Array(activationShape.dropFirst())

        for (index, node) in graph.node.enumerated() {
            let name = node.name.isEmpty ? "#\(index) \(node.output.first ?? "")" : node.name
            do {
                try importNode(node, name: name)
            } catch let problem as NodeProblem {
                switch problem {
                case .unsupported(let reason): throw .unsupportedNode(name: name, op: node.opType, opset: opset, reason: reason)
                case .invalid(let reason): throw .invalidNode(name: name, op: node.opType, opset: opset, reason: reason)
                }
            } catch {
                throw .invalidNode(name: name, op: node.opType, opset: opset, reason: "\(error)")
            }
        }

        guard graph.output.count == 1, let output = graph.output.first else {
            throw .malformedModel(path: path, reason: "the graph has \(graph.output.count) outputs; exactly one is supported")
        }
        guard output.name == activation else {
            throw .malformedModel(path: path, reason: "the graph output \"\(output.name)\" is not the output of the last layer (\"\(activation)\")")
        }
        try checkDeclaredShape(of: output)
        try checkParameters()
        if let i = layers.firstIndex(where: { if case .softmax = $0.operation { true } else { false } }), i != layers.count - 1 {
            throw .unsupportedNode(name: layers[i].name, op: "Softmax", opset: opset, reason: "Softmax is supported only as the last layer")
        }
        return Network(name: graph.name.isEmpty ? "model" : graph.name, inputShape: imageShape, layers: layers)
    }

    /// Refuses a graph output whose declared shape differs from what the layers compute
    /// (symbolic dimensions match anything).
    func checkDeclaredShape(of output: Onnx_ValueInfoProto) throws(ToolflowError) {
        guard case .tensorType(let tensor)? = output.type.value, tensor.hasShape else { return }
        let declared = tensor.shape.dim.map { dim -> Int? in
            if case .dimValue(let value)? = dim.value { return Int(value) } else { return nil }
        }
        let matches = declared.count == activationShape.count
            && zip(declared, activationShape).allSatisfy { declared, actual in declared.map { $0 == actual } ?? true }
        guard matches else {
            let text = declared.map { $0.map(String.init) ?? "?" }.joined(separator: ", ")
            throw .malformedModel(path: path, reason: "the graph output \"\(output.name)\" is declared with shape [\(text)] but the layers compute \(activationShape)")
        }
    }

    /// Refuses weights and biases that are not finite or lie outside `ImportLimits.parameter`,
    /// naming the layer; checked once every batch norm has been folded into them.
    func checkParameters() throws(ToolflowError) {
        for layer in layers {
            let parameters: (weights: [Float], bias: [Float])
            switch layer.operation {
            case .convolution(let conv): parameters = (conv.weights, conv.bias)
            case .fullyConnected(let fc): parameters = (fc.weights, fc.bias)
            default: continue
            }
            for (kind, values) in [("weight", parameters.weights), ("bias", parameters.bias)] {
                if let bad = values.firstIndex(where: { !$0.isFinite || abs($0) > ImportLimits.parameter }) {
                    throw .malformedModel(path: path, reason: "layer \"\(layer.name)\": \(kind) \(bad) is \(values[bad]); "
                                          + "weights and biases must be finite numbers within ±\(ImportLimits.parameter)")
                }
            }
        }
    }

    /// The input's shape with its batch dimension: the fixed size, or 1 when symbolic.
    func inputShape(_ input: Onnx_ValueInfoProto) throws(ToolflowError) -> [Int] {
        guard case .tensorType(let tensor)? = input.type.value else {
            throw .malformedModel(path: path, reason: "input \"\(input.name)\" is not a tensor")
        }
        guard tensor.elemType == Onnx_TensorProto.DataType.float.rawValue else {
            throw .malformedModel(path: path, reason: "input \"\(input.name)\" has element type \(tensor.elemType); only float32 inputs are supported")
        }
        let dims = tensor.shape.dim
        guard dims.count >= 2 else {
            throw .malformedModel(path: path, reason: "input \"\(input.name)\" has rank \(dims.count); expected a batch dimension and an image shape")
        }
        var shape = [1]
        if case .dimValue(let batch)? = dims[0].value {
            guard (1...(1 << 20)).contains(batch) else {
                throw .malformedModel(path: path, reason: "input \"\(input.name)\" has a batch dimension of \(batch); expected a positive size or a symbolic one")
            }
            shape = [Int(batch)]
        }
        for (i, dim) in dims.enumerated().dropFirst() {
            guard case .dimValue(let value)? = dim.value, (1...(1 << 20)).contains(value) else {
                throw .malformedModel(path: path, reason: "dimension \(i) of input \"\(input.name)\" is not a fixed positive size")
            }
            shape.append(Int(value))
        }
        guard ConstantTensor.elementCount(Array(shape.dropFirst()), limit: ImportLimits.activationElements) != nil else {
            throw .malformedModel(path: path, reason: "input \"\(input.name)\" is too large")
        }
        return shape
    }
}
