/// What the cascade must achieve at one error tolerance: the fraction the tuned CEU
/// forwards, the HPU's wordlength, and the baseline's (the shortest wordlength meeting the
/// tolerance on its own).
public struct OperatingPoint: Codable, Hashable, Sendable {
    /// Allowed loss of accuracy, as a fraction (0.01 = 1 %).
    public var tolerance: Double
    public var forwardedFraction: Double
    public var hpuWordlength: Int
    public var baselineWordlength: Int
    /// The CEU's tuned gBvSB parameters and threshold, when known.
    public var m: Int = 1
    public var n: Int = 2
    public var threshold: Double?

    public init(tolerance: Double, forwardedFraction: Double, hpuWordlength: Int, baselineWordlength: Int,
                m: Int = 1, n: Int = 2, threshold: Double? = nil) {
        self.tolerance = tolerance; self.forwardedFraction = forwardedFraction
        self.hpuWordlength = hpuWordlength; self.baselineWordlength = baselineWordlength
        self.m = m; self.n = n; self.threshold = threshold
    }
}

/// The cascade against the baseline at one tolerance (a point of the paper's Fig. 4).
public struct SpeedUp: Codable, Hashable, Sendable {
    public var point: OperatingPoint
    public var lpuWordlength: Int
    public var cascade: CascadeArchitecture
    public var baseline: EngineDesign
    /// Cascade throughput / baseline throughput.
    public var speedUp: Double { cascade.throughput / baseline.throughput }
}

extension Explorer {
    /// The speed-up of the best cascade over the best single-stage baseline at each point.
    public func speedUps(workload: Workload, budget: Resources, lowWordlength: Int,
                         points: [OperatingPoint]) throws -> [SpeedUp] {
        var baselines: [Int: EngineDesign] = [:]
        return try points.map { point in
            let baseline = try baselines[point.baselineWordlength]
                ?? bestEngine(wordlength: point.baselineWordlength, workload: workload, budget: budget, unit: "baseline")
            baselines[point.baselineWordlength] = baseline
            let cascade = try bestCascade(lowWordlength: lowWordlength, highWordlength: point.hpuWordlength,
                                          forwardedFraction: point.forwardedFraction, workload: workload, budget: budget,
                                          m: point.m, n: point.n)
            return SpeedUp(point: point, lpuWordlength: lowWordlength, cascade: cascade, baseline: baseline)
        }
    }
}

/// Accuracy of the quantised network per wordlength, against a reference (e.g. float).
public struct AccuracyProfile: Codable, Hashable, Sendable {
    public var reference: Double
    /// Accuracy (0…1) at each wordlength.
    public var accuracy: [Int: Double]

    public init(reference: Double, accuracy: [Int: Double]) {
        self.reference = reference; self.accuracy = accuracy
    }

    /// The shortest wordlength whose loss against the reference is at most `tolerance`.
    public func shortestWordlength(within tolerance: Double) -> Int? {
        accuracy.keys.sorted().first { reference - accuracy[$0]! <= tolerance + 1e-12 }
    }
}
