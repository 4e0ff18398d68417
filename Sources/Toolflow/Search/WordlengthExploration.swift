/// The per-layer statistics at one wordlength: accuracy with only this layer's weights (or
/// only its output activations) quantised, for each fraction-bit count tried.
public struct LayerStatistics: Codable, Equatable, Sendable {
    public var layer: String
    public var weightFractionBits: [Int]
    public var weightAccuracy: [Double]
    public var outputFractionBits: [Int]
    public var outputAccuracy: [Double]

    /// The spread of accuracy over the choices: how much this layer's scaling matters.
    public var sensitivity: Double {
        let all = weightAccuracy + outputAccuracy
        return (all.max() ?? 0) - (all.min() ?? 0)
    }

    /// The fraction bits with the best accuracy (the first, so the fewest, on a tie).
    var bestWeight: Int? { Self.best(weightFractionBits, weightAccuracy) }
    var bestOutput: Int? { Self.best(outputFractionBits, outputAccuracy) }

    private static func best(_ candidates: [Int], _ accuracies: [Double]) -> Int? {
        guard let top = accuracies.max() else { return nil }
        return candidates[accuracies.firstIndex(of: top)!]
    }
}

/// The outcome of the search at one wordlength.
public struct WordlengthExploration: Codable, Sendable {
    public var wordlength: Int
    public var quantisation: Quantisation
    /// Bit-exact fixed-point accuracy on the evaluation set.
    public var accuracy: Accuracy
    public var statistics: [LayerStatistics]
    /// How many bit-exact runs over the evaluation set the search made.
    public var bitExactEvaluations: Int
}
