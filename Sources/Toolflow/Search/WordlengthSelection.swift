import FixedPoint
import Foundation

/// The choices of wordlength, as plain functions of accuracy tables.
public enum WordlengthSelection {
    /// The shortest wordlength whose accuracy reaches `target`.
    public static func highPrecision(_ explored: [(wordlength: Int, accuracy: Double)], target: Double,
                                     tolerance: Double) throws -> Int {
        if let found = explored.sorted(by: { $0.wordlength < $1.wordlength }).first(where: { $0.accuracy >= target - 1e-12 }) {
            return found.wordlength
        }
        let best = explored.max { $0.accuracy < $1.accuracy || ($0.accuracy == $1.accuracy && $0.wordlength > $1.wordlength) }
        throw SearchError.toleranceUnreachable(tolerance: tolerance, target: target, best: best?.accuracy ?? 0,
                                               bestWordlength: best?.wordlength ?? 0)
    }

    /// The shortest wordlength certified within `tolerance` (a fraction) against the reference:
    /// tested in a fixed sequence from the first of `safestFirst` on, ending at the first
    /// that fails, so the chance of accepting any wordlength whose loss exceeds the tolerance
    /// stays within 1 − `confidence`. Nil when the first already fails.
    public static func certifiedHighPrecision(_ safestFirst: [Int], tolerance: Double, confidence: Double,
                                              outcomes: (Int) throws -> PairedOutcomes) rethrows -> Int? {
        try FixedSequenceTest.lastAccepted(safestFirst) {
            try outcomes($0).certifies(tolerance: tolerance, confidence: confidence)
        }.map { safestFirst[$0] }
    }

    /// The order in which `certifiedHighPrecision` tries wordlengths: from a wordlength
    /// reference (which loses nothing against itself) or else the longest, down.
    public static func certificationOrder(_ wordlengths: ClosedRange<Int>, reference: Int?) -> [Int] {
        wordlengths.reversed().filter { w in reference.map { w <= $0 } ?? true }
    }

    /// The LPU's formats: its own search's fraction bits, except that a weight keeps at most
    /// the HPU's fraction bits and at least w_h fewer (the truncation unit shifts right by
    /// 0 … w_h); each bias is aligned to its accumulator, wide enough for the HPU's range.
    public static func lowPrecisionFormats(_ low: Quantisation, under high: Quantisation) -> Quantisation {
        var result = low
        for i in result.layers.indices {
            let (h, l) = (high.layers[i], low.layers[i])
            let weights = max(min(l.weights.fractionBits, h.weights.fractionBits), h.weights.fractionBits - h.weights.wordlength)
            result.layers[i].weights.fractionBits = weights
            let largest = scalbn(1.0, h.bias.wordlength - 1 - h.bias.fractionBits)
            result.layers[i].bias = RangeCalibration.biasFormat(largest: largest, fractionBits: l.input.fractionBits + weights)
        }
        return result
    }
}
