import FixedPoint
import Foundation

/// The dynamic fixed-point search of CascadeCNN (paper, section 2.2): one wordlength for
/// every layer, a scaling factor (fraction bits) per layer for weights and activations.
///
/// For each wordlength it measures, on the evaluation set, how each layer's scaling choice
/// alone affects the application-level accuracy (the per-layer statistics: that layer
/// quantised, the rest in float, run from cached float activations), combines the best
/// choice of every layer, and refines the combination in bit-exact fixed point, the most
/// sensitive layers first. It never retrains and never sees the test set.
public struct QuantisationSearch: Sendable {
    public let network: Network
    public let data: Dataset
    let labels: [Int]
    /// Per network layer: the float activations arriving at it, for every image (the cache
    /// that makes each per-layer measurement run only the layers from that one on).
    let arriving: [[Float]]
    /// Offsets tried around each range-calibrated fraction-bit count: more fraction bits
    /// clip the largest values but resolve the rest more finely.
    public static let offsets = [-1, 0, 1, 2, 3]

    public init(network: Network, data: Dataset) throws {
        guard let labels = data.labels else { throw SearchError.unlabelledData("the evaluation set") }
        try data.validate(for: network)
        self.network = network
        self.data = data
        self.labels = labels
        let inference = FloatInference(network: network)
        let size = data.imageSize
        var arriving = Array(repeating: [Float](), count: network.layers.count)
        for image in 0..<data.count {
            let pixels = Array(data.inputs[(image * size)..<((image + 1) * size)])
            let outputs = inference.layerOutputs(image: pixels)
            for index in network.weightedLayerIndices {
                arriving[index] += index == 0 ? pixels : outputs[index - 1]
            }
        }
        self.arriving = arriving
    }

    /// The best quantisation found at `wordlength`, its accuracy and the statistics behind it.
    public func explore(wordlength: Int) throws -> WordlengthExploration {
        let calibrated = try RangeCalibration.quantisation(for: network, data: data, wordlength: wordlength)
        let weighted = network.weightedLayerIndices

        // Per-layer statistics: one layer (or the input) quantised at a time.
        var statistics: [LayerStatistics] = []
        let inputCandidates = Self.offsets.map { calibrated.input.fractionBits + $0 }
        let inputAccuracies = inputCandidates.map { accuracyWithQuantisedInput(FixedPointFormat(wordlength: wordlength, fractionBits: $0)) }
        statistics.append(LayerStatistics(layer: "input", weightFractionBits: [], weightAccuracy: [],
                                          outputFractionBits: inputCandidates, outputAccuracy: inputAccuracies))
        for (entry, index) in zip(calibrated.layers, weighted) {
            let weightCandidates = Self.offsets.map { entry.weights.fractionBits + $0 }
            let outputCandidates = Self.offsets.map { entry.output.fractionBits + $0 }
            statistics.append(LayerStatistics(
                layer: entry.name,
                weightFractionBits: weightCandidates,
                weightAccuracy: weightCandidates.map {
                    accuracyWithQuantisedLayer(index, weights: FixedPointFormat(wordlength: wordlength, fractionBits: $0), output: nil)
                },
                outputFractionBits: outputCandidates,
                outputAccuracy: outputCandidates.map {
                    accuracyWithQuantisedLayer(index, weights: nil, output: FixedPointFormat(wordlength: wordlength, fractionBits: $0))
                }))
        }

        // Combine each layer's best choice, then refine in bit-exact fixed point.
        let combined = Choice(input: statistics[0].bestOutput ?? calibrated.input.fractionBits,
                              weights: statistics.dropFirst().map { $0.bestWeight! },
                              outputs: statistics.dropFirst().map { $0.bestOutput! })
        let order = statistics.indices.sorted {
            statistics[$0].sensitivity > statistics[$1].sensitivity
                || (statistics[$0].sensitivity == statistics[$1].sensitivity && $0 < $1)
        }
        let refined = try refine(from: [combined, Choice(calibrated)], order: order, wordlength: wordlength,
                                 evaluate: accuracy(of:))
        return WordlengthExploration(wordlength: wordlength, quantisation: quantisation(refined.choice, wordlength: wordlength),
                                     accuracy: refined.accuracy, statistics: statistics,
                                     bitExactEvaluations: refined.evaluations)
    }

