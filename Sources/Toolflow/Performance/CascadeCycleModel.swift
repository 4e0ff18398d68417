import HDLGen

/// Cycles the `CascadeTop` takes for a run, from its controller's schedule, when the memory
/// takes a request every cycle and answers `memoryLatency` cycles later. Exact for the
/// generated RTL under those conditions (stalls only add to it).
///
/// Per image the LPU side spends: 2 cycles writing the image offset and the start, the LPU's
/// own cycles (`EngineCycleModel` with the truncation unit's latency added to the memory's)
/// and one to see it done, S + L + 1 reading the S score lines back, S + the CEU's latency
/// deciding, then L + 1 writing a confident result or 1 pushing a forwarded image (waiting
/// while the queue is full). The HPU side, per forwarded image: 1 taking it from the queue,
/// 2 starting the HPU, its cycles and one more, S + L + 1 reading its scores through the
/// argmax, L + 1 writing the result. The two sides overlap; the run ends when both are idle.
public struct CascadeCycleModel: Sendable {
    /// The LPU side's cycles per image, kept or forwarded, without waiting on the queue.
    public let lpuConfidentCycles: Int, lpuForwardedCycles: Int
    /// The HPU side's cycles per forwarded image.
    public let hpuCycles: Int
    public let queueDepth: Int
    /// Cycles from an image's start on the LPU side to its forward state.
    let lpuDecision: Int

    public init(program: CascadeProgram, memoryLatency: Int = 2) {
        let top = program.top, l = memoryLatency, s = top.scoreLines
        func engineCycles(_ engine: EngineProgram, latency: Int) -> Int {
            engine.modelledCycles(memoryLatency: latency).reduce(0, +)
        }
        let lpu = engineCycles(program.lpu, latency: l + top.truncationLatency)
        lpuDecision = 2 + (lpu + 1) + (s + l + 1) + (s + top.confidenceUnit.latency)
        lpuConfidentCycles = lpuDecision + l + 1
        lpuForwardedCycles = lpuDecision + 1
        hpuCycles = 1 + 2 + (engineCycles(program.hpu, latency: l) + 1) + (s + l + 1) + (l + 1)
        queueDepth = top.queueDepth
    }

    /// Cycles of a run over images that the CEU forwards as `forwarded` says, from the start
    /// to `done` (the cascade's cycle counter).
    public func cycles(forwarded: [Bool]) -> Int {
        var time = 0                     // the cycle the LPU side starts the next image
        var pushes: [Int] = [], pops: [Int] = []
        var hpuIdle = 0                  // the first cycle the HPU side is idle again
        for flag in forwarded {
            guard flag else { time += lpuConfidentCycles; continue }
            var push = time + lpuDecision
            // Full: Q images pushed before this cycle and not yet taken.
            while pushes.filter({ $0 < push }).count - pops.filter({ $0 < push }).count >= queueDepth { push += 1 }
            pushes.append(push)
            let pop = max(hpuIdle, push + 1)
            pops.append(pop)
            hpuIdle = pop + hpuCycles
            time = push + 1
        }
        return max(time, hpuIdle) + 1
    }

    /// Images per cycle in steady state when the fraction `f` is forwarded: the slower of
    /// the LPU side and the HPU side's share.
    public func imagesPerCycle(forwarding f: Double) -> Double {
        let lpu = (1 - f) * Double(lpuConfidentCycles) + f * Double(lpuForwardedCycles)
        return 1 / max(lpu, f * Double(hpuCycles))
    }
}
