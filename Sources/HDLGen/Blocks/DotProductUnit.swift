/// The MACC, the PE and the MM unit: units that accumulate windows of dot products, with
/// the same ports (`a`, `w`, `valid`, `first`, `last` → `acc`, `done`) at different sizes.
public protocol DotProductUnit: Module {
    var wordlength: Int { get }
    /// Dot products computed per beat (PEs).
    var pes: Int { get }
    /// Multiplications per dot product (MACCs per PE).
    var maccs: Int { get }
    var maxWindow: Int { get }
    /// Cycles from the beat marked `last` to `done`.
    var latency: Int { get }
}

extension MultiplyAccumulate: DotProductUnit {
    public var pes: Int { 1 }
    public var maccs: Int { 1 }
}

extension ProcessingElement: DotProductUnit {
    /// One, or two for a pair sharing packed DSP48s.
    public var pes: Int { mapping.processingElements }
}

extension MatrixMultiplyUnit: DotProductUnit {}

extension DotProductUnit {
    /// The unit's RTL with a testbench that drives `beats` and checks every window's sums,
    /// and the cycle they appear, against `MatrixMultiplyModel`.
    public func simulationBundle(beats: [MatrixMultiplyBeat], provenance: [String] = []) throws -> SimulationBundle {
        let circuit = try Circuit(self)
        let windows = MatrixMultiplyModel.windows(of: beats)
        func flag(_ keyPath: KeyPath<MatrixMultiplyBeat, Bool>) -> [[Int]] { beats.map { [$0[keyPath: keyPath] ? 1 : 0] } }
        let stimulus: [String: [[Int]]] = [
            "a": beats.map(\.activations),
            "w": beats.map { $0.weights.flatMap { $0 } },
            "valid": flag(\.valid), "first": flag(\.first), "last": flag(\.last),
        ]
        let check = Testbench.OutputCheck(valid: "done", ports: ["acc"], beats: windows.map { [$0.sums] },
                                          cycles: windows.map { $0.lastCycle + latency })
        let testbench = try Testbench(dut: circuit.top, stimulus: stimulus, check: check, drainCycles: latency + 4)
        return SimulationBundle(circuit: circuit, testbench: testbench, provenance: provenance)
    }

    /// Random and corner-case beats for this unit (see `MatrixMultiplyStimulus`).
    public func stimulus(cycles: Int, seed: UInt64) -> [MatrixMultiplyBeat] {
        MatrixMultiplyStimulus.beats(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: maxWindow,
                                     cycles: cycles, seed: seed)
    }
}