    /// The LPU's quantisation at the wordlength of `low`, refined with the weights it will
    /// really have: derived from the HPU's words by the truncation function.
    public func refineDerived(_ low: WordlengthExploration, from hpu: QuantisedNetwork, rounding: Rounding) throws
        -> (quantised: QuantisedNetwork, accuracy: Accuracy) {
        func derive(_ candidate: Quantisation) throws -> QuantisedNetwork {
            try hpu.derivingLowPrecision(WordlengthSelection.lowPrecisionFormats(candidate, under: hpu.quantisation),
                                         rounding: rounding)
        }
        let order = low.statistics.indices.sorted {
            low.statistics[$0].sensitivity > low.statistics[$1].sensitivity
                || (low.statistics[$0].sensitivity == low.statistics[$1].sensitivity && $0 < $1)
        }
        // Start from the LPU's own choice, and from weights that keep the HPU's scaling (the
        // truncation unit then only clips) or drop one bit of it.
        let own = Choice(low.quantisation)
        let highWeights = hpu.quantisation.layers.map(\.weights.fractionBits)
        let starts = [own, Choice(input: own.input, weights: highWeights, outputs: own.outputs),
                      Choice(input: own.input, weights: highWeights.map { $0 - 1 }, outputs: own.outputs)]
        let refined = try refine(from: starts, order: order, wordlength: low.wordlength) { candidate in
            try accuracy(of: derive(candidate))
        }
        return (try derive(quantisation(refined.choice, wordlength: low.wordlength)), refined.accuracy)
    }

    /// Coordinate refinement: from the best of `starts`, move each layer's fraction bits
    /// (weights, then outputs; most sensitive layers first, per `order` over the input and
    /// the layers) one step either way, keeping a move only when accuracy improves; repeat
    /// while a sweep improves.
    func refine(from starts: [Choice], order: [Int], wordlength: Int, evaluate: (Quantisation) throws -> Accuracy) rethrows
        -> (choice: Choice, accuracy: Accuracy, evaluations: Int) {
        var evaluations = 0
        func score(_ candidate: Choice) throws -> Accuracy {
            evaluations += 1
            return try evaluate(quantisation(candidate, wordlength: wordlength))
        }
        var choice = starts[0]
        var best = try score(choice)
        for start in starts.dropFirst() where start != choice {
            let result = try score(start)
            if result.top1 > best.top1 { (choice, best) = (start, result) }
        }
        // Sweep until a sweep improves nothing (at most three sweeps).
        for _ in 0..<3 {
            let before = choice
            for position in order {
                for step in [-1, 1] {
                    for part in position == 0 ? [Part.output] : [Part.weights, Part.output] {
                        let candidate = choice.moving(layer: position - 1, part: part, by: step)
                        let result = try score(candidate)
                        if result.top1 > best.top1 { (choice, best) = (candidate, result) }
                    }
                }
            }
            if choice == before { break }
        }
        return (choice, best, evaluations)
    }

    /// The bit-exact fixed-point accuracy of `quantisation` on the evaluation set.
    public func accuracy(of quantisation: Quantisation) throws -> Accuracy {
        try accuracy(of: QuantisedNetwork(network: network, quantisation: quantisation))
    }

    /// The bit-exact fixed-point accuracy of a quantised network on the evaluation set.
    public func accuracy(of quantised: QuantisedNetwork) throws -> Accuracy {
        let result = try FixedPointInference(quantised).run(data)
        return Accuracy(values: result.words, classes: result.classes, labels: labels)
    }

    // MARK: Per-layer measurements from the float cache

