/// PE: `maccs` signed multipliers whose products an adder tree sums into one accumulator,
/// so that the PE adds one K-element dot product to its window every cycle. With the
/// `.packedDSP` mapping it is a pair of PEs sharing the activations and each DSP48.
///
/// Ports: `a` and `w` (K signed elements each; 2K weights for a pair, PE 0's first), `valid`,
/// `first`, `last`; `acc` (one accumulator, two for a pair) and `done` as for the MACC.
/// Latency: `done` rises `latency` = 2 + ceil(log2 K) cycles after the beat marked `last`
/// (product registers, one register per adder-tree level, the accumulator), whatever the mapping.
public struct ProcessingElement: Module {
    public let wordlength: Int
    public let maccs: Int
    /// The longest window, in beats (vectors), the accumulator holds without overflow.
    public let maxWindow: Int
    public let mapping: MultiplierMapping

    public init(wordlength: Int, maccs: Int, maxWindow: Int = 4096, mapping: MultiplierMapping = .dsp) throws {
        try UnitParameterError.check("PE", mapping == .packedDSP ? "wordlength (packed DSP)" : "wordlength",
                                     wordlength, in: mapping.wordlengths)
        try UnitParameterError.check("PE", "maccs", maccs, in: 1...1024)
        try UnitParameterError.check("PE", "maxWindow", maxWindow, in: 1...(1 << 24))
        self.wordlength = wordlength
        self.maccs = maccs
        self.maxWindow = maxWindow
        self.mapping = mapping
    }

    public var name: String {
        let base = "pe_w\(wordlength)_k\(maccs)_n\(maxWindow)"
        switch mapping {
        case .dsp: return base
        case .packedDSP: return base + "_packed"
        case .lut: return base + "_lut"
        }
    }
    public var summary: String {
        let unit = "processing element, \(maccs) MACCs of \(wordlength)-bit signed operands, windows up to \(maxWindow) beats, latency \(latency)"
        switch mapping {
        case .dsp: return unit
        case .packedDSP: return "pair of \(unit), two products per DSP48"
        case .lut: return "\(unit), multipliers in LUTs"
        }
    }
    public var treeLevels: Int { ceilLog2(maccs) }
    public var latency: Int { Self.latency(maccs: maccs) }
    /// Cycles from a window's last beat to `done` in a PE of `maccs` MACCs: the product
    /// registers, one register per adder-tree level, the accumulator.
    public static func latency(maccs: Int) -> Int { 2 + ceilLog2(maccs) }
    public var accumulatorWidth: Int { HDLGen.accumulatorWidth(wordlength: wordlength, terms: maccs * maxWindow) }

    public func build(_ m: ModuleBuilder) throws {
        let lanes = mapping.processingElements
        let a = m.input("a", .sint(wordlength), count: maccs)
        let w = m.input("w", .sint(wordlength), count: lanes * maccs)
        let valid = m.input("valid", .bool)
        let first = m.input("first", .bool)
        let last = m.input("last", .bool)

        let weights = (0..<lanes).map { Array(w[($0 * maccs)..<(($0 + 1) * maccs)]) }
        let products = m.products(a, weights, mapping: mapping)
        let trees = products.indices.map { p in m.adderTree(products[p], name: lanes == 1 ? "tree" : "tree\(p)") }
        let stages = 1 + trees[0].levels
        let sumValid = m.delayed(valid, by: stages, name: "valid", reset: 0)
        let sumFirst = m.delayed(first, by: stages, name: "first")
        let sumLast = m.delayed(last, by: stages, name: "last")

        if lanes == 1 {
            let (acc, done) = m.accumulate(trees[0].sum, valid: sumValid, first: sumFirst, last: sumLast,
                                           width: accumulatorWidth)
            m.output("acc", acc)
            m.output("done", done)
        } else {
            let (accs, done) = m.accumulate(trees.map(\.sum), valid: sumValid, first: sumFirst, last: sumLast,
                                            width: accumulatorWidth)
            m.output("acc", accs)
            m.output("done", done)
        }
    }
}
