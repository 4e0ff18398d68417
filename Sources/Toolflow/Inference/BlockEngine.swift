import FixedPoint

/// Runs a network over blocks of images with element type `T` (`Float` or `Double`): the
/// one loop nest behind both float and fixed-point inference.
///
/// Activations are stored image after image. A CONV layer runs its GEMM per image (`M` =
/// output positions): `gatherGEMM` straight from the input (`DirectConvolutionPlan`), or im2col
/// and `gemm` per group for grouped convolutions; an FC layer runs one `gatherGEMM` for the
/// whole block, the images being the rows of `A` (`M` = images), as the hardware batches FC
/// layers. A max pooling whose windows tile a convolution's output is fused into it
/// (`DirectConvolutionPlan.fusingPooling`) except when every layer's output is recorded. In
/// fixed point the values are integer words held exactly in `T`, and each CONV and FC output
/// goes through `Requantization` (`GEMMScalar.requantize`; see `FixedPointInference`).
struct BlockEngine<T: GEMMScalar>: Sendable {
    struct Step: Sendable {
        var plan: LayerPlan
        var weights: [T] = []
        var bias: [T] = []
        /// Fixed point only: the requantisation of a CONV or FC layer.
        var requantization: Requantization?
        /// Fixed point only: `FixedPointAveraging` reciprocals per window, and the wordlength.
        var averaging: (reciprocals: [Int], wordlength: Int)?
        /// Set by the engine for `gatherGEMM` layers: the output channels padded to a multiple
        /// of 8 (the columns of `weights`, then stored as `Wᵀ`, and of `bias`).
        var columns = 0
        /// Set by the engine for FC layers: the identity offsets and one item per image.
        var fullyConnected: (offsets: [Int32], items: GatherItems)?
        /// Set by the engine on a direct convolution that a following max pooling is fused
        /// into: the pooled items, and the output size after pooling.
        var pooled: (items: GatherItems, outputSize: Int)?
        /// Set by the engine on a max pooling fused into the convolution before it.
        var fused = false
    }

    static var blockSize: Int { 16 }

    let steps: [Step]
    let inputSize: Int
    let outputSize: Int
    /// Whether a Softmax layer is computed (float) or skipped (fixed point: words are scores).
    let computesSoftmax: Bool
    let bufferSize: Int
    let im2colSize: Int

    /// Elements of the `gatherGEMM` result rows of the largest layer.
    let rowsSize: Int

    /// `steps` with weights as `[N][K]` rows (`GEMMShape`); the engine lays them out for its kernels.
    init(steps: [Step], inputSize: Int, computesSoftmax: Bool) {
        var steps = steps
        var im2col = 0, rows = 0
        for index in steps.indices {
            switch steps[index].plan.kind {
            case .convolution(let c):
                im2col = max(im2col, c.gemm.k * paddedToLanes(c.gemm.m))
            case .directConvolution(let c):
                Self.transposeWeights(&steps[index], k: c.k, n: c.n)
                if index + 1 < steps.count, case .maxPool(let pool) = steps[index + 1].plan.kind,
                   let items = c.fusingPooling(pool) {
                    steps[index].pooled = (items, steps[index + 1].plan.outputSize)
                    steps[index + 1].fused = true
                }
                rows = max(rows, c.items.rows * steps[index].columns)
            case .fullyConnected(let k, let n, _):
                Self.transposeWeights(&steps[index], k: k, n: n)
                let images = GatherItems(bases: (0..<Self.blockSize).map { Int32($0 * k) },
                                         destinations: (0..<Self.blockSize).map(Int32.init), rows: Self.blockSize)
                steps[index].fullyConnected = ((0..<k).map(Int32.init), images)
                rows = max(rows, Self.blockSize * steps[index].columns)
            default:
                break
            }
        }
        self.steps = steps
        self.inputSize = inputSize
        self.computesSoftmax = computesSoftmax
        outputSize = steps.last?.plan.outputSize ?? inputSize
        bufferSize = max(inputSize, steps.map { max($0.plan.inputSize, $0.plan.outputSize) }.max() ?? 0)
        im2colSize = im2col
        rowsSize = rows
    }

