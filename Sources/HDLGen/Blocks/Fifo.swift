/// A first-in first-out queue of `depth` words of `entryWidth` bits: pushes on the `in`
/// stream, pops on the `out` stream, and `count`, the words it holds (0 … depth).
///
/// The head word is read from the memory combinationally, so a word pushed in one cycle can
/// be popped in the next. `in_ready` (not full) and `out_valid` (not empty) come from the
/// pointers alone: a full queue refuses a push even in a cycle that pops, and an empty one
/// never passes a word straight through.
public struct Fifo: Module {
    public let entryWidth: Int
    /// Words it holds: a power of two.
    public let depth: Int

    public init(entryWidth: Int, depth: Int) throws {
        try UnitParameterError.check("FIFO", "entryWidth", entryWidth, in: 1...4096)
        try UnitParameterError.checkPowerOfTwo("FIFO", "depth", depth, in: 2...65536)
        self.entryWidth = entryWidth
        self.depth = depth
    }

    public var name: String { "fifo_w\(entryWidth)_d\(depth)" }
    public var summary: String { "FIFO of \(depth) words of \(entryWidth) bits, head read combinationally" }
    /// Bits of `count` and of the pointers: a slot index and a wrap bit, which tells full from empty.
    public var countWidth: Int { ceilLog2(depth) + 1 }

    public func build(_ m: ModuleBuilder) throws {
        let push = m.port(Stream(dataWidth: entryWidth), prefix: "in", as: .slave)
        let pop = m.port(Stream(dataWidth: entryWidth), prefix: "out", as: .master)
        let words = m.memory("words", .uint(entryWidth), depth: depth)
        let wrap = countWidth - 1
        let head = m.register("head", .uint(countWidth), reset: 0)
        let tail = m.register("tail", .uint(countWidth), reset: 0)
        let empty = m.wire("empty", head == tail)
        let full = m.wire("full", (head.bit(wrap) != tail.bit(wrap)) & (head.bits(wrap - 1, 0) == tail.bits(wrap - 1, 0)))
        m.connect(push.ready, to: !full)
        m.connect(pop.valid, to: !empty)
        m.connect(pop.data, to: words.read(head.bits(wrap - 1, 0)))
        m.when(push.valid & !full) {
            m.write(words, address: tail.bits(wrap - 1, 0), data: push.data)
            m.increment(tail)
        }
        m.when(pop.ready & !empty) { m.increment(head) }
        // tail − head modulo 2^countWidth: 0 … depth, which countWidth bits hold.
        m.output("count", (tail - head).truncated(to: countWidth).asUInt)
    }
}
