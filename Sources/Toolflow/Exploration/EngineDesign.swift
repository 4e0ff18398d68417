import HDLGen

/// An engine chosen by the explorer, with what it costs and what it achieves.
public struct EngineDesign: Codable, Hashable, Sendable {
    public var engine: EngineConfiguration
    /// The MM unit and its buffers.
    public var resources: Resources
    /// Images per second on the workload, with the bandwidth the engine was given.
    public var throughput: Double
    /// The workload's multiply-accumulates at that throughput over what the engine's P·K_t·Q
    /// MACCs do at the clock: how busy they are.
    public var maccUtilisation: Double
    /// Per-layer figures per image.
    public var layers: [PerformanceModel.LayerTime]

    /// `engine` on `workload` at `performance`'s clock, bandwidth and batch.
    init(engine: EngineConfiguration, resources: Resources, workload: Workload, performance: PerformanceModel,
         weightWordlength: Int?) {
        self.engine = engine
        self.resources = resources
        layers = performance.layerTimes(workload, engine: engine, weightWordlength: weightWordlength)
        throughput = 1 / layers.reduce(0) { $0 + $1.seconds }
        maccUtilisation = Double(workload.maccs) * throughput / (Double(engine.multipliers) * performance.clockHz)
    }
}
