import FixedPoint

/// Bit-exact fixed-point inference: the golden model of the accelerator.
///
/// Per DESIGN.md's Arithmetic, a CONV or FC layer with input `Q(w, f_a)`, weights
/// `Q(w, f_w)`, bias `Q(w_b, f_b)` and output `Q(w, f_y)` computes, for each output of its
/// GEMM (`GEMMShape`, im2col by `Convolution.im2colOffsets`):
///
///     acc = Σ a·w + align(b)                              exact
///     y   = saturate_w(round(acc >> (f_a + f_w − f_y)))   FixedPointFormat.requantize
///     y   = max(y, 0)                                     where the layer has a fused ReLU
///
/// where `align(b) = b.shiftedRight(by: f_b − (f_a + f_w))` (an exact left shift when the
/// bias has fewer fraction bits, round half up otherwise). The input image is quantised
/// with `FixedPointFormat.quantize`. Max pooling and ReLU are exact on words; average
/// pooling is `FixedPointAveraging` and keeps its input's format. A final Softmax is not
/// computed on words: the output words are the class scores that the CEU consumes
/// (`FixedPointResult.scores` applies the softmax in float to their real values).
///
/// Exactness: the words are integers, and the accumulation runs in `Float` when every
/// partial sum is provably below 2^24 in magnitude (the bound `Σ_k |w_k| · 2^(w−1) +
/// |align(b)|` of each output, `window · 2^(w−1)` for average pooling, and `2^(w−1)` for the
/// words themselves), in `Double` below 2^53 otherwise: every sum is then an exactly
/// represented integer, whatever the order of the additions, so the result is the integer
/// accumulation bit for bit (the tests compare it with a plain integer computation). Max
/// pooling may be taken on the accumulators before requantisation (`BlockEngine` fuses it
/// into the convolution): rounding, saturation and ReLU are monotonic, so the maximum of the
/// requantised words is the requantised maximum. The requantisation itself is exact on these
/// integers (`Float.requantize`).
public struct FixedPointInference: Sendable {
    public let quantised: QuantisedNetwork
    public var network: Network { quantised.network }
    let inputFormat: FixedPointFormat
    let engine: Engine

    enum Engine: Sendable {
        case single(BlockEngine<Float>)
        case double(BlockEngine<Double>)
    }

    /// Whether the accumulation needs `Double` (bounds of 2^24 or more).
    public var accumulatesInDouble: Bool { if case .double = engine { true } else { false } }

    public init(_ quantised: QuantisedNetwork) throws(ToolflowError) {
        self.quantised = quantised
        let network = quantised.network
        inputFormat = quantised.quantisation.input
        var entries = quantised.quantisation.layers.makeIterator()
        var arriving = quantised.quantisation.input
        var largestBound = 0
        var steps: [BlockEngine<Double>.Step] = []
        for (index, layer) in network.layers.enumerated() {
            var step = BlockEngine<Double>.Step(plan: LayerPlan(layer))
            let largestWord = 1 << (arriving.wordlength - 1)
            largestBound = max(largestBound, largestWord)
            switch layer.operation {
            case .convolution, .fullyConnected:
                let entry = entries.next()!
                let accumulatorFractionBits = entry.input.fractionBits + entry.weights.fractionBits
                let bias = quantised.biases[index].map { $0.shiftedRight(by: entry.bias.fractionBits - accumulatorFractionBits) }
                let weights = quantised.weights[index], k = layer.gemm!.k
                for row in bias.indices {
                    var magnitude = 0
                    for word in weights[(row * k)..<((row + 1) * k)] { magnitude += abs(word) }
                    largestBound = max(largestBound, magnitude * largestWord + abs(bias[row]))
                }
                step.weights = weights.map(Double.init)
                step.bias = bias.map(Double.init)
                step.requantization = .init(format: entry.output, accumulatorFractionBits: accumulatorFractionBits)
                arriving = entry.output
            case .averagePool(let pooling):
                guard case .averagePool(let plan) = step.plan.kind else { fatalError("plan of an average pool") }
                step.averaging = (plan.divisors.map { FixedPointAveraging.reciprocal(of: Int($0)) }, arriving.wordlength)
                largestBound = max(largestBound, pooling.window.kernelHeight * pooling.window.kernelWidth * largestWord)
            default:
                break
            }
            steps.append(step)
        }
        largestBound = max(largestBound, 1 << (arriving.wordlength - 1))
        guard largestBound < 1 << 53 else {
            throw .invalidQuantisation("an accumulator of this quantisation could reach \(largestBound), beyond the 2^53 that inference holds exactly")
        }
        if largestBound < 1 << 24 {
            let single = steps.map { step in
                BlockEngine<Float>.Step(plan: step.plan, weights: step.weights.map(Float.init), bias: step.bias.map(Float.init),
                                        requantization: step.requantization.map { .init(format: $0.format, accumulatorFractionBits: $0.accumulatorFractionBits) },
                                        averaging: step.averaging)
            }
            engine = .single(BlockEngine(steps: single, inputSize: network.inputSize, computesSoftmax: false))
        } else {
            engine = .double(BlockEngine(steps: steps, inputSize: network.inputSize, computesSoftmax: false))
        }
    }

