/// A 2-D convolution (ONNX Conv) with its bias and an optional fused ReLU. Batch norm and
/// an added constant are folded into `weights` and `bias` at import.
public struct Convolution: Sendable {
    public var inputChannels: Int
    public var outputChannels: Int
    public var window: Window2D
    public var groups: Int
    /// `[outputChannels][inputChannels / groups][kernelHeight][kernelWidth]`, C order.
    public var weights: [Float]
    /// One per output channel.
    public var bias: [Float]
    /// Whether a ReLU follows inside the same layer (applied after requantisation).
    public var fusedReLU: Bool = false

    public init(inputChannels: Int, outputChannels: Int, window: Window2D, groups: Int = 1,
                weights: [Float], bias: [Float], fusedReLU: Bool = false) {
        self.inputChannels = inputChannels; self.outputChannels = outputChannels
        self.window = window; self.groups = groups
        self.weights = weights; self.bias = bias; self.fusedReLU = fusedReLU
    }

    /// Input channels per group.
    public var groupInputChannels: Int { inputChannels / groups }
    /// Output channels per group.
    public var groupOutputChannels: Int { outputChannels / groups }
    /// The reduction length of one output: input channels per group × kernel area.
    public var reductionLength: Int { groupInputChannels * window.kernelHeight * window.kernelWidth }

    /// The output shape `[C_out, H_out, W_out]` for an input `[C, H, W]`.
    public func outputShape(for input: [Int]) -> [Int]? {
        guard input.count == 3, input[0] == inputChannels,
              let size = window.outputSize(height: input[1], width: input[2]) else { return nil }
        return [outputChannels, size.height, size.width]
    }

    /// The GEMM this layer becomes for an input `[C, H, W]` (see `GEMMShape`).
    public func gemm(inputShape input: [Int]) -> GEMMShape {
        let out = outputShape(for: input) ?? [outputChannels, 0, 0]
        return GEMMShape(m: out[1] * out[2], n: groupOutputChannels, k: reductionLength, groups: groups)
    }

    /// The im2col gather table of `GEMMShape`'s `A` for group 0, stored k-major: entry
    /// `k·M + m` is the offset of `A[m][k]` in the input tensor `[C, H, W]`, or −1 where the
    /// window reads padding. Group `g` adds `g · C_g · H · W` to every offset.
    public func im2colOffsets(inputShape input: [Int]) -> [Int32] {
        let height = input[1], width = input[2]
        let gemm = gemm(inputShape: input)
        let outWidth = outputShape(for: input)![2]
        var table = [Int32](repeating: -1, count: gemm.k * gemm.m)
        let w = window
        for c in 0..<groupInputChannels {
            for i in 0..<w.kernelHeight {
                for j in 0..<w.kernelWidth {
                    let k = (c * w.kernelHeight + i) * w.kernelWidth + j
                    for m in 0..<gemm.m {
                        let y = w.origin(outputY: m / outWidth) + i * w.dilationY
                        let x = w.origin(outputX: m % outWidth) + j * w.dilationX
                        if y >= 0, y < height, x >= 0, x < width {
                            table[k * gemm.m + m] = Int32((c * height + y) * width + x)
                        }
                    }
                }
            }
        }
        return table
    }
}
