import Foundation
import FixedPoint
import HDLGen

/// How often the CEU's fixed-point decision differs from the floating-point gBvSB decision
/// at the same threshold: the cost of the lookup table and of quantising the scores.
public struct ConfidenceAgreement: Sendable {
    /// Logit vectors of a typical spread: ImageNet-like (many classes, a modest winner) or
    /// MNIST-like (few classes, a strong winner).
    public enum Spread: String, Sendable, CaseIterable {
        case imagenetLike = "ImageNet-like"
        case mnistLike = "MNIST-like"

        /// `count` logit vectors of `classes` values: Gaussian noise plus a boosted winner.
        public func logits(classes: Int, count: Int, seed: UInt64) -> [[Double]] {
            var random = SeededGenerator(seed: seed)
            func gaussian() -> Double {
                let u = Double.random(in: Double.ulpOfOne..<1, using: &random), v = Double.random(in: 0..<1, using: &random)
                return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
            }
            let (noise, boost): (Double, ClosedRange<Double>) = self == .imagenetLike ? (1.5, 0...12) : (3, 0...15)
            return (0..<count).map { _ in
                var z = (0..<classes).map { _ in noise * gaussian() }
                z[Int.random(in: 0..<classes, using: &random)] += Double.random(in: boost, using: &random)
                return z
            }
        }
    }

    public let unit: ConfidenceEvaluationUnit

    public init(unit: ConfidenceEvaluationUnit) { self.unit = unit }

    /// The fraction of (vector, threshold) pairs on which the two decisions differ.
    public func disagreement(logits: [[Double]], thresholds: [Double]) -> Double {
        var differing = 0
        for z in logits {
            let words = z.map { unit.scoreFormat.quantize($0) }
            let score = ConfidenceScore.generalisedBestVersusSecondBest(ConfidenceScore.softmax(z), m: unit.m, n: unit.n)
            for th in thresholds {
                let fixed = unit.decide(scores: words, threshold: unit.thresholdWord(th)).confident
                if fixed != (score >= th) { differing += 1 }
            }
        }
        return Double(differing) / Double(logits.count * thresholds.count)
    }
}
