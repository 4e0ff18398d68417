import Foundation
import Testing
@testable import Toolflow

/// Clip, LeakyRelu, BatchNormalization on its own and Gemm's bias forms: imported where the
/// IR expresses them exactly (outputs checked against the ONNX definitions computed here),
/// refused with the reason where it does not.
@Suite("ONNX single-input ops")
struct SingleInputOpTests {
    static let image = (0..<18).map { Float(sin(Double($0) * 1.9) * 3) }

    /// One op on an input of `[1, 2, 3, 3]` (a 2-D feature map) or `[1, 18]`.
    static func builder(opset: Int64 = 13, flat: Bool = false,
                        _ build: (inout ONNXModelBuilder) -> Void) -> ONNXModelBuilder {
        var b = ONNXModelBuilder()
        b.inputShape = flat ? [1, 18] : [1, 2, 3, 3]
        b.opset = opset
        build(&b)
        return b
    }

    static func run(_ b: ONNXModelBuilder) throws -> [Float] {
        let network = try ONNXImporter.importModel(data: b.data, path: "op.onnx")
        return FloatInference(network: network).layerOutputs(image: image).last!
    }

    static func reason(_ b: ONNXModelBuilder) -> String {
        switch b.importError {
        case .unsupportedNode(_, _, _, let reason)?, .invalidNode(_, _, _, let reason)?: return reason
        default: return "\(String(describing: b.importError))"
        }
    }

    @Test("Clip(0, ∞) is a ReLU, with its bounds as inputs (opset 13) or attributes (opset 9)")
    func clipAsReLU() throws {
        let inputs = Self.builder { b in
            b.initializer("zero", dims: [], values: [0])
            b.add("Clip", ["x", "zero"])
        }
        let attributes = Self.builder(opset: 9) { b in b.add("Clip", ["x"], [ONNXModelBuilder.attribute("min", float: 0)]) }
        #expect(try Self.run(inputs) == Self.image.map { max($0, 0) })
        #expect(try Self.run(attributes) == Self.image.map { max($0, 0) })
        let unbounded = Self.builder { b in b.add("Clip", ["x"]) }
        #expect(try ONNXImporter.importModel(data: unbounded.data).layers.isEmpty)
    }

    @Test("ReLU6 and other bounded Clips are refused: the IR's ReLU does not saturate")
    func boundedClip() {
        let relu6 = Self.builder { b in
            b.initializer("zero", dims: [], values: [0])
            b.initializer("six", dims: [], values: [6])
            b.add("Clip", ["x", "zero", "six"])
        }
        #expect(Self.reason(relu6).contains("Clip(0, 6.0) (a ReLU6 saturating at 6.0) is not supported"))
        let old = Self.builder(opset: 9) { b in b.add("Clip", ["x"], [ONNXModelBuilder.attribute("min", float: -1), ONNXModelBuilder.attribute("max", float: 1)]) }
        #expect(Self.reason(old).contains("Clip to [-1.0, 1.0] is not supported"))
    }

    @Test("LeakyRelu with alpha 0 is a ReLU; a slope is refused")
    func leakyRelu() throws {
        let zero = Self.builder { b in b.add("LeakyRelu", ["x"], [ONNXModelBuilder.attribute("alpha", float: 0)]) }
        #expect(try Self.run(zero) == Self.image.map { max($0, 0) })
        let slope = Self.builder { b in b.add("LeakyRelu", ["x"]) }
        #expect(Self.reason(slope).contains("LeakyRelu with alpha 0.01 is not supported"))
    }

    @Test("BatchNormalization with no Conv or Gemm before it is a per-channel scaling", arguments: [false, true])
    func standaloneBatchNorm(flat: Bool) throws {
        let (scale, shift, mean, variance): ([Float], [Float], [Float], [Float]) = flat
            ? ((0..<18).map { 0.5 + Float($0) / 10 }, (0..<18).map { Float($0) - 4 }, (0..<18).map { Float($0) / 3 }, (0..<18).map { 1 + Float($0) })
            : ([0.5, -2], [1, 3], [0.25, -1], [4, 0.5])
        let b = Self.builder(flat: flat) { b in
            let c = Int64(scale.count)
            b.initializer("s", dims: [c], values: scale); b.initializer("b", dims: [c], values: shift)
            b.initializer("m", dims: [c], values: mean); b.initializer("v", dims: [c], values: variance)
            b.add("BatchNormalization", ["x", "s", "b", "m", "v"], [ONNXModelBuilder.attribute("epsilon", float: 1e-3)])
        }
        let perChannel = flat ? 1 : 9
        let expected = Self.image.indices.map { i in
            let c = i / perChannel
            return Float((Double(Self.image[i]) - Double(mean[c])) * Double(scale[c]) / (Double(variance[c]) + 1e-3).squareRoot() + Double(shift[c]))
        }
        #expect(relativeError(try Self.run(b), expected) < 1e-6)
    }

    @Test("Gemm's C: a matrix whose rows agree is a bias; rows that differ give images different biases")
    func gemmMatrixBias() throws {
        func gemm(_ c: [Float]) -> ONNXModelBuilder {
            var b = Self.builder(flat: true) { b in
                b.initializer("w", dims: [18, 2], values: (0..<36).map { Float($0 % 7) - 3 })
                b.initializer("c", dims: [3, 2], values: c)
                b.add("Gemm", ["x", "w", "c"])
            }
            b.inputShape = [3, 18]
            return b
        }
        let expected = (0..<2).map { n in (0..<18).reduce(Float(0.5)) { $0 + Float(($1 * 2 + n) % 7 - 3) * Self.image[$1] } }
        #expect(relativeError(try Self.run(gemm([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])), expected) < 1e-6)
        #expect(Self.reason(gemm([1, 2, 3, 4, 5, 6])).contains("gives the images of the batch different biases"))
    }

    @Test("an Add of two tensors (a residual connection) is refused with the reason")
    func residualAdd() {
        let b = Self.builder { b in
            b.initializer("w", dims: [2, 2, 1, 1], values: [1, 0, 0, 1])
            let conv = b.add("Conv", ["x", "w"])
            let relu = b.add("Relu", [conv])
            b.add("Add", [relu, "x"])
        }
        #expect(Self.reason(b).contains("a residual connection"))
    }
}
