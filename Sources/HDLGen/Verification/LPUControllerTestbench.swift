extension LPUController {
    /// A run the host starts: `images` images (0: the top ends it at once, never raising
    /// `run`), and the stride and the addresses the top's registers hold while it lasts.
    struct Run {
        var images: Int, stride: Int, scoreAddress: Int, resultAddress: Int
    }

    static let checkedPorts = ["command_write", "command_address", "command_data", "mem_req_valid", "mem_req_write",
                               "mem_req_address", "mem_req_data", "engine_mem_req_ready", "engine_mem_read_valid",
                               "engine_mem_read_data", "engine_mem_write_done", "ceu_in_valid", "scores", "ceu_out_ready",
                               "decided", "forward_valid", "forward_data", "finished"]

    /// Runs of one image, of none, of many; strides and addresses that wrap around the
    /// address space (the last image's region, scores and result past the top), stride 0.
    func runs(seed: UInt64) -> [Run] {
        var random = SeededGenerator(seed: seed)
        let top = 1 << self.top.addressWidth
        func address() -> Int { Int.random(in: 0..<top, using: &random) }
        return [Run(images: 1, stride: address(), scoreAddress: address(), resultAddress: address()),
                Run(images: 0, stride: address(), scoreAddress: address(), resultAddress: address()),
                Run(images: Int.random(in: 6...10, using: &random), stride: Int.random(in: 1...64, using: &random),
                    scoreAddress: top - 3, resultAddress: top - 4),
                Run(images: 2, stride: 0, scoreAddress: 0, resultAddress: 0),
                Run(images: Int.random(in: 3...6, using: &random), stride: top - 5, scoreAddress: address(),
                    resultAddress: address())]
    }

    /// The runs against a random engine, memory, CEU and queue (each reacting to what the
    /// model outputs, so that the stimulus is the one the RTL sees if it behaves as the model),
    /// and the model's outputs in every cycle.
    func trace(_ runs: [Run], traffic: ControllerTraffic, seed: UInt64) -> (stimulus: [String: [[Int]]], outputs: [[String: Int]]) {
        let t = top, lines = t.scoreLines
        var random = SeededGenerator(seed: seed)
        var model = LPUControllerModel(top: t)
        var memory = ControllerMemory(lineWidth: t.lineWidth, wordlength: t.hpu.wordlength, traffic: traffic, seed: seed &+ 1)
        var engine = RandomEngine(addressWidth: t.addressWidth, lineWidth: t.lineWidth, traffic: traffic, seed: seed &+ 2)
        var ceuReadiness = RandomMemory(stall: traffic.stall, burst: 4, maxLatency: 1, seed: seed &+ 3)
        var queueReadiness = RandomMemory(stall: traffic.stall, burst: traffic.burst, maxLatency: 1, seed: seed &+ 4)
        // The CEU: beats taken of the current image, then a decision after a random wait.
        var beats = 0, wait: Int?, decision: (predicted: Int, confident: Bool)?
        var pending = runs[...], current: Run?, held: Run?, gap = t.truncationLatency + 1, drain = 0
        var stimulus: [String: [[Int]]] = [:], outputs: [[String: Int]] = []
        for cycle in 0... {
            var inputs = LPUControllerModel.Inputs()
            let idle = model.phase == .idle
            if current == nil && idle {
                if gap > 0 { gap -= 1 } else if let next = pending.popFirst() {
                    held = next
                    if next.images > 0 { current = next; inputs.run = true } else { gap = 6 }
                } else { drain += 1 }
            }
            if drain > 8 { break }
            precondition(cycle < 200_000, "the LPU controller's trace does not end")
            // Parameters are held through a run and noise elsewhere; a request to run while
            // running is ignored.
            let noise = Run(images: Int.random(in: 0..<(1 << t.indexWidth), using: &random),
                            stride: Int.random(in: 0..<(1 << t.addressWidth), using: &random),
                            scoreAddress: Int.random(in: 0..<(1 << t.addressWidth), using: &random),
                            resultAddress: Int.random(in: 0..<(1 << t.addressWidth), using: &random))
            let shown = held ?? noise
            inputs.imageCount = shown.images; inputs.imageStride = shown.stride
            inputs.scoreAddress = shown.scoreAddress; inputs.resultAddress = shown.resultAddress
            if !idle && Int.random(in: 0..<100, using: &random) < 3 { inputs.run = true }
            inputs.engineDone = engine.done
            engine.drive(&inputs.port)
            memory.drive(&inputs.port, cycle: cycle, using: &random)
            inputs.loadingWeights = Bool.random(using: &random)
            inputs.shift = Int.random(in: 0..<(1 << t.truncationUnit.shiftWidth), using: &random)
            inputs.ceuInReady = ceuReadiness.ready()
            inputs.ceuOutValid = decision != nil
            inputs.predicted = decision?.predicted ?? Int.random(in: 0..<(1 << t.confidenceUnit.indexWidth), using: &random)
            inputs.confident = decision?.confident ?? Bool.random(using: &random)
            inputs.forwardReady = queueReadiness.ready()

            let out = model.outputs(inputs)
            outputs.append(out)
            for (port, value) in inputs.ports { stimulus[port, default: []].append([value]) }

            // The surroundings react to the outputs at the clock edge.
            memory.take(out, inputs.port, cycle: cycle)
            engine.clock(started: out["command_write"] == 1 && out["command_address"] == EngineRegister.control,
                         taken: out["engine_mem_req_ready"] == 1 && inputs.port.engineValid,
                         answered: out["engine_mem_read_valid"] == 1 || out["engine_mem_write_done"] == 1)
            if out["decided"] == 1 { decision = nil }
            if let w = wait {
                if w == 0 {
                    decision = (Int.random(in: 0..<t.classes, using: &random), Bool.random(using: &random))
                    wait = nil
                } else { wait = w - 1 }
            }
            if out["ceu_in_valid"] == 1 && inputs.ceuInReady {
                beats += 1
                if beats == lines { beats = 0; wait = Int.random(in: 0...3, using: &random) }
            }
            model.clock(inputs)
            if current != nil && model.phase == .idle { current = nil; held = nil; gap = Int.random(in: 0...3, using: &random) }
        }
        return (stimulus, outputs)
    }

    /// The RTL, wrapped to be sampled, under testbenches that drive the trace of `runs` and
    /// check every output in every cycle where the model specifies it.
    func simulationChecks(_ runs: [Run], traffic: ControllerTraffic, seed: UInt64) throws -> [SampledCheck] {
        let (stimulus, outputs) = trace(runs, traffic: traffic, seed: seed)
        return try SimulationBundle.sampled(self, stimulus: stimulus, ports: Self.checkedPorts, outputs: outputs)
    }
}

extension LPUControllerModel.Inputs {
    /// The stimulus of every input, by port name.
    var ports: [String: Int] {
        port.ports.merging([
            "run": run ? 1 : 0, "image_count": imageCount, "image_stride": imageStride, "score_address": scoreAddress,
            "result_address": resultAddress, "engine_done": engineDone ? 1 : 0, "forward_ready": forwardReady ? 1 : 0,
            "loading_weights": loadingWeights ? 1 : 0, "shift": shift, "ceu_in_ready": ceuInReady ? 1 : 0,
            "ceu_out_valid": ceuOutValid ? 1 : 0, "predicted": predicted, "confident": confident ? 1 : 0,
        ]) { a, _ in a }
    }
}
