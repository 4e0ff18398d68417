/// What writing a simulation bundle will cost, estimated from its parameters before any of
/// it is built, so that an absurd request is refused at once instead of exhausting memory.
///
/// The testbench data dominate both figures: every stimulus and expected word is held as an
/// integer and as hex text, then written out as hex. The per-word constants were measured on
/// MM units of 4 and 16 bits (19 and 24 bytes of peak memory per word).
public struct GenerationEstimate: Sendable, Equatable {
    /// Stimulus and expected words the testbench holds.
    public var words: Double
    /// Hex digits of all those words together.
    public var hexDigits: Double

    public init(words: Double, hexDigits: Double) {
        self.words = words
        self.hexDigits = hexDigits
    }

    /// `count` words of `wordlength` bits.
    public init(words count: Double, wordlength: Int) {
        self.init(words: count, hexDigits: count * Double(Self.hexDigits(wordlength)))
    }

    public static func hexDigits(_ wordlength: Int) -> Int { (max(1, wordlength) + 3) / 4 }

    public static func + (a: Self, b: Self) -> Self { Self(words: a.words + b.words, hexDigits: a.hexDigits + b.hexDigits) }

    /// Each word is held as an integer and as its hex text.
    public var memoryBytes: Double { 16 * words + 2 * hexDigits }
    public var outputBytes: Double { hexDigits }

    /// Peak memory and bytes written above which a request is refused unless the user lifts
    /// the limit.
    public static let memoryLimit = 4.0 * 1024 * 1024 * 1024
    public static let outputLimit = 1.0 * 1024 * 1024 * 1024

    /// Throws, naming `request` and both figures, when either estimate is above its limit.
    public func check(_ request: String) throws(GenerationLimitError) {
        guard memoryBytes <= Self.memoryLimit, outputBytes <= Self.outputLimit else {
            throw GenerationLimitError(request: request, estimate: self)
        }
    }
}

/// A generation request too large to run: it says how large and how to insist.
public struct GenerationLimitError: Error, Equatable, Sendable, CustomStringConvertible {
    public let request: String
    public let estimate: GenerationEstimate

    public var description: String {
        func gib(_ bytes: Double) -> String { String(format: "%.1f", bytes / 1_073_741_824) }
        return "\(request) would need about \(gib(estimate.memoryBytes)) GiB of memory and write about "
            + "\(gib(estimate.outputBytes)) GiB of testbench data (limits: \(gib(GenerationEstimate.memoryLimit)) GiB, "
            + "\(gib(GenerationEstimate.outputLimit)) GiB); make the request smaller "
            + "or pass --no-size-limit"
    }
}
