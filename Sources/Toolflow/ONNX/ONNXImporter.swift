import Foundation
import SwiftProtobuf

/// Reads an ONNX model into the sequential network IR.
///
/// Supported: ai.onnx opsets 7 to 21; Conv, Gemm, MatMul, Relu, MaxPool, AveragePool,
/// GlobalAveragePool, Flatten, Reshape, Squeeze, Unsqueeze, BatchNormalization (folded into
/// the Conv or Gemm before it), an Add of a constant after Conv, Gemm or MatMul (folded into
/// the bias), Softmax (last), Dropout and Identity (removed). Nodes whose inputs are all
/// constants are evaluated at import (`ConstantFolding`). The batch dimension must be 1 or
/// symbolic: inference runs image by image. Anything else is an error naming the node.
public enum ONNXImporter {
    public static let supportedOpsets = 7...21

    /// Imports the model in the file at `path`.
    public static func importModel(atPath path: String) throws(ToolflowError) -> Network {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw .unreadableFile(path: path, reason: error.reason) }
        return try importModel(data: data, path: path)
    }

    /// Imports a serialised `ModelProto`; `path` names it in errors.
    public static func importModel(data: Data, path: String = "model") throws(ToolflowError) -> Network {
        guard !data.isEmpty else { throw .malformedModel(path: path, reason: "the file is empty") }
        let model: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            model = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw .malformedModel(path: path, reason: "protobuf decoding failed (\(error)); the file is truncated or corrupted")
        }
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw .malformedModel(path: path, reason: "it has no graph or the graph has no nodes")
        }
        guard model.hasIrVersion, (3...12).contains(model.irVersion) else {
            throw .malformedModel(path: path, reason: "IR version \(model.irVersion) is missing or unknown")
        }
        let defaults = model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard let opset = defaults.first.map({ Int($0.version) }) else {
            throw .malformedModel(path: path, reason: "it imports no ai.onnx opset")
        }
        guard supportedOpsets.contains(opset) else { throw .unsupportedOpset(domain: "", version: opset) }
        var graphImporter = GraphImporter(path: path, opset: opset, fileSize: data.count)
        return try graphImporter.run(model.graph)
    }
}

/// The state of one import: constants known so far, the activation flowing through the
/// chain and the layers built from it.
private struct GraphImporter {
    let path: String
    let opset: Int
    var constants: [String: ConstantTensor] = [:]
    /// The name of the tensor that the next layer must read, and its shape with batch 1.
    var activation = ""
    var activationShape: [Int] = []
    /// Outputs that exist but cannot be used (MaxPool indices, Dropout masks, ...).
    var unusable: Set<String> = []
    var layers: [Layer] = []
    var foldingBudget: FoldingBudget

    init(path: String, opset: Int, fileSize: Int) {
        self.path = path; self.opset = opset; foldingBudget = FoldingBudget(fileSize: fileSize)
    }

    mutating func run(_ graph: Onnx_GraphProto) throws(ToolflowError) -> Network {
        for tensor in graph.initializer {
            do { constants[tensor.name] = try tensor.constantTensor() } catch {
                throw .malformedModel(path: path, reason: "initializer \"\(tensor.name)\": \(TensorDecodingError.text(of: error))")
            }
        }
        guard graph.sparseInitializer.isEmpty else {
            throw .malformedModel(path: path, reason: "sparse initializers are not supported")
        }
        let dynamicInputs = graph.input.filter { constants[$0.name] == nil }
        guard dynamicInputs.count == 1, let input = dynamicInputs.first else {
            throw .malformedModel(path: path, reason: "the graph has \(dynamicInputs.count) inputs besides its initializers; exactly one image input is supported")
        }
        activation = input.name
        activationShape = try inputShape(input)
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
    /// (symbolic dimensions match anything; the batch may be 1 or symbolic).
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

    /// The input's shape with the batch dimension set to 1.
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
        if case .dimValue(let batch)? = dims[0].value, batch != 1 {
            throw .malformedModel(path: path, reason: "input \"\(input.name)\" has a fixed batch size \(batch); only 1 or a symbolic batch is supported")
        }
        for (i, dim) in dims.enumerated().dropFirst() {
            guard case .dimValue(let value)? = dim.value, (1...(1 << 20)).contains(value) else {
                throw .malformedModel(path: path, reason: "dimension \(i) of input \"\(input.name)\" is not a fixed positive size")
            }
            shape.append(Int(value))
        }
        guard ConstantTensor.elementCount(shape, limit: ImportLimits.activationElements) != nil else {
            throw .malformedModel(path: path, reason: "input \"\(input.name)\" is too large")
        }
        return shape
    }

