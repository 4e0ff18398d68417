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
/// Exactness, by engine, chosen from the largest bound `B` over the network (`Σ_k |w_k| ·
/// 2^(w−1) + |align(b)|` of each output, `window · 2^(w−1)` for average pooling, and
/// `2^(w−1)` for the words themselves):
/// - `B < 2^30` with words of at most 16 bits: `IntegerEngine`, 16-bit words and 32-bit
///   integer accumulators that no partial sum can overflow, in any order; the requantisation
///   is `IntegerRequantization` on those integers. Networks with layers it does not cover
///   take the next engine.
/// - `B < 2^24`: `BlockEngine<Float>`, else `B < 2^53`: `BlockEngine<Double>`. The words are
///   integers and every partial sum an exactly represented integer, whatever the order of
///   the additions; the requantisation is exact on them (`Float.requantize`).
/// Either way the result is the integer accumulation bit for bit (the tests compare every
/// engine with a plain integer computation). Max pooling may be taken on the accumulators
/// before requantisation (both engines fuse it into the convolution): rounding, saturation
/// and ReLU are monotonic, so the maximum of the requantised words is the requantised
/// maximum.
public struct FixedPointInference: Sendable {
    public let quantised: QuantisedNetwork
    public var network: Network { quantised.network }
    let inputFormat: FixedPointFormat
    let engine: Engine

    enum Engine: Sendable {
        case integer(IntegerEngine)
        case single(BlockEngine<Float>)
        case double(BlockEngine<Double>)
    }

    /// Whether the accumulation needs `Double` (bounds of 2^24 or more).
    public var accumulatesInDouble: Bool { if case .double = engine { true } else { false } }
    /// Whether the accumulation runs on integers (`IntegerEngine`).
    public var accumulatesInIntegers: Bool { if case .integer = engine { true } else { false } }

    public init(_ quantised: QuantisedNetwork) throws(ToolflowError) {
        try self.init(quantised, allowsIntegers: true)
    }

    /// `allowsIntegers: false` keeps to `BlockEngine` (for the tests of both engines).
    init(_ quantised: QuantisedNetwork, allowsIntegers: Bool) throws(ToolflowError) {
        self.quantised = quantised
        let network = quantised.network
        inputFormat = quantised.quantisation.input
        var entries = quantised.quantisation.layers.makeIterator()
        var arriving = quantised.quantisation.input
        var largestBound = 0, largestWordlength = arriving.wordlength
        var words: [LayerWords?] = []
        var averaging: [(reciprocals: [Int], wordlength: Int)?] = []
        for (index, layer) in network.layers.enumerated() {
            let largestWord = 1 << (arriving.wordlength - 1)
            largestBound = max(largestBound, largestWord)
            words.append(nil)
            averaging.append(nil)
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
                words[index] = LayerWords(weights: weights, bias: bias,
                                          requantization: Requantization(format: entry.output, accumulatorFractionBits: accumulatorFractionBits))
                largestWordlength = max(largestWordlength, entry.weights.wordlength, entry.output.wordlength)
                arriving = entry.output
            case .averagePool(let pooling):
                guard case .averagePool(let plan) = LayerPlan(layer).kind else { fatalError("plan of an average pool") }
                averaging[index] = (plan.divisors.map { FixedPointAveraging.reciprocal(of: Int($0)) }, arriving.wordlength)
                largestBound = max(largestBound, pooling.window.kernelHeight * pooling.window.kernelWidth * largestWord)
            default:
                break
            }
        }
        largestBound = max(largestBound, 1 << (arriving.wordlength - 1))
        guard largestBound < 1 << 53 else {
            throw .invalidQuantisation("an accumulator of this quantisation could reach \(largestBound), beyond the 2^53 that inference holds exactly")
        }
        if allowsIntegers, largestBound < 1 << 30, largestWordlength <= 16,
           let integer = IntegerEngine(network: network, inputFormat: inputFormat, words: words, averaging: averaging) {
            engine = .integer(integer)
        } else if largestBound < 1 << 24 {
            engine = .single(Self.blockEngine(network, words, averaging))
        } else {
            engine = .double(Self.blockEngine(network, words, averaging))
        }
    }

    private static func blockEngine<T: GEMMScalar>(_ network: Network, _ words: [LayerWords?],
                                                   _ averaging: [(reciprocals: [Int], wordlength: Int)?]) -> BlockEngine<T> {
        let steps = network.layers.indices.map { index in
            var step = BlockEngine<T>.Step(plan: LayerPlan(network.layers[index]))
            if let w = words[index] {
                step.weights = w.weights.map { T(Double($0)) }
                step.bias = w.bias.map { T(Double($0)) }
                step.requantization = w.requantization
            }
            step.averaging = averaging[index]
            return step
        }
        return BlockEngine(steps: steps, inputSize: network.inputSize, computesSoftmax: false)
    }

    /// The output words of every image of `data`, on all cores.
    public func run(_ data: Dataset) -> FixedPointResult {
        let words: [Int32]
        switch engine {
        case .integer(let e): words = run(e, data)
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

    private func run(_ engine: IntegerEngine, _ data: Dataset) -> [Int32] {
        let outSize = network.outputSize
        let result = SharedBuffer<Int32>(repeating: 0, count: data.count * outSize)
        data.inputs.withUnsafeBufferPointer { inputs in
            engine.forEachBlock(inputs, count: data.count, outputSize: outSize) { block, out in
                (result.pointer.baseAddress! + block.lowerBound * outSize).update(from: out.baseAddress!, count: out.count)
            }
        }
        return result.array
    }

    /// The output words of every layer for one image given as input words.
    public func layerOutputs(words: [Int32]) -> [[Int32]] {
        switch engine {
        case .integer(let e): return layerOutputs(e, words)
        case .single(let e): return layerOutputs(e, words)
        case .double(let e): return layerOutputs(e, words)
        }
    }

    private func layerOutputs(_ engine: IntegerEngine, _ words: [Int32]) -> [[Int32]] {
        precondition(words.count == network.inputSize)
        let scratch = IntegerEngine.Scratch(engine)
        engine.place(words.map { Int16($0) }, scratch)
        var outputs: [[Int32]] = []
        _ = engine.run(count: 1, scratch) { layout, x in
            var out = [Int32](repeating: 0, count: layout.channels * layout.positions)
            out.withUnsafeMutableBufferPointer { out in layout.toLogical(x, into: out.baseAddress!) { Int32($0) } }
            outputs.append(out)
        }
        return outputs
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
