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
        for port in ["reg_write", "reg_address", "reg_write_data"] { m.connect(core.port(port), to: slave.port(port)) }
        m.connect(slave.port("reg_read_data"), to: core.port("reg_read_data"))
        var exposed: [(Instance, String, String)] = [(slave, "s_axi_", "s_axi_")]
        for engine in ["lpu", "hpu"] {
            let master = try m.instance(memoryMaster, name: "\(engine)_memory_master")
            for port in ["mem_req_valid", "mem_req_write", "mem_req_address", "mem_req_data"] {
                m.connect(master.port(port), to: core.port("\(engine)_\(port)"))
            }
            m.connect(master.port("base_address"), to: core.port("\(engine)_base_address"))
            for port in ["mem_req_ready", "mem_read_valid", "mem_read_data", "mem_write_done"] {
                m.connect(core.port("\(engine)_\(port)"), to: master.port(port))
            }
            exposed.append((master, "m_axi_", "m_axi_\(engine)_"))
        }
        // The AXI ports of the adapters become the block's own.
        for (instance, prefix, renamed) in exposed {
            for port in instance.module.ports where port.name.hasPrefix(prefix) {
                let name = renamed + port.name.dropFirst(prefix.count)
                if port.direction == .input {
                    m.connect(instance.port(port.name), to: m.input(name, port.type))
                } else {
                    m.output(name, instance.port(port.name))
                }
            }
        }
        m.output("irq", core.port("done"))
        _ = core.port("busy")
    }
}
