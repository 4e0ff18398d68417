import FixedPoint
import HDLGen

extension ConfidenceTuning {
    /// The CEU setting with the fewest forwarded samples whose cascade is certified within
    /// `tolerance` (a fraction) of the reference at `confidence`, or nil if none is.
    ///
    /// Learn-then-test: for each (M, N), threshold words from the one that forwards the most
    /// down to the one that forwards the least, in a fixed sequence ending at the first word
    /// whose bound on the cascade's loss exceeds the tolerance; the pairs, and `otherTests`
    /// sequences run elsewhere for the same claim (other LPUs), share the risk (Bonferroni).
    public static func certifiedSetting(scores: [Int32], scoreFormat: FixedPointFormat, classes: Int, lpuPredictions: [Int],
                                        hpuPredictions: [Int], labels: [Int], referenceCorrect: [Bool], tolerance: Double,
                                        confidence: Double, otherTests: Int = 0,
                                        thresholdFractionBits: Int = 10) throws -> (ConfidenceSetting, Certification)? {
        let pairs = candidatePairs(classes: classes)
        let tests = pairs.count + otherTests
        let largestWord = (1 << (thresholdFractionBits + 1)) - 1
        var best: (setting: ConfidenceSetting, certification: Certification)?
        for (m, n) in pairs {
            let unit = try ConfidenceEvaluationUnit(classes: classes, lanes: 1, m: m, n: n, scoreFormat: scoreFormat,
                                                    thresholdFractionBits: thresholdFractionBits)
            let seen = samples(unit: unit, scores: scores, lpuPredictions: lpuPredictions,
                               hpuPredictions: hpuPredictions, labels: labels)
            guard let found = certifiedThreshold(seen, referenceCorrect: referenceCorrect, tolerance: tolerance,
                                                 confidence: confidence, tests: tests, largestWord: largestWord)
            else { continue }
            let setting = ConfidenceSetting(m: m, n: n, thresholdWord: found.word, thresholdFractionBits: thresholdFractionBits,
                                            forwardedFraction: found.forwarded, accuracy: found.accuracy)
            if let current = best?.setting,
               (current.forwardedFraction, -current.accuracy) <= (setting.forwardedFraction, -setting.accuracy) { continue }
            best = (setting, found.certification)
        }
        return best
    }

    /// The smallest threshold word reached by the fixed sequence over `samples`, with what it
    /// forwards, its cascade's accuracy and its certification; nil when the first word fails.
    static func certifiedThreshold(_ samples: [ConfidenceSample], referenceCorrect: [Bool], tolerance: Double,
                                   confidence: Double, tests: Int, largestWord: Int)
        -> (word: Int, forwarded: Double, accuracy: Double, certification: Certification)? {
        guard !samples.isEmpty, samples.count == referenceCorrect.count else { return nil }
        let words = Set([0] + samples.map { $0.critical + 1 }.filter { $0 >= 0 && $0 <= largestWord }).sorted(by: >)
        func cascadeCorrect(at word: Int) -> [Bool] { samples.map { $0.critical >= word ? $0.lpuCorrect : $0.hpuCorrect } }
        let each = Certification.confidencePerTest(confidence, tests: tests)
        guard let last = FixedSequenceTest.lastAccepted(words, passes: { word in
            PairedOutcomes(referenceCorrect: referenceCorrect, candidateCorrect: cascadeCorrect(at: word))
                .certifies(tolerance: tolerance, confidence: each)
        }) else { return nil }
        let word = words[last], correct = cascadeCorrect(at: word)
        let outcomes = PairedOutcomes(referenceCorrect: referenceCorrect, candidateCorrect: correct)
        let count = Double(samples.count)
        return (word, Double(samples.filter { $0.critical < word }.count) / count, Double(correct.filter { $0 }.count) / count,
                Certification(outcomes: outcomes, tolerance: tolerance, confidence: confidence, tests: tests))
    }
}