    // MARK: Nodes

    mutating func importNode(_ node: Onnx_NodeProto, name: String) throws {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw NodeProblem.unsupported("ops of domain \"\(node.domain)\" are not supported")
        }
        guard !node.output.isEmpty, !node.output[0].isEmpty else { throw NodeProblem.invalid("the node has no output") }
        let attributes = try NodeAttributes(node)
        for input in node.input where !input.isEmpty {
            if unusable.contains(input) { throw NodeProblem.unsupported("it reads \"\(input)\", a secondary output that is not supported") }
            guard constants[input] != nil || input == activation else {
                throw NodeProblem.unsupported("it reads \"\(input)\", which is neither a constant nor the output of the layer before it (only sequential networks are supported, with nodes in topological order)")
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
            throw NodeProblem.unsupported("it reads the activation \"\(activation)\" more than once")
        }
        let position = dynamic[0].offset
        func constant(_ i: Int) -> ConstantTensor? {
            i < node.input.count && !node.input[i].isEmpty ? constants[node.input[i]] : nil
        }
        let expectedPosition = node.opType == "Add" ? position : 0
        guard position == expectedPosition else {
            throw NodeProblem.unsupported("the activation must be its first input, not input \(position)")
        }
        /// Input `i` when it is a float constant: the ops here take float weights only.
        func floatConstant(_ i: Int) throws -> ConstantTensor? {
            guard let tensor = constant(i) else { return nil }
            guard !tensor.isInteger else {
                throw NodeProblem.invalid("input \(i) (\"\(node.input[i])\") has an integer element type; \(node.opType) takes "
                                          + "float tensors (quantised QDQ or QONNX models are not supported)")
            }
            return tensor
        }
        let layerCount = layers.count
        switch node.opType {
        case "Identity":
            break
        case "Dropout":
            if opset >= 12, let training = constant(2), training.values.first ?? 0 != 0 {
                throw NodeProblem.unsupported("Dropout in training mode")
            }
        case "Conv": try importConv(name, attributes, weights: floatConstant(1), bias: floatConstant(2))
        case "Gemm": try importGemm(name, attributes, b: floatConstant(1), c: floatConstant(2))
        case "MatMul": try importMatMul(name, b: floatConstant(1))
        case "Add": try foldAdd(floatConstant(1 - position))
        case "BatchNormalization": try foldBatchNorm(attributes, floatConstant(1), floatConstant(2), floatConstant(3), floatConstant(4))
        case "Relu": importRelu(name)
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
            guard let target = constant(1) else { throw NodeProblem.invalid("the shape input is missing") }
            let allowZero = try opset >= 14 && attributes.flag("allowzero", default: false)
            try reshape(name, to: try ConstantFolding.reshapedShape(activationShape, target: target.integers, allowZero: allowZero))
        case "Squeeze", "Unsqueeze":
            var axes = opset >= 13 ? constant(1)?.integers : try attributes.ints("axes")
            if node.opType == "Squeeze" && axes == nil {
                axes = activationShape.indices.dropFirst().filter { activationShape[$0] == 1 }   // keep the batch
            }
            let shape = node.opType == "Squeeze" ? try ConstantFolding.squeezedShape(activationShape, axes: axes)
                                                 : try ConstantFolding.unsqueezedShape(activationShape, axes: axes ?? [])
            try reshape(name, to: shape)
        case "Softmax": try importSoftmax(name, attributes)
        default:
            throw NodeProblem.unsupported("the op is not supported; supported ops: Conv, Gemm, MatMul, Add (bias), BatchNormalization, Relu, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Squeeze, Unsqueeze, Softmax, Dropout, Identity, and constant computations")
        }
        for layer in layers[layerCount...] { try ImportLimits.check(layer) }
        activation = node.output[0]
        for extra in node.output.dropFirst() where !extra.isEmpty { unusable.insert(extra) }
    }

