import HDLGen

/// One MM engine: an MM unit of `pes` PEs × `maccs` MACCs at `wordlength` bits, whose
/// accumulators hold windows of up to `maxWindow` beats, with its on-chip weight and
/// activation buffers. The LPU and the HPU are each one engine.
public struct Engine: Codable, Hashable, Sendable, CustomStringConvertible {
    public var wordlength: Int
    /// PEs (P): output channels computed in parallel.
    public var pes: Int
    /// MACCs per PE (K_t): reduction elements consumed per beat.
    public var maccs: Int
    /// The longest window in beats, ⌈K/K_t⌉ over the layers: it sizes the accumulators and
    /// the depth of the buffers.
    public var maxWindow: Int

    public init(wordlength: Int, pes: Int, maccs: Int, maxWindow: Int) {
        self.wordlength = wordlength; self.pes = pes; self.maccs = maccs; self.maxWindow = maxWindow
    }

    /// The engine sized for `workload`: its windows are the longest the layers need.
    public init(wordlength: Int, pes: Int, maccs: Int, for workload: Workload) {
        self.init(wordlength: wordlength, pes: pes, maccs: maccs,
                  maxWindow: workload.layers.map { ($0.gemm.k + maccs - 1) / maccs }.max() ?? 1)
    }

    /// Multipliers: P·K_t.
    public var multipliers: Int { pes * maccs }
    /// Cycles from a window's last beat to its sums (the generated MM unit's latency).
    public var latency: Int { 2 + (maccs <= 1 ? 0 : Int.bitWidth - (maccs - 1).leadingZeroBitCount) }
    /// Bits of each PE's accumulator, as the generator derives them.
    public var accumulatorWidth: Int { HDLGen.accumulatorWidth(wordlength: wordlength, terms: maccs * maxWindow) }

    public var description: String { "\(pes) PEs × \(maccs) MACCs at \(wordlength) bits" }
}
