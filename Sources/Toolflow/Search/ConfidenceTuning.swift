import FixedPoint
import Foundation
import HDLGen

/// What the CEU sees of one evaluation sample for one (M, N): the largest threshold word
/// at which the LPU's answer still counts as confident (-1 if none), and whether the LPU
/// and the HPU classify it correctly.
struct ConfidenceSample: Equatable, Sendable {
    var critical: Int
    var lpuCorrect: Bool
    var hpuCorrect: Bool
}

/// A CEU setting and what it gives on a data set.
public struct ConfidenceSetting: Codable, Equatable, Sendable {
    public var m: Int
    public var n: Int
    /// th · 2^t, the word on the CEU's threshold input.
    public var thresholdWord: Int
    public var thresholdFractionBits: Int
    /// Fraction of samples forwarded to the HPU.
    public var forwardedFraction: Double
    /// Top-1 accuracy of the cascade.
    public var accuracy: Double

    /// th as a real number.
    public var threshold: Double { Double(thresholdWord) / Double(1 << thresholdFractionBits) }

    enum CodingKeys: String, CodingKey {
        case m, n, accuracy
        case thresholdWord = "threshold_word", thresholdFractionBits = "threshold_fraction_bits"
        case forwardedFraction = "forwarded_fraction"
    }
}

/// Tuning of the CEU's M, N and th on the evaluation set with its bit-exact golden model.
public enum ConfidenceTuning {
    /// The (M, N) pairs tried for `classes` classes: M up to 3, N up to 10, and N = C.
    public static func candidatePairs(classes: Int) -> [(m: Int, n: Int)] {
        var pairs: [(m: Int, n: Int)] = []
        for m in 1...min(3, classes - 1) {
            for n in (m + 1)...min(classes, 10) { pairs.append((m, n)) }
            if classes > 10 { pairs.append((m, classes)) }
        }
        return pairs
    }

    /// The CEU's view of each sample: `scores` are the LPU's output words (C per sample).
    static func samples(unit: ConfidenceEvaluationUnit, scores: [Int32], lpuPredictions: [Int],
                        hpuPredictions: [Int], labels: [Int]) -> [ConfidenceSample] {
        let classes = unit.classes
        let largest = (1 << (unit.thresholdFractionBits + 1)) - 1
        return labels.indices.map { i in
            let row = scores[(i * classes)..<((i + 1) * classes)].map(Int.init)
            // With threshold word 1 the right side is the total itself.
            let decision = unit.decide(scores: row, threshold: 1)
            let critical = decision.margin < 0 ? -1 : min(decision.margin / decision.scaledTotal, largest)
            return ConfidenceSample(critical: critical, lpuCorrect: lpuPredictions[i] == labels[i],
                                    hpuCorrect: hpuPredictions[i] == labels[i])
        }
    }

    /// The threshold words worth trying: 0 and one above each sample's critical word, ascending.
    static func candidateWords(_ samples: [ConfidenceSample], largestWord: Int) -> [Int] {
        Set([0] + samples.map { $0.critical + 1 }.filter { $0 >= 0 && $0 <= largestWord }).sorted()
    }

    /// The smallest threshold word whose cascade accuracy reaches `target`, with its forwarded
    /// fraction: forwarding grows with the threshold, so the first word that reaches the
    /// target forwards the fewest samples. Nil when even forwarding everything falls short.
    static func threshold(for samples: [ConfidenceSample], target: Double, largestWord: Int)
        -> (word: Int, forwarded: Double, accuracy: Double)? {
        guard !samples.isEmpty else { return nil }
        let count = Double(samples.count)
        for word in candidateWords(samples, largestWord: largestWord) {
            var correct = 0, forwarded = 0
            for sample in samples {
                if sample.critical >= word { correct += sample.lpuCorrect ? 1 : 0 }
                else { forwarded += 1; correct += sample.hpuCorrect ? 1 : 0 }
            }
            let accuracy = Double(correct) / count
            if accuracy >= target - 1e-12 { return (word, Double(forwarded) / count, accuracy) }
        }
        return nil
    }

