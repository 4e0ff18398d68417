import Testing
@testable import FixedPoint

/// An independent reference: the DESIGN.md rules written with plain division, no shifts.
private enum Reference {
    static func floorDivide(_ v: Int, _ d: Int) -> Int {
        let q = v / d
        return (v % d != 0 && (v < 0) != (d < 0)) ? q - 1 : q
    }
    static func roundHalfUp(_ v: Int, shift s: Int) -> Int {
        if s <= 0 { return v * power(-s) }
        let d = power(s)
        // v / d rounded half up: floor((2v + d) / 2d).
        return floorDivide(2 * v + d, 2 * d)
    }
    static func truncate(_ v: Int, shift s: Int) -> Int {
        s <= 0 ? v * power(-s) : floorDivide(v, power(s))
    }
    static func saturate(_ v: Int, wordlength w: Int) -> Int {
        let hi = power(w - 1) - 1, lo = -power(w - 1)
        return v > hi ? hi : (v < lo ? lo : v)
    }
    static func wrap(_ v: Int, wordlength w: Int) -> Int {
        let m = power(w)
        var r = v % m
        if r < 0 { r += m }
        return r >= m / 2 ? r - m : r
    }
    static func power(_ e: Int) -> Int { (0..<e).reduce(1) { acc, _ in acc * 2 } }
}

/// Values that exercise the corners of a `w`-bit word, plus random ones.
private func stimulus(wordlength w: Int, count: Int, seed: UInt64) -> [Int] {
    var corner = [0, 1, -1, Int.minimum(wordlength: w), Int.maximum(wordlength: w),
                  Int.minimum(wordlength: w) + 1, Int.maximum(wordlength: w) - 1]
    if w >= 3 { corner += [1 << (w - 2), -(1 << (w - 2)), (1 << (w - 2)) + 1] }
    corner = corner.filter { $0.fits(wordlength: w) }
    var state = seed
    for _ in 0..<count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        corner.append(Int(truncatingIfNeeded: state >> 20).wrapped(toWordlength: w))
    }
    return corner
}

@Suite struct IntegerArithmeticTests {
    @Test(arguments: [2, 3, 4, 5, 8, 12, 16, 24, 32])
    func roundingMatchesReference(wordlength: Int) {
        for v in stimulus(wordlength: wordlength, count: 400, seed: UInt64(wordlength)) {
            for s in -4...(wordlength + 2) {
                #expect(v.shiftedRight(by: s, rounding: .halfUp) == Reference.roundHalfUp(v, shift: s),
                        "round half up of \(v) by \(s)")
                #expect(v.shiftedRight(by: s, rounding: .truncate) == Reference.truncate(v, shift: s),
                        "truncation of \(v) by \(s)")
            }
        }
    }

    @Test func tiesRoundUpTowardsPlusInfinity() {
        // 2.5 -> 3, -2.5 -> -2, 0.5 -> 1, -0.5 -> 0 (round half up, not away from zero).
        #expect(5.shiftedRight(by: 1) == 3)
        #expect((-5).shiftedRight(by: 1) == -2)
        #expect(1.shiftedRight(by: 1) == 1)
        #expect((-1).shiftedRight(by: 1) == 0)
        #expect((-3).shiftedRight(by: 1, rounding: .truncate) == -2)
    }

    @Test(arguments: [1, 2, 3, 4, 8, 16, 31])
    func saturationAndWrapMatchReference(wordlength: Int) {
        let wide = stimulus(wordlength: min(wordlength + 6, 40), count: 500, seed: 7)
        for v in wide {
            #expect(v.saturated(toWordlength: wordlength) == Reference.saturate(v, wordlength: wordlength))
            #expect(v.wrapped(toWordlength: wordlength) == Reference.wrap(v, wordlength: wordlength))
            #expect(v.fits(wordlength: wordlength) == (Reference.saturate(v, wordlength: wordlength) == v))
        }
    }

    @Test(arguments: [1, 2, 5, 8, 16, 33, 64])
    func bitPatternRoundTrips(wordlength: Int) {
        let w = min(wordlength, 63)
        for v in stimulus(wordlength: w, count: 200, seed: 3) {
            let bits = v.bitPattern(wordlength: wordlength)
            if wordlength < 64 { #expect(bits < (UInt64(1) << UInt64(wordlength))) }
            #expect(Int(signExtending: bits, wordlength: wordlength) == v)
        }
    }

    @Test func signedWordlengthIsTight() {
        #expect(Int.signedWordlength(holding: 0...0) == 1)
        #expect(Int.signedWordlength(holding: -1...0) == 1)
        #expect(Int.signedWordlength(holding: -8...7) == 4)
        #expect(Int.signedWordlength(holding: -8...8) == 5)
        #expect(Int.signedWordlength(holding: -9...7) == 5)
        #expect(Int.signedWordlength(holding: 0...64) == 8)
    }
}
