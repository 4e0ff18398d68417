import Foundation
import Testing
@testable import cascadecnn

/// The CLI's tables: aligned columns, no trailing spaces, and a cost linear in the text.
@Suite struct TextTableTests {
    @Test func columnsAreAlignedWithoutTrailingSpaces() {
        let table = textTable([["device", "DSP", "note"], ["zc706", "900", ""], ["a", "12", "x"]], rightAligned: 1...1)
        #expect(table == "device  DSP  note\nzc706   900\na        12  x\n")
    }

    /// The fastest of three runs of `work`, in seconds.
    static func fastest(_ work: () -> Void) -> Double {
        (0..<3).map { _ in
            let start = ContinuousClock.now
            work()
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }.min()!
    }

    /// A device name of 1M characters pads every other row of `devices --file` by as much;
    /// trimming those rows with a regular expression took minutes. Four times the name must
    /// cost about four times as much, well under the sixteen of a quadratic cost. A probe at
    /// 10k characters (seconds when quadratic) fails fast instead of hanging.
    @Test func aLongCellCostsLinearTime() {
        func table(_ length: Int) -> () -> Void {
            let rows = [["device", "part"], ["zc706", "xc7z045ffg900-2"], [String(repeating: "a", count: length), "x"]]
            return { _ = textTable(rows, rightAligned: 1...1) }
        }
        let probe = Self.fastest(table(10_000))
        #expect(probe < 0.25, "10k characters took \(probe) s")
        guard probe < 0.25 else { return }
        let small = Self.fastest(table(250_000)), large = Self.fastest(table(1_000_000))
        #expect(large < 8 * small + 0.005, "1M characters took \(large) s, 250k took \(small) s")
    }
}
