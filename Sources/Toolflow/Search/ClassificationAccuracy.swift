/// Top-k accuracy of class scores: a sample counts when its label is among the k best
/// scores, ties going to the lower class index (as the CEU's argmax does).
enum ClassificationAccuracy {
    /// The fraction of samples whose label ranks within the first `k` of its row.
    static func topK<T: Comparable>(_ values: [T], classes: Int, labels: [Int], k: Int) -> Double {
        guard !labels.isEmpty else { return 0 }
        var hits = 0
        for (sample, label) in labels.enumerated() {
            let row = sample * classes
            let target = values[row + label]
            // Classes ahead of the label: higher scores, and equal scores at lower indices.
            var ahead = 0
            for c in 0..<classes where values[row + c] > target || (values[row + c] == target && c < label) {
                ahead += 1
                if ahead >= k { break }
            }
            if ahead < k { hits += 1 }
        }
        return Double(hits) / Double(labels.count)
    }

    /// Whether each prediction is its label.
    static func correct(_ predictions: [Int], labels: [Int]) -> [Bool] { zip(predictions, labels).map { $0 == $1 } }

    /// The fraction of predictions that are their labels.
    static func accuracy(_ predictions: [Int], labels: [Int]) -> Double {
        labels.isEmpty ? 0 : Double(correct(predictions, labels: labels).filter { $0 }.count) / Double(labels.count)
    }

    /// The predicted class of each row: the first index of the largest score.
    static func predictions<T: Comparable>(_ values: [T], classes: Int) -> [Int] {
        stride(from: 0, to: values.count, by: classes).map { row in
            var best = 0
            for c in 1..<classes where values[row + c] > values[row + best] { best = c }
            return best
        }
    }
}

/// Top-1 and, with more than five classes, top-5 accuracy on one data set.
public struct Accuracy: Codable, Equatable, Sendable {
    public var top1: Double
    public var top5: Double?

    init<T: Comparable>(values: [T], classes: Int, labels: [Int]) {
        top1 = ClassificationAccuracy.topK(values, classes: classes, labels: labels, k: 1)
        top5 = classes > 5 ? ClassificationAccuracy.topK(values, classes: classes, labels: labels, k: 5) : nil
    }
}
