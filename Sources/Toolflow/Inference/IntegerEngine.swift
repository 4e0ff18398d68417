import FixedPoint

/// Fixed-point inference on 16-bit words with 32-bit integer accumulators, for quantisations
/// whose words fit 16 bits and whose accumulators stay below 2^30 (`IntegerGEMM`): the
/// arithmetic of the hardware, and twice the multiply-accumulates per instruction of Float.
///
/// Activations are `WordLayout`s, image after image in blocks of `blockSize`. A convolution
/// (one group) runs `IntegerGEMM` per image straight from its (zero-padded) input, its output
/// rows being the next layout; a max pooling that tiles its output is fused into it unless
/// every layer's output is recorded; an FC layer runs one `IntegerGEMM` for the block, the
/// images as items. Layers it does not cover (grouped convolutions, reshapes that would move
/// words) leave the network to `BlockEngine` (`IntegerEngine.init` returns nil).
struct IntegerEngine: Sendable {
    static var blockSize: Int { 16 }
    /// Words past a buffer's last image that a pair's second word may read.
    static var slack: Int { 16 }

    struct Convolution: Sendable {
        var input: WordLayout, output: WordLayout
        var pairs: Int, blocks: Int
        var offsets: [Int32]
        var items: GatherItems
        /// With a following max pooling fused: its items and the pooled layout.
        var pooled: (items: GatherItems, output: WordLayout)?
        var weights: [Int16], bias: [Int32]
        var requantization: IntegerRequantization
        /// The zero-padded input's rows, columns, top and left padding; nil when the input
        /// is read in place.
        var padding: (height: Int, width: Int, top: Int, left: Int)?
    }

    struct FullyConnected: Sendable {
        var output: WordLayout
        var pairs: Int, blocks: Int
        var offsets: [Int32]
        var weights: [Int16], bias: [Int32]
        var requantization: IntegerRequantization
    }

    struct Pooling: Sendable {
        var input: WordLayout, output: WordLayout
        /// Per output position and window tap, the word offset of the tap's row, −1 outside.
        var offsets: [Int32]
        var windowArea: Int
        /// Average pooling: `FixedPointAveraging` reciprocals per output position, and the wordlength.
        var reciprocals: [Int] = [], wordlength = 0
    }

    enum Step: Sendable {
        case convolution(Convolution)
        case fullyConnected(FullyConnected)
        /// `fused`: computed by the convolution before it (when not recording).
        case maxPool(Pooling, fused: Bool)
        case averagePool(Pooling)
        case relu(WordLayout)
        /// A reshape that keeps every word in place (see `IntegerEngine.init`), and a final
        /// Softmax (the words are the scores).
        case identity(WordLayout)

        var output: WordLayout {
            switch self {
            case .convolution(let c): c.output
            case .fullyConnected(let f): f.output
            case .maxPool(let p, _), .averagePool(let p): p.output
            case .relu(let l), .identity(let l): l
            }
        }
    }

    let steps: [Step]
    let input: WordLayout
    /// Words per image in the block buffers: the largest layout.
    let imageStride: Int
    let inputFormat: FixedPointFormat
    /// The items of an FC layer: the images of a block.
    let images: GatherItems

    /// Per-worker buffers.
    final class Scratch {
        var x: UnsafeMutablePointer<Int16>, y: UnsafeMutablePointer<Int16>
        /// The quantised input block in logical order.
        let reals: UnsafeMutablePointer<Float>
        /// Per padded convolution: its zero-padded input (the border stays zero).
        let padded: [UnsafeMutablePointer<Int16>?]
        let sums: UnsafeMutablePointer<Int>

        init(_ engine: IntegerEngine) {
            let size = IntegerEngine.blockSize * engine.imageStride + IntegerEngine.slack
            x = .allocate(capacity: size); x.initialize(repeating: 0, count: size)
            y = .allocate(capacity: size); y.initialize(repeating: 0, count: size)
            reals = .allocate(capacity: IntegerEngine.blockSize * engine.input.channels * engine.input.positions)
            padded = engine.steps.map { step in
                guard case .convolution(let c) = step, let p = c.padding else { return nil }
                let size = p.height * p.width * c.input.stride + IntegerEngine.slack
                let buffer = UnsafeMutablePointer<Int16>.allocate(capacity: size)
                buffer.initialize(repeating: 0, count: size)
                return buffer
            }
            sums = .allocate(capacity: max(engine.imageStride, 1))
        }

