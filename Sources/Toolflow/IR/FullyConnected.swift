/// A fully connected layer (ONNX Gemm, or MatMul with an added bias): `y = W·x + b` with an
/// optional fused ReLU. `alpha`, `beta` and transposes are applied at import.
public struct FullyConnected: Sendable {
    public var inputFeatures: Int
    public var outputFeatures: Int
    /// `[outputFeatures][inputFeatures]`, C order (the transpose of GEMM's `B`).
    public var weights: [Float]
    public var bias: [Float]
    public var fusedReLU: Bool = false

    public init(inputFeatures: Int, outputFeatures: Int, weights: [Float], bias: [Float], fusedReLU: Bool = false) {
        self.inputFeatures = inputFeatures; self.outputFeatures = outputFeatures
        self.weights = weights; self.bias = bias; self.fusedReLU = fusedReLU
    }

    /// The GEMM this layer becomes per image: `M = 1`, `K` input features, `N` outputs.
    public var gemm: GEMMShape { GEMMShape(m: 1, n: outputFeatures, k: inputFeatures) }
}
