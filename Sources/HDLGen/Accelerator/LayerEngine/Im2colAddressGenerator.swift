/// The on-the-fly im2col: from `start`, one beat per cycle, the activation-buffer line that
/// each beat of each output position's window reads, sweeping kernel columns, kernel rows,
/// channel groups, then output columns and rows. A tap in the padding is marked outside
/// (it reads zero); `first` and `last` mark a window's beats.
///
/// An engine of Q > 1 columns sweeps groups of Q neighbouring columns of an output row (the
/// last group of a row holds the rest, `lanes` of them): one line per column per beat, the
/// columns a stride apart. It waits Q − beats cycles between groups whose windows are
/// shorter than Q beats, so that the engine stores each group's Q positions before the next.
///
/// Ports: `start`; the layer's geometry (`descriptor_*`, `DescriptorBus`, slave); out, one
/// cycle after the counters: `valid`, `in_bounds` and `address` (one per column), `lanes`
/// (Q > 1: the group's columns), `beat_index`, `first`, `last`.
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
        let q = c.columns, rowBase = m.wire("tap_row_base", groupBase + y * d[.inputWidth])
        // Column j of the group reads j strides to the right of column 0.
        let columnX = (0..<q).map { j in j == 0 ? x : m.wire("tap_column_\(j)", x + Self.multiple(d[.strideX], j)) }
        let inside = columnX.enumerated().map { j, x in
            m.wire(q == 1 ? "tap_inside" : "tap_inside_\(j)",
                   (y >= 0) & (y < d[.inputHeight]) & (x >= 0) & (x < d[.inputWidth]))
        }
        let addresses = columnX.map { x in (rowBase + x).truncated(to: ceilLog2(engine.activationDepth)).asUInt }
        let groupStride = q == 1 ? d[.strideX] : m.wire("group_stride", Self.multiple(d[.strideX], q))
        let stepping = q == 1 ? issuing : pausingBetweenGroups(issuing: issuing, start: start, beat: beat, d, m)
        m.when(stepping) {
            beat.advance()
            m.when(kernelX + 1 == d[.kernelWidth]) {
                m.assign(kernelX, 0); m.assign(tapX, 0)
                m.when(kernelY + 1 == d[.kernelHeight]) {
                    m.assign(kernelY, 0); m.assign(tapY, 0)
                    m.when(group + 1 == d[.inputGroups]) {
                        m.assign(group, 0); m.assign(groupBase, 0)
                        m.when(outX + q >= d[.outputWidth]) {
                            m.assign(outX, 0); m.connect(originX, to: engine.negated(d[.padLeft]))
                            m.when(outY + 1 == d[.outputHeight]) {
                                m.assign(outY, 0); m.assign(issuing, 0)
                            } otherwise: {
                                m.increment(outY); m.increment(originY, by: d[.strideY])
                            }
                        } otherwise: {
                            m.increment(outX, by: .constant(q, .smallest(holding: q, signed: false)))
                            m.increment(originX, by: groupStride)
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
        m.output("valid", m.register("issue_valid", next: stepping, reset: 0))
        if q == 1 {
            m.output("in_bounds", m.register("issue_in_bounds", next: inside[0]))
            m.output("address", m.register("issue_address", next: addresses[0]))
        } else {
            m.output("in_bounds", inside.enumerated().map { j, inside in m.register("issue_in_bounds_\(j)", next: inside) })
            m.output("address", addresses.enumerated().map { j, address in m.register("issue_address_\(j)", next: address) })
            // The columns of the group: Q, or what is left of the row.
            let left = (d[.outputWidth] - outX).truncated(to: bitsToHold(q)).asUInt
            let lanes = m.mux(outX + q > d[.outputWidth], left, .constant(q, .uint(bitsToHold(q))))
            m.output("lanes", m.register("issue_lanes", next: lanes))
        }
        // A window has at most maxWindow beats: the index fits its buffer's address.
        m.output("beat_index", m.register("issue_beat", next: beat.value.truncated(to: ceilLog2(c.maxWindow))))
        m.output("first", m.register("issue_first", next: beat.value == 0))
        m.output("last", m.register("issue_last", next: beat.last))
    }

    /// `value` · `n` (n ≥ 1) as a sum of shifts, so that synthesis spends no multiplier on it.
    static func multiple(_ value: Signal, _ n: Int) -> Signal {
        let terms = (0..<Int.bitWidth).filter { n >> $0 & 1 == 1 }.map { value.shiftedLeft(by: $0) }
        return terms.dropFirst().reduce(terms[0], +)
    }

    /// Whether the sweep moves on this cycle: after a group's last beat it waits Q − beats
    /// cycles when its windows are shorter than Q beats (an engine of Q > 1 columns).
    private func pausingBetweenGroups(issuing: Signal, start: Signal, beat: Counter, _ d: PortGroup<DescriptorBus>,
                                      _ m: ModuleBuilder) -> Signal {
        let q = engine.configuration.columns, type = SignalType.uint(bitsToHold(q))
        let pause = m.register("pause", type, reset: 0)
        let stepping = m.wire("stepping", issuing & (pause == 0))
        m.when(issuing & (pause != 0)) { m.decrement(pause) }
        m.when(stepping & beat.last) {
            m.connect(pause, to: m.mux(d[.beats] < q, (Signal.constant(q, type) - d[.beats]).truncated(to: type.width).asUInt,
                                       .constant(0, type)))
        }
        m.when(start) { m.assign(pause, 0) }
        return stepping
    }
}
