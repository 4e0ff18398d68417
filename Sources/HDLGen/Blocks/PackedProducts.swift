/// Two products that share an operand, a·w0 and a·w1, from one DSP48 multiply.
///
/// With S = 2w the packed weight W = w1·2^S + w0 needs w + S + 1 = 3w + 1 signed bits and
/// goes on the multiplier's wide port (25 bits on a DSP48E1, 27 on a DSP48E2), the w-bit
/// activation on the 18-bit port; 3w + 1 ≤ 25 gives w ≤ 8 on both families (w = 9 needs 28).
/// The product P = p1·2^S + p0 fits 4w bits. Every p0 lies in [−2^(2w−2) + 2^(w−1), 2^(2w−2)],
/// inside a signed S-bit field (S = 2w − 1 would miss only (−2^(w−1))²), so p0 is the low S
/// bits sign-extended, and p1 is the bits above S plus the borrow p0 < 0 took from them.
/// The products leave the DSP unpacked: accumulating them there would need guard bits
/// between the fields (S ≥ 2w + log2 window), which no useful window leaves room for.
enum PackedProducts {
    static let wordlengths = 2...8

    /// The field shift S of the packed weight at `wordlength`.
    static func shift(wordlength: Int) -> Int { 2 * wordlength }

    /// Registers the packed product of lane `lane` in `m` (marked for a DSP48) and returns
    /// the two products, named `product0_k` and `product1_k`, SInt(2w) each.
    static func build(_ a: Signal, _ w0: Signal, _ w1: Signal, lane k: Int, in m: ModuleBuilder)
        -> (low: Signal, high: Signal) {
        let width = 2 * a.width, s = shift(wordlength: a.width)
        let packedWeight = m.wire("packed_weight_\(k)", w1.shiftedLeft(by: s) + w0)
        let packed = m.register("packed_\(k)", next: a * packedWeight)
        m.attach(.useDSP(true), to: packed)
        let low = packed.bits(s - 1, 0).asSInt
        let borrow = packed.bit(s - 1)
        let high = (packed.bits(packed.width - 1, s).asSInt + borrow).truncated(to: width)
        return (m.wire("product0_\(k)", low), m.wire("product1_\(k)", high))
    }
}
