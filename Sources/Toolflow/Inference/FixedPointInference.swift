import FixedPoint

/// Bit-exact fixed-point inference: the golden model of the accelerator.
///
/// Per DESIGN.md's Arithmetic, a CONV or FC layer with input `Q(w, f_a)`, weights
/// `Q(w, f_w)`, bias `Q(w_b, f_b)` and output `Q(w, f_y)` computes, for each output of its
/// GEMM (`GEMMShape`, im2col by `Convolution.im2colOffsets`):
///
///     acc = Σ a·w + align(b)                   exact
///     y   = saturate_w(round(acc >> (f_a + f_w − f_y)))   FixedPointFormat.requantize
///     y   = max(y, 0)                          where the layer has a fused ReLU
///
/// where `align(b) = b.shiftedRight(by: f_b − (f_a + f_w))` (an exact left shift when the
/// bias has fewer fraction bits, round half up otherwise). The input image is quantised
/// with `FixedPointFormat.quantize`. Max pooling and ReLU are exact on words; average
/// pooling is `FixedPointAveraging`. A final Softmax is not computed on words: the output
/// words are the class scores that the CEU consumes (`FixedPointResult.scores` applies the
/// softmax in float to their real values).
///
/// Accumulation is exact: a layer uses 32-bit accumulators only when the bound
/// `Σ_k |w_k| · 2^(w−1) + |align(b)|` of every output proves they cannot overflow, and
/// 64-bit ones otherwise.
public struct FixedPointInference: Sendable {
    public let quantised: QuantisedNetwork
    public var network: Network { quantised.network }
    let plans: [LayerPlan]
    let kernels: [Kernel]
    let inputFormat: FixedPointFormat
    let bufferSize: Int
    let im2colSize: Int

    /// The arithmetic of one layer's GEMM.
    enum Kernel: Sendable {
        case none
        /// Weights `[N_total][K]` (CONV) or `[K][N]` (FC); aligned biases; output format and
        /// the accumulator's fraction bits.
        case narrow(weights: [Int32], bias: [Int32], output: FixedPointFormat, accumulatorFractionBits: Int)
        case wide(weights: [Int64], bias: [Int64], output: FixedPointFormat, accumulatorFractionBits: Int)
        case averagePool(reciprocals: [Int], wordlength: Int)
    }

    public init(_ quantised: QuantisedNetwork) throws(ToolflowError) {
        self.quantised = quantised
        let network = quantised.network
        plans = network.layers.map(LayerPlan.init)
        inputFormat = quantised.quantisation.input
        var kernels: [Kernel] = []
        var entries = quantised.quantisation.layers.makeIterator()
        var arriving = quantised.quantisation.input
        for (index, layer) in network.layers.enumerated() {
            switch layer.operation {
            case .convolution, .fullyConnected:
                let entry = entries.next()!
                let accumulatorFractionBits = entry.input.fractionBits + entry.weights.fractionBits
                let bias = quantised.biases[index].map { $0.shiftedRight(by: entry.bias.fractionBits - accumulatorFractionBits) }
                var weights = quantised.weights[index]
                let gemm = layer.gemm!
                let rows = gemm.n * gemm.groups, k = gemm.k
                // The bound of |acc| for each output channel.
                let largestInput = 1 << (entry.input.wordlength - 1)
                var bound = 0
                for row in 0..<rows {
                    var magnitude = 0
                    for word in weights[(row * k)..<((row + 1) * k)] { magnitude += abs(word) }
                    let (product, overflow) = magnitude.multipliedReportingOverflow(by: largestInput)
                    guard !overflow, product < 1 << 62, abs(bias[row]) < 1 << 62 else {
                        throw .invalidQuantisation("layer \(layer.name): the accumulator could exceed 64 bits")
                    }
                    bound = max(bound, product + abs(bias[row]))
                }
                if case .fullyConnected = layer.operation {
                    var transposed = weights
                    for n in 0..<rows { for r in 0..<k { transposed[r * rows + n] = weights[n * k + r] } }
                    weights = transposed
                }
                if bound <= Int(Int32.max) {
                    kernels.append(.narrow(weights: weights.map { Int32($0) }, bias: bias.map { Int32($0) },
                                           output: entry.output, accumulatorFractionBits: accumulatorFractionBits))
                } else {
                    kernels.append(.wide(weights: weights.map { Int64($0) }, bias: bias.map { Int64($0) },
                                         output: entry.output, accumulatorFractionBits: accumulatorFractionBits))
                }
                arriving = entry.output
            case .averagePool:
                guard case .averagePool(let plan) = plans[index].kind else { fatalError() }
                kernels.append(.averagePool(reciprocals: plan.divisors.map { FixedPointAveraging.reciprocal(of: Int($0)) },
                                            wordlength: arriving.wordlength))
            default:
                kernels.append(.none)
            }
        }
        self.kernels = kernels
        bufferSize = max(network.inputSize, plans.map { max($0.inputSize, $0.outputSize) }.max() ?? 0)
        im2colSize = plans.map(\.im2colSize).max() ?? 0
    }

