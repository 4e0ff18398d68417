/// The GEMM of a CONV (one group) or FC layer vectorised over output channels, its `A`
/// operand gathered straight from the input instead of an im2col matrix:
///
///     R[d][n] = bias[n] + Σ_r X[base_i + offset_r] · Wᵀ[r][n]      for item i, d = dest_i
///
/// An item is one output position of a convolution (`base_i` the corner of its window in the
/// zero-padded input, `offset_r` the tap `r` of the window, the same for every position) or one
/// image of an FC layer (`base_i = i·K`, `offset_r = r`). `Wᵀ` is `K` rows of `n` values (the
/// output channels padded to a multiple of 8 with zero columns), `R` rows of `n`. A destination
/// `d ≥ 0` stores the item's row at `R[d]`; `d < 0` takes the elementwise maximum with `R[~d]`:
/// max pooling fused into the convolution (every requantisation step is monotonic, so pooling
/// the accumulators equals pooling the words). Items come in multiples of 8.
///
/// Register-blocked: 16 channels × 4 items, or 8 channels × 8 items when 8 channels are left;
/// each step broadcasts one input value per item against a row of weights. In fixed point the
/// operands are integer words and the sums exact below the bounds that `FixedPointInference`
/// checks (2^24 in Float, 2^53 in Double), in any order of additions.
extension Float {
    static func gatherGEMM(k: Int, n: Int, items: Int, input: UnsafePointer<Float>, bases: UnsafePointer<Int32>,
                           offsets: UnsafePointer<Int32>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                           rows: UnsafeMutablePointer<Float>, destinations: UnsafePointer<Int32>) {
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func emit(_ item: Int, _ v: V, _ column: Int) {
            let d = Int(destinations[item])
            let p = rows + (d >= 0 ? d : ~d) * n + column
            if d >= 0 {
                UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
            } else {
                let old = load(p)
                UnsafeMutableRawPointer(p).storeBytes(of: max(old, v), as: V.self)
            }
        }
        /// Whether items `i + 1 ..< i + 4` take the maximum with the row of item `i` (a 2×2
        /// pooling window): then the four are reduced in registers and written once.
        @inline(__always) func pooled(_ i: Int) -> Bool {
            let d = destinations[i]
            return d >= 0 && destinations[i + 1] == ~d && destinations[i + 2] == ~d && destinations[i + 3] == ~d
        }
        @inline(__always) func max(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .> a) }
        var n0 = 0
        while n0 + 16 <= n {
            let b0 = load(bias + n0), b1 = load(bias + n0 + 8)
            var i = 0
            while i < items {
                let x0 = input + Int(bases[i]), x1 = input + Int(bases[i + 1])
                let x2 = input + Int(bases[i + 2]), x3 = input + Int(bases[i + 3])
                var a0 = b0, a1 = b1, c0 = b0, c1 = b1, e0 = b0, e1 = b1, g0 = b0, g1 = b1
                var w = weights + n0
                for r in 0..<k {
                    let o = Int(offsets[r])
                    let u = load(w), v = load(w + 8)
                    let s0 = V(repeating: x0[o]), s1 = V(repeating: x1[o]), s2 = V(repeating: x2[o]), s3 = V(repeating: x3[o])
                    a0 += s0 * u; a1 += s0 * v; c0 += s1 * u; c1 += s1 * v
                    e0 += s2 * u; e1 += s2 * v; g0 += s3 * u; g1 += s3 * v
                    w += n
                }
                if pooled(i) {
                    emit(i, max(max(a0, c0), max(e0, g0)), n0); emit(i, max(max(a1, c1), max(e1, g1)), n0 + 8)
                } else {
                    emit(i, a0, n0); emit(i, a1, n0 + 8); emit(i + 1, c0, n0); emit(i + 1, c1, n0 + 8)
                    emit(i + 2, e0, n0); emit(i + 2, e1, n0 + 8); emit(i + 3, g0, n0); emit(i + 3, g1, n0 + 8)
                }
                i += 4
            }
            n0 += 16
        }
        if n0 < n {
            let b = load(bias + n0)
            var i = 0
            while i < items {
                let x0 = input + Int(bases[i]), x1 = input + Int(bases[i + 1])
                let x2 = input + Int(bases[i + 2]), x3 = input + Int(bases[i + 3])
                let x4 = input + Int(bases[i + 4]), x5 = input + Int(bases[i + 5])
                let x6 = input + Int(bases[i + 6]), x7 = input + Int(bases[i + 7])
                var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b
                var w = weights + n0
                for r in 0..<k {
                    let o = Int(offsets[r])
                    let u = load(w)
                    a0 += V(repeating: x0[o]) * u; a1 += V(repeating: x1[o]) * u
                    a2 += V(repeating: x2[o]) * u; a3 += V(repeating: x3[o]) * u
                    a4 += V(repeating: x4[o]) * u; a5 += V(repeating: x5[o]) * u
                    a6 += V(repeating: x6[o]) * u; a7 += V(repeating: x7[o]) * u
                    w += n
                }
                if pooled(i) {
                    emit(i, max(max(a0, a1), max(a2, a3)), n0)
                } else {
                    emit(i, a0, n0); emit(i + 1, a1, n0); emit(i + 2, a2, n0); emit(i + 3, a3, n0)
                }
                if pooled(i + 4) {
                    emit(i + 4, max(max(a4, a5), max(a6, a7)), n0)
                } else {
                    emit(i + 4, a4, n0); emit(i + 5, a5, n0); emit(i + 6, a6, n0); emit(i + 7, a7, n0)
                }
                i += 8
            }
        }
    }
}

