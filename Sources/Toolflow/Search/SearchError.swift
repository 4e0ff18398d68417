/// Why the CascadeCNN search cannot give an answer, in words a user can act on.
public enum SearchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The evaluation or test set has no labels.
    case unlabelledData(String)
    /// No explored wordlength reaches the accuracy the tolerance asks for.
    case toleranceUnreachable(tolerance: Double, target: Double, best: Double, bestWordlength: Int)
    /// The HPU is already the shortest explored wordlength, so no LPU is left.
    case noShorterWordlength(hpu: Int)
    /// An option outside what the search accepts.
    case invalidOption(String)

    public var description: String {
        func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
        switch self {
        case .unlabelledData(let what):
            return "\(what) has no labels.npy; the search needs labelled evaluation and test sets"
        case let .toleranceUnreachable(tolerance, target, best, wordlength):
            return "no wordlength meets a tolerance of \(tolerance) points: the target is \(percent(target)) top-1, "
                + "and the best explored is \(percent(best)) at \(wordlength) bits; loosen --tolerance or widen --wordlengths"
        case .noShorterWordlength(let hpu):
            return "the tolerance is already met at \(hpu) bits, the shortest explored wordlength, so nothing shorter "
                + "is left for an LPU; lower the start of --wordlengths or fix --hpu-wordlength"
        case .invalidOption(let message):
            return message
        }
    }
}
