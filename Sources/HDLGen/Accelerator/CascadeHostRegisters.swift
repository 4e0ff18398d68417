/// The `CascadeTop`'s own registers on the host's register port (block 0 of
/// `CascadeRegister`): the run's parameters, the weight shifts, status and counters, and the
/// read mux over the three blocks. A helper of the top's module, not a sub-module: its
/// registers are the top's, which the controllers' events update.
struct CascadeHostRegisters {
    let m: ModuleBuilder
    /// The register block the host addresses (0: the cascade, 1: the LPU, 2: the HPU) and the
    /// word within it.
    let block: Signal, local: Signal
    let busy: Signal, done: Signal
    let imageCount: Signal, threshold: Signal, resultAddress: Signal, imageStride: Signal
    let lpuScoreAddress: Signal, hpuScoreAddress: Signal
    let samples: Signal, forwarded: Signal, cycles: Signal, hpuCycles: Signal
    /// The host's start of a run: a write of 1 to `CascadeRegister.control` while not busy.
    let start: Signal
    let weightShifts: Memory
    private let port: PortGroup<RegisterPort>

    init(_ m: ModuleBuilder, top: CascadeTop, port: PortGroup<RegisterPort>) {
        self.m = m; self.port = port
        let r = top.engineRegisterWidth, a = top.addressWidth, data = port.writeData
        let block = port.address.bits(r + 1, r), local = port.address.bits(r - 1, 0)
        let busy = m.register("busy_q", .bool, reset: 0)
        self.block = block; self.local = local; self.busy = busy
        done = m.register("done_q", .bool, reset: 0)
        let parameters = [
            (CascadeRegister.imageCount, m.register("image_count", .uint(top.indexWidth), reset: 0)),
            (CascadeRegister.threshold, m.register("threshold", .uint(top.confidenceUnit.thresholdFractionBits + 1), reset: 0)),
            (CascadeRegister.resultAddress, m.register("result_address", .uint(a), reset: 0)),
            (CascadeRegister.imageStride, m.register("image_stride", .uint(a), reset: 0)),
            (CascadeRegister.lpuScoreAddress, m.register("lpu_score_address", .uint(a), reset: 0)),
            (CascadeRegister.hpuScoreAddress, m.register("hpu_score_address", .uint(a), reset: 0)),
        ]
        imageCount = parameters[0].1; threshold = parameters[1].1; resultAddress = parameters[2].1
        imageStride = parameters[3].1; lpuScoreAddress = parameters[4].1; hpuScoreAddress = parameters[5].1
        samples = m.register("samples", .uint(top.indexWidth), reset: 0)
        forwarded = m.register("forwarded", .uint(top.indexWidth), reset: 0)
        cycles = m.register("cycles", .uint(48), reset: 0)
        hpuCycles = m.register("hpu_cycles", .uint(32), reset: 0)
        let slots = max(2, nextPowerOfTwo(top.lpu.maxLayers)), shiftWidth = top.truncationUnit.shiftWidth
        let weightShifts = m.memory("weight_shifts", .uint(shiftWidth), depth: slots)
        self.weightShifts = weightShifts
        let hostCascade = m.wire("host_cascade", port.write & (block == 0))
        for (address, register) in parameters {
            m.when(hostCascade & (local == address)) { m.connect(register, to: data.bits(register.width - 1, 0)) }
        }
        let slotWidth = ceilLog2(slots)
        m.when(hostCascade & (local >= CascadeRegister.weightShift) & (local < CascadeRegister.weightShift + slots)) {
            m.write(weightShifts, address: local.bits(slotWidth - 1, 0), data: data.bits(shiftWidth - 1, 0))
        }
        start = m.wire("start", hostCascade & (local == CascadeRegister.control) & data.bit(0) & !busy)
    }

    /// The truncation shift of the LPU's current layer.
    func weightShift(layer: Signal) -> Signal {
        // Exact: the layer runs below maxLayers ≤ the slots, whose index the low bits hold.
        weightShifts.read(layer.truncated(to: weightShifts.addressWidth))
    }

    /// Counts the cycles of a run, the LPU's decisions, the images forwarded and the HPU's busy cycles.
    func count(decided: Signal, forwarded forwarding: Signal, hpuBusy: Signal) {
        m.when(busy) { m.increment(cycles) }
        m.when(decided) { m.increment(samples) }
        m.when(forwarding) { m.increment(forwarded) }
        m.when(busy & hpuBusy) { m.increment(hpuCycles) }
    }

    /// Ends a run where `finished` holds, and starts one on the host's `start`: counters
    /// cleared, and done at once for a run of no images.
    func finish(when finished: Signal) {
        m.when(m.wire("finished", busy & finished)) { m.assign(busy, 0); m.assign(done, 1) }
        m.when(start) {
            m.assign(done, 0)
            m.assign(cycles, 0); m.assign(hpuCycles, 0); m.assign(samples, 0); m.assign(forwarded, 0)
            m.when(imageCount == 0) { m.assign(done, 1) } otherwise: { m.assign(busy, 1) }
        }
    }

    /// Drives `read_data`: block 0's word, or the engines' read data for blocks 1 and 2.
    func connectReads(lpu: Signal, hpu: Signal) {
        var readData = m.mux(block == 1, lpu, m.mux(block == 2, hpu, .constant(0, .uint(32))))
        let words: [(Int, Signal)] = [
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
        for (address, value) in words { readData = m.mux((block == 0) & (local == address), value, readData) }
        m.connect(port.readData, to: readData)
    }
}
