import Foundation
import ReaderFuzzing

/// The committed seed corpus, `fuzz/corpus/<target>/`. A seed's name says what its reader
/// must make of it: `accept-*` must be read, `refuse-*` (past findings among them) must be
/// refused with the reader's error; other seeds may go either way.
enum Corpus {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    struct Seed {
        var name: String
        var data: Data
    }

    static func folder(of target: FuzzTarget) -> URL {
        repository.appendingPathComponent("fuzz/corpus/\(target.rawValue)")
    }

    /// The seeds of `target`, sorted by name.
    static func seeds(of target: FuzzTarget) throws -> [Seed] {
        let folder = folder(of: target)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            Seed(name: name, data: try Data(contentsOf: folder.appendingPathComponent(name)))
        }
    }
}

/// One mutated input for `target`: half the time a structure-aware edit of the format
/// (sometimes followed by byte edits), otherwise byte edits alone.
enum Mutator {
    static func mutate(_ seed: Data, other: Data, for target: FuzzTarget, using random: inout SeededRandom) -> Data {
        if random.chance(0.5) {
            let structured: Data? = switch target {
            case .onnx: ONNXMutations.mutate(seed, using: &random)
            case .npy: NPYMutations.make(from: seed, using: &random)
            case .device, .quantisation: JSONMutations.mutate(seed, using: &random)
            }
            if let structured {
                return random.chance(0.2) ? ByteMutations.mutate(structured, splicingWith: other, using: &random) : structured
            }
        }
        return ByteMutations.mutate(seed, splicingWith: other, using: &random)
    }
}
