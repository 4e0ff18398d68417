/// A unit under test with one more input, `sample`, that marks the cycles its testbench
/// checks: so that a golden model can give every output in each cycle where it defines them.
struct SampledUnit<Unit: Module>: Module {
    let unit: Unit

    var name: String { "\(unit.name)_sampled" }
    var summary: String { "\(unit.summary), with a sample input for its testbench" }

    func build(_ m: ModuleBuilder) throws {
        let instance = try m.instance(unit, name: "unit")
        _ = m.input("sample", .bool)
        for port in instance.module.ports where port.name != "clk" && port.name != "rst" {
            let signal = instance.port(port.name), width = port.elementType.width
            switch (port.direction, port.count) {
            case (.input, 1): m.connect(signal, to: m.input(port.name, port.type))
            case (.input, _): m.connect(signal, toElements: m.input(port.name, port.elementType, count: port.count))
            case (.output, 1): m.output(port.name, signal)
            case (.output, _):
                m.output(port.name, (0..<port.count).map { e in
                    let bits = signal.bits((e + 1) * width - 1, e * width)
                    return port.elementType.isSigned ? bits.asSInt : bits
                })
            }
        }
    }
}

extension SimulationBundle {
    /// `unit` under a testbench that drives `stimulus` and checks `ports` in every cycle
    /// where `expected` has their values (`expected[c]`, one entry per port; nil: unchecked).
    static func sampled(_ unit: some Module, stimulus: [String: [[Int]]], ports: [String],
                        expected: [[[Int]]?]) throws -> SimulationBundle {
        let circuit = try Circuit(SampledUnit(unit: unit))
        var stimulus = stimulus
        stimulus["sample"] = expected.map { [$0 == nil ? 0 : 1] }
        let cycles = expected.indices.filter { expected[$0] != nil }
        let check = Testbench.OutputCheck(valid: "sample", ports: ports, beats: cycles.map { expected[$0]! }, cycles: cycles)
        return SimulationBundle(circuit: circuit, testbench: try Testbench(dut: circuit.top, stimulus: stimulus, check: check,
                                                                           drainCycles: 2))
    }
}

/// A memory port for open-loop stimulus: it refuses requests in random bursts and answers
/// those it takes in order, each 1 … `maxLatency` cycles later, at most one a cycle.
struct RandomMemory {
    /// The chance in percent that a burst of refusals (up to `burst` cycles) begins in a cycle.
    let stall: Int, burst: Int, maxLatency: Int
    private var random: SeededGenerator
    private var refusing = 0, due: [Int] = [], lastDue = 0

    init(stall: Int, burst: Int, maxLatency: Int, seed: UInt64) {
        self.stall = stall; self.burst = burst; self.maxLatency = maxLatency
        random = SeededGenerator(seed: seed)
    }

    /// Whether the port takes a request this cycle.
    mutating func ready() -> Bool {
        if refusing == 0 && Int.random(in: 0..<100, using: &random) < stall { refusing = Int.random(in: 1...burst, using: &random) }
        defer { refusing = max(0, refusing - 1) }
        return refusing == 0
    }

    /// Whether a response is due in `cycle` (then it is given).
    mutating func responds(in cycle: Int) -> Bool {
        guard let first = due.first, first <= cycle else { return false }
        due.removeFirst()
        return true
    }

    /// Queues the response to a request taken in `cycle`.
    mutating func take(in cycle: Int) {
        lastDue = max(cycle + Int.random(in: 1...maxLatency, using: &random), lastDue + 1)
        due.append(lastDue)
    }
}

/// One testbench of `SimulationBundle.sampled(_:stimulus:ports:outputs:)`: the ports it
/// checks, in the cycles where the golden model specifies all of them.
struct SampledCheck {
    let ports: [String]
    let cycles: [Int]
    let bundle: SimulationBundle
    /// The passes a clean run counts: per checked cycle, its cycle and each (one-element) port.
    var checks: Int { cycles.count * (ports.count + 1) }
}

extension SimulationBundle {
    /// `unit` under testbenches that drive `stimulus` and check each of `ports` in every cycle
    /// where `outputs[c]` gives its value (absent: unspecified in that cycle): one testbench per
    /// set of cycles that ports share, so that no port is checked where its value is free.
    static func sampled(_ unit: some Module, stimulus: [String: [[Int]]], ports: [String],
                        outputs: [[String: Int]]) throws -> [SampledCheck] {
        var groups: [(cycles: [Int], ports: [String])] = []
        for port in ports {
            let cycles = outputs.indices.filter { outputs[$0][port] != nil }
            if let group = groups.firstIndex(where: { $0.cycles == cycles }) { groups[group].ports.append(port) }
            else { groups.append((cycles, [port])) }
        }
        return try groups.filter { !$0.cycles.isEmpty }.map { group in
            let expected: [[[Int]]?] = outputs.map { cycle in
                cycle[group.ports[0]] == nil ? nil : group.ports.map { [cycle[$0]!] }
            }
            return SampledCheck(ports: group.ports, cycles: group.cycles,
                                bundle: try .sampled(unit, stimulus: stimulus, ports: group.ports, expected: expected))
        }
    }
}
