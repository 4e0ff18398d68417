/// Collects the description of one module while its `build` runs: ports, wires, registers,
/// connections (possibly under `when`), and instances of other modules.
///
/// Methods never throw for description mistakes; they record them with the Swift file and
/// line, and elaboration reports them all at once.
public final class ModuleBuilder {
    let moduleName: String
    let elaborator: Elaborator
    var declarations: [Node] = []
    private(set) var ports: [PortRecord] = []
    var instances: [InstanceRecord] = []
    private(set) var errors: [ElaborationError] = []
    var memories: [MemoryDeclaration] = []
    /// Attributes of declared wires and registers, by name, in the order attached.
    var attributes: [String: [VerilogAttribute]] = [:]
    var scopes: [[Statement]] = [[]]
    private var names: Set<String> = ["clk", "rst"]
    /// The conditions of the enclosing `when`s, innermost last; `holds` is false in `otherwise`.
    private(set) var conditions: [(node: Node, holds: Bool)] = []
    /// Named constants (`localparam`s) and the decoder nets that compare against them.
    private(set) var namedConstants: [NamedConstant] = []
    /// Checks that need the whole description (state machines), run when `build` returns.
    private var finalChecks: [() -> Void] = []

    init(moduleName: String, elaborator: Elaborator) {
        self.moduleName = moduleName
        self.elaborator = elaborator
    }

    /// The statements of the module body, once `build` has returned.
    var statements: [Statement] { scopes[0] }

    // MARK: Ports, wires, registers

    /// A single input port.
    public func input(_ name: String, _ type: SignalType,
                      file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let node = declare(name, .input, type, file: file, line: line)
        ports.append(PortRecord(node: node, direction: .input, elementType: type, count: 1))
        return Signal(node)
    }

    /// An input port carrying `count` elements of `type`, element 0 in the lowest bits.
    public func input(_ name: String, _ type: SignalType, count: Int,
                      file: StaticString = #fileID, line: UInt = #line) -> [Signal] {
        guard count >= 1 else {
            record("input \(name) needs at least one element, not \(count)", file: file, line: line)
            return []
        }
        let bus = declare(name, .input, .uint(type.width * count), file: file, line: line)
        ports.append(PortRecord(node: bus, direction: .input, elementType: type, count: count))
        return (0..<count).map { i in
            Signal(Node(.slice(bus, high: (i + 1) * type.width - 1, low: i * type.width), type,
                        nameHint: "\(name)_\(i)"))
        }
    }

    /// An output port, to be driven with `connect`.
    public func output(_ name: String, _ type: SignalType,
                       file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let node = declare(name, .output, type, file: file, line: line)
        ports.append(PortRecord(node: node, direction: .output, elementType: type, count: 1))
        return Signal(node)
    }

    /// An output port driven by `value`.
    public func output(_ name: String, _ value: Signal, file: StaticString = #fileID, line: UInt = #line) {
        connect(output(name, value.type, file: file, line: line), to: value, file: file, line: line)
    }

    /// An output port carrying the elements of `values`, element 0 in the lowest bits.
    public func output(_ name: String, _ values: [Signal], file: StaticString = #fileID, line: UInt = #line) {
        guard let first = values.first, values.allSatisfy({ $0.type == first.type }) else {
            record("output \(name) needs one or more elements of one type", file: file, line: line)
            return
        }
        let node = declare(name, .output, .uint(first.width * values.count), file: file, line: line)
        ports.append(PortRecord(node: node, direction: .output, elementType: first.type, count: values.count))
        connect(Signal(node), to: .concatenation(values.reversed()), file: file, line: line)
    }

    /// A named wire, to be driven with `connect`.
    public func wire(_ name: String, _ type: SignalType,
                     file: StaticString = #fileID, line: UInt = #line) -> Signal {
        Signal(declare(name, .wire, type, file: file, line: line))
    }

    /// `value` under a name of its own in the generated Verilog.
    public func wire(_ name: String, _ value: Signal, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let w = wire(name, value.type, file: file, line: line)
        connect(w, to: value, file: file, line: line)
        return w
    }

    /// A register clocked by the module's clock; `reset` is its value while `rst` is high, or
    /// nil for none (datapath registers that a DSP48 can absorb). Drive its next value with `connect`.
    public func register(_ name: String, _ type: SignalType, reset: Int? = nil,
                         file: StaticString = #fileID, line: UInt = #line) -> Signal {
        if let reset, !type.valueRange.contains(reset) {
            record("reset value \(reset) of register \(name) does not fit \(type)", file: file, line: line)
        }
        return Signal(declare(name, .register(reset: reset), type, file: file, line: line))
    }

    /// A register that loads `value` every cycle: `value` one cycle later.
    public func register(_ name: String, next value: Signal, reset: Int? = nil,
                         file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let r = register(name, value.type, reset: reset, file: file, line: line)
        connect(r, to: value, file: file, line: line)
        return r
    }

    /// `value` delayed by `cycles` registers named `name_d1`, `name_d2`, …
    public func delayed(_ value: Signal, by cycles: Int, name: String, reset: Int? = nil,
                        file: StaticString = #fileID, line: UInt = #line) -> Signal {
        (0..<max(0, cycles)).reduce(value) { signal, stage in
            register("\(name)_d\(stage + 1)", next: signal, reset: reset, file: file, line: line)
        }
    }

