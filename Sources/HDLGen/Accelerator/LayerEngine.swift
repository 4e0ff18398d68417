/// The layer engine: runs a CNN one layer per descriptor on an MM unit of P PEs × K_t MACCs,
/// reaching weights and activations through one memory port. The LPU and the HPU are each one.
///
/// Every layer is a convolution over an input held as lines of K_t channels (a fully
/// connected layer is the convolution whose kernel covers its whole input): the reduction
/// runs over taps and channel groups, an order the exact accumulation makes free to choose.
/// Per layer, in phases:
/// 1. *fetch* the descriptor from the register file;
/// 2. *load the input* feature map into the activation buffer, where it stays for the whole
///    layer: every tile of output channels reuses it, so it is read from memory once;
/// 3. per tile of P output channels, *load its biases and weights* (P·beats lines), then
///    *compute*: sweep every output position, gathering each beat's K_t activations from
///    the buffer with the on-the-fly im2col address generator (padding reads zero); the
///    weights stay in the PEs' buffers for all M positions;
/// 4. add the bias, requantise (run-time shift, round half up through the bias, saturate),
///    apply ReLU, and keep the outputs in the output buffer;
/// 5. *write back*: max-pool the output buffer (a 1×1 window when the layer has no pooling)
///    and write the lines out, waiting for every write to complete.
///
/// Memory port: requests (`mem_req_*`, valid/ready; a write carries its line) and, for
/// reads only, responses in request order (`mem_read_valid`, always accepted); writes are
/// acknowledged by a pulse of `mem_write_done`. Register port: `reg_write`, `reg_address`,
/// `reg_write_data`, and `reg_read_data` read combinationally (map in `EngineRegister`).
public struct LayerEngine: Module {
    public let wordlength: Int
    public let pes: Int
    public let maccs: Int
    /// Lines of K_t words the activation buffer holds (a power of two).
    public let activationDepth: Int
    /// Entries of `lanes` words the output buffer holds (a power of two).
    public let outputDepth: Int
    /// Beats per window the weight buffers hold (a power of two).
    public let weightDepth: Int
    /// Bits of a memory line address.
    public let addressWidth: Int
    /// Descriptors the register file holds.
    public let maxLayers: Int
    /// Bits of a memory line: `minimumLineWidth`, or wider when the engine shares its
    /// memory with a wider engine (the cascade's LPU reads the HPU's weight lines).
    public var lineWidth: Int { sharedLineWidth ?? minimumLineWidth }
    let sharedLineWidth: Int?

    public init(wordlength: Int, pes: Int, maccs: Int, activationDepth: Int, outputDepth: Int,
                weightDepth: Int, addressWidth: Int = 24, maxLayers: Int = 16, lineWidth: Int? = nil) throws {
        try UnitParameterError.check("engine", "wordlength", wordlength, in: 2...16)
        try UnitParameterError.check("engine", "pes", pes, in: 1...1024)
        try UnitParameterError.check("engine", "maccs", maccs, in: 1...1024)
        try UnitParameterError.check("engine", "addressWidth", addressWidth, in: 8...32)
        try UnitParameterError.check("engine", "maxLayers", maxLayers, in: 1...32)
        for (name, depth) in [("activationDepth", activationDepth), ("outputDepth", outputDepth),
                              ("weightDepth", weightDepth)] {
            try UnitParameterError.checkPowerOfTwo("engine", name, depth, in: 2...(1 << 20))
        }
        guard pes % maccs == 0 || maccs % pes == 0 else {
            throw UnitParameterError(unit: "engine", parameter: "pes (a multiple or a divisor of maccs = \(maccs))",
                                     value: pes, allowed: 1...1024)
        }
        self.wordlength = wordlength
        self.pes = pes
        self.maccs = maccs
        self.activationDepth = activationDepth
        self.outputDepth = outputDepth
        self.weightDepth = weightDepth
        self.addressWidth = addressWidth
        self.maxLayers = maxLayers
        sharedLineWidth = lineWidth
        if let lineWidth {
            try UnitParameterError.checkPowerOfTwo("engine", "lineWidth", lineWidth,
                                                   in: minimumLineWidth...max(minimumLineWidth, Self.maximumLineWidth))
        }
        guard self.lineWidth <= Self.maximumLineWidth else {
            throw UnitParameterError(
                unit: "engine", parameter: "memory line (\(maccs) MACCs × \(wordlength) bits, or the \(biasWidth)-bit bias, "
                    + "rounded up to a power of two; AXI4 carries at most \(Self.maximumLineWidth) bits): lineWidth",
                value: self.lineWidth, allowed: 32...Self.maximumLineWidth)
        }
    }

