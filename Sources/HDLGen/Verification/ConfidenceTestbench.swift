import FixedPoint

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
        // Twice the unstalled time, stretched by the stalls: the testbench ends early once
        // every result is in, so a generous bound costs nothing.
        let cycles = 2 * (samples.count + 1) * (cyclesPerSample + latency) * 100 / (100 - min(stallPercent, 90))
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
