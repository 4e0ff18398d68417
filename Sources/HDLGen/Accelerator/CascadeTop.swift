import FixedPoint

/// The two-stage CascadeCNN accelerator: an LPU and an HPU layer engine, the weight-
/// truncation unit on the LPU's weight path, the CEU on the LPU's class scores, a queue of
/// forwarded images, and a controller that runs a batch of images without the host.
///
/// - **Weight sharing**: memory holds the HPU's weights only. The LPU reads the same lines
///   (K_t words of w_h bits) and the truncation unit turns them into w_l-bit words with the
///   layer's shift from `CascadeRegister.weightShift`; every read response reaches the LPU
///   through the unit's pipeline, so the LPU sees its memory `truncationLatency` cycles slower.
/// - **LPU side**: for image i, run the LPU on region i, read its C scores back into a small
///   buffer, feed them to the CEU; a confident image gets its result written at once, a
///   doubtful one goes into the queue (the LPU waits only when the queue is full).
/// - **HPU side**: whenever the queue holds an image, run the HPU on it, read its scores
///   back through an argmax tree (ties to the lowest class) and write the result.
/// - Results: `CascadeResultWord` at `resultAddress + i`. Counters and the register map:
///   `CascadeRegister`.
///
/// Ports: the register port as the engine's (`reg_*`, three blocks), one memory port per
/// engine (`lpu_mem_*`, `hpu_mem_*`, the engine's protocol; both reach the same memory), the
/// engines' `*_base_address` for AXI adapters, `busy` and `done`.
public struct CascadeTop: Module {
    public let lpu: LayerEngine
    public let hpu: LayerEngine
    public let rounding: Rounding
    public let confidenceUnit: ConfidenceEvaluationUnit
    /// Forwarded images the queue holds (a power of two).
    public let queueDepth: Int

    public init(lpu: LayerEngine, hpu: LayerEngine, rounding: Rounding, confidenceUnit: ConfidenceEvaluationUnit,
                queueDepth: Int = 16) throws {
        func refuse(_ parameter: String, _ value: Int, _ allowed: ClosedRange<Int>) -> UnitParameterError {
            UnitParameterError(unit: "cascade", parameter: parameter, value: value, allowed: allowed)
        }
        guard lpu.wordlength < hpu.wordlength else {
            throw refuse("LPU wordlength (below the HPU's \(hpu.wordlength))", lpu.wordlength, 2...max(2, hpu.wordlength - 1))
        }
        guard lpu.maccs == hpu.maccs else {
            throw refuse("LPU maccs (the HPU's, so that both read the same weight lines)", lpu.maccs, hpu.maccs...hpu.maccs)
        }
        guard lpu.lineWidth == hpu.lineWidth else {
            throw refuse("LPU lineWidth (the HPU's: one memory)", lpu.lineWidth, hpu.lineWidth...hpu.lineWidth)
        }
        guard lpu.addressWidth == hpu.addressWidth, lpu.maxLayers == hpu.maxLayers else {
            throw refuse("LPU addressWidth and maxLayers (the HPU's)", lpu.addressWidth, hpu.addressWidth...hpu.addressWidth)
        }
        guard confidenceUnit.scoreFormat.wordlength == lpu.wordlength else {
            throw refuse("CEU score wordlength (the LPU's)", confidenceUnit.scoreFormat.wordlength, lpu.wordlength...lpu.wordlength)
        }
        let lanes = min(confidenceUnit.classes, lpu.maccs)
        guard confidenceUnit.lanes == lanes else {
            throw refuse("CEU lanes (one score line per beat: min(C, K_t))", confidenceUnit.lanes, lanes...lanes)
        }
        try UnitParameterError.checkPowerOfTwo("cascade", "queueDepth", queueDepth, in: 2...1024)
        self.lpu = lpu; self.hpu = hpu; self.rounding = rounding; self.confidenceUnit = confidenceUnit
        self.queueDepth = queueDepth
    }

    public var truncationUnit: WeightTruncationUnit {
        // init checked w_l < w_h ≤ 16 and K_t ≤ 1024.
        try! WeightTruncationUnit(highWordlength: hpu.wordlength, lowWordlength: lpu.wordlength, lanes: lpu.maccs,
                                  rounding: rounding)
    }
    /// Cycles the truncation unit adds to every LPU memory response.
    public var truncationLatency: Int { truncationUnit.latency }
    public var classes: Int { confidenceUnit.classes }
    /// Lines of one image's class scores: ⌈C / K_t⌉.
    public var scoreLines: Int { (classes + lpu.maccs - 1) / lpu.maccs }
    /// Bits of the engines' register addresses; the top's are two more.
    public var engineRegisterWidth: Int { lpu.registerAddressWidth }
    public var registerAddressWidth: Int { engineRegisterWidth + 2 }
    public var lineWidth: Int { lpu.lineWidth }
    public var addressWidth: Int { lpu.addressWidth }
    /// Bits of an image index: up to 2^20 − 1 images per run.
    public let indexWidth = 20

