import FixedPoint

extension WeightTruncationUnit {
    /// The RTL with a testbench that streams `beats` (lane weights and a shift per cycle,
    /// all valid) and checks every output beat, and its cycle, against `truncate`.
    public func simulationBundle(beats: [(weights: [Int], shift: Int)], provenance: [String] = []) throws
        -> SimulationBundle {
        let circuit = try Circuit(self)
        let check = Testbench.OutputCheck(
            valid: "done", ports: ["truncated"],
            beats: beats.map { beat in [beat.weights.map { truncate($0, shift: beat.shift) }] },
            cycles: beats.indices.map { $0 + latency })
        let testbench = try Testbench(
            dut: circuit.top,
            stimulus: ["weights": beats.map(\.weights), "shift": beats.map { [$0.shift] },
                       "valid": beats.map { _ in [1] }],
            check: check, drainCycles: latency + 2)
        return SimulationBundle(circuit: circuit, testbench: testbench, provenance: provenance)
    }

    /// Every shift from 0 to w_h (and one beyond, where the port allows) with the extremes
    /// of the HPU word, then random weights at random shifts.
    public func stimulus(cycles: Int, seed: UInt64) -> [(weights: [Int], shift: Int)] {
        var random = SeededGenerator(seed: seed)
        let low = Int.minimum(wordlength: highWordlength), high = Int.maximum(wordlength: highWordlength)
        let corners = [low, low + 1, -1, 0, 1, high - 1, high, 1 << max(0, highWordlength - 2), -(1 << max(0, highWordlength - 2))]
        var beats: [(weights: [Int], shift: Int)] = []
        let maxShift = min((1 << shiftWidth) - 1, highWordlength + 1)
        for shift in 0...maxShift {
            for start in stride(from: 0, to: corners.count, by: lanes) {
                beats.append(((0..<lanes).map { corners[(start + $0) % corners.count] }, shift))
            }
            // Around each rounding tie of this shift: 2^(s-1) multiples and their neighbours.
            if shift >= 1 && shift <= highWordlength {
                let tie = 1 << (shift - 1)
                let values = [tie, tie - 1, tie + 1, -tie, -tie - 1, -tie + 1, 3 * tie, -3 * tie]
                    .map { $0.wrapped(toWordlength: highWordlength) }
                beats.append(((0..<lanes).map { values[$0 % values.count] }, shift))
            }
        }
        let end = beats.count + cycles
        while beats.count < end {
            beats.append(((0..<lanes).map { _ in Int.random(in: low...high, using: &random) },
                          Int.random(in: 0...highWordlength, using: &random)))
        }
        return beats
    }
}

extension ConfidenceEvaluationUnit {
    /// The RTL with a testbench that streams `samples` in (`lanes` scores per beat, padding
    /// lanes zero) with the source pausing at random, takes results with the consumer
    /// pausing at random, and checks every decision against `decide`. `threshold` (th · 2^t)
    /// is held on its input for the whole run; `stallPercent` is the chance, per cycle, that
    /// either side pauses.
    public func simulationBundle(samples: [[Int]], threshold: Int, stallPercent: Int, seed: UInt64,
                                 provenance: [String] = []) throws -> SimulationBundle {
        let circuit = try Circuit(self)
        var random = SeededGenerator(seed: seed)
        var beats: [[[Int]]] = []
        for sample in samples {
            for beat in 0..<beatsPerSample {
                beats.append([(0..<lanes).map { lane in
                    let index = beat * lanes + lane
                    return index < classes ? sample[index] : 0
                }])
            }
        }
        // Enough cycles for the slowest case: every beat and result delayed by stalls.
        let slack = 100 + stallPercent
        let cycles = (samples.count * (cyclesPerSample + latency / 4 + 2) + latency) * slack / (100 - min(stallPercent, 90)) * 2
        let pause = { (random: inout SeededGenerator) in Int.random(in: 0..<100, using: &random) < stallPercent }
        let offered = (0..<cycles).map { _ in !pause(&random) }
        let outReady = (0..<cycles).map { _ in [pause(&random) ? 0 : 1] }
        let decisions = samples.map { decide(scores: $0, threshold: threshold) }
        let thresholdPerCycle = Array(repeating: [threshold], count: cycles)
        let check = Testbench.OutputCheck(
            valid: "out_valid", ready: "out_ready", ports: ["predicted", "confident", "margin", "scaled_total"],
            beats: decisions.map { [[$0.predicted], [$0.confident ? 1 : 0], [$0.margin], [$0.scaledTotal]] })
        let stream = Testbench.InputStream(valid: "in_valid", ready: "in_ready", ports: ["scores"], beats: beats,
                                           offered: offered)
        let testbench = try Testbench(dut: circuit.top, stimulus: ["threshold": thresholdPerCycle, "out_ready": outReady],
                                      stream: stream, check: check, drainCycles: latency + 8)
        return SimulationBundle(circuit: circuit, testbench: testbench, provenance: provenance)
    }
}
