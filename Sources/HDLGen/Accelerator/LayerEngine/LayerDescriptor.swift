/// The fields of one layer descriptor of the `LayerEngine`, in register order. Every layer
/// the engine runs is a convolution over a `[C, H, W]` input held as lines of K_t channels
/// (a fully connected layer is the convolution whose kernel covers the whole input),
/// followed by bias, requantisation, an optional ReLU and a max pooling (1×1 for none).
///
/// A descriptor runs a *band* of the layer's rows, `bands` times: the geometry is the band's
/// (its input rows, convolution rows and pooled rows, padding only where the band meets the
/// map's border), and each repeat moves the input and output `inputAdvance` and
/// `outputAdvance` lines on. A band's input and output are slices of maps held group by group
/// in memory, so each is read or written as one segment per channel group, a skip apart.
///
/// A layer whose window is longer than the PEs' weight buffers runs each band in `chunks`
/// input-channel chunks of equal channel groups: the input and beat fields are a chunk's, each
/// chunk's input `chunkAdvance` lines after the one before, and every tile's sums wait in the
/// partial-sum buffer from one chunk to the next (`EngineConfiguration.maxChunks`).
public enum DescriptorField: Int, CaseIterable, Sendable {
    /// Line addresses in memory: the input, the (pooled) output, the layer's first weight
    /// line and its first bias line.
    case inputAddress, outputAddress, weightAddress, biasAddress
    /// Input lines (⌈C/K_t⌉·H·W), channel groups ⌈C/K_t⌉, height and width: the band's.
    case inputLines, inputGroups, inputHeight, inputWidth
    /// Lines of each channel group of the band's input (H·W), and the lines memory holds
    /// between one group's and the next's (the map's other rows).
    case inputSegment, inputSkip
    case kernelHeight, kernelWidth, strideY, strideX, dilationY, dilationX, padTop, padLeft
    /// Beats per window: ⌈C/K_t⌉·kh·kw.
    case beats
    /// The convolution's output height and width, their product, and tiles of P channels.
    case outputHeight, outputWidth, outputPositions, tiles
    /// The requantisation shift plus the wordlength (`EngineConfiguration.shiftOffset`): the
    /// run-time right shift of the bias-added accumulator widened by w bits; whether ReLU follows.
    case shift, relu
    case poolHeight, poolWidth, poolStrideY, poolStrideX, poolPadTop, poolPadLeft, pooledHeight, pooledWidth
    /// Output lines per position (⌈N/K_t⌉), and channels in the last of them (1…K_t).
    case outputGroups, lastLanes
    /// Lines memory holds between one output group's pooled rows of the band and the next's.
    case outputSkip
    /// Times the band runs (0 runs it once too), and the lines its input and output move on each time.
    case bands, inputAdvance, outputAdvance
    /// Input-channel chunks of each band (0 runs one too), and the lines from one chunk's input to the next's.
    case chunks, chunkAdvance

    /// The field's word in a descriptor.
    public var index: Int { rawValue }
}

/// The register map of the `LayerEngine`, in 32-bit words (byte address = word · 4).
///
/// The lower half holds the control and status registers, the upper half the descriptor
/// table: layer `l`'s field `f` at `descriptorBase + l·descriptorStride + f`. Descriptors
/// are write-only; reading them returns zero.
public enum EngineRegister {
    /// Write 1 to bit 0 to start the layers `firstLayer` ..< `layerCount` (ignored while busy).
    public static let control = 0
    /// Bit 0 busy, bit 1 done (set when the last layer has finished, cleared by a start).
    public static let status = 1
    public static let layerCount = 2
    /// Cycles from start to done, a 48-bit counter in two words.
    public static let cyclesLow = 3
    public static let cyclesHigh = 4
    /// The byte address of memory line 0 for the AXI4 master.
    public static let baseAddress = 5
    /// A line offset added to every layer's input and output address: the host (or the
    /// cascade's controller) runs the same descriptors on another image's region with it.
    public static let imageOffset = 6
    /// The first descriptor a start runs (the last is `layerCount` − 1): a host runs a batch's
    /// per-image descriptors once per image, then the batch's own, as separate starts.
    public static let firstLayer = 7
    /// Word `layerCycles + l`: the cycle counter's low word when layer `l` finished.
    public static let layerCycles = 32
    /// Words per descriptor.
    public static let descriptorStride = 64
}

/// One layer's descriptor: a value per `DescriptorField`.
public struct LayerDescriptor: Hashable, Sendable {
    public private(set) var values: [Int]

    public init() { values = Array(repeating: 0, count: DescriptorField.allCases.count) }

    public subscript(field: DescriptorField) -> Int {
        get { values[field.index] }
        set { values[field.index] = newValue }
    }
}

/// One start of the engine as a host makes it: the descriptors `layers` of the table on the
/// region `imageOffset` lines on (`EngineRegister.firstLayer`, `layerCount`, `imageOffset`).
public struct EngineStart: Hashable, Sendable {
    public var imageOffset: Int
    public var layers: Range<Int>

    public init(imageOffset: Int, layers: Range<Int>) { self.imageOffset = imageOffset; self.layers = layers }
}
