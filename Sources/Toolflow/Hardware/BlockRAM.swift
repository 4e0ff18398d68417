import HDLGen

/// Block RAM needed by a memory of `width` bits × `depth` words, on 7-series and
/// UltraScale+ alike: the cheapest arrangement of RAMB36 (512×72 … 32K×1) or RAMB18
/// (512×36 … 16K×1, half a RAMB36; no 72-bit mode) primitives, in RAMB36 equivalents.
public enum BlockRAM {
    private static let ramb36: [(width: Int, depth: Int)] =
        [(72, 512), (36, 1024), (18, 2048), (9, 4096), (4, 8192), (2, 16384), (1, 32768)]

    public static func count(width: Int, depth: Int) -> Double {
        guard width > 0, depth > 0 else { return 0 }
        var best = Double.infinity
        for mode in ramb36 {
            let columns = ceilDivide(width, mode.width)
            // A RAMB18 holds half the depth at the same width (up to 36 bits).
            if mode.width <= 36 {
                let halves = ceilDivide(depth, mode.depth / 2)
                best = min(best, Double(columns * halves) / 2)
            }
            best = min(best, Double(columns * ceilDivide(depth, mode.depth)))
        }
        return best
    }
}

extension EngineConfiguration {
    /// Block RAM of the engine's buffers. The layer engine's are each a memory of its own:
    /// the activation buffer (K_t words per line, a copy per column), one weight buffer per
    /// PE (K_t words per beat, two windows: the current tile's and the next's) and one output
    /// buffer per lane (max(P, K_t) lanes of one word), and with partial sums their buffer
    /// (P accumulators per entry); its descriptor
    /// table, read combinationally, is LUT RAM (`descriptorTableLUTs`). The idealised
    /// engine's are modelled double-buffered over the longest window: weights (P·K_t words
    /// per beat) and activations (K_t words per beat).
    public var bufferBlockRAM: Double {
        guard let activationDepth, let outputDepth else {
            let depth = 2 * maxWindow
            return BlockRAM.count(width: pes * maccs * wordlength, depth: depth)
                + BlockRAM.count(width: maccs * wordlength, depth: depth)
        }
        return Double(columns) * BlockRAM.count(width: maccs * wordlength, depth: activationDepth)
            + Double(pes) * BlockRAM.count(width: maccs * wordlength, depth: 2 * maxWindow)
            + Double(max(pes, maccs)) * BlockRAM.count(width: wordlength, depth: outputDepth)
            + (hasPartialSums ? BlockRAM.count(width: pes * accumulatorWidth, depth: partialSumDepth ?? 0) : 0)
    }

    /// LUTs of the descriptor table in distributed RAM: 32-bit words, 64 bits per LUT.
    public var descriptorTableLUTs: Int { 32 * EngineRegister.descriptorStride * layerSlots / 64 }
}
