extension PartialSums {
    /// One input-channel chunk's pass over a band, as the stage sees it: each position's P
    /// sums in order, with idle cycles before it.
    struct Pass {
        var sums: [[Int]], gaps: [Int]
    }

    /// Per pass, per position, the P sums the stage gives: the chunks' sums so far at that
    /// position (each band's passes start from zero; a band is `chunks` passes).
    func expectedSums(_ passes: [Pass], chunks: Int) -> [[[Int]]] {
        var kept: [[Int]] = []
        return passes.enumerated().map { index, pass in
            if index % chunks == 0 { kept = pass.sums.map { $0.map { _ in 0 } } }
            kept = zip(kept, pass.sums).map { zip($0, $1).map(+) }
            return kept
        }
    }

    /// The RTL with a testbench that runs `passes` (bands of `chunks` passes over the same
    /// positions: `clear` before each, `first` and `last` held through it) and checks every
    /// position's sums, and their cycle, against `expectedSums`.
    func simulationBundle(_ passes: [Pass], chunks: Int) throws -> SimulationBundle {
        let p = engine.configuration.pes
        var stimulus: [String: [[Int]]] = [:], beats: [[[Int]]] = [], cycles: [Int] = []
        let expected = expectedSums(passes, chunks: chunks)
        var cycle = 0
        func step(clear: Bool = false, first: Bool, last: Bool, sums: [Int]?) {
            let inputs: [String: [Int]] = ["clear": [clear ? 1 : 0], "first": [first ? 1 : 0], "last": [last ? 1 : 0],
                                           "valid": [sums == nil ? 0 : 1], "acc": sums ?? Array(repeating: 0, count: p)]
            for (port, value) in inputs { stimulus[port, default: []].append(value) }
            cycle += 1
        }
        for (index, pass) in passes.enumerated() {
            let (first, last) = (index % chunks == 0, index % chunks == chunks - 1)
            step(clear: true, first: first, last: last, sums: nil)
            for (position, sums) in pass.sums.enumerated() {
                for _ in 0..<pass.gaps[position] { step(first: first, last: last, sums: nil) }
                beats.append([expected[index][position]])
                cycles.append(cycle + Self.latency)
                step(first: first, last: last, sums: sums)
            }
        }
        step(first: false, last: false, sums: nil)
        let circuit = try Circuit(self)
        let check = Testbench.OutputCheck(valid: "sum_valid", ports: ["sums"], beats: beats, cycles: cycles)
        return SimulationBundle(circuit: circuit, testbench: try Testbench(dut: circuit.top, stimulus: stimulus, check: check,
                                                                           drainCycles: 2))
    }

    /// Bands of `chunks` passes over as many positions as the buffer holds (and fewer), the
    /// sums random within what a chunk of the engine's window can reach, with their extremes;
    /// back-to-back positions and random gaps.
    func stimulus(bands: Int, chunks: Int, seed: UInt64) -> [Pass] {
        let c = engine.configuration, depth = c.partialSumDepth!
        var random = SeededGenerator(seed: seed)
        // A chunk's sum stays within a chunk's share of the accumulator's range.
        let bound = (1 << (c.accumulatorWidth - 1)) / chunks - 1
        var passes: [Pass] = []
        for band in 0..<bands {
            let positions = band == 0 ? depth : Int.random(in: 1...depth, using: &random)
            for _ in 0..<chunks {
                let sums = (0..<positions).map { _ in
                    (0..<c.pes).map { _ in [bound, -bound, 0, Int.random(in: -bound...bound, using: &random)].randomElement(using: &random)! }
                }
                let gaps = (0..<positions).map { _ in Int.random(in: 0..<3, using: &random) == 0 ? Int.random(in: 1...3, using: &random) : 0 }
                passes.append(Pass(sums: sums, gaps: gaps))
            }
        }
        return passes
    }
}
