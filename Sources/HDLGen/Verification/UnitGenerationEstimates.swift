/// The cost of each unit's simulation bundle (`GenerationEstimate`), from the same counts
/// its stimulus generator uses, so that the CLI can refuse a request before building it.
extension DotProductUnit {
    /// `MatrixMultiplyStimulus` with `cycles` random beats: three maximal windows, a one-beat
    /// window, the random beats and the last window they start; each beat carries K
    /// activations, P·K weights and three flags, each of at most 4 + `cycles` windows P sums.
    public func generationEstimate(cycles: Int) -> GenerationEstimate {
        let beats = 3 * Double(maxWindow) + 1 + Double(cycles) + Double(min(maxWindow, 2 * maccs + 6))
        let sumWidth = accumulatorWidth(wordlength: wordlength, terms: maccs * maxWindow)
        return GenerationEstimate(words: beats * Double(maccs) * Double(pes + 1), wordlength: wordlength)
            + GenerationEstimate(words: beats * 3, wordlength: 1)
            + GenerationEstimate(words: (4 + Double(cycles)) * Double(pes), wordlength: sumWidth)
    }
}

extension WeightTruncationUnit {
    /// The corner beats of every shift and `cycles` random beats, each `lanes` weights in and out.
    public func generationEstimate(cycles: Int) -> GenerationEstimate {
        let beats = Double(cycles) + Double((highWordlength + 2) * (2 + 9 / max(1, lanes)))
        return GenerationEstimate(words: beats * Double(2 * lanes + 1), wordlength: highWordlength)
    }
}

extension ConfidenceEvaluationUnit {
    /// `samples` samples of C scores and their four expected outputs, and per cycle (at most
    /// twice the stall-free cycles) the handshakes and the threshold, each on a line of its own.
    public func generationEstimate(samples: Int) -> GenerationEstimate {
        let cycles = 2 * Double(samples) * Double(cyclesPerSample)
        return GenerationEstimate(words: Double(samples) * Double(classes), wordlength: scoreFormat.wordlength)
            + GenerationEstimate(words: Double(samples) * 4, wordlength: 36)
            + GenerationEstimate(words: 3 * cycles, wordlength: thresholdFractionBits + 1 + 4)
    }
}
