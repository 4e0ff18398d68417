/// One layer engine as the generator, the host program and the DSE all see it: an MM unit of
/// `pes` PEs × `maccs` MACCs at `wordlength` bits for each of `columns` output columns, its
/// buffers and its register file. Every
/// size that follows from these (memory line, accumulator, bias, latency) is derived here
/// and nowhere else. A plain value: `LayerEngine` checks that it can be generated.
public struct EngineConfiguration: Codable, Hashable, Sendable, CustomStringConvertible {
    public var wordlength: Int
    /// PEs (P): output channels computed in parallel.
    public var pes: Int
    /// MACCs per PE (K_t): input channels consumed per beat.
    public var maccs: Int
    /// Output columns computed in parallel (Q): neighbouring positions of one output row, each
    /// with its own copy of the activation buffer and of the P PEs, sharing the weights.
    public var columns: Int
    /// The longest window in beats the PEs' weight buffers hold (⌈C/K_t⌉·kh·kw over the layers,
    /// or less with input-channel chunks; a power of two in an engine that is generated).
    public var maxWindow: Int
    /// Lines of K_t words the activation buffer holds and entries of max(P, K_t) words the
    /// output buffer holds (each a power of two). Nil for the idealised engine of a workload
    /// known by its GEMMs alone, which the DSE models but nothing generates.
    public var activationDepth: Int?, outputDepth: Int?
    /// Descriptors the register file holds: one per layer, or per distinct row band of a
    /// layer that the engine runs in bands (up to three: first, middle, last).
    public var maxLayers: Int
    /// Bits of a memory line address.
    public var addressWidth: Int
    /// A memory line wider than `minimumLineWidth`, when the engine shares its memory with a
    /// wider engine (the cascade's LPU reads the HPU's weight lines).
    public var sharedLineWidth: Int?
    /// Which PEs multiply on DSP48s, packed DSP48s or LUTs; nil: every PE on DSP48s.
    public var mix: MultiplierMix?
    /// The most input-channel chunks a layer runs in (1: none). A layer whose window is longer
    /// than `maxWindow` runs its reduction a chunk of channel groups at a time, every tile's
    /// sums kept between chunks in a partial-sum buffer of `partialSumDepth` entries of P sums.
    public var maxChunks: Int
    public var partialSumDepth: Int?

    public init(wordlength: Int, pes: Int, maccs: Int, columns: Int = 1, maxWindow: Int, activationDepth: Int? = nil,
                outputDepth: Int? = nil, maxLayers: Int = 16, addressWidth: Int = 24, sharedLineWidth: Int? = nil,
                mix: MultiplierMix? = nil, maxChunks: Int = 1, partialSumDepth: Int? = nil) {
        self.wordlength = wordlength; self.pes = pes; self.maccs = maccs; self.columns = columns; self.maxWindow = maxWindow
        self.activationDepth = activationDepth; self.outputDepth = outputDepth
        self.maxLayers = maxLayers; self.addressWidth = addressWidth; self.sharedLineWidth = sharedLineWidth
        self.mix = mix; self.maxChunks = maxChunks; self.partialSumDepth = partialSumDepth
    }

    /// Whether layers may run in input-channel chunks: the partial-sum buffer and its stage exist.
    public var hasPartialSums: Bool { maxChunks > 1 }

    /// The widest memory line: AXI4's widest data bus, which the engine's IP block uses.
    public static let maximumLineWidth = 1024
    /// The most descriptors a register file holds (`maxLayers`).
    public static let maximumDescriptors = 128
    /// The depths a buffer may have (powers of two within).
    public static let bufferDepths = 2...(1 << 20)

    /// Whether `depth` is one a buffer may have: a power of two within `bufferDepths`.
    public static func isBufferDepth(_ depth: Int) -> Bool { bufferDepths.contains(depth) && depth & (depth - 1) == 0 }

    /// The most output columns an engine computes in parallel.
    public static let maximumColumns = 32

    /// Multipliers: P·K_t·Q.
    public var multipliers: Int { pes * maccs * columns }
    /// Words per output-buffer entry: max(P, K_t), a multiple of both.
    public var lanes: Int { max(pes, maccs) }
    /// Bits of each PE's accumulator: a whole reduction's products (every chunk's) summed without overflow.
    public var accumulatorWidth: Int { HDLGen.accumulatorWidth(wordlength: wordlength, terms: maccs * maxWindow * maxChunks) }
    /// Cycles from a window's last beat to its sums: the MM unit's (`ProcessingElement.latency`).
    public var latency: Int { ProcessingElement.latency(maccs: maccs) }
    /// Bits of a bias as stored in memory: aligned to the accumulator, with the rounding
    /// constant of the requantisation added (`storedBias`).
    public var biasWidth: Int { accumulatorWidth + 2 }
    /// The narrowest memory line: a power of two of at least 32 that holds K_t words or a bias.
    public var minimumLineWidth: Int { max(32, nextPowerOfTwo(max(maccs * wordlength, biasWidth))) }
    /// Bits of a memory line.
    public var lineWidth: Int { sharedLineWidth ?? minimumLineWidth }
    /// The `shift` field is the requantisation's right shift plus this offset, so that left
    /// shifts (negative s, down to −w) are run-time right shifts of a widened value.
    public var shiftOffset: Int { wordlength }
    /// The largest right shift the engine applies; larger ones give the same words.
    public var maxShift: Int { accumulatorWidth + 1 }
    /// Descriptor slots of the register file: `maxLayers` rounded up to a power of two.
    public var layerSlots: Int { max(2, nextPowerOfTwo(maxLayers)) }
    /// Bits of a register-port word address.
    public var registerAddressWidth: Int { 1 + ceilLog2(EngineRegister.descriptorStride * layerSlots) }
    /// The word address of layer 0's descriptor: the upper half of the register space.
    public var descriptorBase: Int { 1 << (registerAddressWidth - 1) }

    /// The tile sizes as P×K_t, or P×K_t×Q with several columns.
    public var tiling: String { "\(pes)×\(maccs)" + (columns == 1 ? "" : "×\(columns)") }

    public var description: String {
        "\(pes) PEs × \(maccs) MACCs" + (columns == 1 ? "" : " × \(columns) columns") + " at \(wordlength) bits"
            + (mix.map { " (\($0))" } ?? "")
    }

    /// The bias word stored in memory for a layer whose requantisation shifts right by
    /// `shift` (negative: left): the bias aligned to the accumulator plus the round-half-up
    /// constant 2^(s−1), with s clamped to `maxShift`; nil when the engine cannot hold it.
    /// Clamping is exact when |bias| < 2^(A−1) (A the accumulator width): then every
    /// |acc + bias| < 2^A = 2^(maxShift − 1), and both shifts round it to zero.
    public func storedBias(alignedBias: Int, shift: Int) -> Int? {
        let limit = 1 << (accumulatorWidth - 1)
        if shift > maxShift && abs(alignedBias) >= limit { return nil }
        let s = min(shift, maxShift)
        let stored = s > 0 ? alignedBias + (1 << (s - 1)) : alignedBias
        return SignalType.sint(biasWidth).valueRange.contains(stored) ? stored : nil
    }

    /// The `shift` field for a requantisation shift `shift`: clamped to −w … `maxShift`
    /// (a left shift by w or more saturates every nonzero word), plus `shiftOffset`.
    public func shiftField(shift: Int) -> Int { min(max(shift, -wordlength), maxShift) + shiftOffset }
}
