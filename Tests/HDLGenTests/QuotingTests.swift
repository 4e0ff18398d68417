import Foundation
import Testing
@testable import HDLGen

/// Each language's quoting on strings written to break out of it: the real interpreter
/// (tclsh, make, a YAML parser) reads back exactly the string and runs nothing.
@Suite struct QuotingTests {
    @Test("Tcl reads a quoted value back as a word, in a quoted string and inside a word, and runs nothing",
          arguments: hostileStrings)
    func tclRoundTrips(_ value: String) throws {
        guard requireTool("tclsh") else { return }
        try inTemporaryFolder { folder in
            try Data(value.utf8).write(to: folder.appendingPathComponent("expected.txt"))
            let script = try Template(name: "check.tcl", text: """
                set a {{value}}
                set b "in quotes {{value}} end"
                set c pre{{value}}post
                # {{value:comment}}
                set f [open expected.txt r]; fconfigure $f -translation lf -encoding utf-8; set e [read $f]; close $f
                if {$a eq $e && $b eq "in quotes $e end" && $c eq "pre${e}post"} { puts same } else { puts "differs: <$a>" }

                """).filled(["value": .text(value)])
            try script.write(to: folder.appendingPathComponent("check.tcl"), atomically: true, encoding: .utf8)
            let run = try runTool(["tclsh", "-encoding", "utf-8", "check.tcl"], in: folder)
            #expect(run.status == 0 && run.output == "same\n", "\(run.output)\n\(script)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("PWNED").path))
        }
    }

