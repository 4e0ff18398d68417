extension LayerEngine {
    /// The engine's memory port (`mem_*`), which it masters.
    public var memoryPort: MemoryPort {
        MemoryPort(lineWidth: configuration.lineWidth, addressWidth: configuration.addressWidth)
    }
    /// The engine's register port (`reg_*`), a slave of the host.
    public var registerPort: RegisterPort { RegisterPort(addressWidth: configuration.registerAddressWidth) }
}

extension CascadeTop {
    /// Each engine's memory port on the top (`lpu_mem_*`, `hpu_mem_*`): the engines' own.
    public var memoryPort: MemoryPort { lpu.memoryPort }
    /// The top's register port (`reg_*`): the engines' with two more address bits.
    public var registerPort: RegisterPort { RegisterPort(addressWidth: registerAddressWidth) }
}

/// Fields of the current layer's descriptor, each at the width the engine keeps it
/// (`LayerEngine.fieldType`), driven by the descriptor fetch (the master) to the units that
/// use them; a unit declares only the fields it reads.
public struct DescriptorBus: Interface {
    public let engine: LayerEngine
    public let fields: [DescriptorField]

    public init(engine: LayerEngine, fields: [DescriptorField] = DescriptorField.allCases) {
        self.engine = engine
        self.fields = fields
    }

    /// The member that carries `field`.
    public subscript(field: DescriptorField) -> InterfaceMember { .forward(snakeCase(field), engine.fieldType(field)) }

    public var members: [InterfaceMember] { fields.map { self[$0] } }
}

extension PortGroup where I == DescriptorBus {
    /// The signal of `field`.
    public subscript(field: DescriptorField) -> Signal { self[\.[field]] }
}

extension ModuleBuilder {
    /// Drives each field of a unit's descriptor inputs from the same field of `descriptor`.
    func feed(_ unit: PortGroup<DescriptorBus>, from descriptor: PortGroup<DescriptorBus>,
              file: StaticString = #fileID, line: UInt = #line) {
        for field in unit.interface.fields { connect(unit[field], to: descriptor[field], file: file, line: line) }
    }
}
