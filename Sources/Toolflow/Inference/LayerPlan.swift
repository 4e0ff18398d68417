/// What float and fixed-point inference precompute for a layer: the im2col gather table of a
/// convolution (`Convolution.im2colOffsets`, the GEMM mapping) and the window tables of a
/// pooling (`Pooling.windowTable`). One plan serves both arithmetics.
struct LayerPlan: Sendable {
    enum Kind: Sendable {
        case convolution(ConvolutionPlan)
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
        /// `k·M + m` → input offset within group 0, −1 for padding.
        var offsets: [Int32]
        /// Elements of one group's input channels (`C_g·H·W`).
        var groupInputStride: Int
        var relu: Bool
    }

    struct PoolingPlan: Sendable {
        var channels: Int
        var inputArea: Int
        var outputArea: Int
        /// Positions per window (`kh·kw`).
        var windowArea: Int
        var offsets: [Int32]
        var divisors: [Int32]
    }

    init(_ layer: Layer) {
        inputSize = layer.inputShape.reduce(1, *)
        outputSize = layer.outputShape.reduce(1, *)
        switch layer.operation {
        case .convolution(let conv):
            kind = .convolution(ConvolutionPlan(
                gemm: conv.gemm(inputShape: layer.inputShape), offsets: conv.im2colOffsets(inputShape: layer.inputShape),
                groupInputStride: conv.groupInputChannels * layer.inputShape[1] * layer.inputShape[2], relu: conv.fusedReLU))
        case .fullyConnected(let fc):
            kind = .fullyConnected(inputs: fc.inputFeatures, outputs: fc.outputFeatures, relu: fc.fusedReLU)
        case .maxPool(let pooling), .averagePool(let pooling):
            let table = pooling.windowTable(inputShape: layer.inputShape)!
            let plan = PoolingPlan(channels: layer.inputShape[0], inputArea: layer.inputShape[1] * layer.inputShape[2],
                                   outputArea: layer.outputShape[1] * layer.outputShape[2],
                                   windowArea: pooling.window.kernelHeight * pooling.window.kernelWidth,
                                   offsets: table.offsets, divisors: table.divisors)
            if case .maxPool = layer.operation { kind = .maxPool(plan) } else { kind = .averagePool(plan) }
        case .relu: kind = .relu
        case .reshape: kind = .reshape
        case .softmax: kind = .softmax
        }
    }

    /// Elements of the im2col matrix `A` of one group (0 for other layers).
    var im2colSize: Int {
        if case .convolution(let c) = kind { return c.gemm.k * c.gemm.m }
        return 0
    }
}