    @Test("a Make comment stays one comment: make and make -n run only the rule", arguments: hostileStrings)
    func makeComment(_ value: String) throws {
        guard requireTool("make") else { return }
        try inTemporaryFolder { folder in
            let makefile = try Template(name: "Makefile", text: "# {{value:comment}}\nall:\n\t@echo ok\n")
                .filled(["value": .text(value)])
            try makefile.write(to: folder.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
            let dry = try runTool(["make", "-n", "all"], in: folder)
            #expect(dry.status == 0 && dry.output == "echo ok\n", "\(dry.output)")
            let run = try runTool(["make", "-s", "all"], in: folder)
            #expect(run.status == 0 && run.output == "ok\n", "\(run.output)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("PWNED").path))
        }
    }

    @Test("comments are one line, show invisible characters and never end in a lone backslash",
          arguments: hostileStrings)
    func comments(_ value: String) {
        let comment = Quoting.comment(value)
        #expect(!comment.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{2028}" })
        #expect(comment.reversed().prefix { $0 == "\\" }.count % 2 == 0)
        #expect(Quoting.comment("ordinary text, 4 bits (1.5 %)") == "ordinary text, 4 bits (1.5 %)")
    }

    @Test func yamlScalars() {
        #expect(Quoting.yaml("rtl/pe_w4_k16_n64.v") == "rtl/pe_w4_k16_n64.v")
        #expect(Quoting.yaml("cascadecnn:engine:x:1.0.0") == "cascadecnn:engine:x:1.0.0")
        #expect(Quoting.yaml("engine 4×2, for mnist") == "\"engine 4×2, for mnist\"")
        for word in ["yes", "No", "null", "true", "1.0", "-x", "a:", ""] { #expect(Quoting.yaml(word).hasPrefix("\""), "\(word)") }
        #expect(Quoting.yaml("a\"b\\c\nd\u{1B}\u{2028}") == #""a\"b\\c\nd\e\u2028""#)
    }

    @Test("a YAML parser reads a quoted value back as the same string", arguments: hostileStrings)
    func yamlRoundTrips(_ value: String) throws {
        // PyYAML is not a dependency of the project: without it only the shapes above are checked.
        try inTemporaryFolder { folder in
            guard requireTool("python3"), try runTool(["python3", "-c", "import yaml"], in: folder).status == 0 else { return }
            let text = try Template(name: "x.yml", text: "key: {{value}}\nnext: 1\n").filled(["value": .text(value)])
            try text.write(to: folder.appendingPathComponent("x.yml"), atomically: true, encoding: .utf8)
            let run = try runTool(["python3", "-c", """
                import json, sys, yaml
                sys.stdout.write(json.dumps(yaml.safe_load(open("x.yml", encoding="utf-8")), ensure_ascii=True))
                """], in: folder)
            let parsed = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
            #expect(parsed?["key"] as? String == value, "\(run.output)")
            #expect(parsed?["next"] as? Int == 1)
        }
    }

    @Test("terminal text keeps line breaks and tabs and shows every other invisible character", arguments: hostileStrings)
    func terminalText(_ value: String) {
        let text = Quoting.terminal(value)
        #expect(!text.unicodeScalars.contains { $0.isInvisible && $0 != "\n" && $0 != "\t" })
        #expect(text.unicodeScalars.filter { $0 == "\n" }.count == value.unicodeScalars.filter { $0 == "\n" }.count)
        #expect(Quoting.terminal("mn\u{1B}[31mcn\u{202E}\u{7F}\tok\n") == "mn\\u{1B}[31mcn\\u{202E}\\u{7F}\tok\n")
    }

    @Test("HTML and Markdown carry no markup and no invisible character from a value", arguments: hostileStrings)
    func markupEscapes(_ value: String) {
        let html = Quoting.html(value), markdown = Quoting.markdown(value)
        #expect(!html.contains("<") && !html.contains(">") && !html.contains("\""))
        #expect(!markdown.contains("<") && !markdown.contains(">") && !markdown.contains("\n"))
        #expect(!html.unicodeScalars.contains { $0.isInvisible && $0 != "\n" && $0 != "\t" })
        #expect(!markdown.unicodeScalars.contains { $0.isInvisible })
        #expect(Quoting.html("a & b <i>") == "a &amp; b &lt;i&gt;")
    }

    @Test func partNames() {
        for part in ["xc7z045ffg900-2", "xczu9eg-ffvb1156-2-e", "xc7z020clg400-1", "xcvu9p-flga2104-2L-e",
                     "xck26-sfvc784-2LV-c", "xc7a35tcpg236-1", "xcvc1902-vsva2197-2MP-e-S"] {
            #expect(TextGrammar.part.matches(part), "\(part)")
        }
        for part in hostileStrings + ["xc7z045ffg900--2", "-xc7z045", "xc7z045 ffg900", "ac7z045", "xc", "xc7z045-",
                                      "xc7z045ffg900-2\n", String(repeating: "x", count: 65)] {
            #expect(!TextGrammar.part.matches(part), "\(part)")
        }
    }

    @Test func otherForms() {
        #expect(TextGrammar.identifier.matches("engine_w4_p8_k8_axi") && TextGrammar.identifier.matches("_x"))
        #expect(!TextGrammar.identifier.matches("4x") && !TextGrammar.identifier.matches("a$b") && !TextGrammar.identifier.matches(""))
        #expect(TextGrammar.vlnv.matches("cascadecnn:engine:engine_w4:1.0.0") && !TextGrammar.vlnv.matches("a:b:c"))
        #expect(TextGrammar.path.matches("rtl/cascade/tb/memory.hex") && !TextGrammar.path.matches("/etc/passwd"))
        #expect(TextGrammar.number.matches("150.0") && TextGrammar.number.matches("-3") && !TextGrammar.number.matches("1e+06"))
        for value in hostileStrings {
            for grammar in TextGrammar.allCases { #expect(!grammar.matches(value), "\(grammar) took \(value)") }
        }
    }

    /// A module whose one-line summary is not one line.
    struct Summarised: Module {
        var summary: String
        var name: String { "summarised" }
        func build(_ m: ModuleBuilder) throws { m.output("y", m.input("a", .uint(1))) }
    }

    @Test("a module's summary stays in its Verilog comment", arguments: hostileStrings)
    func verilogComment(_ summary: String) throws {
        let text = VerilogEmitter.files(for: try Circuit(Summarised(summary: summary)))[0].contents
        let first = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).first)
        #expect(first == "// summarised: \(Quoting.comment(summary))")
        #expect(text.split(separator: "\n")[1].hasPrefix("// Generated by HDLGen"))
    }
}
