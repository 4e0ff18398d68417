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
            let plan = LayerPlan.ConvolutionPlan(conv, inputShape: shape, outputShape: conv.outputShape(for: shape)!)
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

    @Test("the direct convolution reads the positions of im2colOffsets from the padded input")
    func directConvolutionMatchesDefinition() throws {
        for (name, conv, shape) in try Self.convolutions() where conv.groups == 1 {
            let output = conv.outputShape(for: shape)!
            let plan = DirectConvolutionPlan(conv, inputShape: shape, outputShape: output)
            let input = (0..<shape.reduce(1, *)).map { Float($0 + 1) }
            var padded = [Float](repeating: 0, count: plan.paddedSize)
            if plan.padded {
                input.withUnsafeBufferPointer { x in padded.withUnsafeMutableBufferPointer { plan.pad(x.baseAddress!, into: $0.baseAddress!) } }
            } else {
                padded = input
            }
            let offsets = conv.im2colOffsets(inputShape: shape)
            let m = output[1] * output[2]
            #expect(plan.items.rows == m && plan.items.count % 8 == 0 && plan.offsets.count == plan.k, "\(name)")
            for r in 0..<plan.k {
                for p in 0..<m {
                    let o = Int(offsets[r * m + p])
                    #expect(padded[Int(plan.items.bases[p]) + Int(plan.offsets[r])] == (o < 0 ? 0 : input[o]), "\(name) row \(r) position \(p)")
                    #expect(plan.items.destinations[p] == Int32(p))
                }
            }
        }
    }

    @Test("a tiling max pooling is fused as items per window tap")
    func fusedPoolingItems() throws {
        let network = try Fixtures.exampleNetwork.get()
        guard case .convolution(let conv) = network.layers[0].operation,
              case .maxPool(let pool) = LayerPlan(network.layers[1]).kind else { Issue.record("not conv, pool"); return }
        let plan = DirectConvolutionPlan(conv, inputShape: network.layers[0].inputShape, outputShape: network.layers[0].outputShape)
        let items = try #require(plan.fusingPooling(pool))
        #expect(items.rows == 14 * 14 && items.count == 4 * 14 * 14)
        // Pooled position (1, 2) = q 16: conv positions (2, 4), (2, 5), (3, 4), (3, 5).
        #expect(Array(items.destinations[64..<68]) == [16, ~16, ~16, ~16])
        let positions = [2 * 28 + 4, 2 * 28 + 5, 3 * 28 + 4, 3 * 28 + 5]
        let expected: [Int32] = positions.map { plan.items.bases[$0] }
        #expect(Array(items.bases[64..<68]) == expected)
    }

    @Test("the gathered kernel computes R = X·Wᵀ + b, storing or taking the maximum", arguments: [(1, 1), (5, 8), (9, 17), (24, 40), (64, 3)])
    func gatheredKernel(_ n: Int, _ k: Int) {
        let columns = (n + 7) & ~7, items = 16
        let input: [Float] = (0..<(items * k)).map { Float(($0 * 5) % 13 - 6) }
        let weights: [Float] = (0..<(k * columns)).map { $0 % columns < n ? Float(($0 * 7) % 11 - 5) : 0 }
        let bias: [Float] = (0..<columns).map { Float($0 % 3) }
        let bases: [Int32] = (0..<items).map { Int32($0 * k) }
        let offsets: [Int32] = (0..<k).map { Int32($0) }
        // Items 2i and 2i + 1 share row i: the first stores, the second takes the maximum.
        let destinations: [Int32] = (0..<items).map { (i: Int) -> Int32 in
            let row = Int32(i / 2)
            return i % 2 == 0 ? row : ~row
        }
        var rows = [Float](repeating: .nan, count: items / 2 * columns)
        Float.gatherGEMM(k: k, n: columns, items: items, input: input, bases: bases, offsets: offsets, weights: weights,
                         bias: bias, rows: &rows, destinations: destinations)
        for d in 0..<(items / 2) {
            for j in 0..<n {
                var sums: [Float] = []
                for i in [2 * d, 2 * d + 1] {
                    var sum = bias[j]
                    for r in 0..<k { sum += input[i * k + r] * weights[r * columns + j] }
                    sums.append(sum)
                }
                #expect(rows[d * columns + j] == sums.max()!)
            }
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
