import HDLGen

/// One layer engine (`LayerEngine`): an MM unit of `pes` PEs × `maccs` MACCs at `wordlength`
/// bits, whose accumulators hold windows of up to `maxWindow` beats, with its activation,
/// weight and output buffers. The LPU and the HPU are each one engine.
public struct Engine: Codable, Hashable, Sendable, CustomStringConvertible {
    public var wordlength: Int
    /// PEs (P): output channels computed in parallel.
    public var pes: Int
    /// MACCs per PE (K_t): input channels consumed per beat.
    public var maccs: Int
    /// The longest window in beats (⌈C/K_t⌉·kh·kw over the layers, a power of two): it
    /// sizes the accumulators and the weight buffers.
    public var maxWindow: Int
    /// The generated layer engine's buffers, when the workload is one it runs: lines of K_t
    /// words of the activation buffer and entries of max(P, K_t) words of the output buffer
    /// (each a power of two holding the largest layer). Nil for the idealised engine of a
    /// workload known by its GEMMs alone.
    public var activationDepth: Int?, outputDepth: Int?
    /// Descriptors the layer engine's register file holds: the network's layers.
    public var maxLayers: Int

    public init(wordlength: Int, pes: Int, maccs: Int, maxWindow: Int, activationDepth: Int? = nil, outputDepth: Int? = nil,
                maxLayers: Int = 16) {
        self.wordlength = wordlength; self.pes = pes; self.maccs = maccs; self.maxWindow = maxWindow
        self.activationDepth = activationDepth; self.outputDepth = outputDepth; self.maxLayers = maxLayers
    }

    /// The engine sized for `workload`: the layer engine with buffers that hold its largest
    /// layer when it has engine geometry, else the idealised engine whose windows are the
    /// longest the GEMMs need.
    public init(wordlength: Int, pes: Int, maccs: Int, for workload: Workload) {
        guard let geometries = workload.geometries else {
            self.init(wordlength: wordlength, pes: pes, maccs: maccs,
                      maxWindow: workload.layers.map { ($0.gemm.k + maccs - 1) / maccs }.max() ?? 1)
            return
        }
        func depth(_ size: (LayerGeometry) -> Int) -> Int {
            max(2, HDLGen.nextPowerOfTwo(geometries.map { size($0.folded(maccs: maccs)) }.max()!))
        }
        self.init(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: depth { $0.beats(maccs: maccs) },
                  activationDepth: depth { $0.inputLines(maccs: maccs) },
                  outputDepth: depth { $0.outputEntries(pes: pes, maccs: maccs) }, maxLayers: geometries.count)
    }

    /// Bits of a memory line: a power of two of at least 32 holding K_t words or a stored
    /// bias (as `LayerEngine.lineWidth`).
    public var lineWidth: Int {
        var width = 32
        while width < max(maccs * wordlength, accumulatorWidth + 2) { width *= 2 }
        return width
    }

    /// Multipliers: P·K_t.
    public var multipliers: Int { pes * maccs }
    /// Cycles from a window's last beat to its sums (the generated MM unit's latency).
    public var latency: Int { 2 + (maccs <= 1 ? 0 : Int.bitWidth - (maccs - 1).leadingZeroBitCount) }
    /// Bits of each PE's accumulator, as the generator derives them.
    public var accumulatorWidth: Int { HDLGen.accumulatorWidth(wordlength: wordlength, terms: maccs * maxWindow) }

    public var description: String { "\(pes) PEs × \(maccs) MACCs at \(wordlength) bits" }
}
