import Foundation
import Testing
@testable import Toolflow

@Suite("Float inference against onnxruntime")
struct FloatInferenceTests {
    @Test("test model matches onnxruntime within 1e-4", arguments: Fixtures.models)
    func testModel(_ model: String) throws {
        let network = try Fixtures.network(model)
        let data = try Fixtures.inputs(model)
        let reference = try NPY.read(path: Fixtures.path(model, "outputs.npy")).floats
        let scores = FloatInference(network: network).run(data)
        #expect(scores.values.count == reference.count)
        #expect(relativeError(scores.values, reference) <= 1e-4)
    }

    @Test("example model matches onnxruntime on the evaluation set")
    func example() throws {
        let network = try Fixtures.exampleNetwork.get()
        let data = try Fixtures.exampleEval.get()
        let reference = try NPY.read(path: Fixtures.path("mnist", "eval-outputs.npy")).floats
        let scores = FloatInference(network: network).run(data)
        #expect(relativeError(scores.values, reference) <= 1e-4)
        #expect(scores.predictions == Scores(classes: 10, values: reference).predictions)
    }

    @Test("layer outputs end with the network output")
    func layerOutputs() throws {
        let network = try Fixtures.network("groups_avgpool_opset13")
        let data = try Fixtures.inputs("groups_avgpool_opset13")
        let inference = FloatInference(network: network)
        let outputs = inference.layerOutputs(image: Array(data.inputs[0..<data.imageSize]))
        #expect(outputs.count == network.layers.count)
        #expect(outputs.last! == Array(inference.run(data.subset(0..<1)).values))
    }
}
