/// FPGA resources: DSP slices, LUTs (every LUT site: logic, shift registers and distributed
/// RAM), flip-flops and block RAM in 36 Kb equivalents (a RAMB18 counts as half).
public struct Resources: Codable, Hashable, Sendable, CustomStringConvertible {
    public var dsp: Int
    public var lut: Int
    public var ff: Int
    public var bram36: Double

    public init(dsp: Int = 0, lut: Int = 0, ff: Int = 0, bram36: Double = 0) {
        self.dsp = dsp; self.lut = lut; self.ff = ff; self.bram36 = bram36
    }

    public static let zero = Resources()

    /// E.g. "7 DSP, 4594 LUT, 3037 FF, 4.0 BRAM36".
    public var description: String { "\(dsp) DSP, \(lut) LUT, \(ff) FF, \(bram36) BRAM36" }

    public static func + (a: Resources, b: Resources) -> Resources {
        Resources(dsp: a.dsp + b.dsp, lut: a.lut + b.lut, ff: a.ff + b.ff, bram36: a.bram36 + b.bram36)
    }

    public static func - (a: Resources, b: Resources) -> Resources {
        Resources(dsp: a.dsp - b.dsp, lut: a.lut - b.lut, ff: a.ff - b.ff, bram36: a.bram36 - b.bram36)
    }

    /// Each resource scaled by `fraction` and rounded down (BRAM to whole halves), as a budget.
    public func scaled(by fraction: Double) -> Resources {
        Resources(dsp: Int(Double(dsp) * fraction), lut: Int(Double(lut) * fraction),
                  ff: Int(Double(ff) * fraction), bram36: (bram36 * fraction * 2).rounded(.down) / 2)
    }

    /// Whether every resource is at most the budget's.
    public func fits(in budget: Resources) -> Bool {
        dsp <= budget.dsp && lut <= budget.lut && ff <= budget.ff && bram36 <= budget.bram36
    }

    /// The share of `budget` each resource takes (0 where the budget has none and none is used).
    public func utilisation(of budget: Resources) -> [ResourceKind: Double] {
        func share(_ used: Double, _ available: Double) -> Double {
            available > 0 ? used / available : (used > 0 ? .infinity : 0)
        }
        return [.dsp: share(Double(dsp), Double(budget.dsp)), .lut: share(Double(lut), Double(budget.lut)),
                .ff: share(Double(ff), Double(budget.ff)), .bram36: share(bram36, budget.bram36)]
    }

    /// The value of one kind of resource.
    public subscript(kind: ResourceKind) -> Double {
        switch kind {
        case .dsp: Double(dsp)
        case .lut: Double(lut)
        case .ff: Double(ff)
        case .bram36: bram36
        }
    }
}

/// The four kinds of FPGA resource the models count.
public enum ResourceKind: String, CaseIterable, Codable, Sendable {
    case dsp = "DSP", lut = "LUT", ff = "FF", bram36 = "BRAM36"
}
