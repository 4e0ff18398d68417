/// The layer engine's memory port, mastered by the engine: requests (valid/ready; a write
/// carries its line) and, for reads only, responses in request order on `read_valid`, always
/// accepted; a write is acknowledged by one pulse of `write_done`. Usually prefixed `mem`.
public struct MemoryPort: Interface {
    /// Bits of one memory line.
    public var lineWidth: Int
    /// Bits of a line address.
    public var addressWidth: Int

    public init(lineWidth: Int, addressWidth: Int) {
        self.lineWidth = lineWidth
        self.addressWidth = addressWidth
    }

    public var requestValid: InterfaceMember { .forward("req_valid", .bool) }
    public var requestWrite: InterfaceMember { .forward("req_write", .bool) }
    public var requestAddress: InterfaceMember { .forward("req_address", .uint(addressWidth)) }
    public var requestData: InterfaceMember { .forward("req_data", .uint(lineWidth)) }
    public var requestReady: InterfaceMember { .backward("req_ready", .bool) }
    public var readValid: InterfaceMember { .backward("read_valid", .bool) }
    public var readData: InterfaceMember { .backward("read_data", .uint(lineWidth)) }
    public var writeDone: InterfaceMember { .backward("write_done", .bool) }

    public var members: [InterfaceMember] {
        [requestValid, requestWrite, requestAddress, requestData, requestReady, readValid, readData, writeDone]
    }
}