        deinit {
            x.deallocate(); y.deallocate(); reals.deallocate(); sums.deallocate()
            for buffer in padded { buffer?.deallocate() }
        }
    }

    /// Quantises `count ≤ blockSize` images (`C × H × W` floats each) into `scratch.x`.
    func load(_ images: UnsafeBufferPointer<Float>, count: Int, _ s: Scratch) {
        let size = input.channels * input.positions
        inputFormat.quantize(UnsafeBufferPointer(rebasing: images[0..<(count * size)]), into: s.reals)
        // The words are integers below 2^15: the low bits of `x + 1.5·2^23` are `x` (no range
        // check, so the loop vectorises).
        for b in 0..<count { place(s.reals + b * size, s.x + b * imageStride) { Int16(truncatingIfNeeded: ($0 + 0x1.8p23).bitPattern) } }
    }

    /// Places one image's input words, given in logical order, into `scratch.x`.
    func place(_ words: [Int16], _ s: Scratch) {
        words.withUnsafeBufferPointer { place($0.baseAddress!, s.x) { $0 } }
    }

    @inline(__always)
    private func place<T>(_ logical: UnsafePointer<T>, _ words: UnsafeMutablePointer<Int16>, _ convert: (T) -> Int16) {
        if input.stride == 1 {
            for p in 0..<input.positions { words[p] = convert(logical[p]) }
            return
        }
        for p in 0..<input.positions {
            let row = words + p * input.stride
            for c in 0..<input.channels { row[c] = convert(logical[c * input.positions + p]) }
            for c in input.channels..<input.stride { row[c] = 0 }
        }
    }

    /// Runs the `count` images loaded into `scratch.x`; returns their words (image `b` at
    /// `b · imageStride`) and layout, valid until the next call. `record` sees every layer's
    /// output in its layout, and turns off the fusion of pooling.
    func run(count: Int, _ s: Scratch, record: ((WordLayout, UnsafePointer<Int16>) -> Void)? = nil)
        -> (UnsafePointer<Int16>, WordLayout) {
        precondition(count <= Self.blockSize)
        let fusing = record == nil
        var layout = input
        for (index, step) in steps.enumerated() {
            switch step {
            case .convolution(let c):
                var (items, output) = (c.items, c.output)
                if fusing, let pooled = c.pooled { (items, output) = (pooled.items, pooled.output) }
                for b in 0..<count {
                    convolution(c, items, s.x + b * imageStride, s.y + b * imageStride, padded: s.padded[index])
                }
                layout = output
                swap(&s.x, &s.y)
            case .fullyConnected(let f):
                fullyConnected(f, count: count, s)
                layout = f.output
                swap(&s.x, &s.y)
            case .maxPool(_, let fused) where fused && fusing:
                continue
            case .maxPool(let p, _):
                for b in 0..<count { maxPool(p, s.x + b * imageStride, s.y + b * imageStride) }
                layout = p.output
                swap(&s.x, &s.y)
            case .averagePool(let p):
                for b in 0..<count { averagePool(p, s.x + b * imageStride, s.y + b * imageStride, s.sums) }
                layout = p.output
                swap(&s.x, &s.y)
            case .relu(let l):
                for i in 0..<(count * imageStride) { s.x[i] = max(s.x[i], 0) }
                layout = l
            case .identity(let l):
                layout = l
            }
            record?(layout, s.x)
        }
        return (UnsafePointer(s.x), layout)
    }

    private func convolution(_ c: Convolution, _ items: GatherItems, _ x: UnsafeMutablePointer<Int16>,
                             _ y: UnsafeMutablePointer<Int16>, padded: UnsafeMutablePointer<Int16>?) {
        var input = UnsafePointer(x)
        if let p = c.padding, let padded {
            let rowWords = c.input.width * c.input.stride
            for row in 0..<c.input.height {
                (padded + ((p.top + row) * p.width + p.left) * c.input.stride).update(from: x + row * rowWords, count: rowWords)
            }
            input = UnsafePointer(padded)
        }
        c.weights.withUnsafeBufferPointer { w in
            c.bias.withUnsafeBufferPointer { bias in
                c.offsets.withUnsafeBufferPointer { offsets in
                    items.bases.withUnsafeBufferPointer { bases in
                        items.destinations.withUnsafeBufferPointer { destinations in
                            IntegerGEMM.run(pairs: c.pairs, blocks: c.blocks, items: items.count, input: input, bases: bases.baseAddress!,
                                            offsets: offsets.baseAddress!, weights: w.baseAddress!, bias: bias.baseAddress!,
                                            rows: y, rowStride: c.output.stride, destinations: destinations.baseAddress!,
                                            c.requantization)
                        }
                    }
                }
            }
        }
    }

