import FixedPoint

/// Turns one module's description into its netlist: resolves conditional connections into
/// multiplexers, checks the rules (every net driven once on every path, no combinational
/// loops, no invalid operations), names every intermediate value and records which bits
/// are read so the emitter can keep lint quiet only where bits are dropped on purpose.
struct Lowering {
    let builder: ModuleBuilder
    let summary: String

    private var errors: [ElaborationError] = []
    private var drivers: [ObjectIdentifier: Node] = [:]
    private var driverLocations: [ObjectIdentifier: SourceLocation] = [:]
    private var usedNames: Set<String> = ["clk", "rst"]
    private var nameCounters: [String: Int] = [:]
    private var netNames: [ObjectIdentifier: String] = [:]
    private var lowered: [ObjectIdentifier: NetOperand] = [:]
    private var nets: [(name: String, type: SignalType, isRegister: Bool)] = []
    private var assignments: [ElaboratedModule.Assignment] = []
    private var readBits: [String: [Bool]] = [:]
    /// Names of ports and wires, which have declarations of their own.
    private lazy var selfDeclared: Set<String> = Set(builder.ports.map(\.node.declaredName))
        .union(builder.declarations.filter { $0.isDrivable && !$0.isRegister && !$0.isInstanceInput }.map(\.declaredName))
    private var memoryWrites: [(memory: MemoryDeclaration, enable: Node, address: Node, data: Node,
                                location: SourceLocation)] = []

    init(builder: ModuleBuilder, summary: String) {
        self.builder = builder
        self.summary = summary
    }

    /// A term of the resolved driver of one net: `hole` where no connection reaches.
    private indirect enum Term {
        case hole
        case value(Node)
        case select(Node, Term, Term, SourceLocation)
    }

    mutating func run() throws -> ElaboratedModule {
        errors = builder.errors
        var terms: [ObjectIdentifier: Term] = [:]
        _ = resolve(builder.statements, into: &terms, under: nil)
        for declaration in builder.declarations where declaration.isDrivable {
            let id = ObjectIdentifier(declaration)
            let name = declaration.declaredName
            guard let term = terms[id] else {
                errors.append(ElaborationError("\(name) is never driven", at: declaration.location))
                continue
            }
            let isRegister = declaration.isRegister
            var hasHole = false
            let node = build(term, type: declaration.type, hold: isRegister ? declaration : nil, hasHole: &hasHole)
            if hasHole {
                errors.append(ElaborationError(
                    "\(name) is not driven on every path (it would need a latch); drive it in both arms of when/otherwise",
                    at: driverLocations[id] ?? declaration.location))
            } else if let node {
                drivers[id] = node
            }
        }
        reportInvalidNodes()
        reportCombinationalLoops()
        guard errors.isEmpty else { throw ElaborationErrors(errors: errors) }
        return lower()
    }

    // MARK: Resolving connections

    /// Folds a statement list into `terms`; returns the targets it connects.
    private mutating func resolve(_ statements: [Statement], into terms: inout [ObjectIdentifier: Term],
                                  under condition: Node?) -> Set<ObjectIdentifier> {
        var direct: [ObjectIdentifier: SourceLocation] = [:]
        var nested: [ObjectIdentifier: SourceLocation] = [:]
        for statement in statements {
            switch statement {
            case .connect(let target, let value, let location):
                let id = ObjectIdentifier(target)
                if let earlier = direct[id] ?? nested[id] {
                    errors.append(ElaborationError(
                        "\(target.declaredName) is driven twice (first at \(earlier))", at: location))
                    continue
                }
                direct[id] = location
                driverLocations[id] = driverLocations[id] ?? location
                terms[id] = .value(value)
            case .write(let memory, let address, let data, let location):
                if let earlier = memoryWrites.first(where: { $0.memory === memory }) {
                    errors.append(ElaborationError(
                        "\(memory.name) is written twice (first at \(earlier.location)); a memory has one write port",
                        at: location))
                    continue
                }
                memoryWrites.append((memory, condition ?? Node(.constant(1), .bool), address, data, location))
            case .when(let when, let thenBranch, let elseBranch, let location):
                var thenTerms = terms, elseTerms = terms
                let thenCondition = condition.map { Node(.binary(.and, $0, when), .bool) } ?? when
                let notWhen = Node(.not(when), .bool)
                let elseCondition = condition.map { Node(.binary(.and, $0, notWhen), .bool) } ?? notWhen
                let touched = resolve(thenBranch, into: &thenTerms, under: thenCondition)
                    .union(resolve(elseBranch, into: &elseTerms, under: elseCondition))
                for id in touched {
                    terms[id] = .select(when, thenTerms[id] ?? .hole, elseTerms[id] ?? .hole, location)
                    nested[id] = nested[id] ?? location
                }
            }
        }
        return Set(direct.keys).union(nested.keys)
    }

