/// The layer engine: runs a CNN one layer per descriptor on MM units of P PEs × K_t MACCs, one
/// per output column it computes in parallel (Q), reaching weights and activations through one
/// memory port. The LPU and the HPU are each one.
///
/// Every layer is a convolution over an input held as lines of K_t channels (a fully
/// connected layer is the convolution whose kernel covers its whole input): the reduction
/// runs over taps and channel groups, an order the exact accumulation makes free to choose.
/// Per descriptor, in phases, each the work of one sub-module:
/// 1. *fetch* the descriptor from the register file (`EngineRegisterFile`, `DescriptorFetch`);
/// 2. *load the input* rows of the band into the activation buffer (`LineLoader`), where they
///    stay for the whole band: every tile of output channels reuses them, so they are read once;
/// 3. per tile of P output channels, *load its biases and weights* (P·beats lines), then
///    *compute*, while the next tile's biases and weights load into the other half of the
///    double-buffered weight buffers (*prefetch*): sweep every output position, gathering each beat's K_t activations from
///    the buffer at the addresses of the on-the-fly im2col (`Im2colAddressGenerator`;
///    padding reads zero); the weights stay in the PEs' buffers for all M positions. With
///    Q > 1 the sweep takes Q neighbouring columns of an output row at a time, each MM unit
///    reading its own copy of the activation buffer, all sharing the weights;
/// 4. add the bias, requantise and apply ReLU (`Requantiser`, one column per cycle through
///    the `ColumnDrain` when Q > 1), keeping the outputs in the output buffer;
/// 5. *write back*: max-pool the output buffer (a 1×1 window when the layer has no pooling)
///    and write the lines out, waiting for every write to complete (`PoolingWriter`);
/// 6. while the descriptor's bands are not done, move its input and output on (*next band*)
///    and go back to 2. A layer whose maps fit the buffers is one band.
///
/// A layer whose window is longer than the weight buffers runs steps 2–4 once per
/// input-channel chunk (*next chunk*), adding each position's sums to those the chunks before
/// kept in the partial-sum buffer (`PartialSums`); only the last chunk's go to the output buffer.
///
/// A start runs the descriptors `firstLayer` ..< `layerCount`: a batch's per-image layers run
/// once per image (each at its `imageOffset`), then the layers the batch shares, each a start.
///
/// Ports: the memory port (`mem_*`, `MemoryPort`, master) and the register port (`reg_*`,
/// `RegisterPort`, slave; map in `EngineRegister`).
@dynamicMemberLookup
public struct LayerEngine: Module {
    /// What the engine is: read its parameters through it (`engine.pes`, `engine.lineWidth`).
    public let configuration: EngineConfiguration
    /// The configuration's buffer depths, which an engine that is generated has.
    public let activationDepth: Int, outputDepth: Int

    public init(_ configuration: EngineConfiguration) throws {
        let c = configuration
        try UnitParameterError.check("engine", "wordlength", c.wordlength, in: 2...16)
        try UnitParameterError.check("engine", "pes", c.pes, in: 1...1024)
        try UnitParameterError.check("engine", "maccs", c.maccs, in: 1...1024)
        try UnitParameterError.check("engine", "columns", c.columns, in: 1...EngineConfiguration.maximumColumns)
        try UnitParameterError.check("engine", "addressWidth", c.addressWidth, in: 8...32)
        try UnitParameterError.check("engine", "maxLayers", c.maxLayers, in: 1...EngineConfiguration.maximumDescriptors)
        guard let activationDepth = c.activationDepth, let outputDepth = c.outputDepth else {
            throw UnitParameterError(unit: "engine", parameter: "buffers (an idealised engine, known by its GEMMs alone, has none): "
                                     + "activationDepth", value: 0, allowed: EngineConfiguration.bufferDepths)
        }
        for (name, depth) in [("activationDepth", activationDepth), ("outputDepth", outputDepth), ("maxWindow", c.maxWindow)] {
            try UnitParameterError.checkPowerOfTwo("engine", name, depth, in: EngineConfiguration.bufferDepths)
        }
        guard c.pes % c.maccs == 0 || c.maccs % c.pes == 0 else {
            throw UnitParameterError(unit: "engine", parameter: "pes (a multiple or a divisor of maccs = \(c.maccs))",
                                     value: c.pes, allowed: 1...1024)
        }
        if let lineWidth = c.sharedLineWidth {
            try UnitParameterError.checkPowerOfTwo("engine", "lineWidth", lineWidth,
                                                   in: c.minimumLineWidth...max(c.minimumLineWidth, EngineConfiguration.maximumLineWidth))
        }
        guard c.lineWidth <= EngineConfiguration.maximumLineWidth else {
            throw UnitParameterError(
                unit: "engine", parameter: "memory line (\(c.maccs) MACCs × \(c.wordlength) bits, or the \(c.biasWidth)-bit bias, "
                    + "rounded up to a power of two; AXI4 carries at most \(EngineConfiguration.maximumLineWidth) bits): lineWidth",
                value: c.lineWidth, allowed: 32...EngineConfiguration.maximumLineWidth)
        }
        try c.mix?.check(pes: c.pes, wordlength: c.wordlength, unit: "engine")
        try UnitParameterError.check("engine", "maxChunks", c.maxChunks, in: 1...(1 << 16))
        if c.hasPartialSums {
            try UnitParameterError.checkPowerOfTwo("engine", "partialSumDepth", c.partialSumDepth ?? 0, in: EngineConfiguration.bufferDepths)
        }
        self.configuration = configuration
        self.activationDepth = activationDepth
        self.outputDepth = outputDepth
    }

