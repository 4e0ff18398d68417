/// One layer as the layer engine runs it: a CONV or FC layer of the network (an FC layer is
/// the convolution whose kernel covers its whole `[C, H, W]` input) with the ReLU and max
/// pooling that follow it fused in. Reshapes vanish (an FC layer reads its input in the
/// engine's layout, its weights permuted to match) and a final Softmax is left to the host.
public struct EngineLayer: Sendable {
    /// The network layer with the weights.
    public var layerIndex: Int
    /// The network layer whose output this engine layer writes (the last one fused in).
    public var outputLayerIndex: Int
    public var name: String
    /// The input as the engine sees it: `[C, H, W]`.
    public var inputShape: [Int]
    public var outputChannels: Int
    public var window: Window2D
    /// The convolution's output height and width, before pooling.
    public var outputHeight: Int, outputWidth: Int
    public var relu: Bool
    /// The max pooling, or a 1×1 window for none.
    public var pooling: Window2D
    public var pooledHeight: Int, pooledWidth: Int
    /// Whether the host writes the input (the first layer).
    public var readsHostInput = false
    /// Whether each output position's window is one image's input lines (`batched`, first).
    public var windowsAreImages = false

    /// Maps `network` onto the engine, or says which layer it cannot run and why.
    public static func layers(of network: Network) throws(ToolflowError) -> [EngineLayer] {
        var layers: [EngineLayer] = []
        var shape = network.inputShape.count == 3 ? network.inputShape : [network.inputSize, 1, 1]
        let none = Window2D(kernelHeight: 1, kernelWidth: 1)
        for (index, layer) in network.layers.enumerated() {
            switch layer.operation {
            case .convolution(let conv):
                guard conv.groups == 1 else {
                    throw .unsupportedByEngine(layer: layer.name, reason: "it has \(conv.groups) groups; the engine runs convolutions of one group")
                }
                let out = layer.outputShape
                layers.append(EngineLayer(layerIndex: index, outputLayerIndex: index, name: layer.name, inputShape: shape,
                                          outputChannels: conv.outputChannels, window: conv.window,
                                          outputHeight: out[1], outputWidth: out[2], relu: conv.fusedReLU,
                                          pooling: none, pooledHeight: out[1], pooledWidth: out[2]))
                shape = out
            case .fullyConnected(let fc):
                guard shape.reduce(1, *) == fc.inputFeatures else {
                    throw .unsupportedByEngine(layer: layer.name, reason: "its \(fc.inputFeatures) inputs do not match the \(shape) before it")
                }
                layers.append(EngineLayer(layerIndex: index, outputLayerIndex: index, name: layer.name, inputShape: shape,
                                          outputChannels: fc.outputFeatures,
                                          window: Window2D(kernelHeight: shape[1], kernelWidth: shape[2]),
                                          outputHeight: 1, outputWidth: 1, relu: fc.fusedReLU,
                                          pooling: none, pooledHeight: 1, pooledWidth: 1))
                shape = [fc.outputFeatures, 1, 1]
            case .maxPool(let pooling):
                guard var last = layers.last, last.outputLayerIndex == index - 1, last.pooling == none else {
                    throw .unsupportedByEngine(layer: layer.name, reason: "max pooling runs fused on the output of a CONV layer, and only one per layer")
                }
                let w = pooling.window
                guard w.dilationY == 1, w.dilationX == 1 else {
                    throw .unsupportedByEngine(layer: layer.name, reason: "dilated pooling is not supported")
                }
                last.pooling = w
                last.pooledHeight = layer.outputShape[1]
                last.pooledWidth = layer.outputShape[2]
                last.outputLayerIndex = index
                layers[layers.count - 1] = last
                shape = layer.outputShape
            case .relu:
                // ReLU commutes with max pooling, so it joins the layer before it.
                guard var last = layers.last, last.outputLayerIndex == index - 1 else {
                    throw .unsupportedByEngine(layer: layer.name, reason: "a ReLU must follow a CONV, FC or max-pooling layer")
                }
                last.relu = true
                last.outputLayerIndex = index
                layers[layers.count - 1] = last
            case .reshape:
                continue
            case .softmax:
                guard index == network.layers.count - 1 else {
                    throw .unsupportedByEngine(layer: layer.name, reason: "Softmax is only supported as the last layer")
                }
            case .averagePool:
                throw .unsupportedByEngine(layer: layer.name, reason: "average pooling is not supported (max pooling is)")
            }
        }
        guard !layers.isEmpty else {
            throw .unsupportedByEngine(layer: network.name, reason: "the network has no CONV or FC layer")
        }
        layers[0].readsHostInput = true
        return layers
    }