    /// The node a term stands for; holes hold a register's value, elsewhere they are errors.
    private func build(_ term: Term, type: SignalType, hold register: Node?, hasHole: inout Bool) -> Node? {
        switch term {
        case .value(let node): return node
        case .hole:
            if let register { return register }
            hasHole = true
            return nil
        case .select(let condition, let a, let b, let location):
            let x = build(a, type: type, hold: register, hasHole: &hasHole)
            let y = build(b, type: type, hold: register, hasHole: &hasHole)
            guard let x, let y else { return nil }
            if x === y { return x }
            return Node(.mux(select: condition, whenTrue: x, whenFalse: y), type, location: location)
        }
    }

    // MARK: Checks

    private mutating func reportInvalidNodes() {
        var seen: Set<ObjectIdentifier> = []
        var stack = builder.declarations.compactMap { drivers[ObjectIdentifier($0)] }
            + memoryWrites.flatMap { [$0.enable, $0.address, $0.data] }
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            if case .invalid(let message) = node.kind {
                errors.append(ElaborationError(message, at: node.location))
            }
            if case .declared = node.kind { continue }
            stack.append(contentsOf: node.kind.operands)
        }
    }

    /// Nets read combinationally by the driver of `declaration` (registers break the path).
    private func combinationalInputs(of declaration: Node) -> [Node] {
        guard let driver = drivers[ObjectIdentifier(declaration)] else { return [] }
        var seen: Set<ObjectIdentifier> = []
        var stack = [driver], found: [Node] = []
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            if case .declared = node.kind {
                if node.isDrivable && !node.isRegister { found.append(node) }
                continue
            }
            stack.append(contentsOf: node.kind.operands)
        }
        return found
    }

    private mutating func reportCombinationalLoops() {
        enum Mark { case visiting, done }
        var marks: [ObjectIdentifier: Mark] = [:]
        var path: [Node] = []
        func visit(_ node: Node) -> [Node]? {
            let id = ObjectIdentifier(node)
            if marks[id] == .done { return nil }
            if marks[id] == .visiting {
                let start = path.firstIndex { $0 === node }!
                return Array(path[start...]) + [node]
            }
            marks[id] = .visiting
            path.append(node)
            defer { path.removeLast(); marks[id] = .done }
            for next in combinationalInputs(of: node) {
                if let loop = visit(next) { return loop }
            }
            return nil
        }
        for declaration in builder.declarations where declaration.isDrivable && !declaration.isRegister {
            if let loop = visit(declaration) {
                let names = loop.map(\.declaredName).joined(separator: " -> ")
                errors.append(ElaborationError("combinational loop: \(names)",
                                               at: driverLocations[ObjectIdentifier(loop[0])] ?? loop[0].location))
                return
            }
        }
    }

    // MARK: Lowering to a netlist

    private mutating func lower() -> ElaboratedModule {
        for declaration in builder.declarations where !declaration.isInstanceInput {
            usedNames.insert(declaration.declaredName)
        }
        usedNames.formUnion(builder.memories.map(\.name))
        // An output driven straight from a register becomes that register (`output reg`).
        var registerPorts: Set<ObjectIdentifier> = []
        for port in builder.ports where port.direction == .output {
            if let driver = drivers[ObjectIdentifier(port.node)], driver.isRegister,
               netNames[ObjectIdentifier(driver)] == nil {
                netNames[ObjectIdentifier(driver)] = port.node.declaredName
                registerPorts.insert(ObjectIdentifier(port.node))
            }
        }
        // A wire or output driven by an operator takes the operator's result under its own name.
        for declaration in builder.declarations where declaration.isDrivable && !declaration.isRegister
            && !declaration.isInstanceInput && !registerPorts.contains(ObjectIdentifier(declaration)) {
            if let driver = drivers[ObjectIdentifier(declaration)], driver.isOperation,
               netNames[ObjectIdentifier(driver)] == nil {
                netNames[ObjectIdentifier(driver)] = declaration.declaredName
            }
        }
        for declaration in builder.declarations where declaration.isRegister {
            if let driver = drivers[ObjectIdentifier(declaration)], driver.isOperation,
               netNames[ObjectIdentifier(driver)] == nil {
                netNames[ObjectIdentifier(driver)] = uniqueName("\(name(of: declaration))_next")
            }
        }

        var registers: [ElaboratedModule.RegisterUpdate] = []
        var registerNames: Set<String> = []
        for declaration in builder.declarations where declaration.isDrivable {
            let id = ObjectIdentifier(declaration)
            guard let driver = drivers[id] else { continue }
            if declaration.isInstanceInput { continue }
            if declaration.isRegister {
                let next = operand(driver)
                markRead(next)
                registers.append(.init(name: name(of: declaration), type: declaration.type,
                                       reset: declaration.resetValue, next: next))
                registerNames.insert(name(of: declaration))
            } else if registerPorts.contains(id) {
                continue
            } else if netNames[ObjectIdentifier(driver)] == declaration.declaredName {
                _ = operand(driver)
            } else {
                let value = operand(driver)
                markRead(value)
                assignments.append(.init(target: declaration.declaredName, value: .operand(value)))
            }
            if case .declared(let d) = declaration.kind, d.role == .wire {
                nets.append((declaration.declaredName, declaration.type, false))
            }
        }

        var instances: [ElaboratedModule.InstanceConnection] = []
        for record in builder.instances {
            var connections: [(port: String, operand: NetOperand)] = []
            for (port, node) in record.ports {
                if node.isInstanceInput {
                    let value = operand(drivers[ObjectIdentifier(node)]!)
                    markRead(value)
                    connections.append((port, value))
                } else {
                    nets.append((node.declaredName, node.type, false))
                    connections.append((port, .net(node.declaredName, node.type)))
                }
            }
            instances.append(.init(module: record.module.name, name: record.name, connections: connections,
                                   usesClock: record.module.port("clk") != nil,
                                   usesReset: record.module.port("rst") != nil))
        }
        let portNames = Set(builder.ports.map(\.node.declaredName))
        for register in registers where !portNames.contains(register.name) {
            nets.append((register.name, register.type, true))
        }

        var writes: [ElaboratedModule.MemoryWrite] = []
        for write in memoryWrites {
            let (enable, address, data) = (operand(write.enable), operand(write.address), operand(write.data))
            for value in [enable, address, data] { markRead(value) }
            writes.append(.init(memory: write.memory.name, enable: enable, address: address, data: data))
        }
        let memories = builder.memories.map {
            ElaboratedModule.MemoryArray(name: $0.name, type: $0.type, depth: $0.depth, contents: $0.contents, style: $0.style)
        }

        let usesClock = !registers.isEmpty || !writes.isEmpty || instances.contains(where: \.usesClock)
        let usesReset = registers.contains { $0.reset != nil } || instances.contains(where: \.usesReset)
        var ports: [ElaboratedModule.Port] = []
        if usesClock { ports.append(.init(name: "clk", direction: .input, type: .bool, elementType: .bool,
                                          count: 1, isRegister: false, hasUnreadBits: false)) }
        if usesReset { ports.append(.init(name: "rst", direction: .input, type: .bool, elementType: .bool,
                                          count: 1, isRegister: false, hasUnreadBits: false)) }
        for port in builder.ports {
            let name = port.node.declaredName
            ports.append(.init(name: name, direction: port.direction == .input ? .input : .output,
                               type: port.node.type, elementType: port.elementType, count: port.count,
                               isRegister: registerPorts.contains(ObjectIdentifier(port.node)),
                               hasUnreadBits: port.direction == .input && hasUnreadBits(name, port.node.type)))
        }
        let declaredNets = nets.map { net in
            ElaboratedModule.Net(name: net.name, type: net.type, isRegister: net.isRegister,
                                 hasUnreadBits: hasUnreadBits(net.name, net.type))
        }
        return ElaboratedModule(name: builder.moduleName, summary: summary, ports: ports, nets: declaredNets,
                                assignments: assignments, registers: registers, memories: memories,
                                memoryWrites: writes, instances: instances, localParameters: [])
    }

    private func name(of declaration: Node) -> String {
        netNames[ObjectIdentifier(declaration)] ?? declaration.declaredName
    }

    private func hasUnreadBits(_ name: String, _ type: SignalType) -> Bool {
        guard let bits = readBits[name] else { return true }
        return bits.contains(false)
    }

    private mutating func uniqueName(_ base: String) -> String {
        if !VerilogKeywords.all.contains(base) && usedNames.insert(base).inserted { return base }
        var counter = nameCounters[base, default: 1]
        while !usedNames.insert("\(base)_\(counter)").inserted { counter += 1 }
        nameCounters[base] = counter + 1
        return "\(base)_\(counter)"
    }

    private mutating func markRead(_ operand: NetOperand, high: Int? = nil, low: Int? = nil) {
        guard case .net(let name, let type) = operand else { return }
        var bits = readBits[name] ?? Array(repeating: false, count: type.width)
        for i in (low ?? 0)...(high ?? type.width - 1) { bits[i] = true }
        readBits[name] = bits
    }

    /// The operand that carries `node`'s value, emitting the nets it needs on first use.
    private mutating func operand(_ node: Node) -> NetOperand {
        let id = ObjectIdentifier(node)
        if let done = lowered[id] { return done }
        let result: NetOperand
        switch node.kind {
        case .declared:
            if node.isInstanceInput {
                result = operand(drivers[id]!)
            } else {
                result = .net(name(of: node), node.type)
            }
        case .constant(let value):
            result = .constant(value, node.type)
        case .invalid:
            result = .constant(0, node.type)  // unreachable: invalid nodes fail elaboration
        case .slice(let source, let high, let low):
            let value = operand(source)
            if case .constant(let v, _) = value {
                let bits = (v.bitPattern(wordlength: source.type.width) >> UInt64(low))
                result = .constant(constantValue(bits, node.type), node.type)
            } else if high == source.type.width - 1 && low == 0 && node.type.isSigned == source.type.isSigned {
                result = value
            } else {
                result = emit(node, .slice(value, high: high, low: low), reading: [(value, high, low)])
            }
        case .extended(let source):
            let value = operand(source)
            if case .constant(let v, _) = value {
                result = .constant(v, node.type)
            } else {
                result = emit(node, .extended(value, width: node.type.width), reading: [(value, nil, nil)])
            }
        case .binary(let op, let a, let b):
            let x = operand(a), y = operand(b)
            result = emit(node, .binary(op, x, y, operandType: op.operandType(a.type, b.type)),
                          reading: [(x, nil, nil), (y, nil, nil)])
        case .not(let a):
            let x = operand(a)
            result = emit(node, .not(x), reading: [(x, nil, nil)])
        case .mux(let s, let a, let b):
            let (sel, x, y) = (operand(s), operand(a), operand(b))
            result = emit(node, .mux(select: sel, whenTrue: x, whenFalse: y),
                          reading: [(sel, nil, nil), (x, nil, nil), (y, nil, nil)])
        case .concatenation(let parts):
            if let (source, high, low) = Self.contiguousSlice(parts) {
                // Adjacent slices of one net, most significant first: one slice of it.
                let value = operand(source)
                if high == source.type.width - 1 && low == 0 {
                    result = value
                } else {
                    result = emit(node, .slice(value, high: high, low: low), reading: [(value, high, low)])
                }
                break
            }
            let values = parts.map { operand($0) }
            result = emit(node, .concatenation(values), reading: values.map { ($0, nil, nil) })
        case .dynamicShiftRight(let a, let amount):
            let (x, s) = (operand(a), operand(amount))
            result = emit(node, .dynamicShiftRight(x, amount: s), reading: [(x, nil, nil), (s, nil, nil)])
        case .memoryRead(let memory, let address):
            let a = operand(address)
            result = emit(node, .memoryRead(memory.name, address: a), reading: [(a, nil, nil)])
        }
        lowered[id] = result
        return result
    }

    private mutating func emit(_ node: Node, _ expression: NetExpression,
                               reading operands: [(NetOperand, Int?, Int?)]) -> NetOperand {
        for (operand, high, low) in operands { markRead(operand, high: high, low: low) }
        let id = ObjectIdentifier(node)
        let name: String
        if let given = netNames[id] {
            name = given
        } else {
            name = uniqueName(node.nameHint ?? expression.mnemonic)
            netNames[id] = name
        }
        // Ports and wires are declared by their own declarations; everything else here.
        if !selfDeclared.contains(name) { nets.append((name, node.type, false)) }
        assignments.append(.init(target: name, value: expression))
        return .net(name, node.type)
    }

    /// `parts` as one slice `high...low` of a single node, when they are adjacent slices of it.
    private static func contiguousSlice(_ parts: [Node]) -> (Node, Int, Int)? {
        var source: Node?, high = 0, next = -1
        for part in parts {
            guard case .slice(let s, let h, let l) = part.kind, source == nil || s === source,
                  next == -1 || h == next else { return nil }
            if source == nil { source = s; high = h }
            next = l - 1
        }
        guard let source else { return nil }
        return (source, high, next + 1)
    }

    private func constantValue(_ bits: UInt64, _ type: SignalType) -> Int {
        let masked = bits & (type.width >= 64 ? ~0 : (UInt64(1) << UInt64(type.width)) - 1)
        return type.isSigned ? Int(signExtending: masked, wordlength: type.width) : Int(masked)
    }
}

extension NetExpression {
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

extension Node {
    var declaredName: String {
        if case .declared(let d) = kind { return d.name }
        return kind.summary
    }

    var isRegister: Bool {
        if case .declared(let d) = kind, case .register = d.role { return true }
        return false
    }

    var resetValue: Int? {
        if case .declared(let d) = kind, case .register(let reset) = d.role { return reset }
        return nil
    }

    var isInstanceInput: Bool {
        if case .declared(let d) = kind, case .instanceInput = d.role { return true }
        return false
    }

    /// Whether this node is the result of an operator (not a net or constant).
    var isOperation: Bool {
        switch kind {
        case .declared, .constant, .invalid: return false
        default: return true
        }
    }
}
