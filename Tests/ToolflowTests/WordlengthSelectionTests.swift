import FixedPoint
import Testing
@testable import Toolflow

/// The HPU choice and the LPU's formats, on synthetic accuracy tables with known answers.
@Suite struct WordlengthSelectionTests {
    let table: [(wordlength: Int, accuracy: Double)] = [(2, 0.10), (3, 0.60), (4, 0.85), (5, 0.95), (6, 0.97), (7, 0.96), (8, 0.97)]

    @Test(arguments: [(0.0, 6), (1.0, 6), (2.0, 5), (2.01, 5), (12.0, 4), (37.0, 3), (90.0, 2)])
    func shortestWordlengthWithinTolerance(tolerance: Double, expected: Int) throws {
        // Reference: the 8-bit accuracy, 0.97.
        #expect(try WordlengthSelection.highPrecision(table, target: 0.97 - tolerance / 100, tolerance: tolerance) == expected)
    }

    @Test func unreachableToleranceNamesTheBest() {
        #expect(throws: SearchError.toleranceUnreachable(tolerance: 0, target: 0.99, best: 0.97, bestWordlength: 6)) {
            try WordlengthSelection.highPrecision(table, target: 0.99, tolerance: 0)
        }
        let message = SearchError.toleranceUnreachable(tolerance: 0, target: 0.99, best: 0.97, bestWordlength: 6).description
        #expect(message.contains("99.00%") && message.contains("97.00% at 6 bits") && message.contains("--tolerance"))
    }

    @Test func lowPrecisionWeightsKeepAShiftTheTruncationUnitCanMake() {
        func format(_ w: Int, _ f: Int) -> FixedPointFormat { FixedPointFormat(wordlength: w, fractionBits: f) }
        let high = Quantisation(wordlength: 8, input: format(8, 7), layers: [
            .init(name: "a", weights: format(8, 6), bias: format(16, 13), input: format(8, 7), output: format(8, 4)),
            .init(name: "b", weights: format(8, 5), bias: format(16, 9), input: format(8, 4), output: format(8, 3)),
        ])
        let low = Quantisation(wordlength: 4, input: format(4, 3), layers: [
            .init(name: "a", weights: format(4, 7), bias: format(8, 10), input: format(4, 3), output: format(4, 1)),
            .init(name: "b", weights: format(4, -5), bias: format(8, -4), input: format(4, 1), output: format(4, 0)),
        ])
        let derived = WordlengthSelection.lowPrecisionFormats(low, under: high)
        // More fraction bits than the HPU's would need a left shift: clamped to the HPU's.
        #expect(derived.layers[0].weights.fractionBits == 6)
        // A shift beyond w_h is clamped to w_h.
        #expect(derived.layers[1].weights.fractionBits == 5 - 8)
        // Biases align with their accumulators: input plus weight fraction bits.
        #expect(derived.layers[0].bias.fractionBits == 3 + 6)
        #expect(derived.layers[1].bias.fractionBits == 1 - 3)
        #expect(derived.layers.map(\.output) == low.layers.map(\.output))
    }
}
