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

    public func build(_ m: ModuleBuilder) throws {
        let byteAddressWidth = addressWidth + 2
        let awAddress = m.input("s_axi_awaddr", .uint(byteAddressWidth))
        let awValid = m.input("s_axi_awvalid", .bool)
        let awReady = m.output("s_axi_awready", .bool)
        let wData = m.input("s_axi_wdata", .uint(32))
        _ = m.input("s_axi_wstrb", .uint(4))
        let wValid = m.input("s_axi_wvalid", .bool)
        let wReady = m.output("s_axi_wready", .bool)
        m.output("s_axi_bresp", .constant(Self.okay, .uint(2)))
        let bValid = m.output("s_axi_bvalid", .bool)
        let bReady = m.input("s_axi_bready", .bool)
        let arAddress = m.input("s_axi_araddr", .uint(byteAddressWidth))
        let arValid = m.input("s_axi_arvalid", .bool)
        let arReady = m.output("s_axi_arready", .bool)
        let rData = m.output("s_axi_rdata", .uint(32))
        m.output("s_axi_rresp", .constant(Self.okay, .uint(2)))
        let rValid = m.output("s_axi_rvalid", .bool)
        let rReady = m.input("s_axi_rready", .bool)
        let registerWrite = m.output("reg_write", .bool)
        let registerAddress = m.output("reg_address", .uint(addressWidth))
        let registerWriteData = m.output("reg_write_data", .uint(32))
        let registerReadData = m.input("reg_read_data", .uint(32))

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

        m.connect(awReady, to: !awFull)
        m.connect(wReady, to: !wFull)
        m.connect(bValid, to: responding)
        m.connect(arReady, to: !arFull)
        m.connect(rData, to: returned)
        m.connect(rValid, to: returning)
        m.connect(registerWrite, to: writing)
        m.connect(registerAddress, to: m.mux(writing, writeAddress, readAddress))
        m.connect(registerWriteData, to: writeData)
    }

    /// xRESP OKAY.
    static let okay = 0
}
