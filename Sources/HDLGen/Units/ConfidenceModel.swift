import Foundation
import FixedPoint

/// What the CEU decides for one sample.
public struct ConfidenceDecision: Sendable, Equatable {
    /// The argmax class; ties go to the lowest index.
    public var predicted: Int
    public var confident: Bool
    /// (Σ top-M e − Σ runner-up e) · 2^t, the left side of the comparison.
    public var margin: Int
    /// threshold · Σ e, the right side.
    public var scaledTotal: Int
}

extension ConfidenceEvaluationUnit {
    /// The bit-exact golden model: the CEU's decision for one sample of C score words and a
    /// threshold word (th · 2^t), computed from the definition with the unit's table.
    public func decide(scores: [Int], threshold: Int) -> ConfidenceDecision {
        precondition(scores.count == classes, "a sample has \(classes) scores")
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let entries = table.entries
        let zMax = scores[order[0]]
        func e(_ score: Int) -> Int {
            entries[table.index(forDifference: zMax - score, scoreFractionBits: scoreFormat.fractionBits)]
        }
        let total = scores.reduce(0) { $0 + e($1) }
        let top = order[0..<m].reduce(0) { $0 + e(scores[$1]) }
        let runnerUp = order[m..<n].reduce(0) { $0 + e(scores[$1]) }
        let margin = (top - runnerUp) << thresholdFractionBits
        let scaledTotal = threshold * total
        return ConfidenceDecision(predicted: order[0], confident: margin >= scaledTotal, margin: margin,
                                  scaledTotal: scaledTotal)
    }

    /// The threshold word for a real threshold `th` in [0, 2): th · 2^t rounded half up.
    public func thresholdWord(_ th: Double) -> Int {
        FixedPointFormat(wordlength: thresholdFractionBits + 2, fractionBits: thresholdFractionBits).quantize(th)
            .clamped(to: 0...((1 << (thresholdFractionBits + 1)) - 1))
    }
}

/// Confidence scores of a softmax output in floating point: the references the CEU's
/// fixed-point decision is measured against, and the scores the tuner compares.
public enum ConfidenceScore {
    /// softmax(logits), computed stably.
    public static func softmax(_ logits: [Double]) -> [Double] {
        let top = logits.max() ?? 0
        let exps = logits.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// gBvSB_{M,N}(p) = Σ_{i≤M} p_(i) − Σ_{M<j≤N} p_(j), p sorted in descending order.
    public static func generalisedBestVersusSecondBest(_ probabilities: [Double], m: Int, n: Int) -> Double {
        let sorted = probabilities.sorted(by: >)
        return sorted[0..<m].reduce(0, +) - sorted[m..<n].reduce(0, +)
    }
}

private extension Int {
    func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}

/// Random and corner-case samples for the CEU.
public enum ConfidenceStimulus {
    /// `count` samples of `classes` score words: first the corners (all equal, so ties
    /// everywhere; one dominant score; two tied leaders; the extremes of the format), then
    /// random samples, some with a clear winner and some flat.
    public static func samples(classes: Int, format: FixedPointFormat, count: Int, seed: UInt64) -> [[Int]] {
        var random = SeededGenerator(seed: seed)
        let low = format.minimum, high = format.maximum
        var samples: [[Int]] = [
            Array(repeating: 0, count: classes),
            Array(repeating: high, count: classes),
            Array(repeating: low, count: classes),
            (0..<classes).map { $0 == classes / 2 ? high : low },
            (0..<classes).map { $0 == classes - 1 || $0 == classes / 3 ? high : 0 },
            (0..<classes).map { $0 % 2 == 0 ? low : high },
        ]
        while samples.count < count {
            let spread = Int.random(in: 1...max(1, (high - low) / 2), using: &random)
            let centre = Int.random(in: low...high, using: &random)
            var sample = (0..<classes).map { _ in
                Swift.min(high, Swift.max(low, centre + Int.random(in: -spread...spread, using: &random)))
            }
            if Bool.random(using: &random) {
                let winner = Int.random(in: 0..<classes, using: &random)
                sample[winner] = Swift.min(high, sample[winner] + Int.random(in: 0...(high - low), using: &random))
            }
            samples.append(sample)
        }
        return Array(samples.prefix(count))
    }
}
