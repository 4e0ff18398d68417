/// A hardware value inside a module under construction: a port, wire, register, constant or
/// the result of an operator. Signals are immutable; operators build new ones, so a signal
/// used twice is one piece of hardware read twice, never a copy.
public struct Signal: Sendable, CustomStringConvertible {
    let node: Node

    init(_ node: Node) { self.node = node }

    /// The signal's type, which fixes its width and signedness.
    public var type: SignalType { node.type }
    public var width: Int { node.type.width }
    public var isSigned: Bool { node.type.isSigned }

    public var description: String { "\(node.kind.summary): \(type)" }
}

/// One vertex of the hardware graph. Identity matters: two operators on the same node share it.
final class Node: Sendable {
    let kind: Kind
    let type: SignalType
    /// A readable name for the net that will carry this value, when the description gave one.
    let nameHint: String?
    let location: SourceLocation?
    /// Which module builder made this node, to catch signals carried across modules.
    let owner: ObjectIdentifier?

    init(_ kind: Kind, _ type: SignalType, nameHint: String? = nil, location: SourceLocation? = nil,
         owner: ObjectIdentifier? = nil) {
        self.kind = kind
        self.type = type
        self.nameHint = nameHint
        self.location = location
        self.owner = owner ?? kind.operands.lazy.compactMap(\.owner).first
    }

    enum Kind: Sendable {
        /// A declared, named net: a module's port, a wire, a register or an instance's port.
        case declared(Declaration)
        case constant(Int)
        case binary(BinaryOperator, Node, Node)
        case not(Node)
        case mux(select: Node, whenTrue: Node, whenFalse: Node)
        /// Bits `high...low` of the operand, read as this node's type.
        case slice(Node, high: Int, low: Int)
        /// Operands from most to least significant.
        case concatenation([Node])
        /// The operand widened to this node's width by sign or zero extension (the operand's type decides).
        case extended(Node)
        /// The operand shifted right by a run-time amount (arithmetic when the operand is signed).
        case dynamicShiftRight(Node, amount: Node)
        /// The word at `address` of a memory, read without a clock (distributed RAM or ROM,
        /// or block RAM when a register follows).
        case memoryRead(MemoryDeclaration, address: Node)
        /// A description error found while building; reported at elaboration.
        case invalid(String)

        var operands: [Node] {
            switch self {
            case .declared, .constant, .invalid: return []
            case .binary(_, let a, let b): return [a, b]
            case .not(let a), .slice(let a, _, _), .extended(let a): return [a]
            case .mux(let s, let a, let b): return [s, a, b]
            case .concatenation(let parts): return parts
            case .dynamicShiftRight(let a, let s): return [a, s]
            case .memoryRead(_, let address): return [address]
            }
        }

        var summary: String {
            switch self {
            case .declared(let d): return d.name
            case .constant(let v): return "\(v)"
            case .binary(let op, _, _): return op.rawValue
            case .not: return "not"
            case .mux: return "mux"
            case .slice: return "slice"
            case .concatenation: return "cat"
            case .extended: return "ext"
            case .dynamicShiftRight: return "shr"
            case .memoryRead(let memory, _): return memory.name
            case .invalid(let message): return "invalid(\(message))"
            }
        }
    }

    /// A named net of a module and what kind of thing it is.
    struct Declaration: Sendable {
        enum Role: Sendable, Equatable {
            case input, output, wire
            case register(reset: Int?)
            /// An input of a submodule instance, driven by this module.
            case instanceInput(instance: String, port: String)
            /// An output of a submodule instance, read by this module.
            case instanceOutput(instance: String, port: String)
        }
        let name: String
        let role: Role
    }

    /// Whether this node is a net that the description drives with `connect`.
    var isDrivable: Bool {
        guard case .declared(let d) = kind else { return false }
        switch d.role {
        case .output, .wire, .register, .instanceInput: return true
        case .input, .instanceOutput: return false
        }
    }
}

/// The two-operand operators, each with the width rule documented on its Swift operator.
public enum BinaryOperator: String, Sendable {
    case add, subtract, multiply
    case and, or, xor
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return true
        default: return false
        }
    }
}
