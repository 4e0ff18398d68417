import Foundation
import Testing
@testable import Toolflow

/// A small network as current exporters write it: Conv (2→3 channels, 3×3, pad 1, bias) and
/// Relu, a flatten computed from the activation's shape as torch.onnx.export writes it
/// (Shape, Gather, Unsqueeze, Concat → Reshape), and a Gemm (transB) to 4 outputs; with its
/// output computed here by plain loops, independently of the importer and the inference.
enum SmallNet {
    static let convWeights = values(3 * 2 * 3 * 3, seed: 1), convBias = values(3, seed: 2)
    static let fcWeights = values(4 * 75, seed: 3), fcBias = values(4, seed: 4)

    static func values(_ count: Int, seed: Double) -> [Float] {
        (0..<count).map { Float(sin(Double($0) * 0.77 + seed) * 0.5) }
    }

    /// `count` images of `[2, 5, 5]`, one after the other.
    static func images(_ count: Int) -> [Float] { values(count * 50, seed: 5).map { $0 * 2 } }

    /// How the flatten before the Gemm gets its target shape.
    enum Flatten { case computed, constant([Int64]) }

    static func builder(batch: Int64 = 1, opset: Int64 = 13, flatten: Flatten = .computed) -> ONNXModelBuilder {
        var b = ONNXModelBuilder()
        b.inputShape = [batch, 2, 5, 5]
        b.opset = opset
        b.initializer("w", dims: [3, 2, 3, 3], values: convWeights)
        b.initializer("b", dims: [3], values: convBias)
        b.initializer("fc_w", dims: [4, 75], values: fcWeights)
        b.initializer("fc_b", dims: [4], values: fcBias)
        let conv = b.add("Conv", ["x", "w", "b"], [ONNXModelBuilder.attribute("pads", [1, 1, 1, 1]),
                                                   ONNXModelBuilder.attribute("kernel_shape", [3, 3])])
        let relu = b.add("Relu", [b.add("Identity", [conv])])
        let target: String
        switch flatten {
        case .computed:
            let shape = b.add("Shape", [relu])
            let zero = b.scalar(0)
            let first = b.add("Gather", [shape, zero], [ONNXModelBuilder.attribute("axis", Int64(0))])
            let axes = b.constant([0])
            let batchDimension = b.add("Unsqueeze", [first, axes])
            let rest = b.constant([-1])
            target = b.add("Concat", [batchDimension, rest], [ONNXModelBuilder.attribute("axis", Int64(0))])
        case .constant(let values):
            target = b.constant(values)
        }
        let flat = b.add("Reshape", [relu, target])
        let weights = b.add("Identity", ["fc_w"])
        b.add("Gemm", [flat, weights, "fc_b"], [ONNXModelBuilder.attribute("transB", Int64(1))])
        return b
    }

    /// The network's output for one `[2, 5, 5]` image, computed directly.
    static func expected(_ image: [Float]) -> [Float] {
        var features = [Double](repeating: 0, count: 75)
        for o in 0..<3 {
            for y in 0..<5 {
                for x in 0..<5 {
                    var sum = Double(convBias[o])
                    for c in 0..<2 {
                        for i in 0..<3 {
                            for j in 0..<3 {
                                let (row, column) = (y + i - 1, x + j - 1)
                                guard (0..<5).contains(row), (0..<5).contains(column) else { continue }
                                let weight = Double(convWeights[((o * 2 + c) * 3 + i) * 3 + j])
                                sum += weight * Double(image[(c * 5 + row) * 5 + column])
                            }
                        }
                    }
                    features[(o * 5 + y) * 5 + x] = max(sum, 0)
                }
            }
        }
        var outputs: [Float] = []
        for n in 0..<4 {
            var sum = Double(fcBias[n])
            for k in 0..<75 { sum += Double(fcWeights[n * 75 + k]) * features[k] }
            outputs.append(Float(sum))
        }
        return outputs
    }

    /// The network's outputs on `count` images, by float inference of the imported model.
    static func outputs(of network: Network, images count: Int) -> [Float] {
        FloatInference(network: network).run(Dataset(imageShape: [2, 5, 5], inputs: images(count))).values
    }

