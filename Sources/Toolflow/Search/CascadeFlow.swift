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
        /// The probability with which the tolerance must hold beyond the evaluation set.
        public var confidence = 0.9
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
            guard confidence > 0, confidence < 1 else {
                throw SearchError.invalidOption("--confidence \(confidence) is outside (0, 1): a probability such as 0.9")
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

        func floatPredictions(_ data: Dataset) -> [Int] {
            ClassificationAccuracy.predictions(FloatInference(network: network).run(data).values, classes: classes)
        }
        let floatEvalPredictions = floatPredictions(eval)
        let floatSplit = CascadeResult.Split(eval: ClassificationAccuracy.accuracy(floatEvalPredictions, labels: evalLabels),
                                             test: ClassificationAccuracy.accuracy(floatPredictions(test), labels: testLabels))

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
        // Each wordlength's answers on the evaluation set, paired with the reference's.
        func evalCorrect(_ quantisation: Quantisation) throws -> [Bool] {
            let words = try FixedPointInference(QuantisedNetwork(network: network, quantisation: quantisation)).run(eval).words
            return ClassificationAccuracy.correct(ClassificationAccuracy.predictions(words, classes: classes), labels: evalLabels)
        }
        let referenceCorrect: [Bool]
        switch config.reference {
        case .float: referenceCorrect = ClassificationAccuracy.correct(floatEvalPredictions, labels: evalLabels)
        case .wordlength(let w): referenceCorrect = try evalCorrect(explorations[w]!.quantisation)
        }
        let tolerance = config.tolerance / 100
        var paired: [Int: PairedOutcomes] = [:]
        func outcomes(_ w: Int) throws -> PairedOutcomes {
            if let known = paired[w] { return known }
            let found = PairedOutcomes(referenceCorrect: referenceCorrect, candidateCorrect: try evalCorrect(explorations[w]!.quantisation))
            paired[w] = found
            return found
        }
        var referenceBits: Int?
        if case .wordlength(let w) = config.reference { referenceBits = w }
        let certifiedHPU = try WordlengthSelection.certifiedHighPrecision(
            WordlengthSelection.certificationOrder(config.wordlengths, reference: referenceBits), tolerance: tolerance,
            confidence: config.confidence, outcomes: outcomes)
        let hpuWordlength = try config.highPrecisionWordlength ?? certifiedHPU
            ?? WordlengthSelection.highPrecision(explored, target: target, tolerance: config.tolerance)
        let hpuCertification = Certification(outcomes: try outcomes(hpuWordlength), tolerance: tolerance,
                                             confidence: config.confidence)
        let hpuQuantised = try QuantisedNetwork(network: network, quantisation: explorations[hpuWordlength]!.quantisation)
        let hpuInference = try FixedPointInference(hpuQuantised)
        let hpuEval = hpuInference.run(eval), hpuTest = hpuInference.run(test)
        let hpuEvalPredictions = ClassificationAccuracy.predictions(hpuEval.words, classes: classes)
        let hpuTestPredictions = ClassificationAccuracy.predictions(hpuTest.words, classes: classes)

        // 3. Each shorter LPU, derived from the HPU's words; the CEU tuned for it.
        let (candidates, best) = try chooseLowPrecision(
            .init(search: search, explorations: explorations, hpuQuantised: hpuQuantised, hpuWordlength: hpuWordlength,
                  eval: eval, evalLabels: evalLabels, hpuEvalPredictions: hpuEvalPredictions, referenceCorrect: referenceCorrect,
                  target: target, explorer: explorer, workload: workload, budget: budget),
            progress: progress)
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
        var report = try report(workload: workload, device: device, explored: explored, referenceEval: referenceEval,
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
        result.hpuCertification = hpuCertification
        result.cascadeCertification = chosen.certification
        report.accuracy = [
            .init(name: "reference (\(referenceName))", accuracy: result.referenceAccuracy),
            .init(name: "HPU alone (\(hpuWordlength) bits)", accuracy: result.hpu.accuracy, certification: hpuCertification),
            .init(name: "LPU alone (\(chosen.candidate.wordlength) bits)", accuracy: result.lpu.accuracy),
            .init(name: "cascade", accuracy: result.cascadeAccuracy, certification: chosen.certification),
        ]
        // The cascade top and both engines, when the layer engine runs this network, each
        // with a testbench on a few test images (the cascade's with a forwarded one).
        var engines: [CascadeRun.EngineBundle] = []
        var cascade: CascadeRun.CascadeBundle?
        if (try? EngineLayer.layers(of: network)) != nil {
            func image(_ i: Int) -> ArraySlice<Float> { test.inputs[(i * test.imageSize)..<((i + 1) * test.imageSize)] }
            let images = (0..<min(2, test.count)).map(image)
            for (name, quantised, engine) in [("engine-lpu", chosen.quantised, architecture.lpu.engine),
                                               ("engine-hpu", hpuQuantised, architecture.hpu.engine)] {
                let program = try EngineProgram(quantised: quantised, pes: engine.pes, maccs: engine.maccs, mix: engine.mix,
                                                buffers: engine.buffers)
                engines.append(.init(name: name, program: program, images: images.map(program.inputWords)))
            }
            // The resources of the top as generated (both engines hold as many descriptors).
            result.hardware = CascadeResult.Hardware(
                device: device, modelPath: config.modelPath, lpu: .init(architecture.lpu), hpu: .init(architecture.hpu),
                queueDepth: CascadeTop.defaultQueueDepth, resources: Resources())
            let program = try CascadeProgram(result: result, highPrecision: hpuQuantised, lowPrecision: chosen.quantised)
            result.hardware?.resources = ResourceModel(family: device.family).cascadeTop(
                lpu: program.lpu.engine.configuration, hpu: program.hpu.engine.configuration, classes: classes,
                sortedCount: ConfidenceEvaluationUnit.sortedCount(classes: classes, m: chosen.setting.m, n: chosen.setting.n))
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
}
