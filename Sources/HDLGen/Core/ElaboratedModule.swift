/// A module after elaboration: a flat netlist of named nets, each driven by one simple
/// expression over other nets, plus registers and instances. The Verilog emitter prints it.
public struct ElaboratedModule: Sendable {
    public let name: String
    public let summary: String
    public let ports: [Port]
    public let nets: [Net]
    public let assignments: [Assignment]
    public let registers: [RegisterUpdate]
    public let memories: [MemoryArray]
    public let memoryWrites: [MemoryWrite]
    public let instances: [InstanceConnection]
    /// Named constants, declared `localparam`: the states of state machines.
    public let localParameters: [LocalParameter]

    /// A named constant of a module.
    public struct LocalParameter: Sendable, Equatable {
        public let name: String
        public let type: SignalType
        public let value: Int
    }

    /// A port; element-array ports carry `count` elements of `elementType`, element 0 lowest.
    public struct Port: Sendable, Equatable {
        public enum Direction: String, Sendable { case input, output }
        public let name: String
        public let direction: Direction
        public let type: SignalType
        public let elementType: SignalType
        public let count: Int
        /// An output driven straight from a register, declared `output reg`.
        public let isRegister: Bool
        /// Some bits are never read (an input the logic only partly needs).
        public let hasUnreadBits: Bool
        /// Attributes printed before the declaration: those of the register of an `output reg`.
        public var attributes: [VerilogAttribute] = []
    }

    /// An internal net: a wire driven by an assignment or instance, or a register.
    public struct Net: Sendable {
        public let name: String
        public let type: SignalType
        public let isRegister: Bool
        public let hasUnreadBits: Bool
        /// Attributes printed before the declaration, for synthesis tools.
        public var attributes: [VerilogAttribute] = []
    }

    /// `assign target = value`; `location` is the Swift line that described it.
    public struct Assignment: Sendable {
        public let target: String
        public let value: NetExpression
        public let location: SourceLocation
    }

    public struct RegisterUpdate: Sendable {
        public let name: String
        public let type: SignalType
        public let reset: Int?
        public let next: NetOperand
        /// Where the register was declared.
        public let location: SourceLocation
    }

    /// A memory: `depth` words of `type`; a ROM when it has `contents`.
    public struct MemoryArray: Sendable {
        public let name: String
        public let type: SignalType
        public let depth: Int
        public let contents: [Int]?
        public let style: MemoryStyle
        /// Where the memory was declared.
        public let location: SourceLocation
    }

    /// The write port of a memory, clocked.
    public struct MemoryWrite: Sendable {
        public let memory: String
        public let enable: NetOperand
        public let address: NetOperand
        public let data: NetOperand
        public let location: SourceLocation
    }

    public struct InstanceConnection: Sendable {
        public let module: String
        public let name: String
        public let connections: [(port: String, operand: NetOperand)]
        public let usesClock: Bool
        public let usesReset: Bool
        public let location: SourceLocation
    }

    /// The port named `name`.
    public func port(_ name: String) -> Port? { ports.first { $0.name == name } }
}

/// A value an expression reads: a net, or a constant of a given type.
public enum NetOperand: Sendable, Hashable {
    case net(String, SignalType)
    case constant(Int, SignalType)
    /// A named constant (`localparam`) of the module.
    case parameter(String, SignalType)

    public var type: SignalType {
        switch self {
        case .net(_, let t), .constant(_, let t), .parameter(_, let t): return t
        }
    }
}

/// The one operation that drives a net; operands are nets or constants, never expressions,
/// so that every intermediate width is declared and exact.
public enum NetExpression: Sendable, Hashable {
    case operand(NetOperand)
    /// Both operands are first extended (each by its own signedness) to `operandType`.
    case binary(BinaryOperator, NetOperand, NetOperand, operandType: SignalType)
    case not(NetOperand)
    case mux(select: NetOperand, whenTrue: NetOperand, whenFalse: NetOperand)
    case slice(NetOperand, high: Int, low: Int)
    case concatenation([NetOperand])
    case extended(NetOperand, width: Int)
    case dynamicShiftRight(NetOperand, amount: NetOperand)
    case memoryRead(String, address: NetOperand)
}

