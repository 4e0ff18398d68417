/// One layer of the sequential network IR, with the shapes inferred at import (per image,
/// without the batch dimension).
public struct Layer: Sendable {
    /// What a layer computes.
    public enum Operation: Sendable {
        case convolution(Convolution)
        case fullyConnected(FullyConnected)
        /// A ReLU that could not be fused into a CONV or FC layer (e.g. after pooling).
        case relu
        case maxPool(Pooling)
        case averagePool(Pooling)
        /// Flatten, Reshape, Squeeze, Unsqueeze: a new shape over the same C-order data.
        case reshape
        /// Softmax over all the features of the image; only as the last layer.
        case softmax
    }

    /// The name of the ONNX node the layer came from.
    public var name: String
    public var operation: Operation
    public var inputShape: [Int]
    public var outputShape: [Int]

    public init(name: String, operation: Operation, inputShape: [Int], outputShape: [Int]) {
        self.name = name; self.operation = operation
        self.inputShape = inputShape; self.outputShape = outputShape
    }

    /// The GEMM of a CONV or FC layer; nil for the others.
    public var gemm: GEMMShape? {
        switch operation {
        case .convolution(let conv): return conv.gemm(inputShape: inputShape)
        case .fullyConnected(let fc): return fc.gemm
        default: return nil
        }
    }

    /// Whether the layer has weights (and so a quantisation entry).
    public var hasWeights: Bool { gemm != nil }

    /// Weights plus biases.
    public var parameterCount: Int {
        switch operation {
        case .convolution(let conv): return conv.weights.count + conv.bias.count
        case .fullyConnected(let fc): return fc.weights.count + fc.bias.count
        default: return 0
        }
    }

    /// Arithmetic operations per image, counting a multiply-accumulate as two and the bias
    /// add, comparison or addition of pooling, and ReLU as one each.
    public var operationCount: Int {
        let outputs = outputShape.reduce(1, *)
        switch operation {
        case .convolution(let conv):
            return 2 * gemm!.maccs + outputs * (conv.fusedReLU ? 2 : 1)
        case .fullyConnected(let fc):
            return 2 * gemm!.maccs + outputs * (fc.fusedReLU ? 2 : 1)
        case .maxPool(let p), .averagePool(let p):
            return outputs * p.window.kernelHeight * p.window.kernelWidth
        case .relu: return outputs
        case .softmax: return 3 * outputs
        case .reshape: return 0
        }
    }

    /// A short description of the operation and its parameters, e.g. `Conv 3×3/2 pad 1`.
    public var summary: String {
        func windowText(_ w: Window2D) -> String {
            var text = "\(w.kernelHeight)×\(w.kernelWidth)"
            if w.strideY != 1 || w.strideX != 1 { text += " stride \(w.strideY)×\(w.strideX)" }
            if w.dilationY != 1 || w.dilationX != 1 { text += " dilation \(w.dilationY)×\(w.dilationX)" }
            if [w.padTop, w.padLeft, w.padBottom, w.padRight].contains(where: { $0 != 0 }) {
                text += " pad \(w.padTop),\(w.padLeft),\(w.padBottom),\(w.padRight)"
            }
            return text
        }
        switch operation {
        case .convolution(let c):
            return "Conv \(windowText(c.window))" + (c.groups > 1 ? " groups \(c.groups)" : "") + (c.fusedReLU ? " +ReLU" : "")
        case .fullyConnected(let fc):
            return "FC" + (fc.fusedReLU ? " +ReLU" : "")
        case .relu: return "ReLU"
        case .maxPool(let p): return "MaxPool \(windowText(p.window))"
        case .averagePool(let p):
            return "AvgPool \(windowText(p.window))" + (p.countIncludesPadding ? " count-pad" : "")
        case .reshape: return "Reshape"
        case .softmax: return "Softmax"
        }
    }
}
