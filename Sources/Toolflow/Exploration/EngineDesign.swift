import HDLGen

/// An engine chosen by the explorer, with what it costs and what it achieves.
public struct EngineDesign: Codable, Hashable, Sendable {
    public var engine: EngineConfiguration
    /// The MM unit and its buffers.
    public var resources: Resources
    /// Images per second on the workload, with the bandwidth the engine was given.
    public var throughput: Double
    /// Per-layer figures per image.
    public var layers: [PerformanceModel.LayerTime]
}
