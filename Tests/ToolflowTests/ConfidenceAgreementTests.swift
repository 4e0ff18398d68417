import FixedPoint
import HDLGen
import Testing
@testable import Toolflow

/// The default table keeps the fixed-point decision within 0.5% of the float decision.
@Suite struct ConfidenceAgreementTests {
    @Test(arguments: ConfidenceAgreement.Spread.allCases)
    func defaultTableAgreesWithFloat(spread: ConfidenceAgreement.Spread) throws {
        let classes = spread == .imagenetLike ? 1000 : 10
        let count = spread == .imagenetLike ? 400 : 4000    // scripts/bench runs the full 10,000
        for (m, n) in [(1, 2), (2, 5)] {
            let unit = try ConfidenceEvaluationUnit(classes: classes, lanes: 16, m: m, n: n,
                                                    scoreFormat: FixedPointFormat(wordlength: 16, fractionBits: 8))
            let rate = ConfidenceAgreement(unit: unit).disagreement(
                logits: spread.logits(classes: classes, count: count, seed: 17),
                thresholds: [0.1, 0.3, 0.5, 0.7, 0.9])
            #expect(rate < 0.005, "\(spread.rawValue) M=\(m) N=\(n): \(rate * 100)% disagree")
        }
    }

    @Test func theMeasureSeesACoarseTable() throws {
        // A table with a step of 1 in the exponent is far off: the measure must show it.
        let coarse = try ExponentialTable(resolutionBits: 0, size: 16, fractionBits: 4)
        let unit = try ConfidenceEvaluationUnit(classes: 10, lanes: 4, m: 1, n: 2,
                                                scoreFormat: FixedPointFormat(wordlength: 16, fractionBits: 8), table: coarse)
        let rate = ConfidenceAgreement(unit: unit).disagreement(
            logits: ConfidenceAgreement.Spread.mnistLike.logits(classes: 10, count: 2000, seed: 1),
            thresholds: [0.1, 0.3, 0.5, 0.7, 0.9])
        #expect(rate > 0.01)
    }
}
