/// What fills a placeholder: text (quoted or checked by the placeholder's kind), markup the
/// generator wrote (only for `{{name:markup}}`), or the items of an `{{each name}}` block.
public enum TemplateValue: Sendable, Equatable {
    case text(String)
    case markup(String)
    /// One record per repetition; the block's placeholders name the record's fields.
    case list([[String: String]])

    /// A list of one field per item: `.list(files, field: "file")`.
    public static func list(_ items: [String], field: String) -> TemplateValue {
        .list(items.map { [field: $0] })
    }
}
