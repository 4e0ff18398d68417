import Foundation
import SwiftProtobuf
import Testing
@testable import Toolflow

@Suite("ONNX import")
struct ONNXImportTests {
    static func exampleModel() throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: Data(contentsOf: Fixtures.example.appendingPathComponent("model.onnx")))
    }

    static func importing(_ model: Onnx_ModelProto) throws -> Network {
        try ONNXImporter.importModel(data: try model.serializedData(), path: "test.onnx")
    }

    static func error(_ body: () throws -> Network) -> ToolflowError? {
        do { _ = try body(); return nil } catch let e as ToolflowError { return e } catch { return nil }
    }

    @Test("batch norm, Add, Dropout and Identity are folded or removed")
    func folding() throws {
        let strided = try Fixtures.network("strided_bn_opset7")
        #expect(strided.layers.map(\.name) == ["conv1", "pool1", "flatten13", "fc1", "fc2", "softmax"])
        let shapes = try Fixtures.network("shapes_opset13")
        #expect(!shapes.layers.contains { $0.name.contains("dropout") || $0.name.contains("identity") })
        let groups = try Fixtures.network("groups_avgpool_opset11")
        #expect(!groups.layers.contains { $0.name == "bias_add" || $0.name == "fc_bias" })
        guard case .convolution(let conv) = strided.layers[0].operation else { Issue.record("conv1"); return }
        #expect(conv.fusedReLU)
    }

    @Test("opsets outside 7...25 are refused", arguments: [1, 6, 26, 30])
    func opsets(_ version: Int64) throws {
        var model = try Self.exampleModel()
        model.opsetImport[0].version = version
        #expect(Self.error { try Self.importing(model) } == .unsupportedOpset(domain: "", version: Int(version)))
    }

    @Test("an unsupported op names the node, the op and the opset")
    func unsupportedOp() throws {
        let error = Self.error { try ONNXImporter.importModel(atPath: Fixtures.path("unsupported_op", "model.onnx")) }
        guard case .unsupportedNode(let name, let op, let opset, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect((name, op, opset) == ("gate", "Sigmoid", 13))
    }

    @Test("a branching graph is refused")
    func branches() throws {
        var model = try Self.exampleModel()
        // pool1 reads conv1's output again instead of relu1's: the graph branches.
        let index = model.graph.node.firstIndex { $0.name == "pool1" }!
        model.graph.node[index].input = ["input"]
        let error = Self.error { try Self.importing(model) }
        guard case .unsupportedNode(let name, _, _, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == "pool1" && reason.contains("sequential"))
    }

    @Test("an Add of a constant that cannot be a bias is refused")
    func addAfterRelu() throws {
        var model = try Self.exampleModel()
        var bias = Onnx_TensorProto()
        bias.name = "extra"; bias.dataType = 1; bias.dims = [10]; bias.floatData = Array(repeating: 0.5, count: 10)
        model.graph.initializer.append(bias)
        var add = Onnx_NodeProto()
        add.name = "late_add"; add.opType = "Add"; add.input = ["hr", "extra"]; add.output = ["hr2"]
        let fc2 = model.graph.node.firstIndex { $0.name == "fc2" }!
        model.graph.node.insert(add, at: fc2)
        model.graph.node[fc2 + 1].input[0] = "hr2"
        let error = Self.error { try Self.importing(model) }
        guard case .unsupportedNode(let name, "Add", 13, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == "late_add")
    }

    @Test("typed fields and raw data give the same initializer")
    func typedInitializers() throws {
        let model = try Self.exampleModel()
        var typed = model
        for i in typed.graph.initializer.indices {
            let values = try typed.graph.initializer[i].constantTensor().floats
            typed.graph.initializer[i].clearRawData()
            typed.graph.initializer[i].floatData = values
        }
        let a = try Self.importing(model), b = try Self.importing(typed)
        let data = try Fixtures.exampleEval.get().subset(0..<8)
        #expect(FloatInference(network: a).run(data).values == FloatInference(network: b).run(data).values)
    }

    @Test("an initializer whose data does not match its shape is an error")
    func inconsistentInitializer() throws {
        var model = try Self.exampleModel()
        model.graph.initializer[0].dims = [1000]
        guard case .malformedModel(_, let reason)? = Self.error({ try Self.importing(model) }) else { Issue.record("no error"); return }
        #expect(reason.contains("raw_data holds"))
        var external = try Self.exampleModel()
        external.graph.initializer[0].dataLocation = .external
        guard case .malformedModel? = Self.error({ try Self.importing(external) }) else { Issue.record("no error"); return }
    }

    @Test("truncated and corrupted files are errors, never crashes")
    func corruption() throws {
        for model in ["shapes_opset13", "groups_avgpool_opset11", "strided_bn_opset7"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(model, "model.onnx")))
            var state: UInt64 = 12345
            func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
            for _ in 0..<60 {
                _ = try? ONNXImporter.importModel(data: bytes.prefix(next() % bytes.count), path: model)
                var corrupted = bytes
                for _ in 0..<(1 + next() % 4) { corrupted[next() % bytes.count] = UInt8(next() % 256) }
                if let network = try? ONNXImporter.importModel(data: corrupted, path: model) {
                    // Whatever imports must also run.
                    _ = FloatInference(network: network).layerOutputs(image: Array(repeating: 0.5, count: network.inputSize))
                }
            }
        }
        #expect(Self.error { try ONNXImporter.importModel(data: Data(), path: "empty.onnx") } == .malformedModel(path: "empty.onnx", reason: "the file is empty"))
        #expect(Self.error { try ONNXImporter.importModel(data: Data("hello, world".utf8), path: "text.onnx") } != nil)
    }

    @Test("a missing file is an error naming it")
    func missingFile() {
        guard case .unreadableFile(let path, _)? = Self.error({ try ONNXImporter.importModel(atPath: "/nonexistent/m.onnx") }) else {
            Issue.record("no error"); return
        }
        #expect(path == "/nonexistent/m.onnx")
    }
}

