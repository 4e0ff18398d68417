/// A two-stage design: the LPU sees every image, the CEU forwards the fraction `f` to the
/// HPU, and the weight-truncation unit derives the LPU's weights from the HPU's.
public struct CascadeArchitecture: Codable, Hashable, Sendable {
    public var lpu: EngineDesign
    public var hpu: EngineDesign
    public var truncationUnit: UnitDesign
    public var confidenceUnit: UnitDesign
    public var forwardedFraction: Double
    /// The share of the off-chip bandwidth given to the LPU (the HPU has the rest).
    public var lpuBandwidthShare: Double
    /// Images per second of the whole cascade: min(T_LPU, T_HPU / f).
    public var throughput: Double

    public var resources: Resources { lpu.resources + hpu.resources + truncationUnit.resources + confidenceUnit.resources }

    /// Each unit with its resources, in the order the report lists them.
    public var units: [(name: String, description: String, resources: Resources)] {
        [("LPU", "\(lpu.engine)", lpu.resources), ("HPU", "\(hpu.engine)", hpu.resources),
         ("truncation unit", truncationUnit.description, truncationUnit.resources),
         ("CEU", confidenceUnit.description, confidenceUnit.resources)]
    }
}

/// A fixed-size unit of the cascade (the truncation unit, the CEU) and its resources.
public struct UnitDesign: Codable, Hashable, Sendable {
    public var description: String
    /// Lanes: weights (truncation unit) or scores (CEU) per cycle.
    public var lanes: Int
    public var resources: Resources
}
