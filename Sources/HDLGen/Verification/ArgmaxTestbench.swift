extension Argmax {
    /// One line of scores and the class of its lane 0.
    struct Sample {
        var scores: [Int]
        var base: Int
    }

    /// At the base of every line of C classes (so the last, partial line is masked) and at
    /// random bases: all scores equal, all the minimum, all the maximum, the maximum at each
    /// lane, a tie for the best between two random lanes, then random lines.
    func stimulus(randomSamples: Int, seed: UInt64) -> [Sample] {
        var random = SeededGenerator(seed: seed)
        let low = -(1 << (wordlength - 1)), high = (1 << (wordlength - 1)) - 1
        func score(_ range: ClosedRange<Int>? = nil) -> Int { Int.random(in: range ?? low...high, using: &random) }
        func randomBase() -> Int { Int.random(in: 0...((1 << indexWidth) - lanes), using: &random) }
        var samples: [Sample] = []
        for base in (0..<lines).map({ $0 * lanes }) + [randomBase(), randomBase()] {
            let level = score()
            samples.append(Sample(scores: Array(repeating: level, count: lanes), base: base))
            samples.append(Sample(scores: Array(repeating: low, count: lanes), base: base))
            samples.append(Sample(scores: Array(repeating: high, count: lanes), base: base))
            for lane in 0..<lanes {
                var scores = (0..<lanes).map { _ in score(low...(high - 1)) }
                scores[lane] = high
                samples.append(Sample(scores: scores, base: base))
            }
            var scores = (0..<lanes).map { _ in score() }
            let tie = scores.max()!
            scores[Int.random(in: 0..<lanes, using: &random)] = tie
            scores[Int.random(in: 0..<lanes, using: &random)] = tie
            samples.append(Sample(scores: scores, base: base))
        }
        for _ in 0..<randomSamples {
            let base = Bool.random(using: &random) ? Int.random(in: 0..<lines, using: &random) * lanes : randomBase()
            // Few distinct values, so that ties are common.
            let range = Bool.random(using: &random) ? low...high : low...(low + 3)
            samples.append(Sample(scores: (0..<lanes).map { _ in score(range) }, base: base))
        }
        return samples
    }

    /// The RTL with a testbench that offers one line per cycle and checks `best` and
    /// `best_index` in every cycle against `best(of:base:)`.
    func simulationBundle(samples: [Sample]) throws -> SimulationBundle {
        let circuit = try Circuit(self)
        let check = Testbench.OutputCheck(
            valid: nil, ports: ["best", "best_index"],
            beats: samples.map { sample in
                let best = best(of: sample.scores, base: sample.base)
                return [[best.value], [best.index]]
            })
        let testbench = try Testbench(dut: circuit.top, stimulus: ["scores": samples.map(\.scores),
                                                                   "base": samples.map { [$0.base] }],
                                      check: check, drainCycles: 1)
        return SimulationBundle(circuit: circuit, testbench: testbench)
    }
}
