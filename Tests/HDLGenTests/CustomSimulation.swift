import Foundation
@testable import HDLGen

/// A hand-written testbench (a bus-functional model, say) around a generated circuit:
/// its Verilog text and the data files it reads with `$readmemh`.
struct CustomTestbench {
    let name: String
    let verilog: String
    let dataFiles: [SourceFile]

    /// Compiles the circuit's RTL with the testbench under `iverilog -g2005 -Wall`, runs it
    /// with `vvp` in a fresh temporary folder and reads its closing `N passed, N failed` line.
    func simulate(_ circuit: Circuit) throws -> SimulationResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hdlgen-tb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rtl = VerilogEmitter.files(for: circuit)
        for file in rtl + dataFiles + [SourceFile(name: "\(name).v", contents: verilog)] {
            try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name))
        }
        let compile = try ExternalTool.runChecked(
            "iverilog", ["-g2005", "-Wall", "-o", "\(name).vvp", "-s", name] + rtl.map(\.name) + ["\(name).v"],
            in: directory)
        let run = try ExternalTool.runChecked("vvp", ["-n", "\(name).vvp"], in: directory)
        return try Icarus.parse(compilerOutput: compile, simulationOutput: run)
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
