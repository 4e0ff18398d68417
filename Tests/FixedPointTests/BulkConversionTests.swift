import Testing
@testable import FixedPoint

@Suite("Bulk quantise and requantise equal the scalar rules")
struct BulkConversionTests {
    @Test("quantize(_:into:) equals quantize per value", arguments: [(2, 1), (4, 2), (8, 7), (8, -3), (16, 12), (16, 70), (12, -70)])
    func quantize(_ wordlength: Int, _ fractionBits: Int) {
        let format = FixedPointFormat(wordlength: wordlength, fractionBits: fractionBits)
        var values: [Float] = [0, -0, 0.5, -0.5, 1, -1, .nan, .infinity, -.infinity, 1e30, -1e30, 1e-30, .leastNonzeroMagnitude]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let unit = Float(state >> 40) / Float(1 << 24) - 0.5
            values.append(unit * Float(1 << (state >> 60)))
            // Exact halves of the resolution, where rounding decides.
            values.append(Float(format.realValue(of: Int(state >> 58) - 32)) + Float(format.resolution / 2))
        }
        var words = [Int](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in words.withUnsafeMutableBufferPointer { format.quantize(v, into: $0) } }
        #expect(words == values.map { format.quantize(Double($0)) })
        var reals = [Double](repeating: .nan, count: values.count)
        values.withUnsafeBufferPointer { v in reals.withUnsafeMutableBufferPointer { format.quantize(v, into: $0.baseAddress!) } }
        #expect(reals == words.map(Double.init))
    }

    @Test("requantize(_:fromFractionBits:rounding:) equals requantize per word",
          arguments: [(4, 2, 9), (8, 3, 12), (8, 5, 5), (8, 6, 2), (16, 10, 20), (2, 0, 62), (16, 0, 63)])
    func requantize(_ wordlength: Int, _ fractionBits: Int, _ source: Int) {
        let format = FixedPointFormat(wordlength: wordlength, fractionBits: fractionBits)
        var words = Array(-5000...5000) + [Int.max >> 2, Int.min >> 2, 1 << 40, -(1 << 40)]
        for rounding in Rounding.allCases {
            let expected = words.map { format.requantize($0, fromFractionBits: source, rounding: rounding) }
            var actual = words
            actual.withUnsafeMutableBufferPointer { format.requantize($0, fromFractionBits: source, rounding: rounding) }
            #expect(actual == expected)
        }
        words.removeAll()
    }
}