    public var inputChannels: Int { inputShape[0] }

    /// The layer's shape as the cycle model and the buffers see it.
    public var geometry: LayerGeometry {
        LayerGeometry(inputChannels: inputShape[0], inputHeight: inputShape[1], inputWidth: inputShape[2],
                      kernelHeight: window.kernelHeight, kernelWidth: window.kernelWidth, strideY: window.strideY,
                      dilationY: window.dilationY, padTop: window.padTop, outputChannels: outputChannels,
                      outputHeight: outputHeight, outputWidth: outputWidth, pooledHeight: pooledHeight,
                      pooledWidth: pooledWidth, poolArea: pooling.kernelHeight * pooling.kernelWidth,
                      poolingRows: RowWindow(kernel: pooling.kernelHeight, stride: pooling.strideY, padTop: pooling.padTop),
                      readsHostInput: readsHostInput, windowsAreImages: windowsAreImages)
    }

    /// The layer with its input's columns folded into channels (see `LayerGeometry.folded`):
    /// input `[C·kw, H, W_o]`, channel j·C + c at column u holding input column
    /// u·s_x − p_left + j·d_x of channel c; a kh×1 kernel with the same rows.
    func foldingColumns() -> EngineLayer {
        var f = self
        f.inputShape = [inputShape[0] * window.kernelWidth, inputShape[1], outputWidth]
        f.window = Window2D(kernelHeight: window.kernelHeight, kernelWidth: 1, strideY: window.strideY,
                            dilationY: window.dilationY, padTop: window.padTop, padBottom: window.padBottom)
        f.readsHostInput = false
        return f
    }

    /// Whether the layer reads its whole input in one window with a 1×1 output and no
    /// pooling (an FC layer, or a convolution shaped like one): what a batch runs once.
    public var isWholeInputWindow: Bool {
        let w = window, none = Window2D(kernelHeight: 1, kernelWidth: 1)
        return outputHeight == 1 && outputWidth == 1 && pooling == none && w.kernelHeight == inputShape[1]
            && w.kernelWidth == inputShape[2] && w.dilationY == 1 && w.dilationX == 1
            && [w.padTop, w.padLeft, w.padBottom, w.padRight].allSatisfy { $0 == 0 }
    }

    /// The layer as the engine runs it over `images` images at once, `across` of them side by
    /// side in each row (a divisor of `images`), so that an engine of several columns takes
    /// several images at a time. The first batched layer (`first`) reads the images' inputs,
    /// L lines each (⌈C/K_t⌉·H·W, channel group by group), as one map of one channel group,
    /// `across`·L columns wide: a window of 1×L lines, L apart, is one image, its beats and
    /// weight lines those of the layer itself. Later ones read the map the one before wrote,
    /// `[C, images/across, across]`, as a 1×1 convolution: position b is image b.
    func batched(images: Int, across: Int, first: Bool, maccs: Int) -> EngineLayer {
        var b = self
        let c = inputShape[0], rows = images / across
        if first {
            let lines = ceilDivide(c, maccs) * inputShape[1] * inputShape[2]
            b.inputShape = [min(c, maccs), rows, across * lines]
            b.window = Window2D(kernelHeight: 1, kernelWidth: lines, strideX: lines)
            b.windowsAreImages = true
        } else {
            b.inputShape = [c, rows, across]
        }
        (b.outputHeight, b.outputWidth) = (rows, across)
        (b.pooledHeight, b.pooledWidth) = (rows, across)
        b.readsHostInput = false
        return b
    }
}
