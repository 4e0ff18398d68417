import FixedPoint
import HDLGen

extension CascadeFlow {
    /// The LPU the flow keeps: its scored candidate, its network, the CEU setting and what
    /// the evaluation set certifies about the cascade.
    struct LowPrecisionChoice {
        var candidate: CascadeResult.Candidate
        var quantised: QuantisedNetwork
        var setting: ConfidenceSetting
        var certification: Certification
    }

    /// What the LPU search needs of the steps before it.
    struct LowPrecisionContext {
        var search: QuantisationSearch
        var explorations: [Int: WordlengthExploration]
        var hpuQuantised: QuantisedNetwork
        var hpuWordlength: Int
        var eval: Dataset
        var evalLabels: [Int]
        var hpuEvalPredictions: [Int]
        var referenceCorrect: [Bool]
        var target: Double
        var explorer: Explorer
        var workload: Workload
        var budget: Resources
    }

    /// Each shorter LPU with weights derived from the HPU's and its CEU setting: the one that
    /// learn-then-test certifies within the tolerance when the evaluation set allows (the
    /// pairs of every LPU share the risk), else the one that meets the target on the
    /// evaluation set. The kept LPU is the fastest cascade; certified ones before others.
    func chooseLowPrecision(_ c: LowPrecisionContext, progress: (String) -> Void) throws
        -> (candidates: [CascadeResult.Candidate], chosen: LowPrecisionChoice?) {
        let config = configuration, tolerance = config.tolerance / 100
        let hpuAlone = try c.explorer.bestEngine(wordlength: c.hpuWordlength, workload: c.workload, budget: c.budget, unit: "HPU")
        let lpuWordlengths = config.wordlengths.filter { $0 < c.hpuWordlength }
        guard !lpuWordlengths.isEmpty else { throw SearchError.noShorterWordlength(hpu: c.hpuWordlength) }
        let classes = c.hpuQuantised.network.outputSize
        let pairs = ConfidenceTuning.candidatePairs(classes: classes).count, tests = lpuWordlengths.count * pairs
        var candidates: [CascadeResult.Candidate] = []
        var best: LowPrecisionChoice?
        for w in lpuWordlengths {
            let (lpu, _) = try c.search.refineDerived(c.explorations[w]!, from: c.hpuQuantised, rounding: config.rounding)
            let result = try FixedPointInference(lpu).run(c.eval)
            let predictions = ClassificationAccuracy.predictions(result.words, classes: classes)
            let accuracy = ClassificationAccuracy.accuracy(predictions, labels: c.evalLabels)
            let certified = try ConfidenceTuning.certifiedSetting(
                scores: result.words, scoreFormat: result.format, classes: classes, lpuPredictions: predictions,
                hpuPredictions: c.hpuEvalPredictions, labels: c.evalLabels, referenceCorrect: c.referenceCorrect,
                tolerance: tolerance, confidence: config.confidence,
                otherTests: tests - pairs,
                thresholdFractionBits: config.thresholdFractionBits)
            let setting = try certified?.0 ?? ConfidenceTuning.tune(
                scores: result.words, scoreFormat: result.format, classes: classes, lpuPredictions: predictions,
                hpuPredictions: c.hpuEvalPredictions, labels: c.evalLabels, target: c.target,
                thresholdFractionBits: config.thresholdFractionBits)
            // Speed-up over the HPU alone, both sized by the DSE within the same budget.
            let speedup = try setting.map { setting in
                try c.explorer.bestCascade(lowWordlength: w, highWordlength: c.hpuWordlength,
                                           forwardedFraction: setting.forwardedFraction, workload: c.workload, budget: c.budget,
                                           m: setting.m, n: setting.n).throughput / hpuAlone.throughput
            }
            let candidate = CascadeResult.Candidate(wordlength: w, accuracy: accuracy, ceu: setting, estimatedSpeedup: speedup,
                                                    certified: certified != nil)
            candidates.append(candidate)
            progress(String(format: "LPU %2d bits: top-1 %.2f%% with derived weights; ", w, accuracy * 100)
                     + (setting.map { String(format: "CEU M=%d N=%d th=%.4f forwards %.1f%%", $0.m, $0.n, $0.threshold,
                                             $0.forwardedFraction * 100) + (certified == nil ? " (not certified)" : " (certified)") }
                        ?? "no CEU setting reaches the target"))
            guard let setting, speedup != nil else { continue }
            let certification = try certified?.1 ?? Certification(
                outcomes: PairedOutcomes(referenceCorrect: c.referenceCorrect, candidateCorrect: ConfidenceTuning.cascade(
                    setting, scores: result.words, scoreFormat: result.format, classes: classes, lpuPredictions: predictions,
                    hpuPredictions: c.hpuEvalPredictions, labels: c.evalLabels).correct),
                tolerance: tolerance, confidence: config.confidence, tests: tests)
            let choice = LowPrecisionChoice(candidate: candidate, quantised: lpu, setting: setting, certification: certification)
            if best.map({ Self.prefers(choice, over: $0) }) ?? true { best = choice }
        }
        return (candidates, best)
    }

    /// Certified before uncertified; then the faster cascade, speed-ups within 0.1 % being a
    /// tie won by the LPU that forwards fewer images.
    static func prefers(_ a: LowPrecisionChoice, over b: LowPrecisionChoice) -> Bool {
        if a.certification.certified != b.certification.certified { return a.certification.certified }
        let (x, y) = (a.candidate.estimatedSpeedup ?? 0, b.candidate.estimatedSpeedup ?? 0)
        if abs(x - y) <= 1e-3 * y { return a.setting.forwardedFraction < b.setting.forwardedFraction }
        return x > y
    }
}
