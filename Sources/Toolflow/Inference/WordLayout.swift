/// Where `IntegerEngine` keeps a `C × H × W` tensor of words: channel-interleaved, the
/// channels of position `p = y·W + x` at `p·stride ..< p·stride + C` (`stride ≥ C`, the rest
/// zero), so that adjacent channels pair up for `IntegerGEMM` and a convolution's rows of 8
/// output channels are its output as written. A flat tensor is `C × 1 × 1`.
struct WordLayout: Sendable, Equatable {
    var channels: Int, height: Int, width: Int
    var stride: Int

    var positions: Int { height * width }
    /// Words one image occupies.
    var size: Int { positions * stride }

    /// The layout of the network's input: one channel as it is (pairs then run along kernel
    /// columns), more channels padded to an even count (pairs run along channels).
    init(input shape: [Int]) {
        let (c, h, w) = shape.count == 3 ? (shape[0], shape[1], shape[2]) : (shape.reduce(1, *), 1, 1)
        self.init(channels: c, height: h, width: w, stride: c == 1 ? 1 : (c + 1) & ~1)
    }

    init(channels: Int, height: Int, width: Int, stride: Int) {
        self.channels = channels; self.height = height; self.width = width; self.stride = stride
    }

    /// Copies one image's words into the logical `C × H × W` order.
    func toLogical<T>(_ words: UnsafePointer<Int16>, into out: UnsafeMutablePointer<T>, _ convert: (Int16) -> T) {
        for p in 0..<positions {
            let row = words + p * stride
            for c in 0..<channels { out[c * positions + p] = convert(row[c]) }
        }
    }
}
