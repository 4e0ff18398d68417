extension HPUController {
    static let checkedPorts = ["queue_ready", "command_write", "command_address", "command_data", "mem_req_valid",
                               "mem_req_write", "mem_req_address", "mem_req_data", "engine_mem_req_ready",
                               "engine_mem_read_valid", "engine_mem_read_data", "engine_mem_write_done", "idle"]

    /// `images` forwarded images (index and region offset as a queue entry holds them): the
    /// first and last index, offsets at either end of the address space, then random ones.
    func entries(_ images: Int, seed: UInt64) -> [Int] {
        var random = SeededGenerator(seed: seed)
        let a = top.addressWidth, indices = 1 << top.indexWidth, offsets = 1 << a
        let corners = [(0, 0), (indices - 1, offsets - 1), (1, offsets - 2)]
        return (0..<images).map { i in
            let (index, offset) = i < corners.count ? corners[i]
                : (Int.random(in: 0..<indices, using: &random), Int.random(in: 0..<offsets, using: &random))
            return index << a | offset
        }
    }

    /// `entries` forwarded into a queue of the top's depth (in bursts that fill it, or one at a
    /// time with long gaps), the cascade running or not (two entries wait at first while it
    /// is not), against a random engine and memory; and the model's outputs in every cycle.
    func trace(_ entries: [Int], traffic: ControllerTraffic, seed: UInt64) -> (stimulus: [String: [[Int]]], outputs: [[String: Int]]) {
        let t = top, a = t.addressWidth
        var random = SeededGenerator(seed: seed)
        var model = HPUControllerModel(top: t)
        var memory = ControllerMemory(lineWidth: t.lineWidth, wordlength: t.hpu.wordlength, traffic: traffic, seed: seed &+ 1)
        var engine = RandomEngine(addressWidth: a, lineWidth: t.lineWidth, traffic: traffic, seed: seed &+ 2)
        var queue = FifoModel(depth: t.queueDepth)
        var pending = entries[...], bursting = true, running = false, waited = 0, drain = 0
        func address() -> Int { Int.random(in: 0..<(1 << a), using: &random) }
        var addresses = (score: address(), result: address())
        var stimulus: [String: [[Int]]] = [:], outputs: [[String: Int]] = []
        for cycle in 0... {
            let idle = model.phase == .idle
            // The run (the top's busy) begins after a while, and ends and begins again only
            // while the controller is idle; its addresses hold while it runs.
            waited += 1
            if idle && (running ? Int.random(in: 0..<100, using: &random) < 2 : waited > 12) {
                running.toggle(); waited = 0
                if running { addresses = ([address(), (1 << a) - 1].randomElement(using: &random)!, address()) }
            }
            if pending.isEmpty && queue.words.isEmpty && idle && cycle > 40 { drain += 1 }
            if drain > 8 { break }
            precondition(cycle < 200_000, "the HPU controller's trace does not end")
            var inputs = HPUControllerModel.Inputs()
            inputs.running = running
            inputs.scoreAddress = running ? addresses.score : address()
            inputs.resultAddress = running ? addresses.result : address()
            inputs.engineDone = engine.done
            engine.drive(&inputs.port)
            memory.drive(&inputs.port, cycle: cycle, using: &random)
            inputs.queueValid = queue.outValid
            inputs.queueData = queue.words.first ?? Int.random(in: 0..<(1 << t.queueEntryWidth), using: &random)

            let out = model.outputs(inputs)
            outputs.append(out)
            for (port, value) in inputs.ports { stimulus[port, default: []].append([value]) }

            memory.take(out, inputs.port, cycle: cycle)
            engine.clock(started: out["command_write"] == 1 && out["command_address"] == EngineRegister.control,
                         taken: out["engine_mem_req_ready"] == 1 && inputs.port.engineValid,
                         answered: out["engine_mem_read_valid"] == 1 || out["engine_mem_write_done"] == 1)
            if Int.random(in: 0..<100, using: &random) < 4 { bursting.toggle() }
            let arrives = (cycle < 12 ? queue.words.count < 2 : running) && (bursting || Int.random(in: 0..<100, using: &random) < 3)
            let push = arrives && queue.inReady ? pending.popFirst() : nil
            _ = queue.step(push: push, pop: out["queue_ready"] == 1)
            model.clock(inputs)
        }
        return (stimulus, outputs)
    }

    /// The RTL, wrapped to be sampled, under testbenches that drive the trace of `entries` and
    /// check every output in every cycle where the model specifies it.
    func simulationChecks(_ entries: [Int], traffic: ControllerTraffic, seed: UInt64) throws -> [SampledCheck] {
        let (stimulus, outputs) = trace(entries, traffic: traffic, seed: seed)
        return try SimulationBundle.sampled(self, stimulus: stimulus, ports: Self.checkedPorts, outputs: outputs)
    }
}

extension HPUControllerModel.Inputs {
    /// The stimulus of every input, by port name.
    var ports: [String: Int] {
        port.ports.merging([
            "running": running ? 1 : 0, "score_address": scoreAddress, "result_address": resultAddress,
            "engine_done": engineDone ? 1 : 0, "queue_valid": queueValid ? 1 : 0, "queue_data": queueData,
        ]) { a, _ in a }
    }
}
