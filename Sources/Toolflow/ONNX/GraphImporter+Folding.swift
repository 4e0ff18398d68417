import Foundation

/// Nodes folded into the layer before them (a bias Add, a batch norm) and the activations
/// (Relu, and Clip and LeakyRelu where they are a ReLU or nothing).
extension GraphImporter {
    /// The last layer when it is a CONV or FC without a fused ReLU, which a bias or a batch
    /// norm folds into; nil otherwise.
    var foldableLayer: Int? {
        guard let last = layers.indices.last else { return nil }
        switch layers[last].operation {
        case .convolution(let c) where !c.fusedReLU: return last
        case .fullyConnected(let f) where !f.fusedReLU: return last
        default: return nil
        }
    }

    mutating func foldAdd(_ addend: ConstantTensor?) throws {
        guard let addend else { throw NodeProblem.unsupported("only an Add of a constant (a bias) is supported") }
        guard let target = foldableLayer else {
            let after = layers.last.map { ", not \($0.summary)" } ?? ""
            throw NodeProblem.unsupported("an Add of a constant must follow a Conv, Gemm or MatMul directly (to be folded into its bias)\(after)")
        }
        let channels = layers[target].outputShape[0]
        guard let values = perChannel(addend, channels: channels, channelAxis: 1) else {
            throw NodeProblem.unsupported("the constant of shape \(addend.shape) is not one value per output channel (\(channels))")
        }
        layers[target].update { _, bias in for i in bias.indices { bias[i] += Float(values[i]) } }
    }

    /// BatchNormalization in inference mode, `y = (x − mean)·scale/√(var+ε) + B` per channel:
    /// folded into the CONV or FC before it, or else a depthwise 1×1 convolution.
    mutating func importBatchNorm(_ name: String, _ a: NodeAttributes, _ scale: ConstantTensor?, _ shift: ConstantTensor?,
                                  _ mean: ConstantTensor?, _ variance: ConstantTensor?) throws {
        guard let scale, let shift, let mean, let variance else { throw NodeProblem.unsupported("scale, B, mean and var must be constants") }
        if opset >= 14, try a.flag("training_mode", default: false) { throw NodeProblem.unsupported("training_mode = 1") }
        if opset < 9, try !a.flag("spatial", default: true) { throw NodeProblem.unsupported("spatial = 0") }
        let epsilon = Double(try a.float("epsilon", default: 1e-5))
        guard activationShape.count >= 2 else { throw NodeProblem.invalid("the input \(activationShape) has no channel dimension") }
        let channels = activationShape[1]
        guard [scale, shift, mean, variance].allSatisfy({ $0.count == channels }) else {
            throw NodeProblem.invalid("scale, B, mean and var must each have \(channels) values")
        }
        let factor = (0..<channels).map { scale.values[$0] / (variance.values[$0] + epsilon).squareRoot() }
        let offset = (0..<channels).map { shift.values[$0] - mean.values[$0] * factor[$0] }
        guard let target = foldableLayer else {
            try appendChannelScaling(name, factor: factor, offset: offset)
            return
        }
        layers[target].update { weights, bias in
            let perChannel = weights.count / channels
            for c in 0..<channels {
                for i in 0..<perChannel { weights[c * perChannel + i] = Float(Double(weights[c * perChannel + i]) * factor[c]) }
                bias[c] = Float(Double(bias[c]) * factor[c] + offset[c])
            }
        }
    }

    /// `y = factor·x + offset` per channel as a depthwise 1×1 convolution; an activation that
    /// is not `[C, H, W]` is reshaped to `[C, positions, 1]` around it.
    mutating func appendChannelScaling(_ name: String, factor: [Double], offset: [Double]) throws {
        let image = Array(activationShape.dropFirst()), channels = image[0]
        let positions = image.dropFirst().reduce(1, *)
        if image.count != 3 { try reshape("\(name) (as channels × positions × 1)", to: [batch, channels, positions, 1]) }
        let conv = Convolution(inputChannels: channels, outputChannels: channels, window: Window2D(kernelHeight: 1, kernelWidth: 1),
                               groups: channels, weights: factor.map { Float($0) }, bias: offset.map { Float($0) })
        append(name, .convolution(conv), output: Array(activationShape.dropFirst()))
        if image.count != 3 { try reshape("\(name) (shape restored)", to: [batch] + image) }
    }

    mutating func importRelu(_ name: String) {
        if let last = layers.indices.last, layers[last].fuseReLU() { return }
        append(name, .relu, output: Array(activationShape.dropFirst()))
    }

    /// Clip(0, ∞) is a ReLU and an unbounded Clip nothing; other bounds are refused (the IR's
    /// activations have no saturation). The bounds are attributes before opset 11, inputs after.
    mutating func importClip(_ name: String, _ a: NodeAttributes, _ inputs: NodeInputs) throws {
        func bound(_ attribute: String, _ input: Int, _ unbounded: Float) throws -> Float {
            if opset < 11 { return try a.float(attribute, default: unbounded) }
            guard let tensor = try inputs.float(input) else { return unbounded }
            guard tensor.count == 1 else { throw NodeProblem.invalid("\(attribute) must be a scalar, not of shape \(tensor.shape)") }
            return Float(tensor.values[0])
        }
        let low = try bound("min", 1, -.infinity), high = try bound("max", 2, .infinity)
        let noLow = low <= -.greatestFiniteMagnitude, noHigh = high >= .greatestFiniteMagnitude
        switch (low, noLow, noHigh) {
        case (_, true, true): return
        case (0, _, true): importRelu(name)
        case (0, _, false):
            throw NodeProblem.unsupported("Clip(0, \(high)) (a ReLU\(high == 6 ? "6" : "") saturating at \(high)) is not supported: "
                                          + "the network IR's ReLU has no upper bound")
        default:
            throw NodeProblem.unsupported("Clip to [\(low), \(high)] is not supported: only Clip(0, ∞) (a ReLU) and a Clip without bounds are")
        }
    }

    /// LeakyRelu with alpha 0 is a ReLU and with alpha 1 nothing; a slope is refused.
    mutating func importLeakyRelu(_ name: String, _ a: NodeAttributes) throws {
        let alpha = try a.float("alpha", default: 0.01)
        switch alpha {
        case 0: importRelu(name)
        case 1: return
        default:
            throw NodeProblem.unsupported("LeakyRelu with alpha \(alpha) is not supported: the network IR has no leaky activation (only ReLU, which alpha 0 is)")
        }
    }
}

extension Layer {
    /// Applies `change` to the weights and biases of a CONV or FC layer.
    mutating func update(_ change: (inout [Float], inout [Float]) -> Void) {
        switch operation {
        case .convolution(var conv): change(&conv.weights, &conv.bias); operation = .convolution(conv)
        case .fullyConnected(var fc): change(&fc.weights, &fc.bias); operation = .fullyConnected(fc)
        default: break
        }
    }

    /// Fuses a ReLU into a CONV or FC layer that has none; false for any other layer.
    mutating func fuseReLU() -> Bool {
        switch operation {
        case .convolution(var conv) where !conv.fusedReLU: conv.fusedReLU = true; operation = .convolution(conv)
        case .fullyConnected(var fc) where !fc.fusedReLU: fc.fusedReLU = true; operation = .fullyConnected(fc)
        default: return false
        }
        return true
    }
}
