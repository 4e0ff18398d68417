import Testing
@testable import HDLGen

/// Verilog attributes on wires and registers: printed before the declaration in the order
/// attached, on the `output reg` a marked register becomes, and refused on anything else.
@Suite struct AttributeTests {
    @Test func attributesPrintBeforeTheDeclaration() throws {
        let circuit = try Circuit(InlineModule("marked") { m in
            let a = m.input("a", .sint(8)), b = m.input("b", .sint(8))
            let product = m.register("product", next: a * b)
            m.attach(.useDSP(false), to: product)
            m.attach(VerilogAttribute("keep", "true"), to: product)
            let sum = m.wire("sum", product + a)
            m.attach(.useDSP(true), to: sum)
            let out = m.register("out_q", next: sum)
            m.attach(VerilogAttribute("keep", "true"), to: out)
            m.output("y", out)
        })
        let verilog = VerilogEmitter.emit(circuit.top)
        #expect(verilog.contains("    (* use_dsp = \"no\", keep = \"true\" *) reg  signed [15:0] product;\n"), "\(verilog)")
        #expect(verilog.contains("(* use_dsp = \"yes\" *) wire signed [16:0] sum;"), "\(verilog)")
        #expect(verilog.contains("(* keep = \"true\" *) output reg  signed [16:0] y"), "\(verilog)")
        try expectLintClean(circuit)
    }

    @Test func attributesGoOnlyOnWiresAndRegisters() {
        let errors = elaborationErrors(InlineModule("misplaced") { m in
            let a = m.input("a", .uint(4))
            m.attach(.useDSP(false), to: a)
            m.attach(.useDSP(false), to: a + 1)
            let r = m.register("r", next: a)
            m.attach(.useDSP(false), to: r)
            m.attach(.useDSP(true), to: r)
            m.attach(VerilogAttribute("keep", "a\" *) evil"), to: r)
            m.output("y", r)
        })
        #expect(errors.count == 4, "\(errors)")
        #expect(errors.contains { $0.description.contains("attached twice to r") })
    }
}