    // MARK: Connections

    /// Drives `target` (an output, wire, register's next value or instance input) with `value`.
    /// Types must match exactly. Under `when`, the connection holds where the condition does.
    public func connect(_ target: Signal, to value: Signal, file: StaticString = #fileID, line: UInt = #line) {
        let location = SourceLocation(file: file, line: line)
        guard target.node.isDrivable else {
            record("\(target) cannot be driven: only outputs, wires, registers and instance inputs can",
                   at: location)
            return
        }
        guard target.type == value.type else {
            record("width mismatch: \(target.node.kind.summary) is \(target.type) but the value is \(value.type)",
                   at: location)
            return
        }
        if let owner = value.node.owner, owner != ObjectIdentifier(self) {
            record("\(value) belongs to another module", at: location)
            return
        }
        scopes[scopes.count - 1].append(.connect(target: target.node, value: value.node, location: location))
    }

    /// Drives an element-array input of an instance from `elements`, element 0 in the lowest bits.
    public func connect(_ target: Signal, toElements elements: [Signal],
                        file: StaticString = #fileID, line: UInt = #line) {
        guard !elements.isEmpty else {
            record("no elements to connect to \(target)", file: file, line: line)
            return
        }
        connect(target, to: .concatenation(elements.reversed()), file: file, line: line)
    }

    /// Connections made in `body` hold where `condition` is set, those in `otherwise` elsewhere.
    public func when(_ condition: Signal, file: StaticString = #fileID, line: UInt = #line,
                     _ body: () -> Void, otherwise: (() -> Void)? = nil) {
        let location = SourceLocation(file: file, line: line)
        if condition.type != .bool {
            record("when condition is \(condition.type), not Bool", at: location)
        }
        scopes.append([])
        conditions.append((condition.node, true))
        body()
        conditions.removeLast()
        let thenBranch = scopes.removeLast()
        scopes.append([])
        conditions.append((condition.node, false))
        otherwise?()
        conditions.removeLast()
        let elseBranch = scopes.removeLast()
        scopes[scopes.count - 1].append(.when(condition: condition.node, then: thenBranch,
                                              otherwise: elseBranch, location: location))
    }

    /// `whenTrue` where `select` is set, else `whenFalse`: a multiplexer; both arms of one type.
    public func mux(_ select: Signal, _ whenTrue: Signal, _ whenFalse: Signal,
                    file: StaticString = #fileID, line: UInt = #line) -> Signal {
        Signal.select(select, whenTrue, whenFalse, file: file, line: line)
    }

    // MARK: Bookkeeping

    /// Declares the `localparam` `name` of `type` and value `value`, which the emitter prints
    /// in place of the constant in the comparison that drives the wire `decoder`.
    func nameConstant(_ name: String, _ value: Int, _ type: SignalType, decoder: String,
                      file: StaticString, line: UInt) {
        claim(name, at: SourceLocation(file: file, line: line))
        namedConstants.append(NamedConstant(name: name, value: value, type: type, decoder: decoder))
    }

    /// Runs `check` once `build` has returned, before the description is lowered.
    func atEnd(_ check: @escaping () -> Void) { finalChecks.append(check) }

    /// Runs the checks registered with `atEnd`.
    func finish() {
        let checks = finalChecks
        finalChecks = []
        for check in checks { check() }
    }

    private func declare(_ name: String, _ role: Node.Declaration.Role, _ type: SignalType,
                         file: StaticString, line: UInt) -> Node {
        let location = SourceLocation(file: file, line: line)
        claim(name, at: location)
        let node = Node(.declared(.init(name: name, role: role)), type, location: location,
                        owner: ObjectIdentifier(self))
        declarations.append(node)
        return node
    }

    func claim(_ name: String, at location: SourceLocation) {
        if !Self.isIdentifier(name) {
            record("\(name.debugDescription) is not a Verilog identifier", at: location)
        } else if !names.insert(name).inserted {
            record("the name \(name) is used twice in \(moduleName)", at: location)
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        let letters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        let digits = Set("0123456789")
        guard let first = name.first, letters.contains(first) else { return false }
        return name.allSatisfy { letters.contains($0) || digits.contains($0) }
            && !VerilogKeywords.all.contains(name)
    }

    func record(_ message: String, at location: SourceLocation?) {
        errors.append(ElaborationError(message, at: location))
    }

    func record(_ message: String, file: StaticString, line: UInt) {
        record(message, at: SourceLocation(file: file, line: line))
    }
}

/// A port as the module description declared it.
struct PortRecord {
    enum Direction { case input, output }
    let node: Node
    let direction: Direction
    let elementType: SignalType
    let count: Int
}

/// What a module body says, in order; `when` nests.
indirect enum Statement {
    case connect(target: Node, value: Node, location: SourceLocation)
    case write(memory: MemoryDeclaration, address: Node, data: Node, location: SourceLocation)
    case when(condition: Node, then: [Statement], otherwise: [Statement], location: SourceLocation)
}
