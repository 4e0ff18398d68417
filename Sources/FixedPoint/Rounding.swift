/// How a right shift disposes of the bits it drops.
public enum Rounding: String, Sendable, Hashable, Codable, CaseIterable {
    /// Round half up: `(v + 2^(s-1)) >> s`, the rule of DESIGN.md for every requantisation.
    case halfUp = "half-up"
    /// Plain truncation towards minus infinity: `v >> s`.
    case truncate
}
