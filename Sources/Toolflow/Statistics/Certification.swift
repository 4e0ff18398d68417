/// What the evaluation set vouches for about one choice: its paired outcomes against the
/// reference, the upper bound on its accuracy loss, and whether the bound is within the
/// tolerance; when it is not, how many evaluation images would certify it at the same rates.
///
/// The claim holds with probability `confidence`; a choice picked among `tests` candidates
/// tested side by side is bounded at 1 − (1 − confidence) / tests each (Bonferroni).
public struct Certification: Codable, Hashable, Sendable {
    public var confidence: Double
    public var tests: Int
    /// The tolerance, a fraction of top-1 accuracy.
    public var tolerance: Double
    public var outcomes: PairedOutcomes
    public var lossUpperBound: Double
    public var certified: Bool
    /// Evaluation images that would certify the tolerance, nil when certified or when no size would.
    public var imagesNeeded: Int?

    public init(outcomes: PairedOutcomes, tolerance: Double, confidence: Double, tests: Int = 1) {
        self.confidence = confidence
        self.tests = tests
        self.tolerance = tolerance
        self.outcomes = outcomes
        let each = Self.confidencePerTest(confidence, tests: tests)
        lossUpperBound = outcomes.lossUpperBound(confidence: each)
        certified = outcomes.certifies(tolerance: tolerance, confidence: each)
        imagesNeeded = certified ? nil : outcomes.imagesNeeded(tolerance: tolerance, confidence: each)
    }

    /// The confidence of each of `tests` tests for a joint claim at `confidence`.
    public static func confidencePerTest(_ confidence: Double, tests: Int) -> Double { 1 - (1 - confidence) / Double(max(1, tests)) }

    /// One line for a person: the bound against the tolerance, and what would certify it.
    public var summary: String {
        let bound = String(format: "%.2f", lossUpperBound * 100), level = String(format: "%g %%", confidence * 100)
        let tolerancePoints = String(format: "%g", tolerance * 100)
        if certified { return "certified at \(level): loss at most \(bound) points (tolerance \(tolerancePoints))" }
        let remedy = imagesNeeded.map { "about \($0) evaluation images would certify it (\(outcomes.images) given)" }
            ?? "its measured loss alone exceeds the tolerance"
        return "not certified at \(level): the loss may be up to \(bound) points, above the tolerance of \(tolerancePoints); "
            + remedy
    }

    enum CodingKeys: String, CodingKey {
        case confidence, tests, tolerance, outcomes, certified
        case lossUpperBound = "loss_upper_bound", imagesNeeded = "images_needed"
    }
}