    /// The block's FC layer: one `IntegerGEMM` whose items are the images (those past `count`
    /// compute rows that nobody reads).
    private func fullyConnected(_ f: FullyConnected, count: Int, _ s: Scratch) {
        f.weights.withUnsafeBufferPointer { w in
            f.bias.withUnsafeBufferPointer { bias in
                f.offsets.withUnsafeBufferPointer { offsets in
                    images.bases.withUnsafeBufferPointer { bases in
                        images.destinations.withUnsafeBufferPointer { destinations in
                            IntegerGEMM.run(pairs: f.pairs, blocks: f.blocks, items: (count + 3) & ~3, input: s.x, bases: bases.baseAddress!,
                                            offsets: offsets.baseAddress!, weights: w.baseAddress!, bias: bias.baseAddress!,
                                            rows: s.y, rowStride: imageStride, destinations: destinations.baseAddress!, f.requantization)
                        }
                    }
                }
            }
        }
    }

    private func maxPool(_ p: Pooling, _ x: UnsafeMutablePointer<Int16>, _ y: UnsafeMutablePointer<Int16>) {
        let stride = p.input.stride
        p.offsets.withUnsafeBufferPointer { offsets in
            for q in 0..<p.output.positions {
                let out = y + q * stride
                out.update(repeating: .min, count: stride)
                for t in (q * p.windowArea)..<((q + 1) * p.windowArea) where offsets[t] >= 0 {
                    let row = x + Int(offsets[t])
                    for c in 0..<stride { out[c] = max(out[c], row[c]) }
                }
            }
        }
    }

    private func averagePool(_ p: Pooling, _ x: UnsafeMutablePointer<Int16>, _ y: UnsafeMutablePointer<Int16>,
                             _ sums: UnsafeMutablePointer<Int>) {
        let stride = p.input.stride
        p.offsets.withUnsafeBufferPointer { offsets in
            for q in 0..<p.output.positions {
                sums.update(repeating: 0, count: stride)
                for t in (q * p.windowArea)..<((q + 1) * p.windowArea) where offsets[t] >= 0 {
                    let row = x + Int(offsets[t])
                    for c in 0..<stride { sums[c] += Int(row[c]) }
                }
                let out = y + q * stride
                for c in 0..<stride {
                    out[c] = Int16(FixedPointAveraging.average(sum: sums[c], reciprocal: p.reciprocals[q], wordlength: p.wordlength))
                }
            }
        }
    }
}

extension IntegerEngine {
    /// Runs `images` (`count` of them, `C × H × W` floats each) on all cores; `store` receives
    /// each block's output words in logical order (`count × outputSize`).
    func forEachBlock(_ images: UnsafeBufferPointer<Float>, count: Int, outputSize: Int,
                      store: (Range<Int>, UnsafeBufferPointer<Int32>) -> Void) {
        let imageSize = input.channels * input.positions
        forEachChunk(of: count) { range in
            let scratch = Scratch(self)
            let out = UnsafeMutablePointer<Int32>.allocate(capacity: Self.blockSize * outputSize)
            defer { out.deallocate() }
            var start = range.lowerBound
            while start < range.upperBound {
                let block = start..<min(start + Self.blockSize, range.upperBound)
                load(UnsafeBufferPointer(rebasing: images[(block.lowerBound * imageSize)...]), count: block.count, scratch)
                let (words, layout) = run(count: block.count, scratch)
                for b in 0..<block.count {
                    layout.toLogical(words + b * imageStride, into: out + b * outputSize) { Int32($0) }
                }
                store(block, UnsafeBufferPointer(start: out, count: block.count * outputSize))
                start = block.upperBound
            }
        }
    }
}
