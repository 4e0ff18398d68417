/// Turns each PE's window sum into an output word: adds the stored bias (which carries the
/// rounding constant, `EngineConfiguration.storedBias`), shifts right by the run-time `shift`
/// field (the requantisation's shift plus `shiftOffset`, of the sum widened by that offset),
/// saturates to w bits and, when `relu` is set, clamps negative words to zero.
///
/// Ports: `valid` and `acc` (P accumulators, from the MM unit), `bias` (P stored biases),
/// `shift`, `relu` (the layer's: read a cycle after `acc`); `word_valid` and `words` (P
/// words) two cycles after `valid`.
struct Requantiser: Module {
    let engine: LayerEngine

    var name: String { "\(engine.name)_requantiser" }
    var summary: String { "requantiser of the \(engine.summary)" }
    /// Cycles from `valid` to `word_valid`: the bias-added sums, then the words.
    static let latency = 2

    func build(_ m: ModuleBuilder) throws {
        let c = engine.configuration, w = c.wordlength
        let valid = m.input("valid", .bool)
        let accumulators = m.input("acc", .sint(c.accumulatorWidth), count: c.pes)
        let biases = m.input("bias", .sint(c.biasWidth), count: c.pes)
        let shift = m.input("shift", engine.fieldType(.shift)), relu = m.input("relu", .bool)
        let sumValid = m.register("sum_valid", next: valid, reset: 0)
        let sums = (0..<c.pes).map { p in m.register("sum_\(p)", next: accumulators[p] + biases[p]) }
        let zero = Signal.constant(0, .sint(w))
        let words = (0..<c.pes).map { p -> Signal in
            let shifted = sums[p].shiftedLeft(by: c.shiftOffset).shiftedRight(by: shift)
            let saturated = shifted.saturated(to: w)
            let rectified = m.mux(relu & (saturated < 0), zero, saturated)
            return m.register("word_\(p)", next: rectified)
        }
        m.output("word_valid", m.register("word_valid_q", next: sumValid, reset: 0))
        m.output("words", words)
    }

}
