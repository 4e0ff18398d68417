/// One cycle at the inputs of an MM unit; a PE is the case of one PE, a MACC of one PE with
/// one MACC. `weights[p]` holds PE p's K weights.
public struct MatrixMultiplyBeat: Sendable, Equatable {
    public var activations: [Int]
    public var weights: [[Int]]
    public var valid: Bool
    public var first: Bool
    public var last: Bool

    public init(activations: [Int], weights: [[Int]], valid: Bool, first: Bool, last: Bool) {
        self.activations = activations
        self.weights = weights
        self.valid = valid
        self.first = first
        self.last = last
    }
}

/// A completed accumulation window: PE p's exact sum, and the cycle of its `last` beat.
public struct MatrixMultiplyWindow: Sendable, Equatable {
    public var lastCycle: Int
    public var sums: [Int]
}

/// Golden model of the MACC, the PE and the MM unit: the exact dot-product sums of every
/// window, written from the definition (plain Int arithmetic), not from the hardware.
public enum MatrixMultiplyModel {
    /// The windows closed by `beats`, in order. Beats with `valid` clear are ignored; a valid
    /// beat marked `first` starts a window, and one marked `last` ends it.
    public static func windows(of beats: [MatrixMultiplyBeat]) -> [MatrixMultiplyWindow] {
        var sums: [Int] = []
        var result: [MatrixMultiplyWindow] = []
        for (cycle, beat) in beats.enumerated() where beat.valid {
            let dots = beat.weights.map { row in zip(row, beat.activations).reduce(0) { $0 + $1.0 * $1.1 } }
            sums = beat.first || sums.isEmpty ? dots : zip(sums, dots).map(+)
            if beat.last { result.append(MatrixMultiplyWindow(lastCycle: cycle, sums: sums)) }
        }
        return result
    }
}

/// Random and corner-case input streams for the MACC, PE and MM unit.
public enum MatrixMultiplyStimulus {
    /// The corners (maximal-length windows of the extreme products, a one-beat window,
    /// back-to-back windows), then at least `cycles` beats of random windows of random
    /// lengths with random idle gaps (idle beats carry random data that must be ignored).
    public static func beats(wordlength: Int, pes: Int, maccs: Int, maxWindow: Int, cycles: Int,
                             seed: UInt64) -> [MatrixMultiplyBeat] {
        var random = SeededGenerator(seed: seed)
        let low = -(1 << (wordlength - 1)), high = (1 << (wordlength - 1)) - 1
        func randomValue() -> Int {
            // One value in four is an extreme, the rest uniform.
            switch Int.random(in: 0..<8, using: &random) {
            case 0: return low
            case 1: return high
            default: return Int.random(in: low...high, using: &random)
            }
        }
        func beat(_ a: () -> Int, _ w: () -> Int, valid: Bool = true, first: Bool, last: Bool) -> MatrixMultiplyBeat {
            MatrixMultiplyBeat(activations: (0..<maccs).map { _ in a() },
                               weights: (0..<pes).map { _ in (0..<maccs).map { _ in w() } },
                               valid: valid, first: first, last: last)
        }
        func window(length: Int, _ a: () -> Int, _ w: () -> Int) -> [MatrixMultiplyBeat] {
            (0..<length).map { i in beat(a, w, first: i == 0, last: i == length - 1) }
        }
        var beats: [MatrixMultiplyBeat] = []
        // Corners: the largest positive and most negative sums a maximal window can reach.
        beats += window(length: maxWindow, { low }, { low })
        beats += window(length: maxWindow, { low }, { high })
        beats += window(length: 1, { high }, { high })
        beats += window(length: maxWindow, { high }, { low })
        let end = beats.count + cycles
        while beats.count < end {
            if Int.random(in: 0..<4, using: &random) == 0 {
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    beats.append(beat(randomValue, randomValue, valid: false,
                                      first: Bool.random(using: &random), last: Bool.random(using: &random)))
                }
            }
            let length = Int.random(in: 1...min(maxWindow, 2 * maccs + 6), using: &random)
            beats += window(length: length, randomValue, randomValue)
        }
        return beats
    }
}
