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
        /// engine runs; nil for a workload known by its GEMMs alone.
        public var geometry: LayerGeometry?
        /// Whether the engine's layer reads its whole input in one window with a 1×1 output
        /// and no pooling (`EngineLayer.isWholeInputWindow`): at the end of a network, what a
        /// batch runs once.
        public var isWholeInputWindow: Bool

        public init(name: String, gemm: GEMMShape, inputElements: Int, outputElements: Int, isFullyConnected: Bool,
                    geometry: LayerGeometry? = nil, isWholeInputWindow: Bool = false) {
            self.name = name; self.gemm = gemm; self.inputElements = inputElements
            self.outputElements = outputElements; self.isFullyConnected = isFullyConnected
            self.geometry = geometry; self.isWholeInputWindow = isWholeInputWindow
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
        var byIndex: [Int: EngineLayer] = [:]
        for layer in engineLayers ?? [] { byIndex[layer.layerIndex] = layer }
        let layers = network.layers.indices.compactMap { index -> Layer? in
            let layer = network.layers[index]
            guard let gemm = layer.gemm else { return nil }
            var isFC = false
            if case .fullyConnected = layer.operation { isFC = true }
            return Layer(name: layer.name, gemm: gemm, inputElements: layer.inputShape.reduce(1, *),
                         outputElements: layer.outputShape.reduce(1, *), isFullyConnected: isFC, geometry: byIndex[index]?.geometry,
                         isWholeInputWindow: byIndex[index]?.isWholeInputWindow ?? false)
        }
        self.init(name: network.name, layers: layers, classes: network.outputSize)
    }

    /// The engine geometry of every layer, when the generated layer engine runs the network.
    public var geometries: [LayerGeometry]? {
        let all = layers.compactMap(\.geometry)
        return all.count == layers.count && !all.isEmpty ? all : nil
    }

    /// The first of the layers at the end that a batch of images runs once: those that each
    /// read their whole input in one window; `layers.count` with a batch of one, or when none does.
    public func batchedFrom(batch: Int) -> Int { Self.batchedFrom(layers.map(\.isWholeInputWindow), batch: batch) }

    /// The first of the layers at the end whose `isWholeInputWindow` holds, with a batch of more than one.
    static func batchedFrom(_ isWholeInputWindow: [Bool], batch: Int) -> Int {
        guard batch > 1 else { return isWholeInputWindow.count }
        var first = isWholeInputWindow.count
        while first > 0 && isWholeInputWindow[first - 1] { first -= 1 }
        return first
    }

    /// The layers as one run of the layer engine takes them (`EngineProgram`): the first
    /// with its columns folded where that helps and it is not batched, and with a batch of
    /// B > 1 the layers from `batchedFrom(batch:)` on over the B images, as many side by side
    /// as `columns` take (`LayerGeometry.batched`). Nil without engine geometry.
    public func runGeometries(batch: Int, columns: Int, maccs: Int) -> [LayerGeometry]? {
        guard let geometries else { return nil }
        let from = batchedFrom(batch: batch), across = LayerGeometry.batchAcross(batch: batch, columns: columns)
        return geometries.indices.map { l in
            l >= from ? geometries[l].batched(images: batch, across: across, first: l == from, maccs: maccs)
                : l == 0 ? geometries[0].folded(maccs: maccs) : geometries[l]
        }
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
