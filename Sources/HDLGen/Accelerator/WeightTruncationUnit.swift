import FixedPoint

/// The run-time weight-truncation unit: derives the LPU's `lowWordlength`-bit weights from
/// the HPU's `highWordlength`-bit weights as they stream in, so memory holds HPU weights only.
///
/// Each of `lanes` lanes computes `saturate_wl(round(q_h >> s))`, with the per-layer shift
/// `s = f_h - f_l` given on the `shift` input (0 … w_h; larger values act as w_h) and the
/// rounding fixed at generation. Ports: `weights` (L signed elements), `shift`, `valid` →
/// `truncated` (L elements), `done`. Fully pipelined, one beat per cycle, latency 2.
public struct WeightTruncationUnit: Module {
    public let highWordlength: Int
    public let lowWordlength: Int
    public let lanes: Int
    public let rounding: Rounding

    public init(highWordlength: Int, lowWordlength: Int, lanes: Int, rounding: Rounding = .halfUp) throws {
        try UnitParameterError.check("weight-truncation unit", "highWordlength", highWordlength, in: 2...16)
        try UnitParameterError.check("weight-truncation unit", "lowWordlength", lowWordlength, in: 2...16)
        try UnitParameterError.check("weight-truncation unit",
                                     "lowWordlength (the LPU's, at most the HPU's highWordlength = \(highWordlength))",
                                     lowWordlength, in: 2...highWordlength)
        try UnitParameterError.check("weight-truncation unit", "lanes", lanes, in: 1...1024)
        self.highWordlength = highWordlength
        self.lowWordlength = lowWordlength
        self.lanes = lanes
        self.rounding = rounding
    }

    public var name: String {
        "truncation_w\(highWordlength)_to_w\(lowWordlength)_l\(lanes)_\(rounding == .halfUp ? "round" : "floor")"
    }
    public var summary: String {
        "weight truncation, \(lanes) lanes of \(highWordlength) to \(lowWordlength) bits (\(rounding.rawValue)), latency \(latency)"
    }
    public var latency: Int { 2 }
    /// Bits of the `shift` input: enough for 0 … w_h.
    public var shiftWidth: Int { Int.bitWidth - highWordlength.leadingZeroBitCount }

    /// The golden model: exactly the function the quantiser uses to score the LPU.
    public func truncate(_ weight: Int, shift: Int) -> Int {
        FixedPointFormat(wordlength: lowWordlength, fractionBits: 0)
            .requantize(weight, fromFractionBits: min(shift, highWordlength), rounding: rounding)
    }

    public func build(_ m: ModuleBuilder) throws {
        let weights = m.input("weights", .sint(highWordlength), count: lanes)
        let shiftInput = m.input("shift", .uint(shiftWidth))
        let valid = m.input("valid", .bool)

        // Shared by every lane: the clamped shift and the rounding bias 2^(s-1) (0 when s = 0).
        // A w_h of 2^k − 1 fills the input's range: nothing to clamp.
        let canExceed = (1 << shiftWidth) - 1 > highWordlength
        let shift = m.wire("shift_clamped", canExceed ? m.mux(shiftInput > highWordlength,
                                                              .constant(highWordlength, .uint(shiftWidth)), shiftInput)
                                                      : shiftInput)
        var bias = Signal.constant(0, .uint(highWordlength))
        if rounding == .halfUp {
            for s in 1...highWordlength {
                bias = m.mux(shift == s, .constant(1 << (s - 1), .uint(highWordlength)), bias)
            }
        }
        let roundingBias = m.wire("rounding_bias", bias)

        let shifted = weights.enumerated().map { lane, weight in
            m.register("shifted_\(lane)", next: (weight + roundingBias).shiftedRight(by: shift))
        }
        let truncated = shifted.enumerated().map { lane, value in
            m.register("truncated_\(lane)", next: value.saturated(to: lowWordlength))
        }
        m.output("truncated", truncated)
        m.output("done", m.delayed(valid, by: latency, name: "valid", reset: 0))
    }
}
