import FixedPoint
import Testing
@testable import HDLGen

/// Every operator's width rule, and its Verilog against plain Swift integer arithmetic on
/// random and extreme operands, for mixes of signed and unsigned widths.
@Suite struct OperatorTests {
    @Test func widthRules() throws {
        _ = try Circuit(InlineModule("rules") { m in
            let s5 = m.input("s5", .sint(5)), u3 = m.input("u3", .uint(3)), s3 = m.input("s3", .sint(3))
            let u4 = m.input("u4", .uint(4))
            #expect((s5 + s3).type == .sint(6))
            #expect((u3 + u4).type == .uint(5))
            #expect((s5 + u3).type == .sint(6))     // u3 counts as SInt(4)
            #expect((s3 + u4).type == .sint(6))     // u4 counts as SInt(5)
            #expect((u3 - u4).type == .sint(5))
            #expect((s5 * u3).type == .sint(8))
            #expect((u3 * u4).type == .uint(7))
            #expect((s5 & s3).type == .sint(5))
            #expect((s5 ^ u3).type == .uint(5))
            #expect((s5 < u3).type == .bool)
            #expect((-s5).type == .sint(6))
            #expect((-u3).type == .sint(5))
            #expect(s5.shiftedRight(by: 2, rounding: .truncate).type == .sint(3))
            #expect(s5.shiftedRight(by: 2, rounding: .halfUp).type == .sint(4))
            #expect(s5.shiftedLeft(by: 3).type == .sint(8))
            #expect(s5.saturated(to: 3).type == .sint(3))
            #expect(s5.truncated(to: 2).type == .sint(2))
            #expect(u3.resized(to: 6).type == .uint(6))
            #expect(Signal.concatenation([s5, u3]).type == .uint(8))
            m.output("y", s5)
            _ = (u4, s3)
        })
    }

    /// A circuit computing every operator on `x` and `y`, registered, with `done` one cycle later.
    struct Probe: Module {
        let x: SignalType, y: SignalType
        var name: String { "probe_\(x.isSigned ? "s" : "u")\(x.width)_\(y.isSigned ? "s" : "u")\(y.width)" }

        static let operations: [(name: String, hardware: @Sendable (Signal, Signal) -> Signal)] = [
            ("sum", { $0 + $1 }),
            ("difference", { $0 - $1 }),
            ("product", { $0 * $1 }),
            ("conjunction", { $0 & $1 }),
            ("disjunction", { $0 | $1 }),
            ("exclusive", { $0 ^ $1 }),
            ("complement", { x, _ in ~x }),
            ("negation", { x, _ in -x }),
            ("equal", { $0 == $1 }),
            ("unequal", { $0 != $1 }),
            ("less", { $0 < $1 }),
            ("at_most", { $0 <= $1 }),
            ("greater", { $0 > $1 }),
            ("at_least", { $0 >= $1 }),
            ("saturated", { x, _ in x.saturated(to: max(1, x.width - 2)) }),
            ("rounded", { x, _ in x.shiftedRight(by: 2, rounding: .halfUp) }),
            ("floored", { x, _ in x.shiftedRight(by: 1, rounding: .truncate) }),
            ("dropped", { x, _ in x.shiftedRight(by: x.width + 1, rounding: .truncate) }),
            ("scaled", { x, _ in x.shiftedLeft(by: 3) }),
            ("shifted", { x, y in x.shiftedRight(by: y.asUInt) }),
            ("widened", { x, _ in x.resized(to: x.width + 3) }),
            ("wrapped", { x, _ in x.truncated(to: max(1, x.width - 1)) }),
            ("joined", { x, y in Signal.concatenation([y, x]) }),
            ("top_bit", { x, _ in x.bit(x.width - 1) }),
            ("larger", { x, y in Signal.select(x > y, x.resized(to: 9).asSInt, y.resized(to: 9).asSInt) }),
        ]

        func build(_ m: ModuleBuilder) throws {
            let a = m.input("x", x), b = m.input("y", y), valid = m.input("valid", .bool)
            for (name, operation) in Self.operations {
                m.output(name, m.register("\(name)_q", next: operation(a, b)))
            }
            m.output("done", m.register("done_q", next: valid, reset: 0))
        }
    }

