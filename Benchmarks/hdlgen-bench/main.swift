// Times elaboration plus Verilog emission of a large MM unit and reports the size of the
// Verilog it writes. Run in release: `swift run -c release hdlgen-bench [P K W]`.
import Foundation
import HDLGen

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
