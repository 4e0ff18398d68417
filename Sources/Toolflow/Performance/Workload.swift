/// What the performance model needs of a network: the GEMM and the engine geometry of every
/// CONV and FC layer. Built from a `Network` or, for the paper's networks, from layer shapes
/// alone (no weights needed).
public struct Workload: Codable, Hashable, Sendable {
    public struct Layer: Codable, Hashable, Sendable {
        public var name: String
        public var gemm: GEMMShape
        /// Elements of the layer's input feature map (or vector) per image.
        public var inputElements: Int
        /// Elements of its output per image.
        public var outputElements: Int
        /// Whether the layer is fully connected: in the idealised model its weights are
        /// reused across a batch.
        public var isFullyConnected: Bool
        /// The layer as the generated layer engine runs it, when the network is one the
        /// engine runs; nil for a workload known by its GEMMs alone (the paper's networks).
        public var geometry: LayerGeometry?

        public init(name: String, gemm: GEMMShape, inputElements: Int, outputElements: Int, isFullyConnected: Bool,
                    geometry: LayerGeometry? = nil) {
            self.name = name; self.gemm = gemm; self.inputElements = inputElements
            self.outputElements = outputElements; self.isFullyConnected = isFullyConnected
            self.geometry = geometry
        }

        /// Weights: K·N per group.
        public var weights: Int { gemm.groups * gemm.k * gemm.n }
    }

    public var name: String
    public var layers: [Layer]
    /// Classes the network scores (the CEU's input).
    public var classes: Int

    public init(name: String, layers: [Layer], classes: Int) {
        self.name = name; self.layers = layers; self.classes = classes
    }

    /// The CONV and FC layers of `network`, with the geometry the layer engine runs them in
    /// (none when the engine cannot run the network).
    public init(_ network: Network) {
        let engineLayers = try? EngineLayer.layers(of: network)
        var geometries: [Int: LayerGeometry] = [:]
        for layer in engineLayers ?? [] { geometries[layer.layerIndex] = layer.geometry }
        let layers = network.layers.indices.compactMap { index -> Layer? in
            let layer = network.layers[index]
            guard let gemm = layer.gemm else { return nil }
            var isFC = false
            if case .fullyConnected = layer.operation { isFC = true }
            return Layer(name: layer.name, gemm: gemm, inputElements: layer.inputShape.reduce(1, *),
                         outputElements: layer.outputShape.reduce(1, *), isFullyConnected: isFC, geometry: geometries[index])
        }
        self.init(name: network.name, layers: layers, classes: network.outputSize)
    }

    /// The engine geometry of every layer, when the generated layer engine runs the network.
    public var geometries: [LayerGeometry]? {
        let all = layers.compactMap(\.geometry)
        return all.count == layers.count && !all.isEmpty ? all : nil
    }

    /// Multiply-accumulates per image.
    public var maccs: Int { layers.reduce(0) { $0 + $1.gemm.maccs } }
}

extension GEMMShape: Codable {
    enum CodingKeys: String, CodingKey { case m, n, k, groups }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(m: try c.decode(Int.self, forKey: .m), n: try c.decode(Int.self, forKey: .n),
                  k: try c.decode(Int.self, forKey: .k), groups: try c.decode(Int.self, forKey: .groups))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(m, forKey: .m); try c.encode(n, forKey: .n)
        try c.encode(k, forKey: .k); try c.encode(groups, forKey: .groups)
    }
}
