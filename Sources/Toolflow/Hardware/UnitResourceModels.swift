import HDLGen

extension ResourceModel {
    /// The weight-truncation unit: per lane, a rounding adder, a barrel shifter and a
    /// saturation, whose LUTs are calibrated per high wordlength (`truncationLUTsPerLane`,
    /// interpolated between the calibrated points), and two pipeline registers: the
    /// (w_h + 2)-bit shifted weight and the w_l-bit result; the `valid` pipeline is shared.
    public func truncationUnit(highWordlength: Int, lowWordlength: Int, lanes: Int) -> Resources {
        let lut = Double(lanes) * Self.interpolate(truncationLUTsPerLane, at: highWordlength)
        let ff = lanes * (highWordlength + 2 + lowWordlength) + 2
        return Resources(lut: Int(lut.rounded()), ff: ff)
    }

    /// Linear interpolation in a table keyed by wordlength, extrapolated from the end points.
    static func interpolate(_ table: [Int: Double], at x: Int) -> Double {
        let keys = table.keys.sorted()
        if let exact = table[x] { return exact }
        let (a, b) = x < keys[0] ? (keys[0], keys[1])
            : x > keys.last! ? (keys[keys.count - 2], keys.last!)
            : (keys.last { $0 < x }!, keys.first { $0 > x }!)
        return max(1, table[a]! + (table[b]! - table[a]!) * Double(x - a) / Double(b - a))
    }

    /// The CEU (16-bit scores, the standard 1024-entry exponential table): the exponential
    /// ROM is read by every lane and every sorted entry; with three reads or fewer Yosys puts
    /// it in block RAM, otherwise each read is a LUT ROM. The comparator tree and merge grow
    /// with the lanes and as the square of the sorted entries; the sample double buffer goes
    /// to block RAM once it is deep. Coefficients fitted to calibration/resources.csv. Narrower
    /// scores shrink the comparators, the table and the sums about in proportion: LUTs scale by
    /// (w − ½)/15.5 (within 10 % of Yosys from 2 to 8 bits, 8 and 10 lanes).
    public func confidenceUnit(classes: Int, lanes: Int, sortedCount: Int, scoreWordlength: Int = 16) -> Resources {
        var resources = confidenceUnit16(classes: classes, lanes: lanes, sortedCount: sortedCount)
        if scoreWordlength < 16 {
            resources.lut = Int((Double(resources.lut) * (Double(scoreWordlength) - 0.5) / 15.5).rounded())
        }
        return resources
    }

    private func confidenceUnit16(classes: Int, lanes: Int, sortedCount: Int) -> Resources {
        let depth = 2 * (1 << max(1, Int.bitWidth - (ceilDivide(classes, lanes) - 1).leadingZeroBitCount))
        let buffer = depth > 64 ? BlockRAM.count(width: 16 * lanes, depth: depth) : 0
        let l = Double(lanes), s = Double(sortedCount)
        if lanes + sortedCount <= 3 {
            return Resources(dsp: 1, lut: Int(269 + 80 * (l - 1) + 60 * (s - 2)), ff: Int(237 + 47 * (l - 1) + 51 * (s - 2)),
                             bram36: 1 + buffer)
        }
        return Resources(dsp: 1, lut: Int((488 + 266 * l + 94.7 * s * s).rounded()), ff: Int((167 + 47 * l + 51 * s).rounded()),
                         bram36: buffer)
    }

    /// LUTs per lane of the truncation unit by high wordlength (calibration/resources.csv;
    /// on xcup Yosys builds the 16-bit shifter with two thirds more LUTs).
    var truncationLUTsPerLane: [Int: Double] {
        family == .xc7 ? [6: 28, 8: 46, 12: 92, 16: 98.5] : [6: 28, 8: 45, 12: 94, 16: 166.5]
    }
}

