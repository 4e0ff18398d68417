/// MM unit: `pes` processing elements share one broadcast activation vector of `maccs`
/// elements per cycle; each PE has its own `maccs` weights, so a beat computes P dot products.
/// `mix` says which PEs multiply on DSP48s, packed DSP48s (pairs) or LUTs; the sums do not depend on it.
///
/// Ports: `a` (K elements), `w` (P·K elements, PE p's weights at p·K … p·K+K-1), `valid`,
/// `first`, `last`; `acc` (P accumulators) and `done`. One vector per cycle sustained, with
/// no bubble between windows. Latency as the PE's: 2 + ceil(log2 K).
public struct MatrixMultiplyUnit: Module {
    public let wordlength: Int
    public let pes: Int
    public let maccs: Int
    public let maxWindow: Int
    public let mix: MultiplierMix

    /// `mix` defaults to every PE on DSP48s, one product each.
    public init(wordlength: Int, pes: Int, maccs: Int, maxWindow: Int = 4096, mix: MultiplierMix? = nil) throws {
        try UnitParameterError.check("MM unit", "wordlength", wordlength, in: 2...16)
        try UnitParameterError.check("MM unit", "pes", pes, in: 1...1024)
        try UnitParameterError.check("MM unit", "maccs", maccs, in: 1...1024)
        try UnitParameterError.check("MM unit", "maxWindow", maxWindow, in: 1...(1 << 24))
        let mix = mix ?? .dsp(pes)
        try mix.check(pes: pes, wordlength: wordlength)
        self.wordlength = wordlength
        self.pes = pes
        self.maccs = maccs
        self.maxWindow = maxWindow
        self.mix = mix
    }

    /// The PE of `mapping` (a DSP PE by default); every mapping has the same latency and widths.
    public func processingElement(_ mapping: MultiplierMapping = .dsp) -> ProcessingElement {
        // The parameters were checked by init, the mix's wordlength too.
        try! ProcessingElement(wordlength: wordlength, maccs: maccs, maxWindow: maxWindow, mapping: mapping)
    }

    public var name: String { "mm_w\(wordlength)_p\(pes)_k\(maccs)_n\(maxWindow)" + mix.nameSuffix(pes: pes) }
    public var summary: String {
        "matrix-multiply unit, \(pes) PEs x \(maccs) MACCs at \(wordlength) bits, latency \(latency)"
            + (mix == .dsp(pes) ? "" : " (\(mix))")
    }
    public var latency: Int { processingElement().latency }
    public var accumulatorWidth: Int { processingElement().accumulatorWidth }

    public func build(_ m: ModuleBuilder) throws {
        let a = m.input("a", .sint(wordlength), count: maccs)
        let w = m.input("w", .sint(wordlength), count: pes * maccs)
        let valid = m.input("valid", .bool)
        let first = m.input("first", .bool)
        let last = m.input("last", .bool)

        var accumulators: [Signal] = []
        var done: Signal?
        for mapping in mix.units {
            let p = accumulators.count, count = mapping.processingElements
            let pe = try m.instance(processingElement(mapping), name: count == 1 ? "pe_\(p)" : "pe_\(p)_\(p + 1)")
            m.connect(pe.port("a"), toElements: a)
            m.connect(pe.port("w"), toElements: Array(w[(p * maccs)..<((p + count) * maccs)]))
            m.connect(pe.port("valid"), to: valid)
            m.connect(pe.port("first"), to: first)
            m.connect(pe.port("last"), to: last)
            let acc = pe.port("acc")
            accumulators += count == 1 ? [acc] : (0..<count).map { i in
                acc.bits((i + 1) * accumulatorWidth - 1, i * accumulatorWidth).asSInt
            }
            // Every PE raises `done` in the same cycle; the unit reports the first one's.
            if p == 0 { done = pe.port("done") }
        }
        m.output("acc", accumulators)
        m.output("done", done!)
    }
}
