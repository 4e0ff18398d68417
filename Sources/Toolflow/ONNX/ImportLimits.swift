/// Bounds on what a model file may make the importer, and the inference after it, allocate:
/// a small corrupted or hostile file (a pad of 3,000, a dimension of 2^40, a constant
/// concatenated with itself forty times) is refused with an error naming the node, instead
/// of claiming gigabytes at import or at inference.
enum ImportLimits {
    /// The largest rank of a tensor, NumPy's: real models stay far below it, and every loop
    /// over a shape's axes stays short.
    static let rank = 32
    /// Elements of one image's activation after any layer: 2^24, 64 MiB of float32 (the
    /// largest in VGG-16 at 224×224 is 3.2M).
    static let activationElements = 1 << 24
    /// Entries of a layer's gather table: a convolution's im2col (output positions × input
    /// channels per group × kernel area) or a pooling's window table (output positions ×
    /// window area), 2^26 (VGG-16's largest im2col is 29M).
    static let gatherElements = 1 << 26
    /// The largest magnitude of a weight or bias: trained CNNs stay orders of magnitude below
    /// it (NaN, ±Inf or 1e38 weights ran to 7.5 % accuracy with exit status 0).
    static let parameter: Float = 1e9

    /// Throws when `layer`'s output is empty or larger than `activationElements`, or when a
    /// convolution's zero-padded input is larger than that or its im2col larger than
    /// `gatherElements` (inference allocates both).
    static func check(_ layer: Layer) throws(NodeProblem) {
        let shape = layer.outputShape
        guard let count = ConstantTensor.elementCount(shape, limit: activationElements) else {
            throw .unsupported("its output of shape \(shape) per image is larger than the \(activationElements) elements (or \(rank) dimensions) the importer accepts")
        }
        guard count > 0 else { throw .invalid("its output of shape \(shape) has no elements") }
        if case .convolution(let conv) = layer.operation, let gemm = layer.gemm, layer.inputShape.count == 3 {
            let w = conv.window, input = layer.inputShape
            let padded = [input[0], input[1] + w.padTop + w.padBottom, input[2] + w.padLeft + w.padRight]
            guard ConstantTensor.elementCount(padded, limit: activationElements) != nil else {
                throw .unsupported("its zero-padded input of shape \(padded) is larger than the \(activationElements) elements the importer accepts")
            }
            try checkGather(gemm.m, gemm.k, "the im2col of its GEMM (M=\(gemm.m), K=\(gemm.k))")
        }
    }

    /// Throws before a pooling's window table of `positions` × `area` entries is built, when
    /// it would be larger than `gatherElements`.
    static func checkWindowTable(positions: Int, area: Int) throws(NodeProblem) {
        try checkGather(positions, area, "its window table (\(positions) positions × a window of \(area))")
    }

    private static func checkGather(_ a: Int, _ b: Int, _ what: String) throws(NodeProblem) {
        let (entries, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, entries <= gatherElements else {
            throw .unsupported("\(what) is larger than the \(gatherElements) entries the importer accepts")
        }
    }
}

/// What constant folding may still create, in elements: the model file's size in bytes plus
/// 2^24, so that folding stays proportional to what the file holds rather than to what its
/// nodes claim (a ConstantOfShape of [2^14, 2^14], a Concat of a tensor with itself).
struct FoldingBudget {
    private(set) var remaining: Int

    init(fileSize: Int) { remaining = fileSize + (1 << 24) }

    /// Takes `count` elements for a result, or throws when too few remain.
    mutating func spend(_ count: Int) throws(NodeProblem) {
        guard count <= remaining else {
            throw .unsupported("evaluating it at import would create \(count) elements, more than the \(remaining) left of the limit on constant computations (the file's size in bytes plus \(1 << 24) elements)")
        }
        remaining -= count
    }
}
