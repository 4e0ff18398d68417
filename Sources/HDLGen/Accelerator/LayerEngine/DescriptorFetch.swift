/// Reads a layer's descriptor from the register file, one word per cycle while `fetching`,
/// into the registers that hold it for the whole layer.
///
/// Ports: `fetching` and `restart` (back to field 0, for the next layer); `word`, the
/// descriptor word at `field_index`; `last_field` in the cycle that reads the last one; the
/// fields (`descriptor_*`, `DescriptorBus`, master).
struct DescriptorFetch: Module {
    let engine: LayerEngine

    var name: String { "\(engine.name)_fetch" }
    var summary: String { "descriptor fetch of the \(engine.summary)" }

    /// Bits of a field index: a descriptor's stride in the register file.
    static let fieldIndexWidth = ceilLog2(EngineRegister.descriptorStride)

    func build(_ m: ModuleBuilder) throws {
        let fetching = m.input("fetching", .bool), restart = m.input("restart", .bool)
        let word = m.input("word", .uint(32))
        let descriptor = m.port(DescriptorBus(engine: engine), prefix: "descriptor", as: .master)
        let fieldIndex = m.register("field_index_q", .uint(Self.fieldIndexWidth), reset: 0)
        m.when(restart) { m.assign(fieldIndex, 0) }
        m.when(fetching) { m.increment(fieldIndex) }
        for field in DescriptorField.allCases {
            let register = m.register(snakeCase(field), engine.fieldType(field))
            m.when(fetching & (fieldIndex == field.index)) {
                m.connect(register, to: word.bits(register.width - 1, 0).reinterpreted(signed: false))
            }
            m.connect(descriptor[field], to: register)
        }
        m.output("field_index", fieldIndex)
        m.output("last_field", fieldIndex + 1 == DescriptorField.allCases.count)
    }
}
