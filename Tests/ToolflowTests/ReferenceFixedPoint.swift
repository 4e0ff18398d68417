import FixedPoint
@testable import Toolflow

/// An independent, deliberately plain per-layer fixed-point computation written from the
/// definitions in DESIGN.md (Arithmetic) and the ONNX operator semantics: nested loops over
/// output channels, positions and kernel taps, no im2col tables, no LayerPlan.
enum ReferenceFixedPoint {
    /// The parameter words of a weighted layer.
    struct Parameters {
        var weights: [Int]
        var bias: [Int]
        var formats: Quantisation.LayerFormats
    }

    /// Quantises weights and biases with `FixedPointFormat.quantize`, per layer.
    static func parameters(_ network: Network, _ q: Quantisation) -> [Parameters?] {
        var entries = q.layers.makeIterator()
        return network.layers.map { layer in
            switch layer.operation {
            case .convolution(let c):
                let f = entries.next()!
                return Parameters(weights: c.weights.map { f.weights.quantize(Double($0)) }, bias: c.bias.map { f.bias.quantize(Double($0)) }, formats: f)
            case .fullyConnected(let fc):
                let f = entries.next()!
                return Parameters(weights: fc.weights.map { f.weights.quantize(Double($0)) }, bias: fc.bias.map { f.bias.quantize(Double($0)) }, formats: f)
            default: return nil
            }
        }
    }

    /// Every layer's output words for the input words `x`.
    static func run(_ network: Network, _ parameters: [Parameters?], input x: [Int], inputFormat: FixedPointFormat) -> [[Int]] {
        var current = x
        var format = inputFormat
        var outputs: [[Int]] = []
        for (layer, p) in zip(network.layers, parameters) {
            let shape = layer.inputShape
            switch layer.operation {
            case .convolution(let c):
                current = convolution(c, shape, layer.outputShape, current, p!)
                format = p!.formats.output
            case .fullyConnected(let fc):
                current = fullyConnected(fc, current, p!)
                format = p!.formats.output
            case .maxPool(let pool):
                current = pooling(pool, shape, layer.outputShape, current, average: false, wordlength: format.wordlength)
            case .averagePool(let pool):
                current = pooling(pool, shape, layer.outputShape, current, average: true, wordlength: format.wordlength)
            case .relu:
                current = current.map { max($0, 0) }
            case .reshape, .softmax:
                break
            }
            outputs.append(current)
        }
        return outputs
    }

    /// acc = Σ a·w + bias aligned to f_a + f_w; y = saturate(round(acc >> (f_a + f_w − f_y))); ReLU.
    static func finish(_ acc: Int, _ p: Parameters, relu: Bool) -> Int {
        let fa = p.formats.input.fractionBits, fw = p.formats.weights.fractionBits, fy = p.formats.output.fractionBits
        let shift = fa + fw - fy
        var y: Int
        if shift > 0 {
            y = (acc + (1 << (shift - 1))) >> shift
        } else {
            // An exact left shift; saturate without overflow.
            let limit = 1 << p.formats.output.wordlength
            y = abs(acc) >= limit ? (acc < 0 ? -limit : limit) : acc << -shift
        }
        let w = p.formats.output.wordlength
        y = min(max(y, -(1 << (w - 1))), (1 << (w - 1)) - 1)
        return relu ? max(y, 0) : y
    }

    static func alignedBias(_ b: Int, _ p: Parameters) -> Int {
        let s = p.formats.bias.fractionBits - (p.formats.input.fractionBits + p.formats.weights.fractionBits)
        return s > 0 ? (b + (1 << (s - 1))) >> s : b << -s
    }

    static func convolution(_ c: Convolution, _ inShape: [Int], _ outShape: [Int], _ x: [Int], _ p: Parameters) -> [Int] {
        let (channels, height, width) = (inShape[0], inShape[1], inShape[2])
        let (outC, outH, outW) = (outShape[0], outShape[1], outShape[2])
        let w = c.window, cg = channels / c.groups, og = outC / c.groups
        var y = [Int](repeating: 0, count: outC * outH * outW)
        for o in 0..<outC {
            let g = o / og
            for oy in 0..<outH {
                for ox in 0..<outW {
                    var acc = alignedBias(p.bias[o], p)
                    for ci in 0..<cg {
                        for i in 0..<w.kernelHeight {
                            for j in 0..<w.kernelWidth {
                                let iy = oy * w.strideY - w.padTop + i * w.dilationY
                                let ix = ox * w.strideX - w.padLeft + j * w.dilationX
                                guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                                let a = x[((g * cg + ci) * height + iy) * width + ix]
                                let weight = p.weights[((o * cg + ci) * w.kernelHeight + i) * w.kernelWidth + j]
                                acc += a * weight
                            }
                        }
                    }
                    y[(o * outH + oy) * outW + ox] = finish(acc, p, relu: c.fusedReLU)
                }
            }
        }
        return y
    }

    static func fullyConnected(_ fc: FullyConnected, _ x: [Int], _ p: Parameters) -> [Int] {
        (0..<fc.outputFeatures).map { n in
            var acc = alignedBias(p.bias[n], p)
            for k in 0..<fc.inputFeatures { acc += x[k] * p.weights[n * fc.inputFeatures + k] }
            return finish(acc, p, relu: fc.fusedReLU)
        }
    }

    /// Max: the largest word of the window's input positions. Average: the window's sum times
    /// round(2^16 / n), shifted right by 16 with round half up, saturated; n counts the input
    /// positions, or with count_include_pad the positions within the padding as well.
    static func pooling(_ pool: Pooling, _ inShape: [Int], _ outShape: [Int], _ x: [Int], average: Bool, wordlength: Int) -> [Int] {
        let (channels, height, width) = (inShape[0], inShape[1], inShape[2])
        let (outH, outW) = (outShape[1], outShape[2])
        let w = pool.window
        var y = [Int](repeating: 0, count: channels * outH * outW)
        for c in 0..<channels {
            for oy in 0..<outH {
                for ox in 0..<outW {
                    var best = Int.min, sum = 0, inside = 0, padded = 0
                    for i in 0..<w.kernelHeight {
                        for j in 0..<w.kernelWidth {
                            let iy = oy * w.strideY - w.padTop + i * w.dilationY
                            let ix = ox * w.strideX - w.padLeft + j * w.dilationX
                            if iy >= -w.padTop, iy < height + w.padBottom, ix >= -w.padLeft, ix < width + w.padRight { padded += 1 }
                            guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                            let v = x[(c * height + iy) * width + ix]
                            best = max(best, v); sum += v; inside += 1
                        }
                    }
                    let result: Int
                    if average {
                        let n = pool.countIncludesPadding ? padded : inside
                        let reciprocal = ((1 << 17) + n) / (2 * n)          // floor(2^16/n + 1/2)
                        let v = (sum * reciprocal + (1 << 15)) >> 16
                        result = min(max(v, -(1 << (wordlength - 1))), (1 << (wordlength - 1)) - 1)
                    } else {
                        result = best
                    }
                    y[(c * outH + oy) * outW + ox] = result
                }
            }
        }
        return y
    }
}
