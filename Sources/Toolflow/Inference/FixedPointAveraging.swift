import FixedPoint

/// Average pooling on fixed-point words, defined exactly: the window's words are summed,
/// multiplied by the reciprocal of the divisor `n` quantised to 16 fraction bits,
/// `r = Q(18, 16).quantize(1 / n)`, and shifted back with round half up and saturation:
/// `y = saturate_w(round((sum · r) >> 16))`. The output keeps the input's format. When `n`
/// is a power of two (up to 2^16) `r` is exact and this is the rounding shift
/// `round(sum >> log2 n)`.
public enum FixedPointAveraging {
    public static let reciprocalFractionBits = 16
    static let reciprocalFormat = FixedPointFormat(wordlength: 18, fractionBits: reciprocalFractionBits)

    /// `round(2^16 / n)`.
    public static func reciprocal(of divisor: Int) -> Int {
        reciprocalFormat.quantize(1.0 / Double(divisor))
    }

    /// The average of words summing to `sum` over `divisor` positions, in `wordlength` bits.
    public static func average(sum: Int, reciprocal: Int, wordlength: Int) -> Int {
        (sum * reciprocal).shiftedRight(by: reciprocalFractionBits, rounding: .halfUp).saturated(toWordlength: wordlength)
    }
}
