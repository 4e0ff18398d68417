/// A text file of `templates/` with placeholders, filled by `filled(_:)`, the one function that
/// writes values into generated Tcl, XDC, Makefiles, FuseSoC cores, READMEs and the report.
///
/// Syntax: `{{name}}` is written as the template's language implies (Tcl quoted, Make a path,
/// YAML a scalar, HTML and Markdown escaped); `{{name:kind}}` names the kind (`comment`,
/// `identifier`, `part`, `markup`, … see `TemplateKind`). `{{each name}}…{{between}}…{{end}}`
/// repeats its body once per item of a list, with the text after `{{between}}` between two
/// items; inside it placeholders name the item's fields. Everything else is copied as it is;
/// `{{` always opens a placeholder.
public struct Template: Sendable {
    /// The path under `templates/`, e.g. `vivado/build.tcl`.
    public let name: String
    public let language: TemplateLanguage
    let nodes: [Node]

    enum Node: Sendable {
        case text(String)
        case value(Placeholder)
        case each(list: String, line: Int, body: [Node], between: [Node])
    }

    struct Placeholder: Sendable {
        var name: String
        var kind: TemplateKind
        var line: Int
    }

    /// Parses `text` as the template `name`; the name's extension gives the language.
    public init(name: String, text: String) throws(TemplateError) {
        guard let language = TemplateLanguage(fileName: name) else {
            throw .malformed(template: name, line: 1, reason: "no template language for this file name "
                             + "(Makefile, .mk, .tcl, .xdc, .core, .yml, .yaml, .html, .md)")
        }
        self.name = name
        self.language = language
        self.nodes = try TemplateParser(name: name, language: language, text: text).parse()
    }

    /// The template `name` as the binary embeds it from `templates/`.
    public static func named(_ name: String) throws(TemplateError) -> Template {
        guard let text = EmbeddedTemplates.files[name] else { throw .unknownTemplate(name) }
        return try Template(name: name, text: text)
    }

    /// The embedded template `name` filled with `values`.
    public static func fill(_ name: String, _ values: [String: TemplateValue]) throws(TemplateError) -> String {
        try named(name).filled(values)
    }

    /// The text with every placeholder replaced by its value, written for its kind. Every
    /// placeholder needs a value and every value a placeholder; a value that does not have
    /// its placeholder's form is refused, never written.
    public func filled(_ values: [String: TemplateValue]) throws(TemplateError) -> String {
        var used: Set<String> = []
        var out = ""
        try render(nodes, values: values, item: nil, used: &used, into: &out)
        if let unused = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw .unusedValue(template: name, name: unused)
        }
        return out
    }

    /// The item of the `each` block being written: its list, its fields, and the fields of all
    /// the list's items (one an item lacks is missing, not taken from the outer values).
    private typealias Item = (list: String, fields: [String: String], names: Set<String>)

    private func render(_ nodes: [Node], values: [String: TemplateValue], item: Item?,
                        used: inout Set<String>, into out: inout String) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let text):
                out += text
            case .value(let placeholder):
                let name = placeholder.name
                let value: TemplateValue
                if let item, item.names.contains(name) {
                    guard let field = item.fields[name] else {
                        throw .missingValue(template: self.name, line: placeholder.line, placeholder: name)
                    }
                    used.insert("\(item.list).\(name)")
                    value = .text(field)
                } else if let given = values[name] {
                    used.insert(name)
                    value = given
                } else {
                    throw .missingValue(template: self.name, line: placeholder.line, placeholder: name)
                }
                out += try written(value, for: placeholder)
            case let .each(list, line, body, between):
                guard let given = values[list] else { throw .missingValue(template: name, line: line, placeholder: "each \(list)") }
                guard case .list(let items) = given else {
                    throw .wrongValue(template: name, line: line, placeholder: "each \(list)", expected: "a list")
                }
                used.insert(list)
                let names = Set(items.flatMap(\.keys))
                for (index, fields) in items.enumerated() {
                    if index > 0 { try render(between, values: values, item: (list, fields, names), used: &used, into: &out) }
                    try render(body, values: values, item: (list, fields, names), used: &used, into: &out)
                }
                if let unused = names.sorted().first(where: { !used.contains("\(list).\($0)") }) {
                    throw .unusedValue(template: name, name: "field \(unused) of \(list)")
                }
            }
        }
    }

    private func written(_ value: TemplateValue, for placeholder: Placeholder) throws(TemplateError) -> String {
        switch (value, placeholder.kind) {
        case (.markup(let markup), .markup):
            return markup
        case (.markup, _), (.list, _):
            throw .wrongValue(template: name, line: placeholder.line, placeholder: placeholder.name,
                              expected: "text, not \(value.sort)")
        case (.text, .markup):
            throw .wrongValue(template: name, line: placeholder.line, placeholder: placeholder.name,
                              expected: "markup the generator wrote, not text")
        case (.text(let text), let kind):
            guard let written = kind.written(text) else {
                let form = if case .grammar(let grammar) = kind { grammar.form } else { "\(kind)" }
                throw .invalidValue(template: name, line: placeholder.line, placeholder: placeholder.name,
                                    value: text.quotedForMessage, form: form)
            }
            return written
        }
    }
}

extension TemplateValue {
    /// What sort of value it is, for an error.
    var sort: String {
        switch self {
        case .text: return "text"
        case .markup: return "markup"
        case .list: return "a list"
        }
    }
}