    /// The setting that reaches `target` with the fewest forwarded samples (ties: the higher
    /// accuracy, then the smaller M and N), or nil if none does.
    public static func tune(scores: [Int32], scoreFormat: FixedPointFormat, classes: Int, lpuPredictions: [Int],
                            hpuPredictions: [Int], labels: [Int], target: Double,
                            thresholdFractionBits: Int = 10) throws -> ConfidenceSetting? {
        try fewestForwarded(scores: scores, scoreFormat: scoreFormat, classes: classes, lpuPredictions: lpuPredictions,
                            hpuPredictions: hpuPredictions, labels: labels, thresholdFractionBits: thresholdFractionBits) {
            threshold(for: $0, target: target, largestWord: $1).map { ($0.word, $0.forwarded, $0.accuracy, ()) }
        }?.setting
    }

    /// Over every (M, N), the threshold `find` picks from the CEU's view of the samples (given
    /// the largest threshold word); the setting that forwards the fewest (ties: the higher
    /// accuracy, then the earlier pair), with what `find` found beside it.
    static func fewestForwarded<Found>(
        scores: [Int32], scoreFormat: FixedPointFormat, classes: Int, lpuPredictions: [Int], hpuPredictions: [Int],
        labels: [Int], thresholdFractionBits: Int,
        find: ([ConfidenceSample], Int) -> (word: Int, forwarded: Double, accuracy: Double, found: Found)?
    ) throws -> (setting: ConfidenceSetting, found: Found)? {
        var best: (setting: ConfidenceSetting, found: Found)?
        for (m, n) in candidatePairs(classes: classes) {
            let unit = try ConfidenceEvaluationUnit(classes: classes, lanes: 1, m: m, n: n, scoreFormat: scoreFormat,
                                                    thresholdFractionBits: thresholdFractionBits)
            let seen = samples(unit: unit, scores: scores, lpuPredictions: lpuPredictions,
                               hpuPredictions: hpuPredictions, labels: labels)
            guard let picked = find(seen, (1 << (thresholdFractionBits + 1)) - 1) else { continue }
            let setting = ConfidenceSetting(m: m, n: n, thresholdWord: picked.word, thresholdFractionBits: thresholdFractionBits,
                                            forwardedFraction: picked.forwarded, accuracy: picked.accuracy)
            if let current = best?.setting,
               (current.forwardedFraction, -current.accuracy) <= (setting.forwardedFraction, -setting.accuracy) { continue }
            best = (setting, picked.found)
        }
        return best
    }

    /// Forwarded fraction and cascade accuracy of a fixed setting on another data set.
    public static func evaluate(_ setting: ConfidenceSetting, scores: [Int32], scoreFormat: FixedPointFormat, classes: Int,
                                lpuPredictions: [Int], hpuPredictions: [Int], labels: [Int]) throws
        -> (forwarded: Double, accuracy: Double) {
        let outcome = try cascade(setting, scores: scores, scoreFormat: scoreFormat, classes: classes,
                                  lpuPredictions: lpuPredictions, hpuPredictions: hpuPredictions, labels: labels)
        let count = Double(max(labels.count, 1))
        return (Double(outcome.forwarded.filter { $0 }.count) / count, Double(outcome.correct.filter { $0 }.count) / count)
    }

    /// Per sample, whether the CEU at `setting` forwards it and whether the cascade's answer is right.
    static func cascade(_ setting: ConfidenceSetting, scores: [Int32], scoreFormat: FixedPointFormat, classes: Int,
                        lpuPredictions: [Int], hpuPredictions: [Int], labels: [Int]) throws
        -> (forwarded: [Bool], correct: [Bool]) {
        let unit = try ConfidenceEvaluationUnit(classes: classes, lanes: 1, m: setting.m, n: setting.n, scoreFormat: scoreFormat,
                                                thresholdFractionBits: setting.thresholdFractionBits)
        let forwarded = labels.indices.map { i in
            !unit.decide(scores: scores[(i * classes)..<((i + 1) * classes)].map(Int.init), threshold: setting.thresholdWord).confident
        }
        return (forwarded, labels.indices.map { i in (forwarded[i] ? hpuPredictions[i] : lpuPredictions[i]) == labels[i] })
    }
}
