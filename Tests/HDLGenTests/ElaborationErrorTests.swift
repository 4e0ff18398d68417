import Testing
@testable import HDLGen

/// Each description mistake is an elaboration error that names this file and the line.
@Suite struct ElaborationErrorTests {
    func expectError(_ module: InlineModule, containing text: String, line: Int,
                     sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let errors = elaborationErrors(module)
        #expect(errors.contains { $0.message.contains(text) }, "errors: \(errors)", sourceLocation: sourceLocation)
        let error = errors.first { $0.message.contains(text) }
        #expect(error?.description.contains("ElaborationErrorTests.swift:\(line)") == true,
                "error \(String(describing: error)) should name line \(line)", sourceLocation: sourceLocation)
    }

    @Test func unequalWidthsInAnAssignment() {
        let line = #line + 3
        expectError(InlineModule("widths") { m in
            let a = m.input("a", .uint(4)), y = m.output("y", .uint(4))
            m.connect(y, to: a + a)
        }, containing: "width mismatch: y is UInt(4) but the value is UInt(5)", line: line)
    }

    @Test func undrivenOutput() {
        let line = #line + 2
        expectError(InlineModule("undriven") { m in
            _ = m.output("y", .bool)
        }, containing: "y is never driven", line: line)
    }

    @Test func signalDrivenTwice() {
        let line = #line + 4
        expectError(InlineModule("twice") { m in
            let a = m.input("a", .bool), y = m.output("y", .bool)
            m.connect(y, to: a)
            m.connect(y, to: !a)
        }, containing: "y is driven twice", line: line)
    }

    @Test func signalDrivenAgainAfterAConditionalConnection() {
        let line = #line + 4
        expectError(InlineModule("twice_after_when") { m in
            let a = m.input("a", .bool), y = m.output("y", .bool)
            m.when(a) { m.connect(y, to: a) } otherwise: { m.connect(y, to: !a) }
            m.connect(y, to: a)
        }, containing: "y is driven twice", line: line)
    }

    @Test func combinationalLoop() {
        let line = #line + 5
        expectError(InlineModule("loop") { m in
            let a = m.input("a", .uint(4))
            let x = m.wire("x", .uint(4)), y = m.wire("y", .uint(4))
            m.connect(x, to: (y + a).truncated(to: 4))
            m.connect(y, to: x)
            m.output("z", y)
        }, containing: "combinational loop: x -> y -> x", line: line - 1)
    }

    @Test func outputDrivenOnSomePathsOnly() {
        let line = #line + 3
        expectError(InlineModule("latch") { m in
            let a = m.input("a", .bool), y = m.output("y", .bool)
            m.when(a) { m.connect(y, to: a) }
        }, containing: "y is not driven on every path", line: line)
    }

    @Test func implicitNarrowing() {
        let line = #line + 3
        expectError(InlineModule("narrowing") { m in
            let a = m.input("a", .sint(8))
            m.output("y", a.resized(to: 4))
        }, containing: "resized(to: 4) would narrow SInt(8)", line: line)
    }

    @Test func muxArmsOfDifferentTypes() {
        let line = #line + 3
        expectError(InlineModule("mux_arms") { m in
            let a = m.input("a", .sint(8)), b = m.input("b", .sint(7)), s = m.input("s", .bool)
            m.output("y", m.mux(s, a, b))
        }, containing: "mux arms differ", line: line)
    }

    @Test func nameUsedTwice() {
        let line = #line + 3
        expectError(InlineModule("names") { m in
            let a = m.input("a", .bool)
            m.output("a", a)
        }, containing: "the name a is used twice", line: line)
    }

    /// Verilog-2005 words and SystemVerilog's (Verilator reads the RTL as SystemVerilog).
    @Test(arguments: ["wire", "inside", "always_ff", "with"])
    func reservedWordAsName(word: String) {
        let line = #line + 2
        expectError(InlineModule("keyword") { m in
            let a = m.input(word, .bool)
            m.output("y", a)
        }, containing: "is not a Verilog identifier", line: line)
    }

    @Test func constantThatDoesNotFit() {
        let line = #line + 2
        expectError(InlineModule("constant") { m in
            m.output("y", Signal.constant(8, .sint(4)))
        }, containing: "constant 8 does not fit SInt(4)", line: line)
    }

    @Test func registerWithoutNextValue() {
        let line = #line + 2
        expectError(InlineModule("lonely_register") { m in
            let r = m.register("r", .uint(3), reset: 0)
            m.output("y", r)
        }, containing: "r is never driven", line: line)
    }

    @Test func instanceInputLeftOpen() throws {
        let child = InlineModule("child") { m in m.output("y", m.input("a", .bool)) }
        let line = #line + 2
        expectError(InlineModule("parent") { m in
            let c = try m.instance(child, name: "c")
            m.output("y", c.port("y"))
        }, containing: "c_a is never driven", line: line)
    }

    @Test func everyErrorIsReportedAtOnce() {
        let errors = elaborationErrors(InlineModule("many") { m in
            _ = m.output("y", .bool)
            _ = m.output("z", .bool)
        })
        #expect(errors.count == 2)
    }

    @Test func registerUnderWhenHoldsItsValue() throws {
        // Not an error: a register left unassigned on some path keeps its value.
        let circuit = try Circuit(InlineModule("hold") { m in
            let enable = m.input("enable", .bool), d = m.input("d", .uint(4))
            let r = m.register("r", .uint(4), reset: 0)
            m.when(enable) { m.connect(r, to: d) }
            m.output("q", r)
        })
        #expect(VerilogEmitter.emit(circuit.top).contains("assign q_next = enable ? d : q;"))
    }
}
