import HDLGen

/// Resources of the generated units, predicted from their structure and calibrated against
/// `yosys synth_xilinx` (scripts/calibrate-resources, calibration/resources.csv).
///
/// The MM unit is modelled register by register as the generator builds it: P·K_t
/// multipliers (one DSP each when the product is at least `dspMinimumProductWidth` bits
/// wide, as Yosys maps them, otherwise `lutsPerLUTMultiplier[w]` LUTs; the generated RTL
/// does not pack two products into one DSP, so neither does the model), the registered
/// adder tree (one LUT per operand bit per adder, a FF per register bit; chains of three or
/// more plain registers become SRL16E shift registers, one LUT per bit per 16 stages), the
/// accumulators (`lutsPerAccumulatorBit` LUTs and one FF per bit) and the control pipeline
/// that all PEs share. On 7-series, Yosys packs the product register and the first adder
/// level into the DSP48E1 (MREG, post-adder and PREG); on UltraScale+ it does not.
public struct ResourceModel: Sendable {
    public var family: DeviceFamily

    /// LUTs of one w×w signed multiplier built in LUTs, by wordlength (calibrated).
    public var lutsPerLUTMultiplier: [Int: Double]
    /// The narrowest product Yosys maps to a DSP (its `DSP_Y_MINWIDTH`: 9, so w ≥ 5).
    public var dspMinimumProductWidth = 9
    public var lutsPerAccumulatorBit = 2.0
    /// Whether the DSP absorbs the product register and the first adder level.
    public var dspAbsorbsFirstLevel: Bool

    public init(family: DeviceFamily) {
        self.family = family
        self.dspAbsorbsFirstLevel = family == .xc7
        self.lutsPerLUTMultiplier = [2: 5, 3: 9, 4: 27]
    }

    /// Whether a w×w multiplier goes to a DSP slice.
    public func usesDSP(wordlength: Int) -> Bool { 2 * wordlength >= dspMinimumProductWidth }

    /// DSP, LUT and FF of the engine's MM units, one per column (no buffers: they have none).
    public func matrixMultiplyUnit(_ engine: EngineConfiguration) -> Resources {
        let w = engine.wordlength, dsp = usesDSP(wordlength: w)
        let absorbed = dsp && dspAbsorbsFirstLevel
        var pe = StructureCount()

        // Each tree node: its width and the length of the chain of plain registers ending in it.
        struct Node { var width: Int; var chain: Int }
        var level = Array(repeating: Node(width: 2 * w, chain: absorbed ? 0 : 1), count: engine.maccs)
        if !dsp { pe.lut += Double(engine.maccs) * lutsPerLUTMultiplier(w) }
        var depth = 0
        while level.count > 1 {
            depth += 1
            var next: [Node] = []
            for pair in stride(from: 0, to: level.count, by: 2) {
                let inDSP = absorbed && depth == 1
                guard pair + 1 < level.count else {
                    // The odd node passes through a register of its own.
                    next.append(inDSP ? Node(width: level[pair].width, chain: 0)
                                      : Node(width: level[pair].width, chain: level[pair].chain + 1))
                    continue
                }
                let (a, b) = (level[pair], level[pair + 1])
                pe.closeChain(width: a.width, length: a.chain); pe.closeChain(width: b.width, length: b.chain)
                if !inDSP { pe.lut += Double(max(a.width, b.width)) }
                next.append(Node(width: max(a.width, b.width) + 1, chain: inDSP ? 0 : 1))
            }
            level = next
        }
        pe.closeChain(width: level[0].width, length: level[0].chain)
        pe.ff += Double(engine.accumulatorWidth)
        pe.lut += lutsPerAccumulatorBit * Double(engine.accumulatorWidth)

        // Control, shared by the PEs: `valid` (with reset) through 1 + depth stages, `first`
        // and `last` likewise (no reset: shift registers from 3 stages), and `done`.
        var control = StructureCount()
        let stages = 1 + depth
        control.ff += Double(stages + 1)
        control.closeChain(width: 2, length: stages)

        let p = Double(engine.pes), q = Double(engine.columns)
        return Resources(dsp: dsp ? engine.multipliers : 0, lut: Int((q * (p * pe.lut + control.lut)).rounded()),
                         ff: Int((q * (p * pe.ff + control.ff)).rounded()))

        func lutsPerLUTMultiplier(_ w: Int) -> Double {
            if let luts = self.lutsPerLUTMultiplier[w] { return luts }
            // Beyond the calibrated wordlengths an array multiplier grows as w².
            let (known, luts) = self.lutsPerLUTMultiplier.max { $0.key < $1.key }!
            return luts * Double(w * w) / Double(known * known)
        }
    }
}

/// LUTs and FFs counted while walking a unit's structure.
private struct StructureCount {
    var lut = 0.0
    var ff = 0.0

    /// A chain of `chain` plain registers of `width` bits: FFs, or SRL16Es from 3 stages.
    mutating func closeChain(width: Int, length: Int) {
        if length >= 3 {
            lut += Double(width * ((length + 15) / 16))
        } else {
            ff += Double(width * length)
        }
    }
}