    /// Adds a layer reading the current activation; `output` is its per-image shape.
    mutating func append(_ name: String, _ operation: Layer.Operation, output: [Int]) {
        layers.append(Layer(name: name, operation: operation, inputShape: Array(activationShape.dropFirst()), outputShape: output))
        activationShape = [1] + output
    }

    mutating func reshape(_ name: String, to shape: [Int]) throws {
        guard shape.first == 1 else {
            throw NodeProblem.unsupported("the result shape \(shape) moves the batch dimension (only reshapes that keep a batch dimension of 1 are supported)")
        }
        guard shape != activationShape else { return }
        append(name, .reshape, output: Array(shape.dropFirst()))
    }

    // MARK: Layers with weights

    /// The 2-D window of a Conv or pool from kernel_shape, strides, dilations, pads and auto_pad.
    func window(_ a: NodeAttributes, kernel: [Int], allowDilation: Bool = true) throws -> Window2D {
        guard activationShape.count == 4 else {
            throw NodeProblem.unsupported("only 2-D feature maps (NCHW, rank 4) are supported; the input has shape \(activationShape)")
        }
        guard kernel.count == 2 else { throw NodeProblem.unsupported("only 2-D kernels are supported, not \(kernel)") }
        let strides = try a.ints("strides") ?? [1, 1]
        let dilations = allowDilation ? (try a.ints("dilations") ?? [1, 1]) : [1, 1]
        guard strides.count == 2, dilations.count == 2 else { throw NodeProblem.invalid("strides and dilations must have 2 values") }
        var w = Window2D(kernelHeight: kernel[0], kernelWidth: kernel[1], strideY: strides[0], strideX: strides[1],
                         dilationY: dilations[0], dilationX: dilations[1])
        let autoPad = try a.string("auto_pad", default: "NOTSET")
        switch autoPad {
        case "NOTSET":
            let pads = try a.ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4 else { throw NodeProblem.invalid("pads must have 4 values, not \(pads)") }
            (w.padTop, w.padLeft, w.padBottom, w.padRight) = (pads[0], pads[1], pads[2], pads[3])
        case "VALID":
            break
        case "SAME_UPPER", "SAME_LOWER":
            guard w.isPlausible else { throw NodeProblem.invalid("kernel, strides or dilations out of range") }
            func pad(_ size: Int, _ stride: Int, _ extent: Int) -> (Int, Int) {
                let out = (size + stride - 1) / stride
                let total = max(0, (out - 1) * stride + extent - size)
                return autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
            }
            (w.padTop, w.padBottom) = pad(activationShape[2], w.strideY, w.extentY)
            (w.padLeft, w.padRight) = pad(activationShape[3], w.strideX, w.extentX)
        default:
            throw NodeProblem.invalid("unknown auto_pad \"\(autoPad)\"")
        }
        guard w.isPlausible else { throw NodeProblem.invalid("kernel \(kernel), strides \(strides), dilations \(dilations) or pads are out of range") }
        guard w.outputSize(height: activationShape[2], width: activationShape[3]) != nil else {
            throw NodeProblem.invalid("the window \(kernel) does not fit the input \(activationShape)")
        }
        return w
    }

