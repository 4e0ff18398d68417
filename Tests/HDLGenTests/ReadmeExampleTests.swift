import Foundation
import Testing
@testable import HDLGen

// The README's HDLGen example, kept here so that it compiles, elaborates and lints; a test
// holds the README's copy to this one.
/// Sums `count` beats of a valid/ready stream, then shows the total for one cycle.
struct BeatSummer: Module {
    let width: Int, count: Int
    var name: String { "beat_summer_w\(width)_n\(count)" }
    enum Phase: CaseIterable { case collect, report }

    func build(_ m: ModuleBuilder) throws {
        let input = m.port(Stream(dataWidth: width), prefix: "in", as: .slave)  // in_valid, in_ready, in_data
        let phase = m.stateMachine("phase", Phase.self, reset: .collect)      // PHASE_COLLECT, PHASE_REPORT
        let sumWidth = width + ceilLog2(count)
        let sum = m.register("sum", .uint(sumWidth), reset: 0)
        let beats = m.register("beats", .uint(max(1, ceilLog2(count))), reset: 0)
        m.connect(input.ready, to: phase.is(.collect))
        phase.on(.collect) {
            m.when(input.valid) {
                m.connect(sum, to: (sum + input.data).truncated(to: sumWidth))
                m.connect(beats, to: (beats + 1).truncated(to: beats.width))
                m.when(beats == count - 1) { phase.go(to: .report) }
            }
        }
        phase.on(.report) {
            m.connect(sum, to: .constant(0, sum.type))
            m.connect(beats, to: .constant(0, beats.type))
            phase.go(to: .collect)
        }
        m.output("total_valid", phase.is(.report))
        m.output("total", sum)
    }
}

@Suite struct ReadmeExampleTests {
    @Test(arguments: [1, 4, 5])
    func exampleElaboratesLintCleanWithNamedStates(count: Int) throws {
        let circuit = try Circuit(BeatSummer(width: 8, count: count))
        let verilog = VerilogEmitter.emit(circuit.top)
        for text in ["localparam PHASE_COLLECT = 1'd0;", "localparam PHASE_REPORT = 1'd1;",
                     "input  wire in_valid", "output wire in_ready", "input  wire [7:0] in_data",
                     "assign phase_is_report = phase == PHASE_REPORT;"] {
            #expect(verilog.contains(text), "missing \(text) in\n\(verilog)")
        }
        try expectLintClean(circuit)
    }

    /// Under Icarus, with the source stalling at random: each total is the sum of `count`
    /// consecutive beats, computed here from the beats alone.
    @Test(arguments: [(8, 1), (8, 4), (3, 5), (16, 7)])
    func exampleSumsEachGroupOfBeats(width: Int, count: Int) throws {
        let circuit = try Circuit(BeatSummer(width: width, count: count))
        var random = SeededGenerator(seed: UInt64(width * 31 + count))
        let values = (0..<(6 * count)).map { i in i < count ? (1 << width) - 1 : Int.random(in: 0..<(1 << width), using: &random) }
        let totals = stride(from: 0, to: values.count, by: count).map { values[$0..<($0 + count)].reduce(0, +) }
        let cycles = 4 * values.count + 2 * totals.count + 8
        let stream = Testbench.InputStream(valid: "in_valid", ready: "in_ready", ports: ["in_data"], beats: values.map { [[$0]] },
                                           offered: (0..<cycles).map { _ in Int.random(in: 0..<3, using: &random) > 0 })
        let check = Testbench.OutputCheck(valid: "total_valid", ports: ["total"], beats: totals.map { [[$0]] })
        let testbench = try Testbench(dut: circuit.top, stimulus: [:], stream: stream, check: check, drainCycles: 4)
        try expectSimulationPasses(SimulationBundle(circuit: circuit, testbench: testbench), checks: totals.count)
    }

    @Test func readmeShowsThisExample() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let start = try #require(source.range(of: "/// Sums `count` beats"))
        let end = try #require(source.range(of: "\n}\n", range: start.upperBound..<source.endIndex))
        #expect(readme.contains(source[start.lowerBound..<end.upperBound]))
    }
}
