/// PE: `maccs` signed multipliers whose products an adder tree sums into one accumulator,
/// so that the PE adds one K-element dot product to its window every cycle.
///
/// Ports: `a` and `w` (K signed elements each), `valid`, `first`, `last`; `acc` and `done`
/// as for the MACC. Latency: `done` rises `latency` = 2 + ceil(log2 K) cycles after the beat
/// marked `last` (product registers, one register per adder-tree level, the accumulator).
public struct ProcessingElement: Module {
    public let wordlength: Int
    public let maccs: Int
    /// The longest window, in beats (vectors), the accumulator holds without overflow.
    public let maxWindow: Int

    public init(wordlength: Int, maccs: Int, maxWindow: Int = 4096) throws {
        try UnitParameterError.check("PE", "wordlength", wordlength, in: 2...16)
        try UnitParameterError.check("PE", "maccs", maccs, in: 1...1024)
        try UnitParameterError.check("PE", "maxWindow", maxWindow, in: 1...(1 << 24))
        self.wordlength = wordlength
        self.maccs = maccs
        self.maxWindow = maxWindow
    }

    public var name: String { "pe_w\(wordlength)_k\(maccs)_n\(maxWindow)" }
    public var summary: String {
        "processing element, \(maccs) MACCs of \(wordlength)-bit signed operands, windows up to \(maxWindow) beats, latency \(latency)"
    }
    public var treeLevels: Int { ceilLog2(maccs) }
    public var latency: Int { Self.latency(maccs: maccs) }
    /// Cycles from a window's last beat to `done` in a PE of `maccs` MACCs: the product
    /// registers, one register per adder-tree level, the accumulator.
    public static func latency(maccs: Int) -> Int { 2 + ceilLog2(maccs) }
    public var accumulatorWidth: Int { HDLGen.accumulatorWidth(wordlength: wordlength, terms: maccs * maxWindow) }

    public func build(_ m: ModuleBuilder) throws {
        let a = m.input("a", .sint(wordlength), count: maccs)
        let w = m.input("w", .sint(wordlength), count: maccs)
        let valid = m.input("valid", .bool)
        let first = m.input("first", .bool)
        let last = m.input("last", .bool)

        let products = (0..<maccs).map { k in m.register("product_\(k)", next: a[k] * w[k]) }
        let (sum, levels) = m.adderTree(products, name: "tree")
        let stages = 1 + levels
        let sumValid = m.delayed(valid, by: stages, name: "valid", reset: 0)
        let sumFirst = m.delayed(first, by: stages, name: "first")
        let sumLast = m.delayed(last, by: stages, name: "last")

        let (acc, done) = m.accumulate(sum, valid: sumValid, first: sumFirst, last: sumLast,
                                       width: accumulatorWidth)
        m.output("acc", acc)
        m.output("done", done)
    }
}
