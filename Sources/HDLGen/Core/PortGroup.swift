/// An interface bound to the signals of one module: its own ports (`ModuleBuilder.port`) or
/// an instance's (`Instance.port(_:prefix:as:)`). Members read as properties: `mem.requestValid`.
@dynamicMemberLookup
public struct PortGroup<I: Interface> {
    public let interface: I
    /// The prefix of the ports' names.
    public let prefix: String
    public let role: InterfaceRole
    /// How messages name the group: the prefix, or `instance.prefix` for an instance's.
    let label: String
    /// By member name; a member the binding could not find is absent.
    let signals: [String: Signal]
    let location: SourceLocation

    /// The signal of `member`.
    public subscript(dynamicMember member: KeyPath<I, InterfaceMember>) -> Signal { self[member] }

    /// The signal of `member`, for members chosen by key path at elaboration.
    public subscript(_ member: KeyPath<I, InterfaceMember>) -> Signal {
        let m = interface[keyPath: member]
        return signals[m.name] ?? Signal(Node(.invalid("\(label) has no member \(m.name)"), m.type, location: location))
    }

    /// The port name of `member`.
    public func portName(_ member: KeyPath<I, InterfaceMember>) -> String { interface.portName(member, prefix: prefix) }
}

extension ModuleBuilder {
    /// Declares the members of `interface` as ports `prefix_member` of this module at `role`:
    /// inputs for what the other end drives, outputs (to be connected) for the rest.
    public func port<I: Interface>(_ interface: I, prefix: String, as role: InterfaceRole,
                                   file: StaticString = #fileID, line: UInt = #line) -> PortGroup<I> {
        var signals: [String: Signal] = [:]
        for member in interface.members {
            let name = I.portName(member.name, prefix: prefix)
            signals[member.name] = member.direction(at: role) == .output
                ? output(name, member.type, file: file, line: line)
                : input(name, member.type, file: file, line: line)
        }
        return PortGroup(interface: interface, prefix: prefix, role: role, label: prefix.isEmpty ? "\(I.self)" : prefix,
                         signals: signals, location: SourceLocation(file: file, line: line))
    }

    /// Connects every member of `a` to the same member of `b`: whichever of the two this
    /// module drives (an output of its own, an input of an instance) takes the other's value.
    /// A member missing from either, of unequal types, or driven by both or neither is an error.
    public func connect<I: Interface>(_ a: PortGroup<I>, _ b: PortGroup<I>,
                                      file: StaticString = #fileID, line: UInt = #line) {
        let location = SourceLocation(file: file, line: line)
        let bNames = Set(b.interface.members.map(\.name))
        let aNames = Set(a.interface.members.map(\.name))
        for member in a.interface.members where !bNames.contains(member.name) {
            record("cannot connect \(a.label) to \(b.label): member \(member.name) is missing from \(b.label)", at: location)
        }
        for member in b.interface.members where !aNames.contains(member.name) {
            record("cannot connect \(a.label) to \(b.label): member \(member.name) is missing from \(a.label)", at: location)
        }
        for member in a.interface.members where bNames.contains(member.name) {
            guard let x = a.signals[member.name], let y = b.signals[member.name] else { continue }   // reported at binding
            guard x.type == y.type else {
                record("width mismatch on member \(member.name): \(a.label) has \(x.type) but \(b.label) has \(y.type)",
                       at: location)
                continue
            }
            switch (x.node.isDrivable, y.node.isDrivable) {
            case (true, false): connect(x, to: y, file: file, line: line)
            case (false, true): connect(y, to: x, file: file, line: line)
            case (true, true):
                record("directions do not complement on member \(member.name): \(a.label) and \(b.label) both take it "
                       + "(\(x.node.kind.summary), \(y.node.kind.summary))", at: location)
            case (false, false):
                record("directions do not complement on member \(member.name): \(a.label) and \(b.label) both drive it "
                       + "(\(x.node.kind.summary), \(y.node.kind.summary))", at: location)
            }
        }
    }
}

extension ModuleBuilder {
    /// Makes an instance's port group this module's own: the same interface at the same end,
    /// as ports `prefix_member`, connected through.
    @discardableResult
    public func expose<I: Interface>(_ group: PortGroup<I>, prefix: String,
                                     file: StaticString = #fileID, line: UInt = #line) -> PortGroup<I> {
        let own = port(group.interface, prefix: prefix, as: group.role, file: file, line: line)
        connect(own, group, file: file, line: line)
        return own
    }
}

extension Instance {
    /// The instance's ports `prefix_member` as `interface` at `role` (the end the submodule is
    /// at). A port missing, of another type or of the other direction is an error.
    public func port<I: Interface>(_ interface: I, prefix: String, as role: InterfaceRole,
                                   file: StaticString = #fileID, line: UInt = #line) -> PortGroup<I> {
        var signals: [String: Signal] = [:]
        for member in interface.members {
            let name = I.portName(member.name, prefix: prefix)
            guard let port = module.port(name), let signal = self.signals[name] else {
                builder.record("\(self.name) (\(module.name)) has no port \(name) for member \(member.name) of \(I.self)",
                               file: file, line: line)
                continue
            }
            let expected = member.direction(at: role)
            if port.type != member.type {
                builder.record("width mismatch on member \(member.name): port \(name) of \(self.name) is \(port.type), "
                               + "but \(I.self) needs \(member.type)", file: file, line: line)
            } else if port.direction != expected {
                builder.record("direction mismatch on member \(member.name): port \(name) of \(self.name) is an "
                               + "\(port.direction), but a \(role) of \(I.self) has an \(expected)", file: file, line: line)
            } else {
                signals[member.name] = signal
            }
        }
        return PortGroup(interface: interface, prefix: prefix, role: role,
                         label: prefix.isEmpty ? self.name : "\(self.name).\(prefix)",
                         signals: signals, location: SourceLocation(file: file, line: line))
    }
}
