/// Max or average pooling over a `Window2D` (GlobalAveragePool is an average pool whose
/// window is the whole feature map).
public struct Pooling: Hashable, Sendable {
    public var window: Window2D
    /// For average pooling: whether padded positions count in the divisor (ONNX
    /// `count_include_pad`). Max pooling ignores padding.
    public var countIncludesPadding: Bool = false
    /// Bottom and right padding that only makes room for ceil_mode's last window (part of
    /// `window`'s padding): count_include_pad does not count it.
    public var uncountedPadBottom = 0, uncountedPadRight = 0

    public init(window: Window2D, countIncludesPadding: Bool = false) {
        self.window = window; self.countIncludesPadding = countIncludesPadding
    }

    /// The output shape `[C, H_out, W_out]` for an input `[C, H, W]`.
    public func outputShape(for input: [Int]) -> [Int]? {
        guard input.count == 3, let size = window.outputSize(height: input[1], width: input[2]) else { return nil }
        return [input[0], size.height, size.width]
    }

    /// The gather table of one channel: for output position `p = oy·W_out + ox`, entries
    /// `p·kh·kw ..< (p+1)·kh·kw` are the offsets `y·W + x` of the window's positions in the
    /// input channel, −1 where the window reads padding; and the divisor of each window for
    /// average pooling. Channel `c` adds `c·H·W`. Nil when some window reads only padding.
    public func windowTable(inputShape input: [Int]) -> (offsets: [Int32], divisors: [Int32])? {
        guard let out = outputShape(for: input) else { return nil }
        let height = input[1], width = input[2], w = window
        let area = w.kernelHeight * w.kernelWidth
        var offsets = [Int32](repeating: -1, count: out[1] * out[2] * area)
        var divisors = [Int32](repeating: 0, count: out[1] * out[2])
        for oy in 0..<out[1] {
            for ox in 0..<out[2] {
                let p = oy * out[2] + ox
                var inside = 0, counted = 0
                for i in 0..<w.kernelHeight {
                    let y = w.origin(outputY: oy) + i * w.dilationY
                    for j in 0..<w.kernelWidth {
                        let x = w.origin(outputX: ox) + j * w.dilationX
                        if y >= 0, y < height, x >= 0, x < width {
                            offsets[p * area + i * w.kernelWidth + j] = Int32(y * width + x)
                            inside += 1
                        }
                        // ONNX count_include_pad counts padding, not positions past it.
                        if y >= -w.padTop, y < height + w.padBottom - uncountedPadBottom,
                           x >= -w.padLeft, x < width + w.padRight - uncountedPadRight {
                            counted += 1
                        }
                    }
                }
                if inside == 0 { return nil }
                divisors[p] = Int32(countIncludesPadding ? counted : inside)
            }
        }
        return (offsets, divisors)
    }
}
