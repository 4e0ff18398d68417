/// Float32 inference of a network, the reference that fixed point is compared against.
///
/// Every CONV layer runs as the GEMM of `GEMMShape`, its `A` operand the positions of
/// `Convolution.im2colOffsets`, and FC layers as GEMMs over blocks of images (`BlockEngine`),
/// on all cores.
public struct FloatInference: Sendable {
    public let network: Network
    let engine: BlockEngine<Float>

    public init(network: Network) {
        self.network = network
        let steps = network.layers.map { layer -> BlockEngine<Float>.Step in
            var step = BlockEngine<Float>.Step(plan: LayerPlan(layer))
            switch layer.operation {
            case .convolution(let conv): (step.weights, step.bias) = (conv.weights, conv.bias)
            case .fullyConnected(let fc): (step.weights, step.bias) = (fc.weights, fc.bias)
            default: break
            }
            return step
        }
        engine = BlockEngine(steps: steps, inputSize: network.inputSize, computesSoftmax: true)
    }

    /// The network's outputs for every image of `data`.
    public func run(_ data: Dataset) -> Scores {
        let (inSize, outSize) = (network.inputSize, network.outputSize)
        let result = SharedBuffer<Float>(repeating: 0, count: data.count * outSize)
        data.inputs.withUnsafeBufferPointer { inputs in
            engine.forEachBlock(count: data.count, load: { block, x in
                x.update(from: inputs.baseAddress! + block.lowerBound * inSize, count: block.count * inSize)
            }, store: { block, out in
                (result.pointer.baseAddress! + block.lowerBound * outSize).update(from: out.baseAddress!, count: out.count)
            })
        }
        return Scores(classes: outSize, values: result.array)
    }

    /// The output of every layer for one image (for calibration and tests).
    public func layerOutputs(image: [Float]) -> [[Float]] {
        precondition(image.count == network.inputSize)
        let scratch = BlockEngine<Float>.Scratch(engine)
        scratch.x.update(from: image, count: image.count)
        var outputs: [[Float]] = []
        _ = engine.run(count: 1, scratch) { outputs.append(Array($0)) }
        return outputs
    }
}
