import Testing
@testable import HDLGen

/// The layer engine as hardware: its parameters, lint, synthesis and its AXI wrapper. (Whole
/// networks run in it, bit-exact, in ToolflowTests/LayerEngineSimulationTests.)
@Suite struct LayerEngineTests {
    func engine(wordlength: Int = 4, pes: Int = 4, maccs: Int = 8, columns: Int = 1) throws -> LayerEngine {
        try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, maxWindow: 64,
                                            activationDepth: 512, outputDepth: 256, maxLayers: 6))
    }

    @Test(arguments: [(2, 1, 1, 1), (4, 4, 8, 1), (8, 8, 2, 1), (5, 3, 6, 1), (16, 16, 16, 1), (4, 4, 8, 2), (8, 2, 4, 3),
                      (5, 1, 1, 16)])
    func engineIsLintClean(wordlength: Int, pes: Int, maccs: Int, columns: Int) throws {
        let engine = try engine(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns)
        #expect(engine.name.hasSuffix("_q\(columns)") == (columns > 1))
        try expectLintClean(Circuit(engine))
    }

    @Test func axiWrapperIsLintCleanWithXilinxPorts() throws {
        let wrapper = LayerEngineAXI(engine: try engine())
        let circuit = try Circuit(wrapper)
        try expectLintClean(circuit)
        let names = Set(circuit.top.ports.map(\.name))
        for port in ["m_axi_araddr", "m_axi_rdata", "m_axi_awaddr", "m_axi_wdata", "m_axi_bvalid",
                     "s_axi_awaddr", "s_axi_wdata", "s_axi_araddr", "s_axi_rdata", "irq"] {
            #expect(names.contains(port), "missing \(port)")
        }
        #expect(circuit.top.ports.first { $0.name == "m_axi_wdata" }?.type.width == wrapper.engine.lineWidth)
        #expect(circuit.top.ports.first { $0.name == "s_axi_awaddr" }?.type.width == wrapper.engine.registerAddressWidth + 2)
        #expect(!names.contains { $0.hasPrefix("mem_") || $0.hasPrefix("reg_") })
    }

    /// No latches; every buffer (activations, a weight buffer per PE, an output buffer per
    /// lane; at the example network's sizes) in block RAM; the multipliers where
    /// `ResourceModel` puts them.
    /// With Q columns: Q copies of the activation buffer and Q·P·K_t MACCs.
    @Test(arguments: [(8, 4, 8, 1), (4, 8, 4, 1), (8, 2, 4, 3)])
    func engineSynthesisesWithBuffersInBlockRAM(wordlength: Int, pes: Int, maccs: Int, columns: Int) throws {
        let e = try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns,
                                                    maxWindow: 128, activationDepth: 1024, outputDepth: 1024, maxLayers: 4))
        let report = try Yosys.synthesize(Circuit(e))
        #expect(report.latches == 0)
        let blockRAMs = report.cells.filter { $0.key.hasPrefix("RAMB") }.values.reduce(0, +)
        #expect(blockRAMs >= columns + pes + max(pes, maccs), "cells: \(report.cells)")
        // Three address multipliers, plus the MACCs from 5 bits.
        #expect(report.dsps == 3 + (wordlength >= 5 ? columns * pes * maccs : 0), "cells: \(report.cells)")
    }

    @Test func engineCarriesTheMultiplierMix() throws {
        let plain = try engine(wordlength: 8, pes: 4, maccs: 8)
        var configuration = plain.configuration
        configuration.mix = MultiplierMix(packedDSP: 2, lut: 2)
        let mixed = try LayerEngine(configuration)
        #expect(mixed.matrixMultiplyUnit.mix == MultiplierMix(packedDSP: 2, lut: 2))
        #expect(mixed.name == plain.name + "_d0_pk2_l2")
        #expect(plain.matrixMultiplyUnit.mix == .dsp(4))
        try expectLintClean(try Circuit(mixed))
        configuration.mix = MultiplierMix(packedDSP: 4)
        configuration.wordlength = 12
        #expect(throws: UnitParameterError(unit: "engine", parameter: "wordlength (packed DSP)", value: 12, allowed: 2...8)) {
            try LayerEngine(configuration)
        }
    }

    @Test func parametersOutsideTheirRangesAreErrors() {
        #expect(throws: UnitParameterError.self) {
            try LayerEngine(EngineConfiguration(wordlength: 8, pes: 3, maccs: 4, maxWindow: 8,
                                                activationDepth: 64, outputDepth: 64))
        }
        #expect(throws: UnitParameterError.self) {
            try LayerEngine(EngineConfiguration(wordlength: 8, pes: 4, maccs: 4, maxWindow: 8,
                                                activationDepth: 100, outputDepth: 64))
        }
        #expect(throws: UnitParameterError.self) {
            try LayerEngine(EngineConfiguration(wordlength: 1, pes: 4, maccs: 4, maxWindow: 8,
                                                activationDepth: 64, outputDepth: 64))
        }
        // The DSE's idealised engine (a workload known by its GEMMs) has no buffers to generate.
        #expect(throws: UnitParameterError.self) {
            try LayerEngine(EngineConfiguration(wordlength: 8, pes: 4, maccs: 4, maxWindow: 8))
        }
    }

    @Test func memoryLinesRoundTrip() {
        for (w, k) in [(4, 8), (3, 5), (8, 4), (16, 2)] {
            let words = (0..<k).map { i in (i * 37 % (1 << w)) - (1 << (w - 1)) }
            let hex = EngineMemoryLine.hex(words: words, wordlength: w, lineWidth: 64)
            #expect(hex.count == 16)
            #expect(EngineMemoryLine.words(hex: hex, count: k, wordlength: w) == words)
        }
        #expect(EngineMemoryLine.hex(value: -2, lineWidth: 32) == "fffffffe")
        #expect(EngineMemoryLine.words(hex: "zz", count: 1, wordlength: 4) == nil)
    }
}
