import Foundation
import HDLGen

/// Text bound for the terminal, escaped by `Quoting.terminal`: model, layer and file names
/// come from inputs, and a name holding an escape sequence must not drive the user's terminal.
enum TerminalText {
    /// Writes an error to standard error: `error: ` (unless the argument parser's message
    /// already says `Error:`) and the escaped message.
    static func writeError(_ message: String) {
        let text = message.hasPrefix("Error:") || message.hasPrefix("error:") ? message : "error: \(message)"
        FileHandle.standardError.write(Data((Quoting.terminal(text) + "\n").utf8))
    }
}

/// The command's output on standard output, escaped by `Quoting.terminal`. It shadows the
/// standard library's `print` in this module, so that no output line can forget to escape.
func print(_ text: String, terminator: String = "\n") {
    Swift.print(Quoting.terminal(text), terminator: terminator)
}