    /// The words of `image` in the input format.
    public func quantizeInput(_ image: some Collection<Float>) -> [Int32] {
        image.map { Int32(inputFormat.quantize(Double($0))) }
    }

    /// The output words of every image of `data`, on all cores.
    public func run(_ data: Dataset) -> FixedPointResult {
        let outSize = network.outputSize, inSize = network.inputSize
        let result = SharedBuffer<Int32>(repeating: 0, count: data.count * outSize)
        data.inputs.withUnsafeBufferPointer { inputs in
            forEachChunk(of: data.count) { range in
                let scratch = Scratch(bufferSize: bufferSize, im2colSize: im2colSize)
                defer { scratch.deallocate() }
                for i in range {
                    let image = inputs.baseAddress! + i * inSize
                    for j in 0..<inSize { scratch.x[j] = Int32(inputFormat.quantize(Double(image[j]))) }
                    let out = infer(scratch, record: nil)
                    (result.pointer.baseAddress! + i * outSize).update(from: out.baseAddress!, count: outSize)
                }
            }
        }
        return FixedPointResult(words: result.array, classes: outSize, format: quantised.outputFormats.last ?? inputFormat,
                                softmax: network.layers.last.map { if case .softmax = $0.operation { true } else { false } } ?? false)
    }

    /// The output words of every layer for one image given as input words.
    public func layerOutputs(words: [Int32]) -> [[Int32]] {
        precondition(words.count == network.inputSize)
        let scratch = Scratch(bufferSize: bufferSize, im2colSize: im2colSize)
        defer { scratch.deallocate() }
        scratch.x.update(from: words, count: words.count)
        var outputs: [[Int32]] = []
        _ = infer(scratch) { outputs.append(Array($0)) }
        return outputs
    }

    final class Scratch {
        var x: UnsafeMutablePointer<Int32>, y: UnsafeMutablePointer<Int32>
        let narrow: UnsafeMutablePointer<Int32>, wide: UnsafeMutablePointer<Int64>
        let narrowRow: UnsafeMutablePointer<Int32>, wideRow: UnsafeMutablePointer<Int64>
        init(bufferSize: Int, im2colSize: Int) {
            x = .allocate(capacity: bufferSize); y = .allocate(capacity: bufferSize)
            narrow = .allocate(capacity: max(im2colSize, 1)); wide = .allocate(capacity: max(im2colSize, 1))
            narrowRow = .allocate(capacity: bufferSize); wideRow = .allocate(capacity: bufferSize)
        }
        func deallocate() {
            x.deallocate(); y.deallocate(); narrow.deallocate(); wide.deallocate()
            narrowRow.deallocate(); wideRow.deallocate()
        }
    }

    /// Runs the image in `scratch.x`; the result lives in `scratch` until the next call.
    func infer(_ scratch: Scratch, record: ((UnsafeBufferPointer<Int32>) -> Void)?) -> UnsafeBufferPointer<Int32> {
        for (index, plan) in plans.enumerated() {
            let x = scratch.x, y = scratch.y
            var swap = true
            switch (plan.kind, kernels[index]) {
            case let (.convolution(conv), .narrow(weights, bias, output, shift)):
                convolution(conv, weights, bias, output, shift, x, y, scratch.narrow, scratch.narrowRow)
            case let (.convolution(conv), .wide(weights, bias, output, shift)):
                convolution(conv, weights, bias, output, shift, x, y, scratch.wide, scratch.wideRow)
            case let (.fullyConnected(k, n, relu), .narrow(weights, bias, output, shift)):
                fullyConnected(k, n, relu, weights, bias, output, shift, x, y, scratch.narrowRow)
            case let (.fullyConnected(k, n, relu), .wide(weights, bias, output, shift)):
                fullyConnected(k, n, relu, weights, bias, output, shift, x, y, scratch.wideRow)
            case (.maxPool(let pool), _):
                maxPool(pool, x, y)
            case let (.averagePool(pool), .averagePool(reciprocals, wordlength)):
                averagePool(pool, reciprocals, wordlength, x, y)
            case (.relu, _):
                for i in 0..<plan.outputSize { x[i] = max(x[i], 0) }
                swap = false
            default:   // reshape, softmax (the words are the scores)
                swap = false
            }
            if swap { Swift.swap(&scratch.x, &scratch.y) }
            record?(UnsafeBufferPointer(start: scratch.x, count: plan.outputSize))
        }
        return UnsafeBufferPointer(start: scratch.x, count: network.outputSize)
    }

