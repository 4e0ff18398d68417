#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The gathered GEMM of `Float.gatherGEMM` on 16-bit words with 32-bit accumulators, the
/// reduction taken two words at a time, then requantised to 16-bit words:
///
///     acc[i][n] = bias[n] + Σ_p (X[base_i + o_p] · W[p][n][0] + X[base_i + o_p + 1] · W[p][n][1])
///     R[d][n]   = requantize(acc[i][n])             (d = dest_i: store, ~d: maximum)
///
/// Each pair of the reduction is two adjacent input words (channels c and c + 1, or kernel
/// columns j and j + 1), the weight of an absent partner being zero; `W` is `blocks` blocks of
/// 8 output channels, each `pairs` × 8 × 2 words. The step `a·w + a'·w'` is x86's `pmaddwd`
/// (SSE2, so in every x86-64 build; `vpdpwssd` where the CPU has VNNI): eight multiply-
/// accumulates per instruction where Float does four. Register-blocked: 4 items × 8 channels.
///
/// Exact when every accumulator's bound `Σ |w|·|a| + |bias|` is below 2^30 (`IntegerEngine`
/// checks it): no partial sum wraps in any order, and `acc + 2^(s−1)` stays below 2^31 in
/// the requantisation (`IntegerRequantization`). 2×2 pooling windows (4 consecutive items of
/// one row) are reduced in registers; requantisation is monotonic, so taking the maximum of
/// words equals requantising the maximum accumulator.
enum IntegerGEMM {
    typealias Accumulators = SIMD4<Int32>
    typealias Words = SIMD8<Int16>

    static func run(pairs: Int, blocks: Int, items: Int, input: UnsafePointer<Int16>, bases: UnsafePointer<Int32>,
                    offsets: UnsafePointer<Int32>, weights: UnsafePointer<Int16>, bias: UnsafePointer<Int32>,
                    rows: UnsafeMutablePointer<Int16>, rowStride: Int, destinations: UnsafePointer<Int32>,
                    _ r: IntegerRequantization) {
        typealias V = Accumulators
        @inline(__always) func pair(_ p: UnsafePointer<Int16>) -> V {
            V(repeating: UnsafeRawPointer(p).loadUnaligned(as: Int32.self))
        }
        @inline(__always) func max(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .> a) }
        @inline(__always) func emit(_ item: Int, _ low: V, _ high: V, _ block: Int) {
            let d = Int(destinations[item])
            let p = UnsafeMutableRawPointer(rows + (d >= 0 ? d : ~d) * rowStride + block * 8)
            let words = r.words(low, high)
            if d >= 0 {
                p.storeBytes(of: words, as: Words.self)
            } else {
                let old = p.loadUnaligned(as: Words.self)
                p.storeBytes(of: old.replacing(with: words, where: words .> old), as: Words.self)
            }
        }
        @inline(__always) func pooled(_ i: Int) -> Bool {
            let d = destinations[i]
            return d >= 0 && destinations[i + 1] == ~d && destinations[i + 2] == ~d && destinations[i + 3] == ~d
        }
        for block in 0..<blocks {
            let b0 = UnsafeRawPointer(bias + block * 8).loadUnaligned(as: V.self)
            let b1 = UnsafeRawPointer(bias + block * 8 + 4).loadUnaligned(as: V.self)
            var i = 0
            while i < items {
                let x0 = input + Int(bases[i]), x1 = input + Int(bases[i + 1])
                let x2 = input + Int(bases[i + 2]), x3 = input + Int(bases[i + 3])
                var a0 = b0, a1 = b1, c0 = b0, c1 = b1, e0 = b0, e1 = b1, g0 = b0, g1 = b1
                var w = UnsafeRawPointer(weights + block * pairs * 16)
                for p in 0..<pairs {
                    let o = Int(offsets[p])
                    let u = w.loadUnaligned(as: Words.self), v = w.loadUnaligned(fromByteOffset: 16, as: Words.self)
                    let s0 = pair(x0 + o), s1 = pair(x1 + o), s2 = pair(x2 + o), s3 = pair(x3 + o)
                    a0 &+= multiplyAdd(s0, u); a1 &+= multiplyAdd(s0, v); c0 &+= multiplyAdd(s1, u); c1 &+= multiplyAdd(s1, v)
                    e0 &+= multiplyAdd(s2, u); e1 &+= multiplyAdd(s2, v); g0 &+= multiplyAdd(s3, u); g1 &+= multiplyAdd(s3, v)
                    w += 32
                }
                if pooled(i) {
                    emit(i, max(max(a0, c0), max(e0, g0)), max(max(a1, c1), max(e1, g1)), block)
                } else {
                    emit(i, a0, a1, block); emit(i + 1, c0, c1, block); emit(i + 2, e0, e1, block); emit(i + 3, g0, g1, block)
                }
                i += 4
            }
        }
    }

    /// Lane `j`: `a[2j]·w[2j] + a[2j+1]·w[2j+1]` in 32 bits, `a` being the 32-bit lanes of
    /// `pairs` as 16-bit words (`pmaddwd`). Wraps only for four words of −2^15, excluded by
    /// the bound.
    @inline(__always)
    static func multiplyAdd(_ pairs: Accumulators, _ w: Words) -> Accumulators {
        #if arch(x86_64)
        return unsafeBitCast(_mm_madd_epi16(unsafeBitCast(pairs, to: __m128i.self), unsafeBitCast(w, to: __m128i.self)),
                             to: Accumulators.self)
        #else
        return portableMultiplyAdd(pairs, w)
        #endif
    }

    /// `multiplyAdd` in plain Swift SIMD (other architectures, and the test of the x86 form).
    @inline(__always)
    static func portableMultiplyAdd(_ pairs: Accumulators, _ w: Words) -> Accumulators {
        let a = unsafeBitCast(pairs, to: Words.self)
        return SIMD4<Int32>(truncatingIfNeeded: a.evenHalf) &* SIMD4<Int32>(truncatingIfNeeded: w.evenHalf)
            &+ SIMD4<Int32>(truncatingIfNeeded: a.oddHalf) &* SIMD4<Int32>(truncatingIfNeeded: w.oddHalf)
    }
}

