/// MACC: one signed `wordlength` × `wordlength` multiplier feeding an accumulator.
///
/// Ports: `a`, `w` (signed operands), `valid`, `first`, `last` (the beat starts / ends an
/// accumulation window); `acc`, the window's exact sum, and `done`, set for one cycle when
/// `acc` holds it. Latency: `done` rises 2 cycles after the beat marked `last`
/// (a product register, then the accumulator). Full throughput: one beat per cycle.
public struct MultiplyAccumulate: Module {
    public let wordlength: Int
    /// The longest window, in beats, that the accumulator must hold without overflow.
    public let maxWindow: Int

    public init(wordlength: Int, maxWindow: Int = 4096) throws {
        try UnitParameterError.check("MACC", "wordlength", wordlength, in: 2...16)
        try UnitParameterError.check("MACC", "maxWindow", maxWindow, in: 1...(1 << 24))
        self.wordlength = wordlength
        self.maxWindow = maxWindow
    }

    public var name: String { "macc_w\(wordlength)_n\(maxWindow)" }
    public var summary: String {
        "multiply-accumulate, \(wordlength)-bit signed operands, windows up to \(maxWindow) beats, latency \(latency)"
    }
    public var latency: Int { 2 }
    public var accumulatorWidth: Int { HDLGen.accumulatorWidth(wordlength: wordlength, terms: maxWindow) }

    public func build(_ m: ModuleBuilder) throws {
        let a = m.input("a", .sint(wordlength))
        let w = m.input("w", .sint(wordlength))
        let valid = m.input("valid", .bool)
        let first = m.input("first", .bool)
        let last = m.input("last", .bool)

        let product = m.register("product", next: a * w)
        let productValid = m.register("product_valid", next: valid, reset: 0)
        let productFirst = m.register("product_first", next: first)
        let productLast = m.register("product_last", next: last)

        let (acc, done) = m.accumulate(product, valid: productValid, first: productFirst, last: productLast,
                                       width: accumulatorWidth)
        m.output("acc", acc)
        m.output("done", done)
    }
}
