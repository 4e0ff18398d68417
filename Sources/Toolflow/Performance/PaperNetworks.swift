/// The layer shapes of the paper's networks, VGG-16 and AlexNet (ImageNet, 1000 classes),
/// as workloads: no weights are needed to explore their performance.
public enum PaperNetworks {
    /// The names `workload(named:)` accepts.
    public static let names = ["vgg16", "alexnet"]

    public static func workload(named name: String) -> Workload? {
        switch name.lowercased() {
        case "vgg16", "vgg-16": return vgg16
        case "alexnet": return alexNet
        default: return nil
        }
    }

    /// VGG-16 (configuration D) on 224×224 images: thirteen 3×3 convolutions with padding 1,
    /// max pooling after each block, three FC layers.
    public static var vgg16: Workload {
        var builder = Builder(channels: 3, size: 224)
        for (block, (channels, convolutions)) in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)].enumerated() {
            for index in 1...convolutions {
                builder.convolution("conv\(block + 1)_\(index)", outputChannels: channels, kernel: 3, pad: 1)
            }
            builder.pool(kernel: 2, stride: 2)
        }
        builder.fullyConnected("fc6", outputs: 4096)
        builder.fullyConnected("fc7", outputs: 4096)
        builder.fullyConnected("fc8", outputs: 1000)
        return Workload(name: "vgg16", layers: builder.layers, classes: 1000)
    }

    /// AlexNet as in Caffe's bvlc_alexnet: 227×227 images, grouped conv2, conv4 and conv5.
    public static var alexNet: Workload {
        var builder = Builder(channels: 3, size: 227)
        builder.convolution("conv1", outputChannels: 96, kernel: 11, stride: 4)
        builder.pool(kernel: 3, stride: 2)
        builder.convolution("conv2", outputChannels: 256, kernel: 5, pad: 2, groups: 2)
        builder.pool(kernel: 3, stride: 2)
        builder.convolution("conv3", outputChannels: 384, kernel: 3, pad: 1)
        builder.convolution("conv4", outputChannels: 384, kernel: 3, pad: 1, groups: 2)
        builder.convolution("conv5", outputChannels: 256, kernel: 3, pad: 1, groups: 2)
        builder.pool(kernel: 3, stride: 2)
        builder.fullyConnected("fc6", outputs: 4096)
        builder.fullyConnected("fc7", outputs: 4096)
        builder.fullyConnected("fc8", outputs: 1000)
        return Workload(name: "alexnet", layers: builder.layers, classes: 1000)
    }

    /// Follows a square feature map through the layers, recording each layer's GEMM.
    private struct Builder {
        var channels: Int
        var size: Int
        var layers: [Workload.Layer] = []

        mutating func convolution(_ name: String, outputChannels: Int, kernel: Int, stride: Int = 1, pad: Int = 0,
                                  groups: Int = 1) {
            let out = (size + 2 * pad - kernel) / stride + 1
            layers.append(Workload.Layer(
                name: name, gemm: GEMMShape(m: out * out, n: outputChannels / groups, k: channels / groups * kernel * kernel,
                                            groups: groups),
                inputElements: channels * size * size, outputElements: outputChannels * out * out, isFullyConnected: false))
            channels = outputChannels
            size = out
        }

        mutating func pool(kernel: Int, stride: Int) { size = (size - kernel) / stride + 1 }

        mutating func fullyConnected(_ name: String, outputs: Int) {
            let inputs = channels * size * size
            layers.append(Workload.Layer(name: name, gemm: GEMMShape(m: 1, n: outputs, k: inputs), inputElements: inputs,
                                         outputElements: outputs, isFullyConnected: true))
            channels = outputs
            size = 1
        }
    }
}
