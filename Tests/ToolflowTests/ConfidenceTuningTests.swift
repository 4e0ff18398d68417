import FixedPoint
import HDLGen
import Testing
@testable import Toolflow

/// CEU tuning on synthetic per-sample tables with known answers.
@Suite struct ConfidenceTuningTests {
    func sample(_ critical: Int, lpu: Bool, hpu: Bool) -> ConfidenceSample {
        ConfidenceSample(critical: critical, lpuCorrect: lpu, hpuCorrect: hpu)
    }

    @Test func forwardsTheLeastConfidentUntilTheTargetIsMet() throws {
        // Ten samples; the LPU is wrong on the three least confident (criticals 0, 1, 2).
        let samples = [sample(0, lpu: false, hpu: true), sample(1, lpu: false, hpu: true), sample(2, lpu: false, hpu: true)]
            + (3..<10).map { sample($0 * 10, lpu: true, hpu: true) }
        let all = try #require(ConfidenceTuning.threshold(for: samples, target: 1.0, largestWord: 2047))
        #expect(all.word == 3 && all.forwarded == 0.3 && all.accuracy == 1.0)
        let most = try #require(ConfidenceTuning.threshold(for: samples, target: 0.9, largestWord: 2047))
        #expect(most.word == 2 && most.forwarded == 0.2 && most.accuracy == 0.9)
    }

    @Test func anLPUThatMeetsTheTargetAloneForwardsNothing() throws {
        let samples = (0..<20).map { sample($0, lpu: $0 != 7, hpu: true) }
        let found = try #require(ConfidenceTuning.threshold(for: samples, target: 0.95, largestWord: 2047))
        #expect(found.word == 0 && found.forwarded == 0 && found.accuracy == 0.95)
    }

    @Test func noThresholdWhenEvenTheHPUFallsShort() {
        let samples = (0..<10).map { sample($0, lpu: false, hpu: $0 < 8) }
        #expect(ConfidenceTuning.threshold(for: samples, target: 0.9, largestWord: 2047) == nil)
        // The HPU is right on the eight least confident: forwarding those eight reaches 0.8.
        #expect(ConfidenceTuning.threshold(for: samples, target: 0.8, largestWord: 2047)?.forwarded == 0.8)
    }

    @Test func negativeMarginsAreNeverConfident() throws {
        let samples = [sample(-1, lpu: true, hpu: true), sample(5, lpu: true, hpu: false)]
        let found = try #require(ConfidenceTuning.threshold(for: samples, target: 1, largestWord: 2047))
        #expect(found.word == 0 && found.forwarded == 0.5)
    }

    @Test func tuningPicksTheSettingThatForwardsLeast() throws {
        // Two classes in Q(8, 4): the LPU is right exactly when its winning margin is wide.
        let format = FixedPointFormat(wordlength: 8, fractionBits: 4)
        var scores: [Int32] = [], lpu: [Int] = [], labels: [Int] = []
        for i in 0..<50 {
            let gap = Int32(i)
            scores += [gap, 0]
            lpu.append(0)
            labels.append(i < 10 ? 1 : 0)    // wrong on the ten narrowest margins
        }
        let setting = try #require(try ConfidenceTuning.tune(
            scores: scores, scoreFormat: format, classes: 2, lpuPredictions: lpu, hpuPredictions: labels,
            labels: labels, target: 1.0))
        #expect(setting.m == 1 && setting.n == 2)
        #expect(setting.forwardedFraction == 0.2 && setting.accuracy == 1.0)
        let evaluated = try ConfidenceTuning.evaluate(setting, scores: scores, scoreFormat: format, classes: 2,
                                                      lpuPredictions: lpu, hpuPredictions: labels, labels: labels)
        #expect(evaluated.forwarded == setting.forwardedFraction && evaluated.accuracy == setting.accuracy)
    }

    @Test func criticalThresholdMatchesTheGoldenModelDecision() throws {
        let format = FixedPointFormat(wordlength: 6, fractionBits: 2)
        let unit = try ConfidenceEvaluationUnit(classes: 5, lanes: 1, m: 2, n: 4, scoreFormat: format)
        let samples = ConfidenceStimulus.samples(classes: 5, format: format, count: 60, seed: 4)
        let scores = samples.flatMap { $0.map(Int32.init) }
        let seen = ConfidenceTuning.samples(unit: unit, scores: scores, lpuPredictions: Array(repeating: 0, count: 60),
                                            hpuPredictions: Array(repeating: 0, count: 60), labels: Array(repeating: 0, count: 60))
        for (sample, view) in zip(samples, seen) {
            for word in [0, 1, 100, 512, 1024, 2047] {
                #expect(unit.decide(scores: sample, threshold: word).confident == (view.critical >= word))
            }
        }
    }

    @Test func forwardedFractionOfAFloatScore() {
        let confidence = [0.9, 0.1, 0.5, 0.3]
        let lpu = [true, false, true, false], hpu = [true, true, true, true]
        #expect(ConfidenceMeasure.forwardedFraction(confidence: confidence, lpuCorrect: lpu, hpuCorrect: hpu, target: 1) == 0.5)
        #expect(ConfidenceMeasure.forwardedFraction(confidence: confidence, lpuCorrect: lpu, hpuCorrect: hpu, target: 0.5) == 0)
        #expect(ConfidenceMeasure.forwardedFraction(confidence: confidence, lpuCorrect: lpu, hpuCorrect: [false, false, false, false],
                                                    target: 1) == nil)
    }
}
