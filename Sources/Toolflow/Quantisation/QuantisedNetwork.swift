import FixedPoint

/// A network whose CONV and FC parameters are fixed-point words: what the accelerator's
/// weight memory holds. Weights and biases are quantised from the float model with
/// `FixedPointFormat.quantize`, or, for the LPU, derived from the HPU's words with
/// `FixedPointFormat.requantize` (the weight-truncation unit).
public struct QuantisedNetwork: Sendable {
    public let network: Network
    public let quantisation: Quantisation
    /// Per layer (empty for layers without weights): weight words in the layout of the IR.
    public let weights: [[Int]]
    /// Per layer: bias words in the layer's bias format.
    public let biases: [[Int]]

    /// Quantises the float parameters of `network` with `quantisation`.
    public init(network: Network, quantisation: Quantisation) throws(ToolflowError) {
        try quantisation.validate(for: network)
        var weights: [[Int]] = [], biases: [[Int]] = []
        var entries = quantisation.layers.makeIterator()
        for layer in network.layers {
            let (w, b): ([Float], [Float])
            switch layer.operation {
            case .convolution(let conv): (w, b) = (conv.weights, conv.bias)
            case .fullyConnected(let fc): (w, b) = (fc.weights, fc.bias)
            default: weights.append([]); biases.append([]); continue
            }
            let entry = entries.next()!
            weights.append(w.map { entry.weights.quantize(Double($0)) })
            biases.append(b.map { entry.bias.quantize(Double($0)) })
        }
        self.init(network: network, quantisation: quantisation, weights: weights, biases: biases)
    }

    init(network: Network, quantisation: Quantisation, weights: [[Int]], biases: [[Int]]) {
        self.network = network; self.quantisation = quantisation; self.weights = weights; self.biases = biases
    }

    /// The LPU's network: the same layers with `lowPrecision`'s formats, every weight and bias
    /// word derived from this (HPU) network's word by
    /// `lowFormat.requantize(word, fromFractionBits: highFormat.fractionBits, rounding:)`,
    /// as the weight-truncation unit does at run time.
    public func derivingLowPrecision(_ lowPrecision: Quantisation, rounding: Rounding) throws(ToolflowError) -> QuantisedNetwork {
        try lowPrecision.validate(for: network)
        var weights = self.weights, biases = self.biases
        for (index, (high, low)) in zip(network.weightedLayerIndices, zip(quantisation.layers, lowPrecision.layers)) {
            weights[index] = weights[index].map { low.weights.requantize($0, fromFractionBits: high.weights.fractionBits, rounding: rounding) }
            biases[index] = biases[index].map { low.bias.requantize($0, fromFractionBits: high.bias.fractionBits, rounding: rounding) }
        }
        return QuantisedNetwork(network: network, quantisation: lowPrecision, weights: weights, biases: biases)
    }

    /// The format of every layer's output (pooling, ReLU and reshape keep their input's).
    public var outputFormats: [FixedPointFormat] {
        var formats: [FixedPointFormat] = []
        var current = quantisation.input
        var entries = quantisation.layers.makeIterator()
        for layer in network.layers {
            if layer.hasWeights { current = entries.next()!.output }
            formats.append(current)
        }
        return formats
    }
}