@Suite("Constant folding")
struct ConstantFoldingTests {
    let matrix = ConstantTensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6], isInteger: false)

    @Test func transpose() throws {
        let t = try ConstantFolding.transpose(matrix, perm: [1, 0])
        #expect(t.shape == [3, 2] && t.values == [1, 4, 2, 5, 3, 6])
    }

    @Test func reshape() throws {
        #expect(try ConstantFolding.reshapedShape([1, 16, 7, 7], target: [0, -1], allowZero: false) == [1, 784])
        #expect(throws: NodeProblem.self) { try ConstantFolding.reshapedShape([2, 3], target: [4, -1], allowZero: false) }
    }

    @Test func gatherConcatSlice() throws {
        var budget = FoldingBudget(fileSize: 0)
        let shape = ConstantTensor(integers: [1, 16, 7, 7])
        let first = try ConstantFolding.gather(shape, indices: ConstantTensor(shape: [], values: [0], isInteger: true), axis: 0,
                                               budget: &budget)
        #expect(first.shape == [] && first.values == [1])
        let joined = try ConstantFolding.concatenate([ConstantTensor(integers: [1]), ConstantTensor(integers: [-1])], axis: 0)
        #expect(joined.integers == [1, -1])
        let sliced = try ConstantFolding.slice([shape, ConstantTensor(integers: [1]), ConstantTensor(integers: [100])],
                                               try NodeAttributes(Onnx_NodeProto()), opset: 13, budget: &budget)
        #expect(sliced.integers == [16, 7, 7])
    }

    @Test func broadcasting() throws {
        var budget = FoldingBudget(fileSize: 0)
        let column = ConstantTensor(shape: [2, 1], values: [10, 20], isInteger: false)
        let sum = try ConstantFolding.broadcast(matrix, column, +, budget: &budget)
        #expect(sum.shape == [2, 3] && sum.values == [11, 12, 13, 24, 25, 26])
        #expect(throws: NodeProblem.self) {
            try ConstantFolding.broadcast(matrix, ConstantTensor(shape: [2], values: [1, 2], isInteger: false), +, budget: &budget)
        }
    }
}
