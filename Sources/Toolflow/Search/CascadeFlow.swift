import FixedPoint
import Foundation
import HDLGen

/// The CascadeCNN toolflow from a trained model to a tuned cascade: explore every
/// wordlength, give the HPU the shortest one that meets the tolerance, score each shorter
/// LPU with weights derived from the HPU's through the truncation function, tune the CEU
/// for each, and keep the LPU whose cascade is estimated fastest.
public struct CascadeFlow: Sendable {
    /// What accuracy the tolerance is measured from.
    public enum Reference: Sendable, Equatable {
        case float
        case wordlength(Int)
    }

    public struct Configuration: Sendable {
        public var modelPath: String
        public var evalPath: String
        public var testPath: String
        /// Allowed loss of top-1 accuracy, in percentage points.
        public var tolerance: Double
        public var reference: Reference = .wordlength(8)
        public var wordlengths: ClosedRange<Int> = 2...16
        /// Fixes the HPU's wordlength (as the paper's 8-bit HPU) instead of choosing it.
        public var highPrecisionWordlength: Int?
        public var rounding: Rounding = .halfUp
        public var thresholdFractionBits = 10
        /// A built-in device name (zc706, zcu102) or a device file.
        public var device = "zc706"
        /// The fraction of each of the device's resources the design may use.
        public var budgetFraction = 0.8
        public var seed: UInt64 = 1

        public init(modelPath: String, evalPath: String, testPath: String, tolerance: Double) {
            self.modelPath = modelPath
            self.evalPath = evalPath
            self.testPath = testPath
            self.tolerance = tolerance
        }

