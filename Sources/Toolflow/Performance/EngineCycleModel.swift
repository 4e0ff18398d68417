import HDLGen

/// Cycles the layer engine (`LayerEngine`) spends on a layer, phase by phase, when its memory
/// takes a request every cycle and answers `memoryLatency` cycles later (1: the next cycle).
/// Exact for the generated RTL under those conditions; memory stalls only add to it.
///
/// A layer runs in row bands (`RowBand`), as many pooled rows each as the buffers hold, one
/// descriptor per run of equal bands (`BandRun`). Per descriptor:
/// - fetch: one cycle per descriptor field, and one more for each band after the first;
/// Per band, and within it per input-channel chunk (one unless the PEs' weight buffers are
/// shorter than the window: `chunkedWindow`), one cycle to move on between chunks, and:
/// - each load of n lines (the chunk's input once; per tile of P channels its P biases and
///   P·B weight lines): n requests, then the last response, then one cycle to move on; every
///   tile's biases and weights but the chunk's first's load while the tile before computes, so a
///   tile after the first starts max(compute, loads) after the one before;
/// - compute, per tile: B beats (the window) for each group of Q output columns (Q = 1: each
///   position), and max(B, Q) − B cycles' pause between groups; two cycles of address
///   generation and buffer read, the MM unit's latency, one cycle per column of the last group,
///   two cycles of bias and requantisation (the last one moves on), and one of partial sums
///   in an engine that has them;
/// Per band:
/// - write-back: A pooling taps per output line, the pipeline, the last write's
///   acknowledgement, one cycle to move on.
public struct EngineCycleModel: Sendable {
    public var pes: Int
    public var maccs: Int
    /// Output columns computed in parallel (Q).
    public var columns: Int
    public var memoryLatency: Int
    /// The buffers' depths, which decide the bands; nil: every layer is one band.
    public var activationDepth: Int?, outputDepth: Int?
    /// The PEs' weight window in an engine with partial sums: a layer whose window is longer
    /// runs in input-channel chunks (`LayerGeometry.chunkBeats`); nil: no partial sums.
    public var chunkedWindow: Int?
    /// Entries of the partial-sum buffer, which bound a chunked layer's bands; nil: no bound.
    public var partialSumDepth: Int?

    public init(pes: Int, maccs: Int, columns: Int = 1, memoryLatency: Int = 2, activationDepth: Int? = nil,
                outputDepth: Int? = nil, chunkedWindow: Int? = nil, partialSumDepth: Int? = nil) {
        self.pes = pes; self.maccs = maccs; self.columns = columns; self.memoryLatency = memoryLatency
        self.activationDepth = activationDepth; self.outputDepth = outputDepth
        self.chunkedWindow = chunkedWindow; self.partialSumDepth = partialSumDepth
    }

    /// The model of `engine`.
    public init(_ engine: EngineConfiguration, memoryLatency: Int = 2) {
        self.init(pes: engine.pes, maccs: engine.maccs, columns: engine.columns, memoryLatency: memoryLatency,
                  activationDepth: engine.activationDepth, outputDepth: engine.outputDepth,
                  chunkedWindow: engine.hasPartialSums ? engine.maxWindow : nil, partialSumDepth: engine.partialSumDepth)
    }

    /// One layer's cycles by phase.
    public struct LayerCycles: Hashable, Sendable {
        public var fetch: Int, inputLoad: Int, parameterLoad: Int, compute: Int, writeBack: Int
        public var total: Int { fetch + inputLoad + parameterLoad + compute + writeBack }
    }

    var mmLatency: Int { 2 + ceilLog2(maccs) }

    func load(_ lines: Int) -> Int { lines + memoryLatency + 1 }

    /// Input-channel chunks of `layer` (folded): one without partial sums; nil when not even
    /// one channel group's taps fit the weight buffers.
    public func chunks(_ layer: LayerGeometry) -> Int? {
        guard let chunkedWindow else { return 1 }
        return layer.chunkBeats(maxWindow: chunkedWindow, maccs: maccs).map { layer.beats(maccs: maccs) / $0 }
    }

    /// The runs of bands the engine splits `layer` (folded) into; one band when its buffers'
    /// depths are not known. Nil when one pooled row (of one chunk) does not fit them.
    public func bandRuns(_ layer: LayerGeometry) -> [BandRun]? {
        guard let chunks = chunks(layer) else { return nil }
        let rows: Int?
        if let activationDepth, let outputDepth {
            rows = layer.pooledRowsPerBand(activationDepth: activationDepth, outputDepth: outputDepth, pes: pes, maccs: maccs,
                                           chunks: chunks, partialSumDepth: partialSumDepth)
        } else {
            rows = layer.pooledHeight
        }
        return rows.map { layer.bandRuns(pooledRowsPerBand: $0) }
    }

    /// A layer's cycles by phase (a first layer with its columns folded when that helps); nil
    /// when the buffers cannot hold one of its pooled rows.
    public func cycles(_ layer: LayerGeometry) -> LayerCycles? {
        let layer = layer.folded(maccs: maccs)
        guard let runs = bandRuns(layer), let chunks = chunks(layer) else { return nil }
        var total = LayerCycles(fetch: 0, inputLoad: 0, parameterLoad: 0, compute: 0, writeBack: 0)
        for run in runs {
            let band = layer.restricted(to: run.first), n = run.count
            let beats = band.beats(maccs: maccs) / chunks, tiles = band.tiles(pes: pes)
            total.fetch += DescriptorField.allCases.count + n - 1
            total.inputLoad += n * chunks * load(band.inputLines(maccs: maccs) / chunks) + n * (chunks - 1)
            let loads = load(pes) + load(pes * beats), compute = compute(band, beats: beats)
            total.parameterLoad += n * chunks * (loads + (tiles - 1) * max(0, loads - compute))
            total.compute += n * chunks * tiles * compute
            total.writeBack += n * (band.outputLines(maccs: maccs) * band.poolArea + memoryLatency + 4)
        }
        return total
    }

    /// Cycles of one tile's compute over `band`: its groups of Q columns, a row's last group
    /// holding the rest.
    func compute(_ band: LayerGeometry, beats: Int) -> Int {
        let groupsPerRow = ceilDivide(band.outputWidth, columns), groups = band.outputHeight * groupsPerRow
        let lastGroupColumns = band.outputWidth - (groupsPerRow - 1) * columns
        return (groups - 1) * max(beats, columns) + beats + mmLatency + 4 + lastGroupColumns - 1 + (chunkedWindow == nil ? 0 : 1)
    }

    /// Lines a layer moves through the memory port, input and output, and weights and biases
    /// (read again for every band, the biases for every chunk); nil as for `cycles`.
    public func lines(_ layer: LayerGeometry) -> (features: Int, weights: Int, biases: Int)? {
        let layer = layer.folded(maccs: maccs)
        guard let runs = bandRuns(layer), let chunks = chunks(layer) else { return nil }
        var lines = (features: 0, weights: 0, biases: 0)
        for run in runs {
            let band = layer.restricted(to: run.first), parameters = run.count * band.tiles(pes: pes) * pes
            lines.features += run.count * (band.inputLines(maccs: maccs) + band.outputLines(maccs: maccs))
            lines.weights += parameters * band.beats(maccs: maccs)
            lines.biases += parameters * chunks
        }
        return lines
    }

    /// Useful multiply-accumulates of a layer over the P·K_t·Q MACCs and `cycles`.
    public func utilisation(_ layer: LayerGeometry, cycles: Int) -> Double {
        Double(layer.maccs) / Double(pes * maccs * columns * max(1, cycles))
    }
}
