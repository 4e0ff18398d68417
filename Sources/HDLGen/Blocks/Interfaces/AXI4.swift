/// The AXI4 subset `AXI4MemoryMaster` drives, with Xilinx's member names (`awaddr`, …, under
/// the prefix `m_axi`, so that Vivado infers the interface): no IDs, user, lock or QoS signals.
public struct AXI4: Interface {
    /// Bits of a data beat.
    public var dataWidth: Int
    /// Bits of a byte address.
    public var addressWidth: Int

    public init(dataWidth: Int, addressWidth: Int) {
        self.dataWidth = dataWidth
        self.addressWidth = addressWidth
    }

    // Write address.
    public var awaddr: InterfaceMember { .forward("awaddr", .uint(addressWidth)) }
    public var awlen: InterfaceMember { .forward("awlen", .uint(8)) }
    public var awsize: InterfaceMember { .forward("awsize", .uint(3)) }
    public var awburst: InterfaceMember { .forward("awburst", .uint(2)) }
    public var awcache: InterfaceMember { .forward("awcache", .uint(4)) }
    public var awprot: InterfaceMember { .forward("awprot", .uint(3)) }
    public var awvalid: InterfaceMember { .forward("awvalid", .bool) }
    public var awready: InterfaceMember { .backward("awready", .bool) }
    // Write data.
    public var wdata: InterfaceMember { .forward("wdata", .uint(dataWidth)) }
    public var wstrb: InterfaceMember { .forward("wstrb", .uint(dataWidth / 8)) }
    public var wlast: InterfaceMember { .forward("wlast", .bool) }
    public var wvalid: InterfaceMember { .forward("wvalid", .bool) }
    public var wready: InterfaceMember { .backward("wready", .bool) }
    // Write response.
    public var bresp: InterfaceMember { .backward("bresp", .uint(2)) }
    public var bvalid: InterfaceMember { .backward("bvalid", .bool) }
    public var bready: InterfaceMember { .forward("bready", .bool) }
    // Read address.
    public var araddr: InterfaceMember { .forward("araddr", .uint(addressWidth)) }
    public var arlen: InterfaceMember { .forward("arlen", .uint(8)) }
    public var arsize: InterfaceMember { .forward("arsize", .uint(3)) }
    public var arburst: InterfaceMember { .forward("arburst", .uint(2)) }
    public var arcache: InterfaceMember { .forward("arcache", .uint(4)) }
    public var arprot: InterfaceMember { .forward("arprot", .uint(3)) }
    public var arvalid: InterfaceMember { .forward("arvalid", .bool) }
    public var arready: InterfaceMember { .backward("arready", .bool) }
    // Read data.
    public var rdata: InterfaceMember { .backward("rdata", .uint(dataWidth)) }
    public var rresp: InterfaceMember { .backward("rresp", .uint(2)) }
    public var rlast: InterfaceMember { .backward("rlast", .bool) }
    public var rvalid: InterfaceMember { .backward("rvalid", .bool) }
    public var rready: InterfaceMember { .forward("rready", .bool) }

    public var members: [InterfaceMember] {
        [awaddr, awlen, awsize, awburst, awcache, awprot, awvalid, awready,
         wdata, wstrb, wlast, wvalid, wready,
         bresp, bvalid, bready,
         araddr, arlen, arsize, arburst, arcache, arprot, arvalid, arready,
         rdata, rresp, rlast, rvalid, rready]
    }
}
