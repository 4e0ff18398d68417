import HDLGen

/// Cycles the layer engine (`LayerEngine`) spends on a layer, phase by phase, when its memory
/// takes a request every cycle and answers `memoryLatency` cycles later (1: the next cycle).
/// Exact for the generated RTL under those conditions; memory stalls only add to it.
///
/// - fetch: one cycle per descriptor field;
/// - each load of n lines (the input once; per tile of P channels its P biases and P·B
///   weight lines): n requests, then the last response, then one cycle to move on;
/// - compute, per tile: M·B beats, two cycles of address generation and buffer read, the
///   MM unit's latency, two cycles of bias and requantisation (the last one moves on);
/// - write-back: A pooling taps per output line, the pipeline, the last write's
///   acknowledgement, one cycle to move on.
public struct EngineCycleModel: Sendable {
    public var pes: Int
    public var maccs: Int
    public var memoryLatency: Int

    public init(pes: Int, maccs: Int, memoryLatency: Int = 2) {
        self.pes = pes; self.maccs = maccs; self.memoryLatency = memoryLatency
    }

    /// One layer's cycles by phase.
    public struct LayerCycles: Hashable, Sendable {
        public var fetch: Int, inputLoad: Int, parameterLoad: Int, compute: Int, writeBack: Int
        public var total: Int { fetch + inputLoad + parameterLoad + compute + writeBack }
    }

    var mmLatency: Int { 2 + ceilLog2(maccs) }

    func load(_ lines: Int) -> Int { lines + memoryLatency + 1 }

    /// A layer's cycles by phase (a first layer with its columns folded when that helps).
    public func cycles(_ layer: LayerGeometry) -> LayerCycles {
        let layer = layer.folded(maccs: maccs)
        let beats = layer.beats(maccs: maccs), tiles = layer.tiles(pes: pes)
        return LayerCycles(
            fetch: DescriptorField.allCases.count,
            inputLoad: load(layer.inputLines(maccs: maccs)),
            parameterLoad: tiles * (load(pes) + load(pes * beats)),
            compute: tiles * (layer.positions * beats + mmLatency + 4),
            writeBack: layer.outputLines(maccs: maccs) * layer.poolArea + memoryLatency + 4)
    }

    /// Lines a layer moves through the memory port: its input, its biases and weights, its output.
    public func lines(_ layer: LayerGeometry) -> Int {
        let layer = layer.folded(maccs: maccs)
        return layer.inputLines(maccs: maccs) + layer.tiles(pes: pes) * pes * (1 + layer.beats(maccs: maccs))
            + layer.outputLines(maccs: maccs)
    }

    /// Useful multiply-accumulates of a layer over the P·K_t MACCs and `cycles`.
    public func utilisation(_ layer: LayerGeometry, cycles: Int) -> Double {
        Double(layer.maccs) / Double(pes * maccs * max(1, cycles))
    }
}
