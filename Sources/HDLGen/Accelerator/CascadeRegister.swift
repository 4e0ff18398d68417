/// The register map of the `CascadeTop`, in 32-bit words (byte address = word · 4).
///
/// The top's register space is three blocks of 2^R words (R the engines' register address
/// width): block 0 holds the cascade's own registers below, block 1 the LPU's and block 2
/// the HPU's `EngineRegister` maps. The host programs both engines' descriptors once, for
/// image 0; the controller runs image i by writing `EngineRegister.imageOffset` = i · stride.
public enum CascadeRegister {
    /// Write 1 to bit 0 to run images 0 ..< `imageCount` (ignored while busy).
    public static let control = 0
    /// Bit 0 busy, bit 1 done (set when every image has its result, cleared by a start).
    public static let status = 1
    public static let imageCount = 2
    /// The CEU's threshold word th · 2^t.
    public static let threshold = 3
    /// The line of image 0's result; image i's is `resultAddress + i`.
    public static let resultAddress = 4
    /// Lines from one image's region to the next (the engines' image offset per image).
    public static let imageStride = 5
    /// The first line of the LPU's and of the HPU's class scores for image 0 (their last
    /// layer's output address).
    public static let lpuScoreAddress = 6
    public static let hpuScoreAddress = 7
    /// Counters of the last run: images the CEU judged, images forwarded to the HPU, cycles
    /// from start to done (48 bits in two words), and cycles the HPU was running.
    public static let samples = 8
    public static let forwarded = 9
    public static let cyclesLow = 10
    public static let cyclesHigh = 11
    public static let hpuCycles = 12
    /// Word `weightShift + l`: the truncation unit's shift f_h − f_l for layer l's weights.
    public static let weightShift = 32
}

/// The word a `CascadeTop` writes at `resultAddress + i` for image i (zero-extended to a line).
public struct CascadeResultWord: Hashable, Sendable {
    /// The class the cascade gives the image.
    public var predicted: Int
    /// Whether the CEU forwarded the image, so that the HPU decided it.
    public var forwarded: Bool

    public init(predicted: Int, forwarded: Bool) { self.predicted = predicted; self.forwarded = forwarded }

    /// Bit 31 marks a written result, bit 16 a forwarded image, bits 15…0 hold the class.
    public var value: Int { 1 << 31 | (forwarded ? 1 << 16 : 0) | predicted }

    public init?(value: Int) {
        guard value >> 31 & 1 == 1, value >> 17 & 0x3fff == 0 else { return nil }
        self.init(predicted: value & 0xffff, forwarded: value >> 16 & 1 == 1)
    }
}
