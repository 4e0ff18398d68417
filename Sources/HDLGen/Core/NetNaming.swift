/// Names for the nets lowering creates, unique within the module. A net is named after what
/// it computes from named operands (`phase_is_1`, `a_and_b`, `x_7_4`) or after the one net
/// it feeds (`count_next`, `count_if_start`); a numbered mnemonic (`sum_3`) is the fallback.
struct NetNamer {
    /// Longer derived names fall back to the next choice: a name should be read at a glance.
    static let maximumLength = 32

    private var used: Set<String>
    private var counters: [String: Int] = [:]

    init(reserving names: some Sequence<String>) {
        used = Set(names).union(["clk", "rst"])
    }

    /// `base` if no net has it yet, else `base_1`, `base_2`, …
    mutating func unique(_ base: String) -> String {
        if !VerilogKeywords.all.contains(base) && used.insert(base).inserted { return base }
        var counter = counters[base, default: 1]
        while !used.insert("\(base)_\(counter)").inserted { counter += 1 }
        counters[base] = counter + 1
        return "\(base)_\(counter)"
    }

    /// `words` joined by `_` when the result is a short identifier, else nil.
    static func compose(_ words: String?...) -> String? {
        var parts: [String] = []
        for word in words {
            guard let word else { return nil }
            parts.append(word)
        }
        let name = parts.joined(separator: "_")
        guard name.count <= maximumLength, let first = name.first, first.isLetter || first == "_" else { return nil }
        return name
    }
}

extension NetOperand {
    /// The operand as a word of a derived name: a net's name, or a constant's value.
    var nameWord: String {
        switch self {
        case .net(let name, _): return name
        case .constant(let value, _): return value < 0 ? "minus\(-value)" : "\(value)"
        case .parameter(let name, _): return name.lowercased()
        }
    }

    var isNet: Bool {
        if case .net = self { return true }
        return false
    }
}

extension NetExpression {
    /// A name that says what the expression computes, from its operands' names; nil when
    /// an operand has no name or the name would be long. A multiplexer is named by what it feeds.
    var derivedName: String? {
        switch self {
        case .operand, .mux, .memoryRead:
            return nil
        case .binary(let op, let a, let b, _):
            guard a.isNet || b.isNet else { return nil }
            if op == .subtract, case .constant(0, _) = a { return NetNamer.compose("minus", b.nameWord) }
            return NetNamer.compose(a.nameWord, op.nameWord, b.nameWord)
        case .not(let a):
            return NetNamer.compose("not", a.nameWord)
        case .slice(let a, let high, let low):
            return high == low ? NetNamer.compose(a.nameWord, "bit", "\(low)")
                : NetNamer.compose(a.nameWord, "\(high)", "\(low)")
        case .concatenation(let parts):
            if parts.count == 2, case .constant(0, let zeros) = parts[1] {
                return NetNamer.compose(parts[0].nameWord, "shl", "\(zeros.width)")
            }
            guard parts.allSatisfy(\.isNet) else { return nil }
            return NetNamer.compose(parts.map(\.nameWord).joined(separator: "_cat_"))
        case .extended(let a, _):
            return NetNamer.compose(a.nameWord, "ext")
        case .dynamicShiftRight(let a, let amount):
            return NetNamer.compose(a.nameWord, "shr", amount.nameWord)
        }
    }

    /// The base of the name of a net that carries an unnamed intermediate value.
    var mnemonic: String {
        switch self {
        case .operand: return "w"
        case .binary(let op, _, _, _):
            switch op {
            case .add: return "sum"
            case .subtract: return "diff"
            case .multiply: return "product"
            case .and: return "both"
            case .or: return "either"
            case .xor: return "differ"
            case .equal: return "eq"
            case .notEqual: return "ne"
            case .less: return "lt"
            case .lessOrEqual: return "le"
            case .greater: return "gt"
            case .greaterOrEqual: return "ge"
            }
        case .not: return "inverted"
        case .mux: return "mux"
        case .slice: return "bits"
        case .concatenation: return "cat"
        case .extended: return "ext"
        case .dynamicShiftRight: return "shifted"
        case .memoryRead(let memory, _): return "\(memory)_word"
        }
    }
}

extension BinaryOperator {
    /// The operator as a word of a derived name: `a_plus_b`, `phase_is_1`.
    var nameWord: String {
        switch self {
        case .add: return "plus"
        case .subtract: return "minus"
        case .multiply: return "times"
        case .and: return "and"
        case .or: return "or"
        case .xor: return "xor"
        case .equal: return "is"
        case .notEqual: return "isnt"
        case .less: return "lt"
        case .lessOrEqual: return "le"
        case .greater: return "gt"
        case .greaterOrEqual: return "ge"
        }
    }
}
