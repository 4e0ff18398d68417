/// The sliding window of a 2-D convolution or pooling: kernel extent, stride, dilation and
/// zero padding on each side. Shared by `Convolution` and `Pooling` so that both compute
/// output sizes and window positions by one rule.
public struct Window2D: Hashable, Sendable {
    public var kernelHeight: Int, kernelWidth: Int
    public var strideY: Int = 1, strideX: Int = 1
    public var dilationY: Int = 1, dilationX: Int = 1
    public var padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0

    public init(kernelHeight: Int, kernelWidth: Int, strideY: Int = 1, strideX: Int = 1,
                dilationY: Int = 1, dilationX: Int = 1,
                padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0) {
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideY = strideY; self.strideX = strideX
        self.dilationY = dilationY; self.dilationX = dilationX
        self.padTop = padTop; self.padLeft = padLeft; self.padBottom = padBottom; self.padRight = padRight
    }

    /// The span of the dilated kernel along y and x.
    public var extentY: Int { (kernelHeight - 1) * dilationY + 1 }
    public var extentX: Int { (kernelWidth - 1) * dilationX + 1 }

    /// The output height and width for an input of `height × width`, or nil when the window
    /// does not fit even once.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int)? {
        let h = (height + padTop + padBottom - extentY)
        let w = (width + padLeft + padRight - extentX)
        guard h >= 0, w >= 0 else { return nil }
        return (h / strideY + 1, w / strideX + 1)
    }

    /// For each output position along one axis, the first input coordinate of its window
    /// (may be negative: padding).
    func origin(outputY oy: Int) -> Int { oy * strideY - padTop }
    func origin(outputX ox: Int) -> Int { ox * strideX - padLeft }

    /// Whether the given values are in the ranges the importer accepts (guards against
    /// corrupted files producing absurd sizes).
    var isPlausible: Bool {
        let limit = 1 << 16
        return [kernelHeight, kernelWidth, strideY, strideX, dilationY, dilationX].allSatisfy { (1...limit).contains($0) }
            && [padTop, padLeft, padBottom, padRight].allSatisfy { (0...limit).contains($0) }
    }
}
