/// The GEMM of `GEMMShape` in the transposed layout that NCHW gives for free:
/// `Yᵀ[n][m] = bias[n] + Σ_k W[n][k] · Aᵀ[k][m]` for `n < N`, `m < M`.
///
/// `W` is the layer's weight tensor (`[N][K]` rows, which is `Bᵀ`), `Aᵀ` the im2col matrix
/// stored k-major with rows of `aStride ≥ M` elements (a multiple of 16, zero beyond `M`),
/// `Yᵀ` rows of `yStride` elements. Register-blocked: 4 output channels × 16 positions per
/// step (8 independent accumulators hide the add latency). Used with `Float` and `Double`; in fixed point the operands are integer words,
/// and the sums stay exact while their magnitude bound is below 2^24 (Float) or 2^53
/// (Double), which `FixedPointInference` checks per layer.
///
/// The body exists once per scalar type (`GEMMScalar`), not as a generic function: generic
/// SIMD code is not specialised in debug builds and runs two orders of magnitude slower.
protocol GEMMScalar: BinaryFloatingPoint, SIMDScalar, Sendable {
    static func gemm(n: Int, k: Int, m: Int, weights: UnsafePointer<Self>, bias: UnsafePointer<Self>,
                     a: UnsafePointer<Self>, aStride: Int, y: UnsafeMutablePointer<Self>, yStride: Int)
    /// See `Float.gatherGEMM` (GatherGEMM.swift).
    static func gatherGEMM(k: Int, n: Int, items: Int, input: UnsafePointer<Self>, bases: UnsafePointer<Int32>,
                           offsets: UnsafePointer<Int32>, weights: UnsafePointer<Self>, bias: UnsafePointer<Self>,
                           rows: UnsafeMutablePointer<Self>, destinations: UnsafePointer<Int32>)
    /// See `Float.requantize` (Requantization.swift).
    static func requantize(_ values: UnsafeMutablePointer<Self>, count: Int, _ r: Requantization, relu: Bool,
                           words: UnsafeMutablePointer<Int>)
    /// The integer this value holds (fixed point: a word or an exact accumulator).
    var word: Int { get }
    static func fromWord(_ word: Int) -> Self
}

extension Float: GEMMScalar {
    /// Exact for the integers below 2^31 that fixed point holds: the low bits of
    /// `x + 1.5·2^52` in double are `x`, without the range check of `Int(x)`.
    var word: Int { Int(Int32(truncatingIfNeeded: (Double(self) + 0x1.8p52).bitPattern)) }
    static func fromWord(_ word: Int) -> Self { Self(word) }

    static func gemm(
        n: Int, k: Int, m: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        a: UnsafePointer<Float>, aStride: Int, y: UnsafeMutablePointer<Float>, yStride: Int
    ) {
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
            if count >= 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) } else { for i in 0..<max(count, 0) { p[i] = v[i] } }
        }
        var n0 = 0
        while n0 < n {
            let rows = min(4, n - n0)
            // Rows past n repeat the last one; their results are not stored.
            let w0 = weights + n0 * k, w1 = weights + (n0 + min(1, rows - 1)) * k
            let w2 = weights + (n0 + min(2, rows - 1)) * k, w3 = weights + (n0 + min(3, rows - 1)) * k
            let b0 = V(repeating: bias[n0]), b1 = V(repeating: bias[n0 + min(1, rows - 1)])
            let b2 = V(repeating: bias[n0 + min(2, rows - 1)]), b3 = V(repeating: bias[n0 + min(3, rows - 1)])
            var m0 = 0
            while m0 < m {
                var c0 = b0, c1 = b1, c2 = b2, c3 = b3
                var d0 = b0, d1 = b1, d2 = b2, d3 = b3
                var column = a + m0
                for r in 0..<k {
                    let u = load(column), v = load(column + 8)
                    let x0 = V(repeating: w0[r]), x1 = V(repeating: w1[r]), x2 = V(repeating: w2[r]), x3 = V(repeating: w3[r])
                    c0 += x0 * u; c1 += x1 * u; c2 += x2 * u; c3 += x3 * u
                    d0 += x0 * v; d1 += x1 * v; d2 += x2 * v; d3 += x3 * v
                    column += aStride
                }
                let count = min(16, m - m0)
                let out = y + n0 * yStride + m0
                store(c0, out, count); store(d0, out + 8, count - 8)
                if rows > 1 { store(c1, out + yStride, count); store(d1, out + yStride + 8, count - 8) }
                if rows > 2 { store(c2, out + 2 * yStride, count); store(d2, out + 2 * yStride + 8, count - 8) }
                if rows > 3 { store(c3, out + 3 * yStride, count); store(d3, out + 3 * yStride + 8, count - 8) }
                m0 += 16
            }
            n0 += 4
        }
    }
}

extension Double: GEMMScalar {
    var word: Int { Int(self) }
    static func fromWord(_ word: Int) -> Self { Self(word) }

    static func gemm(
        n: Int, k: Int, m: Int, weights: UnsafePointer<Double>, bias: UnsafePointer<Double>,
        a: UnsafePointer<Double>, aStride: Int, y: UnsafeMutablePointer<Double>, yStride: Int
    ) {
        typealias V = SIMD8<Double>
        @inline(__always) func load(_ p: UnsafePointer<Double>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Double>, _ count: Int) {
            if count >= 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) } else { for i in 0..<max(count, 0) { p[i] = v[i] } }
        }
        var n0 = 0
        while n0 < n {
            let rows = min(4, n - n0)
            // Rows past n repeat the last one; their results are not stored.
            let w0 = weights + n0 * k, w1 = weights + (n0 + min(1, rows - 1)) * k
            let w2 = weights + (n0 + min(2, rows - 1)) * k, w3 = weights + (n0 + min(3, rows - 1)) * k
            let b0 = V(repeating: bias[n0]), b1 = V(repeating: bias[n0 + min(1, rows - 1)])
            let b2 = V(repeating: bias[n0 + min(2, rows - 1)]), b3 = V(repeating: bias[n0 + min(3, rows - 1)])
            var m0 = 0
            while m0 < m {
                var c0 = b0, c1 = b1, c2 = b2, c3 = b3
                var d0 = b0, d1 = b1, d2 = b2, d3 = b3
                var column = a + m0
                for r in 0..<k {
                    let u = load(column), v = load(column + 8)
                    let x0 = V(repeating: w0[r]), x1 = V(repeating: w1[r]), x2 = V(repeating: w2[r]), x3 = V(repeating: w3[r])
                    c0 += x0 * u; c1 += x1 * u; c2 += x2 * u; c3 += x3 * u
                    d0 += x0 * v; d1 += x1 * v; d2 += x2 * v; d3 += x3 * v
                    column += aStride
                }
                let count = min(16, m - m0)
                let out = y + n0 * yStride + m0
                store(c0, out, count); store(d0, out + 8, count - 8)
                if rows > 1 { store(c1, out + yStride, count); store(d1, out + yStride + 8, count - 8) }
                if rows > 2 { store(c2, out + 2 * yStride, count); store(d2, out + 2 * yStride + 8, count - 8) }
                if rows > 3 { store(c3, out + 3 * yStride, count); store(d3, out + 3 * yStride + 8, count - 8) }
                m0 += 16
            }
            n0 += 4
        }
    }
}

/// `value` rounded up to a multiple of 16 (the kernel's row stride: `A` is read 16 columns
/// at a time).
@inline(__always) func paddedToLanes(_ value: Int) -> Int { (value + 15) & ~15 }
