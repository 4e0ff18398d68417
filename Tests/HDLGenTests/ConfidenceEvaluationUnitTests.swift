import FixedPoint
import Testing
@testable import HDLGen

/// The CEU against its bit-exact golden model: random scores, ties, one dominant score,
/// thresholds at 0 and the maximum, random stalls on both handshakes.
@Suite struct ConfidenceEvaluationUnitTests {
    struct Configuration: Sendable, CustomStringConvertible {
        let classes: Int, lanes: Int, m: Int, n: Int
        var description: String { "C=\(classes) lanes=\(lanes) M=\(m) N=\(n)" }
    }

    static let configurations: [Configuration] = {
        var all: [Configuration] = []
        for classes in [2, 10, 100, 1000] {
            for lanes in [1, 4, 16] {
                for (m, n) in [(1, 2), (1, classes), (2, 5), (3, 10)] where n <= classes && m < n {
                    if all.contains(where: { $0.classes == classes && $0.lanes == lanes && $0.m == m && $0.n == n }) { continue }
                    all.append(Configuration(classes: classes, lanes: lanes, m: m, n: n))
                }
            }
        }
        return all
    }()

    @Test(arguments: configurations)
    func matchesTheGoldenModel(configuration c: Configuration) throws {
        let format = FixedPointFormat(wordlength: 8, fractionBits: 4)
        let unit = try ConfidenceEvaluationUnit(classes: c.classes, lanes: c.lanes, m: c.m, n: c.n, scoreFormat: format)
        let count = c.classes >= 1000 ? 8 : (c.classes >= 100 ? 16 : 30)
        let samples = ConfidenceStimulus.samples(classes: c.classes, format: format, count: count,
                                                 seed: UInt64(c.classes * 7 + c.lanes))
        let threshold = [0, (1 << 11) - 1, unit.thresholdWord(0.5)][(c.classes + c.lanes + c.n) % 3]
        let bundle = try unit.simulationBundle(samples: samples, threshold: threshold, stallPercent: 30, seed: 5)
        try expectSimulationPasses(bundle, checks: samples.count * 4)
        try expectLintClean(bundle.circuit)
    }

    @Test(arguments: [0, 1, 512, 1024, 2047])
    func thresholdExtremes(threshold: Int) throws {
        let format = FixedPointFormat(wordlength: 6, fractionBits: 2)
        let unit = try ConfidenceEvaluationUnit(classes: 10, lanes: 4, m: 2, n: 5, scoreFormat: format)
        let samples = ConfidenceStimulus.samples(classes: 10, format: format, count: 30, seed: 11)
        let decisions = samples.map { unit.decide(scores: $0, threshold: threshold) }
        // gBvSB_{2,5} can be negative, so th = 0 passes exactly the samples with a margin of 0 or more.
        if threshold == 0 { #expect(decisions.allSatisfy { $0.confident == ($0.margin >= 0) }) }
        if threshold == 2047 { #expect(decisions.allSatisfy { !$0.confident }) }
        try expectSimulationPasses(unit.simulationBundle(samples: samples, threshold: threshold, stallPercent: 0, seed: 1),
                                   checks: samples.count * 4)
    }

    @Test func backToBackWithoutStalls() throws {
        let format = FixedPointFormat(wordlength: 8, fractionBits: 3)
        let unit = try ConfidenceEvaluationUnit(classes: 100, lanes: 16, m: 1, n: 2, scoreFormat: format)
        let samples = ConfidenceStimulus.samples(classes: 100, format: format, count: 20, seed: 3)
        let result = try Icarus.simulate(unit.simulationBundle(samples: samples, threshold: 300, stallPercent: 0, seed: 1))
        #expect(result.failed == 0 && result.passed == 80)
    }

    @Test(arguments: [2, 10, 100])
    func lintClean(classes: Int) throws {
        let unit = try ConfidenceEvaluationUnit(classes: classes, lanes: 4, m: 1, n: min(classes, 5),
                                                scoreFormat: FixedPointFormat(wordlength: 8, fractionBits: 4))
        try expectLintClean(Circuit(unit))
    }

    @Test func synthesisesWithoutLatchesWithTheBufferInRAM() throws {
        let unit = try ConfidenceEvaluationUnit(classes: 100, lanes: 4, m: 2, n: 5,
                                                scoreFormat: FixedPointFormat(wordlength: 8, fractionBits: 4))
        let report = try Yosys.synthesize(Circuit(unit))
        #expect(report.latches == 0)
        // The sample buffer maps to RAM primitives (LUT RAM at this size), not flip-flops.
        #expect(report.cells.keys.contains { $0.hasPrefix("RAMB") || $0.hasPrefix("RAM64") || $0.hasPrefix("RAM32") },
                "cells: \(report.cells)")
    }

    @Test func goldenModelFollowsTheDefinition() throws {
        let format = FixedPointFormat(wordlength: 8, fractionBits: 4)
        let unit = try ConfidenceEvaluationUnit(classes: 4, lanes: 2, m: 1, n: 2, scoreFormat: format)
        // Equal scores: argmax is the lowest index, e = 1.0 each, margin 0.
        let flat = unit.decide(scores: [5, 5, 5, 5], threshold: 0)
        #expect(flat.predicted == 0 && flat.margin == 0 && flat.confident)
        #expect(!unit.decide(scores: [5, 5, 5, 5], threshold: 1).confident)
        // One dominant score: e ≈ (1, 0, 0, 0), so gBvSB ≈ 1 passes th = 0.99.
        let dominant = unit.decide(scores: [-128, 127, -128, -128], threshold: unit.thresholdWord(0.99))
        #expect(dominant.predicted == 1 && dominant.confident)
        // Threshold words: th · 2^10, half up, within the 11-bit input.
        #expect(unit.thresholdWord(0.5) == 512 && unit.thresholdWord(1) == 1024)
        #expect(unit.thresholdWord(2.5) == 2047 && unit.thresholdWord(-0.1) == 0)
    }
}

/// The documented throughput: with no stalls, one result every `cyclesPerSample` cycles.
@Suite struct ConfidenceThroughputTests {
    func lastResultCycle(_ unit: ConfidenceEvaluationUnit, samples: Int) throws -> Int {
        let format = unit.scoreFormat
        let bundle = try unit.simulationBundle(
            samples: ConfidenceStimulus.samples(classes: unit.classes, format: format, count: samples, seed: 2),
            threshold: 100, stallPercent: 0, seed: 1)
        let result = try Icarus.simulate(bundle)
        #expect(result.failed == 0)
        let line = try #require(result.log.split(separator: "\n").first { $0.contains("the last in cycle") })
        return try #require(Int(line.split(separator: " ").last!))
    }

    @Test(arguments: [(10, 16, 1, 2), (10, 4, 2, 5), (100, 16, 1, 2), (100, 4, 3, 10), (1000, 16, 1, 1000)])
    func oneResultEveryCyclesPerSample(classes: Int, lanes: Int, m: Int, n: Int) throws {
        let unit = try ConfidenceEvaluationUnit(classes: classes, lanes: lanes, m: m, n: n,
                                                scoreFormat: FixedPointFormat(wordlength: 8, fractionBits: 4))
        let spacing = try lastResultCycle(unit, samples: 12) - lastResultCycle(unit, samples: 6)
        #expect(spacing == 6 * unit.cyclesPerSample)
        // A lone sample's beats arrive in cycles 0 … B-1; its result follows `latency` later.
        let lone = try lastResultCycle(unit, samples: 1)
        #expect(lone == unit.beatsPerSample - 1 + unit.latency)
    }
}
