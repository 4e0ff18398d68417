import Foundation

/// A fixed-point format `Q(w, f)`: a `w`-bit two's-complement word with `f` fraction bits,
/// so that a word `q` stands for the real value `q · 2^-f`. `f` may be negative or exceed `w`.
public struct FixedPointFormat: Hashable, Codable, Sendable, CustomStringConvertible {
    public var wordlength: Int
    public var fractionBits: Int

    public init(wordlength: Int, fractionBits: Int) {
        precondition((1...32).contains(wordlength), "wordlength \(wordlength) outside 1...32")
        self.wordlength = wordlength
        self.fractionBits = fractionBits
    }

    public var description: String { "Q(\(wordlength), \(fractionBits))" }

    /// The smallest and largest word.
    public var minimum: Int { .minimum(wordlength: wordlength) }
    public var maximum: Int { .maximum(wordlength: wordlength) }

    /// The real value of one least-significant bit, `2^-f`.
    public var resolution: Double { scalbn(1.0, -fractionBits) }

    /// The nearest word to `x`: `floor(x · 2^f + 0.5)`, saturated. NaN maps to zero.
    public func quantize(_ x: Double) -> Int {
        if x.isNaN { return 0 }
        let scaled = (scalbn(x, fractionBits) + 0.5).rounded(.down)
        if scaled >= Double(maximum) { return maximum }
        if scaled <= Double(minimum) { return minimum }
        return Int(scaled)
    }

    /// The real value that `word` stands for.
    public func realValue(of word: Int) -> Double {
        scalbn(Double(word), -fractionBits)
    }

    /// `word`, which has `sourceFractionBits` fraction bits, moved into this format: shifted
    /// right by `sourceFractionBits - f` with `rounding` (an exact left shift when that is not
    /// positive), then saturated. This is the requantisation of a layer's accumulator and the
    /// derivation of an LPU weight from an HPU weight alike.
    public func requantize(_ word: Int, fromFractionBits sourceFractionBits: Int,
                           rounding: Rounding = .halfUp) -> Int {
        let shift = sourceFractionBits - fractionBits
        if shift < 0 {
            // An exact left shift; saturate without overflowing Int on the way.
            let magnitudeBits = Int.bitWidth - (word < 0 ? ~word : word).leadingZeroBitCount
            if magnitudeBits - shift > 62 { return word == 0 ? 0 : (word > 0 ? maximum : minimum) }
        }
        return word.shiftedRight(by: shift, rounding: rounding).saturated(toWordlength: wordlength)
    }
}
