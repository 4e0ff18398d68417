import HDLGen

extension EngineConfiguration {
    /// Both buffer depths, as `EngineProgram` takes them (nil for the idealised engine).
    public var buffers: (activationDepth: Int, outputDepth: Int)? {
        guard let activationDepth, let outputDepth else { return nil }
        return (activationDepth, outputDepth)
    }

    /// The engine sized for `workload` run `batch` images at a time: the layer engine whose
    /// buffers hold its largest layer (`Workload.runGeometries`) when it has engine geometry,
    /// else the idealised engine whose windows are the longest the GEMMs need.
    public init(wordlength: Int, pes: Int, maccs: Int, columns: Int = 1, batch: Int = 1, for workload: Workload) {
        guard let layers = workload.runGeometries(batch: batch, columns: columns, maccs: maccs) else {
            self.init(wordlength: wordlength, pes: pes, maccs: maccs,
                      maxWindow: workload.layers.map { ($0.gemm.k + maccs - 1) / maccs }.max() ?? 1)
            return
        }
        self.init(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, holding: layers)
    }

    /// The layer engine whose buffers hold every one of `layers` as the engine runs them:
    /// each depth the largest layer's need, rounded up to a power of two.
    public init(wordlength: Int, pes: Int, maccs: Int, columns: Int = 1, holding layers: [LayerGeometry],
                sharedLineWidth: Int? = nil) {
        func depth(_ size: (LayerGeometry) -> Int) -> Int { max(2, nextPowerOfTwo(layers.map(size).max()!)) }
        self.init(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, maxWindow: depth { $0.beats(maccs: maccs) },
                  activationDepth: depth { $0.inputLines(maccs: maccs) },
                  outputDepth: depth { $0.outputEntries(pes: pes, maccs: maccs) }, maxLayers: layers.count,
                  sharedLineWidth: sharedLineWidth)
    }

    /// The layer engine with buffers of `activationDepth` lines and `outputDepth` entries that
    /// runs `layers` (as the engine runs them) in row bands, with a descriptor per run of
    /// equal bands; nil when one pooled row of a layer does not fit.
    public init?(wordlength: Int, pes: Int, maccs: Int, columns: Int = 1, running layers: [LayerGeometry],
                 activationDepth: Int, outputDepth: Int, sharedLineWidth: Int? = nil) {
        let model = EngineCycleModel(pes: pes, maccs: maccs, activationDepth: activationDepth, outputDepth: outputDepth)
        var descriptors = 0
        for layer in layers {
            guard let runs = model.bandRuns(layer) else { return nil }
            descriptors += runs.count
        }
        self.init(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns,
                  maxWindow: max(2, nextPowerOfTwo(layers.map { $0.beats(maccs: maccs) }.max()!)),
                  activationDepth: activationDepth, outputDepth: outputDepth, maxLayers: descriptors,
                  sharedLineWidth: sharedLineWidth)
    }

    /// The smallest buffer depths (powers of two) that hold one pooled row of each of `layers`
    /// (as the engine runs them): the least on-chip memory the layer engine can run them with.
    public static func smallestDepths(pes: Int, maccs: Int, layers: [LayerGeometry]) -> (activation: Int, output: Int) {
        var (activation, output) = (2, 2)
        for layer in layers {
            for band in layer.bands(pooledRowsPerBand: 1) {
                let g = layer.restricted(to: band)
                activation = max(activation, nextPowerOfTwo(g.inputLines(maccs: maccs)))
                output = max(output, nextPowerOfTwo(g.outputEntries(pes: pes, maccs: maccs)))
            }
        }
        return (activation, output)
    }
}
