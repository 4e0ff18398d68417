import Foundation
import HDLGen

/// The confidence scores the paper's gBvSB is compared with, computed in floating point from
/// the LPU's output words; higher means more confident.
public enum ConfidenceMeasure: String, Codable, CaseIterable, Sendable {
    case gBvSB = "gBvSB (best M, N)"
    case maxSoftmax = "max softmax"
    case margin = "margin (best - second)"
    case entropy = "negative entropy"

    /// The score of one softmax vector (for gBvSB, with the given M and N).
    func score(_ probabilities: [Double], m: Int, n: Int) -> Double {
        switch self {
        case .gBvSB: return ConfidenceScore.generalisedBestVersusSecondBest(probabilities, m: m, n: n)
        case .maxSoftmax: return probabilities.max() ?? 0
        case .margin: return ConfidenceScore.generalisedBestVersusSecondBest(probabilities, m: 1, n: 2)
        case .entropy: return probabilities.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
        }
    }

    /// The smallest fraction of samples to forward, least confident first, for the cascade to
    /// reach `target`; nil if forwarding all of them falls short.
    static func forwardedFraction(confidence: [Double], lpuCorrect: [Bool], hpuCorrect: [Bool], target: Double) -> Double? {
        let order = confidence.indices.sorted { confidence[$0] < confidence[$1] || (confidence[$0] == confidence[$1] && $0 < $1) }
        var correct = lpuCorrect.filter { $0 }.count
        let count = Double(confidence.count)
        if Double(correct) / count >= target - 1e-12 { return 0 }
        for (k, i) in order.enumerated() {
            correct += (hpuCorrect[i] ? 1 : 0) - (lpuCorrect[i] ? 1 : 0)
            if Double(correct) / count >= target - 1e-12 { return Double(k + 1) / count }
        }
        return nil
    }
}
