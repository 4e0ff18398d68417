import FixedPoint
import Testing
@testable import Toolflow

@Suite("The integer kernel of fixed-point inference")
struct IntegerGEMMTests {
    /// A deterministic stream of integers in `range`.
    struct Stream {
        var state: UInt64
        mutating func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
    }

    @Test("pairwise multiply-add equals its plain definition, extremes included")
    func multiplyAdd() {
        var stream = Stream(state: 7)
        for round in 0..<2000 {
            let extremes: [Int] = [-32768, 32767, -1, 0]
            let words: [Int16] = (0..<16).map { _ in Int16(round < 8 ? extremes[stream.next(0...3)] : stream.next(-32768...32767)) }
            let a = SIMD8<Int16>(words[0..<8]), w = SIMD8<Int16>(words[8..<16])
            // Four words of −2^15 would wrap; the engine's bound excludes them.
            guard !(a == SIMD8(repeating: .min) && w == SIMD8(repeating: .min)) else { continue }
            let pairs = unsafeBitCast(a, to: SIMD4<Int32>.self)
            var expected = SIMD4<Int32>()
            for j in 0..<4 {
                let sum: Int = Int(a[2 * j]) * Int(w[2 * j]) + Int(a[2 * j + 1]) * Int(w[2 * j + 1])
                expected[j] = Int32(truncatingIfNeeded: sum)
            }
            #expect(IntegerGEMM.multiplyAdd(pairs, w) == expected)
            #expect(IntegerGEMM.portableMultiplyAdd(pairs, w) == expected)
        }
    }

    @Test("requantisation on Int32 equals the rule on Int words", arguments: [2, 4, 8, 12, 16])
    func requantization(_ wordlength: Int) {
        var stream = Stream(state: 11)
        var accumulators = [-(1 << 30) + 1, (1 << 30) - 1, 0, 1, -1, 2, -2]
        while accumulators.count < 200 { accumulators.append(stream.next(-(1 << 30) + 1...(1 << 30) - 1) >> stream.next(0...29)) }
        for shift in [-40, -17, -16, -15, -7, -1, 0, 1, 2, 5, 13, 29, 30, 31, 32, 45] {
            for relu in [false, true] {
                let r = Requantization(format: FixedPointFormat(wordlength: wordlength, fractionBits: 2), accumulatorFractionBits: 2 + shift)
                let integer = IntegerRequantization(r, relu: relu)!
                var expected = accumulators
                expected.withUnsafeMutableBufferPointer { r.apply($0, relu: relu) }
                var actual: [Int] = []
                for i in stride(from: 0, to: accumulators.count, by: 8) {
                    let v = (0..<8).map { Int32(accumulators[min(i + $0, accumulators.count - 1)]) }
                    let words = integer.words(SIMD4(v[0..<4]), SIMD4(v[4..<8]))
                    actual += (0..<8).map { Int(words[$0]) }
                }
                #expect(Array(actual[0..<accumulators.count]) == expected, "shift \(shift), relu \(relu)")
            }
        }
    }

    @Test("the kernel computes requantised X·W + b over pairs, storing or taking the maximum",
          arguments: [(1, 1), (8, 3), (9, 17), (24, 40)])
    func kernel(_ n: Int, _ pairs: Int) {
        var stream = Stream(state: UInt64(n * 100 + pairs))
        let items = 16, blocks = (n + 7) / 8
        let input = (0..<(items * 2 * pairs + 2)).map { _ in Int16(stream.next(-128...127)) }
        let weights = (0..<(blocks * pairs * 16)).map { i in (i / 16 / pairs) * 8 + (i % 16) / 2 < n ? Int16(stream.next(-128...127)) : 0 }
        let bias = (0..<(blocks * 8)).map { $0 < n ? Int32(stream.next(-5000...5000)) : 0 }
        let bases = (0..<items).map { Int32($0 * 2 * pairs) }, offsets = (0..<pairs).map { Int32(2 * $0) }
        // Items 4i ..< 4i + 4 share row i (a 2×2 window, reduced in registers) for even i;
        // for odd i, items 4i and 4i + 2 store rows and the others take the maximum.
        var destinations: [Int32] = []
        for i in 0..<(items / 4) {
            let d = Int32(2 * i)
            destinations += i % 2 == 0 ? [d, ~d, ~d, ~d] : [d, ~d, d + 1, ~(d + 1)]
        }
        let requantization = IntegerRequantization(Requantization(format: FixedPointFormat(wordlength: 8, fractionBits: 0),
                                                                  accumulatorFractionBits: 6), relu: false)!
        let stride = blocks * 8
        var rows = [Int16](repeating: 99, count: items / 2 * stride)
        IntegerGEMM.run(pairs: pairs, blocks: blocks, items: items, input: input, bases: bases, offsets: offsets, weights: weights,
                        bias: bias, rows: &rows, rowStride: stride, destinations: destinations, requantization)
        func word(_ item: Int, _ j: Int) -> Int {
            var acc = Int(bias[j])
            for p in 0..<pairs {
                let w = ((j / 8) * pairs + p) * 16 + (j % 8) * 2
                acc += Int(input[item * 2 * pairs + 2 * p]) * Int(weights[w]) + Int(input[item * 2 * pairs + 2 * p + 1]) * Int(weights[w + 1])
            }
            return acc.shiftedRight(by: 6, rounding: .halfUp).saturated(toWordlength: 8)
        }
        for i in 0..<(items / 4) {
            let groups = i % 2 == 0 ? [[4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]] : [[4 * i, 4 * i + 1], [4 * i + 2, 4 * i + 3]]
            for (g, members) in groups.enumerated() {
                for j in 0..<n { #expect(Int(rows[(2 * i + g) * stride + j]) == members.map { word($0, j) }.max()!) }
            }
        }
    }
}
