import Foundation
import Testing
@testable import FixedPoint

@Suite struct FixedPointFormatTests {
    @Test(arguments: [(4, 2), (8, 4), (8, -2), (8, 10), (16, 12), (2, 0)])
    func quantizeIsFloorOfScaledPlusHalfThenSaturate(wordlength: Int, fractionBits: Int) {
        let q = FixedPointFormat(wordlength: wordlength, fractionBits: fractionBits)
        var state: UInt64 = 12345
        for i in 0..<2000 {
            state = state &* 2862933555777941757 &+ 3037000493
            let unit = Double(state >> 11) / Double(1 << 53)          // [0, 1)
            let span = Double(q.maximum - q.minimum + 4) * q.resolution
            let x = i < 8 ? [0, 0.5, -0.5, 1.5, -1.5, 1e9, -1e9, q.resolution / 2][i] * q.resolution * 2
                          : (unit - 0.5) * span
            // Independent reference: search the nearest representable value, ties upwards.
            var best = q.minimum
            for k in q.minimum...q.maximum {
                let d = abs(Double(k) * q.resolution - x), bd = abs(Double(best) * q.resolution - x)
                if d < bd || (d == bd && k > best) { best = k }
            }
            #expect(q.quantize(x) == best, "quantize(\(x)) in \(q)")
        }
    }

    @Test func realValueInvertsQuantizeOnGrid() {
        let q = FixedPointFormat(wordlength: 6, fractionBits: 3)
        for k in q.minimum...q.maximum {
            #expect(q.quantize(q.realValue(of: k)) == k)
        }
        #expect(q.quantize(.nan) == 0)
        #expect(q.quantize(.infinity) == q.maximum)
        #expect(q.quantize(-.infinity) == q.minimum)
    }

    @Test(arguments: Rounding.allCases)
    func requantizeShiftsRoundsAndSaturates(rounding: Rounding) {
        for (wh, wl) in [(8, 4), (16, 2), (4, 3), (8, 8)] {
            for fh in [0, 3, 7] {
                for fl in (fh - wh - 1)...(fh + 2) {
                    let low = FixedPointFormat(wordlength: wl, fractionBits: fl)
                    for qh in Int.minimum(wordlength: wh)...Int.maximum(wordlength: wh) {
                        // Reference through exact rationals: qh·2^-fh in units of 2^-fl.
                        let s = fh - fl
                        let expected: Int
                        if s <= 0 {
                            expected = (qh * (1 << -s)).saturated(toWordlength: wl)
                        } else {
                            let d = 1 << s
                            let scaled = rounding == .halfUp ? 2 * qh + d : 2 * qh
                            let q = Int((Double(scaled) / Double(2 * d)).rounded(.down))
                            expected = q.saturated(toWordlength: wl)
                        }
                        #expect(low.requantize(qh, fromFractionBits: fh, rounding: rounding) == expected)
                    }
                }
            }
        }
    }

    @Test func requantizeSaturatesHugeLeftShifts() {
        let q = FixedPointFormat(wordlength: 8, fractionBits: 100)
        #expect(q.requantize(3, fromFractionBits: 0) == 127)
        #expect(q.requantize(-3, fromFractionBits: 0) == -128)
        #expect(q.requantize(0, fromFractionBits: 0) == 0)
    }
}
