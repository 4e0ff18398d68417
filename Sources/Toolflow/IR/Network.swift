import Foundation

/// A CNN as a sequence of layers, each reading the output of the one before it. Shapes are
/// per image, without the batch dimension: `[C, H, W]` for feature maps, `[K]` for vectors.
public struct Network: Sendable {
    public var name: String
    /// The shape of one input image, e.g. `[1, 28, 28]`.
    public var inputShape: [Int]
    public var layers: [Layer]

    public init(name: String, inputShape: [Int], layers: [Layer]) {
        self.name = name; self.inputShape = inputShape; self.layers = layers
    }

    /// The shape of the network's output per image.
    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }

    /// Elements of one input image.
    public var inputSize: Int { inputShape.reduce(1, *) }
    /// Elements of one output.
    public var outputSize: Int { outputShape.reduce(1, *) }

    /// The indices of the CONV and FC layers, in order.
    public var weightedLayerIndices: [Int] { layers.indices.filter { layers[$0].hasWeights } }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    public var operationCount: Int { layers.reduce(0) { $0 + $1.operationCount } }
    public var maccCount: Int { layers.reduce(0) { $0 + ($1.gemm?.maccs ?? 0) } }

    /// A table of the layers with shapes, GEMM sizes, parameters and operations, and totals.
    public var summary: String {
        func shape(_ s: [Int]) -> String { s.map(String.init).joined(separator: "×") }
        var rows: [[String]] = [["layer", "operation", "input", "output", "GEMM", "params", "ops/image"]]
        for layer in layers {
            rows.append([layer.name, layer.summary, shape(layer.inputShape), shape(layer.outputShape),
                         layer.gemm.map { "\($0)" } ?? "", layer.hasWeights ? "\(layer.parameterCount)" : "",
                         "\(layer.operationCount)"])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
        var text = "network \(name): input \(shape(inputShape)), output \(shape(outputShape))\n"
        for row in rows {
            text += zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        text += "parameters: \(parameterCount)\n"
        text += "operations per image: \(operationCount) (\(maccCount) multiply-accumulates)\n"
        return text
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
