/// Adds each output position's sums to those the input-channel chunks before it left there:
/// the partial-sum buffer holds every tile's P sums per position of a band, in the order the
/// engine produces them, from one chunk of a layer to the next. Every chunk's sums go on (so
/// the tile sequencing is the same in each); only the last chunk's are whole.
///
/// Ports: `clear` (a chunk starts: its first position next); `valid`, `acc` (one position's
/// P sums), and with them `first` and `last` (the chunk is its band's first, last);
/// `sum_valid` and `sums` (P sums) a cycle after `valid`, the earlier chunks' added.
struct PartialSums: Module {
    let engine: LayerEngine

    var name: String { "\(engine.name)_partial_sums" }
    var summary: String { "partial-sum buffer of the \(engine.summary)" }
    /// Cycles from `valid` to `sum_valid`.
    static let latency = 1

    func build(_ m: ModuleBuilder) throws {
        let c = engine.configuration, a = c.accumulatorWidth
        // LayerEngine.init checked that an engine with partial sums has a buffer depth.
        let depth = c.partialSumDepth!
        let clear = m.input("clear", .bool), first = m.input("first", .bool), last = m.input("last", .bool)
        let valid = m.input("valid", .bool)
        let accumulators = m.input("acc", .sint(a), count: c.pes)
        let buffer = m.memory("partial_sum_buffer", .uint(c.pes * a), depth: depth, style: .block)
        let entry = m.register("entry", .uint(ceilLog2(depth)), reset: 0)
        m.when(valid) { m.increment(entry) }
        m.when(clear) { m.assign(entry, 0) }
        let stored = m.register("stored", next: buffer.read(entry))
        let sumValid = m.register("sum_valid_q", next: valid, reset: 0)
        let storedEntry = m.register("stored_entry", next: entry)
        // The chunk's flags as they were with the sums.
        let firstChunk = m.register("first_q", next: first), lastChunk = m.register("last_q", next: last)
        let zero = Signal.constant(0, .sint(a))
        let sums = (0..<c.pes).map { p -> Signal in
            let held = m.register("acc_\(p)", next: accumulators[p])
            let before = m.mux(firstChunk, zero, stored.bits((p + 1) * a - 1, p * a).asSInt)
            return m.wire("sum_\(p)", (held + before).truncated(to: a))
        }
        m.when(sumValid & !lastChunk) {
            m.write(buffer, address: storedEntry, data: .concatenation(sums.reversed().map(\.asUInt)))
        }
        m.output("sum_valid", sumValid)
        m.output("sums", sums)
    }
}
