/// The layer engine as an IP block for a Zynq block design: its memory port behind an AXI4
/// master (`m_axi_*`, the engine's lines at `base_address` + line · D/8) and its register
/// file behind an AXI4-Lite slave (`s_axi_*`, `EngineRegister` at byte address word · 4).
/// `irq` is the engine's `done`: high from the end of a run until the next start.
public struct LayerEngineAXI: Module {
    public let engine: LayerEngine

    public init(engine: LayerEngine) { self.engine = engine }

    public var name: String { "\(engine.name)_axi" }
    public var summary: String { "\(engine.summary), AXI4 master and AXI4-Lite slave" }

    public var memoryMaster: AXI4MemoryMaster { AXI4MemoryMaster(lineWidth: engine.lineWidth, lineAddressWidth: engine.addressWidth) }
    public var registerSlave: AXI4LiteRegisters { try! AXI4LiteRegisters(addressWidth: engine.registerAddressWidth) }

    public func build(_ m: ModuleBuilder) throws {
        let core = try m.instance(engine, name: "engine")
        let master = try m.instance(memoryMaster, name: "memory_master")
        let slave = try m.instance(registerSlave, name: "register_slave")

        m.connect(core.port(engine.memoryPort, prefix: "mem", as: .master),
                  master.port(memoryMaster.memoryPort, prefix: "mem", as: .slave))
        m.connect(master.port("base_address"), to: core.port("base_address"))
        m.connect(core.port(engine.registerPort, prefix: "reg", as: .slave),
                  slave.port(registerSlave.registerPort, prefix: "reg", as: .master))

        // The AXI ports of the adapters become the block's own.
        m.expose(master.port(memoryMaster.axiPort, prefix: "m_axi", as: .master), prefix: "m_axi")
        m.expose(slave.port(registerSlave.axiPort, prefix: "s_axi", as: .slave), prefix: "s_axi")
        m.output("irq", core.port("done"))
        _ = core.port("busy")
    }
}