    /// Rewrites a step's `[N][K]` weights as `Wᵀ`, `K` rows of `N` padded with zeros to a
    /// multiple of 8 columns, and pads the bias alike (the operands of `gatherGEMM`).
    private static func transposeWeights(_ step: inout Step, k: Int, n: Int) {
        let columns = (n + 7) & ~7
        var transposed = [T](repeating: 0, count: k * columns)
        for j in 0..<n {
            for r in 0..<k { transposed[r * columns + j] = step.weights[j * k + r] }
        }
        step.weights = transposed
        step.bias += [T](repeating: 0, count: columns - n)
        step.columns = columns
    }

    /// Per-worker buffers.
    final class Scratch {
        var x: UnsafeMutablePointer<T>, y: UnsafeMutablePointer<T>
        /// The im2col matrix of grouped convolutions.
        let a: UnsafeMutablePointer<T>
        /// The result rows of `gatherGEMM`.
        let rows: UnsafeMutablePointer<T>
        let words: UnsafeMutablePointer<Int>
        /// Per step of a padded direct convolution: its zero-padded input (the border stays zero).
        let padded: [UnsafeMutablePointer<T>?]

        init(_ engine: BlockEngine) {
            let activations = BlockEngine.blockSize * engine.bufferSize
            // Zeroed: the FC kernel reads (and discards) the image slots past a partial block.
            x = .allocate(capacity: activations); x.initialize(repeating: 0, count: activations)
            y = .allocate(capacity: activations); y.initialize(repeating: 0, count: activations)
            a = .allocate(capacity: max(engine.im2colSize, 1))
            let rowsSize = max(engine.rowsSize, 1)
            rows = .allocate(capacity: rowsSize)
            words = .allocate(capacity: max(activations, rowsSize))
            padded = engine.steps.map { step in
                guard case .directConvolution(let c) = step.plan.kind, c.padded else { return nil }
                let buffer = UnsafeMutablePointer<T>.allocate(capacity: c.paddedSize)
                buffer.initialize(repeating: 0, count: c.paddedSize)
                return buffer
            }
        }

        deinit {
            x.deallocate(); y.deallocate(); a.deallocate(); rows.deallocate(); words.deallocate()
            for buffer in padded { buffer?.deallocate() }
        }
    }

    /// Runs the `count ≤ blockSize` images already in `scratch.x`; returns their outputs,
    /// valid until the next call. `record` sees every layer's output (image-major).
    func run(count: Int, _ s: Scratch, record: ((UnsafeBufferPointer<T>) -> Void)? = nil) -> UnsafeBufferPointer<T> {
        precondition(count <= Self.blockSize)
        let fusing = record == nil
        for (index, step) in steps.enumerated() {
            let plan = step.plan
            let (inSize, outSize) = (plan.inputSize, plan.outputSize)
            var swap = true
            switch plan.kind {
            case .convolution(let conv):
                for b in 0..<count { convolution(conv, step, s.x + b * inSize, s.y + b * outSize, s.a) }
                finish(step, s.y, count * outSize, relu: conv.relu, s.words)
            case .directConvolution(let conv):
                var (items, size) = (conv.items, outSize)
                if fusing, let pooled = step.pooled { (items, size) = (pooled.items, pooled.outputSize) }
                for b in 0..<count {
                    directConvolution(conv, items, step, s.x + b * inSize, s.y + b * size, s, padded: s.padded[index])
                }
            case .fullyConnected(let k, let n, let relu):
                fullyConnected(k, n, relu, count, step, s)
            case .maxPool where fusing && step.fused:
                continue
            case .maxPool(let pool):
                for b in 0..<count { maxPool(pool, s.x + b * inSize, s.y + b * outSize) }
            case .averagePool(let pool):
                for b in 0..<count { averagePool(pool, step.averaging, s.x + b * inSize, s.y + b * outSize) }
            case .relu:
                for i in 0..<(count * outSize) { s.x[i] = max(s.x[i], 0) }
                swap = false
            case .reshape:
                swap = false
            case .softmax:
                if computesSoftmax {
                    for b in 0..<count { softmax(s.x + b * outSize, outSize) }
                }
                swap = false
            }
            if swap { Swift.swap(&s.x, &s.y) }
            record?(UnsafeBufferPointer(start: s.x, count: count * outSize))
        }
        return UnsafeBufferPointer(start: s.x, count: count * outputSize)
    }

    /// ReLU (float) or requantisation then ReLU (fixed point) of a layer's accumulators.
    @inline(__always)
    private func finish(_ step: Step, _ values: UnsafeMutablePointer<T>, _ count: Int, relu: Bool,
                        _ words: UnsafeMutablePointer<Int>) {
        if let r = step.requantization {
            T.requantize(values, count: count, r, relu: relu, words: words)
        } else if relu {
            for i in 0..<count { values[i] = max(values[i], 0) }
        }
    }

