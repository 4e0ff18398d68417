/// How a string is written into each language of the generated files so that it reads as the
/// same characters and is never code: every function keeps ordinary text (letters, digits,
/// `_ . / -`) as it is, so generated files change only where a value needs quoting.
public enum Quoting {
    /// Text in Tcl (also XDC) that Tcl reads back as exactly these characters: bare when it is
    /// only letters, digits and `_ . / : + - = , @ %`; otherwise every other ASCII character
    /// backslashed, invisible ones written `\uHHHH`, the empty text `[]`. Safe as a word, inside
    /// a word and in a double-quoted string (braces would not be, mid-word); Tcl substitutes
    /// nothing in it.
    public static func tcl(_ text: String) -> String {
        let scalars = text.unicodeScalars
        if scalars.isEmpty { return "[]" }   // an empty command: empty text in any position
        if scalars.allSatisfy(isTclBare) { return text }
        var out = ""
        for scalar in scalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.isInvisible: out += codePointEscape(scalar)
            case _ where isTclBare(scalar) || !scalar.isASCII: out.unicodeScalars.append(scalar)
            default: out += "\\"; out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The text of a line comment (`#` in Tcl, Make and YAML, `//` in Verilog): one line, a
    /// backslash doubled (so none ends the line and continues the comment onto the next) and
    /// invisible characters shown as `\u{1B}`.
    public static func comment(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" { out += "\\\\" } else if scalar.isInvisible { out += scalar.visibleEscape } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// A YAML scalar: plain when it is a letter, `_` or `/` and then letters, digits and
    /// `_ . / : + -` (not ending in `:`, not a word YAML reads as a boolean or null);
    /// otherwise double-quoted with `\\`, `\"` and escapes for invisible characters.
    public static func yaml(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let reserved: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"]
        if let first = scalars.first, first.isASCIILetter || first == "_" || first == "/", scalars.last != ":",
           !reserved.contains(text.lowercased()),
           scalars.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || "_./:+-".unicodeScalars.contains($0) }) {
            return text
        }
        var out = "\""
        for scalar in scalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{1B}": out += "\\e"
            case _ where scalar.isInvisible: out += codePointEscape(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Text in HTML or XML (SVG), between tags or in a double-quoted attribute: `& < > "` as
    /// entities, invisible characters other than newline and tab shown as `\u{1B}`.
    public static func html(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case _ where scalar.isInvisible: out += scalar.visibleEscape
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for a terminal: newlines and tabs kept, every other invisible character shown as
    /// `\u{1B}`, so that a name from an input cannot send an escape sequence or reorder the line.
    public static func terminal(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar != "\n" && scalar != "\t" && scalar.isInvisible { out += scalar.visibleEscape } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Text in a Markdown line: `& < >` as entities (no HTML from a value), invisible
    /// characters, newlines included, shown as `\u{A}`.
    public static func markdown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case _ where scalar.isInvisible: out += scalar.visibleEscape
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isTclBare(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCIILetter || scalar.isASCIIDigit || "_./:+-=,@%".unicodeScalars.contains(scalar)
    }

    /// `\u001b` or `\U0001f600`: the escape Tcl and YAML both read as the code point.
    private static func codePointEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16), width = scalar.value <= 0xFFFF ? 4 : 8
        return (width == 4 ? "\\u" : "\\U") + String(repeating: "0", count: max(0, width - hex.count)) + hex
    }
}

extension String {
    /// The string quoted for an error message: `\"`, `\\`, and invisible characters as `\u{1B}`
    /// (no terminal control sequence or bidirectional override gets through), cut after 60
    /// characters.
    public var quotedForMessage: String {
        let cut = count > 60 ? String(prefix(60)) + "…" : self
        var out = "\""
        for scalar in cut.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.isInvisible: out += scalar.visibleEscape
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
