import Foundation
import ReaderFuzzing
import Testing

/// The fuzz targets' contract, checked in every test run without a sanitizer build: each
/// seed reads as its name says, and thousands of seeded mutations of the seeds are each
/// read or refused with the reader's error — a trap fails the run — in bounded time.
/// Set CASCADECNN_FUZZ_DUMP to a folder to keep every input (the last one is the culprit).
@Suite("Readers under seeded mutations")
struct ReaderPropertyTests {
    @Test("every seed reads as its name says", arguments: FuzzTarget.allCases)
    func seeds(_ target: FuzzTarget) throws {
        let seeds = try Corpus.seeds(of: target)
        #expect(seeds.contains { $0.name.hasPrefix("accept-") })
        for seed in seeds {
            #expect(seed.data.count <= target.maximumLength, "\(seed.name) is longer than -max_len")
            let outcome = target.read(seed.data)
            if seed.name.hasPrefix("accept-") { #expect(outcome.isAccepted, "\(seed.name): \(outcome)") }
            if seed.name.hasPrefix("refuse-") { #expect(!outcome.isAccepted, "\(seed.name): \(outcome)") }
        }
    }

    static let mutations: [FuzzTarget: Int] = [.onnx: 2_000, .npy: 4_000, .device: 3_000, .quantisation: 3_000]

    @Test("mutated seeds are read or refused in bounded time", arguments: FuzzTarget.allCases)
    func mutations(_ target: FuzzTarget) throws {
        let seeds = try Corpus.seeds(of: target).map(\.data)
        let dump = ProcessInfo.processInfo.environment["CASCADECNN_FUZZ_DUMP"].map { URL(fileURLWithPath: $0) }
        var random = SeededRandom(seed: 0xCA5C_ADE0 + UInt64(FuzzTarget.allCases.firstIndex(of: target)!))
        var accepted = 0, slowest = Duration.zero
        let count = Self.mutations[target]!, begin = ContinuousClock.now
        for index in 0..<count {
            let input = Mutator.mutate(random.pick(seeds), other: random.pick(seeds), for: target, using: &random)
            try dump.map { try input.write(to: $0.appendingPathComponent("\(target.rawValue)-\(index)")) }
            let start = ContinuousClock.now
            if target.read(input).isAccepted { accepted += 1 }
            slowest = max(slowest, ContinuousClock.now - start)
        }
        // Generous: a hang or an allocation proportional to a claimed size takes far longer.
        #expect(slowest < .seconds(2), "the slowest of \(count) \(target) inputs took \(slowest)")
        // The mutations get past the first checks: some inputs are still valid files.
        #expect(accepted >= 10, "only \(accepted) of \(count) mutated \(target) inputs were read")
        print("\(target): \(accepted) of \(count) mutated inputs read in \(ContinuousClock.now - begin), the slowest in \(slowest)")
    }
}