    /// The widest memory line: AXI4's widest data bus, which the engine's IP block uses.
    public static let maximumLineWidth = 1024

    public var name: String {
        "engine_w\(wordlength)_p\(pes)_k\(maccs)_a\(activationDepth)_o\(outputDepth)_b\(weightDepth)_m\(addressWidth)_l\(maxLayers)"
            + (lineWidth == minimumLineWidth ? "" : "_d\(lineWidth)")
    }
    public var summary: String {
        "layer engine, \(pes) PEs × \(maccs) MACCs at \(wordlength) bits, \(lineWidth)-bit memory port"
    }

    public var matrixMultiplyUnit: MatrixMultiplyUnit {
        // init checked the ranges the MM unit accepts.
        try! MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: weightDepth)
    }

    /// Words per output-buffer entry: max(P, K_t), a multiple of both.
    public var lanes: Int { max(pes, maccs) }
    public var accumulatorWidth: Int { matrixMultiplyUnit.accumulatorWidth }
    /// Bits of a bias as stored in memory: aligned to the accumulator, with the rounding
    /// constant of the requantisation added (`LayerEngine.storedBias`).
    public var biasWidth: Int { accumulatorWidth + 2 }
    /// The narrowest memory line: a power of two of at least 32 that holds K_t words or a bias.
    public var minimumLineWidth: Int {
        var width = 32
        while width < max(maccs * wordlength, biasWidth) { width *= 2 }
        return width
    }
    /// The `shift` field is the requantisation's right shift plus this offset, so that
    /// left shifts (negative s, down to −w) are run-time right shifts of a widened value.
    public var shiftOffset: Int { wordlength }
    /// The largest right shift the engine applies; larger ones give the same words.
    public var maxShift: Int { accumulatorWidth + 1 }
    /// Bits of a register-port word address.
    public var registerAddressWidth: Int { 1 + ceilLog2(EngineRegister.descriptorStride * layerSlots) }
    /// The word address of layer 0's descriptor: the upper half of the register space.
    public var descriptorBase: Int { 1 << (registerAddressWidth - 1) }

    var layerSlots: Int { max(2, nextPowerOfTwo(maxLayers)) }
    var layerWidth: Int { bitsToHold(maxLayers) }
    let dimensionWidth = 16
    var shiftWidth: Int { bitsToHold(maxShift + shiftOffset) }
    var countWidth: Int { bitsToHold(max(activationDepth, pes * weightDepth, pes)) }

    func fieldType(_ field: DescriptorField) -> SignalType {
        switch field {
        case .inputAddress, .outputAddress, .weightAddress, .biasAddress: return .uint(addressWidth)
        case .inputLines: return .uint(bitsToHold(activationDepth))
        case .beats: return .uint(bitsToHold(weightDepth))
        case .outputPositions: return .uint(bitsToHold(outputDepth))
        case .shift: return .uint(shiftWidth)
        case .relu: return .bool
        case .lastLanes: return .uint(bitsToHold(maccs))
        default: return .uint(dimensionWidth)
        }
    }

    enum Phase: Int, CaseIterable {
        case idle, fetch, loadInput, loadBias, loadWeights, compute, writeBack
    }

    public func build(_ m: ModuleBuilder) throws {
        let w = wordlength, lineWords = maccs * w
        let regPort = m.port(registerPort, prefix: "reg", as: .slave)
        let regWrite = regPort.write, regAddress = regPort.address, regWriteData = regPort.writeData
        let memPort = m.port(memoryPort, prefix: "mem", as: .master)
        let memReqReady = memPort.requestReady, memReadValid = memPort.readValid
        let memReadData = memPort.readData, memWriteDone = memPort.writeDone

        let phase = m.register("phase", .uint(3), reset: Phase.idle.rawValue)
        func isIn(_ p: Phase) -> Signal { phase == p.rawValue }
        func enter(_ p: Phase) { m.connect(phase, to: .constant(p.rawValue, .uint(3))) }
        func set(_ register: Signal, _ value: Int) { m.connect(register, to: .constant(value, register.type)) }
        func set(_ register: Signal, _ value: Signal) {
            m.connect(register, to: value.width > register.width ? value.truncated(to: register.width).reinterpreted(signed: register.isSigned)
                                                                  : value.resized(to: register.width).reinterpreted(signed: register.isSigned))
        }
        func increment(_ register: Signal, by step: Signal? = nil) {
            set(register, register + (step ?? .constant(1, .uint(1))))
        }
        func negated(_ value: Signal, width: Int) -> Signal {
            (Signal.constant(0, .sint(width)) - value).truncated(to: width)
        }

        // MARK: Register file
        let descriptorAddressWidth = registerAddressWidth - 1
        let descriptors = m.memory("descriptors", .uint(32), depth: 1 << descriptorAddressWidth)
        let layerCycles = m.memory("layer_cycles", .uint(32), depth: layerSlots)
        let layerCount = m.register("layer_count", .uint(layerWidth), reset: 0)
        let baseAddress = m.register("base_address_q", .uint(32), reset: 0)
        let imageOffset = m.register("image_offset", .uint(addressWidth), reset: 0)
        let cycles = m.register("cycles", .uint(48), reset: 0)
        let done = m.register("done_q", .bool, reset: 0)
        let busy = m.wire("busy_w", !isIn(.idle))
        m.when(regWrite) {
            m.when(regAddress.bit(registerAddressWidth - 1)) {
                m.write(descriptors, address: regAddress.bits(descriptorAddressWidth - 1, 0), data: regWriteData)
            }
            m.when(regAddress == EngineRegister.layerCount) { set(layerCount, regWriteData.bits(layerWidth - 1, 0)) }
            m.when(regAddress == EngineRegister.baseAddress) { set(baseAddress, regWriteData) }
            m.when(regAddress == EngineRegister.imageOffset) { set(imageOffset, regWriteData.bits(addressWidth - 1, 0)) }
        }
        let start = m.wire("start", regWrite & (regAddress == EngineRegister.control) & regWriteData.bit(0) & !busy)
        let slotWidth = ceilLog2(layerSlots)
        var readData = Signal.constant(0, .uint(32))
        let inCycleTable = (regAddress >= EngineRegister.layerCycles) & (regAddress < EngineRegister.layerCycles + layerSlots)
        readData = m.mux(inCycleTable, layerCycles.read(regAddress.bits(slotWidth - 1, 0)), readData)
        let registers: [(Int, Signal)] = [
            (EngineRegister.status, .concatenation([.constant(0, .uint(30)), done, busy])),
            (EngineRegister.layerCount, layerCount.resized(to: 32)),
            (EngineRegister.cyclesLow, cycles.bits(31, 0)),
            (EngineRegister.cyclesHigh, cycles.bits(47, 32).resized(to: 32)),
            (EngineRegister.baseAddress, baseAddress),
            (EngineRegister.imageOffset, imageOffset.resized(to: 32)),
        ]
        for (address, value) in registers { readData = m.mux(regAddress == address, value, readData) }
        m.connect(regPort.readData, to: readData)
        m.when(busy) { increment(cycles) }

        // MARK: Descriptor fetch
        let layer = m.register("layer", .uint(layerWidth), reset: 0)
        let fieldIndex = m.register("field_index", .uint(6), reset: 0)
        let fetched = descriptors.read(.concatenation([layer.truncated(to: slotWidth), fieldIndex]))
        var d: [DescriptorField: Signal] = [:]
        for field in DescriptorField.allCases {
            let register = m.register("d_\(snakeCase(field))", fieldType(field))
            m.when(isIn(.fetch) & (fieldIndex == field.index)) {
                m.connect(register, to: fetched.bits(register.width - 1, 0).reinterpreted(signed: false))
            }
            d[field] = register
        }
        func field(_ f: DescriptorField) -> Signal { d[f]! }
        let inputArea = m.register("input_area", next: (field(.inputHeight) * field(.inputWidth)).truncated(to: bitsToHold(activationDepth)))

        // MARK: Loader: streams lines from memory into the buffers
        let readAddress = m.register("read_address", .uint(addressWidth))
        let readsLeft = m.register("reads_left", .uint(countWidth), reset: 0)
        let responsesLeft = m.register("responses_left", .uint(countWidth), reset: 0)
        let responseIndex = m.register("response_index", .uint(countWidth))
        let responseBeat = m.register("response_beat", .uint(bitsToHold(weightDepth)))
        let responsePE = m.register("response_pe", .uint(bitsToHold(pes)))
        let biasPointer = m.register("bias_pointer", .uint(addressWidth))
        let weightPointer = m.register("weight_pointer", .uint(addressWidth))
        let loading = isIn(.loadInput) | isIn(.loadBias) | isIn(.loadWeights)
        let requesting = m.wire("requesting", loading & (readsLeft != 0))
        let loaded = m.wire("loaded", loading & (responsesLeft == 0))
        func startReading(from address: Signal, lines: Signal) {
            set(readAddress, address)
            set(readsLeft, lines)
            set(responsesLeft, lines)
            set(responseIndex, 0)
            set(responseBeat, 0)
            set(responsePE, 0)
        }
        m.when(requesting & memReqReady) {
            increment(readAddress)
            set(readsLeft, readsLeft - 1)
        }
        m.when(memReadValid) {
            set(responsesLeft, responsesLeft - 1)
            increment(responseIndex)
            m.when(responseBeat + 1 == field(.beats)) {
                set(responseBeat, 0)
                increment(responsePE)
            } otherwise: {
                increment(responseBeat)
            }
        }
        let activations = m.memory("activations", .uint(lineWords), depth: activationDepth, style: .block)
        m.when(memReadValid & isIn(.loadInput)) {
            m.write(activations, address: responseIndex.truncated(to: ceilLog2(activationDepth)),
                    data: memReadData.bits(lineWords - 1, 0))
        }
        let biases = (0..<pes).map { p in m.register("bias_\(p)", .sint(biasWidth)) }
        let weightBuffers = (0..<pes).map { p in m.memory("weights_\(p)", .uint(lineWords), depth: weightDepth, style: .block) }
        for p in 0..<pes {
            m.when(memReadValid & isIn(.loadBias) & (responseIndex == p)) {
                m.connect(biases[p], to: memReadData.bits(biasWidth - 1, 0).asSInt)
            }
            m.when(memReadValid & isIn(.loadWeights) & (responsePE == p)) {
                m.write(weightBuffers[p], address: responseBeat.truncated(to: ceilLog2(weightDepth)),
                        data: memReadData.bits(lineWords - 1, 0))
            }
        }

        // MARK: Compute: the im2col address generator feeds the MM unit one beat per cycle
        let issuing = m.register("issuing", .bool, reset: 0)
        let coordinateWidth = dimensionWidth + 2
        let outY = m.register("out_y", .uint(dimensionWidth)), outX = m.register("out_x", .uint(dimensionWidth))
        let originY = m.register("origin_y", .sint(coordinateWidth)), originX = m.register("origin_x", .sint(coordinateWidth))
        let kernelY = m.register("kernel_y", .uint(dimensionWidth)), kernelX = m.register("kernel_x", .uint(dimensionWidth))
        let tapY = m.register("tap_y", .uint(dimensionWidth)), tapX = m.register("tap_x", .uint(dimensionWidth))
        let group = m.register("group", .uint(dimensionWidth))
        let groupBase = m.register("group_base", .uint(bitsToHold(activationDepth)))
        let beat = m.register("beat", .uint(bitsToHold(weightDepth)))
        let y = m.wire("tap_row", (originY + tapY).truncated(to: coordinateWidth + 1))
        let x = m.wire("tap_column", (originX + tapX).truncated(to: coordinateWidth + 1))
        let inside = m.wire("tap_inside", (y >= 0) & (y < field(.inputHeight)) & (x >= 0) & (x < field(.inputWidth)))
        let address = (groupBase + y * field(.inputWidth) + x).truncated(to: ceilLog2(activationDepth)).asUInt
        let lastBeat = m.wire("last_beat", beat + 1 == field(.beats))
        m.when(issuing) {
            m.when(lastBeat) { set(beat, 0) } otherwise: { increment(beat) }
            m.when(kernelX + 1 == field(.kernelWidth)) {
                set(kernelX, 0); set(tapX, 0)
                m.when(kernelY + 1 == field(.kernelHeight)) {
                    set(kernelY, 0); set(tapY, 0)
                    m.when(group + 1 == field(.inputGroups)) {
                        set(group, 0); set(groupBase, 0)
                        m.when(outX + 1 == field(.outputWidth)) {
                            set(outX, 0); set(originX, negated(field(.padLeft), width: coordinateWidth))
                            m.when(outY + 1 == field(.outputHeight)) {
                                set(outY, 0); set(issuing, 0)
                            } otherwise: {
                                increment(outY); increment(originY, by: field(.strideY))
                            }
                        } otherwise: {
                            increment(outX); increment(originX, by: field(.strideX))
                        }
                    } otherwise: {
                        increment(group); increment(groupBase, by: inputArea)
                    }
                } otherwise: {
                    increment(kernelY); increment(tapY, by: field(.dilationY))
                }
            } otherwise: {
                increment(kernelX); increment(tapX, by: field(.dilationX))
            }
        }
        let issueValid = m.register("issue_valid", next: issuing, reset: 0)
        let issueInside = m.register("issue_inside", next: inside)
        let issueAddress = m.register("issue_address", next: address)
        let issueBeat = m.register("issue_beat", next: beat.truncated(to: ceilLog2(weightDepth)))
        let issueFirst = m.register("issue_first", next: beat == 0)
        let issueLast = m.register("issue_last", next: lastBeat)
        let activationWord = m.register("activation_word", next: activations.read(issueAddress))
        let weightWords = (0..<pes).map { p in m.register("weight_word_\(p)", next: weightBuffers[p].read(issueBeat)) }
        let beatValid = m.register("beat_valid", next: issueValid, reset: 0)
        let beatInside = m.register("beat_inside", next: issueInside)
        let beatFirst = m.register("beat_first", next: issueFirst)
        let beatLast = m.register("beat_last", next: issueLast)
        let zero = Signal.constant(0, .sint(w))
        let a = (0..<maccs).map { k in m.mux(beatInside, activationWord.bits((k + 1) * w - 1, k * w).asSInt, zero) }

        let mm = try m.instance(matrixMultiplyUnit, name: "mm")
        m.connect(mm.port("a"), toElements: a)
        m.connect(mm.port("w"), to: .concatenation(weightWords.reversed()))
        m.connect(mm.port("valid"), to: beatValid)
        m.connect(mm.port("first"), to: beatFirst)
        m.connect(mm.port("last"), to: beatLast)

        // MARK: Bias, requantisation, ReLU; the outputs go to the output buffer
        let accumulators = mm.port("acc")
        let sumValid = m.register("sum_valid", next: mm.port("done"), reset: 0)
        let sums = (0..<pes).map { p in
            let acc = accumulators.bits((p + 1) * accumulatorWidth - 1, p * accumulatorWidth).asSInt
            return m.register("sum_\(p)", next: acc + biases[p])
        }
        let wordValid = m.register("word_valid", next: sumValid, reset: 0)
        let words = (0..<pes).map { p -> Signal in
            let shifted = sums[p].shiftedLeft(by: shiftOffset).shiftedRight(by: field(.shift))
            let saturated = shifted.saturated(to: w)
            let rectified = m.mux(field(.relu) & (saturated < 0), zero, saturated)
            return m.register("word_\(p)", next: rectified)
        }
        let outputLanes = (0..<lanes).map { l in m.memory("output_lane_\(l)", .sint(w), depth: outputDepth, style: .block) }
        let outputAddressWidth = ceilLog2(outputDepth)
        let position = m.register("position", .uint(bitsToHold(outputDepth)))
        let entryBase = m.register("entry_base", .uint(bitsToHold(outputDepth)))
        let laneGroups = lanes / pes
        let laneGroup = m.register("lane_group", .uint(bitsToHold(laneGroups)))
        let tile = m.register("tile", .uint(dimensionWidth))
        let entry = (entryBase + position).truncated(to: outputAddressWidth)
        for l in 0..<lanes {
            let enabled = laneGroups == 1 ? wordValid : wordValid & (laneGroup == l / pes)
            m.when(enabled) { m.write(outputLanes[l], address: entry, data: words[l % pes]) }
        }
        let tileDone = m.wire("tile_done", wordValid & (position + 1 == field(.outputPositions)))
        m.when(wordValid) { increment(position) }

        // MARK: Write-back: max pooling over the output buffer, one line per window
        let writePointer = m.register("write_pointer", .uint(addressWidth))
        let pendingValid = m.register("pending_valid", .bool, reset: 0)
        let pendingAddress = m.register("pending_address", .uint(addressWidth))
        let pendingData = m.register("pending_data", .uint(lineWidth))
        let outstanding = m.register("writes_outstanding", .uint(countWidth), reset: 0)
        let writing = isIn(.writeBack)
        let writeAccepted = m.wire("write_accepted", writing & pendingValid & memReqReady)
        m.when(writeAccepted & !memWriteDone) { increment(outstanding) }
        m.when(memWriteDone & !writeAccepted) { set(outstanding, outstanding - 1) }
        let advance = m.wire("write_back_advance", !pendingValid | memReqReady)

        let walking = m.register("walking", .bool, reset: 0)
        let poolY = m.register("pool_y", .uint(dimensionWidth)), poolX = m.register("pool_x", .uint(dimensionWidth))
        let poolOriginY = m.register("pool_origin_y", .sint(coordinateWidth))
        let poolOriginX = m.register("pool_origin_x", .sint(coordinateWidth))
        let poolTapY = m.register("pool_tap_y", .uint(dimensionWidth)), poolTapX = m.register("pool_tap_x", .uint(dimensionWidth))
        let lineGroup = m.register("line_group", .uint(dimensionWidth))
        let lineGroupBase = m.register("line_group_base", .uint(bitsToHold(outputDepth)))
        let slices = lanes / maccs
        let slice = m.register("slice", .uint(bitsToHold(slices)))
        let poolRow = m.wire("pool_row", (poolOriginY + poolTapY).truncated(to: coordinateWidth + 1))
        let poolColumn = m.wire("pool_column", (poolOriginX + poolTapX).truncated(to: coordinateWidth + 1))
        let poolInside = m.wire("pool_inside", (poolRow >= 0) & (poolRow < field(.outputHeight))
                                    & (poolColumn >= 0) & (poolColumn < field(.outputWidth)))
        let poolEntry = (lineGroupBase + poolRow * field(.outputWidth) + poolColumn).truncated(to: outputAddressWidth).asUInt
        let lastTapX = poolTapX + 1 == field(.poolWidth), lastTapY = poolTapY + 1 == field(.poolHeight)
        m.when(walking & advance) {
            m.when(lastTapX) {
                set(poolTapX, 0)
                m.when(lastTapY) {
                    set(poolTapY, 0)
                    m.when(poolX + 1 == field(.pooledWidth)) {
                        set(poolX, 0); set(poolOriginX, negated(field(.poolPadLeft), width: coordinateWidth))
                        m.when(poolY + 1 == field(.pooledHeight)) {
                            set(poolY, 0); set(poolOriginY, negated(field(.poolPadTop), width: coordinateWidth))
                            m.when(lineGroup + 1 == field(.outputGroups)) {
                                set(walking, 0)
                            } otherwise: {
                                increment(lineGroup)
                                if slices == 1 {
                                    increment(lineGroupBase, by: field(.outputPositions))
                                } else {
                                    m.when(slice + 1 == slices) {
                                        set(slice, 0); increment(lineGroupBase, by: field(.outputPositions))
                                    } otherwise: { increment(slice) }
                                }
                            }
                        } otherwise: {
                            increment(poolY); increment(poolOriginY, by: field(.poolStrideY))
                        }
                    } otherwise: {
                        increment(poolX); increment(poolOriginX, by: field(.poolStrideX))
                    }
                } otherwise: { increment(poolTapY) }
            } otherwise: { increment(poolTapX) }
        }
        let tapValid = m.register("tap_valid", .bool, reset: 0)
        let tapInside = m.register("tap_inside_q", .bool), tapEntry = m.register("tap_entry", .uint(outputAddressWidth))
        let tapFirst = m.register("tap_first", .bool), tapLast = m.register("tap_last", .bool)
        let tapSlice = m.register("tap_slice", .uint(bitsToHold(slices)))
        let tapLastGroup = m.register("tap_last_group", .bool)
        let readValid = m.register("read_valid", .bool, reset: 0)
        let readInside = m.register("read_inside", .bool), readFirst = m.register("read_first", .bool)
        let readLast = m.register("read_last", .bool), readSlice = m.register("read_slice", .uint(bitsToHold(slices)))
        let readLastGroup = m.register("read_last_group", .bool)
        let laneWords = (0..<lanes).map { l in m.register("lane_word_\(l)", .sint(w)) }
        m.when(advance) {
            m.connect(tapValid, to: walking)
            m.connect(tapInside, to: poolInside)
            m.connect(tapEntry, to: poolEntry)
            m.connect(tapFirst, to: (poolTapX == 0) & (poolTapY == 0))
            m.connect(tapLast, to: lastTapX & lastTapY)
            m.connect(tapSlice, to: slice)
            m.connect(tapLastGroup, to: lineGroup + 1 == field(.outputGroups))
            m.connect(readValid, to: tapValid)
            m.connect(readInside, to: tapInside)
            m.connect(readFirst, to: tapFirst)
            m.connect(readLast, to: tapLast)
            m.connect(readSlice, to: tapSlice)
            m.connect(readLastGroup, to: tapLastGroup)
            for l in 0..<lanes { m.connect(laneWords[l], to: outputLanes[l].read(tapEntry)) }
        }
        let lowest = Signal.constant(-(1 << (w - 1)), .sint(w))
        let poolMax = (0..<maccs).map { k in m.register("pool_max_\(k)", .sint(w)) }
        var line: [Signal] = []
        for k in 0..<maccs {
            var word = laneWords[k]
            if slices > 1 {
                for s in 1..<slices { word = m.mux(readSlice == s, laneWords[s * maccs + k], word) }
            }
            let tap = m.mux(readInside, word, lowest)
            let pooled = m.mux(readFirst, tap, m.mux(poolMax[k] > tap, poolMax[k], tap))
            m.when(advance & readValid) { m.connect(poolMax[k], to: pooled) }
            let kept = m.mux(readLastGroup & (field(.lastLanes) <= k), zero, pooled)
            line.append(kept.asUInt)
        }
        let packed = Signal.concatenation(line.reversed())
        let lineData = packed.width < lineWidth ? packed.resized(to: lineWidth) : packed
        m.when(advance) {
            m.when(readValid & readLast) {
                set(pendingValid, 1)
                m.connect(pendingData, to: lineData)
                m.connect(pendingAddress, to: writePointer)
                increment(writePointer)
            } otherwise: {
                set(pendingValid, 0)
            }
        }
        let written = m.wire("written", writing & !walking & !tapValid & !readValid & !pendingValid & (outstanding == 0))

        // MARK: Sequencing
        m.when(start) {
            set(cycles, 0)
            set(done, 0)
            set(layer, 0)
            set(fieldIndex, 0)
            m.when(layerCount == 0) { set(done, 1) } otherwise: { enter(.fetch) }
        }
        m.when(isIn(.fetch)) {
            increment(fieldIndex)
            m.when(fieldIndex + 1 == DescriptorField.allCases.count) {
                enter(.loadInput)
                startReading(from: (field(.inputAddress) + imageOffset).truncated(to: addressWidth), lines: field(.inputLines))
                set(biasPointer, field(.biasAddress))
                set(weightPointer, field(.weightAddress))
                set(writePointer, (field(.outputAddress) + imageOffset).truncated(to: addressWidth))
                set(tile, 0)
                set(position, 0)
                set(entryBase, 0)
                set(laneGroup, 0)
            }
        }
        func startTile() {
            enter(.loadBias)
            startReading(from: biasPointer, lines: .constant(pes, .uint(countWidth)))
        }
        m.when(isIn(.loadInput) & loaded) { startTile() }
        m.when(isIn(.loadBias) & loaded) {
            enter(.loadWeights)
            set(biasPointer, readAddress)
            startReading(from: weightPointer, lines: field(.beats) * pes)
        }
        m.when(isIn(.loadWeights) & loaded) {
            enter(.compute)
            set(weightPointer, readAddress)
            set(issuing, 1)
            set(beat, 0)
            set(outY, 0); set(outX, 0); set(kernelY, 0); set(kernelX, 0); set(tapY, 0); set(tapX, 0)
            set(group, 0); set(groupBase, 0)
            set(originY, negated(field(.padTop), width: coordinateWidth))
            set(originX, negated(field(.padLeft), width: coordinateWidth))
        }
        m.when(tileDone) {
            set(position, 0)
            increment(tile)
            if laneGroups == 1 {
                increment(entryBase, by: field(.outputPositions))
            } else {
                m.when(laneGroup + 1 == laneGroups) {
                    set(laneGroup, 0); increment(entryBase, by: field(.outputPositions))
                } otherwise: { increment(laneGroup) }
            }
            m.when(tile + 1 == field(.tiles)) {
                enter(.writeBack)
                set(walking, 1)
                set(poolY, 0); set(poolX, 0); set(poolTapY, 0); set(poolTapX, 0)
                set(poolOriginY, negated(field(.poolPadTop), width: coordinateWidth))
                set(poolOriginX, negated(field(.poolPadLeft), width: coordinateWidth))
                set(lineGroup, 0); set(lineGroupBase, 0); set(slice, 0)
            } otherwise: { startTile() }
        }
        m.when(written) {
            // The count including this cycle, so that layer 0's entry is its whole time.
            m.write(layerCycles, address: layer.truncated(to: slotWidth), data: (cycles + 1).bits(31, 0))
            m.when(layer + 1 == layerCount) {
                enter(.idle)
                set(done, 1)
            } otherwise: {
                increment(layer)
                set(fieldIndex, 0)
                enter(.fetch)
            }
        }

        m.connect(memPort.requestValid, to: m.mux(writing, pendingValid, requesting))
        m.connect(memPort.requestWrite, to: writing)
        m.connect(memPort.requestAddress, to: m.mux(writing, pendingAddress, readAddress))
        m.connect(memPort.requestData, to: pendingData)
        m.output("base_address", baseAddress)
        m.output("busy", busy)
        m.output("done", done)
        m.output("current_layer", layer)
        m.output("loading_weights", isIn(.loadWeights))
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
