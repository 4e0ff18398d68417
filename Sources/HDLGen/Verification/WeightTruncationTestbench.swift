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
