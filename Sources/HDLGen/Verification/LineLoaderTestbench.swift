extension LineLoader {
    /// One load: `lines` lines from `address`, in segments of `segment` consecutive lines
    /// `skip` lines apart, numbered over windows of `beats`; `chained` starts it in the cycle
    /// the previous load is loaded, still active (the engine's bias and weight loads), else
    /// after a gap with the loader inactive.
    struct Load {
        var address: Int, lines: Int, segment: Int, skip: Int, beats: Int, chained: Bool

        /// The address of the load's request `k`.
        func address(ofRequest k: Int) -> Int { address + k + k / segment * skip }
    }

    static let checkedPorts = ["requesting", "read_address", "loaded", "response_index", "response_beat", "response_pe"]

    /// The loads run one after another against `memory`, and the outputs the loader's contract
    /// gives in each cycle: the k-th request of a load offers `address(ofRequest: k)` from the cycle after
    /// its start (or its predecessor's acceptance) until the memory takes it, while active; the
    /// memory answers accepted requests in order; response j lands at index j, in window
    /// j / beats (PE, modulo its width) at beat j mod beats; `loaded` once all have come.
    func trace(_ loads: [Load], memory: RandomMemory) -> (stimulus: [String: [[Int]]], expected: [[[Int]]?]) {
        let c = engine.configuration, addressMask = (1 << c.addressWidth) - 1
        let peModulus = 1 << bitsToHold(c.pes), countMask = (1 << engine.countWidth) - 1
        var random = SeededGenerator(seed: UInt64(loads.count)), memory = memory
        var stimulus: [String: [[Int]]] = [:]
        var expected: [[[Int]]?] = []
        var current: Load?, accepted = 0, received = 0
        var next = 0, gap = 0, active = false, finished = 0
        var cycle = 0
        while finished < 3 {
            // Inputs of this cycle: the next load starts, chained or after a gap of inactivity.
            let allIn = current.map { received == $0.lines } ?? true
            let start = next < loads.count && (current == nil || (active && allIn && loads[next].chained) || (!active && gap == 0))
            if !active && !start { gap -= 1 }
            let ready = memory.ready(), readValid = memory.responds(in: cycle)
            let load = start ? loads[next] : current
            stimulus["active", default: []].append([active ? 1 : 0])
            stimulus["start", default: []].append([start ? 1 : 0])
            // The loader reads the address and the count only as it starts: elsewhere, noise.
            let address = start ? load!.address : Int.random(in: 0...addressMask, using: &random)
            stimulus["address", default: []].append([address])
            stimulus["lines", default: []].append([start ? load!.lines : Int.random(in: 0...countMask, using: &random)])
            stimulus["segment", default: []].append([start ? load!.segment : Int.random(in: 0...countMask, using: &random)])
            stimulus["skip", default: []].append([start ? load!.skip : Int.random(in: 0...addressMask, using: &random)])
            stimulus["beats", default: []].append([load?.beats ?? 1])
            stimulus["request_ready", default: []].append([ready ? 1 : 0])
            stimulus["read_valid", default: []].append([readValid ? 1 : 0])
            // Outputs of this cycle, from what the loader has seen so far.
            let requesting = current.map { active && accepted < $0.lines } ?? false
            let isLoaded = active && allIn && current != nil
            if let current {
                expected.append([[requesting ? 1 : 0], [current.address(ofRequest: accepted) & addressMask], [isLoaded ? 1 : 0],
                                 [received], [received % current.beats], [(received / current.beats) % peModulus]])
            } else {
                expected.append(nil)
            }
            // The cycle's end: the memory takes a request, a response lands, a load starts.
            if requesting && ready { memory.take(in: cycle); accepted += 1 }
            if readValid { received += 1 }
            if start {
                current = loads[next]; next += 1
                accepted = 0; received = 0
                active = true
            } else if isLoaded && next < loads.count {
                active = false
                gap = Int.random(in: 0...2, using: &random)
            } else if isLoaded { finished += 1 }
            cycle += 1
        }
        return (stimulus, expected)
    }

    /// The RTL, wrapped to be sampled, with a testbench that runs `loads` against `memory` and
    /// checks every output in every cycle from the first start on against `trace`.
    func simulationBundle(_ loads: [Load], memory: RandomMemory) throws -> SimulationBundle {
        let (stimulus, expected) = trace(loads, memory: memory)
        return try .sampled(self, stimulus: stimulus, ports: Self.checkedPorts, expected: expected)
    }
}
