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
        let tests = candidatePairs(classes: classes).count + otherTests
        let best = try fewestForwarded(
            scores: scores, scoreFormat: scoreFormat, classes: classes, lpuPredictions: lpuPredictions,
            hpuPredictions: hpuPredictions, labels: labels, thresholdFractionBits: thresholdFractionBits
        ) { seen, largestWord in
            certifiedThreshold(seen, referenceCorrect: referenceCorrect, tolerance: tolerance, confidence: confidence,
                               tests: tests, largestWord: largestWord)
                .map { ($0.word, $0.forwarded, $0.accuracy, $0.certification) }
        }
        return best.map { ($0.setting, $0.found) }
    }

    /// The smallest threshold word reached by the fixed sequence over `samples`, with what it
    /// forwards, its cascade's accuracy and its certification; nil when the first word fails.
    static func certifiedThreshold(_ samples: [ConfidenceSample], referenceCorrect: [Bool], tolerance: Double,
                                   confidence: Double, tests: Int, largestWord: Int)
        -> (word: Int, forwarded: Double, accuracy: Double, certification: Certification)? {
        guard !samples.isEmpty, samples.count == referenceCorrect.count else { return nil }
        let words = Array(candidateWords(samples, largestWord: largestWord).reversed())
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
