/// A register file's port of 32-bit words, mastered by the host: `write` pulses with
/// `address` and `write_data`; otherwise `address` selects the word the slave drives on
/// `read_data` combinationally (reads have no side effects). Usually prefixed `reg`.
public struct RegisterPort: Interface {
    /// Bits of a word address.
    public var addressWidth: Int

    public init(addressWidth: Int) { self.addressWidth = addressWidth }

    public var write: InterfaceMember { .forward("write", .bool) }
    public var address: InterfaceMember { .forward("address", .uint(addressWidth)) }
    public var writeData: InterfaceMember { .forward("write_data", .uint(32)) }
    public var readData: InterfaceMember { .backward("read_data", .uint(32)) }

    public var members: [InterfaceMember] { [write, address, writeData, readData] }
}
