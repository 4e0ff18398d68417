import HDLGen

/// The roofline of an engine on a network: per layer, the compute time at the device clock
/// and the memory time of the bytes the layer moves at the bandwidth the engine has; the
/// slower of the two is the layer's time. Layers run one after another.
///
/// For a workload the generated layer engine runs (layers with `LayerGeometry`), the cycles
/// are the engine's own (`EngineCycleModel`: row bands as its buffers hold them; loads,
/// compute and write-back one after another but for each tile's weights, which load while
/// the tile before computes; one image at a time) and the bytes the lines it moves: per
/// band its input rows once (they stay on chip for every tile of output channels), each
/// tile's biases and weights once (they stay while the engine sweeps the band's output
/// positions), its (pooled) output rows once. A layer whose one pooled row the buffers cannot
/// hold takes forever.
///
/// For a workload known by its GEMMs alone (the paper's networks, larger than the layer
/// engine's on-chip buffers hold), the idealised engine: `CycleModel` cycles, and per image
/// the weights (once for CONV layers; once per batch of `batch` images for FC layers), the
/// input feature map once per tile of P output channels (CONV) and the output once.
///
/// Words are packed at the engine's wordlength; the LPU reads the HPU's weights
/// (`weightWordlength`) and truncates them on chip.
public struct PerformanceModel: Sendable {
    public var clockHz: Double
    public var bandwidthBytesPerSecond: Double
    /// Images per batch of the FC layers (idealised engine).
    public var batch: Int
    /// Cycles from a memory request to its response, as the layer engine sees it.
    public var memoryLatency: Int

    public init(clockHz: Double, bandwidthBytesPerSecond: Double, batch: Int = 16, memoryLatency: Int = 2) {
        self.clockHz = clockHz; self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.batch = batch; self.memoryLatency = memoryLatency
    }

    public init(device: Device, bandwidthShare: Double = 1, batch: Int = 16, memoryLatency: Int = 2) {
        self.init(clockHz: device.clockHz, bandwidthBytesPerSecond: device.bandwidthBytesPerSecond * bandwidthShare,
                  batch: batch, memoryLatency: memoryLatency)
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

    func cycleModel(_ engine: EngineConfiguration) -> EngineCycleModel {
        EngineCycleModel(engine, memoryLatency: memoryLatency)
    }

    /// Bytes `layer` moves per image on `engine`.
    public func bytes(_ layer: Workload.Layer, engine: EngineConfiguration, weightWordlength: Int? = nil) -> Double {
        guard let g = layer.geometry else {
            let w = Double(engine.wordlength), weightBits = Double(weightWordlength ?? engine.wordlength)
            let reuse = layer.isFullyConnected ? Double(batch) : 1
            let inputReads = layer.isFullyConnected ? 1 : ceilDivide(layer.gemm.n, engine.pes)
            let bits = Double(layer.weights) * weightBits / reuse
                + Double(layer.inputElements * inputReads + layer.outputElements) * w
            return bits / 8
        }
        // Whole lines; weight lines at the width the weights are stored in.
        guard let lines = cycleModel(engine).lines(g) else { return .infinity }
        let weightScale = Double(weightWordlength ?? engine.wordlength) / Double(engine.wordlength)
        return (Double(lines.features + lines.biases) + Double(lines.weights) * weightScale) * Double(engine.lineWidth) / 8
    }

    public func layerTime(_ layer: Workload.Layer, engine: EngineConfiguration, weightWordlength: Int? = nil) -> LayerTime {
        let bytes = bytes(layer, engine: engine, weightWordlength: weightWordlength)
        guard let g = layer.geometry else {
            let cycles = CycleModel.cycles(layer.gemm, pes: engine.pes, maccs: engine.maccs, latency: engine.latency)
            return LayerTime(name: layer.name, cycles: cycles, bytes: bytes, computeSeconds: Double(cycles) / clockHz,
                             memorySeconds: bytes / bandwidthBytesPerSecond)
        }
        let cycles = cycleModel(engine).cycles(g)?.total
        return LayerTime(name: layer.name, cycles: cycles ?? Int.max, bytes: bytes,
                         computeSeconds: cycles.map { Double($0) / clockHz } ?? .infinity,
                         memorySeconds: bytes / bandwidthBytesPerSecond)
    }

    /// Seconds per image: the sum of the layers' roofline times.
    public func secondsPerImage(_ workload: Workload, engine: EngineConfiguration, weightWordlength: Int? = nil) -> Double {
        workload.layers.reduce(0) { $0 + layerTime($1, engine: engine, weightWordlength: weightWordlength).seconds }
    }

    /// Images per second.
    public func throughput(_ workload: Workload, engine: EngineConfiguration, weightWordlength: Int? = nil) -> Double {
        1 / secondsPerImage(workload, engine: engine, weightWordlength: weightWordlength)
    }
}
