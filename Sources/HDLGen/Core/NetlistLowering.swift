import FixedPoint

/// Lowers a resolved module to its netlist: every operation becomes one named net driven by
/// one simple expression, each statement keeps the Swift line that made it, and the bits
/// read are recorded so the emitter keeps lint quiet only where bits are dropped on purpose.
///
/// Operations of one kind on the same nets and of one type share one net, however many times
/// the description built them; nets the description named (a wire, an output, a name hint)
/// keep their own.
struct NetlistLowering {
    private let builder: ModuleBuilder
    private let resolved: ResolvedConnections
    private var namer: NetNamer
    /// Names of ports and wires, which have declarations of their own.
    private let selfDeclared: Set<String>
    /// Names the description gave to the results of operations: a wire's or an output's.
    private var givenNames: [ObjectIdentifier: String] = [:]
    /// Names for the values that drive a register: `count_next`.
    private var suggestedNames: [ObjectIdentifier: String] = [:]
    private let owners: NetOwners
    private var lowered: [ObjectIdentifier: NetOperand] = [:]
    /// The net of each expression already emitted, for sharing.
    private var sharedNets: [SharedKey: NetOperand] = [:]
    private var netTypes: [(name: String, type: SignalType, isRegister: Bool)] = []
    private var assignments: [ElaboratedModule.Assignment] = []
    private var readBits: [String: [Bool]] = [:]

    private struct SharedKey: Hashable {
        let expression: NetExpression
        let type: SignalType
    }

    init(builder: ModuleBuilder, resolved: ResolvedConnections) {
        self.builder = builder
        self.resolved = resolved
        namer = NetNamer(reserving: builder.declarations.filter { !$0.isInstanceInput }.map(\.declaredName)
                         + builder.memories.map(\.name) + builder.instances.map(\.name))
        selfDeclared = Set(builder.ports.map(\.node.declaredName))
            .union(builder.declarations.filter { $0.isDrivable && !$0.isRegister && !$0.isInstanceInput }
                .map(\.declaredName))
        owners = NetOwners(builder: builder, resolved: resolved)
    }

