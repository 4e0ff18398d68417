import FixedPoint

/// The two-stage CascadeCNN accelerator: an LPU and an HPU layer engine, the weight-
/// truncation unit on the LPU's weight path, the CEU on the LPU's class scores, a queue of
/// forwarded images (`Fifo`), and two controllers (`LPUController`, `HPUController`) that
/// run a batch of images without the host. `build` wires these sub-modules to the host's
/// registers (`CascadeHostRegisters`).
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
    /// The queue depth unless a caller chooses another: one place for the generator, the
    /// toolflow's cycle and resource models and the command line.
    public static let defaultQueueDepth = 16

    public init(lpu: LayerEngine, hpu: LayerEngine, rounding: Rounding, confidenceUnit: ConfidenceEvaluationUnit,
                queueDepth: Int = CascadeTop.defaultQueueDepth) throws {
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
        "CascadeCNN: LPU \(lpu.configuration.tiling) at \(lpu.wordlength) bits, HPU \(hpu.configuration.tiling) at \(hpu.wordlength) bits, "
            + "gBvSB(M=\(confidenceUnit.m), N=\(confidenceUnit.n)) over \(classes) classes"
    }

    /// Bits of a forward-queue entry: the image's index and its offset.
    public var queueEntryWidth: Int { indexWidth + addressWidth }
    /// The forward queue.
    public var forwardQueue: Fifo {
        // init checked the depth (a power of two in 2…1024); the entry is at most 20 + 32 bits.
        try! Fifo(entryWidth: queueEntryWidth, depth: queueDepth)
    }

    public func build(_ m: ModuleBuilder) throws {
        let host = m.port(registerPort, prefix: "reg", as: .slave)
        let registers = CascadeHostRegisters(m, top: self, port: host)
        let lpuEngine = try m.instance(lpu, name: "lpu_engine")
        let hpuEngine = try m.instance(hpu, name: "hpu_engine")
        let lpuSide = try m.instance(LPUController(top: self), name: "lpu_controller")
        let hpuSide = try m.instance(HPUController(top: self), name: "hpu_controller")
        let ceu = try m.instance(confidenceUnit, name: "ceu")
        let queue = try m.instance(forwardQueue, name: "forward_queue")
        let memory = MemoryPort(lineWidth: lineWidth, addressWidth: addressWidth)
        let entries = Stream(dataWidth: queueEntryWidth)

        // Engines: registers from the host or their controller, memory through the controller.
        let idleHost = !registers.busy
        let lpuRegisters = EngineCommand.connect(m, engine: lpuEngine, controller: lpuSide, host: host,
                                                 hostSelects: (registers.block == 1) & idleHost, local: registers.local)
        let hpuRegisters = EngineCommand.connect(m, engine: hpuEngine, controller: hpuSide, host: host,
                                                 hostSelects: (registers.block == 2) & idleHost, local: registers.local)
        for (engine, side, name) in [(lpuEngine, lpuSide, "lpu"), (hpuEngine, hpuSide, "hpu")] {
            m.connect(side.port("engine_done"), to: engine.port("done"))
            m.connect(engine.port(memory, prefix: "mem", as: .master), side.port(memory, prefix: "engine_mem", as: .slave))
            m.expose(side.port(memory, prefix: "mem", as: .master), prefix: "\(name)_mem")
            m.connect(side.port("result_address"), to: registers.resultAddress)
        }
        m.output("lpu_base_address", lpuEngine.port("base_address"))
        m.output("hpu_base_address", hpuEngine.port("base_address"))
        m.connect(lpuSide.port("loading_weights"), to: lpuEngine.port("loading_weights"))
        m.connect(lpuSide.port("shift"), to: registers.weightShift(layer: lpuEngine.port("current_layer")))
        _ = hpuEngine.port("current_layer"); _ = hpuEngine.port("loading_weights"); _ = lpuEngine.port("busy")

        // LPU side: a run of images, the CEU on its scores, doubtful images into the queue.
        m.connect(lpuSide.port("run"), to: registers.start & (registers.imageCount != 0))
        m.connect(lpuSide.port("image_count"), to: registers.imageCount)
        m.connect(lpuSide.port("image_stride"), to: registers.imageStride)
        m.connect(lpuSide.port("score_address"), to: registers.lpuScoreAddress)
        m.connect(lpuSide.port(Stream(), prefix: "ceu_in", as: .master), ceu.port(Stream(), prefix: "in", as: .slave))
        m.connect(ceu.port("scores"), to: lpuSide.port("scores"))
        m.connect(ceu.port("threshold"), to: registers.threshold)
        m.connect(ceu.port(Stream(), prefix: "out", as: .master), lpuSide.port(Stream(), prefix: "ceu_out", as: .slave))
        m.connect(lpuSide.port("predicted"), to: ceu.port("predicted"))
        m.connect(lpuSide.port("confident"), to: ceu.port("confident"))
        _ = ceu.port("margin"); _ = ceu.port("scaled_total")
        m.connect(lpuSide.port(entries, prefix: "forward", as: .master), queue.port(entries, prefix: "in", as: .slave))

        // HPU side: forwarded images from the queue while the cascade runs.
        m.connect(hpuSide.port("running"), to: registers.busy)
        m.connect(hpuSide.port("score_address"), to: registers.hpuScoreAddress)
        m.connect(queue.port(entries, prefix: "out", as: .master), hpuSide.port(entries, prefix: "queue", as: .slave))
        _ = queue.port("count")

        // Completion, counters and register reads.
        let forwarding = lpuSide.port("forward_valid") & queue.port("in_ready")
        registers.count(decided: lpuSide.port("decided"), forwarded: forwarding, hpuBusy: hpuEngine.port("busy"))
        registers.finish(when: lpuSide.port("finished") & !queue.port("out_valid") & hpuSide.port("idle"))
        registers.connectReads(lpu: lpuRegisters, hpu: hpuRegisters)
        m.output("busy", registers.busy)
        m.output("done", registers.done)
    }

    /// A result word as hardware: `CascadeResultWord`'s layout, 32 bits, from a 16-bit class.
    static func resultWord(predicted: Signal, forwarded: Bool) -> Signal {
        .concatenation([.constant(1, .uint(1)), .constant(0, .uint(14)), .constant(forwarded ? 1 : 0, .uint(1)), predicted])
    }
}
