/// Hands the sums of a group of Q output columns to the requantiser one column per cycle:
/// column 0's as the MM units finish, the others held and shifted out after it, the group's
/// `lanes` columns in all. The engine's groups last at least Q cycles, so a group has
/// drained before the next one's sums arrive.
///
/// Ports: `done` (the MM units'), `acc_0` … `acc_{Q−1}` (each MM unit's P accumulators),
/// `lanes` (the group's columns, with `done`); `valid`, `sums` (one column's P accumulators).
struct ColumnDrain: Module {
    let engine: LayerEngine

    var name: String { "\(engine.name)_drain" }
    var summary: String { "column drain of the \(engine.summary)" }

    func build(_ m: ModuleBuilder) throws {
        let c = engine.configuration, q = c.columns, sums = SignalType.uint(c.pes * c.accumulatorWidth)
        let done = m.input("done", .bool)
        let columns = (0..<q).map { j in m.input("acc_\(j)", sums) }
        let lanes = m.input("lanes", .uint(bitsToHold(q)))
        let held = (1..<q).map { j in m.register("held_\(j)", sums) }
        let remaining = m.register("remaining", .uint(bitsToHold(q)), reset: 0)
        m.when(done) {
            for (j, column) in held.enumerated() { m.connect(column, to: columns[j + 1]) }
            m.connect(remaining, to: (lanes - 1).truncated(to: bitsToHold(q)).asUInt)
        } otherwise: {
            m.when(remaining != 0) {
                for j in held.indices.dropLast() { m.connect(held[j], to: held[j + 1]) }
                m.decrement(remaining)
            }
        }
        m.output("valid", done | (remaining != 0))
        m.output("sums", m.mux(done, columns[0], held[0]))
    }
}
