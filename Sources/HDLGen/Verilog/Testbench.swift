import FixedPoint

/// A self-checking testbench for one module: stimulus for every input, cycle by cycle, and
/// the values a golden model expects on the outputs each time a valid signal fires.
public struct Testbench: Sendable {
    /// Values expected on `ports` at each beat where `valid` (and `ready`, if named) is set.
    public struct OutputCheck: Sendable {
        public var valid: String
        public var ready: String?
        public var ports: [String]
        /// `beats[b][i]` holds the elements expected on `ports[i]` at beat b.
        public var beats: [[[Int]]]
        /// The cycle at which each beat is expected, when the unit's latency is specified.
        public var cycles: [Int]?

        public init(valid: String, ready: String? = nil, ports: [String], beats: [[[Int]]], cycles: [Int]? = nil) {
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
            guard stream.offered.count == stimulus.values.first?.count else {
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
        let counts = Set(stimulus.values.map(\.count))
        guard counts.count == 1, let cycles = counts.first, cycles > 0 else {
            throw TestbenchError("every input needs stimulus for the same, non-zero number of cycles")
        }
        for name in [check.valid] + check.ports + (check.ready.map { [$0] } ?? []) {
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

    public var cycles: Int { stimulus.values.first?.count ?? 0 }
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
    private var dataInputs: [ElaboratedModule.Port] {
        let streamed = Set(stream.map { [$0.valid] + $0.ports } ?? [])
        return dut.ports.filter { $0.direction == .input && $0.name != "clk" && $0.name != "rst" && !streamed.contains($0.name) }
    }

    private var streamInputs: [ElaboratedModule.Port] {
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

    private func verilog() -> String {
        var out = VerilogWriter()
        let beats = check.beats.count
        out.line("// \(name): checks \(dut.name) against values from its Swift golden model.")
        out.line("// Generated by HDLGen (CascadeCNN-Swift). Run from the folder holding the .hex files;")
        out.line("// +vcd writes \(name).vcd. Ends with the line \"N passed, N failed\".")
        out.line("`timescale 1ns / 1ps")
        out.line("`default_nettype none")
        out.line()
        out.line("module \(name);")
        out.line("localparam integer CYCLES = \(cycles);", indent: 1)
        out.line("localparam integer BEATS = \(beats);", indent: 1)
        out.line("localparam integer DRAIN = \(drainCycles);", indent: 1)
        out.line("localparam integer RESET_CYCLES = 2;", indent: 1)
        out.line()
        out.line("reg clk = 1'b0;", indent: 1)
        out.line("reg rst = 1'b1;", indent: 1)
        out.line("always #5 clk = ~clk;", indent: 1)
        out.line()
        for port in dataInputs {
            out.line("reg \(vector(port.type.width, port.name));", indent: 1)
            out.line("reg \(vector(port.type.width, "stimulus_\(port.name)")) [0:CYCLES-1];",
                     indent: 1)
        }
        if let stream {
            out.line("localparam integer STREAM_BEATS = \(stream.beats.count);", indent: 1)
            for port in streamInputs { out.line("reg \(vector(port.type.width, port.name));", indent: 1) }
            for name in stream.ports {
                out.line("reg \(vector(dut.port(name)!.type.width, "stream_\(name)")) [0:STREAM_BEATS-1];", indent: 1)
            }
            out.line("reg [0:0] stream_offered [0:CYCLES-1];", indent: 1)
            out.line("integer taken = 0;      // stream beats the unit has accepted", indent: 1)
        }
        for port in dut.ports where port.direction == .output {
            out.line("wire \(vector(port.type.width, port.name));", indent: 1)
        }
        for name in check.ports {
            let port = dut.port(name)!
            out.line("reg \(vector(port.type.width, "expected_\(name)")) [0:BEATS-1];",
                     indent: 1)
        }
        if check.cycles != nil { out.line("reg [31:0] expected_cycle [0:BEATS-1];", indent: 1) }
        out.line()
        var connections = dut.ports.map { ".\($0.name)(\($0.name))" }
        if dut.port("rst") == nil { connections.removeAll { $0 == ".rst(rst)" } }
        out.instance(dut.name, named: "dut", connections: connections)
        out.line()
        out.line("integer edges = 0;      // clock edges since time zero", indent: 1)
        out.line("integer cycle;          // cycle index of the stimulus driven at this edge", indent: 1)
        out.line("integer beat = 0;", indent: 1)
        out.line("integer passed = 0;", indent: 1)
        out.line("integer failed = 0;", indent: 1)
        out.line("integer element;", indent: 1)
        out.line("integer last_beat_cycle = -1;", indent: 1)
        out.line("integer end_cycle = -1;", indent: 1)
        out.line()
        out.line("initial begin", indent: 1)
        for port in dataInputs {
            out.line("$readmemh(\"stimulus_\(port.name).hex\", stimulus_\(port.name));", indent: 2)
        }
        for name in check.ports { out.line("$readmemh(\"expected_\(name).hex\", expected_\(name));", indent: 2) }
        if check.cycles != nil { out.line("$readmemh(\"expected_cycle.hex\", expected_cycle);", indent: 2) }
        if let stream {
            for name in stream.ports { out.line("$readmemh(\"stream_\(name).hex\", stream_\(name));", indent: 2) }
            out.line("$readmemh(\"stream_offered.hex\", stream_offered);", indent: 2)
        }
        out.line("if ($test$plusargs(\"vcd\")) begin", indent: 2)
        out.line("$dumpfile(\"\(name).vcd\");", indent: 3)
        out.line("$dumpvars(0, \(name));", indent: 3)
        out.line("end", indent: 2)
        for port in dataInputs + streamInputs { out.line("\(port.name) = 0;", indent: 2) }
        out.line("end", indent: 1)
        out.line()
        out.line("// At each edge: check the outputs of the cycle that ends, then drive the next cycle.", indent: 1)
        out.line("always @(posedge clk) begin", indent: 1)
        out.line("edges <= edges + 1;", indent: 2)
        out.line("cycle = edges - RESET_CYCLES;", indent: 2)
        out.line("if (cycle >= 0) rst <= 1'b0;", indent: 2)
        out.line("if (cycle >= 1 && \(fireCondition)) begin", indent: 2)
        out.line("if (beat >= BEATS) begin", indent: 3)
        out.line("$display(\"cycle %0d: \(check.valid) set, but all %0d expected beats were seen\", cycle - 1, BEATS);",
                 indent: 4)
        out.line("failed = failed + 1;", indent: 4)
        out.line("end else begin", indent: 3)
        if check.cycles != nil {
            out.line("if (cycle - 1 !== expected_cycle[beat]) begin", indent: 4)
            out.line("$display(\"cycle %0d: beat %0d expected at cycle %0d\", cycle - 1, beat, expected_cycle[beat]);",
                     indent: 5)
            out.line("failed = failed + 1;", indent: 5)
            out.line("end else passed = passed + 1;", indent: 4)
        }
        for name in check.ports {
            let port = dut.port(name)!
            let w = port.elementType.width
            let sign = port.elementType.isSigned ? "$signed" : ""
            out.line("for (element = 0; element < \(port.count); element = element + 1) begin", indent: 4)
            out.line("if (\(name)[element*\(w) +: \(w)] !== expected_\(name)[beat][element*\(w) +: \(w)]) begin", indent: 5)
            let label = port.count > 1 ? "\(name)[%0d]" : name
            let elementArgument = port.count > 1 ? "element, " : ""
            out.line("$display(\"cycle %0d: \(label) expected %0d, got %0d\", cycle - 1, \(elementArgument)"
                     + "\(sign)(expected_\(name)[beat][element*\(w) +: \(w)]), \(sign)(\(name)[element*\(w) +: \(w)]));",
                     indent: 6)
            out.line("failed = failed + 1;", indent: 6)
            out.line("end else passed = passed + 1;", indent: 5)
            out.line("end", indent: 4)
        }
        out.line("end", indent: 3)
        out.line("beat = beat + 1;", indent: 3)
        out.line("last_beat_cycle = cycle - 1;", indent: 3)
        out.line("end", indent: 2)
        if let stream {
            out.line("if (cycle >= 1 && \(stream.valid) === 1'b1 && \(stream.ready) === 1'b1) taken = taken + 1;", indent: 2)
            out.line("if (cycle >= 0 && cycle < CYCLES && stream_offered[cycle] === 1'b1 && taken < STREAM_BEATS) begin",
                     indent: 2)
            out.line("\(stream.valid) <= 1'b1;", indent: 3)
            for name in stream.ports { out.line("\(name) <= stream_\(name)[taken];", indent: 3) }
            out.line("end else begin", indent: 2)
            out.line("\(stream.valid) <= 1'b0;", indent: 3)
            out.line("end", indent: 2)
        }
        out.line("if (cycle >= 0 && cycle < CYCLES) begin", indent: 2)
        for port in dataInputs { out.line("\(port.name) <= stimulus_\(port.name)[cycle];", indent: 3) }
        out.line("end else if (cycle >= CYCLES) begin", indent: 2)
        out.line("// Stimulus over: inputs idle, the consumer (if any) ready, the pipeline drains.", indent: 3)
        for port in dataInputs {
            out.line("\(port.name) <= \(port.name == check.ready ? 1 : 0);", indent: 3)
        }
        out.line("end", indent: 2)
        out.line("// Once every expected beat is in (and the stream taken), wait DRAIN cycles for strays.", indent: 2)
        out.line("if (end_cycle < 0 && beat >= BEATS\(stream != nil ? " && taken == STREAM_BEATS" : "")) end_cycle = cycle + DRAIN;",
                 indent: 2)
        out.line("if (cycle == CYCLES + DRAIN || (end_cycle >= 0 && cycle == end_cycle)) begin", indent: 2)
        if stream != nil {
            out.line("if (taken != STREAM_BEATS) begin", indent: 3)
            out.line("$display(\"stream: the unit took %0d of %0d beats\", taken, STREAM_BEATS);", indent: 4)
            out.line("failed = failed + 1;", indent: 4)
            out.line("end", indent: 3)
        }
        out.line("$display(\"%0d beats checked, the last in cycle %0d\", beat, last_beat_cycle);", indent: 3)
        out.line("if (beat < BEATS) begin", indent: 3)
        out.line("$display(\"missing: %0d of %0d expected beats never came\", BEATS - beat, BEATS);", indent: 4)
        out.line("failed = failed + (BEATS - beat);", indent: 4)
        out.line("end", indent: 3)
        out.line("$display(\"%0d passed, %0d failed\", passed, failed);", indent: 3)
        out.line("$finish;", indent: 3)
        out.line("end", indent: 2)
        out.line("end", indent: 1)
        out.line("endmodule")
        out.line()
        out.line("`default_nettype wire")
        return out.text
    }

    /// `[w-1:0] name`, a vector even for one bit, so that part-selects are always legal.
    private func vector(_ width: Int, _ name: String) -> String { "[\(width - 1):0] \(name)" }

    private var fireCondition: String {
        check.ready.map { "\(check.valid) === 1'b1 && \($0) === 1'b1" } ?? "\(check.valid) === 1'b1"
    }
}

/// A testbench that cannot be built from what it was given.
public struct TestbenchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