extension ResourceModel {
    /// The layer engine: its MM units, its buffers (`EngineConfiguration.bufferBlockRAM`), its
    /// descriptor table in LUT RAM, and the logic around them. Per PE: the bias register, the
    /// bias adder and the requantiser (a run-time barrel shifter over the widened sum,
    /// saturation, ReLU), and the next tile's bias with its load mux; per lane of the output line: the pooling comparator; per column:
    /// the activation word and its padding mux, the im2col's column address and bounds, and
    /// (Q > 1) the drain's held sums; with partial sums, their adders; and a constant for the sequencer, the address generators
    /// and the register file. Coefficients fitted to calibration/resources.csv.
    /// The idealised engine (no engine geometry) is its MM unit and modelled buffers.
    public func layerEngine(_ engine: EngineConfiguration) -> Resources {
        var resources = matrixMultiplyUnit(engine)
        resources.bram36 += engine.bufferBlockRAM
        guard let activationDepth = engine.activationDepth else { return resources }
        let sum = Double(engine.accumulatorWidth + 2), w = Double(engine.wordlength)
        let shifter = (sum + w) * Double(ceilLog2(engine.accumulatorWidth + 2 + engine.wordlength))
        let p = Double(engine.pes), k = Double(engine.maccs), lanes = Double(max(engine.pes, engine.maccs))
        let q = Double(engine.columns), extra = q - 1
        // The drain: Q − 1 held columns of P accumulators, each loaded or shifted, and the
        // mux in front of the requantiser; the im2col's column, address and bounds per extra column.
        let heldBits = p * Double(engine.accumulatorWidth)
        let columnBits = Double(ceilLog2(activationDepth) + 2 * 19)
        // A column's activation word and padding mux: the first column's as calibrated on engines
        // of one column, each further one's fitted to the engines of several (full-size ones too).
        resources.lut += Int((p * (engineLUTsPerShifterBit * shifter + 3 * sum) + (3 + 2 * extra) * k * w + lanes * w
                              + (engine.columns > 1 ? q * heldBits + extra * columnBits : 0)
                              + engineControlLUTs).rounded()) + engine.descriptorTableLUTs
        resources.ff += Int((p * (3 * sum - 1 + 2 * w) + (2 + extra) * k * w + lanes * w
                             + extra * (heldBits + Double(ceilLog2(activationDepth) + 2))
                             + engineControlFFs).rounded())
        resources.dsp += engineDSPsOutsideMMUnits(engine)
        if let depth = engine.partialSumDepth, engine.hasPartialSums {
            // The partial sums: each PE's sum held a cycle (the buffer's read register is in the
            // block RAM), its adder and the mux that starts a band's first chunk from zero.
            let bits = p * Double(engine.accumulatorWidth)
            resources.lut += Int((partialSumLUTsPerBit * bits).rounded())
            resources.ff += Int(bits) + 2 * ceilLog2(depth) + 1
        }
        return resources
    }

    /// The layer engine's DSPs outside its MM units: the address multipliers y·W, pooled row·W_o
    /// and H·W (none in the idealised engine).
    func engineDSPsOutsideMMUnits(_ engine: EngineConfiguration) -> Int { engine.activationDepth == nil ? 0 : 3 }

    var engineLUTsPerShifterBit: Double { 0.5 }
    /// Fitted to an 8 × 4 × 2 engine with and without partial sums (Yosys, xc7).
    var partialSumLUTsPerBit: Double { 1.5 }
    var engineControlLUTs: Double { 1500 }
    var engineControlFFs: Double { 1080 }
}

extension ResourceModel {
    /// The cascade top (`CascadeTop`): both layer engines, the truncation unit with a lane per
    /// word of a line (K_t), the CEU reading a score line per beat (min(C, K_t) lanes), and
    /// the controller: the HPU's argmax tree over a line (K_t comparators of score and class),
    /// the truncation unit's bypass (two line registers), the memory-port multiplexers, the
    /// forward queue and score buffer in LUT RAM, the counters and the two state machines.
    public func cascadeTop(lpu: EngineConfiguration, hpu: EngineConfiguration, classes: Int, sortedCount: Int) -> Resources {
        let k = hpu.maccs, line = max(lpu.lineWidth, hpu.lineWidth)
        let classBits = Double(Int.bitWidth - (ceilDivide(classes, k) * k).leadingZeroBitCount)
        let argmax = Double(k) * (Double(hpu.wordlength) + classBits) * cascadeLUTsPerArgmaxBit
        let controller = Resources(lut: Int((argmax + Double(3 * line) + cascadeControlLUTs).rounded()),
                                   ff: 2 * line + Int(cascadeControlFFs))
        return layerEngine(lpu) + layerEngine(hpu)
            + truncationUnit(highWordlength: hpu.wordlength, lowWordlength: lpu.wordlength, lanes: k)
            + confidenceUnit(classes: classes, lanes: min(classes, k), sortedCount: sortedCount,
                             scoreWordlength: lpu.wordlength) + controller
    }

    var cascadeLUTsPerArgmaxBit: Double { 1.5 }
    var cascadeControlLUTs: Double { 600 }
    var cascadeControlFFs: Double { 400 }
}
