import Foundation

/// Class scores of a batch: `count` rows of `classes` values.
public struct Scores: Sendable {
    public var classes: Int
    public var values: [Float]

    public init(classes: Int, values: [Float]) {
        self.classes = classes; self.values = values
    }

    public var count: Int { classes == 0 ? 0 : values.count / classes }

    /// The scores of image `i`.
    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * classes)..<((i + 1) * classes)] }

    /// The predicted class of each image: the first index of the largest score.
    public var predictions: [Int] {
        (0..<count).map { i in
            let row = row(i)
            var best = row.startIndex
            for j in row.indices where row[j] > row[best] { best = j }
            return best - row.startIndex
        }
    }

    /// The fraction of images whose prediction equals the label.
    public func accuracy(labels: [Int]) -> Double {
        precondition(labels.count == count)
        guard count > 0 else { return 0 }
        return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(count)
    }
}

/// Softmax of `x` in place, computed in double for a reproducible result.
func softmax(_ x: UnsafeMutableBufferPointer<Float>) {
    guard let largest = x.max() else { return }
    var sum = 0.0
    for i in x.indices { let e = exp(Double(x[i] - largest)); x[i] = Float(e); sum += e }
    for i in x.indices { x[i] = Float(Double(x[i]) / sum) }
}
