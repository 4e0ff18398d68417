/// The integer operations that hardware performs on two's-complement words.
///
/// These are the single definition used by the golden models, the quantiser and the
/// generators' constant folding: every narrowing in the product goes through them.
extension Int {
    /// The most negative value of a `wordlength`-bit two's-complement word.
    public static func minimum(wordlength: Int) -> Int {
        precondition((1...63).contains(wordlength), "wordlength \(wordlength) outside 1...63")
        return -(1 << (wordlength - 1))
    }

    /// The most positive value of a `wordlength`-bit two's-complement word.
    public static func maximum(wordlength: Int) -> Int {
        precondition((1...63).contains(wordlength), "wordlength \(wordlength) outside 1...63")
        return (1 << (wordlength - 1)) - 1
    }

    /// This value shifted right by `shift` bits with the given rounding; a shift of zero or
    /// less is an exact left shift by `-shift`.
    public func shiftedRight(by shift: Int, rounding: Rounding = .halfUp) -> Int {
        if shift <= 0 {
            precondition(shift > -63, "left shift by \(-shift) overflows")
            return self << -shift
        }
        if shift >= 63 {
            // Every bit but the sign is dropped; half-up rounding of such a tiny value is 0.
            return rounding == .halfUp ? 0 : (self < 0 ? -1 : 0)
        }
        switch rounding {
        case .halfUp: return (self + (1 << (shift - 1))) >> shift
        case .truncate: return self >> shift
        }
    }

    /// This value clamped to `[-2^(w-1), 2^(w-1) - 1]`.
    public func saturated(toWordlength wordlength: Int) -> Int {
        Swift.min(Swift.max(self, .minimum(wordlength: wordlength)), .maximum(wordlength: wordlength))
    }

    /// The low `wordlength` bits of this value read back as a two's-complement word (wrap-around).
    public func wrapped(toWordlength wordlength: Int) -> Int {
        precondition((1...63).contains(wordlength), "wordlength \(wordlength) outside 1...63")
        let shift = 64 - wordlength
        return (self << shift) >> shift
    }

    /// Whether this value is representable as a `wordlength`-bit two's-complement word.
    public func fits(wordlength: Int) -> Bool {
        (Int.minimum(wordlength: wordlength)...Int.maximum(wordlength: wordlength)).contains(self)
    }

    /// The value of the low `wordlength` bits of `bits`, sign-extended.
    public init(signExtending bits: UInt64, wordlength: Int) {
        precondition((1...64).contains(wordlength), "wordlength \(wordlength) outside 1...64")
        let shift = UInt64(64 - wordlength)
        self = Int(Int64(bitPattern: bits << shift) >> Int64(shift))
    }

    /// The low `wordlength` bits of this value as an unsigned bit pattern.
    public func bitPattern(wordlength: Int) -> UInt64 {
        precondition((1...64).contains(wordlength), "wordlength \(wordlength) outside 1...64")
        let all = UInt64(bitPattern: Int64(self))
        return wordlength == 64 ? all : all & ((1 << UInt64(wordlength)) - 1)
    }

    /// The smallest two's-complement wordlength that holds every value in `range`.
    public static func signedWordlength(holding range: ClosedRange<Int>) -> Int {
        var width = 1
        while !(range.lowerBound.fits(wordlength: width) && range.upperBound.fits(wordlength: width)) {
            width += 1
        }
        return width
    }
}
