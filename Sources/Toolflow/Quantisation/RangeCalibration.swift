import FixedPoint
import Foundation

/// A simple per-layer range calibration: every format gets the most fraction bits that
/// still hold the largest magnitude seen, `f = w − 1 − ⌈log2 max|x|⌉`: weights from their
/// values, activations from the float outputs of each layer (after its fused ReLU) on a
/// data set. Biases get the accumulator's fraction bits `f_a + f_w` (already aligned) and
/// the wordlength that holds them, at most 32 bits. A starting point that users can edit;
/// the search for the best quantisation is a later step.
public enum RangeCalibration {
    /// The calibrated quantisation of `network` at `wordlength`, from the images of `data`.
    public static func quantisation(for network: Network, data: Dataset, wordlength: Int) throws(ToolflowError) -> Quantisation {
        guard Quantisation.wordlengths.contains(wordlength) else {
            throw .invalidQuantisation("wordlength \(wordlength) is outside \(Quantisation.wordlengths.lowerBound)...\(Quantisation.wordlengths.upperBound)")
        }
        try data.validate(for: network)
        let ranges = activationRanges(of: network, data: data)
        return quantisation(for: network, wordlength: wordlength, inputRange: ranges.input, outputRanges: ranges.outputs)
    }

    /// The quantisation for given largest magnitudes of the input and of every layer's output.
    public static func quantisation(for network: Network, wordlength: Int, inputRange: Double,
                                    outputRanges: [Double]) -> Quantisation {
        let input = format(wordlength: wordlength, largest: inputRange)
        var arriving = input
        var layers: [Quantisation.LayerFormats] = []
        for (layer, range) in zip(network.layers, outputRanges) {
            let (weights, bias): ([Float], [Float])
            switch layer.operation {
            case .convolution(let conv): (weights, bias) = (conv.weights, conv.bias)
            case .fullyConnected(let fc): (weights, bias) = (fc.weights, fc.bias)
            default: continue
            }
            let weightFormat = format(wordlength: wordlength, largest: largestMagnitude(weights))
            let output = format(wordlength: wordlength, largest: range)
            layers.append(.init(name: layer.name, weights: weightFormat,
                                bias: biasFormat(largest: largestMagnitude(bias), fractionBits: arriving.fractionBits + weightFormat.fractionBits),
                                input: arriving, output: output))
            arriving = output
        }
        return Quantisation(wordlength: wordlength, input: input, layers: layers)
    }

    /// The format of `wordlength` bits with the most fraction bits that holds `largest`.
    public static func format(wordlength: Int, largest: Double) -> FixedPointFormat {
        guard largest > 0, largest.isFinite else { return FixedPointFormat(wordlength: wordlength, fractionBits: wordlength - 1) }
        let integerBits = Int(log2(largest).rounded(.up))
        let fractionBits = min(max(wordlength - 1 - integerBits, Quantisation.fractionBits.lowerBound), Quantisation.fractionBits.upperBound)
        return FixedPointFormat(wordlength: wordlength, fractionBits: fractionBits)
    }

    /// A bias format with `fractionBits` (aligned to the accumulator) and the wordlength that
    /// holds `largest`; past 32 bits, fewer fraction bits.
    static func biasFormat(largest: Double, fractionBits: Int) -> FixedPointFormat {
        let integerBits = largest > 0 ? max(Int(log2(largest).rounded(.up)), 0) : 0
        let needed = max(integerBits + fractionBits + 1, 2)
        if needed <= 32 { return FixedPointFormat(wordlength: needed, fractionBits: fractionBits) }
        return FixedPointFormat(wordlength: 32, fractionBits: fractionBits - (needed - 32))
    }

    static func largestMagnitude(_ values: [Float]) -> Double {
        Double(values.reduce(0) { max($0, abs($1)) })
    }

    /// The largest magnitude of the input and of every layer's output over `data`.
    public static func activationRanges(of network: Network, data: Dataset) -> (input: Double, outputs: [Double]) {
        let inference = FloatInference(network: network)
        let layerCount = network.layers.count
        let chunkRanges = SharedBuffer<Double>(repeating: 0, count: data.count * layerCount)
        data.inputs.withUnsafeBufferPointer { inputs in
            forEachChunk(of: data.count) { range in
                for i in range {
                    let image = Array(inputs[(i * data.imageSize)..<((i + 1) * data.imageSize)])
                    for (l, output) in inference.layerOutputs(image: image).enumerated() {
                        chunkRanges.pointer[i * layerCount + l] = largestMagnitude(output)
                    }
                }
            }
        }
        var outputs = [Double](repeating: 0, count: layerCount)
        for i in 0..<data.count { for l in 0..<layerCount { outputs[l] = max(outputs[l], chunkRanges.pointer[i * layerCount + l]) } }
        return (largestMagnitude(data.inputs), outputs)
    }
}
