import FixedPoint

/// The words of a CONV or FC layer as fixed-point inference computes them: weights in the
/// IR's `[N][K]` GEMM order, the bias aligned to the accumulator, and the requantisation.
struct LayerWords: Sendable {
    var weights: [Int]
    var bias: [Int]
    var requantization: Requantization
}

extension IntegerEngine {
    /// The engine for `network` with per-layer `words` (CONV and FC layers) and average
    /// pooling `averaging`, or nil when a layer is outside what it covers (see
    /// `IntegerEngine`). The caller has checked that every accumulator stays below 2^30 and
    /// every word fits 16 bits.
    init?(network: Network, inputFormat: FixedPointFormat, words: [LayerWords?],
          averaging: [(reciprocals: [Int], wordlength: Int)?]) {
        guard inputFormat.wordlength <= 16 else { return nil }
        var layout = WordLayout(input: network.inputShape)
        input = layout
        self.inputFormat = inputFormat
        var steps: [Step] = []
        for (index, layer) in network.layers.enumerated() {
            switch layer.operation {
            case .convolution(let conv):
                guard conv.groups == 1, let w = words[index],
                      let r = IntegerRequantization(w.requantization, relu: conv.fusedReLU),
                      let c = Convolution(conv, input: layout, outputShape: layer.outputShape, words: w, requantization: r)
                else { return nil }
                steps.append(.convolution(c))
            case .fullyConnected(let fc):
                guard let w = words[index], let r = IntegerRequantization(w.requantization, relu: fc.fusedReLU),
                      let f = FullyConnected(fc, input: layout, words: w, requantization: r) else { return nil }
                steps.append(.fullyConnected(f))
            case .maxPool:
                guard case .maxPool(let plan) = LayerPlan(layer).kind else { return nil }
                let pooling = Pooling(plan, input: layout, outputShape: layer.outputShape)
                var fused = false
                if case .convolution(var c) = steps.last,
                   let items = c.items.pooling(plan, height: c.output.height, width: c.output.width) {
                    c.pooled = (items, pooling.output)
                    steps[steps.count - 1] = .convolution(c)
                    fused = true
                }
                steps.append(.maxPool(pooling, fused: fused))
            case .averagePool:
                guard case .averagePool(let plan) = LayerPlan(layer).kind, let a = averaging[index] else { return nil }
                var pooling = Pooling(plan, input: layout, outputShape: layer.outputShape)
                (pooling.reciprocals, pooling.wordlength) = a
                steps.append(.averagePool(pooling))
            case .relu:
                steps.append(.relu(layout))
            case .reshape:
                // A flattening keeps the words where they are (the FC layer after it reads
                // them through the layout), as does any reshape of one position to one position.
                let shape = layer.outputShape
                guard shape.count == 1 || (layout.positions == 1 && shape.count == 3 && shape[1] * shape[2] == 1) else { return nil }
                steps.append(.identity(layout))
            case .softmax:
                steps.append(.identity(layout))
            }
            layout = steps.last!.output
        }
        self.steps = steps
        let stride = max(input.size, steps.map { $0.output.size }.max() ?? 0)
        imageStride = stride
        images = GatherItems(bases: (0..<Self.blockSize).map { Int32($0 * stride) },
                             destinations: (0..<Self.blockSize).map { Int32($0) }, rows: Self.blockSize)
    }
}

/// A reduction pair of `IntegerGEMM`: the word offset of its first word, and the GEMM rows
/// (`k`) of its two words' weights, nil for a word without one (weight zero).
private struct Pair {
    var offset: Int
    var first: Int?, second: Int?
}

/// The weights of `pairs` for `n` output channels from `[N][K]` words, as `IntegerGEMM`
/// reads them (blocks of 8 channels, then pairs, channels, the two words); the bias padded
/// to the blocks. Nil when a word does not fit its integer type.
private func arrange(_ pairs: [Pair], n: Int, k: Int, _ w: LayerWords) -> (weights: [Int16], bias: [Int32], blocks: Int)? {
    let blocks = (n + 7) / 8
    var weights = [Int16](repeating: 0, count: blocks * pairs.count * 16)
    for (p, pair) in pairs.enumerated() {
        for j in 0..<n {
            let base = ((j / 8) * pairs.count + p) * 16 + (j % 8) * 2
            if let r = pair.first { guard let v = Int16(exactly: w.weights[j * k + r]) else { return nil }; weights[base] = v }
            if let r = pair.second { guard let v = Int16(exactly: w.weights[j * k + r]) else { return nil }; weights[base + 1] = v }
        }
    }
    var bias = [Int32](repeating: 0, count: blocks * 8)
    for j in 0..<n { guard let v = Int32(exactly: w.bias[j]) else { return nil }; bias[j] = v }
    return (weights, bias, blocks)
}

