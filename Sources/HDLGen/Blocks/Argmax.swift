/// The argmax of `lanes` signed scores of `wordlength` bits, combinational: the best score
/// and its class index, ties to the lowest index. Lane i holds class `base + i`; a class at
/// or past `classes` counts as the minimum score, so the padding of a partial last line of
/// scores never beats a real class.
///
/// Ports: `scores` (K elements), `base` → `best`, `best_index`. `base + K − 1` must fit
/// `indexWidth` bits (it does for every line of C classes).
public struct Argmax: Module {
    public let lanes: Int
    public let wordlength: Int
    public let classes: Int

    public init(lanes: Int, wordlength: Int, classes: Int) throws {
        try UnitParameterError.check("argmax", "lanes", lanes, in: 1...1024)
        try UnitParameterError.check("argmax", "wordlength", wordlength, in: 2...32)
        try UnitParameterError.check("argmax", "classes", classes, in: 1...65536)
        self.lanes = lanes
        self.wordlength = wordlength
        self.classes = classes
    }

    public var name: String { "argmax_k\(lanes)_w\(wordlength)_c\(classes)" }
    public var summary: String { "argmax of \(lanes) scores of \(wordlength) bits over \(classes) classes, ties to the lowest" }
    /// Lines of K scores that hold C classes: ⌈C / K⌉.
    public var lines: Int { (classes + lanes - 1) / lanes }
    /// Bits of a class index: every lane of every line, up to ⌈C / K⌉·K.
    public var indexWidth: Int { bitsToHold(lines * lanes) }

    public func build(_ m: ModuleBuilder) throws {
        let scores = m.input("scores", .sint(wordlength), count: lanes)
        let base = m.input("base", .uint(indexWidth))
        let minimum = Signal.constant(-(1 << (wordlength - 1)), .sint(wordlength))
        let candidates = scores.enumerated().map { lane, score in
            // Exact: base + lane fits indexWidth bits by the contract on `base`.
            let index = (base + lane).truncated(to: indexWidth)
            return RankedScore(value: m.mux(index < classes, score, minimum), index: index)
        }
        let best = m.selectInOrder(candidates, keep: 1)[0]
        m.output("best", best.value)
        m.output("best_index", best.index)
    }

    /// The golden model: the best of `scores` (lane i for class `base + i`, masked to the
    /// minimum past C) and its index, ties to the lowest.
    public func best(of scores: [Int], base: Int) -> (value: Int, index: Int) {
        let minimum = -(1 << (wordlength - 1))
        var best = (value: Int.min, index: 0)
        for (lane, score) in scores.enumerated() {
            let value = base + lane < classes ? score : minimum
            if value > best.value { best = (value, base + lane) }
        }
        return best
    }
}
