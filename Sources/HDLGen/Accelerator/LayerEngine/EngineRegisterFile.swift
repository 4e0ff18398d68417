/// The engine's register file (map in `EngineRegister`): the host's registers, the descriptor
/// table the fetch reads, and each layer's cycle count, written as the layer completes.
///
/// Ports: the register port (`reg_*`, slave); `busy`, `done` and `cycles` for the status
/// words; `cycle_write`, `cycle_slot`, `cycle_value` to record a layer's cycles;
/// `descriptor_address` in, `descriptor_word` out (read combinationally); `start` pulses when
/// the host starts an idle engine; `layer_count`, `first_layer`, `base_address`, `image_offset`
/// as written.
struct EngineRegisterFile: Module {
    let engine: LayerEngine

    var name: String { "\(engine.name)_registers" }
    var summary: String { "register file of the \(engine.summary)" }

    func build(_ m: ModuleBuilder) throws {
        let c = engine.configuration
        let reg = m.port(engine.registerPort, prefix: "reg", as: .slave)
        let busy = m.input("busy", .bool), done = m.input("done", .bool)
        let cycles = m.input("cycles", .uint(48))
        let slotWidth = ceilLog2(c.layerSlots), descriptorAddressWidth = c.registerAddressWidth - 1
        let cycleWrite = m.input("cycle_write", .bool), cycleSlot = m.input("cycle_slot", .uint(slotWidth))
        let cycleValue = m.input("cycle_value", .uint(32))
        let descriptorAddress = m.input("descriptor_address", .uint(descriptorAddressWidth))

        let descriptors = m.memory("descriptors", .uint(32), depth: 1 << descriptorAddressWidth)
        let layerCycles = m.memory("layer_cycles", .uint(32), depth: c.layerSlots)
        let layerCount = m.register("layer_count_q", .uint(engine.layerWidth), reset: 0)
        let firstLayer = m.register("first_layer_q", .uint(engine.layerWidth), reset: 0)
        let baseAddress = m.register("base_address_q", .uint(32), reset: 0)
        let imageOffset = m.register("image_offset_q", .uint(c.addressWidth), reset: 0)
        m.when(reg.write) {
            m.when(reg.address.bit(c.registerAddressWidth - 1)) {
                m.write(descriptors, address: reg.address.bits(descriptorAddressWidth - 1, 0), data: reg.writeData)
            }
            m.when(reg.address == EngineRegister.layerCount) { m.connect(layerCount, to: reg.writeData.bits(engine.layerWidth - 1, 0)) }
            m.when(reg.address == EngineRegister.firstLayer) { m.connect(firstLayer, to: reg.writeData.bits(engine.layerWidth - 1, 0)) }
            m.when(reg.address == EngineRegister.baseAddress) { m.connect(baseAddress, to: reg.writeData) }
            m.when(reg.address == EngineRegister.imageOffset) { m.connect(imageOffset, to: reg.writeData.bits(c.addressWidth - 1, 0)) }
        }
        m.when(cycleWrite) { m.write(layerCycles, address: cycleSlot, data: cycleValue) }

        var readData = Signal.constant(0, .uint(32))
        let inCycleTable = (reg.address >= EngineRegister.layerCycles) & (reg.address < EngineRegister.layerCycles + c.layerSlots)
        let cycleSlotRead = (reg.address - EngineRegister.layerCycles).truncated(to: slotWidth).asUInt
        readData = m.mux(inCycleTable, layerCycles.read(cycleSlotRead), readData)
        let registers: [(Int, Signal)] = [
            (EngineRegister.status, .concatenation([.constant(0, .uint(30)), done, busy])),
            (EngineRegister.layerCount, layerCount.resized(to: 32)),
            (EngineRegister.cyclesLow, cycles.bits(31, 0)),
            (EngineRegister.cyclesHigh, cycles.bits(47, 32).resized(to: 32)),
            (EngineRegister.baseAddress, baseAddress),
            (EngineRegister.imageOffset, imageOffset.resized(to: 32)),
            (EngineRegister.firstLayer, firstLayer.resized(to: 32)),
        ]
        for (address, value) in registers { readData = m.mux(reg.address == address, value, readData) }
        m.connect(reg.readData, to: readData)

        m.output("start", reg.write & (reg.address == EngineRegister.control) & reg.writeData.bit(0) & !busy)
        m.output("descriptor_word", descriptors.read(descriptorAddress))
        m.output("layer_count", layerCount)
        m.output("first_layer", firstLayer)
        m.output("base_address", baseAddress)
        m.output("image_offset", imageOffset)
    }
}
