// How generated modules and nets are named.

/// `inputAddress` → `input_address`.
func snakeCase(_ value: some Any) -> String {
    var text = ""
    for character in String(describing: value) {
        if character.isUppercase { text += "_" + character.lowercased() } else { text.append(character) }
    }
    return text
}

/// An eight-digit FNV-1a hash of `text`: a short, stable suffix for names with many parameters.
func stableHash(_ text: String) -> String {
    var hash: UInt32 = 2_166_136_261
    for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