    private func convolution(_ plan: LayerPlan.ConvolutionPlan, _ step: Step, _ x: UnsafeMutablePointer<T>,
                             _ y: UnsafeMutablePointer<T>, _ a: UnsafeMutablePointer<T>) {
        let (m, n, k) = (plan.gemm.m, plan.gemm.n, plan.gemm.k)
        let stride = paddedToLanes(m)
        step.weights.withUnsafeBufferPointer { w in
            step.bias.withUnsafeBufferPointer { bias in
                for g in 0..<plan.gemm.groups {
                    Self.im2col(plan, x + g * plan.groupInputStride, a, stride: stride)
                    T.gemm(n: n, k: k, m: m, weights: w.baseAddress! + g * n * k, bias: bias.baseAddress! + g * n,
                           a: a, aStride: stride, y: y + g * n * m, yStride: m)
                }
            }
        }
    }

    /// One image's convolution by `gatherGEMM` over `items` (its positions, or its pooled
    /// positions' window taps), written channel-major to `y`.
    private func directConvolution(_ plan: DirectConvolutionPlan, _ items: GatherItems, _ step: Step, _ x: UnsafeMutablePointer<T>,
                                   _ y: UnsafeMutablePointer<T>, _ s: Scratch, padded: UnsafeMutablePointer<T>?) {
        var input = UnsafePointer(x)
        if let padded {
            plan.pad(x, into: padded)
            input = UnsafePointer(padded)
        }
        let columns = step.columns
        gatherGEMM(plan.k, step, input: input, items: items, itemCount: items.count, offsets: plan.offsets, s.rows)
        finish(step, s.rows, items.rows * columns, relu: plan.relu, s.words)
        for c in 0..<plan.n {
            var source = UnsafePointer(s.rows + c), out = y + c * items.rows
            for _ in 0..<items.rows { out.pointee = source.pointee; out += 1; source += columns }
        }
    }

    /// The block's FC layer as one GEMM whose rows are the images.
    private func fullyConnected(_ k: Int, _ n: Int, _ relu: Bool, _ count: Int, _ step: Step, _ s: Scratch) {
        let (offsets, items) = step.fullyConnected!
        let columns = step.columns
        gatherGEMM(k, step, input: s.x, items: items, itemCount: (count + 7) & ~7, offsets: offsets, s.rows)
        finish(step, s.rows, count * columns, relu: relu, s.words)
        for b in 0..<count {
            for j in 0..<n { s.y[b * n + j] = s.rows[b * columns + j] }
        }
    }

    @inline(__always)
    private func gatherGEMM(_ k: Int, _ step: Step, input: UnsafePointer<T>, items: GatherItems, itemCount: Int,
                            offsets: [Int32], _ rows: UnsafeMutablePointer<T>) {
        step.weights.withUnsafeBufferPointer { w in
            step.bias.withUnsafeBufferPointer { bias in
                items.bases.withUnsafeBufferPointer { bases in
                    items.destinations.withUnsafeBufferPointer { destinations in
                        offsets.withUnsafeBufferPointer { offsets in
                            T.gatherGEMM(k: k, n: step.columns, items: itemCount, input: input, bases: bases.baseAddress!,
                                         offsets: offsets.baseAddress!, weights: w.baseAddress!, bias: bias.baseAddress!,
                                         rows: rows, destinations: destinations.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    private func softmax(_ x: UnsafeMutablePointer<T>, _ count: Int) {
        var floats = (0..<count).map { Float(x[$0]) }
        floats.withUnsafeMutableBufferPointer { Toolflow.softmax($0) }
        for i in 0..<count { x[i] = T(floats[i]) }
    }
}

extension BlockEngine {
    /// Runs `count` images on all cores, `load` filling a block's inputs (image-major) into
    /// the given pointer, `store` receiving each block's outputs.
    func forEachBlock(count: Int, load: (Range<Int>, UnsafeMutablePointer<T>) -> Void,
                      store: (Range<Int>, UnsafeBufferPointer<T>) -> Void) {
        forEachChunk(of: count) { range in
            let scratch = Scratch(self)
            var start = range.lowerBound
            while start < range.upperBound {
                let block = start..<min(start + Self.blockSize, range.upperBound)
                load(block, scratch.x)
                store(block, run(count: block.count, scratch))
                start = block.upperBound
            }
        }
    }
}
