import Foundation

/// Exact (Clopper–Pearson) one-sided confidence bounds on the success probability of a
/// binomial experiment: valid for every sample size, conservative rather than approximate.
public enum BinomialBound {
    /// P(X ≤ k) for X ~ Binomial(n, p), each term in log space so that large n do not underflow.
    public static func cumulative(_ k: Int, trials n: Int, probability p: Double) -> Double {
        guard k >= 0 else { return 0 }
        guard k < n, p > 0 else { return 1 }
        guard p < 1 else { return 0 }
        // log P(X = i), stepped from i = 0 by the ratio of successive terms.
        let logRatio = log(p) - log1p(-p)
        var logTerm = Double(n) * log1p(-p), sum = exp(logTerm)
        for i in 0..<k {
            logTerm += log(Double(n - i)) - log(Double(i + 1)) + logRatio
            sum += exp(logTerm)
        }
        return min(1, sum)
    }

    /// The largest p still consistent with `successes` of `trials` at `confidence`: the p
    /// where P(X ≤ successes) falls to 1 − confidence. 1 when every trial succeeded.
    public static func upper(successes k: Int, trials n: Int, confidence: Double) -> Double {
        precondition(n > 0 && (0...n).contains(k) && confidence > 0 && confidence < 1)
        guard k < n else { return 1 }
        let alpha = 1 - confidence
        // The cumulative probability falls as p grows: bisect for the crossing.
        var (low, high) = (Double(k) / Double(n), 1.0)
        for _ in 0..<60 {
            let middle = (low + high) / 2
            if cumulative(k, trials: n, probability: middle) > alpha { low = middle } else { high = middle }
        }
        return high
    }

    /// The smallest p still consistent with `successes` of `trials` at `confidence`; 0 when
    /// none succeeded.
    public static func lower(successes k: Int, trials n: Int, confidence: Double) -> Double {
        1 - upper(successes: n - k, trials: n, confidence: confidence)
    }
}
