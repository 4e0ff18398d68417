/// AXI4-Lite with 32-bit data and Xilinx's member names (`awaddr`, …, under the prefix
/// `s_axi` on a slave, so that Vivado infers the interface).
public struct AXI4Lite: Interface {
    /// Bits of a byte address.
    public var addressWidth: Int

    public init(addressWidth: Int) { self.addressWidth = addressWidth }

    public var awaddr: InterfaceMember { .forward("awaddr", .uint(addressWidth)) }
    public var awvalid: InterfaceMember { .forward("awvalid", .bool) }
    public var awready: InterfaceMember { .backward("awready", .bool) }
    public var wdata: InterfaceMember { .forward("wdata", .uint(32)) }
    public var wstrb: InterfaceMember { .forward("wstrb", .uint(4)) }
    public var wvalid: InterfaceMember { .forward("wvalid", .bool) }
    public var wready: InterfaceMember { .backward("wready", .bool) }
    public var bresp: InterfaceMember { .backward("bresp", .uint(2)) }
    public var bvalid: InterfaceMember { .backward("bvalid", .bool) }
    public var bready: InterfaceMember { .forward("bready", .bool) }
    public var araddr: InterfaceMember { .forward("araddr", .uint(addressWidth)) }
    public var arvalid: InterfaceMember { .forward("arvalid", .bool) }
    public var arready: InterfaceMember { .backward("arready", .bool) }
    public var rdata: InterfaceMember { .backward("rdata", .uint(32)) }
    public var rresp: InterfaceMember { .backward("rresp", .uint(2)) }
    public var rvalid: InterfaceMember { .backward("rvalid", .bool) }
    public var rready: InterfaceMember { .forward("rready", .bool) }

    public var members: [InterfaceMember] {
        [awaddr, awvalid, awready, wdata, wstrb, wvalid, wready, bresp, bvalid, bready,
         araddr, arvalid, arready, rdata, rresp, rvalid, rready]
    }
}
