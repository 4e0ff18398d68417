extension ModuleBuilder {
    /// Instantiates `module`, elaborating it once for all instances with the same parameters.
    public func instance(_ module: some Module, name: String,
                         file: StaticString = #fileID, line: UInt = #line) throws -> Instance {
        let child = try elaborator.elaborate(module)
        let location = SourceLocation(file: file, line: line)
        claim(name, at: location)
        var signals: [String: Signal] = [:]
        var nodes: [(port: String, node: Node)] = []
        for port in child.ports where port.name != "clk" && port.name != "rst" {
            let role: Node.Declaration.Role = port.direction == .input
                ? .instanceInput(instance: name, port: port.name)
                : .instanceOutput(instance: name, port: port.name)
            let netName = "\(name)_\(port.name)"
            claim(netName, at: location)
            let node = Node(.declared(.init(name: netName, role: role)), port.type, location: location,
                            owner: ObjectIdentifier(self))
            declarations.append(node)
            signals[port.name] = Signal(node)
            nodes.append((port.name, node))
        }
        instances.append(InstanceRecord(name: name, module: child, ports: nodes, location: location))
        return Instance(name: name, module: child, signals: signals, builder: self)
    }
}

/// One submodule instance and the nets of this module that stand for its ports.
struct InstanceRecord {
    let name: String
    let module: ElaboratedModule
    let ports: [(port: String, node: Node)]
    let location: SourceLocation
}

/// A submodule instance: its inputs are driven with `connect`, its outputs read.
public struct Instance {
    public let name: String
    public let module: ElaboratedModule
    let signals: [String: Signal]
    let builder: ModuleBuilder

    /// The signal standing for port `port` of the instance.
    public func port(_ port: String, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        if let signal = signals[port] { return signal }
        builder.record("\(module.name) has no port \(port)", file: file, line: line)
        return .invalid("no port \(port)", .bool, file: file, line: line)
    }
}
