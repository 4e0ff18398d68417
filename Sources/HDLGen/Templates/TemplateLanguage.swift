/// The language of a template, from its file name: it decides how a placeholder without a
/// kind is written and which kinds may appear (`{{x:yaml}}` in a Tcl script is an error).
public enum TemplateLanguage: String, Sendable {
    /// `.tcl`, `.xdc`: Vivado's Tcl.
    case tcl
    /// `Makefile`, `.mk`: GNU Make (its recipes are shell).
    case make
    /// `.core`, `.yml`, `.yaml`: YAML (FuseSoC's CAPI2 core files).
    case yaml
    /// `.html`: an HTML page.
    case html
    /// `.md`: Markdown.
    case markdown

    /// The language of the template file `name` (a path under `templates/`), nil when unknown.
    public init?(fileName name: String) {
        let file = name.split(separator: "/").last.map(String.init) ?? name
        let suffix = file.split(separator: ".").count > 1 ? String(file.split(separator: ".").last!) : ""
        switch suffix {
        case "tcl", "xdc": self = .tcl
        case "mk": self = .make
        case "core", "yml", "yaml": self = .yaml
        case "html": self = .html
        case "md": self = .markdown
        default:
            guard file == "Makefile" else { return nil }
            self = .make
        }
    }

    /// The kind of a placeholder that names none: quoting where the language has a safe one,
    /// otherwise a strict form (Make and its shell recipes: a path).
    public var defaultKind: TemplateKind {
        switch self {
        case .tcl: return .tcl
        case .make: return .grammar(.path)
        case .yaml: return .yaml
        case .html: return .html
        case .markdown: return .markdown
        }
    }

    /// Whether a placeholder of `kind` may appear in this language.
    public func allows(_ kind: TemplateKind) -> Bool {
        switch kind {
        case .grammar, .markup: return true
        case .comment: return self == .tcl || self == .make || self == .yaml
        case .tcl: return self == .tcl
        case .yaml: return self == .yaml
        case .html: return self == .html
        case .markdown: return self == .markdown
        }
    }
}
