import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// The cycle model against the generated MM unit simulated under Icarus Verilog: GEMMs
/// tiled on P × K_t, with edge tiles where the sizes do not divide.
@Suite struct CycleModelTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var gemm: GEMMShape
        var pes: Int
        var maccs: Int
        var testDescription: String { "\(gemm) on \(pes)×\(maccs)" }
    }

    static let cases = [
        Case(gemm: GEMMShape(m: 6, n: 8, k: 32), pes: 4, maccs: 8),          // everything divides
        Case(gemm: GEMMShape(m: 5, n: 10, k: 37), pes: 4, maccs: 8),         // N and K edges
        Case(gemm: GEMMShape(m: 9, n: 3, k: 27), pes: 2, maccs: 4),          // a 3×3×3 convolution
        Case(gemm: GEMMShape(m: 1, n: 12, k: 70), pes: 5, maccs: 16),        // FC: one row
        Case(gemm: GEMMShape(m: 4, n: 6, k: 18, groups: 2), pes: 4, maccs: 3), // grouped
        Case(gemm: GEMMShape(m: 7, n: 5, k: 5), pes: 8, maccs: 8),           // tiles larger than the GEMM
    ]

    /// The beats that compute `gemm` on the engine: for each group, output position and tile
    /// of P channels, a window of ⌈K/K_t⌉ beats, zero-padded at the edges; and A, B.
    static func tiledBeats(_ c: Case, seed: UInt64) -> (beats: [MatrixMultiplyBeat], a: [[Int]], b: [[Int]]) {
        var random = SplitMix(seed: seed)
        let g = c.gemm
        // A: (groups·M) × K, B: K × (groups·N), 4-bit values.
        let a = (0..<(g.groups * g.m)).map { _ in (0..<g.k).map { _ in Int(random.next() % 16) - 8 } }
        let b = (0..<g.k).map { _ in (0..<(g.groups * g.n)).map { _ in Int(random.next() % 16) - 8 } }
        var beats: [MatrixMultiplyBeat] = []
        let beatsPerWindow = CycleModel.beatsPerWindow(g, maccs: c.maccs)
        for group in 0..<g.groups {
            for m in 0..<g.m {
                for tile in 0..<ceilDivide(g.n, c.pes) {
                    for beat in 0..<beatsPerWindow {
                        let ks = (0..<c.maccs).map { beat * c.maccs + $0 }
                        let activations = ks.map { $0 < g.k ? a[group * g.m + m][$0] : 0 }
                        let weights = (0..<c.pes).map { p in
                            let n = tile * c.pes + p
                            return ks.map { k in k < g.k && n < g.n ? b[k][group * g.n + n] : 0 }
                        }
                        beats.append(MatrixMultiplyBeat(activations: activations, weights: weights, valid: true,
                                                        first: beat == 0, last: beat == beatsPerWindow - 1))
                    }
                }
            }
        }
        return (beats, a, b)
    }

    @Test("the tiled windows compute the GEMM", arguments: cases)
    func tilingComputesTheGEMM(_ c: Case) {
        let (beats, a, b) = Self.tiledBeats(c, seed: 7)
        let windows = MatrixMultiplyModel.windows(of: beats)
        let g = c.gemm
        var index = 0
        for group in 0..<g.groups {
            for m in 0..<g.m {
                for tile in 0..<ceilDivide(g.n, c.pes) {
                    for p in 0..<c.pes where tile * c.pes + p < g.n {
                        let n = group * g.n + tile * c.pes + p
                        let expected = (0..<g.k).reduce(0) { $0 + a[group * g.m + m][$1] * b[$1][n] }
                        #expect(windows[index].sums[p] == expected)
                    }
                    index += 1
                }
            }
        }
        #expect(index == windows.count)
    }

    @Test("simulated cycles equal the cycle model", .enabled(if: toolAvailable("iverilog") || runningInCI), arguments: cases)
    func simulatedCycles(_ c: Case) throws {
        let (beats, _, _) = Self.tiledBeats(c, seed: 11)
        let unit = try MatrixMultiplyUnit(wordlength: 4, pes: c.pes, maccs: c.maccs,
                                          maxWindow: CycleModel.beatsPerWindow(c.gemm, maccs: c.maccs))
        let result = try Icarus.simulate(unit.simulationBundle(beats: beats))
        #expect(result.succeeded, "\(result.log.suffix(1500))")
        // "N beats checked, the last in cycle X": the last sums appear in cycle X, counted from
        // the first beat's cycle 0, so the GEMM takes X + 1 cycles.
        let line = try #require(result.log.split(separator: "\n").first { $0.contains("beats checked, the last in cycle") })
        let measured = try #require(Int(line.split(separator: " ").last!)) + 1
        let engine = EngineConfiguration(wordlength: 4, pes: c.pes, maccs: c.maccs, maxWindow: CycleModel.beatsPerWindow(c.gemm, maccs: c.maccs))
        #expect(engine.latency == unit.latency)
        let modelled = CycleModel.cycles(c.gemm, pes: c.pes, maccs: c.maccs, latency: engine.latency)
        #expect(modelled == measured)
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Whether the tests run in CI (`CI` set), where scripts/setup installed every tool: a test
/// that needs a missing tool runs there and fails instead of being skipped.
let runningInCI = ProcessInfo.processInfo.environment["CI"] != nil

/// Whether `tool` is on PATH.
func toolAvailable(_ tool: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
}
