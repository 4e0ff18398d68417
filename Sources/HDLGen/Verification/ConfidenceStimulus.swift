import FixedPoint

/// Random and corner-case samples for the CEU.
public enum ConfidenceStimulus {
    /// `count` samples of `classes` score words: first the corners (all equal, so ties
    /// everywhere; one dominant score; two tied leaders; the extremes of the format), then
    /// random samples, some with a clear winner and some flat.
    public static func samples(classes: Int, format: FixedPointFormat, count: Int, seed: UInt64) -> [[Int]] {
        var random = SeededGenerator(seed: seed)
        let low = format.minimum, high = format.maximum
        var samples: [[Int]] = [
            Array(repeating: 0, count: classes),
            Array(repeating: high, count: classes),
            Array(repeating: low, count: classes),
            (0..<classes).map { $0 == classes / 2 ? high : low },
            (0..<classes).map { $0 == classes - 1 || $0 == classes / 3 ? high : 0 },
            (0..<classes).map { $0 % 2 == 0 ? low : high },
        ]
        while samples.count < count {
            let spread = Int.random(in: 1...max(1, (high - low) / 2), using: &random)
            let centre = Int.random(in: low...high, using: &random)
            var sample = (0..<classes).map { _ in
                Swift.min(high, Swift.max(low, centre + Int.random(in: -spread...spread, using: &random)))
            }
            if Bool.random(using: &random) {
                let winner = Int.random(in: 0..<classes, using: &random)
                sample[winner] = Swift.min(high, sample[winner] + Int.random(in: 0...(high - low), using: &random))
            }
            samples.append(sample)
        }
        return Array(samples.prefix(count))
    }
}
