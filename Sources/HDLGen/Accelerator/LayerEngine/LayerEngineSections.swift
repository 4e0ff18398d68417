/// The sections of `LayerEngine.build`, in the order they elaborate: control (phase, register
/// file, descriptor fetch, bands), loads (the line loader and the buffers it fills), compute
/// (the im2col and the MM units), output (requantiser and writer), and the sequencing that
/// moves the phases on.
extension LayerEngine {
    /// The engine's phase and layer, and the descriptor it runs.
    struct Control {
        let memPort: PortGroup<MemoryPort>
        let phase: StateMachine<Phase>
        let layer: Signal, cycles: Signal, done: Signal, busy: Signal
        let registers: Instance, fetch: Instance
        let descriptor: PortGroup<DescriptorBus>
        /// The cycle that reads the descriptor's last field; the first cycle of a band.
        let fetched: Signal, bandStart: Signal
        /// The band, and where its input and output start within the layer's maps.
        let band: Signal, inputOffset: Signal, outputOffset: Signal
        /// The band's input-channel chunk, where its input starts within the band's, and
        /// whether it is the band's last.
        let chunk: Signal, chunkOffset: Signal, lastChunk: Signal
        let imageOffset: Signal
        let addressWidth: Int

        func field(_ f: DescriptorField) -> Signal { descriptor[f] }

        /// A descriptor's address moved to the current image and band.
        func located(_ address: DescriptorField, _ offset: Signal) -> Signal {
            (field(address) + imageOffset + offset).truncated(to: addressWidth)
        }
    }

    /// The line loader and what it fills: the activation buffer (a copy per column), the
    /// biases and the double-buffered weight buffers, with the pointers and prefetch state.
    struct Loads {
        let loader: Instance
        let tile: Signal, biasPointer: Signal, weightPointer: Signal
        let prefetch: StateMachine<Prefetch>
        /// The half of the weight buffers the current tile reads.
        let bank: Signal
        let activations: [Memory], weightBuffers: [Memory]
        let biases: [Signal], nextBiases: [Signal]

        var loaded: Signal { loader.port("loaded") }
        var readAddress: Signal { loader.port("read_address") }
    }

    /// The im2col address generator and the MM units it feeds, one per column.
    struct Compute {
        let im2col: Instance
        let mms: [Instance]
    }

    /// The writer the requantiser stores into, whether it is storing the band's last tile,
    /// and the compute stage before it.
    struct OutputStage {
        let writer: Instance
        let lastTile: Signal
        let compute: Compute
    }

    func buildControl(_ m: ModuleBuilder) throws -> Control {
        let c = configuration
        let memPort = m.port(memoryPort, prefix: "mem", as: .master)
        let phase = m.stateMachine("phase", Phase.self, reset: .idle)
        let layer = m.register("layer", .uint(layerWidth), reset: 0)
        let cycles = m.register("cycles", .uint(48), reset: 0)
        let done = m.register("done_q", .bool, reset: 0)
        let busy = m.wire("busy_w", !phase.is(.idle))
        m.when(busy) { m.increment(cycles) }

        // Register file and descriptor fetch
        let registers = try m.instance(EngineRegisterFile(engine: self), name: "registers")
        m.expose(registers.port(registerPort, prefix: "reg", as: .slave), prefix: "reg")
        m.connect(registers.port("busy"), to: busy)
        m.connect(registers.port("done"), to: done)
        m.connect(registers.port("cycles"), to: cycles)
        let fetch = try m.instance(DescriptorFetch(engine: self), name: "fetch")
        m.connect(fetch.port("fetching"), to: phase.is(.fetch))
        m.connect(fetch.port("word"), to: registers.port("descriptor_word"))
        m.connect(registers.port("descriptor_address"),
                  to: .concatenation([layer.truncated(to: ceilLog2(c.layerSlots)), fetch.port("field_index")]))
        let descriptor = fetch.port(DescriptorBus(engine: self), prefix: "descriptor", as: .master)
        let fetched = phase.is(.fetch) & fetch.port("last_field")

        // Bands: where the current one's input and output start
        let band = m.register("band", .uint(dimensionWidth), reset: 0)
        let inputOffset = m.register("band_input_offset", .uint(c.addressWidth), reset: 0)
        let outputOffset = m.register("band_output_offset", .uint(c.addressWidth), reset: 0)
        let chunk = m.register("chunk", .uint(dimensionWidth), reset: 0)
        let chunkOffset = m.register("chunk_input_offset", .uint(c.addressWidth), reset: 0)
        let lastChunk = m.wire("last_chunk", chunk + 1 >= descriptor[.chunks])
        return Control(memPort: memPort, phase: phase, layer: layer, cycles: cycles, done: done, busy: busy,
                       registers: registers, fetch: fetch, descriptor: descriptor, fetched: fetched,
                       bandStart: fetched | phase.is(.nextBand), band: band, inputOffset: inputOffset,
                       outputOffset: outputOffset, chunk: chunk, chunkOffset: chunkOffset, lastChunk: lastChunk,
                       imageOffset: registers.port("image_offset"), addressWidth: c.addressWidth)
    }

