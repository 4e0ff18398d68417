/// How a placeholder's value is written, named after the colon in `{{name:kind}}`: quoted for
/// a context of the language, checked against a strict form, or inserted as markup.
public enum TemplateKind: Hashable, Sendable {
    /// `tcl`: `Quoting.tcl`.
    case tcl
    /// `comment`: `Quoting.comment`, in a `#` line comment.
    case comment
    /// `yaml`: `Quoting.yaml`.
    case yaml
    /// `html`: `Quoting.html`.
    case html
    /// `markdown`: `Quoting.markdown`.
    case markdown
    /// `identifier`, `part`, `vlnv`, `path`, `number`: the value must have this form, and is
    /// written as it is (each form is plain text in every language).
    case grammar(TextGrammar)
    /// `markup`: text the generator wrote in the template's language (another filled
    /// template, the report's tables); only a `TemplateValue.markup` may fill it.
    case markup

    /// The kind called `name` in a template, nil when there is none.
    public init?(name: String) {
        switch name {
        case "tcl": self = .tcl
        case "comment": self = .comment
        case "yaml": self = .yaml
        case "html": self = .html
        case "markdown": self = .markdown
        case "markup": self = .markup
        default:
            guard let grammar = TextGrammar(rawValue: name) else { return nil }
            self = .grammar(grammar)
        }
    }

    /// Every name a placeholder may use after its colon.
    public static let names = ["tcl", "comment", "yaml", "html", "markdown", "markup"] + TextGrammar.allCases.map(\.rawValue)

    /// `text` as it goes into the file, or nil when it does not have the kind's form.
    func written(_ text: String) -> String? {
        switch self {
        case .tcl: return Quoting.tcl(text)
        case .comment: return Quoting.comment(text)
        case .yaml: return Quoting.yaml(text)
        case .html: return Quoting.html(text)
        case .markdown: return Quoting.markdown(text)
        case .grammar(let grammar): return grammar.matches(text) ? text : nil
        case .markup: return nil
        }
    }
}
