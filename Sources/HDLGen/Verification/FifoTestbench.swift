/// The FIFO's golden model: a Swift array of the words held, head first, stepped one clock
/// edge at a time with the push and pop offered in that cycle.
struct FifoModel {
    let depth: Int
    private(set) var words: [Int] = []

    var inReady: Bool { words.count < depth }
    var outValid: Bool { !words.isEmpty }

    /// One clock edge: pushes `data` when offered and not full, pops when asked and not empty
    /// (both judged before the edge). Returns the word popped, if any.
    mutating func step(push data: Int?, pop: Bool) -> Int? {
        let popped = pop && outValid ? words.removeFirst() : nil
        // Fullness is judged before the edge: a pop in the same cycle does not make room.
        if let data, words.count + (popped == nil ? 0 : 1) < depth { words.append(data) }
        return popped
    }
}

extension Fifo {
    /// One cycle of stimulus: the word offered on `in` (nil: `in_valid` low) and `out_ready`.
    struct Cycle {
        var push: Int?
        var pop: Bool
    }

    /// Corner cases, then random traffic, then a drain: fill to full with pushes refused,
    /// push and pop together when full, pop to empty with pops refused, push and pop together
    /// when empty; random valid and ready at push-heavy, balanced and pop-heavy odds.
    func stimulus(randomCycles: Int, seed: UInt64) -> [Cycle] {
        var random = SeededGenerator(seed: seed)
        func word() -> Int { Int.random(in: 0...((1 << entryWidth) - 1), using: &random) }
        var cycles: [Cycle] = []
        for _ in 0..<(depth + 2) { cycles.append(Cycle(push: word(), pop: false)) }
        for _ in 0..<3 { cycles.append(Cycle(push: word(), pop: true)) }
        for _ in 0..<(depth + 2) { cycles.append(Cycle(push: nil, pop: true)) }
        for _ in 0..<3 { cycles.append(Cycle(push: word(), pop: true)) }
        for odds in [(0.8, 0.3), (0.5, 0.5), (0.3, 0.8)] {
            for _ in 0..<randomCycles {
                let push = Double.random(in: 0..<1, using: &random) < odds.0 ? word() : nil
                cycles.append(Cycle(push: push, pop: Double.random(in: 0..<1, using: &random) < odds.1))
            }
        }
        for _ in 0..<(depth + 1) { cycles.append(Cycle(push: nil, pop: true)) }
        return cycles
    }

    /// The model's outputs per cycle (`in_ready`, `out_valid`, `count`) and the words popped,
    /// with the cycle of each pop.
    func expected(_ cycles: [Cycle]) -> (status: [[[Int]]], pops: [(cycle: Int, word: Int)]) {
        var model = FifoModel(depth: depth)
        var status: [[[Int]]] = [], pops: [(cycle: Int, word: Int)] = []
        for (index, cycle) in cycles.enumerated() {
            status.append([[model.inReady ? 1 : 0], [model.outValid ? 1 : 0], [model.words.count]])
            if let word = model.step(push: cycle.push, pop: cycle.pop) { pops.append((index, word)) }
        }
        return (status, pops)
    }

    /// Two testbenches over the same stimulus: one checks `in_ready`, `out_valid` and `count`
    /// in every cycle, the other each popped word and its cycle.
    func simulationBundles(_ cycles: [Cycle]) throws -> (status: SimulationBundle, pops: SimulationBundle) {
        let circuit = try Circuit(self)
        let (status, pops) = expected(cycles)
        let stimulus = ["in_valid": cycles.map { [$0.push == nil ? 0 : 1] }, "in_data": cycles.map { [$0.push ?? 0] },
                        "out_ready": cycles.map { [$0.pop ? 1 : 0] }]
        let statusCheck = Testbench.OutputCheck(valid: nil, ports: ["in_ready", "out_valid", "count"], beats: status)
        let popCheck = Testbench.OutputCheck(valid: "out_valid", ready: "out_ready", ports: ["out_data"],
                                             beats: pops.map { [[$0.word]] }, cycles: pops.map(\.cycle))
        return (SimulationBundle(circuit: circuit, testbench: try Testbench(dut: circuit.top, stimulus: stimulus,
                                                                            check: statusCheck, drainCycles: 2)),
                SimulationBundle(circuit: circuit, testbench: try Testbench(dut: circuit.top, stimulus: stimulus,
                                                                            check: popCheck, drainCycles: 2)))
    }
}
