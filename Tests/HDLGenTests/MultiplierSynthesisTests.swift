import Testing
@testable import HDLGen

/// Yosys `synth_xilinx` honours the mappings: a packed MM unit uses half the DSP48s of the
/// DSP-mapped one at the same MACC count, and an 8-bit LUT-mapped unit uses none. Tiny units,
/// so that each run takes a few seconds.
@Suite struct MultiplierSynthesisTests {
    @Test(arguments: ["xc7", "xcup"])
    func packingHalvesTheDSPs(family: String) throws {
        func dsps(_ mix: MultiplierMix) throws -> Int {
            let unit = try MatrixMultiplyUnit(wordlength: 8, pes: 2, maccs: 2, maxWindow: 16, mix: mix)
            let report = try Yosys.synthesize(try Circuit(unit), family: family)
            #expect(report.latches == 0)
            return report.dsps
        }
        #expect(try dsps(MultiplierMix(dsp: 2)) == 4)
        #expect(try dsps(MultiplierMix(packedDSP: 2)) == 2)
    }

    @Test(arguments: ["xc7", "xcup"])
    func lutUnitUsesNoDSP(family: String) throws {
        let unit = try MatrixMultiplyUnit(wordlength: 8, pes: 1, maccs: 2, maxWindow: 16, mix: MultiplierMix(lut: 1))
        let report = try Yosys.synthesize(try Circuit(unit), family: family)
        #expect(report.dsps == 0, "cells: \(report.cells)")
        #expect(report.luts > 100)
        #expect(report.latches == 0)
    }
}
