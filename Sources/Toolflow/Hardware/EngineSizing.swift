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
        // Buffers sized by the layers hold one pooled row of each.
        self.init(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, running: layers, activationDepth: nil,
                  outputDepth: nil, sharedLineWidth: sharedLineWidth)!
    }

    /// The layer engine with buffers of `activationDepth` lines and `outputDepth` entries
    /// (nil: the largest layer's need) that runs `layers` (as the engine runs them) in row
    /// bands, with a descriptor per run of equal bands. With a `weightWindow` (a power of two)
    /// shorter than the longest window, the PEs' weight buffers hold that many beats and a
    /// layer whose window is longer runs in input-channel chunks, the partial-sum buffer as
    /// deep as its largest band needs. Nil when one pooled row of a layer (of one chunk of it)
    /// does not fit, or one channel group of a kernel does not fit the window.
    public init?(wordlength: Int, pes: Int, maccs: Int, columns: Int = 1, running layers: [LayerGeometry],
                 activationDepth: Int?, outputDepth: Int?, weightWindow: Int? = nil, sharedLineWidth: Int? = nil) {
        func depth(_ size: (Int) -> Int) -> Int { max(2, nextPowerOfTwo(layers.indices.map(size).max()!)) }
        let window = depth { layers[$0].beats(maccs: maccs) }
        let chunking = weightWindow.flatMap { $0 < window ? $0 : nil }
        var model = EngineCycleModel(pes: pes, maccs: maccs, chunkedWindow: chunking)
        var chunks: [Int] = []
        for layer in layers {
            guard let k = model.chunks(layer) else { return nil }
            chunks.append(k)
        }
        model.activationDepth = activationDepth ?? depth { layers[$0].inputLines(maccs: maccs) / chunks[$0] }
        model.outputDepth = outputDepth ?? depth { layers[$0].outputEntries(pes: pes, maccs: maccs) }
        var descriptors = 0, partialSums = 2
        for (l, layer) in layers.enumerated() {
            guard let runs = model.bandRuns(layer) else { return nil }
            descriptors += runs.count
            if chunks[l] > 1 {
                partialSums = runs.map { layer.restricted(to: $0.first).partialSums(pes: pes) }.reduce(partialSums, max)
            }
        }
        let chunked = chunks.max()! > 1
        self.init(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, maxWindow: chunking ?? window,
                  activationDepth: model.activationDepth, outputDepth: model.outputDepth, maxLayers: descriptors,
                  sharedLineWidth: sharedLineWidth, maxChunks: chunks.max()!,
                  partialSumDepth: chunked ? nextPowerOfTwo(partialSums) : nil)
    }

    /// The smallest buffer depths (powers of two) that hold one pooled row of each of `layers`
    /// (as the engine runs them, a chunk of `chunks[l]` at a time; nil: whole windows): the
    /// least on-chip memory the layer engine can run them with.
    public static func smallestDepths(pes: Int, maccs: Int, layers: [LayerGeometry],
                                      chunks: [Int]? = nil) -> (activation: Int, output: Int) {
        var (activation, output) = (2, 2)
        for (l, layer) in layers.enumerated() {
            for band in layer.bands(pooledRowsPerBand: 1) {
                let g = layer.restricted(to: band)
                activation = max(activation, nextPowerOfTwo(g.inputLines(maccs: maccs) / (chunks?[l] ?? 1)))
                output = max(output, nextPowerOfTwo(g.outputEntries(pes: pes, maccs: maccs)))
            }
        }
        return (activation, output)
    }

    /// The weight windows (powers of two, longest first) an engine of K_t = `maccs` can run
    /// `layers` with: from the longest window down to one channel group of the largest kernel
    /// (a window that is an image's lines chunks down to a line).
    public static func weightWindows(maccs: Int, layers: [LayerGeometry]) -> [Int] {
        let longest = max(2, nextPowerOfTwo(layers.map { $0.beats(maccs: maccs) }.max()!))
        let shortest = max(2, nextPowerOfTwo(layers.map { $0.windowsAreImages ? 1 : $0.kernelHeight * $0.kernelWidth }.max()!))
        return (0..<32).map { longest >> $0 }.filter { $0 >= shortest }
    }
}
