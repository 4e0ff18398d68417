/// The strict forms a value may be required to have before it reaches a generated file, each
/// with the sentence an error shows. A value that matches one is safe bare in every language
/// the templates use (Tcl, Make, YAML, HTML, Markdown, Verilog).
public enum TextGrammar: String, CaseIterable, Sendable {
    /// A Verilog identifier as HDLGen writes them: `engine_w4_p8_k8_axi`.
    case identifier
    /// A Xilinx part: `xc7z045ffg900-2`, `xczu9eg-ffvb1156-2-e`.
    case part
    /// A FuseSoC VLNV name: `cascadecnn:engine:engine_w4_p8_k8:1.0.0`.
    case vlnv
    /// A relative file name or path: `rtl/pe_w4_k16_n4096.v`.
    case path
    /// A decimal number: `150.0`, `6.667`, `2048`.
    case number

    /// The form in words, for an error: "a Xilinx part name (…)".
    public var form: String {
        switch self {
        case .identifier: return "a Verilog identifier: a letter or _, then letters, digits and _ (at most 1024)"
        case .part: return "a Xilinx part name: x, then letters and digits in groups joined by single dashes, "
            + "at most 64 characters (e.g. xc7z045ffg900-2, xczu9eg-ffvb1156-2-e)"
        case .vlnv: return "a VLNV name: vendor:library:name:version, each of letters, digits and _ . -"
        case .path: return "a relative path: letters, digits and _ . / + -, not starting with - or /"
        case .number: return "a decimal number such as 150 or 6.667"
        }
    }

    /// Whether `text` has this form.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        switch self {
        case .identifier:
            guard let first = scalars.first, scalars.count <= 1024, first.isASCIILetter || first == "_" else { return false }
            return scalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
        case .part:
            let groups = text.split(separator: "-", omittingEmptySubsequences: false)
            guard scalars.count <= 64, let first = groups.first, first.count >= 3,
                  first.first == "x" || first.first == "X" else { return false }
            return groups.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit } }
        case .vlnv:
            let fields = text.split(separator: ":", omittingEmptySubsequences: false)
            return fields.count == 4 && scalars.count <= 256 && fields.allSatisfy { field in
                !field.isEmpty && field.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || "_.-".unicodeScalars.contains($0) }
            }
        case .path:
            guard let first = scalars.first, first != "-", first != "/", scalars.count <= 4096 else { return false }
            return scalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || "_./+-".unicodeScalars.contains($0) }
        case .number:
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            let whole = parts[0].hasPrefix("-") ? parts[0].dropFirst() : parts[0]
            return parts.count <= 2 && scalars.count <= 64 && ([whole] + parts.dropFirst()).allSatisfy { digits in
                !digits.isEmpty && digits.unicodeScalars.allSatisfy(\.isASCIIDigit)
            }
        }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }

    /// A character that shows nothing or moves the text: controls (newline, ESC, DEL, C1),
    /// format characters (bidirectional overrides, zero-width) and line or paragraph separators.
    var isInvisible: Bool {
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// `\u{1B}`: how the comment, Markdown and HTML quoting show an invisible character.
    var visibleEscape: String { "\\u{\(String(value, radix: 16, uppercase: true))}" }
}

extension String {
    /// Whether the text holds a character that shows nothing or moves the text (a newline, ESC,
    /// a bidirectional override): such a name would read differently from what it is.
    public var hasInvisibleCharacters: Bool { unicodeScalars.contains { $0.isInvisible } }
}
