import FixedPoint
import Foundation
import HDLGen

/// The flow's report: the cascade against the baseline over a sweep of tolerances, and the
/// confidence measures compared on the same LPU scores.
extension CascadeFlow {
    /// The tolerances the report sweeps, in points: a fixed set and the user's.
    var sweptTolerances: [Double] { Array(Set([0.5, 1, 2, 5, configuration.tolerance])).sorted() }

    /// The report: throughput per wordlength, the cascade against the baseline at each
    /// tolerance of a sweep (the CEU retuned for each), and f against the threshold.
    func report(workload: Workload, device: Device, explored: [(wordlength: Int, accuracy: Double)], referenceEval: Double,
                lpuWordlength: Int, hpuWordlength: Int, lpuEval: FixedPointResult, hpuPredictions: [Int], labels: [Int],
                setting: ConfidenceSetting) throws -> CascadeReport {
        let config = configuration
        let classes = lpuEval.classes
        let lpuPredictions = ClassificationAccuracy.predictions(lpuEval.words, classes: classes)
        let profile = AccuracyProfile(reference: referenceEval,
                                      accuracy: Dictionary(uniqueKeysWithValues: explored.map { ($0.wordlength, $0.accuracy) }))
                let points: [OperatingPoint] = try sweptTolerances.compactMap { tolerance in
            guard let baseline = profile.shortestWordlength(within: tolerance / 100),
                  let tuned = try ConfidenceTuning.tune(
                    scores: lpuEval.words, scoreFormat: lpuEval.format, classes: classes, lpuPredictions: lpuPredictions,
                    hpuPredictions: hpuPredictions, labels: labels, target: referenceEval - tolerance / 100,
                    thresholdFractionBits: config.thresholdFractionBits)
            else { return nil }
            return OperatingPoint(tolerance: tolerance / 100, forwardedFraction: tuned.forwardedFraction,
                                  hpuWordlength: hpuWordlength, baselineWordlength: baseline, m: tuned.m, n: tuned.n,
                                  threshold: tuned.threshold)
        }
        let one = 1 << setting.thresholdFractionBits
        let thresholds = try stride(from: 0, through: one, by: max(1, one / 40)).map { word in
            var at = setting
            at.thresholdWord = word
            let measured = try ConfidenceTuning.evaluate(at, scores: lpuEval.words, scoreFormat: lpuEval.format, classes: classes,
                                                         lpuPredictions: lpuPredictions, hpuPredictions: hpuPredictions,
                                                         labels: labels)
            return CascadeReport.ThresholdFigure(threshold: at.threshold, forwardedFraction: measured.forwarded,
                                                 accuracyLoss: referenceEval - measured.accuracy)
        }
        return try CascadeReport.explore(workload: workload, device: device, budgetFraction: config.budgetFraction,
                                         accuracy: profile, lpuWordlength: lpuWordlength, operatingPoints: points,
                                         thresholds: thresholds, chosenTolerance: config.tolerance / 100)
    }

    /// The forwarded fraction each confidence score needs for each tolerance of a sweep (and
    /// the user's), forwarding the least confident LPU answers first.
    func compareScores(_ lpu: FixedPointResult, hpuPredictions: [Int], labels: [Int], classes: Int,
                       reference: Double) throws -> [CascadeResult.ScoreComparison] {
        let tolerances = sweptTolerances
        let predictions = ClassificationAccuracy.predictions(lpu.words, classes: classes)
        let lpuCorrect = zip(predictions, labels).map { $0 == $1 }
        let hpuCorrect = zip(hpuPredictions, labels).map { $0 == $1 }
        let probabilities = labels.indices.map { i in
            ConfidenceScore.softmax(lpu.words[(i * classes)..<((i + 1) * classes)].map { lpu.format.realValue(of: Int($0)) })
        }
        return ConfidenceMeasure.allCases.map { measure in
            let pairs = measure == .gBvSB ? ConfidenceTuning.candidatePairs(classes: classes) : [(m: 1, n: 2)]
            let fractions: [Double?] = tolerances.map { tolerance in
                pairs.compactMap { pair in
                    ConfidenceMeasure.forwardedFraction(confidence: probabilities.map { measure.score($0, m: pair.m, n: pair.n) },
                                                        lpuCorrect: lpuCorrect, hpuCorrect: hpuCorrect,
                                                        target: reference - tolerance / 100)
                }.min()
            }
            return .init(measure: measure.rawValue, tolerances: tolerances, forwardedFractions: fractions)
        }
    }
}
