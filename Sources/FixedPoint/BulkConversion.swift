/// Whole-buffer versions of `quantize` and `requantize`, for the inference loops: the same
/// rules, word for word (the tests check that they equal the scalar functions), in loops
/// the compiler can vectorise.
extension FixedPointFormat {
    /// `quantize(Double(values[i]))` for every value, into `words`.
    public func quantize(_ values: UnsafeBufferPointer<Float>, into words: UnsafeMutableBufferPointer<Int>) {
        precondition(words.count >= values.count)
        // x · 2^f is exact in double for every float x and |f| ≤ 64, as scalbn is.
        guard abs(fractionBits) <= 64 else {
            for i in values.indices { words[i] = quantize(Double(values[i])) }
            return
        }
        let scale = Double(sign: .plus, exponent: fractionBits, significand: 1)
        let low = Double(minimum), high = Double(maximum)
        for i in values.indices {
            let x = Double(values[i])
            // floor(x·2^f + 0.5), saturated; NaN maps to zero.
            let scaled = (x * scale + 0.5).rounded(.down)
            words[i] = x.isNaN ? 0 : Int(Swift.min(Swift.max(scaled, low), high))
        }
    }

    /// `quantize(Double(values[i]))` for every value, held in a floating-point type (exact
    /// when `T`'s significand holds the wordlength): for inference that keeps words in Float
    /// or Double. The same rule as the `Int` version, without the conversion to `Int`.
    @inlinable
    public func quantize<T: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<Float>, into words: UnsafeMutablePointer<T>) {
        guard abs(fractionBits) <= 64 else {
            for i in values.indices { words[i] = T(quantize(Double(values[i]))) }
            return
        }
        let scale = Double(sign: .plus, exponent: fractionBits, significand: 1)
        let low = Double(minimum), high = Double(maximum), magic = 0x1.8p52
        for i in values.indices {
            let x = Double(values[i])
            // floor(x·2^f + 0.5), saturated, without a floor instruction (x86-64's baseline has
            // none): the sum is clamped to one past the bounds (floor is monotonic), rounded to
            // nearest through 1.5·2^52 (exact below 2^51), and stepped down where that rounded
            // up. Selects rather than min/max, so that the loop vectorises.
            var v = x * scale + 0.5
            v = v < low - 1 ? low - 1 : v
            v = v > high + 1 ? high + 1 : v
            let nearest = (v + magic) - magic
            var word = nearest > v ? nearest - 1 : nearest
            word = word < low ? low : word
            word = word > high ? high : word
            words[i] = T(x != x ? 0 : word)
        }
    }

    /// `requantize(words[i], fromFractionBits:rounding:)` for every word, in place.
    public func requantize(_ words: UnsafeMutableBufferPointer<Int>, fromFractionBits sourceFractionBits: Int,
                           rounding: Rounding = .halfUp) {
        let shift = sourceFractionBits - fractionBits
        guard shift > 0, shift < 63 else {
            for i in words.indices { words[i] = requantize(words[i], fromFractionBits: sourceFractionBits, rounding: rounding) }
            return
        }
        // Words within ±2^61 cannot overflow on the way (the rounding adds less than 2^62), so
        // the loop can use wrapping arithmetic, which vectorises; others take the checked path.
        var low = 0, high = 0
        for word in words { low = Swift.min(low, word); high = Swift.max(high, word) }
        guard low > -(1 << 61), high < 1 << 61 else {
            for i in words.indices { words[i] = words[i].shiftedRight(by: shift, rounding: rounding).saturated(toWordlength: wordlength) }
            return
        }
        // The rule of `Int.shiftedRight(by:rounding:)` and `saturated(toWordlength:)`.
        let half = rounding == .halfUp ? 1 << (shift - 1) : 0
        let (smallest, largest) = (minimum, maximum)
        for i in words.indices {
            let shifted = (words[i] &+ half) &>> shift
            words[i] = Swift.min(Swift.max(shifted, smallest), largest)
        }
    }
}