    public subscript<T>(dynamicMember member: KeyPath<EngineConfiguration, T>) -> T { configuration[keyPath: member] }

    public var name: String {
        let c = configuration
        return "engine_w\(c.wordlength)_p\(c.pes)_k\(c.maccs)_a\(activationDepth)_o\(outputDepth)_b\(c.maxWindow)"
            + "_m\(c.addressWidth)_l\(c.maxLayers)" + (c.lineWidth == c.minimumLineWidth ? "" : "_d\(c.lineWidth)")
            + (c.columns == 1 ? "" : "_q\(c.columns)") + (c.mix?.nameSuffix(pes: c.pes) ?? "")
            + (c.hasPartialSums ? "_c\(c.maxChunks)_s\(c.partialSumDepth!)" : "")
    }
    public var summary: String {
        "layer engine, \(configuration), \(configuration.lineWidth)-bit memory port"
    }
    /// The buffers' sizes, as the command line reports them.
    public var bufferSummary: String {
        let c = configuration
        return "\(activationDepth) activation lines, \(outputDepth) output entries, \(c.maxWindow) weight beats"
            + (c.hasPartialSums ? ", \(c.partialSumDepth!) partial-sum entries (up to \(c.maxChunks) input-channel chunks a layer)" : "")
    }

    public var matrixMultiplyUnit: MatrixMultiplyUnit {
        // init checked the ranges the MM unit accepts.
        // Its accumulators hold a whole reduction: every chunk's sums added to the partial sums.
        try! MatrixMultiplyUnit(wordlength: configuration.wordlength, pes: configuration.pes, maccs: configuration.maccs,
                                maxWindow: configuration.maxWindow * configuration.maxChunks, mix: configuration.mix)
    }

    var layerWidth: Int { bitsToHold(configuration.maxLayers) }
    let dimensionWidth = 16
    /// Bits of a signed position that a window's origin (padding included) can take.
    var coordinateWidth: Int { dimensionWidth + 2 }
    var shiftWidth: Int { bitsToHold(configuration.maxShift + configuration.shiftOffset) }
    var countWidth: Int { bitsToHold(max(activationDepth, configuration.pes * configuration.maxWindow, configuration.pes)) }

    func fieldType(_ field: DescriptorField) -> SignalType {
        switch field {
        case .inputAddress, .outputAddress, .weightAddress, .biasAddress, .inputSkip, .outputSkip, .inputAdvance, .outputAdvance,
             .chunkAdvance:
            return .uint(configuration.addressWidth)
        case .inputLines, .inputSegment: return .uint(bitsToHold(activationDepth))
        case .beats: return .uint(bitsToHold(configuration.maxWindow))
        case .outputPositions: return .uint(bitsToHold(outputDepth))
        case .shift: return .uint(shiftWidth)
        case .relu: return .bool
        case .lastLanes: return .uint(bitsToHold(configuration.maccs))
        default: return .uint(dimensionWidth)
        }
    }

    /// −`value` as a signed coordinate: a window's first row or column, before the padding.
    func negated(_ value: Signal) -> Signal {
        (Signal.constant(0, .sint(coordinateWidth)) - value).truncated(to: coordinateWidth)
    }
    enum Phase: CaseIterable {
        case idle, fetch, nextBand, nextChunk, loadInput, loadBias, loadWeights, compute, writeBack
    }
    /// The next tile's load while the current one computes.
    enum Prefetch: CaseIterable {
        case idle, bias, weights, ready
    }

    public func build(_ m: ModuleBuilder) throws {
        let control = try buildControl(m)
        let loads = try buildLoads(m, control)
        let compute = try buildCompute(m, control, loads)
        let output = try buildOutput(m, control, loads, compute)
        buildTileSequencing(m, control, loads, output)
        buildLayerSequencing(m, control, loads, output)
    }
}
