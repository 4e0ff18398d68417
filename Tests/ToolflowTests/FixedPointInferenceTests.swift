import FixedPoint
import Foundation
import Testing
@testable import Toolflow

@Suite("Fixed-point inference is bit exact")
struct FixedPointInferenceTests {
    static let wordlengths = [2, 4, 8, 16]
    static let cases: [(String, Int)] = (Fixtures.models + ["mnist"]).flatMap { m in wordlengths.map { (m, $0) } }

    static func modelAndData(_ model: String) throws -> (Network, Dataset) {
        if model == "mnist" { return (try Fixtures.exampleNetwork.get(), try Fixtures.exampleEval.get().subset(0..<12)) }
        return (try Fixtures.network(model), try Fixtures.inputs(model))
    }

    @Test("every layer equals the independent per-layer computation", arguments: cases)
    func matchesReference(_ model: String, _ wordlength: Int) throws {
        let (network, data) = try Self.modelAndData(model)
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: wordlength)
        let quantised = try QuantisedNetwork(network: network, quantisation: quantisation)
        let parameters = ReferenceFixedPoint.parameters(network, quantisation)
        // The engine the quantisation gets (integers where they are exact), and BlockEngine.
        for allowsIntegers in [true, false] {
            let inference = try FixedPointInference(quantised, allowsIntegers: allowsIntegers)
            let batch = inference.run(data)
            for i in 0..<data.count {
                let image = data.inputs[(i * data.imageSize)..<((i + 1) * data.imageSize)]
                let words = image.map { quantisation.input.quantize(Double($0)) }
                let expected = ReferenceFixedPoint.run(network, parameters, input: words, inputFormat: quantisation.input)
                let actual = inference.layerOutputs(words: words.map { Int32($0) })
                let engine = inference.accumulatesInIntegers ? "integers" : "BlockEngine"
                for (l, layer) in network.layers.enumerated() {
                    #expect(actual[l].map(Int.init) == expected[l], "image \(i), layer \(layer.name) at \(wordlength) bits, \(engine)")
                }
                let batchRow = batch.words[(i * network.outputSize)..<((i + 1) * network.outputSize)].map(Int.init)
                #expect(batchRow == expected.last!, "image \(i) at \(wordlength) bits, \(engine)")
            }
        }
    }

    @Test("the LPU variant uses weights requantised from the HPU's words", arguments: [Rounding.halfUp, .truncate])
    func lowPrecisionFromHighPrecision(_ rounding: Rounding) throws {
        let (network, data) = try Self.modelAndData("groups_avgpool_opset13")
        let high = try RangeCalibration.quantisation(for: network, data: data, wordlength: 8)
        let low = try RangeCalibration.quantisation(for: network, data: data, wordlength: 4)
        let hpu = try QuantisedNetwork(network: network, quantisation: high)
        let lpu = try hpu.derivingLowPrecision(low, rounding: rounding)
        // The reference derives each word itself from the HPU words.
        var parameters = ReferenceFixedPoint.parameters(network, high)
        for (l, p) in parameters.enumerated() {
            guard var p else { continue }
            let entry = low.layers.first { $0.name == network.layers[l].name }!
            p.weights = p.weights.map { entry.weights.requantize($0, fromFractionBits: p.formats.weights.fractionBits, rounding: rounding) }
            p.bias = p.bias.map { entry.bias.requantize($0, fromFractionBits: p.formats.bias.fractionBits, rounding: rounding) }
            p.formats = entry
            parameters[l] = p
            #expect(lpu.weights[l] == p.weights)
        }
        let inference = try FixedPointInference(lpu)
        for i in 0..<data.count {
            let words = data.inputs[(i * data.imageSize)..<((i + 1) * data.imageSize)].map { low.input.quantize(Double($0)) }
            let expected = ReferenceFixedPoint.run(network, parameters, input: words, inputFormat: low.input)
            #expect(inference.layerOutputs(words: words.map { Int32($0) }).map { $0.map(Int.init) } == expected)
        }
    }

    @Test("accumulation runs on integers below 2^30, else in Float below 2^24 and in Double above",
          arguments: [("mnist", 8, true, false), ("mnist", 16, false, true), ("groups_avgpool_opset13", 8, false, false)])
    func accumulatorChoice(_ model: String, _ wordlength: Int, _ integers: Bool, _ double: Bool) throws {
        let (network, data) = try Self.modelAndData(model)
        let q = try RangeCalibration.quantisation(for: network, data: data, wordlength: wordlength)
        let inference = try FixedPointInference(QuantisedNetwork(network: network, quantisation: q))
        #expect(inference.accumulatesInIntegers == integers)
        #expect(inference.accumulatesInDouble == double)
    }

    @Test("power-of-two average pooling is a rounding shift")
    func averagingPowerOfTwo() {
        for n in [1, 2, 4, 16, 64] {
            let r = FixedPointAveraging.reciprocal(of: n)
            for sum in -300...300 {
                #expect(FixedPointAveraging.average(sum: sum, reciprocal: r, wordlength: 16)
                        == sum.shiftedRight(by: n.trailingZeroBitCount, rounding: .halfUp).saturated(toWordlength: 16))
            }
        }
    }

    @Test("16-bit accuracy is within 0.5% of float on the example; lower wordlengths reported")
    func exampleAccuracy() throws {
        let network = try Fixtures.exampleNetwork.get()
        let eval = try Fixtures.exampleEval.get(), test = try Fixtures.exampleTest.get()
        let float = FloatInference(network: network)
        for data in [eval, test] {
            let floatAccuracy = float.run(data).accuracy(labels: data.labels!)
            let q16 = try RangeCalibration.quantisation(for: network, data: eval, wordlength: 16)
            let fixed = try FixedPointInference(QuantisedNetwork(network: network, quantisation: q16))
            let fixedAccuracy = fixed.run(data).scores.accuracy(labels: data.labels!)
            #expect(abs(fixedAccuracy - floatAccuracy) <= 0.005)
            #expect(floatAccuracy > 0.9)
        }
    }

    @Test("requantisation in Float equals the rule on Int words", arguments: [2, 4, 8, 16, 24])
    func floatRequantization(_ wordlength: Int) {
        // Accumulators below 2^24, the Float engine's bound, with the extremes; 67 of them,
        // so that the last 3 take the scalar tail.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var accumulators = [-(1 << 24) + 1, (1 << 24) - 1, 0, 1, -1]
        while accumulators.count < 67 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            accumulators.append((Int(state >> 39) - (1 << 24)) >> Int(state & 15))
        }
        for shift in [-41, -40, -7, -1, 0, 1, 2, 5, 13, 24, 25, 26, 40] {
            for relu in [false, true] {
                let r = Requantization(format: FixedPointFormat(wordlength: wordlength, fractionBits: 3),
                                       accumulatorFractionBits: 3 + shift)
                var expected = accumulators
                expected.withUnsafeMutableBufferPointer { r.apply($0, relu: relu) }
                var values = accumulators.map(Float.init)
                var words = [Int](repeating: 0, count: values.count)
                Float.requantize(&values, count: values.count, r, relu: relu, words: &words)
                #expect(values.map { Int($0) } == expected, "shift \(shift), relu \(relu)")
            }
        }
    }

    @Test("the scores of a final softmax sum to one")
    func softmaxScores() throws {
        let (network, data) = try Self.modelAndData("strided_bn_opset21")
        let q = try RangeCalibration.quantisation(for: network, data: data, wordlength: 8)
        let scores = try FixedPointInference(QuantisedNetwork(network: network, quantisation: q)).run(data).scores
        for i in 0..<scores.count { #expect(abs(scores.row(i).reduce(0, +) - 1) < 1e-5) }
    }
}