    /// The band's (or chunk's) input rows load into every activation-buffer copy; per tile its biases and
    /// weights, the next tile's (prefetch) into the other half of the weight buffers.
    func buildLoads(_ m: ModuleBuilder, _ control: Control) throws -> Loads {
        let c = configuration, lineWords = c.maccs * c.wordlength, phase = control.phase, memPort = control.memPort
        let loader = try m.instance(LineLoader(engine: self), name: "loader")
        let responseIndex = loader.port("response_index")
        let tile = m.register("tile", .uint(dimensionWidth))
        let biasPointer = m.register("bias_pointer", .uint(c.addressWidth))
        let weightPointer = m.register("weight_pointer", .uint(c.addressWidth))
        let prefetch = m.stateMachine("prefetch", Prefetch.self, reset: .idle)
        // The half of the weight buffers the current tile reads; the next tile's loads into the other.
        let bank = m.register("weight_bank", .bool, reset: 0)
        m.connect(loader.port("active"), to: phase.is(.loadInput) | phase.is(.loadBias) | phase.is(.loadWeights)
                    | prefetch.is(.bias) | prefetch.is(.weights))
        m.connect(loader.port("beats"), to: control.field(.beats))
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
        return Loads(loader: loader, tile: tile, biasPointer: biasPointer, weightPointer: weightPointer, prefetch: prefetch,
                     bank: bank, activations: activations, weightBuffers: weightBuffers, biases: biases, nextBiases: nextBiases)
    }

    /// The im2col address generator feeds each column's MM unit one beat per cycle: its line
    /// of the activation buffer (zero in the padding) against the PEs' weights of that beat.
    func buildCompute(_ m: ModuleBuilder, _ control: Control, _ loads: Loads) throws -> Compute {
        let c = configuration, q = c.columns
        let im2col = try m.instance(Im2colAddressGenerator(engine: self), name: "im2col")
        m.feed(im2col.port(DescriptorBus(engine: self, fields: Im2colAddressGenerator.fields), prefix: "descriptor", as: .slave),
               from: control.descriptor)
        let weightWords = (0..<c.pes).map { p in
            m.register("weight_word_\(p)", next: loads.weightBuffers[p].read(.concatenation([loads.bank, im2col.port("beat_index")])))
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
            let activationWord = m.register("activation_word" + suffix, next: loads.activations[j].read(address))
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
        return Compute(im2col: im2col, mms: mms)
    }

    /// Bias, requantisation and ReLU (a column per cycle through the drain when Q > 1), the
    /// output buffer, and the pooling write-back.
    func buildOutput(_ m: ModuleBuilder, _ control: Control, _ loads: Loads, _ compute: Compute) throws -> OutputStage {
        let c = configuration, phase = control.phase, mms = compute.mms
        let requantiser = try m.instance(Requantiser(engine: self), name: "requantiser")
        var (valid, sums) = (mms[0].port("done"), mms[0].port("acc"))
        if c.columns > 1 {
            let drain = try m.instance(ColumnDrain(engine: self), name: "drain")
            m.connect(drain.port("done"), to: mms[0].port("done"))
            for (j, mm) in mms.enumerated() { m.connect(drain.port("acc_\(j)"), to: mm.port("acc")) }
            // A group's columns reach the drain with its sums: after the beat register and the MM units.
            m.connect(drain.port("lanes"), to: m.delayed(compute.im2col.port("lanes"), by: 1 + c.latency, name: "group_lanes"))
            (valid, sums) = (drain.port("valid"), drain.port("sums"))
        }
        if c.hasPartialSums {
            let partialSums = try m.instance(PartialSums(engine: self), name: "partial_sums")
            m.connect(partialSums.port("clear"), to: control.bandStart | phase.is(.nextChunk))
            m.connect(partialSums.port("first"), to: control.chunk == 0)
            m.connect(partialSums.port("last"), to: control.lastChunk)
            m.connect(partialSums.port("valid"), to: valid)
            m.connect(partialSums.port("acc"), to: sums)
            (valid, sums) = (partialSums.port("sum_valid"), partialSums.port("sums"))
        }
        m.connect(requantiser.port("valid"), to: valid)
        m.connect(requantiser.port("acc"), to: sums)
        m.connect(requantiser.port("bias"), toElements: loads.biases)
        m.connect(requantiser.port("shift"), to: control.field(.shift))
        m.connect(requantiser.port("relu"), to: control.field(.relu))
        let writer = try m.instance(PoolingWriter(engine: self), name: "writer")
        m.feed(writer.port(DescriptorBus(engine: self, fields: PoolingWriter.fields), prefix: "descriptor", as: .slave),
               from: control.descriptor)
        let tileDone = writer.port("tile_done")
        let lastTile = loads.tile + 1 == control.field(.tiles)
        m.connect(writer.port("clear"), to: control.bandStart | phase.is(.nextChunk))
        m.connect(writer.port("output_address"), to: control.located(.outputAddress, control.outputOffset))
        m.connect(writer.port("computing"), to: phase.is(.compute))
        m.connect(writer.port("store_valid"), to: requantiser.port("word_valid"))
        m.connect(writer.port("store_enable"), to: control.lastChunk)
        m.connect(writer.port("words"), to: requantiser.port("words"))
        m.connect(writer.port("start"), to: phase.is(.compute) & tileDone & lastTile & control.lastChunk)
        m.connect(writer.port("writing"), to: phase.is(.writeBack))
        m.connect(writer.port("request_ready"), to: control.memPort.requestReady)
        m.connect(writer.port("write_done"), to: control.memPort.writeDone)
        return OutputStage(writer: writer, lastTile: lastTile, compute: compute)
    }
}
