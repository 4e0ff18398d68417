import Foundation

/// Structure-aware edits of a JSON file: a value replaced by a huge, negative, fractional,
/// non-finite or mistyped one (including tokens JSON does not allow, such as NaN), keys
/// removed, repeated or renamed, arrays emptied or grown, strings made long, deep nesting.
enum JSONMutations {
    /// A JSON document as a tree whose scalars keep their text, so that any token fits.
    indirect enum Value: Decodable {
        case object([(key: String, value: Value)])
        case array([Value])
        case token(String)

        init(from decoder: any Decoder) throws {
            if let object = try? [String: Value](from: decoder) {
                self = .object(object.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
            } else if let array = try? [Value](from: decoder) {
                self = .array(array)
            } else {
                let single = try decoder.singleValueContainer()
                if single.decodeNil() { self = .token("null") }
                else if let b = try? single.decode(Bool.self) { self = .token(b ? "true" : "false") }
                else if let i = try? single.decode(Int.self) { self = .token("\(i)") }
                else if let d = try? single.decode(Double.self) { self = .token("\(d)") }
                else { self = .token(Self.quoted(try single.decode(String.self))) }
            }
        }

        /// `text` as a JSON string literal.
        static func quoted(_ text: String) -> String {
            if !text.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }) { return "\"" + text + "\"" }
            var literal = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": literal += "\\\""
                case "\\": literal += "\\\\"
                case _ where scalar.value < 0x20: literal += String(format: "\\u%04x", scalar.value)
                default: literal.unicodeScalars.append(scalar)
                }
            }
            return literal + "\""
        }

        var text: String {
            switch self {
            case .object(let members): "{" + members.map { Self.quoted($0.key) + ": " + $0.value.text }.joined(separator: ", ") + "}"
            case .array(let elements): "[" + elements.map(\.text).joined(separator: ", ") + "]"
            case .token(let token): token
            }
        }

        /// The number of nodes, for choosing one uniformly.
        var size: Int {
            switch self {
            case .object(let members): 1 + members.reduce(0) { $0 + $1.value.size }
            case .array(let elements): 1 + elements.reduce(0) { $0 + $1.size }
            case .token: 1
            }
        }

        /// Applies `edit` to the node at `index` in pre-order.
        mutating func edit(at index: Int, _ edit: (inout Value) -> Void) {
            var remaining = index
            visit(&remaining, edit)
        }

        private mutating func visit(_ remaining: inout Int, _ edit: (inout Value) -> Void) {
            if remaining == 0 { edit(&self); remaining = -1; return }
            remaining -= 1
            switch self {
            case .object(var members):
                for i in members.indices where remaining >= 0 { members[i].value.visit(&remaining, edit) }
                self = .object(members)
            case .array(var elements):
                for i in elements.indices where remaining >= 0 { elements[i].visit(&remaining, edit) }
                self = .array(elements)
            case .token: break
            }
        }
    }

    static let tokens = [
        "0", "-1", "1", "-0", "0.5", "1e-999", "1e999", "-1e999", "NaN", "Infinity", "-Infinity", "65536", "2147483648",
        "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809", String(repeating: "9", count: 400),
        "null", "true", "false", "\"\"", "[]", "{}", "\"xc7\"", "\"xcup\"", "\"conv1\"", "\"\\u0000\"", "\"\\ud800\"",
    ]
    static let keys = ["name", "part", "family", "dsp", "lut", "ff", "bram36", "clockMHz", "bandwidthGBps",
                       "wordlength", "fractionBits", "input", "output", "weights", "bias", "layers"]

    /// `data` with one to three structural edits, or nil when it is not JSON.
    static func mutate(_ data: Data, using random: inout SeededRandom) -> Data? {
        guard var root = try? JSONDecoder().decode(Value.self, from: data) else { return nil }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let index = Int.random(in: 0..<root.size, using: &random)
            var r = random
            root.edit(at: index) { node in edit(&node, using: &r) }
            random = r
        }
        return Data(root.text.utf8)
    }

    private static func edit(_ node: inout Value, using random: inout SeededRandom) {
        switch (Int.random(in: 0..<6, using: &random), node) {
        case (0, .object(var members)) where !members.isEmpty:
            members.remove(at: Int.random(in: 0..<members.count, using: &random))
            node = .object(members)
        case (1, .object(var members)):
            // A key given twice, or a member renamed.
            let key = random.pick(keys), value = Value.token(random.pick(tokens))
            if random.chance(0.5) || members.isEmpty { members.append((key, value)) }
            else { members[Int.random(in: 0..<members.count, using: &random)].key = key }
            node = .object(members)
        case (2, .array(var elements)) where !elements.isEmpty:
            let element = elements[Int.random(in: 0..<elements.count, using: &random)]
            elements = random.chance(0.3) ? [] : elements + Array(repeating: element, count: random.pick([1, 100, 500]))
            node = .array(elements)
        case (3, _):
            // Deep nesting: past any sensible depth, or just past a decoder's limit.
            let depth = random.pick([64, 600, 5_000])
            node = .token(String(repeating: "[", count: depth) + node.text + String(repeating: "]", count: depth))
        case (4, _):
            node = .token(Value.quoted(String(repeating: random.pick(["a", " ", "é", "\\"]), count: random.pick([1_000, 30_000]))))
        default:
            node = .token(random.pick(tokens))
        }
    }
}
