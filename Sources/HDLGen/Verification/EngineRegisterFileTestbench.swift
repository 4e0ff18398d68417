extension EngineRegisterFile {
    /// The inputs of one cycle: a host access on the register port (a read when not
    /// `write`), the engine's status, a layer's cycle count to record, and the descriptor
    /// word the fetch reads.
    struct Cycle {
        var write = false, address = 0, writeData = 0
        var busy = false, done = false, cycles = 0
        var cycleWrite = false, cycleSlot = 0, cycleValue = 0
        var descriptorAddress = 0
    }

    static let checkedPorts = ["reg_read_data", "start", "descriptor_word", "layer_count", "first_layer", "base_address",
                               "image_offset"]

    /// The outputs the register map (`EngineRegister`) gives in each cycle, written as a table
    /// of the host's view: reads see the registers as written so far (a field keeps the bits
    /// its width holds), the status and cycle count of this cycle, a layer's recorded cycles;
    /// every other address, descriptors included, reads zero. Nil where an output would show
    /// a memory word nobody has written yet.
    func expectedOutputs(_ cycles: [Cycle]) -> [[[Int]]?] {
        let c = engine.configuration
        let layerMask = (1 << engine.layerWidth) - 1, offsetMask = (1 << c.addressWidth) - 1, wordMask = (1 << 32) - 1
        var descriptors = [Int?](repeating: nil, count: c.descriptorBase)
        var layerCycles = [Int?](repeating: nil, count: c.layerSlots)
        var layerCount = 0, firstLayer = 0, baseAddress = 0, imageOffset = 0
        return cycles.map { x in
            let read: Int?
            switch x.address {
            case EngineRegister.status: read = (x.done ? 2 : 0) | (x.busy ? 1 : 0)
            case EngineRegister.layerCount: read = layerCount
            case EngineRegister.firstLayer: read = firstLayer
            case EngineRegister.cyclesLow: read = x.cycles & wordMask
            case EngineRegister.cyclesHigh: read = x.cycles >> 32
            case EngineRegister.baseAddress: read = baseAddress
            case EngineRegister.imageOffset: read = imageOffset
            case EngineRegister.layerCycles..<(EngineRegister.layerCycles + c.layerSlots):
                read = layerCycles[x.address - EngineRegister.layerCycles]
            default: read = 0
            }
            let start = x.write && x.address == EngineRegister.control && x.writeData & 1 == 1 && !x.busy
            let outputs: [[Int]]? = read.flatMap { read in
                descriptors[x.descriptorAddress].map { [[read], [start ? 1 : 0], [$0], [layerCount], [firstLayer], [baseAddress], [imageOffset]] }
            }
            if x.write {
                switch x.address {
                case EngineRegister.layerCount: layerCount = x.writeData & layerMask
                case EngineRegister.firstLayer: firstLayer = x.writeData & layerMask
                case EngineRegister.baseAddress: baseAddress = x.writeData
                case EngineRegister.imageOffset: imageOffset = x.writeData & offsetMask
                case c.descriptorBase...: descriptors[x.address - c.descriptorBase] = x.writeData
                default: break
                }
            }
            if x.cycleWrite { layerCycles[x.cycleSlot] = x.cycleValue }
            return outputs
        }
    }

    /// The host fills the descriptor table word by word (reading each word back through the
    /// fetch's port a cycle later) while the engine records every layer's cycles; then starts
    /// (idle, busy, without bit 0) and the largest values; random accesses, mostly to the
    /// registers and the edges of the map; then a read of every address.
    func stimulus(randomCycles: Int, seed: UInt64) -> [Cycle] {
        let c = engine.configuration, addresses = 1 << c.registerAddressWidth
        var random = SeededGenerator(seed: seed)
        func word() -> Int { [0, (1 << 32) - 1, Int.random(in: 0..<(1 << 32), using: &random)].randomElement(using: &random)! }
        var cycles: [Cycle] = (0..<c.descriptorBase).map { e in
            var x = Cycle(write: true, address: c.descriptorBase + e, writeData: word(), descriptorAddress: max(0, e - 1))
            if e < c.layerSlots { x.cycleWrite = true; x.cycleSlot = e; x.cycleValue = word() }
            return x
        }
        // Starts while idle and while busy, a control word without bit 0, the largest values.
        let top = (1 << 32) - 1
        cycles += [Cycle(write: true, address: EngineRegister.control, writeData: 1),
                   Cycle(write: true, address: EngineRegister.control, writeData: top, busy: true),
                   Cycle(write: true, address: EngineRegister.control, writeData: 2),
                   Cycle(write: true, address: EngineRegister.status, writeData: top, done: true)]
        for address in [EngineRegister.layerCount, EngineRegister.firstLayer, EngineRegister.baseAddress, EngineRegister.imageOffset] {
            cycles += [Cycle(write: true, address: address, writeData: top), Cycle(address: address, cycles: (1 << 48) - 1)]
        }
        let registers = [EngineRegister.control, EngineRegister.status, EngineRegister.layerCount, EngineRegister.cyclesLow,
                         EngineRegister.cyclesHigh, EngineRegister.baseAddress, EngineRegister.imageOffset,
                         EngineRegister.firstLayer, EngineRegister.firstLayer + 1, EngineRegister.layerCycles - 1, EngineRegister.layerCycles,
                         EngineRegister.layerCycles + c.layerSlots - 1, EngineRegister.layerCycles + c.layerSlots,
                         c.descriptorBase - 1, c.descriptorBase, addresses - 1]
        for _ in 0..<randomCycles {
            var x = Cycle()
            x.write = Bool.random(using: &random)
            x.address = Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 0..<addresses, using: &random)
                : registers.randomElement(using: &random)!
            x.writeData = Int.random(in: 0..<3, using: &random) == 0 ? Int.random(in: 0...3, using: &random) : word()
            x.busy = Bool.random(using: &random); x.done = Bool.random(using: &random)
            x.cycles = [0, (1 << 48) - 1, Int.random(in: 0..<(1 << 48), using: &random)].randomElement(using: &random)!
            x.cycleWrite = Int.random(in: 0..<4, using: &random) == 0
            x.cycleSlot = Int.random(in: 0..<c.layerSlots, using: &random); x.cycleValue = word()
            x.descriptorAddress = Int.random(in: 0..<c.descriptorBase, using: &random)
            cycles.append(x)
        }
        for address in 0..<addresses {
            cycles.append(Cycle(address: address, cycles: address << 20, descriptorAddress: address % c.descriptorBase))
        }
        return cycles
    }

    /// The RTL, wrapped to be sampled, with a testbench that drives `cycles` and checks every
    /// output in every cycle against `expectedOutputs`.
    func simulationBundle(_ cycles: [Cycle]) throws -> SimulationBundle {
        let stimulus: [String: [[Int]]] = [
            "reg_write": cycles.map { [$0.write ? 1 : 0] }, "reg_address": cycles.map { [$0.address] },
            "reg_write_data": cycles.map { [$0.writeData] }, "busy": cycles.map { [$0.busy ? 1 : 0] },
            "done": cycles.map { [$0.done ? 1 : 0] }, "cycles": cycles.map { [$0.cycles] },
            "cycle_write": cycles.map { [$0.cycleWrite ? 1 : 0] }, "cycle_slot": cycles.map { [$0.cycleSlot] },
            "cycle_value": cycles.map { [$0.cycleValue] }, "descriptor_address": cycles.map { [$0.descriptorAddress] },
        ]
        return try .sampled(self, stimulus: stimulus, ports: Self.checkedPorts, expected: expectedOutputs(cycles))
    }
}
