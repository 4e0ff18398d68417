/// A design request the explorer cannot meet: each case says which unit, at which
/// wordlength, needed what against which budget.
public enum ExplorationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Not even one PE of one MACC (with its buffers) fits.
    case budgetTooSmall(unit: String, wordlength: Int, needed: Resources, budget: Resources)
    /// The engine at the tile sizes the user fixed fits the budget in no buffers.
    case engineTooLarge(engine: String, needed: Resources, budget: Resources)
    case invalidParameter(name: String, value: String, allowed: String)
    /// A wordlength with no accuracy figure, or no wordlength meeting a tolerance.
    case noWordlength(String)

    public var description: String {
        switch self {
        case let .budgetTooSmall(unit, wordlength, needed, budget):
            return "the budget is too small for one PE of the \(unit) at \(wordlength) bits: it needs "
                + "\(needed); the budget is \(budget)"
        case let .engineTooLarge(engine, needed, budget):
            return "the \(engine) does not fit the budget in any buffers: with the least (one pooled row per band) it needs "
                + "\(needed); the budget is \(budget); choose fewer PEs, MACCs or columns"
        case let .invalidParameter(name, value, allowed):
            return "\(name) = \(value) is outside the allowed range \(allowed)"
        case let .noWordlength(reason):
            return reason
        }
    }
}
