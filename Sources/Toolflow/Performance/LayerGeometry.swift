/// A layer's shape as the layer engine runs it: a convolution of a `[C, H, W]` input held
/// as lines of K_t channels (an FC layer's kernel covers its whole input), N output
/// channels in tiles of P, and a max pooling of the `H_o × W_o` output (1×1 for none).
/// What the engine's cycle model, traffic and buffer sizes follow from.
public struct LayerGeometry: Codable, Hashable, Sendable {
    public var inputChannels: Int, inputHeight: Int, inputWidth: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var outputChannels: Int, outputHeight: Int, outputWidth: Int
    public var pooledHeight: Int, pooledWidth: Int
    /// Taps per pooling window.
    public var poolArea: Int

    public init(inputChannels: Int, inputHeight: Int, inputWidth: Int, kernelHeight: Int, kernelWidth: Int,
                outputChannels: Int, outputHeight: Int, outputWidth: Int, pooledHeight: Int? = nil, pooledWidth: Int? = nil,
                poolArea: Int = 1) {
        self.inputChannels = inputChannels; self.inputHeight = inputHeight; self.inputWidth = inputWidth
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.outputChannels = outputChannels; self.outputHeight = outputHeight; self.outputWidth = outputWidth
        self.pooledHeight = pooledHeight ?? outputHeight; self.pooledWidth = pooledWidth ?? outputWidth
        self.poolArea = poolArea
    }

    /// Channel groups of K_t the input occupies: ⌈C/K_t⌉.
    public func inputGroups(maccs: Int) -> Int { ceilDivide(inputChannels, maccs) }
    /// Lines of the input in memory: ⌈C/K_t⌉·H·W.
    public func inputLines(maccs: Int) -> Int { inputGroups(maccs: maccs) * inputHeight * inputWidth }
    /// Beats per window: ⌈C/K_t⌉·kh·kw.
    public func beats(maccs: Int) -> Int { inputGroups(maccs: maccs) * kernelHeight * kernelWidth }
    /// Output positions M of the convolution.
    public var positions: Int { outputHeight * outputWidth }
    /// Tiles of P output channels.
    public func tiles(pes: Int) -> Int { ceilDivide(outputChannels, pes) }
    /// Lines of K_t channels per output position: ⌈N/K_t⌉.
    public func outputGroups(maccs: Int) -> Int { ceilDivide(outputChannels, maccs) }
    /// Lines of the (pooled) output in memory.
    public func outputLines(maccs: Int) -> Int { outputGroups(maccs: maccs) * pooledHeight * pooledWidth }
    /// Entries of the output buffer the layer fills: ⌈N/max(P, K_t)⌉·M.
    public func outputEntries(pes: Int, maccs: Int) -> Int { ceilDivide(outputChannels, max(pes, maccs)) * positions }
    /// Useful multiply-accumulates: M·N·C·kh·kw.
    public var maccs: Int { positions * outputChannels * inputChannels * kernelHeight * kernelWidth }
}
