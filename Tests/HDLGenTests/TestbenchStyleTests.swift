import FixedPoint
import Foundation
import Testing
@testable import HDLGen

/// Every testbench writer emits one style, the RTL's: `default_nettype none` around the
/// module, four-space indentation, one DUT connection a line covering every DUT port, and
/// text that Icarus compiles with `-Wall` without a warning.
@Suite struct TestbenchStyleTests {
    static func engine(wordlength: Int = 4, pes: Int = 4, maccs: Int = 8, lineWidth: Int? = nil) throws -> LayerEngine {
        try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: 16,
                                            activationDepth: 64, outputDepth: 64, maxLayers: 2, sharedLineWidth: lineWidth))
    }

    static func bundles() throws -> [(String, SimulationBundle)] {
        let unit = try MatrixMultiplyUnit(wordlength: 4, pes: 2, maccs: 3, maxWindow: 4)
        let engine = try engine()
        let hpu = try Self.engine(wordlength: 6), lpu = try Self.engine(wordlength: 3, lineWidth: hpu.lineWidth)
        let ceu = try ConfidenceEvaluationUnit(classes: 10, lanes: 8, m: 1, n: 2,
                                               scoreFormat: FixedPointFormat(wordlength: 3, fractionBits: 1))
        let top = try CascadeTop(lpu: lpu, hpu: hpu, rounding: .halfUp, confidenceUnit: ceu, queueDepth: 4)
        let line = String(repeating: "0", count: engine.lineWidth / 4)
        func bundle(_ testbench: LayerEngineTestbench) throws -> SimulationBundle {
            SimulationBundle(circuit: try Circuit(testbench.dut), testbench: testbench)
        }
        let cascade = CascadeTestbench(top: top, memory: [line], registers: [], expected: [])
        let cascadeAXI = CascadeTestbench(top: top, memory: [line], registers: [], expected: [], interface: .axi(baseAddress: 0))
        return [
            ("MM unit", try unit.simulationBundle(beats: unit.stimulus(cycles: 20, seed: 3))),
            ("engine", try bundle(LayerEngineTestbench(engine: engine, memory: [line], descriptors: [], runs: [], expected: []))),
            ("engine AXI", try bundle(LayerEngineTestbench(engine: engine, interface: .axi(baseAddress: 0x1000),
                                                           memory: [line], descriptors: [], runs: [], expected: []))),
            ("cascade", SimulationBundle(circuit: try Circuit(cascade.dut), testbench: cascade)),
            ("cascade AXI", SimulationBundle(circuit: try Circuit(cascadeAXI.dut), testbench: cascadeAXI)),
        ]
    }

    @Test func everyWriterEmitsTheRTLStyle() throws {
        for (label, bundle) in try Self.bundles() {
            let files = try bundle.files
            let text = try #require(files.first { $0.path == "tb/\(bundle.testbench.name).v" }?.contents, "\(label)")
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.contains("`default_nettype none"), "\(label)")
            #expect(lines.last { !$0.isEmpty } == "`default_nettype wire", "\(label)")
            #expect(!text.contains("\t"), "\(label)")
            // Statements start at a multiple of four spaces; only an argument list continues elsewhere.
            for (index, line) in lines.enumerated() where line.prefix(while: { $0 == " " }).count % 4 != 0 {
                #expect(index > 0 && lines[index - 1].hasSuffix(","), "\(label): \(line)")
            }
            let top = bundle.circuit.top
            for port in top.ports {
                #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(".\(port.name)(\(port.name))") },
                        "\(label): \(port.name) is not connected on a line of its own")
            }
        }
    }

    @Test func icarusCompilesEveryTestbenchWithoutWarnings() throws {
        guard requireTool("iverilog") else { return }
        for (label, bundle) in try Self.bundles() {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tb-style-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            try bundle.write(to: OutputFolder(folder))
            let sources = try bundle.files.map(\.path).filter { $0.hasSuffix(".v") }
            let run = try runTool(["iverilog", "-g2005", "-Wall", "-o", "tb.vvp"] + sources, in: folder)
            #expect(run.status == 0 && run.output.isEmpty, "\(label):\n\(run.output)")
        }
    }
}
