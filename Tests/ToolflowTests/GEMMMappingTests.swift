import Testing
@testable import Toolflow

@Suite("The GEMM mapping of CONV and FC layers")
struct GEMMMappingTests {
    /// Every convolution of the test models, with its input shape.
    static func convolutions() throws -> [(String, Convolution, [Int])] {
        try (Fixtures.models + ["mnist"]).flatMap { model in
            let network = model == "mnist" ? try Fixtures.exampleNetwork.get() : try Fixtures.network(model)
            return network.layers.compactMap { layer in
                if case .convolution(let c) = layer.operation { return ("\(model)/\(layer.name)", c, layer.inputShape) }
                return nil
            }
        }
    }

    @Test("the engine's im2col equals the gather of im2colOffsets")
    func im2colMatchesDefinition() throws {
        for (name, conv, shape) in try Self.convolutions() {
            let layer = Layer(name: name, operation: .convolution(conv), inputShape: shape, outputShape: conv.outputShape(for: shape)!)
            guard case .convolution(let plan) = LayerPlan(layer).kind else { Issue.record("no plan"); continue }
            let input = (0..<plan.groupInputStride).map { Float($0 + 1) }
            let stride = paddedToLanes(plan.gemm.m)
            var a = [Float](repeating: -1, count: plan.gemm.k * stride)
            input.withUnsafeBufferPointer { x in
                a.withUnsafeMutableBufferPointer { BlockEngine<Float>.im2col(plan, x.baseAddress!, $0.baseAddress!, stride: stride) }
            }
            let offsets = conv.im2colOffsets(inputShape: shape)
            var expected = [Float](repeating: 0, count: plan.gemm.k * stride)
            for r in 0..<plan.gemm.k {
                for p in 0..<plan.gemm.m {
                    let o = Int(offsets[r * plan.gemm.m + p])
                    expected[r * stride + p] = o < 0 ? 0 : input[o]
                }
            }
            #expect(a == expected, "\(name)")
        }
    }

    @Test("GEMM sizes of the example")
    func exampleSizes() throws {
        let network = try Fixtures.exampleNetwork.get()
        let gemms = network.layers.compactMap(\.gemm)
        #expect(gemms == [GEMMShape(m: 784, n: 8, k: 9), GEMMShape(m: 196, n: 16, k: 72),
                          GEMMShape(m: 1, n: 64, k: 784), GEMMShape(m: 1, n: 10, k: 64)])
        #expect(network.maccCount == 333_056)
        #expect(network.parameterCount == 52_138)
    }

    @Test("grouped convolutions are independent GEMMs per group")
    func groups() throws {
        let network = try Fixtures.network("groups_avgpool_opset13")
        #expect(network.layers[0].gemm == GEMMShape(m: 255, n: 4, k: 18, groups: 2))
        #expect(network.layers[2].gemm == GEMMShape(m: 72, n: 1, k: 1, groups: 8))
    }

    @Test("the kernel computes Yᵀ = W·Aᵀ + b for ragged sizes", arguments: [(1, 1, 1), (3, 5, 17), (4, 9, 16), (7, 13, 33), (10, 64, 5)])
    func kernel(_ n: Int, _ k: Int, _ m: Int) {
        let weights = (0..<(n * k)).map { Float(($0 * 7) % 11) - 5 }
        let bias = (0..<n).map { Float($0) }
        let stride = paddedToLanes(m)
        var a = [Float](repeating: 0, count: k * stride)
        for r in 0..<k { for p in 0..<m { a[r * stride + p] = Float((r * 3 + p * 5) % 13) - 6 } }
        var y = [Float](repeating: .nan, count: n * m)
        Float.gemm(n: n, k: k, m: m, weights: weights, bias: bias, a: a, aStride: stride, y: &y, yStride: m)
        for j in 0..<n {
            for p in 0..<m {
                var sum = bias[j]
                for r in 0..<k { sum += weights[j * k + r] * a[r * stride + p] }
                #expect(y[j * m + p] == sum)
            }
        }
    }
}
