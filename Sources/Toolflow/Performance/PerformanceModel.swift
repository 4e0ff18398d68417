import HDLGen

/// The roofline of an engine on a network: per layer, the compute time at the device clock
/// and the memory time of the bytes the layer moves at the bandwidth the engine has; the
/// slower of the two is the layer's time. Layers run one after another.
///
/// For a workload the generated layer engine runs (layers with `LayerGeometry`), the cycles
/// are the engine's own (`EngineCycleModel`: row bands as its buffers hold them; loads,
/// compute and write-back one after another but for each tile's weights, which load while
/// the tile before computes) and the bytes the lines it moves: per band its input rows once
/// (they stay on chip for every tile of output channels), each tile's biases and weights once
/// (they stay while the engine sweeps the band's output positions), its (pooled) output rows
/// once. With a `batch` of B > 1 the layers at the end that read their whole input in one
/// window run once per B images (`Workload.runGeometries`, as `EngineProgram` runs them), and
/// each image counts a B-th of their cycles and bytes. A layer whose one pooled row the
/// buffers cannot hold takes forever.
///
/// For a workload known by its GEMMs alone (a network the layer engine cannot run), the
/// idealised engine: `CycleModel` cycles, and per image the weights (once for CONV layers;
/// once per batch of `batch` images for FC layers), the input feature map once per tile of P
/// output channels (CONV) and the output once.
///
/// Words are packed at the engine's wordlength; the LPU reads the HPU's weights
/// (`weightWordlength`) and truncates them on chip.
public struct PerformanceModel: Sendable {
    public var clockHz: Double
    public var bandwidthBytesPerSecond: Double
    /// Images per run: the FC layers at the end of a network read their weights once per batch.
    public var batch: Int
    /// Cycles from a memory request to its response, as the layer engine sees it.
    public var memoryLatency: Int

    public init(clockHz: Double, bandwidthBytesPerSecond: Double, batch: Int = 1, memoryLatency: Int = 2) {
        self.clockHz = clockHz; self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.batch = batch; self.memoryLatency = memoryLatency
    }

    public init(device: Device, bandwidthShare: Double = 1, batch: Int = 1, memoryLatency: Int = 2) {
        self.init(clockHz: device.clockHz, bandwidthBytesPerSecond: device.bandwidthBytesPerSecond * bandwidthShare,
                  batch: batch, memoryLatency: memoryLatency)
    }

    /// One layer's figures per image.
    public struct LayerTime: Codable, Hashable, Sendable {
        public var name: String
        /// Cycles per image (of a batched layer: its run's over the batch, rounded).
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

    /// Every layer's figures per image on `engine`.
    public func layerTimes(_ workload: Workload, engine: EngineConfiguration, weightWordlength: Int? = nil) -> [LayerTime] {
        guard let runs = workload.runGeometries(batch: batch, columns: engine.columns, maccs: engine.maccs) else {
            return workload.layers.map { idealisedTime($0, engine: engine, weightWordlength: weightWordlength) }
        }
        let batchedFrom = workload.batchedFrom(batch: batch)
        return workload.layers.indices.map { l in
            engineTime(runs[l], name: workload.layers[l].name, images: l < batchedFrom ? 1 : batch, engine: engine,
                       weightWordlength: weightWordlength)
        }
    }

    /// The layer engine on `layer` as a run takes it, over `images` images.
    func engineTime(_ layer: LayerGeometry, name: String, images: Int, engine: EngineConfiguration,
                    weightWordlength: Int?) -> LayerTime {
        let model = cycleModel(engine)
        // Whole lines; weight lines at the width the weights are stored in.
        let bytes = model.lines(layer).map { lines in
            let weightScale = Double(weightWordlength ?? engine.wordlength) / Double(engine.wordlength)
            return (Double(lines.features + lines.biases) + Double(lines.weights) * weightScale) * Double(engine.lineWidth) / 8
        } ?? .infinity
        guard let cycles = model.cycles(layer)?.total else {
            return LayerTime(name: name, cycles: Int.max, bytes: bytes, computeSeconds: .infinity, memorySeconds: .infinity)
        }
        let perImage = Double(cycles) / Double(images)
        return LayerTime(name: name, cycles: Int(perImage.rounded()), bytes: bytes / Double(images),
                         computeSeconds: perImage / clockHz, memorySeconds: bytes / Double(images) / bandwidthBytesPerSecond)
    }

    /// The idealised GEMM engine on `layer`.
    func idealisedTime(_ layer: Workload.Layer, engine: EngineConfiguration, weightWordlength: Int?) -> LayerTime {
        let w = Double(engine.wordlength), weightBits = Double(weightWordlength ?? engine.wordlength)
        let reuse = layer.isFullyConnected ? Double(batch) : 1
        let inputReads = layer.isFullyConnected ? 1 : ceilDivide(layer.gemm.n, engine.pes)
        let bits = Double(layer.weights) * weightBits / reuse
            + Double(layer.inputElements * inputReads + layer.outputElements) * w
        let cycles = CycleModel.cycles(layer.gemm, pes: engine.pes, maccs: engine.maccs, latency: engine.latency)
        return LayerTime(name: layer.name, cycles: cycles, bytes: bits / 8, computeSeconds: Double(cycles) / clockHz,
                         memorySeconds: bits / 8 / bandwidthBytesPerSecond)
    }

    /// Seconds per image: the sum of the layers' roofline times.
    public func secondsPerImage(_ workload: Workload, engine: EngineConfiguration, weightWordlength: Int? = nil) -> Double {
        layerTimes(workload, engine: engine, weightWordlength: weightWordlength).reduce(0) { $0 + $1.seconds }
    }

    /// Images per second.
    public func throughput(_ workload: Workload, engine: EngineConfiguration, weightWordlength: Int? = nil) -> Double {
        1 / secondsPerImage(workload, engine: engine, weightWordlength: weightWordlength)
    }
}
