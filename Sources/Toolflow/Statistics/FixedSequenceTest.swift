/// Fixed-sequence testing: candidates ordered from the safest to the most daring are accepted
/// one by one while each passes its test at the full risk, and the first failure ends the
/// sequence; the chance that any accepted candidate is wrongly accepted stays within the risk
/// of one test. Learn-then-test (Angelopoulos et al., 2021) calibrates thresholds this way.
public enum FixedSequenceTest {
    /// The index of the last candidate accepted in order, or nil when the first one fails.
    public static func lastAccepted<C>(_ candidates: [C], passes: (C) throws -> Bool) rethrows -> Int? {
        var accepted: Int?
        for (index, candidate) in candidates.enumerated() {
            guard try passes(candidate) else { break }
            accepted = index
        }
        return accepted
    }
}
