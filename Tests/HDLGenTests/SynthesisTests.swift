import Testing
@testable import HDLGen

/// Yosys `synth_xilinx` of generated MM units: no latches; 8-bit multipliers in DSP48E1,
/// 4-bit multipliers in LUTs.
@Suite struct SynthesisTests {
    @Test(arguments: [(8, 2, 3), (4, 2, 3), (12, 1, 2), (2, 2, 2)])
    func matrixMultiplyUnitSynthesises(wordlength: Int, pes: Int, maccs: Int) throws {
        let circuit = try Circuit(MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: 64))
        let report = try Yosys.synthesize(circuit)
        #expect(report.latches == 0)
        #expect(!report.log.lowercased().contains("latch inferred"))
        #expect(report.flipFlops > 0)
        if wordlength >= 8 {
            #expect(report.dsps == pes * maccs, "cells: \(report.cells)")
        } else {
            #expect(report.dsps == 0, "cells: \(report.cells)")
            #expect(report.luts > 0)
        }
    }

    @Test func statisticsParserReadsCellCounts() throws {
        let log = """
            === top ===
               Number of cells:                  5
                 DSP48E1                         2
                 LUT2                            3

            """
        #expect(try Yosys.parseStatistics(log) == ["DSP48E1": 2, "LUT2": 3])
        #expect(throws: ToolError.self) { try Yosys.parseStatistics("nothing here") }
    }
}
