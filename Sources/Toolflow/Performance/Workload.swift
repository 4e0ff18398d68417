/// What the performance model needs of a network: the GEMM of every CONV and FC layer and
/// the feature maps it reads and writes. Built from a `Network` or, for the paper's
/// networks, from layer shapes alone (no weights needed).
public struct Workload: Codable, Hashable, Sendable {
    public struct Layer: Codable, Hashable, Sendable {
        public var name: String
        public var gemm: GEMMShape
        /// Elements of the layer's input feature map (or vector) per image.
        public var inputElements: Int
        /// Elements of its output per image.
        public var outputElements: Int
        /// Whether the layer is fully connected: its weights are reused across a batch.
        public var isFullyConnected: Bool

        public init(name: String, gemm: GEMMShape, inputElements: Int, outputElements: Int, isFullyConnected: Bool) {
            self.name = name; self.gemm = gemm; self.inputElements = inputElements
            self.outputElements = outputElements; self.isFullyConnected = isFullyConnected
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

    /// The CONV and FC layers of `network`.
    public init(_ network: Network) {
        let layers = network.layers.compactMap { layer -> Layer? in
            guard let gemm = layer.gemm else { return nil }
            var isFC = false
            if case .fullyConnected = layer.operation { isFC = true }
            return Layer(name: layer.name, gemm: gemm, inputElements: layer.inputShape.reduce(1, *),
                         outputElements: layer.outputShape.reduce(1, *), isFullyConnected: isFC)
        }
        self.init(name: network.name, layers: layers, classes: network.outputSize)
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