    /// The output words of every image of `data`, on all cores.
    public func run(_ data: Dataset) -> FixedPointResult {
        let words: [Int32]
        switch engine {
        case .single(let e): words = run(e, data)
        case .double(let e): words = run(e, data)
        }
        let softmax = network.layers.last.map { if case .softmax = $0.operation { true } else { false } } ?? false
        return FixedPointResult(words: words, classes: network.outputSize, format: quantised.outputFormats.last ?? inputFormat,
                                softmax: softmax)
    }

    private func run<T>(_ engine: BlockEngine<T>, _ data: Dataset) -> [Int32] {
        let (inSize, outSize) = (network.inputSize, network.outputSize)
        let result = SharedBuffer<Int32>(repeating: 0, count: data.count * outSize)
        let format = inputFormat
        data.inputs.withUnsafeBufferPointer { inputs in
            engine.forEachBlock(count: data.count, load: { block, x in
                // Exact: the engine holds words of this wordlength (FixedPointInference.init).
                format.quantize(UnsafeBufferPointer(rebasing: inputs[(block.lowerBound * inSize)..<(block.upperBound * inSize)]), into: x)
            }, store: { block, out in
                let target = result.pointer.baseAddress! + block.lowerBound * outSize
                for i in 0..<out.count { target[i] = Int32(out[i].word) }
            })
        }
        return result.array
    }

    /// The output words of every layer for one image given as input words.
    public func layerOutputs(words: [Int32]) -> [[Int32]] {
        switch engine {
        case .single(let e): return layerOutputs(e, words)
        case .double(let e): return layerOutputs(e, words)
        }
    }

    private func layerOutputs<T>(_ engine: BlockEngine<T>, _ words: [Int32]) -> [[Int32]] {
        precondition(words.count == network.inputSize)
        let scratch = BlockEngine<T>.Scratch(engine)
        for i in words.indices { scratch.x[i] = T.fromWord(Int(words[i])) }
        var outputs: [[Int32]] = []
        _ = engine.run(count: 1, scratch) { outputs.append($0.map { Int32($0.word) }) }
        return outputs
    }
}

/// The output words of a batch, their format, and class scores made from them.
public struct FixedPointResult: Sendable {
    /// `count × classes` output words of the last layer.
    public var words: [Int32]
    public var classes: Int
    public var format: FixedPointFormat
    /// Whether the network ends in a Softmax (applied in float to the scores).
    public var softmax: Bool

    /// The real values of the words, through a softmax when the network ends in one.
    public var scores: Scores {
        var values = words.map { Float(format.realValue(of: Int($0))) }
        if softmax {
            values.withUnsafeMutableBufferPointer { all in
                for i in stride(from: 0, to: all.count, by: classes) {
                    Toolflow.softmax(UnsafeMutableBufferPointer(rebasing: all[i..<(i + classes)]))
                }
            }
        }
        return Scores(classes: classes, values: values)
    }
}
