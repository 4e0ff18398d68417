import Foundation
@testable import HDLGen

/// A hand-written testbench (a bus-functional model, say) around a generated circuit:
/// its Verilog text and the data files it reads with `$readmemh`.
struct CustomTestbench: TestbenchSource {
    let name: String
    let verilog: String
    let dataFiles: [SourceFile]

    var summary: String { "a hand-written testbench with \(dataFiles.count) data files" }
    func files(for dut: ElaboratedModule) -> [SourceFile] { [SourceFile(name: "\(name).v", contents: verilog)] + dataFiles }

    /// Simulates the circuit's RTL with this testbench under Icarus (`Icarus.simulate`).
    func simulate(_ circuit: Circuit) throws -> SimulationResult {
        try Icarus.simulate(SimulationBundle(circuit: circuit, testbench: self))
    }
}

extension SourceFile {
    /// A `$readmemh` file: one word a line.
    static func hex(_ name: String, _ words: [String]) -> SourceFile {
        SourceFile(name: name, contents: words.map { $0 + "\n" }.joined())
    }
}

/// A random word of `width` bits as hex digits, most significant first.
func randomHex(width: Int, using random: inout SeededGenerator) -> String {
    let chunks = (0..<(width + 31) / 32).map { _ in Int(UInt32.random(in: .min ... .max, using: &random)) }
    return String(Testbench.hex(chunks, elementWidth: 32).suffix((width + 3) / 4)).masked(toBits: width)
}

extension String {
    /// These hex digits with the bits above `width` cleared in the leading digit.
    func masked(toBits width: Int) -> String {
        let spare = count * 4 - width
        guard spare > 0, let first, let digit = Int(String(first), radix: 16) else { return self }
        return String(digit & ((1 << (4 - spare)) - 1), radix: 16) + dropFirst()
    }
}