    private func convolution<Acc: FixedWidthInteger & SignedInteger>(
        _ plan: LayerPlan.ConvolutionPlan, _ weights: [Acc], _ bias: [Acc], _ output: FixedPointFormat,
        _ accumulatorFractionBits: Int, _ x: UnsafeMutablePointer<Int32>, _ y: UnsafeMutablePointer<Int32>,
        _ a: UnsafeMutablePointer<Acc>, _ row: UnsafeMutablePointer<Acc>
    ) {
        let (m, n, k) = (plan.gemm.m, plan.gemm.n, plan.gemm.k)
        weights.withUnsafeBufferPointer { w in
            plan.offsets.withUnsafeBufferPointer { offsets in
                for g in 0..<plan.gemm.groups {
                    let input = x + g * plan.groupInputStride
                    for i in 0..<(k * m) {
                        let o = Int(offsets[i])
                        a[i] = o < 0 ? 0 : Acc(truncatingIfNeeded: input[o])
                    }
                    for j in 0..<n {
                        let channel = g * n + j
                        row.update(repeating: bias[channel], count: m)
                        let wRow = w.baseAddress! + channel * k
                        for r in 0..<k {
                            let weight = wRow[r]
                            if weight == 0 { continue }
                            let column = a + r * m
                            for p in 0..<m { row[p] &+= weight &* column[p] }
                        }
                        let out = y + channel * m
                        for p in 0..<m {
                            var word = output.requantize(Int(row[p]), fromFractionBits: accumulatorFractionBits)
                            if plan.relu { word = max(word, 0) }
                            out[p] = Int32(truncatingIfNeeded: word)
                        }
                    }
                }
            }
        }
    }

    private func fullyConnected<Acc: FixedWidthInteger & SignedInteger>(
        _ k: Int, _ n: Int, _ relu: Bool, _ weights: [Acc], _ bias: [Acc], _ output: FixedPointFormat,
        _ accumulatorFractionBits: Int, _ x: UnsafeMutablePointer<Int32>, _ y: UnsafeMutablePointer<Int32>,
        _ row: UnsafeMutablePointer<Acc>
    ) {
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in row.update(from: b.baseAddress!, count: n) }
            for r in 0..<k {
                let value = Acc(truncatingIfNeeded: x[r])
                if value == 0 { continue }
                let wRow = w.baseAddress! + r * n
                for j in 0..<n { row[j] &+= value &* wRow[j] }
            }
            for j in 0..<n {
                var word = output.requantize(Int(row[j]), fromFractionBits: accumulatorFractionBits)
                if relu { word = max(word, 0) }
                y[j] = Int32(truncatingIfNeeded: word)
            }
        }
    }

    private func maxPool(_ plan: LayerPlan.PoolingPlan, _ x: UnsafeMutablePointer<Int32>, _ y: UnsafeMutablePointer<Int32>) {
        plan.offsets.withUnsafeBufferPointer { offsets in
            for c in 0..<plan.channels {
                let input = x + c * plan.inputArea, output = y + c * plan.outputArea
                for p in 0..<plan.outputArea {
                    var best = Int32.min
                    for i in (p * plan.windowArea)..<((p + 1) * plan.windowArea) where offsets[i] >= 0 {
                        best = max(best, input[Int(offsets[i])])
                    }
                    output[p] = best
                }
            }
        }
    }

    private func averagePool(_ plan: LayerPlan.PoolingPlan, _ reciprocals: [Int], _ wordlength: Int,
                             _ x: UnsafeMutablePointer<Int32>, _ y: UnsafeMutablePointer<Int32>) {
        plan.offsets.withUnsafeBufferPointer { offsets in
            for c in 0..<plan.channels {
                let input = x + c * plan.inputArea, output = y + c * plan.outputArea
                for p in 0..<plan.outputArea {
                    var sum = 0
                    for i in (p * plan.windowArea)..<((p + 1) * plan.windowArea) where offsets[i] >= 0 {
                        sum += Int(input[Int(offsets[i])])
                    }
                    output[p] = Int32(FixedPointAveraging.average(sum: sum, reciprocal: reciprocals[p], wordlength: wordlength))
                }
            }
        }
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
