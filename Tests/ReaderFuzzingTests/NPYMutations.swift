import Foundation

/// Structure-aware `.npy` files: a header assembled from plausible and hostile parts (format
/// versions, dtypes, shapes with huge, negative or many dimensions, malformed dictionaries),
/// a header length that may lie, and data that may be short or long.
enum NPYMutations {
    static let versions: [UInt8] = [1, 1, 2, 3, 0, 4, 255]
    static let descriptions = ["'<f4'", "'<i8'", "'<i4'", "'>f4'", "'<f8'", "'|b1'", "'<f4", "<f4", "''", "'<U10'"]
    static let fortranOrders = ["False", "False", "True", "0", "", "Fals"]
    static let shapes = [
        "()", "(0,)", "(1,)", "(3,)", "(2, 3)", "(1, 1, 2, 2)", "(4,)", "(-1,)", "(2, -3)", "(9223372036854775807,)",
        "(4294967296, 4294967296)", "(0, 9223372036854775807, 9223372036854775807)", "(3037000500, 3037000500)",
        "(" + String(repeating: "1, ", count: 200) + ")", "(,)", "(2,, 3)", "(2 3)", "(2, 3", "2, 3)", "(1e3,)",
        "(0x10,)", "(+2,)", "( 2 , )", "(" + String(repeating: "9", count: 100) + ",)",
    ]

    /// A new `.npy` file built from random parts; `data` (a seed) may give the payload.
    static func make(from data: Data, using random: inout SeededRandom) -> Data {
        let version = random.pick(versions)
        let keys = [("'descr'", random.pick(descriptions)), ("'fortran_order'", random.pick(fortranOrders)),
                    ("'shape'", random.pick(shapes))].shuffled(using: &random)
        var members = keys.filter { _ in !random.chance(0.05) }.map { "\($0.0): \($0.1)" }
        if random.chance(0.1) { members.append(members.first ?? "'shape': ()") }
        var header = "{" + members.joined(separator: ", ") + ", }"
        if random.chance(0.1) { header = String(header.dropLast(Int.random(in: 1...5, using: &random))) }
        header += String(repeating: " ", count: Int.random(in: 0...64, using: &random)) + "\n"
        if version == 3 && random.chance(0.3) { header += "\u{00E9}" }
        var headerBytes = [UInt8](version == 3 ? Data(header.utf8) : header.data(using: .isoLatin1) ?? Data(header.utf8))
        if random.chance(0.1) { headerBytes.append(0xFF) }

        var length = headerBytes.count
        if random.chance(0.1) { length = random.pick([0, length - 1, length + 1, 0xFFFF, 0x7FFF_FFFF, Int(UInt32.max)]) }
        var file = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
        let width = version >= 2 ? 4 : 2
        for i in 0..<width { file.append(UInt8(truncatingIfNeeded: max(length, 0) >> (8 * i))) }
        file.append(contentsOf: headerBytes)
        let payload = Int.random(in: 0...64, using: &random)
        file.append(contentsOf: (0..<payload).map { i in data.isEmpty ? 0 : data[data.startIndex + i % data.count] })
        return file
    }
}
