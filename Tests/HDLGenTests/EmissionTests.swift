import Testing
@testable import HDLGen

/// The emitted Verilog reads like RTL: an expression built twice is one net, nets are named
/// after what they compute or drive, and every statement names the Swift line that made it.
@Suite struct EmissionTests {
    /// The `assign` statements of `verilog`, `target = value;  // location`, keyed by target.
    func assignments(_ verilog: String) -> [String: String] {
        var found: [String: String] = [:]
        for line in verilog.split(separator: "\n") where line.hasPrefix("    assign ") {
            let body = line.dropFirst("    assign ".count)
            let target = String(body.prefix { $0 != " " })
            found[target] = String(body)
        }
        return found
    }

    @Test func identicalUnnamedExpressionsShareOneNet() throws {
        let circuit = try Circuit(InlineModule("shared") { m in
            let phase = m.input("phase", .uint(3)), a = m.input("a", .uint(4)), b = m.input("b", .uint(4))
            m.output("first", (phase == 1) & (a + b == 5))
            m.output("second", (phase == 1) | (a + b == 5))
        })
        let module = circuit.top
        let comparisons = module.assignments.filter {
            if case .binary(.equal, .net("phase", _), .constant(1, _), _) = $0.value { return true }
            return false
        }
        let sums = module.assignments.filter {
            if case .binary(.add, .net("a", _), .net("b", _), _) = $0.value { return true }
            return false
        }
        #expect(comparisons.count == 1)
        #expect(sums.count == 1)
        #expect(module.assignments.count == 5)  // phase == 1, a + b, == 5, first, second
        let verilog = VerilogEmitter.emit(module)
        #expect(verilog.components(separatedBy: "phase == 3'd1").count == 2)
        try expectLintClean(circuit)
    }

    @Test func namedWiresWithOneExpressionStayTwoNets() throws {
        let module = try Circuit(InlineModule("named") { m in
            let a = m.input("a", .uint(4)), b = m.input("b", .uint(4))
            let x = m.wire("x", a & b), y = m.wire("y", a & b)
            m.output("z", x ^ y)
        }).top
        let lines = assignments(VerilogEmitter.emit(module))
        #expect(lines["x"]?.hasPrefix("x = a & b;") == true)
        #expect(lines["y"]?.hasPrefix("y = a & b;") == true)
        #expect(lines["z"]?.hasPrefix("z = x ^ y;") == true)
    }

    @Test func derivedNamesSayWhatANetComputes() throws {
        let module = try Circuit(InlineModule("derived") { m in
            let phase = m.input("phase", .uint(3)), start = m.input("start", .bool)
            let data = m.input("data", .uint(8))
            let count = m.register("count", .uint(4), reset: 0)
            m.when(start, { m.connect(count, to: .constant(0, .uint(4))) }, otherwise: {
                m.when(phase == 1, { m.connect(count, to: (count + 1).truncated(to: 4)) })
            })
            m.output("busy", (phase == 1) & !start)
            m.output("high", data.bits(7, 4) + count == 3)
        }).top
        let names = Set(module.assignments.map(\.target))
        for name in ["phase_is_1", "not_start", "count_plus_1", "count_next", "count_if_phase_is_1", "data_7_4",
                     "data_7_4_plus_count"] {
            #expect(names.contains(name), "no net \(name) in \(names.sorted())")
        }
        let numbered = names.filter { name in
            guard let last = name.split(separator: "_").last, Int(last) != nil else { return false }
            return names.contains(String(name.dropLast(last.count + 1)))
        }
        #expect(numbered.isEmpty, "numbered names: \(numbered.sorted())")
    }

    @Test func everyStatementNamesItsSwiftLine() throws {
        let circuit = try Circuit(InlineModule("located") { m in
            let a = m.input("a", .uint(4)), valid = m.input("valid", .bool)
            let total = m.register("total", .uint(4), reset: 0)
            m.when(valid) { m.connect(total, to: (total + a).truncated(to: 4)) }
            let memory = m.memory("buffer", .uint(4), depth: 4)
            m.when(valid) { m.write(memory, address: a.bits(1, 0), data: total) }
            m.output("word", memory.read(a.bits(3, 2)))
            m.output("square", m.rom("squares", .uint(4), contents: [0, 1, 4, 9]).read(a.bits(1, 0)))
            m.output("total_out", total)
            let child = try m.instance(InlineModule("inverter") { c in
                c.output("y", ~c.input("x", .uint(4)))
            }, name: "u_inverter")
            m.connect(child.port("x"), to: a ^ total)
            m.output("inverted", child.port("y"))
        })
        let files = VerilogEmitter.files(for: circuit)
        #expect(files.contains { $0.contents.contains("squares[3] = ") })
        for file in files {
            let statements = file.contents.split(separator: "\n").filter { line in
                line.contains("assign ") || line.contains(" <= ") || line.contains("] = ") || line.hasSuffix(" (")
                    || line.contains(" (  //")
            }
            #expect(!statements.isEmpty)
            for line in statements where !line.hasPrefix("module ") {
                let comment = line.components(separatedBy: "  // ").last ?? ""
                #expect(comment.hasPrefix("HDLGen") && comment.contains(".swift:"),
                        "no Swift line on \(line)")
                #expect(!comment.hasPrefix("/") && Int(comment.split(separator: ":").last ?? "") != nil,
                        "not a relative file and line: \(line)")
            }
        }
        try expectLintClean(circuit)
    }

    @Test func locationsNeverNameAFolder() {
        let location = SourceLocation(file: "/home/someone/project/Sources/HDLGen/Engine.swift", line: 7)
        #expect(location.description == "HDLGen/Engine.swift:7")
        #expect(SourceLocation(file: "HDLGen/Engine.swift", line: 7).description == "HDLGen/Engine.swift:7")
    }

    @Test func outputIsByteIdenticalAcrossElaborations() throws {
        func text() throws -> [SourceFile] {
            let engine = try LayerEngine(EngineConfiguration(wordlength: 4, pes: 4, maccs: 4, maxWindow: 64,
                                                             activationDepth: 256, outputDepth: 256, maxLayers: 4))
            return VerilogEmitter.files(for: try Circuit(engine))
        }
        let first = try text(), second = try text()
        #expect(first == second)
        #expect(first.allSatisfy { !$0.contents.contains("/work/") && !$0.contents.contains("/Users/") })
    }
}
