/// Puts the layer engine's native memory port on AXI4, as a master a Zynq block design can
/// wire to an HP port: the engine asks for one `dataWidth`-bit line by line index, the
/// adapter issues single-beat INCR transactions at `base_address + line · dataWidth/8`.
///
/// Engine side: a request (`mem_req_valid`, `mem_req_write`, `mem_req_address`,
/// `mem_req_data`) moves when `mem_req_valid` and `mem_req_ready` are both set;
/// `mem_req_ready` comes from registers only, never from the request itself. Read data
/// returns on `mem_read_valid`/`mem_read_data` in request order, one register after the R
/// channel (the engine always takes it, so RREADY is 1); `mem_write_done` pulses once per
/// B response (BREADY is 1). The adapter keeps no order between reads and writes: the
/// engine waits for its writes' `mem_write_done` before reading what it wrote. Every
/// transaction uses ID 0, so AXI returns reads in order and no reorder buffer is needed;
/// the interconnect bounds the reads in flight with ARREADY.
///
/// AXI side (Xilinx `m_axi_` names, so Vivado infers the interface): AR, AW and W each
/// have an output register and a skid register, so VALID and the payload come straight
/// from flip-flops, hold until their handshake, and a request per cycle flows when the
/// slave is always ready. AW and W are independent: the slave may take them in either
/// order. BRESP and RRESP are not examined. `base_address` should be a multiple of
/// `dataWidth/8`, so that every beat is a whole, aligned line.
public struct AXI4MemoryMaster: Module {
    /// Bits of one memory line: the AXI data width.
    public let dataWidth: Int
    /// Bits of the engine's line index.
    public let addressWidth: Int
    /// Bits of an AXI byte address.
    public let axiAddressWidth: Int

    /// The master for an engine's port of `lineWidth`-bit lines (a power of two from 32) at
    /// `addressWidth`-bit line addresses: byte addresses of at least 32 bits.
    public init(lineWidth: Int, lineAddressWidth addressWidth: Int) {
        // Engines have lines of 32 … 4096 bits and addresses of 8 … 32 bits, which the master takes.
        try! self.init(dataWidth: lineWidth, addressWidth: addressWidth,
                       axiAddressWidth: max(32, addressWidth + ceilLog2(lineWidth / 8)))
    }

    public init(dataWidth: Int, addressWidth: Int, axiAddressWidth: Int = 32) throws {
        let unit = "AXI4 memory master"
        try UnitParameterError.checkPowerOfTwo(unit, "dataWidth", dataWidth, in: 32...1024)
        try UnitParameterError.check(unit, "addressWidth", addressWidth, in: 1...40)
        self.dataWidth = dataWidth
        self.addressWidth = addressWidth
        self.axiAddressWidth = axiAddressWidth
        // The byte address of the last line, base + (2^A - 1) · D/8, must fit.
        try UnitParameterError.check(unit, "axiAddressWidth (line address bits + log2 of the line's bytes, up to 64)",
                                     axiAddressWidth, in: (addressWidth + sizeCode)...64)
    }

    public var name: String { "axi4_master_d\(dataWidth)_a\(addressWidth)_x\(axiAddressWidth)" }
    public var summary: String {
        "AXI4 master for \(dataWidth)-bit lines at \(addressWidth)-bit line indices, \(axiAddressWidth)-bit byte addresses"
    }

    /// Bytes of one line.
    public var lineBytes: Int { dataWidth / 8 }
    /// AxSIZE: log2 of the bytes of one beat (one line).
    public var sizeCode: Int { Int.bitWidth - 1 - lineBytes.leadingZeroBitCount }
    /// The engine side, whose master is the engine.
    public var memoryPort: MemoryPort { MemoryPort(lineWidth: dataWidth, addressWidth: addressWidth) }
    /// The AXI side, mastered by this adapter.
    public var axiPort: AXI4 { AXI4(dataWidth: dataWidth, addressWidth: axiAddressWidth) }

