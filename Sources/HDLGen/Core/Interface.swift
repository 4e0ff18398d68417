/// A group of ports declared once as a Swift value: its members, each with a width and the
/// side that drives it. A module instantiates it with `ModuleBuilder.port(_:prefix:as:)`.
///
/// Members are computed properties of the conforming type, so a bound group reads them as
/// `group.requestValid`; `members` lists them in the order the Verilog declares the ports.
public protocol Interface: Sendable {
    /// Every member, in port order.
    var members: [InterfaceMember] { get }
}

/// One port of an interface: its name after the prefix, its type, and who drives it.
public struct InterfaceMember: Hashable, Sendable {
    /// Which end of the interface drives a member.
    public enum Flow: Hashable, Sendable {
        /// Driven by the master (a request, VALID, an address).
        case forward
        /// Driven by the slave (READY, a response).
        case backward
    }

    public let name: String
    public let type: SignalType
    public let flow: Flow

    public init(_ name: String, _ type: SignalType, _ flow: Flow) {
        self.name = name
        self.type = type
        self.flow = flow
    }

    /// A member the master drives.
    public static func forward(_ name: String, _ type: SignalType) -> InterfaceMember { .init(name, type, .forward) }
    /// A member the slave drives.
    public static func backward(_ name: String, _ type: SignalType) -> InterfaceMember { .init(name, type, .backward) }

    /// The direction of this member's port on a module at `role`.
    public func direction(at role: InterfaceRole) -> ElaboratedModule.Port.Direction {
        (flow == .forward) == (role == .master) ? .output : .input
    }
}

/// The end of an interface a module is at: the master drives the forward members.
public enum InterfaceRole: Hashable, Sendable, CustomStringConvertible {
    case master, slave

    /// The other end: every member's direction reversed.
    public var flipped: InterfaceRole { self == .master ? .slave : .master }

    public var description: String { self == .master ? "master" : "slave" }
}

extension Interface {
    /// The port name of `member` under `prefix`: `prefix_member`, or the member's name alone.
    public func portName(_ member: KeyPath<Self, InterfaceMember>, prefix: String) -> String {
        Self.portName(self[keyPath: member].name, prefix: prefix)
    }

    static func portName(_ member: String, prefix: String) -> String {
        prefix.isEmpty ? member : "\(prefix)_\(member)"
    }
}
