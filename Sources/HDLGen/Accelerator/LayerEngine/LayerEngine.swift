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
    }
    public var summary: String {
        "layer engine, \(configuration), \(configuration.lineWidth)-bit memory port"
    }

    public var matrixMultiplyUnit: MatrixMultiplyUnit {
        // init checked the ranges the MM unit accepts.
        try! MatrixMultiplyUnit(wordlength: configuration.wordlength, pes: configuration.pes, maccs: configuration.maccs,
                                maxWindow: configuration.maxWindow, mix: configuration.mix)
    }

    var layerWidth: Int { bitsToHold(configuration.maxLayers) }
    let dimensionWidth = 16
    /// Bits of a signed position that a window's origin (padding included) can take.
    var coordinateWidth: Int { dimensionWidth + 2 }
    var shiftWidth: Int { bitsToHold(configuration.maxShift + configuration.shiftOffset) }
    var countWidth: Int { bitsToHold(max(activationDepth, configuration.pes * configuration.maxWindow, configuration.pes)) }

    func fieldType(_ field: DescriptorField) -> SignalType {
        switch field {
        case .inputAddress, .outputAddress, .weightAddress, .biasAddress, .inputSkip, .outputSkip, .inputAdvance, .outputAdvance:
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
        case idle, fetch, nextBand, loadInput, loadBias, loadWeights, compute, writeBack
    }
    /// The next tile's load while the current one computes.
    enum Prefetch: CaseIterable {
        case idle, bias, weights, ready
    }

    public func build(_ m: ModuleBuilder) throws {
        let c = configuration, lineWords = c.maccs * c.wordlength
        let memPort = m.port(memoryPort, prefix: "mem", as: .master)
        let phase = m.stateMachine("phase", Phase.self, reset: .idle)
        let layer = m.register("layer", .uint(layerWidth), reset: 0)
        let cycles = m.register("cycles", .uint(48), reset: 0)
        let done = m.register("done_q", .bool, reset: 0)
        let busy = m.wire("busy_w", !phase.is(.idle))
        m.when(busy) { m.increment(cycles) }

        // MARK: Register file and descriptor fetch
        let registers = try m.instance(EngineRegisterFile(engine: self), name: "registers")
        m.expose(registers.port(registerPort, prefix: "reg", as: .slave), prefix: "reg")
        m.connect(registers.port("busy"), to: busy)
        m.connect(registers.port("done"), to: done)
        m.connect(registers.port("cycles"), to: cycles)
        let start = registers.port("start"), layerCount = registers.port("layer_count")
        let firstLayer = registers.port("first_layer")
        let imageOffset = registers.port("image_offset")
        let fetch = try m.instance(DescriptorFetch(engine: self), name: "fetch")
        m.connect(fetch.port("fetching"), to: phase.is(.fetch))
        m.connect(fetch.port("word"), to: registers.port("descriptor_word"))
        m.connect(registers.port("descriptor_address"),
                  to: .concatenation([layer.truncated(to: ceilLog2(c.layerSlots)), fetch.port("field_index")]))
        let descriptor = fetch.port(DescriptorBus(engine: self), prefix: "descriptor", as: .master)
        func field(_ f: DescriptorField) -> Signal { descriptor[f] }
        let fetched = phase.is(.fetch) & fetch.port("last_field")

        // MARK: Bands: where the current one's input and output start
        let band = m.register("band", .uint(dimensionWidth), reset: 0)
        let inputOffset = m.register("band_input_offset", .uint(c.addressWidth), reset: 0)
        let outputOffset = m.register("band_output_offset", .uint(c.addressWidth), reset: 0)
        let bandStart = fetched | phase.is(.nextBand)
        func located(_ address: DescriptorField, _ offset: Signal) -> Signal {
            (field(address) + imageOffset + offset).truncated(to: c.addressWidth)
        }

        // MARK: Loads: the band's input rows, then per tile its biases and weights
        let loader = try m.instance(LineLoader(engine: self), name: "loader")
        let loaded = loader.port("loaded"), readAddress = loader.port("read_address")
        let responseIndex = loader.port("response_index")
        let tile = m.register("tile", .uint(dimensionWidth))
        let biasPointer = m.register("bias_pointer", .uint(c.addressWidth))
        let weightPointer = m.register("weight_pointer", .uint(c.addressWidth))
        let prefetch = m.stateMachine("prefetch", Prefetch.self, reset: .idle)
        // The half of the weight buffers the current tile reads; the next tile's loads into the other.
        let bank = m.register("weight_bank", .bool, reset: 0)
        m.connect(loader.port("active"), to: phase.is(.loadInput) | phase.is(.loadBias) | phase.is(.loadWeights)
                    | prefetch.is(.bias) | prefetch.is(.weights))
        m.connect(loader.port("beats"), to: field(.beats))
        m.connect(loader.port("request_ready"), to: memPort.requestReady)
        m.connect(loader.port("read_valid"), to: memPort.readValid)
        let q = c.columns
        let activations = (0..<q).map { j in
            m.memory(q == 1 ? "activations" : "activations_\(j)", .uint(lineWords), depth: activationDepth, style: .block)
        }
        m.when(memPort.readValid & phase.is(.loadInput)) {
            for copy in activations {
                m.write(copy, address: responseIndex.truncated(to: ceilLog2(activationDepth)),
                        data: memPort.readData.bits(lineWords - 1, 0))
            }
        }
        let biases = (0..<c.pes).map { p in m.register("bias_\(p)", .sint(c.biasWidth)) }
        let nextBiases = (0..<c.pes).map { p in m.register("next_bias_\(p)", .sint(c.biasWidth)) }
        let weightBuffers = (0..<c.pes).map { p in
            m.memory("weights_\(p)", .uint(lineWords), depth: 2 * c.maxWindow, style: .block)
        }
        let fillBank = m.mux(phase.is(.loadWeights), bank, !bank)
        let bias = memPort.readData.bits(c.biasWidth - 1, 0).asSInt
        for p in 0..<c.pes {
            m.when(memPort.readValid & phase.is(.loadBias) & (responseIndex == p)) { m.connect(biases[p], to: bias) }
            m.when(memPort.readValid & prefetch.is(.bias) & (responseIndex == p)) { m.connect(nextBiases[p], to: bias) }
            m.when(memPort.readValid & (phase.is(.loadWeights) | prefetch.is(.weights)) & (loader.port("response_pe") == p)) {
                let beat = loader.port("response_beat").truncated(to: ceilLog2(c.maxWindow))
                m.write(weightBuffers[p], address: .concatenation([fillBank, beat]), data: memPort.readData.bits(lineWords - 1, 0))
            }
        }

        // MARK: Compute: the im2col address generator feeds the MM unit one beat per cycle
        let im2col = try m.instance(Im2colAddressGenerator(engine: self), name: "im2col")
        m.feed(im2col.port(DescriptorBus(engine: self, fields: Im2colAddressGenerator.fields), prefix: "descriptor", as: .slave),
               from: descriptor)
        let weightWords = (0..<c.pes).map { p in
            m.register("weight_word_\(p)", next: weightBuffers[p].read(.concatenation([bank, im2col.port("beat_index")])))
        }
        let beatValid = m.register("beat_valid", next: im2col.port("valid"), reset: 0)
        let beatFirst = m.register("beat_first", next: im2col.port("first"))
        let beatLast = m.register("beat_last", next: im2col.port("last"))
        let zero = Signal.constant(0, .sint(c.wordlength))
        let addressWidth = ceilLog2(activationDepth)
        let mms = try (0..<q).map { j in
            // Column j's line of the beat: the im2col's address j, zero in the padding.
            let suffix = q == 1 ? "" : "_\(j)"
            let address = q == 1 ? im2col.port("address") : im2col.port("address").bits((j + 1) * addressWidth - 1, j * addressWidth)
            let inBounds = q == 1 ? im2col.port("in_bounds") : im2col.port("in_bounds").bit(j)
            let activationWord = m.register("activation_word" + suffix, next: activations[j].read(address))
            let beatInside = m.register("beat_inside" + suffix, next: inBounds)
            let mm = try m.instance(matrixMultiplyUnit, name: "mm" + suffix)
            m.connect(mm.port("a"), toElements: (0..<c.maccs).map { k in
                m.mux(beatInside, activationWord.bits((k + 1) * c.wordlength - 1, k * c.wordlength).asSInt, zero)
            })
            m.connect(mm.port("w"), to: .concatenation(weightWords.reversed()))
            m.connect(mm.port("valid"), to: beatValid)
            m.connect(mm.port("first"), to: beatFirst)
            m.connect(mm.port("last"), to: beatLast)
            return mm
        }

        // MARK: Requantisation, then the output buffer and the write-back
        let requantiser = try m.instance(Requantiser(engine: self), name: "requantiser")
        if q == 1 {
            m.connect(requantiser.port("valid"), to: mms[0].port("done"))
            m.connect(requantiser.port("acc"), to: mms[0].port("acc"))
        } else {
            let drain = try m.instance(ColumnDrain(engine: self), name: "drain")
            m.connect(drain.port("done"), to: mms[0].port("done"))
            for (j, mm) in mms.enumerated() { m.connect(drain.port("acc_\(j)"), to: mm.port("acc")) }
            // A group's columns reach the drain with its sums: after the beat register and the MM units.
            m.connect(drain.port("lanes"), to: m.delayed(im2col.port("lanes"), by: 1 + c.latency, name: "group_lanes"))
            m.connect(requantiser.port("valid"), to: drain.port("valid"))
            m.connect(requantiser.port("acc"), to: drain.port("sums"))
        }
        m.connect(requantiser.port("bias"), toElements: biases)
        m.connect(requantiser.port("shift"), to: field(.shift))
        m.connect(requantiser.port("relu"), to: field(.relu))
        let writer = try m.instance(PoolingWriter(engine: self), name: "writer")
        m.feed(writer.port(DescriptorBus(engine: self, fields: PoolingWriter.fields), prefix: "descriptor", as: .slave),
               from: descriptor)
        let tileDone = writer.port("tile_done"), written = writer.port("written")
        let lastTile = tile + 1 == field(.tiles)
        m.connect(writer.port("clear"), to: bandStart)
        m.connect(writer.port("output_address"), to: located(.outputAddress, outputOffset))
        m.connect(writer.port("computing"), to: phase.is(.compute))
        m.connect(writer.port("store_valid"), to: requantiser.port("word_valid"))
        m.connect(writer.port("words"), to: requantiser.port("words"))
        m.connect(writer.port("start"), to: phase.is(.compute) & tileDone & lastTile)
        m.connect(writer.port("writing"), to: phase.is(.writeBack))
        m.connect(writer.port("request_ready"), to: memPort.requestReady)
        m.connect(writer.port("write_done"), to: memPort.writeDone)

        // MARK: Sequencing
        // The next tile starts once this one is done and its weights are in; the one after
        // that (if any) starts loading at once.
        let waiting = m.register("waiting_for_weights", .bool, reset: 0)
        let prefetched = prefetch.is(.ready) | (prefetch.is(.weights) & loaded)
        let nextTile = m.wire("next_tile", phase.is(.compute) & (tileDone | waiting) & !lastTile & prefetched)
        let tileAfterNext = tile + 2 < field(.tiles)
        let computeStart = phase.is(.loadWeights) & loaded
        let prefetchStart = (computeStart & !lastTile) | (nextTile & tileAfterNext)
        m.connect(im2col.port("start"), to: computeStart | nextTile)
        let inputLoad = bandStart, biasLoad = (phase.is(.loadInput) & loaded) | prefetchStart
        let weightLoad = (phase.is(.loadBias) | prefetch.is(.bias)) & loaded
        m.connect(loader.port("start"), to: inputLoad | biasLoad | weightLoad)
        m.connect(loader.port("address"), to: m.mux(inputLoad, located(.inputAddress, inputOffset),
                                                    m.mux(biasLoad, biasPointer, weightPointer)))
        let parameterLines = m.mux(biasLoad, .constant(c.pes, .uint(countWidth)),
                                   (field(.beats).resized(to: countWidth) * c.pes).truncated(to: countWidth))
        m.connect(loader.port("lines"), to: m.mux(inputLoad, field(.inputLines).resized(to: countWidth), parameterLines))
        // Biases and weights are consecutive lines: one segment.
        m.connect(loader.port("segment"), to: m.mux(inputLoad, field(.inputSegment).resized(to: countWidth), parameterLines))
        m.connect(loader.port("skip"), to: m.mux(inputLoad, field(.inputSkip), .constant(0, .uint(c.addressWidth))))
        let bandWritten = phase.is(.writeBack) & written, lastBand = band + 1 >= field(.bands)
        let layerWritten = bandWritten & lastBand, lastLayer = layer + 1 == layerCount
        m.connect(fetch.port("restart"), to: (phase.is(.idle) & start) | (layerWritten & !lastLayer))
        // The count including this cycle, so that layer 0's entry is its whole time.
        m.connect(registers.port("cycle_write"), to: layerWritten)
        m.connect(registers.port("cycle_slot"), to: layer.truncated(to: ceilLog2(c.layerSlots)))
        m.connect(registers.port("cycle_value"), to: (cycles + 1).bits(31, 0))
        m.when(phase.is(.idle) & start) {
            m.assign(cycles, 0)
            m.assign(done, 0)
            m.connect(layer, to: firstLayer)
            m.when(firstLayer < layerCount) { phase.go(to: .fetch) } otherwise: { m.assign(done, 1) }
        }
        for state in [Phase.fetch, .nextBand] {
            m.when(phase.is(state) & bandStart) {
                phase.go(to: .loadInput)
                m.connect(biasPointer, to: field(.biasAddress))
                m.connect(weightPointer, to: field(.weightAddress))
                m.assign(tile, 0)
            }
        }
        m.when(phase.is(.loadInput) & loaded) { phase.go(to: .loadBias) }
        // A tile's biases, then its weights, in (now or ahead): each pointer moves to the next tile's.
        m.when(weightLoad) { m.connect(biasPointer, to: readAddress) }
        m.when((phase.is(.loadWeights) | prefetch.is(.weights)) & loaded) { m.connect(weightPointer, to: readAddress) }
        m.when(phase.is(.loadBias) & loaded) { phase.go(to: .loadWeights) }
        m.when(phase.is(.loadWeights) & loaded) { phase.go(to: .compute) }
        m.when(prefetch.is(.bias) & loaded) { prefetch.go(to: .weights) }
        m.when(prefetch.is(.weights) & loaded) { prefetch.go(to: .ready) }
        m.when(phase.is(.compute) & tileDone & !lastTile & !prefetched) { m.assign(waiting, 1) }
        m.when(nextTile) {
            m.assign(waiting, 0)
            m.increment(tile)
            m.connect(bank, to: !bank)
            for p in 0..<c.pes { m.connect(biases[p], to: nextBiases[p]) }
        }
        // The next tile's loads are in (or their last response is): the one after it starts.
        for state in [Prefetch.ready, .weights] {
            m.when(nextTile & prefetch.is(state)) {
                m.when(tileAfterNext) { prefetch.go(to: .bias) } otherwise: { prefetch.go(to: .idle) }
            }
        }
        m.when(prefetch.is(.idle) & computeStart & !lastTile) { prefetch.go(to: .bias) }
        m.when(phase.is(.compute) & tileDone & lastTile) {
            m.increment(tile)
            phase.go(to: .writeBack)
        }
        m.when(bandWritten & !lastBand) {
            phase.go(to: .nextBand)
            m.increment(band)
            m.connect(inputOffset, to: (inputOffset + field(.inputAdvance)).truncated(to: c.addressWidth))
            m.connect(outputOffset, to: (outputOffset + field(.outputAdvance)).truncated(to: c.addressWidth))
        }
        m.when(layerWritten) {
            m.assign(band, 0)
            m.assign(inputOffset, 0)
            m.assign(outputOffset, 0)
            m.when(lastLayer) {
                phase.go(to: .idle)
                m.assign(done, 1)
            } otherwise: {
                m.increment(layer)
                phase.go(to: .fetch)
            }
        }

        let writing = phase.is(.writeBack)
        m.connect(memPort.requestValid, to: m.mux(writing, writer.port("request_valid"), loader.port("requesting")))
        m.connect(memPort.requestWrite, to: writing)
        m.connect(memPort.requestAddress, to: m.mux(writing, writer.port("request_address"), readAddress))
        m.connect(memPort.requestData, to: writer.port("request_data"))
        m.output("base_address", registers.port("base_address"))
        m.output("busy", busy)
        m.output("done", done)
        m.output("current_layer", layer)
        m.output("loading_weights", phase.is(.loadWeights) | prefetch.is(.weights))
    }
}
