import Foundation

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
