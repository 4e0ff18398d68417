import FixedPoint

extension Requantiser {
    /// One sum to requantise: P accumulators and the layer's bias (aligned to the
    /// accumulator, before the rounding constant), shift and ReLU.
    struct Sample {
        var accumulators: [Int], alignedBiases: [Int], shift: Int, relu: Bool
    }

    /// The word the quantiser's own function gives: the sum rounded half up by 2^shift (a left
    /// shift when negative), saturated to w bits, then ReLU.
    func expectedWord(accumulator: Int, alignedBias: Int, shift: Int, relu: Bool) -> Int {
        let word = FixedPointFormat(wordlength: engine.wordlength, fractionBits: 0)
            .requantize(accumulator + alignedBias, fromFractionBits: shift, rounding: .halfUp)
        return relu ? max(0, word) : word
    }

    /// The RTL with a testbench that offers one sample per cycle and checks each one's words,
    /// and their cycle, against `expectedWord`; biases go in as the host stores them, a
    /// sample's shift and ReLU a cycle after its sums.
    func simulationBundle(samples: [Sample]) throws -> SimulationBundle {
        let c = engine.configuration
        let circuit = try Circuit(self)
        // The unit reads `shift` and `relu` a cycle after the sums (they are the layer's), so
        // the stimulus runs one cycle past the last sample.
        let delayed = [samples[0]] + samples
        let idle = Array(repeating: 0, count: c.pes)
        let stored = samples.map { s in s.alignedBiases.map { c.storedBias(alignedBias: $0, shift: s.shift)! } }
        let check = Testbench.OutputCheck(
            valid: "word_valid", ports: ["words"],
            beats: samples.map { s in
                [(0..<c.pes).map { expectedWord(accumulator: s.accumulators[$0], alignedBias: s.alignedBiases[$0],
                                                shift: s.shift, relu: s.relu) }]
            },
            cycles: samples.indices.map { $0 + Self.latency })
        let testbench = try Testbench(
            dut: circuit.top,
            stimulus: ["valid": samples.map { _ in [1] } + [[0]], "acc": samples.map(\.accumulators) + [idle],
                       "bias": stored + [idle], "shift": delayed.map { [c.shiftField(shift: $0.shift)] },
                       "relu": delayed.map { [$0.relu ? 1 : 0] }],
            check: check, drainCycles: Self.latency + 2)
        return SimulationBundle(circuit: circuit, testbench: testbench)
    }

    /// Every shift from −w − 1 to `maxShift` + 2 with the accumulator's extremes and the
    /// rounding ties of the shift, then random samples; biases the engine can store.
    func stimulus(randomSamples: Int, seed: UInt64) -> [Sample] {
        let c = engine.configuration, a = c.accumulatorWidth
        var random = SeededGenerator(seed: seed)
        let low = -(1 << (a - 1)), high = (1 << (a - 1)) - 1
        func bias() -> Int { Int.random(in: (low / 2)...(high / 2), using: &random) }
        var samples: [Sample] = []
        for shift in (-c.wordlength - 1)...(c.maxShift + 2) {
            let tie = shift > 0 && shift < a ? 1 << (shift - 1) : 0
            let corners = [low, high, 0, -1, 1, tie, tie - 1, -tie, -tie - 1, 3 * tie]
            for start in stride(from: 0, to: corners.count, by: c.pes) {
                let accumulators = (0..<c.pes).map { min(high, max(low, corners[(start + $0) % corners.count])) }
                samples.append(Sample(accumulators: accumulators, alignedBiases: (0..<c.pes).map { _ in 0 },
                                      shift: shift, relu: start % 2 == 1))
            }
        }
        for _ in 0..<randomSamples {
            samples.append(Sample(accumulators: (0..<c.pes).map { _ in Int.random(in: low...high, using: &random) },
                                  alignedBiases: (0..<c.pes).map { _ in bias() },
                                  shift: Int.random(in: (-c.wordlength - 1)...(c.maxShift + 2), using: &random),
                                  relu: Bool.random(using: &random)))
        }
        return samples
    }
}

extension Im2colAddressGenerator {
    /// One layer's geometry as the descriptor gives it.
    struct Geometry {
        var inputGroups: Int, inputHeight: Int, inputWidth: Int, kernelHeight: Int, kernelWidth: Int
        var strideY: Int, strideX: Int, dilationY: Int, dilationX: Int, padTop: Int, padLeft: Int
        var outputHeight: Int, outputWidth: Int
        var beats: Int { inputGroups * kernelHeight * kernelWidth }

        var fields: [DescriptorField: Int] {
            [.inputGroups: inputGroups, .inputHeight: inputHeight, .inputWidth: inputWidth,
             .kernelHeight: kernelHeight, .kernelWidth: kernelWidth, .strideY: strideY, .strideX: strideX,
             .dilationY: dilationY, .dilationX: dilationX, .padTop: padTop, .padLeft: padLeft, .beats: beats,
             .outputHeight: outputHeight, .outputWidth: outputWidth]
        }
    }

    /// The beats of `geometry` in the order a direct convolution reads them: per output row
    /// and column, per channel group, kernel row and column, the buffer line of the tap
    /// (`(g·H + y)·W + x`, modulo the buffer's depth), whether it is inside the input, the
    /// beat's index in its window, and the window's first and last beats.
    func expectedBeats(_ geometry: Geometry) -> [[[Int]]] {
        let g = geometry, depth = engine.activationDepth, beatMask = engine.configuration.maxWindow - 1
        var beats: [[[Int]]] = []
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                var beat = 0
                for group in 0..<g.inputGroups {
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            let y = oy * g.strideY - g.padTop + ky * g.dilationY
                            let x = ox * g.strideX - g.padLeft + kx * g.dilationX
                            let inside = y >= 0 && y < g.inputHeight && x >= 0 && x < g.inputWidth
                            let line = ((group * g.inputHeight + y) * g.inputWidth + x) % depth
                            beats.append([[inside ? 1 : 0], [(line + depth) % depth], [beat & beatMask],
                                          [beat == 0 ? 1 : 0], [beat == g.beats - 1 ? 1 : 0]])
                            beat += 1
                        }
                    }
                }
            }
        }
        return beats
    }

    /// The RTL with a testbench that holds `geometry` on the descriptor, starts the sweep
    /// and checks every beat against `expectedBeats`.
    func simulationBundle(_ geometry: Geometry) throws -> SimulationBundle {
        let circuit = try Circuit(self)
        let expected = expectedBeats(geometry)
        let cycles = expected.count + 4
        var stimulus: [String: [[Int]]] = ["start": (0..<cycles).map { [$0 == 2 ? 1 : 0] }]
        for (field, value) in geometry.fields {
            stimulus["descriptor_\(snakeCase(field))"] = Array(repeating: [value], count: cycles)
        }
        let check = Testbench.OutputCheck(valid: "valid", ports: ["in_bounds", "address", "beat_index", "first", "last"],
                                          beats: expected, cycles: expected.indices.map { $0 + 4 })
        let testbench = try Testbench(dut: circuit.top, stimulus: stimulus, check: check, drainCycles: 4)
        return SimulationBundle(circuit: circuit, testbench: testbench)
    }
}
