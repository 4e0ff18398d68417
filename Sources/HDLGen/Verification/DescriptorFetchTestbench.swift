extension DescriptorFetch {
    /// The inputs of one cycle: the engine fetches, or restarts at field 0; the register file's word.
    struct Cycle {
        var fetching = false, restart = false, word = 0
    }

    static var checkedPorts: [String] {
        ["field_index", "last_field"] + DescriptorField.allCases.map { "descriptor_\(snakeCase($0))" }
    }

    /// The outputs in each cycle: the index of the field the fetch reads (one on per fetching
    /// cycle, modulo a descriptor's stride; zero after a restart), whether it is the last
    /// field, and each field as last read at its index, kept to the bits its width holds.
    /// Nil until every field has been read once.
    func expectedOutputs(_ cycles: [Cycle]) -> [[[Int]]?] {
        let fields = DescriptorField.allCases
        var index = 0, values = [Int?](repeating: nil, count: fields.count)
        return cycles.map { x in
            let known = values.allSatisfy { $0 != nil }
            let outputs = known ? [[index], [index + 1 == fields.count ? 1 : 0]] + values.map { [$0!] } : nil
            if x.fetching {
                if index < fields.count { values[index] = x.word & ((1 << engine.fieldType(fields[index]).width) - 1) }
                index = (index + 1) % EngineRegister.descriptorStride
            } else if x.restart { index = 0 }
            return outputs
        }
    }

    /// Descriptors fetched whole, in one burst and with pauses, restarts part-way, a fetch
    /// that runs past the last field and wraps; words drawn from 0, all ones and random.
    func stimulus(descriptors: Int, seed: UInt64) -> [Cycle] {
        var random = SeededGenerator(seed: seed)
        func word() -> Int { [0, (1 << 32) - 1, Int.random(in: 0..<(1 << 32), using: &random)].randomElement(using: &random)! }
        var cycles = [Cycle(restart: true)]
        let count = DescriptorField.allCases.count
        for d in 0..<descriptors {
            let fields = d == 1 ? EngineRegister.descriptorStride + 3 : d % 3 == 2 ? Int.random(in: 1..<count, using: &random) : count
            for _ in 0..<fields {
                if d % 2 == 1 { cycles += (0..<Int.random(in: 0...1, using: &random)).map { _ in Cycle(word: word()) } }
                cycles.append(Cycle(fetching: true, word: word()))
            }
            cycles += [Cycle(word: word()), Cycle(restart: true, word: word())]
        }
        return cycles
    }

    /// The RTL, wrapped to be sampled, with a testbench that drives `cycles` and checks every
    /// output in every cycle against `expectedOutputs`.
    func simulationBundle(_ cycles: [Cycle]) throws -> SimulationBundle {
        let stimulus: [String: [[Int]]] = ["fetching": cycles.map { [$0.fetching ? 1 : 0] },
                                           "restart": cycles.map { [$0.restart ? 1 : 0] }, "word": cycles.map { [$0.word] }]
        return try .sampled(self, stimulus: stimulus, ports: Self.checkedPorts, expected: expectedOutputs(cycles))
    }
}
