import HDLGen

extension EngineConfiguration {
    /// The engine sized for `workload`: the layer engine whose buffers hold its largest layer
    /// when it has engine geometry, else the idealised engine whose windows are the longest
    /// the GEMMs need.
    public init(wordlength: Int, pes: Int, maccs: Int, for workload: Workload) {
        guard let geometries = workload.geometries else {
            self.init(wordlength: wordlength, pes: pes, maccs: maccs,
                      maxWindow: workload.layers.map { ($0.gemm.k + maccs - 1) / maccs }.max() ?? 1)
            return
        }
        self.init(wordlength: wordlength, pes: pes, maccs: maccs, holding: geometries.map { $0.folded(maccs: maccs) })
    }

    /// The layer engine whose buffers hold every one of `layers` as the engine runs them:
    /// each depth the largest layer's need, rounded up to a power of two.
    public init(wordlength: Int, pes: Int, maccs: Int, holding layers: [LayerGeometry], sharedLineWidth: Int? = nil) {
        func depth(_ size: (LayerGeometry) -> Int) -> Int { max(2, nextPowerOfTwo(layers.map(size).max()!)) }
        self.init(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: depth { $0.beats(maccs: maccs) },
                  activationDepth: depth { $0.inputLines(maccs: maccs) },
                  outputDepth: depth { $0.outputEntries(pes: pes, maccs: maccs) }, maxLayers: layers.count,
                  sharedLineWidth: sharedLineWidth)
    }
}
