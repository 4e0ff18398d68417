import FixedPoint
import Testing
@testable import HDLGen

/// The cascade top as hardware: its parameters, lint and its AXI wrapper. (The example's
/// cascade runs in it, bit-exact, in ToolflowTests/CascadeSimulationTests.)
@Suite struct CascadeTopTests {
    func engine(wordlength: Int, pes: Int, maccs: Int, lineWidth: Int? = nil) throws -> LayerEngine {
        try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: 64,
                                            activationDepth: 256, outputDepth: 256, maxLayers: 4, sharedLineWidth: lineWidth))
    }

    func top(low: Int = 3, high: Int = 6, lpuPEs: Int = 8, hpuPEs: Int = 4, maccs: Int = 8, classes: Int = 10,
             queueDepth: Int = 4) throws -> CascadeTop {
        let hpu = try engine(wordlength: high, pes: hpuPEs, maccs: maccs)
        let lpu = try engine(wordlength: low, pes: lpuPEs, maccs: maccs, lineWidth: hpu.lineWidth)
        let ceu = try ConfidenceEvaluationUnit(classes: classes, lanes: min(classes, maccs), m: 1, n: 2,
                                               scoreFormat: FixedPointFormat(wordlength: low, fractionBits: 1))
        return try CascadeTop(lpu: lpu, hpu: hpu, rounding: .halfUp, confidenceUnit: ceu, queueDepth: queueDepth)
    }

    /// Scores in one line and in several (C > K_t, the last line partial), both tile orders.
    @Test(arguments: [(3, 6, 8, 4, 8, 10), (4, 8, 4, 16, 4, 10), (2, 5, 2, 2, 4, 19)])
    func topIsLintClean(low: Int, high: Int, lpuPEs: Int, hpuPEs: Int, maccs: Int, classes: Int) throws {
        let t = try top(low: low, high: high, lpuPEs: lpuPEs, hpuPEs: hpuPEs, maccs: maccs, classes: classes)
        #expect(t.scoreLines == (classes + maccs - 1) / maccs)
        try expectLintClean(Circuit(t))
    }

    @Test func axiWrapperIsLintCleanWithXilinxPorts() throws {
        let wrapper = CascadeAXI(top: try top())
        let circuit = try Circuit(wrapper)
        try expectLintClean(circuit)
        let names = Set(circuit.top.ports.map(\.name))
        for engine in ["lpu", "hpu"] {
            for port in ["araddr", "arvalid", "rdata", "rready", "awaddr", "wdata", "wvalid", "bvalid"] {
                #expect(names.contains("m_axi_\(engine)_\(port)"), "missing m_axi_\(engine)_\(port)")
            }
        }
        for port in ["s_axi_awaddr", "s_axi_wdata", "s_axi_araddr", "s_axi_rdata", "irq"] { #expect(names.contains(port)) }
        #expect(circuit.top.ports.first { $0.name == "s_axi_awaddr" }?.type.width == wrapper.top.registerAddressWidth + 2)
        #expect(!names.contains { $0.hasPrefix("lpu_mem") || $0.hasPrefix("reg_") })
    }

    @Test func mismatchedEnginesAreErrors() throws {
        let hpu = try engine(wordlength: 6, pes: 4, maccs: 8)
        let ceu = try ConfidenceEvaluationUnit(classes: 10, lanes: 8, m: 1, n: 2, scoreFormat: FixedPointFormat(wordlength: 3, fractionBits: 0))
        // K_t differs: the LPU could not read the HPU's weight lines.
        #expect(throws: UnitParameterError.self) {
            try CascadeTop(lpu: try engine(wordlength: 3, pes: 4, maccs: 4, lineWidth: 64), hpu: hpu, rounding: .halfUp, confidenceUnit: ceu)
        }
        // Lines of different widths: one memory.
        #expect(throws: UnitParameterError.self) {
            try CascadeTop(lpu: try engine(wordlength: 3, pes: 4, maccs: 8), hpu: hpu, rounding: .halfUp, confidenceUnit: ceu)
        }
        // The LPU must be the narrower.
        #expect(throws: UnitParameterError.self) {
            try CascadeTop(lpu: hpu, hpu: try engine(wordlength: 3, pes: 4, maccs: 8, lineWidth: 64), rounding: .halfUp, confidenceUnit: ceu)
        }
        // The CEU reads one score line per beat.
        let narrowCEU = try ConfidenceEvaluationUnit(classes: 10, lanes: 2, m: 1, n: 2, scoreFormat: FixedPointFormat(wordlength: 3, fractionBits: 0))
        #expect(throws: UnitParameterError.self) {
            try CascadeTop(lpu: try engine(wordlength: 3, pes: 4, maccs: 8, lineWidth: 64), hpu: hpu, rounding: .halfUp, confidenceUnit: narrowCEU)
        }
    }

    @Test func resultWordsRoundTrip() {
        for word in [CascadeResultWord(predicted: 0, forwarded: false), .init(predicted: 999, forwarded: true)] {
            #expect(CascadeResultWord(value: word.value) == word)
        }
        #expect(CascadeResultWord(value: 7) == nil)   // no written mark
    }
}
