import Foundation
import Toolflow

/// Measures images per second of float and fixed-point inference of a model on a data set.
///
///     inference-bench MODEL.onnx DATA_DIR [Q.json ...] [--seconds S] [--passes N]
///
/// Prints one line per arithmetic: `name images/s accuracy`. Each measurement repeats whole
/// passes over the data until S seconds (default 3) have passed, or exactly N passes, and
/// reports the best pass.
let arguments = Array(CommandLine.arguments.dropFirst())
var positional: [String] = []
var seconds = 3.0
var passes = 0
var i = 0
while i < arguments.count {
    if arguments[i] == "--seconds", i + 1 < arguments.count { seconds = Double(arguments[i + 1]) ?? 3; i += 2; continue }
    if arguments[i] == "--passes", i + 1 < arguments.count { passes = Int(arguments[i + 1]) ?? 0; i += 2; continue }
    positional.append(arguments[i]); i += 1
}
guard positional.count >= 2 else {
    FileHandle.standardError.write(Data("usage: inference-bench MODEL.onnx DATA_DIR [Q.json ...] [--seconds S]\n".utf8))
    exit(2)
}

func measure(_ name: String, _ pass: () -> Scores, labels: [Int]?, count: Int, seconds: Double, passes: Int) {
    _ = pass()   // warm up
    var best = Double.infinity, scores = pass()
    let start = Date()
    var done = 0
    repeat {
        let t0 = Date()
        scores = pass()
        best = min(best, Date().timeIntervalSince(t0))
        done += 1
    } while passes > 0 ? done < passes : Date().timeIntervalSince(start) < seconds
    let accuracy = labels.map { String(format: "%.4f", scores.accuracy(labels: $0)) } ?? "-"
    print(String(format: "%@ %.0f %@", name, Double(count) / best, accuracy))
}

do {
    let network = try ONNXImporter.importModel(atPath: positional[0])
    let data = try Dataset.load(folder: positional[1])
    try data.validate(for: network)
    let float = FloatInference(network: network)
    measure("swift-float32", { float.run(data) }, labels: data.labels, count: data.count, seconds: seconds, passes: passes)
    for path in positional.dropFirst(2) {
        let q = try Quantisation.load(path: path)
        let fixed = try FixedPointInference(QuantisedNetwork(network: network, quantisation: q))
        measure("swift-fixed-w\(q.wordlength)", { fixed.run(data).scores }, labels: data.labels, count: data.count, seconds: seconds, passes: passes)
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
