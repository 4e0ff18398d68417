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

    /// The threshold word for a real threshold `th` in [0, 2): th · 2^t rounded half up;
    /// the (t+2)-bit format saturates above, and negative thresholds read as 0.
    public func thresholdWord(_ th: Double) -> Int {
        max(0, FixedPointFormat(wordlength: thresholdFractionBits + 2, fractionBits: thresholdFractionBits).quantize(th))
    }
}
