import Foundation

/// Format-blind edits of a file's bytes, the kinds libFuzzer makes: bit flips, interesting
/// bytes and integers, truncations, insertions, erasures, repeated chunks and splices with
/// another seed.
enum ByteMutations {
    static let interestingBytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0x20, 0x22, 0x2C, 0x30, 0x39, 0x5B, 0x7B, 0x7D]
    static let interestingIntegers: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000,
                                                0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, .max]

    /// `data` with one to four random edits; `other` is a seed to splice from.
    static func mutate(_ data: Data, splicingWith other: Data, using random: inout SeededRandom) -> Data {
        var bytes = [UInt8](data)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            edit(&bytes, other: [UInt8](other), using: &random)
        }
        return Data(bytes)
    }

    private static func edit(_ bytes: inout [UInt8], other: [UInt8], using random: inout SeededRandom) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<9, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1 where !bytes.isEmpty:
            bytes[position] = random.pick(interestingBytes)
        case 2 where !bytes.isEmpty:
            // An interesting integer, little or big endian, 1 to 8 bytes wide.
            let value = random.pick(interestingIntegers)
            let width = min(random.pick([1, 2, 4, 8]), bytes.count - position)
            let bigEndian = random.chance(0.5)
            for i in 0..<width {
                let shift = UInt64(8 * (bigEndian ? width - 1 - i : i))
                bytes[position + i] = UInt8(truncatingIfNeeded: value >> shift)
            }
        case 3:
            bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
        case 4:
            let run = (0..<Int.random(in: 1...32, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes.insert(contentsOf: run, at: position)
        case 5 where !bytes.isEmpty:
            bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...64, using: &random)))
        case 6 where !bytes.isEmpty:
            // A chunk repeated: lengths, lists and nesting grow.
            let chunk = Array(bytes[position..<min(bytes.count, position + Int.random(in: 1...16, using: &random))])
            let copies = random.pick([2, 16, 256])
            bytes.insert(contentsOf: Array([[UInt8]](repeating: chunk, count: copies).joined()), at: position)
        case 7 where !other.isEmpty:
            // The head of this seed and the tail of the other.
            let cut = Int.random(in: 0..<other.count, using: &random)
            bytes = Array(bytes[..<position]) + other[cut...]
        default:
            bytes.insert(random.pick(interestingBytes), at: position)
        }
    }
}
