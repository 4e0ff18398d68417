/// A convolution of one group computed by `gatherGEMM` without an im2col matrix: every output
/// position reads its window straight from the input, zero-padded into a buffer of
/// `paddedHeight × paddedWidth` per channel when the window has padding. Row `k = (c·kh + i)·kw
/// + j` of the GEMM (the order of `Convolution.im2colOffsets`) is the offset
/// `c·H_p·W_p + i·d_y·W_p + j·d_x`, the same for all positions.
struct DirectConvolutionPlan: Sendable {
    var k: Int, n: Int
    var channels: Int, height: Int, width: Int
    var padTop: Int, padLeft: Int, paddedHeight: Int, paddedWidth: Int
    var outputHeight: Int, outputWidth: Int
    var offsets: [Int32]
    /// One item per output position `oy·W_out + ox`, in that order.
    var items: GatherItems
    var relu: Bool

    init(_ conv: Convolution, inputShape: [Int], outputShape: [Int]) {
        precondition(conv.groups == 1)
        let w = conv.window
        (k, n) = (conv.reductionLength, conv.outputChannels)
        (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
        (outputHeight, outputWidth) = (outputShape[1], outputShape[2])
        (padTop, padLeft) = (w.padTop, w.padLeft)
        // Rows and columns that some window reaches, padding included.
        paddedHeight = max(height + w.padTop, (outputHeight - 1) * w.strideY + w.extentY)
        paddedWidth = max(width + w.padLeft, (outputWidth - 1) * w.strideX + w.extentX)
        var offsets: [Int32] = []
        for c in 0..<channels {
            for i in 0..<w.kernelHeight {
                for j in 0..<w.kernelWidth {
                    offsets.append(Int32((c * paddedHeight + i * w.dilationY) * paddedWidth + j * w.dilationX))
                }
            }
        }
        self.offsets = offsets
        var bases: [Int32] = []
        for oy in 0..<outputHeight {
            for ox in 0..<outputWidth { bases.append(Int32(oy * w.strideY * paddedWidth + ox * w.strideX)) }
        }
        items = GatherItems(bases: bases, destinations: bases.indices.map(Int32.init), rows: bases.count)
        relu = conv.fusedReLU
    }

    /// Whether the input is copied into a zero-padded buffer first.
    var padded: Bool { paddedHeight != height || paddedWidth != width }
    var paddedSize: Int { channels * paddedHeight * paddedWidth }

    /// The items of this convolution followed by `pool` (`GatherItems.pooling`).
    func fusingPooling(_ pool: LayerPlan.PoolingPlan) -> GatherItems? {
        items.pooling(pool, height: outputHeight, width: outputWidth)
    }

    /// Copies one image's `C × H × W` input into the interior of `padded` (whose border stays zero).
    func pad<T: GEMMScalar>(_ x: UnsafePointer<T>, into padded: UnsafeMutablePointer<T>) {
        for c in 0..<channels {
            for y in 0..<height {
                BlockEngine<T>.copy(x + (c * height + y) * width, to: padded + (c * paddedHeight + padTop + y) * paddedWidth + padLeft,
                                    count: width)
            }
        }
    }
}