    mutating func lower(summary: String) -> ElaboratedModule {
        // An output driven straight from a register becomes that register (`output reg`).
        var registerPorts: Set<ObjectIdentifier> = []
        var portAttributes: [String: [VerilogAttribute]] = [:]
        for port in builder.ports where port.direction == .output {
            if let driver = resolved.driver(of: port.node), driver.isRegister,
               givenNames[ObjectIdentifier(driver)] == nil {
                givenNames[ObjectIdentifier(driver)] = port.node.declaredName
                registerPorts.insert(ObjectIdentifier(port.node))
                portAttributes[port.node.declaredName] = builder.attributes[driver.declaredName]
            }
        }
        // A wire or output driven by an operator takes the operator's result under its own name.
        for declaration in builder.declarations where declaration.isDrivable && !declaration.isRegister
            && !declaration.isInstanceInput && !registerPorts.contains(ObjectIdentifier(declaration)) {
            if let driver = resolved.driver(of: declaration), driver.isOperation,
               givenNames[ObjectIdentifier(driver)] == nil {
                givenNames[ObjectIdentifier(driver)] = declaration.declaredName
            }
        }
        // A value that drives a register, an instance input or a memory's port is named after it.
        for declaration in builder.declarations where declaration.isRegister {
            suggest("\(name(of: declaration))_next", for: resolved.driver(of: declaration))
        }
        for record in builder.instances {
            for (_, node) in record.ports where node.isInstanceInput {
                suggest(node.declaredName, for: resolved.driver(of: node))
            }
        }
        for write in resolved.memoryWrites {
            suggest("\(write.memory.name)_we", for: write.enable)
            suggest("\(write.memory.name)_waddr", for: write.address)
            suggest("\(write.memory.name)_wdata", for: write.data)
        }

        var registers: [ElaboratedModule.RegisterUpdate] = []
        for declaration in builder.declarations where declaration.isDrivable && !declaration.isInstanceInput {
            let id = ObjectIdentifier(declaration)
            guard let driver = resolved.driver(of: declaration) else { continue }
            let location = resolved.driverLocations[id] ?? declaration.location!
            if declaration.isRegister {
                let next = operand(driver, at: location)
                markRead(next)
                registers.append(.init(name: name(of: declaration), type: declaration.type,
                                       reset: declaration.resetValue, next: next, location: declaration.location!))
            } else if registerPorts.contains(id) {
                continue
            } else if givenNames[ObjectIdentifier(driver)] == declaration.declaredName {
                _ = operand(driver, at: location)
            } else {
                let value = operand(driver, at: location)
                markRead(value)
                assignments.append(.init(target: declaration.declaredName, value: .operand(value), location: location))
            }
            if case .declared(let d) = declaration.kind, d.role == .wire {
                netTypes.append((declaration.declaredName, declaration.type, false))
            }
        }

        var instances: [ElaboratedModule.InstanceConnection] = []
        for record in builder.instances {
            var connections: [(port: String, operand: NetOperand)] = []
            for (port, node) in record.ports {
                if node.isInstanceInput {
                    let value = operand(resolved.driver(of: node)!,
                                        at: resolved.driverLocations[ObjectIdentifier(node)] ?? record.location)
                    markRead(value)
                    connections.append((port, value))
                } else {
                    netTypes.append((node.declaredName, node.type, false))
                    connections.append((port, .net(node.declaredName, node.type)))
                }
            }
            instances.append(.init(module: record.module.name, name: record.name, connections: connections,
                                   usesClock: record.module.port("clk") != nil,
                                   usesReset: record.module.port("rst") != nil, location: record.location))
        }
        let portNames = Set(builder.ports.map(\.node.declaredName))
        for register in registers where !portNames.contains(register.name) {
            netTypes.append((register.name, register.type, true))
        }

        var writes: [ElaboratedModule.MemoryWrite] = []
        for write in resolved.memoryWrites {
            let enable = operand(write.enable, at: write.location)
            let address = operand(write.address, at: write.location)
            let data = operand(write.data, at: write.location)
            for value in [enable, address, data] { markRead(value) }
            writes.append(.init(memory: write.memory.name, enable: enable, address: address, data: data,
                                location: write.location))
        }
        let memories = builder.memories.map {
            ElaboratedModule.MemoryArray(name: $0.name, type: $0.type, depth: $0.depth, contents: $0.contents,
                                         style: $0.style, location: $0.location)
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
                               hasUnreadBits: port.direction == .input && hasUnreadBits(name),
                               attributes: portAttributes[name] ?? []))
        }
        let declaredNets = netTypes.map { net in
            ElaboratedModule.Net(name: net.name, type: net.type, isRegister: net.isRegister,
                                 hasUnreadBits: hasUnreadBits(net.name), attributes: builder.attributes[net.name] ?? [])
        }
        return ElaboratedModule(name: builder.moduleName, summary: summary, ports: ports, nets: declaredNets,
                                assignments: assignments, registers: registers, memories: memories,
                                memoryWrites: writes, instances: instances, localParameters: [])
    }

    private mutating func suggest(_ name: String, for node: Node?) {
        guard let node, node.isOperation else { return }
        let id = ObjectIdentifier(node)
        if givenNames[id] == nil && suggestedNames[id] == nil { suggestedNames[id] = name }
    }

    private func name(of declaration: Node) -> String {
        givenNames[ObjectIdentifier(declaration)] ?? declaration.declaredName
    }

    private func hasUnreadBits(_ name: String) -> Bool {
        guard let bits = readBits[name] else { return true }
        return bits.contains(false)
    }

    private mutating func markRead(_ operand: NetOperand, high: Int? = nil, low: Int? = nil) {
        guard case .net(let name, let type) = operand else { return }
        var bits = readBits[name] ?? Array(repeating: false, count: type.width)
        for i in (low ?? 0)...(high ?? type.width - 1) { bits[i] = true }
        readBits[name] = bits
    }

    /// The operand that carries `node`'s value, emitting the nets it needs on first use;
    /// `location` is the statement's line where the node has none of its own.
    private mutating func operand(_ node: Node, at location: SourceLocation) -> NetOperand {
        let id = ObjectIdentifier(node)
        if let done = lowered[id] { return done }
        let location = node.location ?? resolved.valueLocations[id] ?? location
        let result: NetOperand
        switch node.kind {
        case .declared:
            if node.isInstanceInput {
                result = operand(resolved.driver(of: node)!, at: location)
            } else {
                result = .net(name(of: node), node.type)
            }
        case .constant(let value):
            result = .constant(value, node.type)
        case .invalid:
            result = .constant(0, node.type)  // unreachable: invalid nodes fail elaboration
        case .slice(let source, let high, let low):
            let value = operand(source, at: location)
            if case .constant(let v, _) = value {
                let bits = (v.bitPattern(wordlength: source.type.width) >> UInt64(low))
                result = .constant(Self.constantValue(bits, node.type), node.type)
            } else if high == source.type.width - 1 && low == 0 && node.type.isSigned == source.type.isSigned {
                result = value
            } else {
                result = emit(node, .slice(value, high: high, low: low), at: location, reading: [(value, high, low)])
            }
        case .extended(let source):
            let value = operand(source, at: location)
            if case .constant(let v, _) = value {
                result = .constant(v, node.type)
            } else {
                result = emit(node, .extended(value, width: node.type.width), at: location, reading: [(value, nil, nil)])
            }
        case .binary(let op, let a, let b):
            let x = operand(a, at: location), y = operand(b, at: location)
            result = emit(node, .binary(op, x, y, operandType: op.operandType(a.type, b.type)), at: location,
                          reading: [(x, nil, nil), (y, nil, nil)])
        case .not(let a):
            let x = operand(a, at: location)
            result = emit(node, .not(x), at: location, reading: [(x, nil, nil)])
        case .mux(let s, let a, let b):
            let (sel, x, y) = (operand(s, at: location), operand(a, at: location), operand(b, at: location))
            result = emit(node, .mux(select: sel, whenTrue: x, whenFalse: y), at: location,
                          reading: [(sel, nil, nil), (x, nil, nil), (y, nil, nil)])
        case .concatenation(let parts):
            if let (source, high, low) = Self.contiguousSlice(parts) {
                // Adjacent slices of one net, most significant first: one slice of it.
                let value = operand(source, at: location)
                if high == source.type.width - 1 && low == 0 {
                    result = value
                } else {
                    result = emit(node, .slice(value, high: high, low: low), at: location, reading: [(value, high, low)])
                }
                break
            }
            let values = parts.map { operand($0, at: location) }
            result = emit(node, .concatenation(values), at: location, reading: values.map { ($0, nil, nil) })
        case .dynamicShiftRight(let a, let amount):
            let (x, s) = (operand(a, at: location), operand(amount, at: location))
            result = emit(node, .dynamicShiftRight(x, amount: s), at: location, reading: [(x, nil, nil), (s, nil, nil)])
        case .memoryRead(let memory, let address):
            let a = operand(address, at: location)
            result = emit(node, .memoryRead(memory.name, address: a), at: location, reading: [(a, nil, nil)])
        }
        lowered[id] = result
        return result
    }

    /// The net carrying `expression`: one already emitted for the same expression when the
    /// description gave this node no name of its own, else a new one.
    private mutating func emit(_ node: Node, _ expression: NetExpression, at location: SourceLocation,
                               reading operands: [(NetOperand, Int?, Int?)]) -> NetOperand {
        let id = ObjectIdentifier(node)
        let key = SharedKey(expression: expression, type: node.type)
        let given = givenNames[id]
        if given == nil && node.nameHint == nil, let shared = sharedNets[key] { return shared }
        for (operand, high, low) in operands { markRead(operand, high: high, low: low) }
        let name = given ?? namer.unique(node.nameHint ?? suggestedNames[id] ?? ownName(node, expression))
        // Ports and wires are declared by their own declarations; everything else here.
        if !selfDeclared.contains(name) { netTypes.append((name, node.type, false)) }
        assignments.append(.init(target: name, value: expression, location: location))
        let result = NetOperand.net(name, node.type)
        if sharedNets[key] == nil { sharedNets[key] = result }
        return result
    }

    /// A name for an unnamed operation: what it computes, else after the one net it feeds
    /// (`count_if_start` for a multiplexer), else its mnemonic.
    private func ownName(_ node: Node, _ expression: NetExpression) -> String {
        if let derived = expression.derivedName { return derived }
        guard let owner = owners.owner(of: node) else { return expression.mnemonic }
        if case .mux(let select, _, _) = expression, select.isNet,
           let name = NetNamer.compose(owner, "if", select.nameWord) {
            return name
        }
        return NetNamer.compose(owner, expression.mnemonic) ?? expression.mnemonic
    }
}
