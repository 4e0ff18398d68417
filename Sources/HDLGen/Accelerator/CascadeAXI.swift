/// The cascade as an IP block for a Zynq block design: each engine's memory port behind its
/// own AXI4 master (`m_axi_lpu_*`, `m_axi_hpu_*`; line n at the engine's `base_address` +
/// n · D/8, so both must be given the same base) and the register file behind an AXI4-Lite
/// slave (`s_axi_*`, `CascadeRegister` and the engines' maps at byte address word · 4).
/// `irq` is the cascade's `done`: high from the end of a run until the next start.
public struct CascadeAXI: Module {
    public let top: CascadeTop

    public init(top: CascadeTop) { self.top = top }

    public var name: String { "\(top.name)_axi" }
    public var summary: String { "\(top.summary), two AXI4 masters and an AXI4-Lite slave" }

    public var memoryMaster: AXI4MemoryMaster { AXI4MemoryMaster(lineWidth: top.lineWidth, lineAddressWidth: top.addressWidth) }
    public var registerSlave: AXI4LiteRegisters { try! AXI4LiteRegisters(addressWidth: top.registerAddressWidth) }

    public func build(_ m: ModuleBuilder) throws {
        let core = try m.instance(top, name: "cascade")
        let slave = try m.instance(registerSlave, name: "register_slave")
        m.connect(core.port(top.registerPort, prefix: "reg", as: .slave),
                  slave.port(registerSlave.registerPort, prefix: "reg", as: .master))
        m.expose(slave.port(registerSlave.axiPort, prefix: "s_axi", as: .slave), prefix: "s_axi")
        for engine in ["lpu", "hpu"] {
            let master = try m.instance(memoryMaster, name: "\(engine)_memory_master")
            m.connect(core.port(top.memoryPort, prefix: "\(engine)_mem", as: .master),
                      master.port(memoryMaster.memoryPort, prefix: "mem", as: .slave))
            m.connect(master.port("base_address"), to: core.port("\(engine)_base_address"))
            // The AXI ports of the adapters become the block's own.
            m.expose(master.port(memoryMaster.axiPort, prefix: "m_axi", as: .master), prefix: "m_axi_\(engine)")
        }
        m.output("irq", core.port("done"))
        _ = core.port("busy")
    }
}