    /// What each operation must give, from the definitions with Int arithmetic.
    static func reference(_ name: String, _ x: Int, _ y: Int, _ tx: SignalType, _ ty: SignalType) -> Int {
        func bits(_ v: Int, _ t: SignalType, to width: Int) -> UInt64 {
            v.bitPattern(wordlength: width)   // sign or zero extension is implied by the value
        }
        func read(_ pattern: UInt64, _ t: SignalType) -> Int {
            t.isSigned ? Int(signExtending: pattern, wordlength: t.width) : Int(pattern & ((1 << UInt64(t.width)) - 1))
        }
        let bitwise = SignalType(width: max(tx.width, ty.width), isSigned: tx.isSigned && ty.isSigned)
        switch name {
        case "sum": return x + y
        case "difference": return x - y
        case "product": return x * y
        case "conjunction": return read(bits(x, tx, to: bitwise.width) & bits(y, ty, to: bitwise.width), bitwise)
        case "disjunction": return read(bits(x, tx, to: bitwise.width) | bits(y, ty, to: bitwise.width), bitwise)
        case "exclusive": return read(bits(x, tx, to: bitwise.width) ^ bits(y, ty, to: bitwise.width), bitwise)
        case "complement": return read(~bits(x, tx, to: tx.width), tx)
        case "negation": return -x
        case "equal": return x == y ? 1 : 0
        case "unequal": return x != y ? 1 : 0
        case "less": return x < y ? 1 : 0
        case "at_most": return x <= y ? 1 : 0
        case "greater": return x > y ? 1 : 0
        case "at_least": return x >= y ? 1 : 0
        case "saturated":
            let w = max(1, tx.width - 2)
            return tx.isSigned ? x.saturated(toWordlength: w) : min(x, (1 << w) - 1)
        case "rounded": return x.shiftedRight(by: 2, rounding: .halfUp)
        case "floored": return x.shiftedRight(by: 1, rounding: .truncate)
        case "dropped": return x < 0 ? -1 : 0
        case "scaled": return x * 8
        case "shifted": return x >> Int(y.bitPattern(wordlength: ty.width))
        case "widened": return x
        case "wrapped":
            let w = max(1, tx.width - 1)
            return tx.isSigned ? x.wrapped(toWordlength: w) : x & ((1 << w) - 1)
        case "joined": return Int(bits(y, ty, to: ty.width) << UInt64(tx.width) | bits(x, tx, to: tx.width))
        case "larger": return max(x, y)
        case "top_bit": return Int(x.bitPattern(wordlength: tx.width) >> UInt64(tx.width - 1))
        default: fatalError("no reference for \(name)")
        }
    }

    static let typePairs: [(SignalType, SignalType)] = [
        (.sint(5), .uint(3)), (.sint(4), .sint(6)), (.uint(4), .uint(2)), (.uint(6), .sint(3)),
        (.sint(8), .sint(8)), (.bool, .sint(2)), (.sint(2), .bool),
    ]

    @Test(arguments: typePairs.indices)
    func operatorsMatchIntegerArithmetic(pair: Int) throws {
        let (tx, ty) = Self.typePairs[pair]
        let circuit = try Circuit(Probe(x: tx, y: ty))
        var random = SeededGenerator(seed: UInt64(pair))
        var operands: [(Int, Int)] = []
        for x in [tx.valueRange.lowerBound, tx.valueRange.upperBound, 0] {
            for y in [ty.valueRange.lowerBound, ty.valueRange.upperBound, 0] { operands.append((x, y)) }
        }
        while operands.count < 200 {
            operands.append((Int.random(in: tx.valueRange, using: &random), Int.random(in: ty.valueRange, using: &random)))
        }
        let names = Probe.operations.map(\.name)
        let check = Testbench.OutputCheck(
            valid: "done", ports: names,
            beats: operands.map { x, y in names.map { [Self.reference($0, x, y, tx, ty)] } },
            cycles: operands.indices.map { $0 + 1 })
        let testbench = try Testbench(
            dut: circuit.top,
            stimulus: ["x": operands.map { [$0.0] }, "y": operands.map { [$0.1] }, "valid": operands.map { _ in [1] }],
            check: check, drainCycles: 3)
        try expectSimulationPasses(SimulationBundle(circuit: circuit, testbench: testbench),
                                   checks: operands.count * (names.count + 1))
        try expectLintClean(circuit)
    }
}