    public func build(_ m: ModuleBuilder) throws {
        let x = axiAddressWidth

        // Engine side, then the AXI channels.
        let engine = m.port(memoryPort, prefix: "mem", as: .slave)
        let base = m.input("base_address", .uint(x))
        let axi = m.port(axiPort, prefix: "m_axi", as: .master)
        let requestValid = engine.requestValid, requestWrite = engine.requestWrite
        let requestAddress = engine.requestAddress, requestData = engine.requestData
        let constants: [(KeyPath<AXI4, InterfaceMember>, Int)] = [
            (\.awlen, 0), (\.awsize, sizeCode), (\.awburst, Self.incrementingBurst),
            (\.awcache, Self.bufferableModifiable), (\.awprot, 0),
            (\.arlen, 0), (\.arsize, sizeCode), (\.arburst, Self.incrementingBurst),
            (\.arcache, Self.bufferableModifiable), (\.arprot, 0),
            (\.wlast, 1), (\.bready, 1), (\.rready, 1)]
        for (member, value) in constants { m.connect(axi[member], to: .constant(value, axi[member].type)) }
        m.connect(axi.wstrb, to: ~Signal.constant(0, .bool).resized(to: lineBytes))   // every byte
        let awReady = axi.awready, wReady = axi.wready, arReady = axi.arready
        let bValid = axi.bvalid, rValid = axi.rvalid, rData = axi.rdata

        // A request moves only when every channel it might use has room, so that the
        // ready does not depend on whether the request is a read or a write.
        let lineOffset = requestAddress.shiftedLeft(by: sizeCode).resized(to: x)
        let byteAddress = m.wire("byte_address", (base + lineOffset).truncated(to: x))
        let ar = channel(m, "ar", payload: byteAddress, ready: arReady)
        let aw = channel(m, "aw", payload: byteAddress, ready: awReady)
        let w = channel(m, "w", payload: requestData, ready: wReady)
        let ready = m.wire("request_ready", ar.hasRoom & aw.hasRoom & w.hasRoom)
        let accept = m.wire("request_accept", requestValid & ready)
        m.connect(ar.push, to: accept & !requestWrite)
        m.connect(aw.push, to: accept & requestWrite)
        m.connect(w.push, to: accept & requestWrite)
        m.connect(engine.requestReady, to: ready)
        m.connect(axi.arvalid, to: ar.valid)
        m.connect(axi.araddr, to: ar.payload)
        m.connect(axi.awvalid, to: aw.valid)
        m.connect(axi.awaddr, to: aw.payload)
        m.connect(axi.wvalid, to: w.valid)
        m.connect(axi.wdata, to: w.payload)

        // Responses: one register each, towards the engine.
        let responseData = m.register("read_data_q", .uint(dataWidth))
        m.when(rValid) { m.connect(responseData, to: rData) }
        m.connect(engine.readValid, to: m.register("read_valid_q", next: rValid, reset: 0))
        m.connect(engine.readData, to: responseData)
        m.connect(engine.writeDone, to: m.register("write_done_q", next: bValid, reset: 0))
    }

    /// AxBURST INCR.
    static let incrementingBurst = 1
    /// AxCACHE 0b0011: normal non-cacheable bufferable, what Xilinx masters drive by default.
    static let bufferableModifiable = 3

    /// One AXI channel driven from registers: `valid`/`payload` (the output register) hold
    /// until `ready`; a payload pushed while the output register waits lands in the skid
    /// register, and `hasRoom` (no skid) says another push may come.
    private func channel(_ m: ModuleBuilder, _ name: String, payload: Signal, ready: Signal)
        -> (push: Signal, valid: Signal, payload: Signal, hasRoom: Signal) {
        let push = m.wire("\(name)_push", .bool)
        let valid = m.register("\(name)_valid", .bool, reset: 0)
        let held = m.register("\(name)_payload", payload.type)
        let skidValid = m.register("\(name)_skid_valid", .bool, reset: 0)
        let skid = m.register("\(name)_skid_payload", payload.type)
        let handshake = m.wire("\(name)_handshake", valid & ready)
        m.when(skidValid) {
            // No push can come (hasRoom is clear): the skid moves up once the output is taken.
            m.when(handshake) {
                m.connect(held, to: skid)
                m.connect(skidValid, to: .constant(0, .bool))
            }
        } otherwise: {
            m.when(push) {
                m.when(!valid | handshake) {
                    m.connect(valid, to: .constant(1, .bool))
                    m.connect(held, to: payload)
                } otherwise: {
                    m.connect(skidValid, to: .constant(1, .bool))
                    m.connect(skid, to: payload)
                }
            } otherwise: {
                m.when(handshake) { m.connect(valid, to: .constant(0, .bool)) }
            }
        }
        return (push, valid, held, !skidValid)
    }
}