extension IntegerEngine.Convolution {
    /// Pairs run along channels when the input has an even channel stride, else (one
    /// channel) along kernel columns, `j` with `j + 1` when the columns are adjacent.
    init?(_ conv: Convolution, input: WordLayout, outputShape: [Int], words: LayerWords, requantization: IntegerRequantization) {
        let w = conv.window
        guard input.channels == conv.inputChannels, input.stride % 2 == 0 || input.stride == 1 else { return nil }
        let (outHeight, outWidth) = (outputShape[1], outputShape[2])
        let height = max(input.height + w.padTop, (outHeight - 1) * w.strideY + w.extentY)
        let width = max(input.width + w.padLeft, (outWidth - 1) * w.strideX + w.extentX)
        let rowWidth: Int
        if w.padTop > 0 || w.padLeft > 0 || height > input.height || width > input.width {
            padding = (height, width, w.padTop, w.padLeft)
            rowWidth = width
        } else {
            padding = nil
            rowWidth = input.width
        }
        let cs = input.stride, (kh, kw) = (w.kernelHeight, w.kernelWidth)
        func row(_ c: Int, _ i: Int, _ j: Int) -> Int? { c < input.channels && j < kw ? (c * kh + i) * kw + j : nil }
        var pairs: [Pair] = []
        for i in 0..<kh {
            let top = i * w.dilationY * rowWidth
            if cs == 1 {
                let step = w.dilationX == 1 ? 2 : 1
                for j in stride(from: 0, to: kw, by: step) {
                    pairs.append(Pair(offset: top + j * w.dilationX, first: row(0, i, j), second: step == 2 ? row(0, i, j + 1) : nil))
                }
            } else {
                for j in 0..<kw {
                    for c in stride(from: 0, to: input.channels, by: 2) {
                        pairs.append(Pair(offset: (top + j * w.dilationX) * cs + c, first: row(c, i, j), second: row(c + 1, i, j)))
                    }
                }
            }
        }
        guard let (weights, bias, blocks) = arrange(pairs, n: conv.outputChannels, k: conv.reductionLength, words) else { return nil }
        self.input = input
        output = WordLayout(channels: conv.outputChannels, height: outHeight, width: outWidth, stride: blocks * 8)
        self.pairs = pairs.count
        self.blocks = blocks
        offsets = pairs.map { Int32($0.offset) }
        var bases: [Int32] = []
        for oy in 0..<outHeight {
            for ox in 0..<outWidth { bases.append(Int32((oy * w.strideY * rowWidth + ox * w.strideX) * cs)) }
        }
        items = GatherItems(bases: bases, destinations: bases.indices.map(Int32.init), rows: bases.count)
        pooled = nil
        (self.weights, self.bias) = (weights, bias)
        self.requantization = requantization
    }
}

extension IntegerEngine.FullyConnected {
    /// Pairs of adjacent words of the input layout; feature `c·H·W + p` of the flattened
    /// input is channel `c` at position `p`.
    init?(_ fc: FullyConnected, input: WordLayout, words: LayerWords, requantization: IntegerRequantization) {
        guard fc.inputFeatures == input.channels * input.positions else { return nil }
        func feature(_ q: Int) -> Int? {
            let (p, c) = q.quotientAndRemainder(dividingBy: input.stride)
            return q < input.size && c < input.channels ? c * input.positions + p : nil
        }
        var pairs: [Pair] = []
        for q in stride(from: 0, to: input.size, by: 2) {
            let pair = Pair(offset: q, first: feature(q), second: feature(q + 1))
            if pair.first != nil || pair.second != nil { pairs.append(pair) }
        }
        guard let (weights, bias, blocks) = arrange(pairs, n: fc.outputFeatures, k: fc.inputFeatures, words) else { return nil }
        output = WordLayout(channels: fc.outputFeatures, height: 1, width: 1, stride: blocks * 8)
        self.pairs = pairs.count
        self.blocks = blocks
        offsets = pairs.map { Int32($0.offset) }
        (self.weights, self.bias) = (weights, bias)
        self.requantization = requantization
    }
}

extension IntegerEngine.Pooling {
    init(_ plan: LayerPlan.PoolingPlan, input: WordLayout, outputShape: [Int]) {
        self.input = input
        output = WordLayout(channels: input.channels, height: outputShape[1], width: outputShape[2], stride: input.stride)
        offsets = plan.offsets.map { $0 < 0 ? -1 : $0 * Int32(input.stride) }
        windowArea = plan.windowArea
    }
}
