/// How many PEs of an MM unit use each multiplier mapping. PEs are laid out in this order:
/// DSP PEs first, then the packed pairs, then the LUT PEs.
public struct MultiplierMix: Codable, Sendable, Hashable, CustomStringConvertible {
    public var dsp: Int
    /// PEs (not DSPs) on packed DSP48s: an even count, two PEs per DSP.
    public var packedDSP: Int
    public var lut: Int

    public init(dsp: Int = 0, packedDSP: Int = 0, lut: Int = 0) {
        self.dsp = dsp
        self.packedDSP = packedDSP
        self.lut = lut
    }

    /// Every one of `pes` PEs on DSP48s, one product each: the MM unit's default.
    public static func dsp(_ pes: Int) -> MultiplierMix { MultiplierMix(dsp: pes) }

    public var pes: Int { dsp + packedDSP + lut }

    /// The PE units in order, one per DSP or LUT PE and one per packed pair.
    public var units: [MultiplierMapping] {
        Array(repeating: .dsp, count: dsp) + Array(repeating: .packedDSP, count: packedDSP / 2)
            + Array(repeating: .lut, count: lut)
    }

    /// DSP48s per MACC lane (times K for the unit): one per DSP PE, one per packed pair.
    public var dspsPerLane: Int { dsp + packedDSP / 2 }

    public var description: String { "\(dsp) DSP, \(packedDSP) packed-DSP, \(lut) LUT PEs" }

    /// Throws unless the counts are non-negative, sum to `pes`, pack in pairs, and every
    /// mapping used supports `wordlength`.
    func check(pes: Int, wordlength: Int, unit: String = "MM unit") throws {
        for (name, count) in [("dsp", dsp), ("packedDSP", packedDSP), ("lut", lut)] {
            try UnitParameterError.check(unit, "mix.\(name) (PEs)", count, in: 0...pes)
        }
        try UnitParameterError.check(unit, "mix PEs (all mappings, = pes)", self.pes, in: pes...pes)
        guard packedDSP % 2 == 0 else {
            throw UnitParameterError(unit: unit, parameter: "mix.packedDSP (an even count)", value: packedDSP,
                                     allowed: 0...pes)
        }
        if packedDSP > 0 {
            try UnitParameterError.check(unit, "wordlength (packed DSP)", wordlength,
                                         in: MultiplierMapping.packedDSP.wordlengths)
        }
    }

    /// The suffix of the unit's name: none for the default, else `_d2_pk4_l2`.
    func nameSuffix(pes: Int) -> String { self == .dsp(pes) ? "" : "_d\(dsp)_pk\(packedDSP)_l\(lut)" }
}