/// `Requantization` on 32-bit accumulators below 2^30 in magnitude, to 16-bit words, as
///
///     v = (acc + half) >> right;   y = v > highest ? high : v < lowest ? low : v << left
///
/// A right shift `s > 0`: `half = 2^(s−1)`, `right = s` capped at 31 (for `s ≥ 31` every such
/// accumulator rounds to 0, as it does with 31; `acc + half` stays below 2^31), `left = 0` and
/// the thresholds are the bounds: the round half up, then the saturation. A left shift
/// `t = −s ≥ 0`: `half = right = 0`, `left = t` capped at 16, `highest = ⌊high / 2^t⌋` and
/// `lowest = ⌈low / 2^t⌉`, so that exactly the accumulators whose `acc · 2^t` lies outside the
/// bounds saturate and the others shift without overflow (with `t ≥ 16` only 0 lies inside,
/// as for any larger `t`). `low` is raised to 0 for a ReLU.
struct IntegerRequantization: Sendable {
    var half: Int32, right: Int32, left: Int32
    var lowest: Int32, highest: Int32, low: Int32, high: Int32

    init?(_ r: Requantization, relu: Bool) {
        guard r.format.wordlength <= 16 else { return nil }
        low = Int32(relu ? max(r.format.minimum, 0) : r.format.minimum)
        high = Int32(r.format.maximum)
        let s = r.shift
        if s > 0 {
            right = Int32(min(s, 31))
            half = 1 << (right - 1)
            left = 0
            (lowest, highest) = (low, high)
        } else {
            (half, right) = (0, 0)
            left = Int32(min(-s, 16))
            highest = high >> left
            lowest = -((-low) >> left)
        }
    }

    /// Eight accumulators requantised to words.
    @inline(__always)
    func words(_ a: SIMD4<Int32>, _ b: SIMD4<Int32>) -> SIMD8<Int16> {
        typealias V = SIMD8<Int32>
        let v = (V(lowHalf: a, highHalf: b) &+ V(repeating: half)) &>> right
        let y = (v &<< left).replacing(with: V(repeating: high), where: v .> V(repeating: highest))
            .replacing(with: V(repeating: low), where: v .< V(repeating: lowest))
        return SIMD8<Int16>(truncatingIfNeeded: y)
    }
}
