import Foundation

/// What `yosys synth_xilinx` made of a design.
public struct SynthesisReport: Sendable {
    /// Cell counts by cell type (DSP48E1, LUT6, FDRE, CARRY4, …) of the flattened top.
    public let cells: [String: Int]
    public let log: String

    /// Latches inferred (LDCE/LDPE cells or generic latch cells): zero for good RTL.
    public var latches: Int {
        cells.filter { $0.key.hasPrefix("LD") || $0.key.contains("DLATCH") }.values.reduce(0, +)
    }
    public var dsps: Int { cells.filter { $0.key.hasPrefix("DSP48") }.values.reduce(0, +) }
    public var luts: Int { cells.filter { $0.key.hasPrefix("LUT") }.values.reduce(0, +) }
    public var flipFlops: Int { cells.filter { ["FDRE", "FDSE", "FDCE", "FDPE"].contains($0.key) }.values.reduce(0, +) }
}

/// Yosys: synthesis for Xilinx 7-series and UltraScale, our stand-in for Vivado.
public enum Yosys {
    /// Synthesises `circuit` with `synth_xilinx -family family -flatten` and counts its cells.
    public static func synthesize(_ circuit: Circuit, family: String = "xc7") throws -> SynthesisReport {
        try withTemporaryFiles(VerilogEmitter.files(for: circuit)) { urls in
            let script = "read_verilog " + urls.map(\.path).joined(separator: " ")
                + "; synth_xilinx -family \(family) -top \(circuit.top.name) -flatten; stat"
            let output = try ExternalTool.runChecked("yosys", ["-p", script])
            return SynthesisReport(cells: try parseStatistics(output), log: output)
        }
    }

    /// Reads the cell counts of the last `stat` block in a Yosys log.
    static func parseStatistics(_ log: String) throws -> [String: Int] {
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.lastIndex(where: { $0.contains("Number of cells:") }) else {
            throw ToolError.unreadableOutput(tool: "yosys", detail: "no statistics in the log")
        }
        var cells: [String: Int] = [:]
        for line in lines[(start + 1)...] {
            let words = line.split(separator: " ")
            guard words.count == 2, let count = Int(words[1]) else { break }
            cells[String(words[0])] = count
        }
        return cells
    }
}
