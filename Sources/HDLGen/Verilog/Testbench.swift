import FixedPoint

/// A self-checking testbench for one module: stimulus for every input, cycle by cycle, and
/// the values a golden model expects on the outputs each time a valid signal fires.
public struct Testbench: Sendable {
    /// Values expected on `ports` at each beat where `valid` (and `ready`, if named) is set,
    /// or, with no `valid`, in every cycle of the stimulus (for a unit without a handshake).
    public struct OutputCheck: Sendable {
        public var valid: String?
        public var ready: String?
        public var ports: [String]
        /// `beats[b][i]` holds the elements expected on `ports[i]` at beat b.
        public var beats: [[[Int]]]
        /// The cycle at which each beat is expected, when the unit's latency is specified.
        public var cycles: [Int]?

        public init(valid: String?, ready: String? = nil, ports: [String], beats: [[[Int]]], cycles: [Int]? = nil) {
            self.valid = valid
            self.ready = ready
            self.ports = ports
            self.beats = beats
            self.cycles = cycles
        }
    }

    /// Beats offered on a valid/ready input: beat b is held on `ports` with `valid` set, in
    /// the cycles `offered` allows, until the unit takes it (`valid` and `ready` both set).
    public struct InputStream: Sendable {
        public var valid: String
        public var ready: String
        public var ports: [String]
        /// `beats[b][i]` holds the elements of `ports[i]` in beat b.
        public var beats: [[[Int]]]
        /// Per cycle, whether the source offers its next beat (random stalls).
        public var offered: [Bool]

        public init(valid: String, ready: String, ports: [String], beats: [[[Int]]], offered: [Bool]) {
            self.valid = valid
            self.ready = ready
            self.ports = ports
            self.beats = beats
            self.offered = offered
        }
    }

    public let dut: ElaboratedModule
    public let stream: InputStream?
    /// `stimulus[port][cycle]` holds the elements driven on an input port in that cycle.
    public let stimulus: [String: [[Int]]]
    public let check: OutputCheck
    /// Cycles run after the stimulus ends, for the pipeline to drain.
    public let drainCycles: Int

    public init(dut: ElaboratedModule, stimulus: [String: [[Int]]], stream: InputStream? = nil, check: OutputCheck,
                drainCycles: Int) throws {
        if let stream {
            for name in [stream.valid] + stream.ports {
                guard dut.port(name)?.direction == .input else { throw TestbenchError("\(dut.name) has no input \(name)") }
            }
            guard dut.port(stream.ready)?.direction == .output else {
                throw TestbenchError("\(dut.name) has no output \(stream.ready)")
            }
            guard stream.beats.allSatisfy({ $0.count == stream.ports.count }), !stream.beats.isEmpty else {
                throw TestbenchError("every stream beat needs a value for each stream port")
            }
            guard stimulus.isEmpty || stream.offered.count == stimulus.values.first?.count else {
                throw TestbenchError("the stream's offers must cover every cycle of the stimulus")
            }
        }
        for port in dut.ports where Self.ownNames.contains(port.name) {
            throw TestbenchError("\(dut.name)'s port \(port.name) takes a name the testbench declares "
                                 + "(\(Self.ownNames.sorted().joined(separator: ", ")))")
        }
        let streamed = Set(stream.map { [$0.valid] + $0.ports } ?? [])
        for port in dut.ports where port.direction == .input && port.name != "clk" && port.name != "rst"
            && !streamed.contains(port.name) {
            guard let values = stimulus[port.name] else {
                throw TestbenchError("no stimulus for input \(port.name)")
            }
            guard values.allSatisfy({ $0.count == port.count }) else {
                throw TestbenchError("stimulus of \(port.name) must have \(port.count) elements per cycle")
            }
        }
        let counts = Set(stimulus.values.map(\.count) + (stream.map { [$0.offered.count] } ?? []))
        guard counts.count == 1, let cycles = counts.first, cycles > 0 else {
            throw TestbenchError("every input needs stimulus for the same, non-zero number of cycles")
        }
        for name in [check.valid, check.ready].compactMap({ $0 }) + check.ports {
            guard dut.port(name) != nil else { throw TestbenchError("\(dut.name) has no port \(name)") }
        }
        guard check.beats.allSatisfy({ $0.count == check.ports.count }) else {
            throw TestbenchError("every expected beat needs a value for each checked port")
        }
        self.dut = dut
        self.stream = stream
        self.stimulus = stimulus
        self.check = check
        self.drainCycles = drainCycles
    }

    /// The testbench's own variables, which no port of the design under test may take.
    static let ownNames: Set<String> = ["edges", "cycle", "beat", "passed", "failed", "element", "last_beat_cycle",
                                        "end_cycle"]

    /// Cycles of stimulus: the stimulus's length, or the stream's where only the stream drives the unit.
    public var cycles: Int { stimulus.values.first?.count ?? stream?.offered.count ?? 0 }
    public var name: String { "tb_\(dut.name)" }

    /// The testbench module and the data files it reads with `$readmemh`.
    public func files() -> [SourceFile] {
        var files = [SourceFile(name: "\(name).v", contents: verilog())]
        for port in dataInputs {
            files.append(hexFile("stimulus_\(port.name).hex", stimulus[port.name]!, port))
        }
        if let stream {
            for (index, name) in stream.ports.enumerated() {
                files.append(hexFile("stream_\(name).hex", stream.beats.map { $0[index] }, dut.port(name)!))
            }
            files.append(SourceFile(name: "stream_offered.hex", contents: stream.offered.map { $0 ? "1\n" : "0\n" }.joined()))
        }
        for (index, name) in check.ports.enumerated() {
            let port = dut.port(name)!
            files.append(hexFile("expected_\(name).hex", check.beats.map { $0[index] }, port))
        }
        if let cycles = check.cycles {
            files.append(SourceFile(name: "expected_cycle.hex",
                                    contents: cycles.map { String($0, radix: 16) + "\n" }.joined()))
        }
        return files
    }

    /// Inputs driven cycle by cycle from `stimulus` (not clock, reset or the stream).
    var dataInputs: [ElaboratedModule.Port] {
        let streamed = Set(stream.map { [$0.valid] + $0.ports } ?? [])
        return dut.ports.filter { $0.direction == .input && $0.name != "clk" && $0.name != "rst" && !streamed.contains($0.name) }
    }

    var streamInputs: [ElaboratedModule.Port] {
        guard let stream else { return [] }
        return ([stream.valid] + stream.ports).map { dut.port($0)! }
    }

    private func hexFile(_ name: String, _ rows: [[Int]], _ port: ElaboratedModule.Port) -> SourceFile {
        SourceFile(name: name, contents: rows.map { Self.hex($0, elementWidth: port.elementType.width) + "\n" }.joined())
    }

    /// The elements packed into one word, element 0 lowest, as hex digits (most significant first).
    static func hex(_ elements: [Int], elementWidth: Int) -> String {
        let totalBits = elements.count * elementWidth
        var nibbles = [UInt8](repeating: 0, count: (totalBits + 3) / 4)
        for (index, element) in elements.enumerated() {
            let bits = element.bitPattern(wordlength: elementWidth)
            for b in 0..<elementWidth where bits >> UInt64(b) & 1 == 1 {
                let position = index * elementWidth + b
                nibbles[position / 4] |= 1 << UInt8(position % 4)
            }
        }
        let digits = Array("0123456789abcdef")
        return String(nibbles.reversed().map { digits[Int($0)] })
    }
}

/// A testbench that cannot be built from what it was given.
public struct TestbenchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
