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

        for port in ["mem_req_valid", "mem_req_write", "mem_req_address", "mem_req_data", "base_address"] {
            m.connect(master.port(port), to: core.port(port))
        }
        for port in ["mem_req_ready", "mem_read_valid", "mem_read_data", "mem_write_done"] {
            m.connect(core.port(port), to: master.port(port))
        }
        for port in ["reg_write", "reg_address", "reg_write_data"] { m.connect(core.port(port), to: slave.port(port)) }
        m.connect(slave.port("reg_read_data"), to: core.port("reg_read_data"))

        // The AXI ports of the adapters become the block's own.
        for (instance, prefix) in [(master, "m_axi_"), (slave, "s_axi_")] {
            for port in instance.module.ports where port.name.hasPrefix(prefix) {
                if port.direction == .input {
                    m.connect(instance.port(port.name), to: m.input(port.name, port.type))
                } else {
                    m.output(port.name, instance.port(port.name))
                }
            }
        }
        m.output("irq", core.port("done"))
        _ = core.port("busy")
    }
}
