/// The layer shapes of the paper's networks, VGG-16 and AlexNet (ImageNet, 1000 classes),
/// as workloads the layer engine runs: no weights are needed to explore their performance.
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

    /// AlexNet as torchvision has it on 224×224 images (one group per convolution, no LRN;
    /// its adaptive average pooling is the identity at 6×6): the shape today's exporters write.
    public static var alexNet: Workload {
        var builder = Builder(channels: 3, size: 224)
        builder.convolution("conv1", outputChannels: 64, kernel: 11, stride: 4, pad: 2)
        builder.pool(kernel: 3, stride: 2)
        builder.convolution("conv2", outputChannels: 192, kernel: 5, pad: 2)
        builder.pool(kernel: 3, stride: 2)
        builder.convolution("conv3", outputChannels: 384, kernel: 3, pad: 1)
        builder.convolution("conv4", outputChannels: 256, kernel: 3, pad: 1)
        builder.convolution("conv5", outputChannels: 256, kernel: 3, pad: 1)
        builder.pool(kernel: 3, stride: 2)
        builder.fullyConnected("fc6", outputs: 4096)
        builder.fullyConnected("fc7", outputs: 4096)
        builder.fullyConnected("fc8", outputs: 1000)
        return Workload(name: "alexnet", layers: builder.layers, classes: 1000)
    }

    /// Follows a square feature map through the layers, each one as the layer engine runs it
    /// (`EngineLayer`: an FC layer is the convolution whose kernel covers its input, a max
    /// pooling fused into the layer before it), with its GEMM.
    private struct Builder {
        var channels: Int
        var size: Int
        var engineLayers: [EngineLayer] = []
        var gemms: [(shape: GEMMShape, isFullyConnected: Bool)] = []

        var layers: [Workload.Layer] {
            var engineLayers = engineLayers
            engineLayers[0].readsHostInput = true
            return zip(engineLayers, gemms).map { layer, gemm in
                let g = layer.geometry
                return Workload.Layer(name: layer.name, gemm: gemm.shape, inputElements: g.inputChannels * g.inputHeight * g.inputWidth,
                                      outputElements: g.outputChannels * g.positions, isFullyConnected: gemm.isFullyConnected,
                                      geometry: g, isWholeInputWindow: layer.isWholeInputWindow)
            }
        }

        mutating func convolution(_ name: String, outputChannels: Int, kernel: Int, stride: Int = 1, pad: Int = 0) {
            let out = (size + 2 * pad - kernel) / stride + 1
            let window = Window2D(kernelHeight: kernel, kernelWidth: kernel, strideY: stride, strideX: stride,
                                  padTop: pad, padLeft: pad, padBottom: pad, padRight: pad)
            append(name, outputChannels: outputChannels, window: window, outputSize: out,
                   gemm: (GEMMShape(m: out * out, n: outputChannels, k: channels * kernel * kernel), false))
        }

        /// A max pooling (no padding, floor mode) of the last layer's output.
        mutating func pool(kernel: Int, stride: Int) {
            size = (size - kernel) / stride + 1
            engineLayers[engineLayers.count - 1].pooling = Window2D(kernelHeight: kernel, kernelWidth: kernel,
                                                                    strideY: stride, strideX: stride)
            engineLayers[engineLayers.count - 1].pooledHeight = size
            engineLayers[engineLayers.count - 1].pooledWidth = size
        }

        mutating func fullyConnected(_ name: String, outputs: Int) {
            append(name, outputChannels: outputs, window: Window2D(kernelHeight: size, kernelWidth: size), outputSize: 1,
                   gemm: (GEMMShape(m: 1, n: outputs, k: channels * size * size), true))
        }

        private mutating func append(_ name: String, outputChannels: Int, window: Window2D, outputSize: Int,
                                     gemm: (shape: GEMMShape, isFullyConnected: Bool)) {
            engineLayers.append(EngineLayer(layerIndex: engineLayers.count, outputLayerIndex: engineLayers.count, name: name,
                                            inputShape: [channels, size, size], outputChannels: outputChannels, window: window,
                                            outputHeight: outputSize, outputWidth: outputSize, relu: true,
                                            pooling: Window2D(kernelHeight: 1, kernelWidth: 1),
                                            pooledHeight: outputSize, pooledWidth: outputSize))
            gemms.append(gemm)
            channels = outputChannels
            size = outputSize
        }
    }
}
