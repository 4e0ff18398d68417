import FixedPoint

extension BlockEngine {
    /// Max pooling of each channel of `x` into `y`, padding never chosen.
    func maxPool(_ plan: LayerPlan.PoolingPlan, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let w = plan.window
        if plan.unpadded && w.kernelHeight == 2 && w.kernelWidth == 2 && w.strideY == 2 && w.strideX == 2
            && w.dilationY == 1 && w.dilationX == 1 {
            // The common 2×2/2 pooling in two loops the compiler vectorises: the larger of the
            // two input rows (written over the first, whose values are no longer needed),
            // then of even and odd columns.
            let outHeight = plan.outputArea / plan.outputWidth, outWidth = plan.outputWidth
            for c in 0..<plan.channels {
                let input = x + c * plan.inputArea, output = y + c * plan.outputArea
                for oy in 0..<outHeight {
                    let r0 = input + 2 * oy * plan.width, r1 = r0 + plan.width, out = output + oy * outWidth
                    for i in 0..<(2 * outWidth) { let v = r1[i]; r0[i] = v > r0[i] ? v : r0[i] }
                    for ox in 0..<outWidth { let a = r0[2 * ox], b = r0[2 * ox + 1]; out[ox] = b > a ? b : a }
                }
            }
            return
        }
        if plan.unpadded {
            // Tap by tap over whole output rows: no dependency chain from one tap to the next
            // within a row, so the compares pipeline.
            let outHeight = plan.outputArea / plan.outputWidth
            for c in 0..<plan.channels {
                let input = x + c * plan.inputArea, output = y + c * plan.outputArea
                for oy in 0..<outHeight {
                    let out = output + oy * plan.outputWidth, top = input + oy * w.strideY * plan.width
                    for i in 0..<w.kernelHeight {
                        for j in 0..<w.kernelWidth {
                            let line = top + i * w.dilationY * plan.width + j * w.dilationX
                            if i == 0 && j == 0 {
                                for ox in 0..<plan.outputWidth { out[ox] = line[ox &* w.strideX] }
                            } else {
                                for ox in 0..<plan.outputWidth {
                                    let v = line[ox &* w.strideX]
                                    out[ox] = v > out[ox] ? v : out[ox]
                                }
                            }
                        }
                    }
                }
            }
            return
        }
        plan.offsets.withUnsafeBufferPointer { offsets in
            for c in 0..<plan.channels {
                let input = x + c * plan.inputArea, output = y + c * plan.outputArea
                for p in 0..<plan.outputArea {
                    var best = -T.infinity
                    for i in (p * plan.windowArea)..<((p + 1) * plan.windowArea) where offsets[i] >= 0 {
                        let v = input[Int(offsets[i])]
                        best = v > best ? v : best
                    }
                    output[p] = best
                }
            }
        }
    }

    /// Average pooling of each channel of `x` into `y`: each window's sum times its position's
    /// reciprocal in fixed point (`averaging`), divided by its divisor in float.
    func averagePool(_ plan: LayerPlan.PoolingPlan, _ averaging: (reciprocals: [Int], wordlength: Int)?,
                     _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>) {
        plan.offsets.withUnsafeBufferPointer { offsets in
            for c in 0..<plan.channels {
                let input = x + c * plan.inputArea, output = y + c * plan.outputArea
                for p in 0..<plan.outputArea {
                    var sum: T = 0
                    for i in (p * plan.windowArea)..<((p + 1) * plan.windowArea) where offsets[i] >= 0 {
                        sum += input[Int(offsets[i])]
                    }
                    if let averaging {
                        // Exact: a sum of words below 2^24 (checked by FixedPointInference).
                        output[p] = T.fromWord(FixedPointAveraging.average(sum: sum.word, reciprocal: averaging.reciprocals[p],
                                                                  wordlength: averaging.wordlength))
                    } else {
                        output[p] = sum / T(plan.divisors[p])
                    }
                }
            }
        }
    }
}
