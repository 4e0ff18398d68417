/// What float and fixed-point inference precompute for a layer: the gather offsets of a
/// convolution (`DirectConvolutionPlan`), or for a grouped one the im2col row segments (the
/// mapping of `Convolution.im2colOffsets`, as copies of input rows), and the window tables of
/// a pooling (`Pooling.windowTable`). One plan serves both arithmetics.
struct LayerPlan: Sendable {
    enum Kind: Sendable {
        /// A grouped convolution: im2col and `GEMMScalar.gemm` per group.
        case convolution(ConvolutionPlan)
        /// A convolution of one group: `DirectConvolutionPlan`.
        case directConvolution(DirectConvolutionPlan)
        case fullyConnected(inputs: Int, outputs: Int, relu: Bool)
        case maxPool(PoolingPlan)
        case averagePool(PoolingPlan)
        case relu
        case reshape
        case softmax
    }

    var kind: Kind
    var inputSize: Int
    var outputSize: Int

    struct ConvolutionPlan: Sendable {
        var gemm: GEMMShape
        var window: Window2D
        /// Input height and width, output height and width.
        var height: Int, width: Int, outputHeight: Int, outputWidth: Int
        /// Per row `k = (c·kh + i)·kw + j` of `Aᵀ`: the offset of channel `c` plus the kernel
        /// tap's column offset `j·d_x − p_left`, the tap's row offset `i·d_y − p_top`, and
        /// the range of output columns whose input column lies inside the image.
        var rows: [Im2colRow]
        /// Elements of one group's input channels (`C_g·H·W`).
        var groupInputStride: Int
        var relu: Bool

        init(_ conv: Convolution, inputShape: [Int], outputShape: [Int]) {
            (height, width) = (inputShape[1], inputShape[2])
            (outputHeight, outputWidth) = (outputShape[1], outputShape[2])
            let w = conv.window
            var rows: [Im2colRow] = []
            for c in 0..<conv.groupInputChannels {
                for i in 0..<w.kernelHeight {
                    for j in 0..<w.kernelWidth {
                        let shift = j * w.dilationX - w.padLeft
                        // Output columns ox with 0 ≤ ox·s_x + shift < W.
                        let low = min(max(0, (-shift + w.strideX - 1) / w.strideX), outputWidth)
                        let high = min(max(low, (width - 1 - shift) / w.strideX + 1), outputWidth)
                        rows.append(Im2colRow(base: c * height * width + shift, rowOffset: i * w.dilationY - w.padTop,
                                              columns: (width - 1 - shift) < 0 ? low..<low : low..<high))
                    }
                }
            }
            self.rows = rows
            gemm = conv.gemm(inputShape: inputShape)
            window = w
            groupInputStride = conv.groupInputChannels * height * width
            relu = conv.fusedReLU
        }
    }

    struct Im2colRow: Sendable {
        var base: Int, rowOffset: Int, columns: Range<Int>
    }

    struct PoolingPlan: Sendable {
        var channels: Int
        var inputArea: Int
        var outputArea: Int
        /// Positions per window (`kh·kw`).
        var windowArea: Int
        var offsets: [Int32]
        var divisors: [Int32]
        /// Whether every window lies inside the input (then `window` addresses it directly).
        var unpadded: Bool
        var window: Window2D
        var width: Int, outputWidth: Int
    }

    init(_ layer: Layer) {
        inputSize = layer.inputShape.reduce(1, *)
        outputSize = layer.outputShape.reduce(1, *)
        switch layer.operation {
        case .convolution(let conv) where conv.groups == 1:
            kind = .directConvolution(DirectConvolutionPlan(conv, inputShape: layer.inputShape, outputShape: layer.outputShape))
        case .convolution(let conv):
            kind = .convolution(ConvolutionPlan(conv, inputShape: layer.inputShape, outputShape: layer.outputShape))
        case .fullyConnected(let fc):
            kind = .fullyConnected(inputs: fc.inputFeatures, outputs: fc.outputFeatures, relu: fc.fusedReLU)
        case .maxPool(let pooling), .averagePool(let pooling):
            let table = pooling.windowTable(inputShape: layer.inputShape)!
            let plan = PoolingPlan(channels: layer.inputShape[0], inputArea: layer.inputShape[1] * layer.inputShape[2],
                                   outputArea: layer.outputShape[1] * layer.outputShape[2],
                                   windowArea: pooling.window.kernelHeight * pooling.window.kernelWidth,
                                   offsets: table.offsets, divisors: table.divisors,
                                   unpadded: !table.offsets.contains(-1) && pooling.window.padBottom == 0 && pooling.window.padRight == 0
                                       && pooling.window.padTop == 0 && pooling.window.padLeft == 0,
                                   window: pooling.window, width: layer.inputShape[2], outputWidth: layer.outputShape[2])
            if case .maxPool = layer.operation { kind = .maxPool(plan) } else { kind = .averagePool(plan) }
        case .relu: kind = .relu
        case .reshape: kind = .reshape
        case .softmax: kind = .softmax
        }
    }

}