        func validate() throws {
            guard tolerance >= 0, tolerance <= 100, tolerance.isFinite else {
                throw SearchError.invalidOption("--tolerance \(tolerance) is outside 0...100 (percentage points of top-1 accuracy)")
            }
            guard wordlengths.lowerBound >= 2, wordlengths.upperBound <= 16 else {
                throw SearchError.invalidOption(
                    "--wordlengths \(wordlengths.lowerBound)...\(wordlengths.upperBound) is outside 2...16")
            }
            if case .wordlength(let w) = reference, !(2...16).contains(w) {
                throw SearchError.invalidOption("--reference \(w) is outside 2...16 bits")
            }
            if let w = highPrecisionWordlength, !(3...16).contains(w) {
                throw SearchError.invalidOption("--hpu-wordlength \(w) is outside 3...16")
            }
        }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs the whole search; `progress` hears about each long step.
    public func run(progress: (String) -> Void = { _ in }) throws -> CascadeRun {
        let config = configuration
        try config.validate()
        let network = try ONNXImporter.importModel(atPath: config.modelPath)
        let eval = try Dataset.load(folder: config.evalPath), test = try Dataset.load(folder: config.testPath)
        guard let evalLabels = eval.labels else { throw SearchError.unlabelledData(config.evalPath) }
        guard let testLabels = test.labels else { throw SearchError.unlabelledData(config.testPath) }
        try eval.validate(for: network)
        try test.validate(for: network)
        let classes = network.outputSize
        guard classes >= 2 else { throw SearchError.invalidOption("the model has \(classes) output; the CEU needs 2 or more classes") }
        let device = try Device.resolve(config.device)
        guard config.budgetFraction > 0, config.budgetFraction <= 1 else { throw DeviceError.invalidBudget(config.budgetFraction) }
        let workload = Workload(network)
        let explorer = Explorer(device: device)
        let budget = device.budget(fraction: config.budgetFraction)

        func floatAccuracy(_ data: Dataset, _ labels: [Int]) -> Double {
            let scores = FloatInference(network: network).run(data)
            return ClassificationAccuracy.topK(scores.values, classes: classes, labels: labels, k: 1)
        }
        let floatSplit = CascadeResult.Split(eval: floatAccuracy(eval, evalLabels), test: floatAccuracy(test, testLabels))

        // 1. Explore every wordlength (and the reference, if outside the range).
        progress("caching float activations of \(eval.count) evaluation images")
        let search = try QuantisationSearch(network: network, data: eval)
        var wanted = Set(config.wordlengths)
        if case .wordlength(let w) = config.reference { wanted.insert(w) }
        if let w = config.highPrecisionWordlength { wanted.insert(w) }
        var explorations: [Int: WordlengthExploration] = [:]
        for (step, w) in wanted.sorted().enumerated() {
            let found = try search.explore(wordlength: w)
            explorations[w] = found
            progress(String(format: "explored %2d bits (%d/%d): top-1 %.2f%% on eval", w, step + 1, wanted.count,
                            found.accuracy.top1 * 100))
        }

        // 2. The HPU: the shortest wordlength that meets the tolerance (or the one asked for).
        let referenceEval: Double
        let referenceName: String
        switch config.reference {
        case .float: (referenceEval, referenceName) = (floatSplit.eval, "float")
        case .wordlength(let w): (referenceEval, referenceName) = (explorations[w]!.accuracy.top1, "\(w)-bit")
        }
        let target = referenceEval - config.tolerance / 100
        let explored = config.wordlengths.map { (wordlength: $0, accuracy: explorations[$0]!.accuracy.top1) }
        let hpuWordlength = try config.highPrecisionWordlength
            ?? WordlengthSelection.highPrecision(explored, target: target, tolerance: config.tolerance)
        let hpuQuantised = try QuantisedNetwork(network: network, quantisation: explorations[hpuWordlength]!.quantisation)
        let hpuInference = try FixedPointInference(hpuQuantised)
        let hpuEval = hpuInference.run(eval), hpuTest = hpuInference.run(test)
        let hpuEvalPredictions = ClassificationAccuracy.predictions(hpuEval.words, classes: classes)
        let hpuTestPredictions = ClassificationAccuracy.predictions(hpuTest.words, classes: classes)

        // 3. Each shorter LPU, derived from the HPU's words; the CEU tuned for it.
        let hpuAlone = try explorer.bestEngine(wordlength: hpuWordlength, workload: workload, budget: budget, unit: "HPU")
        let lpuWordlengths = config.wordlengths.filter { $0 < hpuWordlength }
        guard !lpuWordlengths.isEmpty else { throw SearchError.noShorterWordlength(hpu: hpuWordlength) }
        var candidates: [CascadeResult.Candidate] = []
        var best: (candidate: CascadeResult.Candidate, quantised: QuantisedNetwork, setting: ConfidenceSetting)?
        for w in lpuWordlengths {
            let (lpu, _) = try search.refineDerived(explorations[w]!, from: hpuQuantised, rounding: config.rounding)
            let result = try FixedPointInference(lpu).run(eval)
            let predictions = ClassificationAccuracy.predictions(result.words, classes: classes)
            let accuracy = ClassificationAccuracy.topK(result.words, classes: classes, labels: evalLabels, k: 1)
            let setting = try ConfidenceTuning.tune(
                scores: result.words, scoreFormat: result.format, classes: classes, lpuPredictions: predictions,
                hpuPredictions: hpuEvalPredictions, labels: evalLabels, target: target,
                thresholdFractionBits: config.thresholdFractionBits)
            // Speed-up over the HPU alone, both sized by the DSE within the same budget.
            let speedup = try setting.map { setting in
                try explorer.bestCascade(lowWordlength: w, highWordlength: hpuWordlength,
                                         forwardedFraction: setting.forwardedFraction, workload: workload, budget: budget,
                                         m: setting.m, n: setting.n).throughput / hpuAlone.throughput
            }
            let candidate = CascadeResult.Candidate(wordlength: w, accuracy: accuracy, ceu: setting, estimatedSpeedup: speedup)
            candidates.append(candidate)
            progress(String(format: "LPU %2d bits: top-1 %.2f%% with derived weights; ", w, accuracy * 100)
                     + (setting.map { String(format: "CEU M=%d N=%d th=%.4f forwards %.1f%%", $0.m, $0.n, $0.threshold,
                                             $0.forwardedFraction * 100) } ?? "no CEU setting reaches the target"))
            // Speed-ups within 0.1 % are a tie, won by the LPU that forwards fewer images.
            if let setting, let speedup {
                let current = best?.candidate.estimatedSpeedup ?? -1
                let tie = abs(speedup - current) <= 1e-3 * current
                if (speedup > current && !tie) || (tie && setting.forwardedFraction < best!.setting.forwardedFraction) {
                    best = (candidate, lpu, setting)
                }
            }
        }
        guard let chosen = best else {
            let top = explored.max { $0.accuracy < $1.accuracy }!
            throw SearchError.toleranceUnreachable(tolerance: config.tolerance, target: target, best: top.accuracy,
                                                   bestWordlength: top.wordlength)
        }

        // 4. The chosen cascade on the held-out test set, and the confidence scores compared.
        progress("LPU \(chosen.candidate.wordlength) bits chosen; checking the cascade on \(test.count) test images")
        let lpuInference = try FixedPointInference(chosen.quantised)
        let lpuEval = lpuInference.run(eval), lpuTest = lpuInference.run(test)
        let lpuTestPredictions = ClassificationAccuracy.predictions(lpuTest.words, classes: classes)
        let onTest = try ConfidenceTuning.evaluate(chosen.setting, scores: lpuTest.words, scoreFormat: lpuTest.format,
                                                   classes: classes, lpuPredictions: lpuTestPredictions,
                                                   hpuPredictions: hpuTestPredictions, labels: testLabels)
        let comparison = try compareScores(lpuEval, hpuPredictions: hpuEvalPredictions, labels: evalLabels,
                                           classes: classes, reference: referenceEval)

        // 5. Size the chosen cascade, and report the speed-up over the baseline per tolerance.
        progress("sizing the cascade for \(device.name) and exploring the baselines")
        let architecture = try explorer.bestCascade(
            lowWordlength: chosen.candidate.wordlength, highWordlength: hpuWordlength,
            forwardedFraction: chosen.setting.forwardedFraction, workload: workload, budget: budget,
            m: chosen.setting.m, n: chosen.setting.n)
        let report = try report(workload: workload, device: device, explored: explored, referenceEval: referenceEval,
                                lpuWordlength: chosen.candidate.wordlength, hpuWordlength: hpuWordlength,
                                lpuEval: lpuEval, hpuPredictions: hpuEvalPredictions, labels: evalLabels,
                                setting: chosen.setting)

        let referenceTest: Double
        switch config.reference {
        case .float: referenceTest = floatSplit.test
        case .wordlength(let w):
            let words = try FixedPointInference(QuantisedNetwork(network: network, quantisation: explorations[w]!.quantisation)).run(test).words
            referenceTest = ClassificationAccuracy.topK(words, classes: classes, labels: testLabels, k: 1)
        }
        var result = CascadeResult(
            model: (config.modelPath as NSString).lastPathComponent,
            classes: classes,
            tolerance: config.tolerance, reference: referenceName,
            referenceAccuracy: .init(eval: referenceEval, test: referenceTest),
            floatAccuracy: floatSplit,
            hpu: .init(wordlength: hpuWordlength, quantisation: hpuQuantised.quantisation,
                       accuracy: .init(eval: ClassificationAccuracy.topK(hpuEval.words, classes: classes, labels: evalLabels, k: 1),
                                       test: ClassificationAccuracy.topK(hpuTest.words, classes: classes, labels: testLabels, k: 1))),
            lpu: .init(wordlength: chosen.candidate.wordlength, quantisation: chosen.quantised.quantisation,
                       accuracy: .init(eval: chosen.candidate.accuracy,
                                       test: ClassificationAccuracy.topK(lpuTest.words, classes: classes, labels: testLabels, k: 1))),
            ceu: .init(m: chosen.setting.m, n: chosen.setting.n, threshold: chosen.setting.threshold,
                       thresholdWord: chosen.setting.thresholdWord, thresholdFractionBits: chosen.setting.thresholdFractionBits,
                       scoreFormat: lpuEval.format),
            forwardedFraction: .init(eval: chosen.setting.forwardedFraction, test: onTest.forwarded),
            cascadeAccuracy: .init(eval: chosen.setting.accuracy, test: onTest.accuracy),
            weightRounding: config.rounding,
            wordlengths: config.wordlengths.map { w in
                let e = explorations[w]!
                return .init(wordlength: w, top1: e.accuracy.top1, top5: e.accuracy.top5, bitExactEvaluations: e.bitExactEvaluations)
            },
            lpuCandidates: candidates,
            confidenceScores: comparison,
            seed: config.seed)
        // The cascade top and both engines, when the layer engine runs this network, each
        // with a testbench on a few test images (the cascade's with a forwarded one).
        var engines: [CascadeRun.EngineBundle] = []
        var cascade: CascadeRun.CascadeBundle?
        if (try? EngineLayer.layers(of: network)) != nil {
            func image(_ i: Int) -> ArraySlice<Float> { test.inputs[(i * test.imageSize)..<((i + 1) * test.imageSize)] }
            let images = (0..<min(2, test.count)).map(image)
            for (name, quantised, engine) in [("engine-lpu", chosen.quantised, architecture.lpu.engine),
                                               ("engine-hpu", hpuQuantised, architecture.hpu.engine)] {
                let program = try EngineProgram(quantised: quantised, pes: engine.pes, maccs: engine.maccs)
                engines.append(.init(name: name, program: program, images: images.map(program.inputWords)))
            }
            let hardware = CascadeResult.Hardware(
                device: device, modelPath: config.modelPath,
                lpu: .init(pes: architecture.lpu.engine.pes, maccs: architecture.lpu.engine.maccs,
                           imagesPerSecond: architecture.lpu.throughput),
                hpu: .init(pes: architecture.hpu.engine.pes, maccs: architecture.hpu.engine.maccs,
                           imagesPerSecond: architecture.hpu.throughput),
                queueDepth: CascadeTop.defaultQueueDepth,
                resources: ResourceModel(family: device.family).cascadeTop(
                    lpu: architecture.lpu.engine, hpu: architecture.hpu.engine, classes: classes,
                    sortedCount: chosen.setting.n == classes ? chosen.setting.m : chosen.setting.n))
            result.hardware = hardware
            let program = try CascadeProgram(result: result, highPrecision: hpuQuantised, lowPrecision: chosen.quantised)
            // Four test images, the last replaced by the first forwarded one if none of them is.
            var chosenImages = Array(0..<min(4, test.count))
            if chosenImages.allSatisfy({ program.decide(image: image($0)).ceu.confident }),
               let forwarded = (0..<min(test.count, 200)).first(where: { !program.decide(image: image($0)).ceu.confident }) {
                chosenImages[chosenImages.count - 1] = forwarded
            }
            cascade = .init(program: program, images: chosenImages.map(image))
        }
        return CascadeRun(result: result, lpuEvalScores: lpuEval.words, architecture: architecture, report: report,
                          engines: engines, cascade: cascade)
    }

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
        let tolerances = Array(Set([0.5, 1, 2, 5, config.tolerance])).sorted()
        let points: [OperatingPoint] = try tolerances.compactMap { tolerance in
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
        let tolerances = Array(Set([0.5, 1, 2, 5, configuration.tolerance])).sorted()
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