    private func accuracyWithQuantisedInput(_ format: FixedPointFormat) -> Double {
        let inputs = data.inputs.map { Float(format.realValue(of: format.quantize(Double($0)))) }
        let scores = FloatInference(network: network).run(Dataset(imageShape: data.imageShape, inputs: inputs))
        return ClassificationAccuracy.topK(scores.values, classes: scores.classes, labels: labels, k: 1)
    }

    /// Accuracy with layer `index` alone quantised (its weights, or its output activations),
    /// run from the cached float activations arriving at it.
    private func accuracyWithQuantisedLayer(_ index: Int, weights: FixedPointFormat?, output: FixedPointFormat?) -> Double {
        var layer = network.layers[index]
        if let weights {
            func quantised(_ values: [Float]) -> [Float] { values.map { Float(weights.realValue(of: weights.quantize(Double($0)))) } }
            switch layer.operation {
            case .convolution(var conv): conv.weights = quantised(conv.weights); layer.operation = .convolution(conv)
            case .fullyConnected(var fc): fc.weights = quantised(fc.weights); layer.operation = .fullyConnected(fc)
            default: break
            }
        }
        let head = Network(name: layer.name, inputShape: layer.inputShape, layers: [layer])
        var values = FloatInference(network: head).run(Dataset(imageShape: layer.inputShape, inputs: arriving[index])).values
        if let output { values = values.map { Float(output.realValue(of: output.quantize(Double($0)))) } }
        let rest = Array(network.layers[(index + 1)...])
        if !rest.isEmpty {
            let tail = Network(name: network.name, inputShape: layer.outputShape, layers: rest)
            values = FloatInference(network: tail).run(Dataset(imageShape: layer.outputShape, inputs: values)).values
        }
        return ClassificationAccuracy.topK(values, classes: network.outputSize, labels: labels, k: 1)
    }

    // MARK: Choices of fraction bits

    enum Part { case weights, output }

    /// Fraction bits of the input and of every CONV/FC layer's weights and output.
    struct Choice: Equatable {
        var input: Int
        var weights: [Int]
        var outputs: [Int]

        init(input: Int, weights: [Int], outputs: [Int]) {
            self.input = input
            self.weights = weights
            self.outputs = outputs
        }

        init(_ quantisation: Quantisation) {
            self.init(input: quantisation.input.fractionBits, weights: quantisation.layers.map(\.weights.fractionBits),
                      outputs: quantisation.layers.map(\.output.fractionBits))
        }

        /// The choice with one count moved by `step`; layer -1 is the network's input.
        func moving(layer: Int, part: Part, by step: Int) -> Choice {
            var moved = self
            if layer < 0 { moved.input += step }
            else if part == .weights { moved.weights[layer] += step }
            else { moved.outputs[layer] += step }
            return moved
        }
    }

    /// The quantisation for `choice`: biases aligned to each accumulator, wide enough to hold them.
    func quantisation(_ choice: Choice, wordlength: Int) -> Quantisation {
        let range = Quantisation.fractionBits
        func format(_ fractionBits: Int) -> FixedPointFormat {
            FixedPointFormat(wordlength: wordlength, fractionBits: min(max(fractionBits, range.lowerBound), range.upperBound))
        }
        let input = format(choice.input)
        var arriving = input
        var layers: [Quantisation.LayerFormats] = []
        for (position, index) in network.weightedLayerIndices.enumerated() {
            let layer = network.layers[index]
            let bias: [Float]
            switch layer.operation {
            case .convolution(let conv): bias = conv.bias
            case .fullyConnected(let fc): bias = fc.bias
            default: bias = []
            }
            let weights = format(choice.weights[position]), output = format(choice.outputs[position])
            let largest = bias.reduce(0) { max($0, abs(Double($1))) }
            layers.append(.init(name: layer.name, weights: weights,
                                bias: RangeCalibration.biasFormat(largest: largest, fractionBits: arriving.fractionBits + weights.fractionBits),
                                input: arriving, output: output))
            arriving = output
        }
        return Quantisation(wordlength: wordlength, input: input, layers: layers)
    }
}
