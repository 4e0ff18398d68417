import Foundation
import FixedPoint

/// The lookup table of the CEU's division-free softmax: entry k holds `exp(-k · 2^-r)` as an
/// unsigned word with `fractionBits` fraction bits, so `e_i = exp(z_i - z_max)` is one read.
/// The CEU's RTL and its golden model read the same entries.
public struct ExponentialTable: Sendable, Hashable, Codable {
    /// Fraction bits of the index: entry k stands for the difference `k · 2^-resolutionBits`.
    public let resolutionBits: Int
    /// Entries; differences beyond the last one read the last one.
    public let size: Int
    /// Fraction bits of the entries; entry 0 is 1.0 = 2^fractionBits.
    public let fractionBits: Int

    public init(resolutionBits: Int, size: Int, fractionBits: Int) throws {
        try UnitParameterError.check("exponential table", "resolutionBits", resolutionBits, in: 0...16)
        try UnitParameterError.check("exponential table", "size", size, in: 2...(1 << 16))
        try UnitParameterError.check("exponential table", "fractionBits", fractionBits, in: 1...24)
        guard size & (size - 1) == 0 else {
            throw UnitParameterError(unit: "exponential table", parameter: "size (a power of two)", value: size,
                                     allowed: 2...(1 << 16))
        }
        self.resolutionBits = resolutionBits
        self.size = size
        self.fractionBits = fractionBits
    }

    /// The default for scores with `scoreFractionBits` fraction bits: full resolution up to
    /// 2^-6, covering differences up to 16 (exp(-16) is below the last entry's resolution).
    public static func standard(scoreFractionBits: Int) -> ExponentialTable {
        let resolution = max(0, min(scoreFractionBits, 6))
        var size = 2
        while size < 16 << resolution { size *= 2 }
        return try! ExponentialTable(resolutionBits: resolution, size: size, fractionBits: 16)
    }

    /// Bits of an index.
    public var indexWidth: Int { Int.bitWidth - 1 - size.leadingZeroBitCount }
    /// Bits of an entry (one integer bit for exp(0) = 1).
    public var entryWidth: Int { fractionBits + 1 }

    /// The entries, computed once from `exp`.
    public var entries: [Int] {
        (0..<size).map { k in
            Int((exp(-Double(k) * scalbn(1.0, -resolutionBits)) * scalbn(1.0, fractionBits) + 0.5).rounded(.down))
        }
    }

    /// The index for a score difference `difference ≥ 0` in units of 2^-scoreFractionBits:
    /// rounded half up to the table's resolution, clipped to the last entry.
    public func index(forDifference difference: Int, scoreFractionBits: Int) -> Int {
        min(difference.shiftedRight(by: scoreFractionBits - resolutionBits, rounding: .halfUp), size - 1)
    }
}
