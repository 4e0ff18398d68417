extension BlockEngine {
    /// Fills `Aᵀ` (rows of `stride` elements) for one group's input `x`: the mapping of
    /// `Convolution.im2colOffsets`, copied input row by input row.
    static func im2col(_ plan: LayerPlan.ConvolutionPlan, _ x: UnsafePointer<T>, _ a: UnsafeMutablePointer<T>, stride: Int) {
        let (outHeight, outWidth, sy, sx) = (plan.outputHeight, plan.outputWidth, plan.window.strideY, plan.window.strideX)
        let m = outHeight * outWidth
        plan.rows.withUnsafeBufferPointer { rows in
            for (r, row) in rows.enumerated() {
                let target = a + r * stride
                for oy in 0..<outHeight {
                    let out = target + oy * outWidth
                    let iy = oy * sy + row.rowOffset
                    guard iy >= 0, iy < plan.height, !row.columns.isEmpty else {
                        out.update(repeating: 0, count: outWidth)
                        continue
                    }
                    let (low, high) = (row.columns.lowerBound, row.columns.upperBound)
                    if low > 0 { out.update(repeating: 0, count: low) }
                    let source = x + row.base + iy * plan.width
                    if sx == 1 {
                        copy(source + low, to: out + low, count: high - low)
                    } else {
                        for ox in low..<high { out[ox] = source[ox * sx] }
                    }
                    if high < outWidth { (out + high).update(repeating: 0, count: outWidth - high) }
                }
                if stride > m { (target + m).update(repeating: 0, count: stride - m) }
            }
        }
    }

    /// Copies `count` elements with vector loads and stores (short rows: cheaper than a call
    /// to memmove).
    @inline(__always)
    static func copy(_ source: UnsafePointer<T>, to target: UnsafeMutablePointer<T>, count: Int) {
        var i = 0
        while i + 8 <= count {
            UnsafeMutableRawPointer(target + i).storeBytes(of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<T>.self), as: SIMD8<T>.self)
            i += 8
        }
        while i < count { target[i] = source[i]; i += 1 }
    }
}
