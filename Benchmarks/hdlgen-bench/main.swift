// Times elaboration plus Verilog emission of a large MM unit and reports the size of the
// Verilog it writes. Run in release: `swift run -c release hdlgen-bench [P K W]`.
import Foundation
import HDLGen
import Toolflow

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let (pes, maccs, wordlength) = arguments.count == 3 ? (arguments[0], arguments[1], arguments[2]) : (64, 64, 4)
let unit = try MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs)

var timings: [Double] = []
var bytes = 0, files = 0
for _ in 0..<5 {
    let start = DispatchTime.now().uptimeNanoseconds
    let circuit = try Circuit(unit)
    let sources = VerilogEmitter.files(for: circuit)
    timings.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    bytes = sources.reduce(0) { $0 + $1.contents.utf8.count }
    files = sources.count
}
let best = timings.min()!, median = timings.sorted()[timings.count / 2]
print("MM unit P=\(pes) K=\(maccs) w=\(wordlength) (\(pes * maccs) MACCs): elaborate+emit "
      + String(format: "best %.3f s, median %.3f s", best, median)
      + "; \(files) Verilog files, \(bytes) bytes")

// The CEU's fixed-point decision against the float gBvSB decision, default table, on
// 10,000 random logit vectors per spread, thresholds 0.1 … 0.9.
import FixedPoint
if arguments.count != 3 {
    let thresholds = [0.1, 0.3, 0.5, 0.7, 0.9]
    for spread in ConfidenceAgreement.Spread.allCases {
        let classes = spread == .imagenetLike ? 1000 : 10
        let logits = spread.logits(classes: classes, count: 10_000, seed: 2018)
        for (m, n) in [(1, 2), (2, 5), (1, classes)] {
            let unit = try ConfidenceEvaluationUnit(classes: classes, lanes: 16, m: m, n: n,
                                                    scoreFormat: FixedPointFormat(wordlength: 16, fractionBits: 8))
            let rate = ConfidenceAgreement(unit: unit).disagreement(logits: logits, thresholds: thresholds)
            print("CEU \(spread.rawValue) C=\(classes) M=\(m) N=\(n), scores Q16.8, table \(unit.table.size)x\(unit.table.entryWidth)b "
                  + "step 2^-\(unit.table.resolutionBits): fixed vs float decisions differ on "
                  + String(format: "%.3f%%", rate * 100) + " of 10,000 x \(thresholds.count) (vector, threshold) pairs; "
                  + "\(unit.cyclesPerSample) cycles/sample at 16 lanes")
        }
    }
}
