import Foundation
import Testing
@testable import Toolflow

/// Models that claim far more than they hold, found by fuzzing the importer (and a previous
/// campaign): each was a trap or gigabytes of memory from a file of a few hundred bytes (or
/// was accepted with a nonsensical shape), and is now a clear error naming the node or the
/// initializer, or a plain import. The same models are seeds in fuzz/corpus/onnx.
@Suite("ONNX import limits")
struct ImportLimitsTests {
    typealias Builder = ONNXModelBuilder

    /// Each finding's model and a piece of its error's message (nil: it imports).
    static let findings: [String: (model: Builder, message: String?)] = {
        var findings: [String: (Builder, String?)] = [:]
        let weights: [Float] = Array(repeating: 0.1, count: 18)

        // Pads of 3,000 passed `inspect` and made `infer` grow past 8 GB.
        var pads = Builder()
        pads.initializer("w", dims: [2, 1, 3, 3], values: weights)
        pads.add("Conv", ["x", "w"], [Builder.attribute("pads", [3_000, 3_000, 3_000, 3_000])])
        pads.add("GlobalAveragePool", [pads.nodes[0].output[0]])
        findings["huge-pads"] = (pads, "larger than the 16777216 elements")

        // A 65536 × 65536 pooling window: a 16 GB window table built at import.
        var window = Builder()
        window.add("MaxPool", ["x"], [Builder.attribute("kernel_shape", [65_536, 65_536]),
                                     Builder.attribute("pads", [32_764, 32_764, 32_764, 32_764])])
        findings["huge-pool-window"] = (window, "its window table")

        // group = 2^62 on empty weights of 4 input channels per group: 4 · 2^62 overflowed.
        var group = Builder()
        group.initializer("w", dims: [0, 4, 3, 3], values: [])
        group.add("Conv", ["x", "w"], [Builder.attribute("group", 1 << 62)])
        findings["group-overflow"] = (group, "do not fit an input of 1 channels")

        // An empty tensor with dimensions of 2^39: its strides overflowed in a Transpose.
        var empty = Builder()
        empty.initializer("e", dims: [0, 1 << 39, 1 << 39], values: [])
        empty.add("Transpose", ["e"])
        empty.add("Relu", ["x"])
        findings["empty-tensor-huge-dims"] = (empty, "invalid shape")

        // A Slice of an empty tensor with an axis of 2^28: 2 GB of indices listed per axis.
        var slice = Builder()
        slice.initializer("e", dims: [0, 1 << 28], values: [])
        slice.add("Slice", ["e", slice.constant([0]), slice.constant([1]), slice.constant([0])])
        slice.add("Relu", ["x"])
        findings["slice-empty-huge-axis"] = (slice, nil)

        // Forty Concats of a tensor with itself: 2^42 elements from a 1 KB file.
        var concat = Builder()
        concat.initializer("s", dims: [4], values: [1, 2, 3, 4])
        var doubled = "s"
        for _ in 0..<40 { doubled = concat.add("Concat", [doubled, doubled], [Builder.attribute("axis", 0)]) }
        findings["concat-doubling"] = (concat, "constant computations")

        // ConstantOfShape [16384, 16384]: 2 GB of doubles from 30 bytes of shape.
        var fill = Builder()
        fill.add("ConstantOfShape", [fill.constant([16_384, 16_384])])
        fill.add("Relu", ["x"])
        findings["constant-of-shape"] = (fill, "constant computations")

        // [N, 1] + [1, N] with N = 12000: 1.2 GB of doubles from a 24 KB range.
        var square = Builder()
        let n: Int64 = 12_000
        let range = square.constant(Array(0..<n))
        square.add("Add", [square.add("Reshape", [range, square.constant([n, 1])]),
                           square.add("Reshape", [range, square.constant([1, n])])])
        findings["broadcast-square"] = (square, "constant computations")

        // Unsqueeze to rank 10,001, then a Slice recursing once per axis (accepted; deeper, the
        // recursion and the per-element loops over the axes grow without bound).
        var rank = Builder()
        rank.initializer("s", dims: [4], values: [1, 2, 3, 4])
        let deep = rank.add("Unsqueeze", ["s", rank.constant(Array(0..<10_000))])
        rank.add("Slice", [deep, rank.constant([0]), rank.constant([1]), rank.constant([0])])
        findings["unsqueeze-rank"] = (rank, "rank 10001")

        // A convolution with no output channels was accepted: a network scoring no classes.
        var none = Builder()
        none.initializer("w", dims: [0, 1, 3, 3], values: [])
        none.add("Conv", ["x", "w"])
        findings["no-output-channels"] = (none, "has no elements")
        return findings
    }()

    @Test("each finding is a clear error or a plain import", arguments: findings.keys.sorted())
    func finding(_ name: String) throws {
        let (model, message) = Self.findings[name]!
        let error = model.importError
        if let message {
            let text = try #require(error, "\(name) imported").description
            #expect(text.contains(message), "\(name): \(text)")
            #expect(text.contains("node \"n") || text.contains("initializer \""), "\(name) names no node: \(text)")
        } else {
            #expect(error == nil, "\(name): \(String(describing: error))")
        }
    }

    /// The seed's name: `refuse-finding-NAME.onnx`, or `accept-…` for a finding that imports.
    static func seedFile(_ name: String) -> URL {
        let verdict = findings[name]!.message == nil ? "accept" : "refuse"
        return Fixtures.repository.appendingPathComponent("fuzz/corpus/onnx/\(verdict)-finding-\(name).onnx")
    }

    @Test("each finding is a seed of the ONNX corpus", arguments: findings.keys.sorted())
    func seed(_ name: String) throws {
        #expect(try Data(contentsOf: Self.seedFile(name)) == Self.findings[name]!.model.data)
    }
}
