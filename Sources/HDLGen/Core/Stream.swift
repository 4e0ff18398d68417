/// A valid/ready stream: a beat moves in a cycle where both are set. The master drives
/// `valid` (and `data`, when the stream carries one); the slave drives `ready`.
public struct Stream: Interface {
    /// Bits of the payload, or nil for a handshake whose payload travels on ports of its own.
    public var dataWidth: Int?

    public init(dataWidth: Int? = nil) { self.dataWidth = dataWidth }

    public var valid: InterfaceMember { .forward("valid", .bool) }
    public var ready: InterfaceMember { .backward("ready", .bool) }
    /// The payload; only a stream with a `dataWidth` has it.
    public var data: InterfaceMember { .forward("data", .uint(dataWidth ?? 1)) }

    public var members: [InterfaceMember] { [valid, ready] + (dataWidth == nil ? [] : [data]) }
}
