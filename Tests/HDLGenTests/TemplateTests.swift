import Foundation
import Testing
@testable import HDLGen

/// The template syntax, and every way a template or its values can be wrong.
@Suite struct TemplateTests {
    static func error(_ text: String, _ values: [String: TemplateValue] = [:], name: String = "t.tcl") -> TemplateError? {
        do { _ = try Template(name: name, text: text).filled(values); return nil } catch { return error }
    }

    @Test func placeholdersListsAndSeparators() throws {
        let template = try Template(name: "t.tcl", text: "# {{top:identifier}} on {{device:comment}}\n"
            + "add [list \\\n{{each files}}    [f {{file}}]{{between}} \\\n{{end}}]\n-part {{part:part}}\n")
        let text = try template.filled(["top": .text("t_axi"), "device": .text("my board"), "part": .text("xc7z045ffg900-2"),
                                        "files": .list(["rtl/a.v", "my file.v"], field: "file")])
        #expect(text == "# t_axi on my board\nadd [list \\\n    [f rtl/a.v] \\\n    [f my\\ file.v]]\n-part xc7z045ffg900-2\n")
        let empty = try template.filled(["top": .text("t"), "device": .text("d"), "part": .text("xc7z045ffg900-2"), "files": .list([])])
        #expect(empty.contains("add [list \\\n]\n"))
        // Records: a field per placeholder of the block; text without placeholders is copied as it is.
        let core = try Template(name: "c.core", text: "{{each data}}\n- {{file}} : {copyto: {{copy}}}{{end}}\n")
            .filled(["data": .list([["file": "tb/m.hex", "copy": "m.hex"]])])
        #expect(core == "\n- tb/m.hex : {copyto: m.hex}\n")
        #expect(try Template(name: "plain.md", text: "no placeholders {x} }}").filled([:]) == "no placeholders {x} }}")
    }

    @Test("each language writes an unnamed kind its own way")
    func defaultKinds() throws {
        let value: [String: TemplateValue] = ["v": .text("a b<c>")]
        #expect(try Template(name: "x.tcl", text: "{{v}}").filled(value) == "a\\ b\\<c\\>")
        #expect(try Template(name: "x.core", text: "{{v}}").filled(value) == "\"a b<c>\"")
        #expect(try Template(name: "x.html", text: "{{v}}").filled(value) == "a b&lt;c&gt;")
        #expect(try Template(name: "x.md", text: "{{v}}").filled(value) == "a b&lt;c&gt;")
        #expect(try Template(name: "Makefile", text: "{{v}}").filled(["v": .text("rtl/a.v")]) == "rtl/a.v")
        guard case .invalidValue(_, _, _, _, let form)? = Self.error("{{v}}", value, name: "Makefile") else { Issue.record("Make took a b<c>"); return }
        #expect(form == TextGrammar.path.form)
    }

    @Test("a value that does not have its placeholder's form is refused with the file, line and placeholder")
    func invalidValues() throws {
        let error = Self.error("# x\ncreate_project -part {{part:part}}\n", ["part": .text("[exec touch X]")], name: "vivado/build.tcl")
        #expect(error == .invalidValue(template: "vivado/build.tcl", line: 2, placeholder: "part",
                                       value: "\"[exec touch X]\"", form: TextGrammar.part.form))
        #expect("\(error!)".hasPrefix("templates/vivado/build.tcl:2: {{part}} = \"[exec touch X]\" is not a Xilinx part name"))
        // The message shows an ESC or a newline escaped, never raw.
        let escaped = Self.error("{{top:identifier}}", ["top": .text("a\u{1B}[2J\nb")])
        #expect(!"\(escaped!)".contains("\u{1B}") && !"\(escaped!)".contains("\n"))
    }

    @Test("missing, left-over and wrong values are errors")
    func values() {
        #expect(Self.error("{{a}} {{b}}", ["a": .text("x")]) == .missingValue(template: "t.tcl", line: 1, placeholder: "b"))
        #expect(Self.error("{{a}}", ["a": .text("x"), "b": .text("y")]) == .unusedValue(template: "t.tcl", name: "b"))
        #expect(Self.error("{{each l}}{{f}}{{end}}", ["l": .list([["f": "1", "g": "2"]])])
                == .unusedValue(template: "t.tcl", name: "field g of l"))
        #expect(Self.error("{{each l}}{{f}}{{end}}", ["l": .text("x")])
                == .wrongValue(template: "t.tcl", line: 1, placeholder: "each l", expected: "a list"))
        #expect(Self.error("{{a}}", ["a": .markup("<b>")])
                == .wrongValue(template: "t.tcl", line: 1, placeholder: "a", expected: "text, not markup"))
        #expect(Self.error("{{a:markup}}", ["a": .text("<b>")])
                == .wrongValue(template: "t.tcl", line: 1, placeholder: "a", expected: "markup the generator wrote, not text"))
        #expect(Self.error("{{each l}}{{missing}}{{end}}", ["l": .list([["f": "1"]])]) != nil)
        #expect(Self.error("{{each l}}{{f}}{{end}}", ["l": .list([["f": "1"], [:]]), "f": .text("outer")])
                == .missingValue(template: "t.tcl", line: 1, placeholder: "f"))
    }

    @Test("malformed templates name the line", arguments: [
        ("a\n{{b", 2, "without }}"),
        ("{{b:shell}}", 1, "unknown kind \"shell\""),
        ("{{b:yaml}}", 1, "no meaning in a tcl file"),
        ("{{b c}}", 1, "not a placeholder"),
        ("{{ b }}", 1, "not a placeholder"),
        ("{{each}}", 1, "{{each name}}"),
        ("x\n\n{{each a}}{{each b}}{{end}}{{end}}", 3, "inside {{each a}}"),
        ("{{each a}}x", 1, "without {{end}}"),
        ("{{end}}", 1, "without {{each}}"),
        ("{{between}}", 1, "outside {{each}}"),
        ("{{end:tcl}}", 1, "not a placeholder"),
    ])
    func malformed(_ text: String, _ line: Int, _ reason: String) {
        guard case .malformed(let template, let at, let why)? = Self.error(text) else { Issue.record("accepted \(text)"); return }
        #expect(template == "t.tcl" && at == line && why.contains(reason), "\(at): \(why)")
    }

    @Test func unknownTemplatesAndLanguages() {
        #expect(throws: TemplateError.unknownTemplate("vivado/nothing.tcl")) { try Template.named("vivado/nothing.tcl") }
        #expect(Self.error("x", name: "notes.txt") != nil)
        #expect(TemplateLanguage(fileName: "a/b/Makefile") == .make && TemplateLanguage(fileName: "x.xdc") == .tcl)
        #expect(TemplateLanguage(fileName: "ip.core") == .yaml && TemplateLanguage(fileName: "Makefile.txt") == nil)
    }
}
