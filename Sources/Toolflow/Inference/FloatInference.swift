/// Float32 inference of a network, the reference that fixed point is compared against.
///
/// Every CONV layer runs as the GEMM of `GEMMShape` over an im2col matrix gathered with
/// `Convolution.im2colOffsets`; FC layers as `M = 1` GEMMs. Batches run image by image on
/// all cores.
public struct FloatInference: Sendable {
    public let network: Network
    let plans: [LayerPlan]
    /// Per layer: CONV weights `[C_out][K]` as imported; FC weights transposed to `[K][N]`.
    let weights: [[Float]]
    let biases: [[Float]]
    let bufferSize: Int
    let im2colSize: Int

    public init(network: Network) {
        self.network = network
        plans = network.layers.map(LayerPlan.init)
        var weights: [[Float]] = [], biases: [[Float]] = []
        for layer in network.layers {
            switch layer.operation {
            case .convolution(let conv):
                weights.append(conv.weights); biases.append(conv.bias)
            case .fullyConnected(let fc):
                var transposed = [Float](repeating: 0, count: fc.weights.count)
                for n in 0..<fc.outputFeatures {
                    for k in 0..<fc.inputFeatures { transposed[k * fc.outputFeatures + n] = fc.weights[n * fc.inputFeatures + k] }
                }
                weights.append(transposed); biases.append(fc.bias)
            default:
                weights.append([]); biases.append([])
            }
        }
        self.weights = weights; self.biases = biases
        bufferSize = max(network.inputSize, plans.map { max($0.inputSize, $0.outputSize) }.max() ?? 0)
        im2colSize = plans.map(\.im2colSize).max() ?? 0
    }

    /// The network's outputs for every image of `data`, on all cores.
    public func run(_ data: Dataset) -> Scores {
        let outSize = network.outputSize, inSize = network.inputSize
        let result = SharedBuffer<Float>(repeating: 0, count: data.count * outSize)
        data.inputs.withUnsafeBufferPointer { inputs in
            forEachChunk(of: data.count) { range in
                let scratch = Scratch(bufferSize: bufferSize, im2colSize: im2colSize)
                defer { scratch.deallocate() }
                for i in range {
                    let out = infer(inputs.baseAddress! + i * inSize, scratch, record: nil)
                    (result.pointer.baseAddress! + i * outSize).update(from: out.baseAddress!, count: outSize)
                }
            }
        }
        return Scores(classes: outSize, values: result.array)
    }

    /// The output of every layer for one image (for calibration and tests).
    public func layerOutputs(image: [Float]) -> [[Float]] {
        precondition(image.count == network.inputSize)
        let scratch = Scratch(bufferSize: bufferSize, im2colSize: im2colSize)
        defer { scratch.deallocate() }
        var outputs: [[Float]] = []
        image.withUnsafeBufferPointer { x in
            _ = infer(x.baseAddress!, scratch) { outputs.append(Array($0)) }
        }
        return outputs
    }

    final class Scratch {
        var a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>
        let im2col: UnsafeMutablePointer<Float>
        init(bufferSize: Int, im2colSize: Int) {
            a = .allocate(capacity: bufferSize); b = .allocate(capacity: bufferSize)
            im2col = .allocate(capacity: max(im2colSize, 1))
        }
        func deallocate() { a.deallocate(); b.deallocate(); im2col.deallocate() }
    }

    /// Runs one image; the result lives in `scratch` until the next call.
    func infer(_ image: UnsafePointer<Float>, _ scratch: Scratch,
               record: ((UnsafeBufferPointer<Float>) -> Void)?) -> UnsafeBufferPointer<Float> {
        var x = scratch.a, y = scratch.b
        x.update(from: image, count: network.inputSize)
        for (index, plan) in plans.enumerated() {
            var swap = true
            switch plan.kind {
            case .convolution(let conv):
                convolution(conv, weights: weights[index], bias: biases[index], x, y, scratch.im2col)
            case .fullyConnected(let inputs, let outputs, let relu):
                fullyConnected(inputs, outputs, relu, weights: weights[index], bias: biases[index], x, y)
            case .maxPool(let pool):
                maxPool(pool, x, y)
            case .averagePool(let pool):
                averagePool(pool, x, y)
            case .relu:
                for i in 0..<plan.outputSize { x[i] = max(x[i], 0) }
                swap = false
            case .reshape:
                swap = false
            case .softmax:
                softmax(UnsafeMutableBufferPointer(start: x, count: plan.outputSize))
                swap = false
            }
            if swap { Swift.swap(&x, &y) }
            record?(UnsafeBufferPointer(start: x, count: plan.outputSize))
        }
        return UnsafeBufferPointer(start: x, count: network.outputSize)
    }

    private func convolution(_ plan: LayerPlan.ConvolutionPlan, weights: [Float], bias: [Float],
                             _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             _ a: UnsafeMutablePointer<Float>) {
        let (m, n, k) = (plan.gemm.m, plan.gemm.n, plan.gemm.k)
        weights.withUnsafeBufferPointer { w in
            plan.offsets.withUnsafeBufferPointer { offsets in
                for g in 0..<plan.gemm.groups {
                    let input = x + g * plan.groupInputStride
                    for i in 0..<(k * m) {
                        let o = Int(offsets[i])
                        a[i] = o < 0 ? 0 : input[o]
                    }
                    for j in 0..<n {
                        let channel = g * n + j
                        let row = y + channel * m
                        row.update(repeating: bias[channel], count: m)
                        let wRow = w.baseAddress! + channel * k
                        for r in 0..<k {
                            let weight = wRow[r]
                            if weight == 0 { continue }
                            let column = a + r * m
                            for p in 0..<m { row[p] += weight * column[p] }
                        }
                        if plan.relu { for p in 0..<m { row[p] = max(row[p], 0) } }
                    }
                }
            }
        }
    }

    private func fullyConnected(_ k: Int, _ n: Int, _ relu: Bool, weights: [Float], bias: [Float],
                                _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in y.update(from: b.baseAddress!, count: n) }
            for r in 0..<k {
                let value = x[r]
                if value == 0 { continue }
                let row = w.baseAddress! + r * n
                for j in 0..<n { y[j] += value * row[j] }
            }
            if relu { for j in 0..<n { y[j] = max(y[j], 0) } }
        }
    }

    private func maxPool(_ plan: LayerPlan.PoolingPlan, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        plan.offsets.withUnsafeBufferPointer { offsets in
            for c in 0..<plan.channels {
                let input = x + c * plan.inputArea, output = y + c * plan.outputArea
                for p in 0..<plan.outputArea {
                    var best = -Float.infinity
                    for i in (p * plan.windowArea)..<((p + 1) * plan.windowArea) where offsets[i] >= 0 {
                        best = max(best, input[Int(offsets[i])])
                    }
                    output[p] = best
                }
            }
        }
    }

    private func averagePool(_ plan: LayerPlan.PoolingPlan, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        plan.offsets.withUnsafeBufferPointer { offsets in
            for c in 0..<plan.channels {
                let input = x + c * plan.inputArea, output = y + c * plan.outputArea
                for p in 0..<plan.outputArea {
                    var sum: Float = 0
                    for i in (p * plan.windowArea)..<((p + 1) * plan.windowArea) where offsets[i] >= 0 {
                        sum += input[Int(offsets[i])]
                    }
                    output[p] = sum / Float(plan.divisors[p])
                }
            }
        }
    }
}