extension Double {
    /// `Float.gatherGEMM` in double precision.
    static func gatherGEMM(k: Int, n: Int, items: Int, input: UnsafePointer<Double>, bases: UnsafePointer<Int32>,
                           offsets: UnsafePointer<Int32>, weights: UnsafePointer<Double>, bias: UnsafePointer<Double>,
                           rows: UnsafeMutablePointer<Double>, destinations: UnsafePointer<Int32>) {
        typealias V = SIMD8<Double>
        @inline(__always) func load(_ p: UnsafePointer<Double>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func emit(_ item: Int, _ v: V, _ column: Int) {
            let d = Int(destinations[item])
            let p = rows + (d >= 0 ? d : ~d) * n + column
            if d >= 0 {
                UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
            } else {
                let old = load(p)
                UnsafeMutableRawPointer(p).storeBytes(of: max(old, v), as: V.self)
            }
        }
        /// Whether items `i + 1 ..< i + 4` take the maximum with the row of item `i` (a 2×2
        /// pooling window): then the four are reduced in registers and written once.
        @inline(__always) func pooled(_ i: Int) -> Bool {
            let d = destinations[i]
            return d >= 0 && destinations[i + 1] == ~d && destinations[i + 2] == ~d && destinations[i + 3] == ~d
        }
        @inline(__always) func max(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .> a) }
        var n0 = 0
        while n0 + 16 <= n {
            let b0 = load(bias + n0), b1 = load(bias + n0 + 8)
            var i = 0
            while i < items {
                let x0 = input + Int(bases[i]), x1 = input + Int(bases[i + 1])
                let x2 = input + Int(bases[i + 2]), x3 = input + Int(bases[i + 3])
                var a0 = b0, a1 = b1, c0 = b0, c1 = b1, e0 = b0, e1 = b1, g0 = b0, g1 = b1
                var w = weights + n0
                for r in 0..<k {
                    let o = Int(offsets[r])
                    let u = load(w), v = load(w + 8)
                    let s0 = V(repeating: x0[o]), s1 = V(repeating: x1[o]), s2 = V(repeating: x2[o]), s3 = V(repeating: x3[o])
                    a0 += s0 * u; a1 += s0 * v; c0 += s1 * u; c1 += s1 * v
                    e0 += s2 * u; e1 += s2 * v; g0 += s3 * u; g1 += s3 * v
                    w += n
                }
                if pooled(i) {
                    emit(i, max(max(a0, c0), max(e0, g0)), n0); emit(i, max(max(a1, c1), max(e1, g1)), n0 + 8)
                } else {
                    emit(i, a0, n0); emit(i, a1, n0 + 8); emit(i + 1, c0, n0); emit(i + 1, c1, n0 + 8)
                    emit(i + 2, e0, n0); emit(i + 2, e1, n0 + 8); emit(i + 3, g0, n0); emit(i + 3, g1, n0 + 8)
                }
                i += 4
            }
            n0 += 16
        }
        if n0 < n {
            let b = load(bias + n0)
            var i = 0
            while i < items {
                let x0 = input + Int(bases[i]), x1 = input + Int(bases[i + 1])
                let x2 = input + Int(bases[i + 2]), x3 = input + Int(bases[i + 3])
                let x4 = input + Int(bases[i + 4]), x5 = input + Int(bases[i + 5])
                let x6 = input + Int(bases[i + 6]), x7 = input + Int(bases[i + 7])
                var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b
                var w = weights + n0
                for r in 0..<k {
                    let o = Int(offsets[r])
                    let u = load(w)
                    a0 += V(repeating: x0[o]) * u; a1 += V(repeating: x1[o]) * u
                    a2 += V(repeating: x2[o]) * u; a3 += V(repeating: x3[o]) * u
                    a4 += V(repeating: x4[o]) * u; a5 += V(repeating: x5[o]) * u
                    a6 += V(repeating: x6[o]) * u; a7 += V(repeating: x7[o]) * u
                    w += n
                }
                if pooled(i) {
                    emit(i, max(max(a0, a1), max(a2, a3)), n0)
                } else {
                    emit(i, a0, n0); emit(i + 1, a1, n0); emit(i + 2, a2, n0); emit(i + 3, a3, n0)
                }
                if pooled(i + 4) {
                    emit(i + 4, max(max(a4, a5), max(a6, a7)), n0)
                } else {
                    emit(i + 4, a4, n0); emit(i + 5, a5, n0); emit(i + 6, a6, n0); emit(i + 7, a7, n0)
                }
                i += 8
            }
        }
    }
}
