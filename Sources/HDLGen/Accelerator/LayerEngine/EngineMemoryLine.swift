/// The format of one memory line of a `LayerEngine`: K_t words of w bits, word k in bits
/// k·w … k·w + w − 1 (two's complement, upper bits zero), or one bias in two's complement
/// over the whole line. Lines travel as hexadecimal text, most significant digit first,
/// as `$readmemh` reads them.
public enum EngineMemoryLine {
    /// The line holding `words` (each a w-bit two's-complement value).
    public static func hex(words: [Int], wordlength: Int, lineWidth: Int) -> String {
        padded(Testbench.hex(words, elementWidth: wordlength), to: lineWidth, with: "0")
    }

    /// The line holding `value` sign-extended to the whole line.
    public static func hex(value: Int, lineWidth: Int) -> String {
        padded(Testbench.hex([value], elementWidth: min(lineWidth, Int.bitWidth)), to: lineWidth, with: value < 0 ? "f" : "0")
    }

    private static func padded(_ digits: String, to lineWidth: Int, with digit: Character) -> String {
        String(repeating: digit, count: max(0, (lineWidth + 3) / 4 - digits.count)) + digits
    }

    /// The `count` w-bit signed words of a line given in hexadecimal; nil if it is not hexadecimal.
    public static func words(hex text: String, count: Int, wordlength: Int) -> [Int]? {
        var bits: [Bool] = []
        for character in text.reversed() {
            guard let nibble = character.hexDigitValue else { return nil }
            for b in 0..<4 { bits.append((nibble >> b) & 1 == 1) }
        }
        return (0..<count).map { k in
            var value = 0
            for b in 0..<wordlength where k * wordlength + b < bits.count && bits[k * wordlength + b] { value |= 1 << b }
            return value >= 1 << (wordlength - 1) ? value - (1 << wordlength) : value
        }
    }
}