    mutating func importConv(_ name: String, _ a: NodeAttributes, weights: ConstantTensor?, bias: ConstantTensor?) throws {
        guard let weights else { throw NodeProblem.unsupported("the weights must be a constant") }
        guard weights.shape.count == 4 else { throw NodeProblem.unsupported("only 2-D convolutions are supported (weights of shape \(weights.shape))") }
        guard activationShape.count == 4 else { throw NodeProblem.unsupported("only NCHW inputs are supported, not \(activationShape)") }
        let groups = try a.int("group", default: 1)
        let (outChannels, groupChannels) = (weights.shape[0], weights.shape[1])
        let inChannels = activationShape[1]
        guard groups >= 1, groups <= inChannels, outChannels % groups == 0, groupChannels * groups == inChannels else {
            throw NodeProblem.invalid("weights of shape \(weights.shape) with group \(groups) do not fit an input of \(inChannels) channels")
        }
        let kernel = Array(weights.shape[2...])
        if let declared = try a.ints("kernel_shape"), declared != kernel {
            throw NodeProblem.invalid("kernel_shape \(declared) differs from the weights' \(kernel)")
        }
        let window = try window(a, kernel: kernel)
        var biasValues = [Float](repeating: 0, count: outChannels)
        if let bias {
            guard bias.count == outChannels else { throw NodeProblem.invalid("the bias has \(bias.count) values for \(outChannels) output channels") }
            biasValues = bias.floats
        }
        let conv = Convolution(inputChannels: inChannels, outputChannels: outChannels, window: window, groups: groups,
                               weights: weights.floats, bias: biasValues)
        guard let output = conv.outputShape(for: Array(activationShape.dropFirst())) else { throw NodeProblem.invalid("the kernel does not fit the input") }
        append(name, .convolution(conv), output: output)
    }

