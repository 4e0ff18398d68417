/// The on-the-fly im2col: from `start`, one beat per cycle, the activation-buffer line that
/// each beat of each output position's window reads, sweeping kernel columns, kernel rows,
/// channel groups, then output columns and rows. A tap in the padding is marked outside
/// (it reads zero); `first` and `last` mark a window's beats.
///
/// Ports: `start`; the layer's geometry (`descriptor_*`, `DescriptorBus`, slave); out, one
/// cycle after the counters: `valid`, `in_bounds`, `address`, `beat_index`, `first`,
/// `last`.
struct Im2colAddressGenerator: Module {
    let engine: LayerEngine

    var name: String { "\(engine.name)_im2col" }
    var summary: String { "im2col address generator of the \(engine.summary)" }

    static let fields: [DescriptorField] = [.inputGroups, .inputHeight, .inputWidth, .kernelHeight, .kernelWidth,
                                            .strideY, .strideX, .dilationY, .dilationX, .padTop, .padLeft,
                                            .beats, .outputHeight, .outputWidth]

    func build(_ m: ModuleBuilder) throws {
        let c = engine.configuration, dimensionWidth = engine.dimensionWidth
        let start = m.input("start", .bool)
        let d = m.port(DescriptorBus(engine: engine, fields: Self.fields), prefix: "descriptor", as: .slave)
        let inputArea = m.register("input_area", next: (d[.inputHeight] * d[.inputWidth]).truncated(to: bitsToHold(engine.activationDepth)))

        let issuing = m.register("issuing", .bool, reset: 0)
        let coordinateWidth = engine.coordinateWidth
        let outY = m.register("out_y", .uint(dimensionWidth)), outX = m.register("out_x", .uint(dimensionWidth))
        let originY = m.register("origin_y", .sint(coordinateWidth)), originX = m.register("origin_x", .sint(coordinateWidth))
        let kernelY = m.register("kernel_y", .uint(dimensionWidth)), kernelX = m.register("kernel_x", .uint(dimensionWidth))
        let tapY = m.register("tap_y", .uint(dimensionWidth)), tapX = m.register("tap_x", .uint(dimensionWidth))
        let group = m.register("group", .uint(dimensionWidth))
        let groupBase = m.register("group_base", .uint(bitsToHold(engine.activationDepth)))
        let beat = m.counter("window_beat", limit: d[.beats])
        let y = m.wire("tap_row", (originY + tapY).truncated(to: coordinateWidth + 1))
        let x = m.wire("tap_column", (originX + tapX).truncated(to: coordinateWidth + 1))
        let inside = m.wire("tap_inside", (y >= 0) & (y < d[.inputHeight]) & (x >= 0) & (x < d[.inputWidth]))
        let address = (groupBase + y * d[.inputWidth] + x).truncated(to: ceilLog2(engine.activationDepth)).asUInt
        m.when(issuing) {
            beat.advance()
            m.when(kernelX + 1 == d[.kernelWidth]) {
                m.assign(kernelX, 0); m.assign(tapX, 0)
                m.when(kernelY + 1 == d[.kernelHeight]) {
                    m.assign(kernelY, 0); m.assign(tapY, 0)
                    m.when(group + 1 == d[.inputGroups]) {
                        m.assign(group, 0); m.assign(groupBase, 0)
                        m.when(outX + 1 == d[.outputWidth]) {
                            m.assign(outX, 0); m.connect(originX, to: engine.negated(d[.padLeft]))
                            m.when(outY + 1 == d[.outputHeight]) {
                                m.assign(outY, 0); m.assign(issuing, 0)
                            } otherwise: {
                                m.increment(outY); m.increment(originY, by: d[.strideY])
                            }
                        } otherwise: {
                            m.increment(outX); m.increment(originX, by: d[.strideX])
                        }
                    } otherwise: {
                        m.increment(group); m.increment(groupBase, by: inputArea)
                    }
                } otherwise: {
                    m.increment(kernelY); m.increment(tapY, by: d[.dilationY])
                }
            } otherwise: {
                m.increment(kernelX); m.increment(tapX, by: d[.dilationX])
            }
        }
        m.when(start) {
            m.assign(issuing, 1)
            beat.clear()
            m.assign(outY, 0); m.assign(outX, 0); m.assign(kernelY, 0); m.assign(kernelX, 0); m.assign(tapY, 0); m.assign(tapX, 0)
            m.assign(group, 0); m.assign(groupBase, 0)
            m.connect(originY, to: engine.negated(d[.padTop]))
            m.connect(originX, to: engine.negated(d[.padLeft]))
        }
        m.output("valid", m.register("issue_valid", next: issuing, reset: 0))
        m.output("in_bounds", m.register("issue_in_bounds", next: inside))
        m.output("address", m.register("issue_address", next: address))
        // A window has at most maxWindow beats: the index fits its buffer's address.
        m.output("beat_index", m.register("issue_beat", next: beat.value.truncated(to: ceilLog2(c.maxWindow))))
        m.output("first", m.register("issue_first", next: beat.value == 0))
        m.output("last", m.register("issue_last", next: beat.last))
    }
}
