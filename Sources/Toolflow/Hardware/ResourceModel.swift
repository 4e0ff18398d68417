import HDLGen

/// Resources of the generated units, predicted from their structure and calibrated against
/// `yosys synth_xilinx` (scripts/calibrate-resources, calibration/resources.csv).
///
/// The MM unit is modelled register by register as the generator builds it, PE by PE after
/// its multiplier mapping (`MultiplierMix`): K_t multipliers (`.dsp`: one DSP each when the
/// product is at least `dspMinimumProductWidth` bits wide, as Yosys maps them, otherwise
/// `lutsPerLUTMultiplier[w]` LUTs; `.lut`: `lutsPerShiftAddMultiplier[w]` LUTs; a `.packedDSP`
/// pair: one DSP per lane for both products), the registered adder tree (one LUT per operand
/// bit per adder, a FF per register bit; chains of three or more plain registers become SRL16E
/// shift registers, one LUT per bit per 16 stages), the accumulators (`lutsPerAccumulatorBit`
/// LUTs and one FF per bit) and the control pipeline that all PEs share. On 7-series, Yosys
/// packs the product register and the first adder level of a `.dsp` PE into the DSP48E1 (MREG,
/// post-adder and PREG); on UltraScale+ it does not. A packed product is registered in its
/// DSP on xc7 (in fabric on xcup); its two fields are split in fabric, so its adder trees are
/// all fabric.
public struct ResourceModel: Sendable {
    public var family: DeviceFamily

    /// LUTs of one w×w signed multiplier that Yosys builds in LUTs from `*`, by wordlength (calibrated).
    public var lutsPerLUTMultiplier: [Int: Double]
    /// LUTs of one w×w shift-and-add multiplier (the `.lut` mapping), by wordlength (calibrated).
    public var lutsPerShiftAddMultiplier: [Int: Double]
    /// LUTs per lane of a packed pair beyond its trees and accumulators: the high product's
    /// borrow (Yosys folds the packed weight's adder into the DSP's pre-adder) and, on xcup,
    /// the split of the product register it keeps in fabric (calibrated).
    public func lutsPerPackedLane(_ w: Int) -> Double { family == .xc7 ? 2 : Double(w + 1) }
    /// LUTs per lane of a packed product Yosys builds in fabric (w = 2; calibrated).
    public var lutsPerFabricPackedLane = 16.0
    /// Whether the DSP holds the packed product's register (on xcup Yosys keeps it in fabric).
    public var dspHoldsPackedProduct: Bool
    /// The narrowest product Yosys maps to a DSP (its `DSP_Y_MINWIDTH`: 9, so w ≥ 5).
    public var dspMinimumProductWidth = 9
    public var lutsPerAccumulatorBit = 2.0
    /// Whether the DSP absorbs the product register and the first adder level.
    public var dspAbsorbsFirstLevel: Bool

    public init(family: DeviceFamily) {
        self.family = family
        self.dspAbsorbsFirstLevel = family == .xc7
        self.dspHoldsPackedProduct = family == .xc7
        self.lutsPerLUTMultiplier = [2: 5, 3: 9, 4: 27]
        self.lutsPerShiftAddMultiplier = family == .xc7
            ? [2: 4, 3: 11, 4: 25, 5: 56, 6: 66, 8: 161, 12: 383, 16: 686]
            : [2: 4, 3: 11, 4: 25, 5: 61, 6: 64, 8: 203, 12: 387, 16: 801]

    }

    /// Whether a w×w multiplier written `*` goes to a DSP slice.
    public func usesDSP(wordlength: Int) -> Bool { 2 * wordlength >= dspMinimumProductWidth }

    /// Whether Yosys maps a packed product (w × (3w + 1) bits) to a DSP: from w = 3 (the 2-bit
    /// one, 9 bits wide, it builds in LUTs, as measured).
    public func packedUsesDSP(wordlength: Int) -> Bool { wordlength >= 3 }

    /// DSP, LUT and FF of the engine's MM units, one per column (no buffers: they have none).
    public func matrixMultiplyUnit(_ engine: EngineConfiguration) -> Resources {
        let mix = engine.mix ?? .dsp(engine.pes)
        var units = StructureCount(), dsp = 0, depth = 0
        for mapping in MultiplierMapping.allCases {
            let count = mix.units.filter { $0 == mapping }.count
            guard count > 0 else { continue }
            let pe = processingElement(mapping, engine)
            units.lut += Double(count) * pe.structure.lut
            units.ff += Double(count) * pe.structure.ff
            dsp += count * pe.dsp
            depth = pe.depth
        }

        // Control, shared by the PEs: `valid` (with reset) through 1 + depth stages, `first`
        // and `last` likewise (no reset: shift registers from 3 stages), and `done`.
        var control = StructureCount()
        let stages = 1 + depth
        control.ff += Double(stages + 1)
        control.closeChain(width: 2, length: stages)

        let q = Double(engine.columns)
        return Resources(dsp: engine.columns * dsp, lut: Int((q * (units.lut + control.lut)).rounded()),
                         ff: Int((q * (units.ff + control.ff)).rounded()))
    }

    /// One PE (a pair for `.packedDSP`) of `engine`'s MM unit: its DSPs, its LUTs and FFs,
    /// and its adder tree's depth.
    private func processingElement(_ mapping: MultiplierMapping, _ engine: EngineConfiguration)
        -> (dsp: Int, structure: StructureCount, depth: Int) {
        let w = engine.wordlength, k = engine.maccs
        let dsp: Bool, fabricMultiplier: Double, trees: Int
        switch mapping {
        case .dsp: (dsp, fabricMultiplier, trees) = (usesDSP(wordlength: w), Self.lookUp(lutsPerLUTMultiplier, w), 1)
        case .lut: (dsp, fabricMultiplier, trees) = (false, Self.interpolate(lutsPerShiftAddMultiplier, at: w), 1)
        case .packedDSP:
            let inDSP = packedUsesDSP(wordlength: w)
            (dsp, fabricMultiplier, trees) = (inDSP, inDSP ? lutsPerPackedLane(w) : lutsPerFabricPackedLane, 2)
        }
        let absorbed = mapping == .dsp && dsp && dspAbsorbsFirstLevel
        var pe = StructureCount()
        if mapping == .packedDSP {
            // The packed product's 4w-bit register, in its DSP or in fabric.
            pe.lut += Double(k) * fabricMultiplier
            if !(dsp && dspHoldsPackedProduct) { pe.ff += Double(k * 4 * w) }
        } else if !dsp {
            pe.lut += Double(k) * fabricMultiplier
        }

        // Each tree node: its width and the length of the chain of plain registers ending in it.
        struct Node { var width: Int; var chain: Int }
        var depth = 0
        for _ in 0..<trees {
            var level = Array(repeating: Node(width: 2 * w, chain: absorbed || mapping == .packedDSP ? 0 : 1), count: k)
            depth = 0
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
        }
        return (dsp ? k : 0, pe, depth)
    }

    /// A table's entry at `w` or, beyond the calibrated wordlengths, the largest one's grown
    /// as w² (an array multiplier's area).
    private static func lookUp(_ table: [Int: Double], _ w: Int) -> Double {
        if let luts = table[w] { return luts }
        let (known, luts) = table.max { $0.key < $1.key }!
        return luts * Double(w * w) / Double(known * known)
    }
}

/// LUTs and FFs counted while walking a unit's structure.
struct StructureCount {
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