    public var name: String {
        "cascade_w\(lpu.wordlength)_w\(hpu.wordlength)_p\(lpu.pes)_p\(hpu.pes)_k\(lpu.maccs)_c\(classes)_q\(queueDepth)_"
            + stableHash("\(lpu.name) \(hpu.name) \(confidenceUnit.name) \(rounding)")
    }
    public var summary: String {
        "CascadeCNN: LPU \(lpu.pes)×\(lpu.maccs) at \(lpu.wordlength) bits, HPU \(hpu.pes)×\(hpu.maccs) at \(hpu.wordlength) bits, "
            + "gBvSB(M=\(confidenceUnit.m), N=\(confidenceUnit.n)) over \(classes) classes"
    }

    enum LPUState: CaseIterable { case idle, offset, start, run, readScores, evaluate, writeResult, forward }
    enum HPUState: CaseIterable { case idle, offset, start, run, readScores, writeResult }

    public func build(_ m: ModuleBuilder) throws {
        let r = engineRegisterWidth, lineWidth = lineWidth, k = lpu.maccs
        let regPort = m.port(registerPort, prefix: "reg", as: .slave)
        let regWrite = regPort.write, regAddress = regPort.address, regWriteData = regPort.writeData
        let block = regAddress.bits(r + 1, r), local = regAddress.bits(r - 1, 0)

        // MARK: Cascade registers
        let busy = m.register("busy_q", .bool, reset: 0)
        let done = m.register("done_q", .bool, reset: 0)
        let imageCount = m.register("image_count", .uint(indexWidth), reset: 0)
        let threshold = m.register("threshold", .uint(confidenceUnit.thresholdFractionBits + 1), reset: 0)
        let resultAddress = m.register("result_address", .uint(addressWidth), reset: 0)
        let imageStride = m.register("image_stride", .uint(addressWidth), reset: 0)
        let lpuScoreAddress = m.register("lpu_score_address", .uint(addressWidth), reset: 0)
        let hpuScoreAddress = m.register("hpu_score_address", .uint(addressWidth), reset: 0)
        let samples = m.register("samples", .uint(indexWidth), reset: 0)
        let forwarded = m.register("forwarded", .uint(indexWidth), reset: 0)
        let cycles = m.register("cycles", .uint(48), reset: 0)
        let hpuCycles = m.register("hpu_cycles", .uint(32), reset: 0)
        let shiftSlots = max(2, nextPowerOfTwo(lpu.maxLayers))
        let weightShifts = m.memory("weight_shifts", .uint(truncationUnit.shiftWidth), depth: shiftSlots)
        let hostCascade = m.wire("host_cascade", regWrite & (block == 0))
        func hostWrites(_ address: Int, _ register: Signal) {
            m.when(hostCascade & (local == address)) { m.connect(register, to: regWriteData.bits(register.width - 1, 0)) }
        }
        hostWrites(CascadeRegister.imageCount, imageCount)
        hostWrites(CascadeRegister.threshold, threshold)
        hostWrites(CascadeRegister.resultAddress, resultAddress)
        hostWrites(CascadeRegister.imageStride, imageStride)
        hostWrites(CascadeRegister.lpuScoreAddress, lpuScoreAddress)
        hostWrites(CascadeRegister.hpuScoreAddress, hpuScoreAddress)
        let slotWidth = ceilLog2(shiftSlots)
        m.when(hostCascade & (local >= CascadeRegister.weightShift) & (local < CascadeRegister.weightShift + shiftSlots)) {
            m.write(weightShifts, address: local.bits(slotWidth - 1, 0), data: regWriteData.bits(truncationUnit.shiftWidth - 1, 0))
        }
        let start = m.wire("start", hostCascade & (local == CascadeRegister.control) & regWriteData.bit(0) & !busy)
        m.when(busy) { m.increment(cycles) }

        // MARK: Engines and their register ports
        let lpuEngine = try m.instance(lpu, name: "lpu_engine")
        let hpuEngine = try m.instance(hpu, name: "hpu_engine")
        /// The controller's writes to an engine's registers: the image offset, then the start.
        struct EngineCommand { var write: Signal; var address: Signal; var data: Signal }
        func connectRegisters(of engine: Instance, block id: Int, command: EngineCommand) -> Signal {
            m.connect(engine.port("reg_write"), to: (regWrite & (block == id) & !busy) | command.write)
            m.connect(engine.port("reg_address"), to: m.mux(command.write, command.address, local))
            m.connect(engine.port("reg_write_data"), to: m.mux(command.write, command.data, regWriteData))
            return engine.port("reg_read_data")
        }
        func command(writesOffset: Signal, starts: Signal, offset: Signal) -> EngineCommand {
            EngineCommand(
                write: writesOffset | starts,
                address: m.mux(writesOffset, .constant(EngineRegister.imageOffset, .uint(r)), .constant(EngineRegister.control, .uint(r))),
                data: m.mux(writesOffset, offset.resized(to: 32), .constant(1, .uint(32))))
        }

        // MARK: The forward queue
        let entryWidth = indexWidth + addressWidth
        let queue = m.memory("forward_queue", .uint(entryWidth), depth: queueDepth)
        let pointerWidth = ceilLog2(queueDepth) + 1
        let head = m.register("queue_head", .uint(pointerWidth), reset: 0)
        let tail = m.register("queue_tail", .uint(pointerWidth), reset: 0)
        let queueEmpty = m.wire("queue_empty", head == tail)
        let queueFull = m.wire("queue_full", (head.bit(pointerWidth - 1) != tail.bit(pointerWidth - 1))
                                   & (head.bits(pointerWidth - 2, 0) == tail.bits(pointerWidth - 2, 0)))
        let queueHead = queue.read(head.bits(pointerWidth - 2, 0))

        // MARK: LPU side
        let lpuState = m.stateMachine("lpu_state", LPUState.self, reset: .idle)
        func lpuIs(_ s: LPUState) -> Signal { lpuState.is(s) }
        func lpuEnter(_ s: LPUState, file: StaticString = #fileID, line: UInt = #line) {
            lpuState.go(to: s, file: file, line: line)
        }
        let lpuIndex = m.register("lpu_index", .uint(indexWidth), reset: 0)
        let lpuOffset = m.register("lpu_offset", .uint(addressWidth), reset: 0)
        let lpuCommand = command(writesOffset: lpuIs(.offset), starts: lpuIs(.start), offset: lpuOffset)
        let lpuRegisters = connectRegisters(of: lpuEngine, block: 1, command: lpuCommand)
        let lpuPort = ControllerPort(m, name: "lpu", lineWidth: lineWidth, addressWidth: addressWidth, countWidth: bitsToHold(scoreLines))
        let lpuOwns = m.wire("lpu_controller_owns", lpuIs(.readScores) | lpuIs(.writeResult))
        let lpuClass = m.register("lpu_class", .uint(16))
        lpuPort.connect(engine: lpuEngine, owned: lpuOwns, responseDelay: truncationLatency, writing: lpuIs(.writeResult),
                        address: (resultAddress + lpuIndex).truncated(to: addressWidth),
                        data: resultWord(predicted: lpuClass, forwarded: false))

        // The truncation unit on every response: weights become w_l words, the rest passes.
        let truncation = try m.instance(truncationUnit, name: "truncation")
        m.connect(truncation.port("weights"), to: lpuPort.readData.bits(k * hpu.wordlength - 1, 0))
        m.connect(truncation.port("shift"), to: weightShifts.read(lpuEngine.port("current_layer").fitted(to: slotWidth)))
        m.connect(truncation.port("valid"), to: lpuPort.readValid)
        _ = truncation.port("done")
        let passed = m.delayed(lpuPort.readData, by: truncationLatency, name: "lpu_read_data")
        let truncatedLine = truncation.port("truncated").resized(to: lineWidth)
        m.connect(lpuEngine.port("mem_read_data"), to: m.mux(lpuEngine.port("loading_weights"), truncatedLine, passed))

        // Scores: read into a buffer, then one line per CEU beat.
        let lanes = confidenceUnit.lanes, ws = lpu.wordlength
        let scoreSlots = max(2, nextPowerOfTwo(scoreLines)), slotBits = ceilLog2(scoreSlots)
        let scoreBuffer = m.memory("lpu_scores", .uint(lanes * ws), depth: scoreSlots)
        m.when(lpuPort.readValid & lpuOwns) {
            m.write(scoreBuffer, address: lpuPort.responseIndex.fitted(to: slotBits), data: lpuPort.readData.bits(lanes * ws - 1, 0))
        }
        let ceu = try m.instance(confidenceUnit, name: "ceu")
        let feed = m.register("ceu_feed", .uint(bitsToHold(scoreLines)), reset: 0)
        let feeding = m.wire("ceu_feeding", lpuIs(.evaluate) & (feed != scoreLines))
        m.connect(ceu.port("scores"), to: scoreBuffer.read(feed.fitted(to: slotBits)))
        m.connect(ceu.port("in_valid"), to: feeding)
        m.connect(ceu.port("threshold"), to: threshold)
        m.connect(ceu.port("out_ready"), to: lpuIs(.evaluate) & !feeding)
        m.when(feeding & ceu.port("in_ready")) { m.increment(feed) }
        _ = ceu.port("margin"); _ = ceu.port("scaled_total")
        let decided = m.wire("ceu_decided", !feeding & ceu.port("out_valid"))
        m.when(lpuIs(.evaluate) & decided) {
            m.connect(lpuClass, to: ceu.port("predicted").fitted(to: 16))
            m.increment(samples)
            m.when(ceu.port("confident")) { lpuEnter(.writeResult) } otherwise: { lpuEnter(.forward) }
        }
        let lpuFinished = m.register("lpu_finished", .bool, reset: 0)
        func advanceImage() {
            m.increment(lpuIndex)
            m.connect(lpuOffset, to: (lpuOffset + imageStride).truncated(to: addressWidth))
            m.when(lpuIndex + 1 == imageCount) { m.assign(lpuFinished, 1); lpuEnter(.idle) } otherwise: { lpuEnter(.offset) }
        }
        m.when(lpuIs(.offset)) { lpuEnter(.start) }
        m.when(lpuIs(.start)) { lpuEnter(.run) }
        m.when(lpuIs(.run) & lpuEngine.port("done")) {
            lpuEnter(.readScores)
            lpuPort.startReading(from: (lpuScoreAddress + lpuOffset).truncated(to: addressWidth), lines: scoreLines)
        }
        m.when(lpuIs(.readScores) & lpuPort.readsComplete) { lpuEnter(.evaluate); m.assign(feed, 0) }
        m.when(lpuIs(.writeResult) & lpuPort.writeComplete) { advanceImage() }
        m.when(lpuIs(.forward) & !queueFull) {
            m.write(queue, address: tail.bits(pointerWidth - 2, 0), data: .concatenation([lpuIndex, lpuOffset]))
            m.increment(tail)
            m.increment(forwarded)
            advanceImage()
        }

        // MARK: HPU side
        let hpuState = m.stateMachine("hpu_state", HPUState.self, reset: .idle)
        func hpuIs(_ s: HPUState) -> Signal { hpuState.is(s) }
        func hpuEnter(_ s: HPUState, file: StaticString = #fileID, line: UInt = #line) {
            hpuState.go(to: s, file: file, line: line)
        }
        let hpuIndex = m.register("hpu_index", .uint(indexWidth))
        let hpuOffset = m.register("hpu_offset", .uint(addressWidth))
        let hpuCommand = command(writesOffset: hpuIs(.offset), starts: hpuIs(.start), offset: hpuOffset)
        let hpuRegisters = connectRegisters(of: hpuEngine, block: 2, command: hpuCommand)
        let hpuPort = ControllerPort(m, name: "hpu", lineWidth: lineWidth, addressWidth: addressWidth, countWidth: bitsToHold(scoreLines))
        let hpuOwns = m.wire("hpu_controller_owns", hpuIs(.readScores) | hpuIs(.writeResult))
        let classWidth = bitsToHold(scoreLines * k)
        let bestIndex = m.register("hpu_best_class", .uint(classWidth))
        hpuPort.connect(engine: hpuEngine, owned: hpuOwns, responseDelay: 0, writing: hpuIs(.writeResult),
                        address: (resultAddress + hpuIndex).truncated(to: addressWidth),
                        data: resultWord(predicted: bestIndex.fitted(to: 16), forwarded: true))
        m.connect(hpuEngine.port("mem_read_data"), to: hpuPort.readData)
        _ = hpuEngine.port("current_layer"); _ = hpuEngine.port("loading_weights")
        m.when(busy & hpuEngine.port("busy")) { m.increment(hpuCycles) }

        m.when(hpuIs(.idle) & busy & !queueEmpty) {
            m.connect(hpuIndex, to: queueHead.bits(entryWidth - 1, addressWidth))
            m.connect(hpuOffset, to: queueHead.bits(addressWidth - 1, 0))
            m.increment(head)
            hpuEnter(.offset)
        }
        m.when(hpuIs(.offset)) { hpuEnter(.start) }
        m.when(hpuIs(.start)) { hpuEnter(.run) }
        m.when(hpuIs(.run) & hpuEngine.port("done")) {
            hpuEnter(.readScores)
            hpuPort.startReading(from: (hpuScoreAddress + hpuOffset).truncated(to: addressWidth), lines: scoreLines)
        }
        // The argmax of each score line through a comparator tree, then against the best so far.
        let lineBase = m.wire("hpu_line_class", (hpuPort.responseIndex * Signal.constant(k, .uint(bitsToHold(k)))).fitted(to: classWidth))
        let candidates = (0..<k).map { lane in
            let index = (lineBase + lane).fitted(to: classWidth)
            let value = hpuPort.readData.bits((lane + 1) * hpu.wordlength - 1, lane * hpu.wordlength).asSInt
            return RankedScore(value: m.mux(index < classes, value, .constant(-(1 << (hpu.wordlength - 1)), .sint(hpu.wordlength))),
                               index: index)
        }
        let lineBest = m.selectInOrder(candidates, keep: 1)[0]
        let bestValue = m.register("hpu_best_score", .sint(hpu.wordlength))
        let improves = (hpuPort.responseIndex == 0) | (lineBest.value > bestValue)
        m.when(hpuPort.readValid & hpuOwns & improves) {
            m.connect(bestValue, to: lineBest.value)
            m.connect(bestIndex, to: lineBest.index)
        }
        m.when(hpuIs(.readScores) & hpuPort.readsComplete) { hpuEnter(.writeResult) }
        m.when(hpuIs(.writeResult) & hpuPort.writeComplete) { hpuEnter(.idle) }

        // MARK: Start and completion
        let finished = m.wire("finished", busy & lpuFinished & queueEmpty & hpuIs(.idle))
        m.when(finished) { m.assign(busy, 0); m.assign(done, 1) }
        // `start` needs `busy` low, and the LPU side is idle whenever the cascade is not busy.
        m.when(lpuIs(.idle) & start) {
            m.assign(done, 0)
            m.assign(cycles, 0); m.assign(hpuCycles, 0); m.assign(samples, 0); m.assign(forwarded, 0)
            m.assign(lpuIndex, 0); m.assign(lpuOffset, 0)
            m.when(imageCount == 0) { m.assign(done, 1) } otherwise: {
                m.assign(busy, 1)
                m.assign(lpuFinished, 0)
                lpuEnter(.offset)
            }
        }

        // MARK: Register reads
        var readData = m.mux(block == 1, lpuRegisters, m.mux(block == 2, hpuRegisters, .constant(0, .uint(32))))
        let registers: [(Int, Signal)] = [
            (CascadeRegister.status, .concatenation([.constant(0, .uint(30)), done, busy])),
            (CascadeRegister.imageCount, imageCount.resized(to: 32)),
            (CascadeRegister.threshold, threshold.resized(to: 32)),
            (CascadeRegister.resultAddress, resultAddress.resized(to: 32)),
            (CascadeRegister.imageStride, imageStride.resized(to: 32)),
            (CascadeRegister.lpuScoreAddress, lpuScoreAddress.resized(to: 32)),
            (CascadeRegister.hpuScoreAddress, hpuScoreAddress.resized(to: 32)),
            (CascadeRegister.samples, samples.resized(to: 32)),
            (CascadeRegister.forwarded, forwarded.resized(to: 32)),
            (CascadeRegister.cyclesLow, cycles.bits(31, 0)),
            (CascadeRegister.cyclesHigh, cycles.bits(47, 32).resized(to: 32)),
            (CascadeRegister.hpuCycles, hpuCycles),
        ]
        for (address, value) in registers { readData = m.mux((block == 0) & (local == address), value, readData) }
        m.connect(regPort.readData, to: readData)
        m.output("lpu_base_address", lpuEngine.port("base_address"))
        m.output("hpu_base_address", hpuEngine.port("base_address"))
        _ = lpuEngine.port("busy")
        m.output("busy", busy)
        m.output("done", done)
    }
}

/// A result word as hardware: `CascadeResultWord`'s layout, 32 bits, from a 16-bit class.
private func resultWord(predicted: Signal, forwarded: Bool) -> Signal {
    .concatenation([.constant(1, .uint(1)), .constant(0, .uint(14)), .constant(forwarded ? 1 : 0, .uint(1)), predicted])
}
