/// Puts the layer engine's register file on AXI4-Lite, as a slave the Zynq processor can
/// reach through a GP port: AXI byte addresses of `addressWidth + 2` bits become word
/// addresses on a simple register port.
///
/// Register port: `reg_write` pulses for one cycle per AXI write, with `reg_address` and
/// `reg_write_data`; otherwise `reg_address` carries the address of the read being served,
/// and the engine drives `reg_read_data` from it combinationally (reads have no side
/// effects: the port has no read strobe). Writes take priority over reads in a cycle.
///
/// AXI4-Lite side: AW and W are held in registers of their own, so they may arrive in
/// either order or together; the write happens once both are in and the previous B
/// response is gone. The low two address bits are ignored, and so is WSTRB: every write
/// stores the whole 32-bit word. BRESP and RRESP are always OKAY. VALID and READY outputs
/// come from registers; a write or a read takes two cycles plus the master's response delay.
public struct AXI4LiteRegisters: Module {
    /// Bits of the register port's word address.
    public let addressWidth: Int

    public init(addressWidth: Int) throws {
        try UnitParameterError.check("AXI4-Lite registers", "addressWidth", addressWidth, in: 1...30)
        self.addressWidth = addressWidth
    }

    public var name: String { "axi4lite_regs_a\(addressWidth)" }
    public var summary: String {
        "AXI4-Lite slave for \(1 << addressWidth) 32-bit registers (\(addressWidth + 2)-bit byte addresses)"
    }

    /// The AXI side, whose master is the processor.
    public var axiPort: AXI4Lite { AXI4Lite(addressWidth: addressWidth + 2) }
    /// The register side, mastered by this adapter.
    public var registerPort: RegisterPort { RegisterPort(addressWidth: addressWidth) }

    public func build(_ m: ModuleBuilder) throws {
        let byteAddressWidth = addressWidth + 2
        let axi = m.port(axiPort, prefix: "s_axi", as: .slave)
        let host = m.port(registerPort, prefix: "reg", as: .master)
        m.connect(axi.bresp, to: .constant(Self.okay, .uint(2)))
        m.connect(axi.rresp, to: .constant(Self.okay, .uint(2)))
        let awAddress = axi.awaddr, awValid = axi.awvalid, wData = axi.wdata, wValid = axi.wvalid
        let bReady = axi.bready, arAddress = axi.araddr, arValid = axi.arvalid, rReady = axi.rready
        let registerReadData = host.readData

        // Write: AW and W each wait in a register; both in and no B pending → write.
        let awFull = m.register("aw_full", .bool, reset: 0)
        let writeAddress = m.register("write_address", .uint(addressWidth))
        let wFull = m.register("w_full", .bool, reset: 0)
        let writeData = m.register("write_data", .uint(32))
        let responding = m.register("b_valid", .bool, reset: 0)
        let writing = m.wire("writing", awFull & wFull & !responding)
        m.when(awValid & !awFull) {
            m.connect(awFull, to: .constant(1, .bool))
            m.connect(writeAddress, to: awAddress.bits(byteAddressWidth - 1, 2))
        } otherwise: {
            m.when(writing) { m.connect(awFull, to: .constant(0, .bool)) }
        }
        m.when(wValid & !wFull) {
            m.connect(wFull, to: .constant(1, .bool))
            m.connect(writeData, to: wData)
        } otherwise: {
            m.when(writing) { m.connect(wFull, to: .constant(0, .bool)) }
        }
        m.when(writing) {
            m.connect(responding, to: .constant(1, .bool))
        } otherwise: {
            m.when(bReady) { m.connect(responding, to: .constant(0, .bool)) }
        }

        // Read: AR waits in a register until a cycle without a write, with the R register free.
        let arFull = m.register("ar_full", .bool, reset: 0)
        let readAddress = m.register("read_address", .uint(addressWidth))
        let returning = m.register("r_valid", .bool, reset: 0)
        let returned = m.register("r_data", .uint(32))
        let reading = m.wire("reading", arFull & !writing & (!returning | rReady))
        m.when(arValid & !arFull) {
            m.connect(arFull, to: .constant(1, .bool))
            m.connect(readAddress, to: arAddress.bits(byteAddressWidth - 1, 2))
        } otherwise: {
            m.when(reading) { m.connect(arFull, to: .constant(0, .bool)) }
        }
        m.when(reading) {
            m.connect(returning, to: .constant(1, .bool))
            m.connect(returned, to: registerReadData)
        } otherwise: {
            m.when(rReady) { m.connect(returning, to: .constant(0, .bool)) }
        }

        m.connect(axi.awready, to: !awFull)
        m.connect(axi.wready, to: !wFull)
        m.connect(axi.bvalid, to: responding)
        m.connect(axi.arready, to: !arFull)
        m.connect(axi.rdata, to: returned)
        m.connect(axi.rvalid, to: returning)
        m.connect(host.write, to: writing)
        m.connect(host.address, to: m.mux(writing, writeAddress, readAddress))
        m.connect(host.writeData, to: writeData)
    }

    /// xRESP OKAY.
    static let okay = 0
}