    /// The directly computed outputs of `count` images.
    static func expectedOutputs(images count: Int) -> [Float] {
        let all = images(count)
        return (0..<count).flatMap { expected(Array(all[($0 * 50)..<(($0 + 1) * 50)])) }
    }
}

@Suite("ONNX as current exporters write it")
struct CurrentExporterTests {
    static func importing(_ builder: ONNXModelBuilder) throws -> Network {
        try ONNXImporter.importModel(data: builder.data, path: "built.onnx")
    }

    @Test("IR versions 10 and 13 (onnx 1.22 and later) import and infer identically, and as computed directly")
    func irVersions() throws {
        var outputs: [[Float]] = []
        for version: Int64 in [10, 13] {
            var builder = SmallNet.builder()
            builder.irVersion = version
            let network = try Self.importing(builder)
            #expect(network.inputShape == [2, 5, 5] && network.outputShape == [4])
            outputs.append(SmallNet.outputs(of: network, images: 3))
        }
        #expect(outputs[0] == outputs[1])
        #expect(relativeError(outputs[1], SmallNet.expectedOutputs(images: 3)) < 1e-5)
    }

    @Test("a later IR version imports when its opsets and ops are known")
    func laterIRVersion() throws {
        var builder = SmallNet.builder()
        builder.irVersion = 14
        #expect(relativeError(SmallNet.outputs(of: try Self.importing(builder), images: 2), SmallNet.expectedOutputs(images: 2)) < 1e-5)
    }

    @Test("IR versions before 3, or none, are refused with the reason", arguments: [Int64?(2), 1, nil])
    func oldIRVersions(_ version: Int64?) {
        var builder = SmallNet.builder()
        builder.irVersion = version
        guard case .malformedModel(_, let reason)? = builder.importError else { Issue.record("\(String(describing: builder.importError))"); return }
        #expect(reason.contains(version == nil ? "declares no IR version" : "IR version \(version!) is older than 3"))
    }

    @Test("opsets 22 and 25 import", arguments: [Int64(22), 25])
    func currentOpsets(_ opset: Int64) throws {
        let network = try Self.importing(SmallNet.builder(opset: opset))
        #expect(relativeError(SmallNet.outputs(of: network, images: 2), SmallNet.expectedOutputs(images: 2)) < 1e-5)
    }

    @Test("a fixed batch of 3 imports as the per-image network, with reshapes that keep the batch",
          arguments: [SmallNet.Flatten.computed, .constant([3, -1]), .constant([0, -1]), .constant([-1, 75])])
    func fixedBatch(_ flatten: SmallNet.Flatten) throws {
        let network = try Self.importing(SmallNet.builder(batch: 3, flatten: flatten))
        #expect(network.inputShape == [2, 5, 5] && network.outputShape == [4])
        #expect(relativeError(SmallNet.outputs(of: network, images: 3), SmallNet.expectedOutputs(images: 3)) < 1e-5)
    }

    @Test("a reshape that moves a fixed batch is refused, naming the node")
    func batchMoved() {
        let error = SmallNet.builder(batch: 3, flatten: .constant([1, -1])).importError
        guard case .unsupportedNode(let name, "Reshape", _, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name.hasSuffix("_Reshape") && reason.contains("moves the batch dimension (of size 3)"))
    }

    @Test("a torch-style graph: symbolic batch, computed flatten, Identity nodes, initializers listed as inputs")
    func torchStyleGraph() throws {
        var builder = SmallNet.builder(opset: 17)
        builder.symbolicBatch = true
        builder.initializersAsInputs = true
        var model = builder.model
        #expect(model.graph.input.count == 5)
        var info = Onnx_ValueInfoProto()
        info.name = model.graph.node[0].output[0]
        info.type.tensorType.elemType = 1
        model.graph.valueInfo = [info]
        let network = try ONNXImporter.importModel(data: try model.serializedData(), path: "torch.onnx")
        #expect(network.layers.map(\.summary) == ["Conv 3×3 pad 1,1,1,1 +ReLU", "Reshape", "FC"])
        #expect(relativeError(SmallNet.outputs(of: network, images: 4), SmallNet.expectedOutputs(images: 4)) < 1e-5)
    }
}
