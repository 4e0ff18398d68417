import Foundation
import Toolflow

/// The network the quantisation target applies files to: the example's layer names and
/// kinds (conv1, pool1, conv2, pool2, flatten, fc1, fc2) on an 8×8 image, so that the
/// example's quantisation files are valid seeds, with few weights to keep executions fast.
public enum QuantisationFixture {
    public static let network: Network = {
        func values(_ count: Int, _ phase: Double) -> [Float] {
            (0..<count).map { Float(sin(Double($0) * 0.7 + phase)) }
        }
        let pool = Pooling(window: Window2D(kernelHeight: 2, kernelWidth: 2, strideY: 2, strideX: 2))
        let kernel = Window2D(kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let conv1 = Convolution(inputChannels: 1, outputChannels: 2, window: kernel, weights: values(18, 0),
                                bias: values(2, 1), fusedReLU: true)
        let conv2 = Convolution(inputChannels: 2, outputChannels: 4, window: kernel, weights: values(72, 2),
                                bias: values(4, 3), fusedReLU: true)
        let fc1 = FullyConnected(inputFeatures: 16, outputFeatures: 4, weights: values(64, 4), bias: values(4, 5),
                                 fusedReLU: true)
        let fc2 = FullyConnected(inputFeatures: 4, outputFeatures: 3, weights: values(12, 6), bias: values(3, 7))
        return Network(name: "quantisation-fixture", inputShape: [1, 8, 8], layers: [
            Layer(name: "conv1", operation: .convolution(conv1), inputShape: [1, 8, 8], outputShape: [2, 8, 8]),
            Layer(name: "pool1", operation: .maxPool(pool), inputShape: [2, 8, 8], outputShape: [2, 4, 4]),
            Layer(name: "conv2", operation: .convolution(conv2), inputShape: [2, 4, 4], outputShape: [4, 4, 4]),
            Layer(name: "pool2", operation: .maxPool(pool), inputShape: [4, 4, 4], outputShape: [4, 2, 2]),
            Layer(name: "flatten", operation: .reshape, inputShape: [4, 2, 2], outputShape: [16]),
            Layer(name: "fc1", operation: .fullyConnected(fc1), inputShape: [16], outputShape: [4]),
            Layer(name: "fc2", operation: .fullyConnected(fc2), inputShape: [4], outputShape: [3]),
        ])
    }()
}
