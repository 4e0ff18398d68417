import FixedPoint

/// How a CONV or FC layer turns its exact accumulators into output words (DESIGN.md's
/// Arithmetic): `y = saturate_w(round(acc >> s))` with `s = accumulatorFractionBits − f_y`
/// (round half up; `s ≤ 0` an exact left shift), then `max(y, 0)` where the layer has a ReLU.
struct Requantization: Sendable {
    var format: FixedPointFormat
    var accumulatorFractionBits: Int

    var shift: Int { accumulatorFractionBits - format.fractionBits }

    /// The rule on `Int` words, in place: the reference for the vectorised forms.
    func apply(_ words: UnsafeMutableBufferPointer<Int>, relu: Bool) {
        format.requantize(words, fromFractionBits: accumulatorFractionBits)
        if relu { for i in words.indices { words[i] = max(words[i], 0) } }
    }
}

extension Float {
    /// `Requantization.apply` on accumulators held exactly in Float, in place, 8 at a time.
    ///
    /// Exact when every accumulator is an integer below 2^24 in magnitude and the wordlength
    /// at most 24 (`FixedPointInference` checks both): the integer is read through Double
    /// (`x + 1.5·2^52` holds `x` in its low bits) into Int32; for `s > 0`, `acc + 2^(s−1)` then
    /// stays below 2^25 with `s` capped at 25 (for `s ≥ 25` every such accumulator rounds to 0,
    /// as it does with 25), and `>> s` is the arithmetic shift of the rule. For `s ≤ 0`,
    /// `acc · 2^−s` is exact in Float (`−s` capped at 40: any nonzero word then saturates
    /// anyway). The bounds of a wordlength ≤ 24 are exact in Float, so clamping there is the
    /// saturation, and the ReLU raises the lower bound to 0.
    static func requantize(_ values: UnsafeMutablePointer<Float>, count: Int, _ r: Requantization, relu: Bool,
                           words: UnsafeMutablePointer<Int>) {
        typealias V = SIMD8<Float>
        let low = V(repeating: Float(relu ? max(r.format.minimum, 0) : r.format.minimum))
        let high = V(repeating: Float(r.format.maximum))
        let shift = r.shift
        let half = SIMD8<Int32>(repeating: shift > 0 ? 1 << (min(shift, 25) - 1) : 0)
        let rightShift = SIMD8<Int32>(repeating: Int32(max(min(shift, 25), 0)))
        let scale = V(repeating: Float(sign: .plus, exponent: min(max(-shift, 0), 40), significand: 1))
        let magic = SIMD8<Double>(repeating: 0x1.8p52)
        var i = 0
        while i + 8 <= count {
            let p = UnsafeMutableRawPointer(values + i)
            let acc = p.loadUnaligned(as: V.self)
            var y: V
            if shift > 0 {
                let bits = unsafeBitCast(SIMD8<Double>(acc) + magic, to: SIMD8<Int64>.self)
                y = V((SIMD8<Int32>(truncatingIfNeeded: bits) &+ half) &>> rightShift)
            } else {
                y = acc * scale
            }
            y = y.replacing(with: low, where: y .< low).replacing(with: high, where: y .> high)
            p.storeBytes(of: y, as: V.self)
            i += 8
        }
        guard i < count else { return }
        let tail = UnsafeMutableBufferPointer(start: words, count: count - i)
        for j in tail.indices { tail[j] = values[i + j].word }
        r.apply(tail, relu: relu)
        for j in tail.indices { values[i + j] = Float(tail[j]) }
    }
}

extension Double {
    /// `Requantization.apply` on accumulators held exactly in Double (integers below 2^53).
    static func requantize(_ values: UnsafeMutablePointer<Double>, count: Int, _ r: Requantization, relu: Bool,
                           words: UnsafeMutablePointer<Int>) {
        let buffer = UnsafeMutableBufferPointer(start: words, count: count)
        for i in 0..<count { buffer[i] = values[i].word }
        r.apply(buffer, relu: relu)
        for i in 0..<count { values[i] = Double(buffer[i]) }
    }
}
