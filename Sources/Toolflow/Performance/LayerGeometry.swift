/// A layer's shape as the layer engine runs it: a convolution of a `[C, H, W]` input held
/// as lines of K_t channels (an FC layer's kernel covers its whole input), N output
/// channels in tiles of P, and a max pooling of the `H_o × W_o` output (1×1 for none).
/// What the engine's cycle model, traffic and buffer sizes follow from, and the rows of both
/// windows, which its row bands (`RowBand`) follow from.
public struct LayerGeometry: Codable, Hashable, Sendable {
    public var inputChannels: Int, inputHeight: Int, inputWidth: Int
    public var kernelHeight: Int, kernelWidth: Int
    /// The convolution's vertical stride, dilation and top padding.
    public var strideY: Int, dilationY: Int, padTop: Int
    public var outputChannels: Int, outputHeight: Int, outputWidth: Int
    public var pooledHeight: Int, pooledWidth: Int
    /// Taps per pooling window.
    public var poolArea: Int
    /// The pooling window's rows (a kernel of 1 for none).
    public var poolingRows: RowWindow
    /// Whether the host writes this layer's input (the network's first layer), so that it can
    /// lay it out with the kernel's columns folded into the channels (`folded(maccs:)`).
    public var readsHostInput: Bool
    /// Whether each output position's window is one image's input lines, a 1×L window of one
    /// channel group (the first batched FC layer, `batched`): its chunks are runs of lines.
    public var windowsAreImages = false

    public init(inputChannels: Int, inputHeight: Int, inputWidth: Int, kernelHeight: Int, kernelWidth: Int,
                strideY: Int = 1, dilationY: Int = 1, padTop: Int = 0,
                outputChannels: Int, outputHeight: Int, outputWidth: Int, pooledHeight: Int? = nil, pooledWidth: Int? = nil,
                poolArea: Int = 1, poolingRows: RowWindow = RowWindow(kernel: 1), readsHostInput: Bool = false,
                windowsAreImages: Bool = false) {
        self.inputChannels = inputChannels; self.inputHeight = inputHeight; self.inputWidth = inputWidth
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideY = strideY; self.dilationY = dilationY; self.padTop = padTop
        self.poolingRows = poolingRows
        self.outputChannels = outputChannels; self.outputHeight = outputHeight; self.outputWidth = outputWidth
        self.pooledHeight = pooledHeight ?? outputHeight; self.pooledWidth = pooledWidth ?? outputWidth
        self.poolArea = poolArea; self.readsHostInput = readsHostInput; self.windowsAreImages = windowsAreImages
    }

    /// The convolution window's rows.
    public var convolutionRows: RowWindow { RowWindow(kernel: kernelHeight, stride: strideY, dilation: dilationY, padTop: padTop) }

    /// The layer as the engine runs it with K_t lanes. A first layer whose input has few
    /// channels leaves most lanes idle; the host then writes, at each output column, the kw
    /// input columns the kernel reads there as C·kw channels, and the layer becomes a kh×1
    /// convolution: fewer beats, and no more lines than the plain input (else it stays).
    public func folded(maccs: Int) -> LayerGeometry {
        guard readsHostInput, kernelWidth > 1 else { return self }
        var f = self
        f.inputChannels = inputChannels * kernelWidth
        f.inputWidth = outputWidth
        f.kernelWidth = 1
        f.readsHostInput = false
        return f.inputLines(maccs: maccs) <= inputLines(maccs: maccs) && f.beats(maccs: maccs) < beats(maccs: maccs) ? f : self
    }

    /// The layer as the engine runs it over `images` images at once, `across` of them side by
    /// side in each row (`EngineLayer.batched`, whose geometry this is): the first batched
    /// layer (`first`) reads each image's L input lines as a 1×L window, L apart; later ones
    /// read the map the one before wrote, a 1×1 window per image.
    public func batched(images: Int, across: Int, first: Bool, maccs: Int) -> LayerGeometry {
        let rows = images / across
        var b = self
        if first {
            let lines = inputLines(maccs: maccs)
            (b.inputChannels, b.inputWidth, b.kernelWidth) = (min(inputChannels, maccs), across * lines, lines)
            b.windowsAreImages = true
        } else {
            (b.inputWidth, b.kernelWidth) = (across, 1)
        }
        (b.inputHeight, b.kernelHeight, b.strideY, b.dilationY, b.padTop) = (rows, 1, 1, 1, 0)
        (b.outputHeight, b.outputWidth, b.pooledHeight, b.pooledWidth) = (rows, across, rows, across)
        (b.poolArea, b.poolingRows, b.readsHostInput) = (1, RowWindow(kernel: 1), false)
        return b
    }

    /// Images side by side in a row of a batched layer's maps: the largest divisor of `batch`
    /// that an engine of `columns` columns takes at once.
    public static func batchAcross(batch: Int, columns: Int) -> Int {
        (1...max(1, min(batch, columns))).last { batch % $0 == 0 }!
    }

    /// Channel groups of K_t the input occupies: ⌈C/K_t⌉.
    public func inputGroups(maccs: Int) -> Int { ceilDivide(inputChannels, maccs) }
    /// Lines of the input in memory: ⌈C/K_t⌉·H·W.
    public func inputLines(maccs: Int) -> Int { inputGroups(maccs: maccs) * inputHeight * inputWidth }
    /// Beats per window: ⌈C/K_t⌉·kh·kw.
    public func beats(maccs: Int) -> Int { inputGroups(maccs: maccs) * kernelHeight * kernelWidth }
    /// Beats of each input-channel chunk when the PEs' weight buffers hold windows of
    /// `maxWindow` beats: the most channel groups that divide the groups and whose taps fit (the
    /// whole window when it fits), or, when the windows are images, the most lines that divide
    /// an image's; nil when not even one group's taps fit.
    public func chunkBeats(maxWindow: Int, maccs: Int) -> Int? {
        let groups = inputGroups(maccs: maccs), taps = kernelHeight * kernelWidth
        if windowsAreImages { return (1...kernelWidth).last { kernelWidth % $0 == 0 && $0 <= maxWindow } }
        guard taps <= maxWindow else { return nil }
        return (1...groups).last { groups % $0 == 0 && $0 * taps <= maxWindow }.map { $0 * taps }
    }
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
    /// Entries of P partial sums a layer run in input-channel chunks keeps between chunks:
    /// one per tile and output position.
    public func partialSums(pes: Int) -> Int { tiles(pes: pes) * positions }
    /// Useful multiply-accumulates: M·N·C·kh·kw.
    public var maccs: Int { positions * outputChannels * inputChannels * kernelHeight * kernelWidth }
}
