/// Reads a template's text into text, placeholders and `each` blocks, refusing anything it
/// does not know with the line: a malformed `{{…}}`, an unknown kind, a kind the language does
/// not allow, an `each` inside an `each`, a `between` or `end` without its `each`.
struct TemplateParser {
    let name: String
    let language: TemplateLanguage
    let text: String

    func parse() throws(TemplateError) -> [Template.Node] {
        var top: [Template.Node] = []
        // The open `each` block: its list, line, body and (after `{{between}}`) separator.
        var block: (list: String, line: Int, body: [Template.Node], between: [Template.Node]?)?
        func append(_ node: Template.Node) {
            if block == nil { top.append(node) } else if block!.between == nil { block!.body.append(node) } else { block!.between!.append(node) }
        }
        var rest = Substring(text)
        var line = 1
        while let open = rest.range(of: "{{") {
            let before = rest[..<open.lowerBound]
            if !before.isEmpty { append(.text(String(before))) }
            line += before.filter { $0 == "\n" }.count
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .malformed(template: name, line: line, reason: "{{ without }}")
            }
            let inside = String(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
            let words = inside.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            switch words.first {
            case "each":
                guard words.count == 2, isName(words[1]) else { throw malformed(line, "write {{each name}}, not {{\(inside)}}") }
                guard block == nil else { throw malformed(line, "{{each}} inside {{each \(block!.list)}}") }
                block = (words[1], line, [], nil)
            case "between":
                guard words.count == 1, block != nil, block!.between == nil else { throw malformed(line, "{{between}} outside {{each}}, or twice") }
                block!.between = []
            case "end":
                guard words.count == 1, let open = block else { throw malformed(line, "{{end}} without {{each}}") }
                top.append(.each(list: open.list, line: open.line, body: open.body, between: open.between ?? []))
                block = nil
            default:
                append(.value(try placeholder(inside, line: line)))
            }
            line += inside.filter { $0 == "\n" }.count
        }
        if !rest.isEmpty { append(.text(String(rest))) }
        if let block { throw malformed(block.line, "{{each \(block.list)}} without {{end}}") }
        return top
    }

    /// `name` or `name:kind`.
    private func placeholder(_ inside: String, line: Int) throws(TemplateError) -> Template.Placeholder {
        let parts = inside.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), isName(parts[0]) else {
            throw malformed(line, "{{\(inside)}} is not a placeholder: write {{name}} or {{name:kind}}")
        }
        guard parts.count == 2 else { return .init(name: parts[0], kind: language.defaultKind, line: line) }
        guard let kind = TemplateKind(name: parts[1]) else {
            throw malformed(line, "unknown kind \"\(parts[1])\" in {{\(inside)}}; kinds: \(TemplateKind.names.joined(separator: ", "))")
        }
        guard language.allows(kind) else {
            throw malformed(line, "kind \(parts[1]) has no meaning in a \(language.rawValue) file ({{\(inside)}})")
        }
        return .init(name: parts[0], kind: kind, line: line)
    }

    /// A placeholder's name: a letter, then letters and digits.
    private func isName(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first, first.isASCIILetter else { return false }
        return !["each", "between", "end"].contains(word) && word.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit }
    }

    private func malformed(_ line: Int, _ reason: String) -> TemplateError {
        .malformed(template: name, line: line, reason: reason)
    }
}
