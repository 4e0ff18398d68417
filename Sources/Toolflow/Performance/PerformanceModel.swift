/// The roofline of an engine on a network: per layer, the compute time from `CycleModel`
/// at the device clock, and the memory time of the bytes the layer moves at the bandwidth
/// the engine has; the slower of the two is the layer's time. Layers run one after another.
///
/// Bytes moved per image: the weights (once per image for CONV layers, whose P·K tile the
/// weight buffer keeps while it sweeps the output positions; once per batch of `batch`
/// images for FC layers), the input feature map once per tile of P output channels (CONV;
/// an FC input is one window and is read once) and the output once. Words are packed at
/// the engine's wordlength; the LPU reads the HPU's weights (`weightWordlength`) and
/// truncates them on chip.
public struct PerformanceModel: Sendable {
    public var clockHz: Double
    public var bandwidthBytesPerSecond: Double
    /// Images per batch of the FC layers.
    public var batch: Int

    public init(clockHz: Double, bandwidthBytesPerSecond: Double, batch: Int = 16) {
        self.clockHz = clockHz; self.bandwidthBytesPerSecond = bandwidthBytesPerSecond; self.batch = batch
    }

    public init(device: Device, bandwidthShare: Double = 1, batch: Int = 16) {
        self.init(clockHz: device.clockHz, bandwidthBytesPerSecond: device.bandwidthBytesPerSecond * bandwidthShare,
                  batch: batch)
    }

    /// One layer's figures per image.
    public struct LayerTime: Codable, Hashable, Sendable {
        public var name: String
        public var cycles: Int
        public var bytes: Double
        public var computeSeconds: Double
        public var memorySeconds: Double
        public var seconds: Double { max(computeSeconds, memorySeconds) }
        public var isMemoryBound: Bool { memorySeconds > computeSeconds }
    }

    /// Bytes `layer` moves per image on `engine`.
    public func bytes(_ layer: Workload.Layer, engine: Engine, weightWordlength: Int? = nil) -> Double {
        let w = Double(engine.wordlength), weightBits = Double(weightWordlength ?? engine.wordlength)
        let reuse = layer.isFullyConnected ? Double(batch) : 1
        let inputReads = layer.isFullyConnected ? 1 : ceilDivide(layer.gemm.n, engine.pes)
        let bits = Double(layer.weights) * weightBits / reuse
            + Double(layer.inputElements * inputReads + layer.outputElements) * w
        return bits / 8
    }

    public func layerTime(_ layer: Workload.Layer, engine: Engine, weightWordlength: Int? = nil) -> LayerTime {
        let cycles = CycleModel.cycles(layer.gemm, pes: engine.pes, maccs: engine.maccs, latency: engine.latency)
        let bytes = bytes(layer, engine: engine, weightWordlength: weightWordlength)
        return LayerTime(name: layer.name, cycles: cycles, bytes: bytes, computeSeconds: Double(cycles) / clockHz,
                         memorySeconds: bytes / bandwidthBytesPerSecond)
    }

    /// Seconds per image: the sum of the layers' roofline times.
    public func secondsPerImage(_ workload: Workload, engine: Engine, weightWordlength: Int? = nil) -> Double {
        workload.layers.reduce(0) { $0 + layerTime($1, engine: engine, weightWordlength: weightWordlength).seconds }
    }

    /// Images per second.
    public func throughput(_ workload: Workload, engine: Engine, weightWordlength: Int? = nil) -> Double {
        1 / secondsPerImage(workload, engine: engine, weightWordlength: weightWordlength)
    }
}
