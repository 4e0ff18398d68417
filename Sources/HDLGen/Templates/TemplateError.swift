/// A template that cannot be filled: it is unknown or malformed, or a value is missing, left
/// over, of the wrong sort, or not of its placeholder's form. Each names the template file
/// (under `templates/`), the line and the placeholder.
public enum TemplateError: Error, Equatable, CustomStringConvertible, Sendable {
    case unknownTemplate(String)
    case malformed(template: String, line: Int, reason: String)
    case missingValue(template: String, line: Int, placeholder: String)
    case unusedValue(template: String, name: String)
    case wrongValue(template: String, line: Int, placeholder: String, expected: String)
    case invalidValue(template: String, line: Int, placeholder: String, value: String, form: String)

    public var description: String {
        switch self {
        case let .unknownTemplate(name):
            return "no template templates/\(name)"
        case let .malformed(template, line, reason):
            return "templates/\(template):\(line): \(reason)"
        case let .missingValue(template, line, placeholder):
            return "templates/\(template):\(line): no value for {{\(placeholder)}}"
        case let .unusedValue(template, name):
            return "templates/\(template): the generator gives \(name), which no placeholder uses"
        case let .wrongValue(template, line, placeholder, expected):
            return "templates/\(template):\(line): {{\(placeholder)}} needs \(expected)"
        case let .invalidValue(template, line, placeholder, value, form):
            return "templates/\(template):\(line): {{\(placeholder)}} = \(value) is not \(form)"
        }
    }
}
