import Foundation
import Testing
@testable import HDLGen
@testable import Toolflow

/// The bounds behind a certified tolerance: exact binomial bounds against published values,
/// their coverage on synthetic paired outcomes whose true loss is known, the fixed sequences
/// that pick a wordlength and a threshold, and the size a too-small evaluation set would need.
@Suite struct CertificationTests {
    @Test func clopperPearsonMatchesPublishedBounds() {
        // 0 of 10: the upper bound solves (1 − p)^10 = α.
        #expect(abs(BinomialBound.upper(successes: 0, trials: 10, confidence: 0.95) - (1 - pow(0.05, 0.1))) < 1e-9)
        // 5 of 10: the two-sided 95 % interval is (0.1871, 0.8129).
        #expect(abs(BinomialBound.upper(successes: 5, trials: 10, confidence: 0.975) - 0.8129) < 1e-4)
        #expect(abs(BinomialBound.lower(successes: 5, trials: 10, confidence: 0.975) - 0.1871) < 1e-4)
        #expect(BinomialBound.upper(successes: 10, trials: 10, confidence: 0.9) == 1)
        #expect(BinomialBound.lower(successes: 0, trials: 10, confidence: 0.9) == 0)
    }

    @Test func cumulativeProbabilityIsTheBinomialSum() {
        func choose(_ n: Int, _ k: Int) -> Double { (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) } }
        for (n, p) in [(1, 0.3), (7, 0.5), (12, 0.05), (20, 0.9)] {
            var sum = 0.0
            for k in 0...n {
                sum += choose(n, k) * pow(p, Double(k)) * pow(1 - p, Double(n - k))
                #expect(abs(BinomialBound.cumulative(k, trials: n, probability: p) - sum) < 1e-12, "n \(n) k \(k) p \(p)")
            }
        }
        #expect(BinomialBound.cumulative(-1, trials: 5, probability: 0.5) == 0)
        #expect(BinomialBound.cumulative(50_000, trials: 100_000, probability: 0.5) > 0.49)
    }

    /// Draws the paired outcomes of `images` images where each is lost with probability
    /// `lost` and gained with probability `gained`.
    static func draw(images: Int, lost: Double, gained: Double, using random: inout SeededGenerator) -> PairedOutcomes {
        var (l, g) = (0, 0)
        for _ in 0..<images {
            let u = Double.random(in: 0..<1, using: &random)
            if u < lost { l += 1 } else if u < lost + gained { g += 1 }
        }
        return PairedOutcomes(images: images, lost: l, gained: g)
    }

    @Test(arguments: [(0.05, 0.02, 150), (0.01, 0.0, 300), (0.1, 0.1, 80), (0.02, 0.03, 500)])
    func lossBoundCoversTheTrueLoss(lost: Double, gained: Double, images: Int) {
        var random = SeededGenerator(seed: UInt64(images) &* 31 &+ UInt64(lost * 1000))
        let trials = 400
        let covered = (0..<trials).filter { _ in
            Self.draw(images: images, lost: lost, gained: gained, using: &random).lossUpperBound(confidence: 0.9) >= lost - gained
        }.count
        // A valid 90 % bound covers at least 90 % of draws; 87 % leaves room for 400 draws' noise.
        #expect(Double(covered) / Double(trials) >= 0.87, "covered \(covered) of \(trials)")
    }

    @Test func boundTightensWithMoreImages() {
        let small = PairedOutcomes(images: 200, lost: 4, gained: 1), large = PairedOutcomes(images: 2000, lost: 40, gained: 10)
        #expect(small.loss == large.loss)
        #expect(large.lossUpperBound(confidence: 0.9) < small.lossUpperBound(confidence: 0.9))
        #expect(large.lossUpperBound(confidence: 0.9) > large.loss)
        #expect(large.lossUpperBound(confidence: 0.99) > large.lossUpperBound(confidence: 0.9))
    }

    @Test func tooSmallAnEvaluationSetSaysWhatWouldDo() {
        // No image lost or gained: the bound on the lost rate at 95 % (half of a 90 % claim's
        // risk) is 1 − 0.05^(1/n), within 1 point from n = ⌈ln 0.05 / ln 0.99⌉ = 299.
        let none = PairedOutcomes(images: 200, lost: 0, gained: 0)
        let certification = Certification(outcomes: none, tolerance: 0.01, confidence: 0.9)
        #expect(!certification.certified)
        #expect(certification.imagesNeeded == Int((log(0.05) / log(0.99)).rounded(.up)))
        #expect(certification.summary.contains("about 299 evaluation images"))
        #expect(certification.summary.contains("200 given"))
        #expect(Certification(outcomes: PairedOutcomes(images: 299, lost: 0, gained: 0), tolerance: 0.01, confidence: 0.9).certified)
        // A measured loss above the tolerance cannot be certified at any size.
        let worse = Certification(outcomes: PairedOutcomes(images: 200, lost: 6, gained: 0), tolerance: 0.02, confidence: 0.9)
        #expect(worse.imagesNeeded == nil && worse.summary.contains("measured loss alone exceeds"))
    }

    @Test func fixedSequenceEndsAtTheFirstFailure() {
        #expect(FixedSequenceTest.lastAccepted([1, 2, 9, 3]) { $0 < 5 } == 1)
        #expect(FixedSequenceTest.lastAccepted([9, 1]) { $0 < 5 } == nil)
        #expect(FixedSequenceTest.lastAccepted([1, 2]) { $0 < 5 } == 1)
    }

    @Test func highPrecisionIsTheLastCertifiedFromTheLongest() {
        let clean = PairedOutcomes(images: 1000, lost: 1, gained: 1), bad = PairedOutcomes(images: 1000, lost: 60, gained: 2)
        let table = [16: clean, 8: clean, 5: clean, 4: bad, 3: clean]
        // 3 bits would pass on its own, but the sequence ends at 4.
        var asked: [Int] = []
        let order = WordlengthSelection.certificationOrder(3...16, reference: nil).filter { table[$0] != nil }
        #expect(WordlengthSelection.certifiedHighPrecision(order, tolerance: 0.01, confidence: 0.9) { asked.append($0); return table[$0]! } == 5)
        // 3 bits is never evaluated: the sequence ended at 4.
        #expect(asked == [16, 8, 5, 4])
        #expect(WordlengthSelection.certifiedHighPrecision([8], tolerance: 0.01, confidence: 0.9) { _ in bad } == nil)
        // Against an 8-bit reference, longer wordlengths are not tried: the reference is the safest.
        #expect(WordlengthSelection.certificationOrder(2...16, reference: 8) == [8, 7, 6, 5, 4, 3, 2])
        #expect(WordlengthSelection.certificationOrder(4...6, reference: 8) == [6, 5, 4])
    }

    /// A population of confidence samples: critical word c uniform in 0…9, the LPU right with
    /// probability 0.5 + 0.05c, the HPU and the reference one classifier right with
    /// probability 0.95; the cascade at word λ then loses (1/10)·Σ_{c ≥ λ}(0.45 − 0.05c).
    static func population(_ count: Int, using random: inout SeededGenerator) -> (samples: [ConfidenceSample], reference: [Bool]) {
        var samples: [ConfidenceSample] = [], reference: [Bool] = []
        for _ in 0..<count {
            let c = Int.random(in: 0...9, using: &random)
            let referenceRight = Double.random(in: 0..<1, using: &random) < 0.95
            samples.append(ConfidenceSample(critical: c, lpuCorrect: Double.random(in: 0..<1, using: &random) < 0.5 + 0.05 * Double(c),
                                            hpuCorrect: referenceRight))
            reference.append(referenceRight)
        }
        return (samples, reference)
    }

    static func trueLoss(word: Int) -> Double { (word...max(word, 9)).filter { $0 <= 9 }.map { 0.45 - 0.05 * Double($0) }.reduce(0, +) / 10 }

    @Test func certifiedThresholdKeepsTheTrueLossWithinTheTolerance() throws {
        var random = SeededGenerator(seed: 11)
        var (withinTolerance, forwardingLess) = (0, 0)
        let trials = 120
        for _ in 0..<trials {
            let (samples, reference) = Self.population(600, using: &random)
            let found = try #require(ConfidenceTuning.certifiedThreshold(samples, referenceCorrect: reference, tolerance: 0.02,
                                                                        confidence: 0.9, tests: 1, largestWord: 10))
            #expect(found.certification.certified && found.certification.lossUpperBound <= 0.02 + 1e-12)
            if Self.trueLoss(word: found.word) <= 0.02 { withinTolerance += 1 }
            if found.word < 10 { forwardingLess += 1 }
        }
        // The true losses: 0 from word 9 up, 0.5 % at 8, 1.5 % at 7, 3 % at 6.
        #expect(abs(Self.trueLoss(word: 7) - 0.015) < 1e-12 && abs(Self.trueLoss(word: 6) - 0.03) < 1e-12)
        #expect(Double(withinTolerance) / Double(trials) >= 0.9, "\(withinTolerance) of \(trials)")
        // Not vacuous: the procedure keeps confident answers rather than forwarding everything.
        #expect(forwardingLess >= trials * 9 / 10, "\(forwardingLess) of \(trials)")
    }
}
