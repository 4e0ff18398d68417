import Foundation

/// The layers with weights: Conv, Gemm and MatMul, and the window of a Conv or pooling.
extension GraphImporter {
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
        guard try !a.flag("transA", default: false) else {
            throw NodeProblem.unsupported("transA = 1 makes the batch dimension of A the reduction; the network is defined per image")
        }
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
        if let c { bias = try gemmBias(c, outputs: n).map { Float(beta * $0) } }
        append(name, .fullyConnected(FullyConnected(inputFeatures: k, outputFeatures: n, weights: weights, bias: bias)), output: [n])
    }

    /// Gemm's C as one bias per output: C broadcasts to `[batch, outputs]`, and a matrix C
    /// must give every image of the batch the same row.
    func gemmBias(_ c: ConstantTensor, outputs n: Int) throws -> [Double] {
        if let values = perChannel(c, channels: n, channelAxis: 1) { return values }
        guard c.shape.count == 2, c.shape[0] == batch, c.shape[1] == n || c.shape[1] == 1 else {
            throw NodeProblem.invalid("C of shape \(c.shape) does not broadcast to the output [\(batch), \(n)]")
        }
        let row = Array(c.values[..<c.shape[1]])
        guard (0..<c.count).allSatisfy({ c.values[$0] == row[$0 % row.count] }) else {
            throw NodeProblem.unsupported("C of shape \(c.shape) gives the images of the batch different biases; the network is defined per image")
        }
        return row.count == n ? row : Array(repeating: row[0], count: n)
    }

    mutating func importMatMul(_ name: String, b: ConstantTensor?) throws {
        guard let b else { throw NodeProblem.unsupported("the second input must be a constant (the weights)") }
        guard activationShape.count == 2 else { throw NodeProblem.unsupported("only a 2-D activation [N, K] is supported, not \(activationShape)") }
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
    /// `channelAxis`, one per channel; nil otherwise.
    func perChannel(_ c: ConstantTensor, channels: Int, channelAxis: Int) -> [Double]? {
        let rank = activationShape.count
        guard c.shape.count <= rank else { return nil }
        let aligned = Array(repeating: 1, count: rank - c.shape.count) + c.shape
        for (axis, dim) in aligned.enumerated() where dim != 1 && !(axis == channelAxis && dim == channels) {
            return nil
        }
        return aligned[channelAxis] == 1 ? Array(repeating: c.values[0], count: channels) : c.values
    }
}
