extension LayerEngine {
    /// The engine's memory port (`mem_*`), which it masters.
    public var memoryPort: MemoryPort { MemoryPort(lineWidth: lineWidth, addressWidth: addressWidth) }
    /// The engine's register port (`reg_*`), a slave of the host.
    public var registerPort: RegisterPort { RegisterPort(addressWidth: registerAddressWidth) }
}

extension CascadeTop {
    /// Each engine's memory port on the top (`lpu_mem_*`, `hpu_mem_*`): the engines' own.
    public var memoryPort: MemoryPort { lpu.memoryPort }
    /// The top's register port (`reg_*`): the engines' with two more address bits.
    public var registerPort: RegisterPort { RegisterPort(addressWidth: registerAddressWidth) }
}