    mutating func importGemm(_ name: String, _ a: NodeAttributes, b: ConstantTensor?, c: ConstantTensor?) throws {
        guard let b else { throw NodeProblem.unsupported("B must be a constant (the weights)") }
        guard activationShape.count == 2 else { throw NodeProblem.invalid("A must be 2-D, not \(activationShape) (add a Flatten)") }
        guard try !a.flag("transA", default: false) else { throw NodeProblem.unsupported("transA = 1 on the activation") }
        guard b.shape.count == 2 else { throw NodeProblem.invalid("B must be 2-D, not \(b.shape)") }
        let transB = try a.flag("transB", default: false)
        let alpha = Double(try a.float("alpha", default: 1)), beta = Double(try a.float("beta", default: 1))
        let k = activationShape[1]
        let (bk, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard bk == k else { throw NodeProblem.invalid("B of shape \(b.shape) (transB \(transB ? 1 : 0)) does not fit an input of \(k) features") }
        var weights = [Float](repeating: 0, count: n * k)
        for row in 0..<n {
            for col in 0..<k {
                weights[row * k + col] = Float(alpha * b.values[transB ? row * k + col : col * n + row])
            }
        }
        var bias = [Float](repeating: 0, count: n)
        if let c {
            guard let values = perChannel(c, channels: n, channelAxis: 1) else {
                throw NodeProblem.unsupported("C of shape \(c.shape) does not broadcast to one bias per output (\(n))")
            }
            bias = values.map { Float(beta * $0) }
        }
        append(name, .fullyConnected(FullyConnected(inputFeatures: k, outputFeatures: n, weights: weights, bias: bias)), output: [n])
    }

    mutating func importMatMul(_ name: String, b: ConstantTensor?) throws {
        guard let b else { throw NodeProblem.unsupported("the second input must be a constant (the weights)") }
        guard activationShape.count == 2 else { throw NodeProblem.unsupported("only a 2-D activation [1, K] is supported, not \(activationShape)") }
        guard b.shape.count == 2, b.shape[0] == activationShape[1] else {
            throw NodeProblem.invalid("B of shape \(b.shape) does not fit an input of \(activationShape[1]) features")
        }
        let (k, n) = (b.shape[0], b.shape[1])
        var weights = [Float](repeating: 0, count: n * k)
        for row in 0..<n { for col in 0..<k { weights[row * k + col] = Float(b.values[col * n + row]) } }
        let fc = FullyConnected(inputFeatures: k, outputFeatures: n, weights: weights, bias: .init(repeating: 0, count: n))
        append(name, .fullyConnected(fc), output: [n])
    }

    /// The values of `c` when it broadcasts onto the activation varying only along
    /// `channelAxis` (of the batch-1 shape), one per channel; nil otherwise.
    func perChannel(_ c: ConstantTensor, channels: Int, channelAxis: Int) -> [Double]? {
        let rank = activationShape.count
        guard c.shape.count <= rank else { return nil }
        let aligned = Array(repeating: 1, count: rank - c.shape.count) + c.shape
        for (axis, dim) in aligned.enumerated() where dim != 1 && !(axis == channelAxis && dim == channels) {
            return nil
        }
        return aligned[channelAxis] == 1 ? Array(repeating: c.values[0], count: channels) : c.values
    }

    /// The layer that a bias or batch norm folds into: the last layer, when it is a CONV or
    /// FC without a fused ReLU.
    func foldTarget() throws -> Int {
        guard let last = layers.indices.last else { throw NodeProblem.unsupported("it must follow a Conv, Gemm or MatMul directly (to be folded into it)") }
        switch layers[last].operation {
        case .convolution(let c) where !c.fusedReLU: return last
        case .fullyConnected(let f) where !f.fusedReLU: return last
        default: throw NodeProblem.unsupported("it must follow a Conv, Gemm or MatMul directly (to be folded into it), not \(layers[last].summary)")
        }
    }

    mutating func foldAdd(_ addend: ConstantTensor?) throws {
        guard let addend else { throw NodeProblem.unsupported("only an Add of a constant (a bias) is supported") }
        let target = try foldTarget()
        switch layers[target].operation {
        case .convolution(var conv):
            guard let values = perChannel(addend, channels: conv.outputChannels, channelAxis: 1) else {
                throw NodeProblem.unsupported("the constant of shape \(addend.shape) is not one value per output channel")
            }
            for i in conv.bias.indices { conv.bias[i] += Float(values[i]) }
            layers[target].operation = .convolution(conv)
        case .fullyConnected(var fc):
            guard let values = perChannel(addend, channels: fc.outputFeatures, channelAxis: 1) else {
                throw NodeProblem.unsupported("the constant of shape \(addend.shape) is not one value per output")
            }
            for i in fc.bias.indices { fc.bias[i] += Float(values[i]) }
            layers[target].operation = .fullyConnected(fc)
        default: break
        }
    }

    mutating func foldBatchNorm(_ a: NodeAttributes, _ scale: ConstantTensor?, _ shift: ConstantTensor?,
                                _ mean: ConstantTensor?, _ variance: ConstantTensor?) throws {
        guard let scale, let shift, let mean, let variance else { throw NodeProblem.unsupported("scale, B, mean and var must be constants") }
        if opset >= 14, try a.flag("training_mode", default: false) { throw NodeProblem.unsupported("training_mode = 1") }
        if opset < 9, try !a.flag("spatial", default: true) { throw NodeProblem.unsupported("spatial = 0") }
        let epsilon = Double(try a.float("epsilon", default: 1e-5))
        let target = try foldTarget()
        let channels = activationShape[1]
        guard [scale, shift, mean, variance].allSatisfy({ $0.count == channels }) else {
            throw NodeProblem.invalid("scale, B, mean and var must each have \(channels) values")
        }
        // y = (x − mean)·s/√(var+ε) + B, folded into weights and bias of the layer before.
        let factor = (0..<channels).map { scale.values[$0] / (variance.values[$0] + epsilon).squareRoot() }
        func fold(_ weights: inout [Float], _ bias: inout [Float]) {
            let perChannel = weights.count / channels
            for c in 0..<channels {
                for i in 0..<perChannel { weights[c * perChannel + i] = Float(Double(weights[c * perChannel + i]) * factor[c]) }
                bias[c] = Float((Double(bias[c]) - mean.values[c]) * factor[c] + shift.values[c])
            }
        }
        switch layers[target].operation {
        case .convolution(var conv):
            fold(&conv.weights, &conv.bias); layers[target].operation = .convolution(conv)
        case .fullyConnected(var fc):
            fold(&fc.weights, &fc.bias); layers[target].operation = .fullyConnected(fc)
        default: break
        }
    }

    // MARK: Other layers

    mutating func importRelu(_ name: String) {
        if let last = layers.indices.last {
            switch layers[last].operation {
            case .convolution(var conv) where !conv.fusedReLU:
                conv.fusedReLU = true; layers[last].operation = .convolution(conv); return
            case .fullyConnected(var fc) where !fc.fusedReLU:
                fc.fusedReLU = true; layers[last].operation = .fullyConnected(fc); return
            default: break
            }
        }
        append(name, .relu, output: Array(activationShape.dropFirst()))
    }

    mutating func importPool(_ name: String, op: String, _ a: NodeAttributes) throws {
        guard let kernel = try a.ints("kernel_shape") else { throw NodeProblem.invalid("kernel_shape is missing") }
        let dilations = op == "MaxPool" ? opset >= 10 : opset >= 19
        var w = try window(a, kernel: kernel, allowDilation: dilations)
        let ceilMode = opset >= 10 ? try a.flag("ceil_mode", default: false) : false
        let countPad = try op == "AveragePool" && a.flag("count_include_pad", default: false)
        if ceilMode {
            guard op == "MaxPool" else { throw NodeProblem.unsupported("ceil_mode = 1 is supported for MaxPool only") }
            // Extend the bottom and right padding so that the floor rule gives the ceil size;
            // a window may not start past the input and its left padding.
            func extra(_ size: Int, _ padBegin: Int, _ padEnd: Int, _ stride: Int, _ extent: Int) -> Int {
                let span = size + padBegin + padEnd - extent
                var out = (span + stride - 1) / stride + 1
                if (out - 1) * stride >= size + padBegin { out -= 1 }
                return max(0, (out - 1) * stride + extent - (size + padBegin + padEnd))
            }
            w.padBottom += extra(activationShape[2], w.padTop, w.padBottom, w.strideY, w.extentY)
            w.padRight += extra(activationShape[3], w.padLeft, w.padRight, w.strideX, w.extentX)
        }
        let pooling = Pooling(window: w, countIncludesPadding: countPad)
        let input = Array(activationShape.dropFirst())
        guard let output = pooling.outputShape(for: input) else { throw NodeProblem.invalid("the window does not fit the input") }
        try ImportLimits.checkWindowTable(positions: output[1] * output[2], area: w.kernelHeight * w.kernelWidth)
        guard pooling.windowTable(inputShape: input) != nil else {
            throw NodeProblem.invalid("some pooling window lies entirely in the padding")
        }
        append(name, op == "MaxPool" ? .maxPool(pooling) : .averagePool(pooling), output: output)
    }

    mutating func importSoftmax(_ name: String, _ a: NodeAttributes) throws {
        let rank = activationShape.count
        let axis = try ConstantFolding.normalizedAxis(try a.int("axis", default: opset >= 13 ? -1 : 1), rank: rank)
        // Opsets before 13 flatten from `axis` on; 13 and later normalise along `axis` alone.
        let overAllFeatures = opset < 13 ? axis == 1 : activationShape.indices.allSatisfy { $0 == 0 || $0 == axis || activationShape[$0] == 1 }
        guard overAllFeatures, axis >= 1 else {
            throw NodeProblem.unsupported("Softmax on axis \(axis) of \(activationShape) is not over all the features of an image")
        }
        append(name, .softmax, output: Array(activationShape.dropFirst()))
    }
}
