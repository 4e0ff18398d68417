/// What a module's connections come to: one driver per drivable net (connections under
/// `when` become multiplexers, a register holding its value where none reaches), the memory
/// writes with their enables, and where in the Swift source each value was connected.
struct ResolvedConnections {
    /// The clocked write port of a memory: `data` at `address` where `enable` holds.
    struct MemoryWrite {
        let memory: MemoryDeclaration
        let enable: Node
        let address: Node
        let data: Node
        let location: SourceLocation
    }

    private(set) var drivers: [ObjectIdentifier: Node] = [:]
    /// The first connection to each net, for its messages and its Verilog statement.
    private(set) var driverLocations: [ObjectIdentifier: SourceLocation] = [:]
    /// The connection that first used each connected value (or the `when` of a multiplexer).
    private(set) var valueLocations: [ObjectIdentifier: SourceLocation] = [:]
    private(set) var memoryWrites: [MemoryWrite] = []
    private(set) var errors: [ElaborationError] = []

    /// A term of the resolved driver of one net: `hole` where no connection reaches.
    private indirect enum Term {
        case hole
        case value(Node)
        case select(Node, Term, Term, SourceLocation)
    }

    init(_ builder: ModuleBuilder) {
        var terms: [ObjectIdentifier: Term] = [:]
        _ = resolve(builder.statements, into: &terms, under: nil)
        for declaration in builder.declarations where declaration.isDrivable {
            let id = ObjectIdentifier(declaration)
            let name = declaration.declaredName
            guard let term = terms[id] else {
                errors.append(ElaborationError("\(name) is never driven", at: declaration.location))
                continue
            }
            var hasHole = false
            let node = build(term, type: declaration.type, hold: declaration.isRegister ? declaration : nil,
                             hasHole: &hasHole)
            if hasHole {
                errors.append(ElaborationError(
                    "\(name) is not driven on every path (it would need a latch); drive it in both arms of when/otherwise",
                    at: driverLocations[id] ?? declaration.location))
            } else if let node {
                drivers[id] = node
            }
        }
    }

    /// The node that drives `declaration`, once resolved.
    func driver(of declaration: Node) -> Node? { drivers[ObjectIdentifier(declaration)] }

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
                valueLocations[ObjectIdentifier(value)] = valueLocations[ObjectIdentifier(value)] ?? location
                terms[id] = .value(value)
            case .write(let memory, let address, let data, let location):
                if let earlier = memoryWrites.first(where: { $0.memory === memory }) {
                    errors.append(ElaborationError(
                        "\(memory.name) is written twice (first at \(earlier.location)); a memory has one write port",
                        at: location))
                    continue
                }
                memoryWrites.append(MemoryWrite(memory: memory, enable: condition ?? Node(.constant(1), .bool),
                                                address: address, data: data, location: location))
            case .when(let when, let thenBranch, let elseBranch, let location):
                var thenTerms = terms, elseTerms = terms
                let thenCondition = condition.map { Node(.binary(.and, $0, when), .bool, location: location) } ?? when
                let notWhen = Node(.not(when), .bool, location: location)
                let elseCondition = condition.map { Node(.binary(.and, $0, notWhen), .bool, location: location) }
                    ?? notWhen
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
}
