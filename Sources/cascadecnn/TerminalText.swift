import Foundation

/// Text bound for the terminal. Model, layer and file names come from inputs, and a name
/// holding an escape sequence must not drive the user's terminal: every control character
/// but the line breaks and tabs of the tool's own layout is shown as an escape (`\u{1B}`).
enum TerminalText {
    /// `text` with every control character but line breaks and tabs escaped.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || !isControl(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    /// C0 and C1 control characters and DEL.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Writes an error to standard error: `error: ` (unless the argument parser's message
    /// already says `Error:`) and the escaped message.
    static func writeError(_ message: String) {
        let text = message.hasPrefix("Error:") || message.hasPrefix("error:") ? message : "error: \(message)"
        FileHandle.standardError.write(Data((escaped(text) + "\n").utf8))
    }
}

/// The command's output on standard output, escaped by `TerminalText`. It shadows the
/// standard library's `print` in this module, so that no output line can forget to escape.
func print(_ text: String, terminator: String = "\n") {
    Swift.print(TerminalText.escaped(text), terminator: terminator)
}
