import Foundation

/// A candidate classifier against a reference on the same images: how many images each gets
/// right that the other gets wrong. Paired, because the two err mostly on the same images.
public struct PairedOutcomes: Codable, Hashable, Sendable {
    public var images: Int
    /// Images the reference classifies correctly and the candidate does not.
    public var lost: Int
    /// Images the candidate classifies correctly and the reference does not.
    public var gained: Int

    public init(images: Int, lost: Int, gained: Int) {
        precondition(images > 0 && lost >= 0 && gained >= 0 && lost + gained <= images)
        self.images = images
        self.lost = lost
        self.gained = gained
    }

    /// The outcomes of two classifiers' correctness on the same images.
    public init(referenceCorrect: [Bool], candidateCorrect: [Bool]) {
        precondition(referenceCorrect.count == candidateCorrect.count && !referenceCorrect.isEmpty)
        let pairs = zip(referenceCorrect, candidateCorrect)
        self.init(images: referenceCorrect.count, lost: pairs.filter { $0 && !$1 }.count,
                  gained: pairs.filter { !$0 && $1 }.count)
    }

    /// The measured loss of top-1 accuracy, as a fraction (negative when the candidate gains).
    public var loss: Double { Double(lost - gained) / Double(images) }

    /// An upper bound on the loss over the population the images are drawn from, holding with
    /// probability `confidence`: the exact upper bound on the rate of lost images less the
    /// exact lower bound on the rate of gained ones, each at half the risk (Bonferroni).
    public func lossUpperBound(confidence: Double) -> Double {
        let halfRisk = 1 - (1 - confidence) / 2
        return BinomialBound.upper(successes: lost, trials: images, confidence: halfRisk)
            - BinomialBound.lower(successes: gained, trials: images, confidence: halfRisk)
    }

    /// Whether the bound at `confidence` is within `tolerance` (a fraction).
    public func certifies(tolerance: Double, confidence: Double) -> Bool {
        lossUpperBound(confidence: confidence) <= tolerance + 1e-12
    }

    /// Beyond this many images the answer is "no practical size".
    static let largestUsefulSize = 1 << 24

    /// The fewest images at which the same rates of lost and gained images would certify
    /// `tolerance`, or nil when the measured loss alone exceeds it (no size would do).
    public func imagesNeeded(tolerance: Double, confidence: Double) -> Int? {
        guard loss < tolerance else { return nil }
        func scaled(_ n: Int) -> PairedOutcomes {
            let ratio = Double(n) / Double(images)
            let lostThen = Int((Double(lost) * ratio).rounded(.up))
            return PairedOutcomes(images: n, lost: lostThen, gained: min(n - lostThen, Int((Double(gained) * ratio).rounded(.down))))
        }
        // Double to a size that certifies, then bisect between the last that did not and it.
        var (low, high) = (0, max(1, images))
        while !scaled(high).certifies(tolerance: tolerance, confidence: confidence) {
            guard high < Self.largestUsefulSize else { return nil }
            (low, high) = (high, 2 * high)
        }
        while high - low > 1 {
            let middle = (low + high) / 2
            if scaled(middle).certifies(tolerance: tolerance, confidence: confidence) { high = middle } else { low = middle }
        }
        return high
    }
}
