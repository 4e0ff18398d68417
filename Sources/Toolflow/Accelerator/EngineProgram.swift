import FixedPoint
import HDLGen

/// The host's side of a layer engine running a quantised network: the engine sized for the
/// network, the memory image (weights and biases at the layer formats, then per image its
/// input and every layer's output), the layer descriptors, and the conversion of images and
/// layer outputs to and from the engine's lines. The testbench and a board's host program
/// use the same code.
///
/// Memory layout, in lines of K_t words: for each layer, its biases (one per line, P per
/// tile, `EngineConfiguration.storedBias`) and its weights (per tile, per PE, per beat: the K_t
/// channels of one kernel tap); then, per image, the input and each layer's output, each a
/// feature map `[C, H, W]` stored as lines `(g·H + y)·W + x` holding channels g·K_t …
/// g·K_t + K_t − 1 (zero beyond C).
///
/// A layer runs in row bands as the engine's buffers hold them (`RowBand`), one descriptor
/// per run of equal bands (`BandRun`).
///
/// With a `batch` of B > 1 images per run, the FC layers at the end of the network (from
/// `batchedFrom`: each output 1×1, its kernel its whole input) run once for all B: the
/// first of them reads the B images' inputs from their regions as one map of B windows
/// (`EngineLayer.batched`, as many images side by side as the engine has columns), so each
/// tile's weights are read once per batch, and writes an `[N, B]` map (channel n of image b
/// at line n/K_t·B + b) to the run's shared area, which the next reads as a 1×1 convolution
/// over B positions. A run's memory: its B image regions, then the shared area. The host
/// writes the descriptor table once; a run is a start per image over the per-image layers,
/// at that image's region, then one over the batched layers (`starts(run:)`).
public struct EngineProgram: Sendable {
    public let quantised: QuantisedNetwork
    public let layers: [EngineLayer]
    public let engine: LayerEngine
    /// Images per run.
    public let batch: Int
    /// The first layer that runs once per batch (`layers.count` when none does).
    public let batchedFrom: Int
    /// Images side by side in a row of a batched layer's maps: the largest divisor of the
    /// batch that the engine's columns take at once.
    let batchAcross: Int
    /// Per layer, the runs of row bands it runs in (a batched layer: over the batch): one
    /// descriptor each.
    public let bandRuns: [[BandRun]]
    /// Per layer, the input-channel chunks each of its bands runs in (1: its whole window at once).
    public let chunks: [Int]
    /// The layer each descriptor of the table runs: the per-image layers, then the batched
    /// ones (a layer's descriptors are consecutive).
    public var descriptorLayers: [Int] {
        layers.indices.flatMap { l in Array(repeating: l, count: bandRuns[l].count) }
    }
    /// Descriptors of the per-image layers: those a batch runs once per image.
    var perImageDescriptors: Int { bandRuns[..<batchedFrom].reduce(0) { $0 + $1.count } }
    /// The weight and bias lines at the start of memory.
    public let parameterLines: [String]
    /// Per layer, the first line of its weights and of its biases.
    public internal(set) var weightAddresses: [Int], biasAddresses: [Int]
    /// Per layer, its bias lines (`parameterLines` holds them too, before its weights).
    public let biasLines: [[String]]
    /// Per image: the offset of each per-image layer's output within its region (the input is at 0).
    public let outputOffsets: [Int]
    /// Lines of one image's region.
    public let imageLines: Int
    /// Per batched layer, the offset of its output in a run's shared area.
    let batchOffsets: [Int]
    /// Lines of one run's memory: its images' regions, then the shared area.
    public let runLines: Int
    let inference: FixedPointInference
    /// The first layer as the network has it, when the engine runs it with its input's
    /// columns folded into channels (`LayerGeometry.folded`); the host writes that input.
    let unfoldedFirstLayer: EngineLayer?

    /// `columns` is the engine's Q (output columns in parallel). `lineWidth` widens the memory
    /// lines (to share a memory with a wider engine), and the weights of every layer are laid
    /// out for a multiple of `channelMultiple` output channels as well as of P (so that an
    /// engine with that many PEs reads them too).
    /// `mix` maps the engine's multipliers (nil: every PE on DSP48s). `buffers` gives the
    /// activation and output buffers' depths (powers of two), which decide the row bands; nil:
    /// buffers that hold the largest layer whole. `descriptorSlots` makes the register file
    /// hold at least that many descriptors (a cascade's engines share one register map).
    /// `batch` is the images per run (see above). `weightWindow` makes the PEs' weight buffers
    /// hold windows of that many beats (a power of two): a layer whose window is longer runs
    /// in input-channel chunks with partial sums; nil: the longest window.
    public init(quantised: QuantisedNetwork, pes: Int, maccs: Int, columns: Int = 1, batch: Int = 1, lineWidth: Int? = nil,
                channelMultiple: Int = 1, mix: MultiplierMix? = nil,
                buffers: (activationDepth: Int, outputDepth: Int)? = nil, descriptorSlots: Int? = nil,
                weightWindow: Int? = nil) throws(ToolflowError) {
        self.quantised = quantised
        let network = quantised.network
        let mapped = try EngineLayer.layers(of: network)
        guard (1...EngineConfiguration.maximumColumns).contains(columns) else {
            throw .unsupportedByEngine(layer: network.name, reason: "\(columns) output columns is outside 1...\(EngineConfiguration.maximumColumns)")
        }
        guard (1...EngineProgram.maximumBatch).contains(batch) else {
            throw .unsupportedByEngine(layer: network.name, reason: "a batch of \(batch) images is outside 1...\(EngineProgram.maximumBatch)")
        }
        let batchedFrom = Workload.batchedFrom(mapped.map(\.isWholeInputWindow), batch: batch)
        // A batched first layer reads the images as the network has them: no folding.
        let folds = batchedFrom > 0 && mapped[0].geometry.folded(maccs: maccs) != mapped[0].geometry
        let layers = folds ? [mapped[0].foldingColumns()] + mapped.dropFirst() : mapped
        self.layers = layers
        self.batch = batch
        self.batchedFrom = batchedFrom
        let batchAcross = LayerGeometry.batchAcross(batch: batch, columns: columns)
        self.batchAcross = batchAcross
        unfoldedFirstLayer = folds ? mapped[0] : nil
        inference = try FixedPointInference(quantised)
        let w = quantised.quantisation.wordlength
        // The layers as a run sees them (the batched ones over the whole batch), as the DSE sizes them.
        let runGeometries = Workload(network).runGeometries(batch: batch, columns: columns, maccs: maccs)!
        if batchedFrom < layers.count, runGeometries[batchedFrom].inputWidth > EngineProgram.maximumDimension {
            throw .unsupportedByEngine(layer: layers[batchedFrom].name, reason: "\(batchAcross) images of \(layers[batchedFrom].geometry.inputLines(maccs: maccs)) lines side by side make a map \(runGeometries[batchedFrom].inputWidth) lines wide; the engine's dimensions hold at most \(EngineProgram.maximumDimension)")
        }
        var configuration = try Self.configuration(wordlength: w, pes: pes, maccs: maccs, layers: runGeometries,
                                                   names: layers.map(\.name), network: network.name, lineWidth: lineWidth,
                                                   buffers: buffers, weightWindow: weightWindow)
        configuration.columns = columns
        configuration.mix = mix
        let model = EngineCycleModel(configuration)
        let bandRuns = runGeometries.map { model.bandRuns($0)! }
        chunks = runGeometries.map { model.chunks($0)! }
        let descriptors = bandRuns.reduce(0) { $0 + $1.count }
        guard descriptors <= EngineConfiguration.maximumDescriptors else {
            throw .unsupportedByEngine(layer: network.name, reason: "the network takes \(descriptors) descriptors (one per run of equal row bands of a layer); the register file holds at most \(EngineConfiguration.maximumDescriptors)")
        }
        configuration.maxLayers = max(descriptors, descriptorSlots ?? 0)
        do {
            engine = try LayerEngine(configuration)
        } catch {
            throw .unsupportedByEngine(layer: network.name, reason: "\(error)")
        }
        self.bandRuns = bandRuns

        var lines: [String] = [], weightAddresses: [Int] = [], biasAddresses: [Int] = [], biasLines: [[String]] = []
        let lineWidth = engine.lineWidth
        var multiple = channelMultiple
        while multiple % pes != 0 { multiple += channelMultiple }
        for (l, layer) in layers.enumerated() {
            let (entry, shift) = Self.formats(of: layer, in: quantised)
            let tiles = layer.geometry.tiles(pes: pes), n = layer.outputChannels
            biasAddresses.append(lines.count)
            for channel in 0..<(tiles * pes) {
                guard channel < n else { lines.append(EngineMemoryLine.hex(value: 0, lineWidth: lineWidth)); continue }
                let aligned = quantised.biases[layer.layerIndex][channel]
                    .shiftedRight(by: entry.bias.fractionBits - entry.input.fractionBits - entry.weights.fractionBits)
                guard let stored = engine.configuration.storedBias(alignedBias: aligned, shift: shift) else {
                    throw .unsupportedByEngine(layer: layer.name, reason: "bias \(aligned) of channel \(channel), aligned to the accumulator, is too large for the engine's \(engine.accumulatorWidth)-bit accumulators (requantisation shift \(shift))")
                }
                lines.append(EngineMemoryLine.hex(value: stored, lineWidth: lineWidth))
            }
            biasLines.append(Array(lines[biasAddresses[l]...]))
            weightAddresses.append(lines.count)
            let weights = quantised.weights[layer.layerIndex]
            let (c, kh, kw) = (layer.inputChannels, layer.window.kernelHeight, layer.window.kernelWidth)
            // The weight of output channel n, input channel `input` of the layer as it runs, tap (i, j).
            var weight: (Int, Int, Int, Int) -> Int = { n, input, i, j in weights[((n * c + input) * kh + i) * kw + j] }
            if l == 0, let original = unfoldedFirstLayer {
                let (c0, kw0) = (original.inputChannels, original.window.kernelWidth)
                weight = { n, input, i, _ in weights[((n * c0 + input % c0) * kh + i) * kw0 + input / c0] }
            }
            // Each output channel's window, beat by beat (channel group, kernel row, column); laid
            // out chunk by chunk (a chunk is a run of the window's beats), each tile's in turn.
            let channels = (n + multiple - 1) / multiple * multiple
            let windows = (0..<channels).map { channel in
                (0..<layer.geometry.inputGroups(maccs: maccs)).flatMap { group in
                    (0..<kh).flatMap { i in
                        (0..<kw).map { j in
                            EngineMemoryLine.hex(words: (0..<maccs).map { k -> Int in
                                let input = group * maccs + k
                                guard channel < n, input < c else { return 0 }
                                return weight(channel, input, i, j)
                            }, wordlength: w, lineWidth: lineWidth)
                        }
                    }
                }
            }
            let chunkBeats = layer.geometry.beats(maccs: maccs) / chunks[l]
            for chunk in 0..<chunks[l] {
                for window in windows { lines += window[(chunk * chunkBeats)..<((chunk + 1) * chunkBeats)] }
            }
        }
        parameterLines = lines
        self.weightAddresses = weightAddresses
        self.biasAddresses = biasAddresses
        self.biasLines = biasLines
        var offset = layers[0].geometry.inputLines(maccs: maccs)
        var outputOffsets: [Int] = []
        for layer in layers[..<batchedFrom] {
            outputOffsets.append(offset)
            offset += layer.geometry.outputLines(maccs: maccs)
        }
        self.outputOffsets = outputOffsets
        imageLines = offset
        var area = 0, batchOffsets: [Int] = []
        for l in batchedFrom..<layers.count {
            batchOffsets.append(area)
            area += runGeometries[l].outputLines(maccs: maccs)
        }
        self.batchOffsets = batchOffsets
        runLines = batch * imageLines + area
    }

    /// The most images a run takes.
    public static let maximumBatch = 256
    /// The largest map dimension a descriptor holds (its 16-bit fields).
    static let maximumDimension = 65_535

    /// Layer `l` as a run runs it: over the whole batch from `batchedFrom` on.
    func runLayer(_ l: Int) -> EngineLayer {
        l < batchedFrom ? layers[l] : layers[l].batched(images: batch, across: batchAcross, first: l == batchedFrom,
                                                        maccs: engine.maccs)
    }

    /// A layer's quantisation entry and its requantisation shift f_a + f_w − f_y.
    static func formats(of layer: EngineLayer, in quantised: QuantisedNetwork) -> (entry: Quantisation.LayerFormats, shift: Int) {
        let position = quantised.network.weightedLayerIndices.firstIndex(of: layer.layerIndex)!
        let entry = quantised.quantisation.layers[position]
        return (entry, entry.input.fractionBits + entry.weights.fractionBits - entry.output.fractionBits)
    }

    /// The first line of image `image`'s region.
    public func imageBase(_ image: Int) -> Int {
        parameterLines.count + image / batch * runLines + image % batch * imageLines
    }

    /// The first line of run `run`'s shared area.
    func batchAreaBase(run: Int) -> Int { parameterLines.count + run * runLines + batch * imageLines }

    /// The descriptors that run the network on the image whose region starts at `base`, with
    /// a batch of one: per layer, one per run of equal row bands.
    public func descriptors(imageBase base: Int) -> [LayerDescriptor] {
        precondition(batchedFrom == layers.count, "a batched program runs batches: descriptors(run:)")
        return layers.indices.flatMap { l in bandRuns[l].map { descriptor(layer: l, run: $0, imageBase: base) } }
    }

    /// The descriptor table: the per-image layers' on image 0's region, then the batched ones'
    /// on run 0's (`descriptorLayers` says whose); each start moves them with its image offset.
    public func descriptors() -> [LayerDescriptor] {
        (0..<batchedFrom).flatMap { l in bandRuns[l].map { descriptor(layer: l, run: $0, imageBase: imageBase(0)) } }
            + (batchedFrom..<layers.count).flatMap { l in bandRuns[l].map { batchedDescriptor(layer: l, run: $0, of: 0) } }
    }

    /// The starts of run `run` (images run·B …): each image's per-image descriptors on its
    /// region, then, in a batch, the batched ones once on the run's.
    public func starts(run: Int) -> [EngineStart] {
        let perImage = perImageDescriptors, all = descriptorLayers.count
        let images = perImage == 0 ? [] : (0..<batch).map { b in
            EngineStart(imageOffset: imageBase(run * batch + b) - imageBase(0), layers: 0..<perImage)
        }
        return images + (perImage == all ? [] : [EngineStart(imageOffset: run * runLines, layers: perImage..<all)])
    }

    /// The descriptor of per-image layer `l` that runs `run` in the image region at `base`.
    func descriptor(layer l: Int, run: BandRun, imageBase base: Int) -> LayerDescriptor {
        descriptor(layers[l], index: l, run: run, input: base + (l == 0 ? 0 : outputOffsets[l - 1]), output: base + outputOffsets[l])
    }

    /// The descriptor of batched layer `l` that runs `band` over the batch of run `run`: the
    /// first reads its input from the images' regions, one segment of an image's lines each;
    /// the others read the shared area.
    func batchedDescriptor(layer l: Int, run band: BandRun, of run: Int) -> LayerDescriptor {
        let area = batchAreaBase(run: run), layer = runLayer(l)
        let output = area + batchOffsets[l - batchedFrom]
        guard l == batchedFrom else {
            return descriptor(layer, index: l, run: band, input: area + batchOffsets[l - 1 - batchedFrom], output: output)
        }
        let source = imageBase(run * batch) + (l == 0 ? 0 : outputOffsets[l - 1])
        var d = descriptor(layer, index: l, run: band, input: source, output: output)
        // A row of the map is `batchAcross` images, each a segment of its region.
        let lines = layers[l].geometry.inputLines(maccs: engine.maccs), rowImages = batchAcross * imageLines
        d[.inputAddress] = source + band.first.inputRows.lowerBound * rowImages
        d[.inputAdvance] = band.inputAdvance * rowImages
        // A chunk is a run of each image's lines: the map a row of images, each that many lines wide.
        let chunk = lines / chunks[l]
        d[.inputSegment] = chunk
        d[.inputSkip] = imageLines - chunk
        d[.chunkAdvance] = chunk
        d[.inputLines] = d[.inputLines] / chunks[l]
        d[.inputWidth] = batchAcross * chunk
        (d[.kernelWidth], d[.strideX], d[.beats]) = (chunk, chunk, chunk)
        return d
    }

    /// The descriptor of `layer` (layer `l`'s weights) that runs `run`: the geometry of its first band, placed in
    /// the layer's maps (its input at line `input`, its output at `output`), with the steps
    /// to the next.
    func descriptor(_ layer: EngineLayer, index l: Int, run: BandRun, input: Int, output: Int) -> LayerDescriptor {
        let (pes, maccs) = (engine.pes, engine.maccs), band = run.first
        let g = layer.geometry.restricted(to: band)
        let (width, pooledWidth) = (layer.geometry.inputWidth, layer.pooledWidth)
        var d = LayerDescriptor()
        d[.inputAddress] = input + band.inputRows.lowerBound * width
        d[.outputAddress] = output + band.pooledRows.lowerBound * pooledWidth
        d[.weightAddress] = weightAddresses[l]
        d[.biasAddress] = biasAddresses[l]
        d[.inputLines] = g.inputLines(maccs: maccs)
        d[.inputGroups] = g.inputGroups(maccs: maccs)
        d[.inputHeight] = g.inputHeight
        d[.inputWidth] = width
        d[.inputSegment] = g.inputHeight * width
        d[.inputSkip] = (layer.geometry.inputHeight - g.inputHeight) * width
        let w = layer.window
        d[.kernelHeight] = w.kernelHeight; d[.kernelWidth] = w.kernelWidth
        d[.strideY] = w.strideY; d[.strideX] = w.strideX
        d[.dilationY] = w.dilationY; d[.dilationX] = w.dilationX
        d[.padTop] = band.padTop; d[.padLeft] = w.padLeft
        d[.beats] = g.beats(maccs: maccs)
        d[.outputHeight] = g.outputHeight; d[.outputWidth] = g.outputWidth
        d[.outputPositions] = g.positions
        d[.tiles] = g.tiles(pes: pes)
        d[.shift] = engine.configuration.shiftField(shift: Self.formats(of: layer, in: quantised).shift)
        d[.relu] = layer.relu ? 1 : 0
        let p = layer.pooling
        d[.poolHeight] = p.kernelHeight; d[.poolWidth] = p.kernelWidth
        d[.poolStrideY] = p.strideY; d[.poolStrideX] = p.strideX
        d[.poolPadTop] = band.poolPadTop; d[.poolPadLeft] = p.padLeft
        d[.pooledHeight] = g.pooledHeight; d[.pooledWidth] = pooledWidth
        d[.outputGroups] = g.outputGroups(maccs: maccs)
        d[.lastLanes] = layer.outputChannels - (g.outputGroups(maccs: maccs) - 1) * maccs
        d[.outputSkip] = (layer.pooledHeight - g.pooledHeight) * pooledWidth
        d[.bands] = run.count
        d[.inputAdvance] = run.inputAdvance * width
        d[.outputAdvance] = run.outputAdvance * pooledWidth
        // A chunk's share of the input and the window; its channel groups follow the last chunk's.
        let chunks = self.chunks[l]
        d[.chunks] = chunks
        guard chunks > 1, !layer.geometry.windowsAreImages else { return d }
        let groups = g.inputGroups(maccs: maccs) / chunks
        d[.chunkAdvance] = groups * layer.geometry.inputHeight * width
        d[.inputLines] = groups * g.inputHeight * width
        d[.inputGroups] = groups
        d[.beats] = g.beats(maccs: maccs) / chunks
        return d
    }

    /// The engine for `layers` (as a run runs them, `names` theirs): its buffers hold the
    /// largest layer, or are `buffers` and the layers run in row bands; with a `weightWindow`
    /// shorter than a layer's, the weight buffers hold that and the layer runs in input-channel
    /// chunks, the partial-sum buffer sized for its largest band. Descriptors are counted later.
    static func configuration(wordlength w: Int, pes: Int, maccs: Int, layers: [LayerGeometry], names: [String],
                              network: String, lineWidth: Int?, buffers: (activationDepth: Int, outputDepth: Int)?,
                              weightWindow: Int?) throws(ToolflowError) -> EngineConfiguration {
        for (name, depth) in [("activation", buffers?.activationDepth), ("output", buffers?.outputDepth), ("weight", weightWindow)]
        where depth.map({ !EngineConfiguration.isBufferDepth($0) }) ?? false {
            throw .unsupportedByEngine(layer: network,
                                       reason: "an \(name) buffer of \(depth!) is not a power of two in \(EngineConfiguration.bufferDepths)")
        }
        if let configuration = EngineConfiguration(wordlength: w, pes: pes, maccs: maccs, running: layers,
                                                   activationDepth: buffers?.activationDepth, outputDepth: buffers?.outputDepth,
                                                   weightWindow: weightWindow, sharedLineWidth: lineWidth) {
            return configuration
        }
        // Why not: a kernel's channel group longer than the window, or a pooled row too large.
        let longest = layers.map { $0.beats(maccs: maccs) }.max()!
        if let weightWindow, weightWindow < longest,
           let l = layers.firstIndex(where: { !$0.windowsAreImages && $0.kernelHeight * $0.kernelWidth > weightWindow }) {
            throw .unsupportedByEngine(layer: names[l], reason: "its kernel's \(layers[l].kernelHeight * layers[l].kernelWidth) taps of one channel group do not fit weight buffers of \(weightWindow) beats")
        }
        let model = EngineCycleModel(pes: pes, maccs: maccs, activationDepth: buffers?.activationDepth,
                                     outputDepth: buffers?.outputDepth,
                                     chunkedWindow: weightWindow.flatMap { $0 < longest ? $0 : nil })
        let l = layers.firstIndex { model.bandRuns($0) == nil }!
        throw .unsupportedByEngine(layer: names[l], reason: "one pooled row of it does not fit an activation buffer of \(buffers?.activationDepth ?? 0) lines and an output buffer of \(buffers?.outputDepth ?? 0) entries")
    }

    /// The cycles of each layer of a run (one image, or a batch: a per-image layer's for all
    /// its images) as the cycle model gives them, when the memory answers `memoryLatency`
    /// cycles after a request.
    public func modelledCycles(memoryLatency: Int) -> [Int] {
        let model = EngineCycleModel(engine.configuration, memoryLatency: memoryLatency)
        // Every layer fits the engine's buffers: init made its bands from them.
        return layers.indices.map { l in
            (l < batchedFrom ? batch : 1) * model.cycles(runLayer(l).geometry)!.total
        }
    }

    /// The lines each layer of a run moves through the memory port (features, weights and
    /// biases): at one line per cycle, the fewest cycles the port allows it, its bandwidth roof.
    public func modelledLines() -> [Int] {
        let model = EngineCycleModel(engine.configuration)
        return layers.indices.map { l in
            let lines = model.lines(runLayer(l).geometry)!
            return (l < batchedFrom ? batch : 1) * (lines.features + lines.weights + lines.biases)
        }
    }

    /// The input words of an image (its floats quantised to the input format).
    public func inputWords(_ image: ArraySlice<Float>) -> [Int32] {
        image.map { Int32(quantised.quantisation.input.quantize(Double($0))) }
    }

    /// The input lines of an image given as words in C order (`[C, H, W]` of the network),
    /// with the columns folded into channels when the first layer runs that way.
    public func inputLines(words: [Int32]) -> [String] {
        guard let original = unfoldedFirstLayer else { return lines(of: words, shape: layers[0].inputShape) }
        let (c, h, w) = (original.inputShape[0], original.inputShape[1], original.inputShape[2])
        let window = original.window, columns = original.outputWidth
        var folded = [Int32](repeating: 0, count: c * window.kernelWidth * h * columns)
        for j in 0..<window.kernelWidth {
            for channel in 0..<c {
                for y in 0..<h {
                    for u in 0..<columns {
                        let x = u * window.strideX - window.padLeft + j * window.dilationX
                        guard x >= 0, x < w else { continue }
                        folded[((j * c + channel) * h + y) * columns + u] = words[(channel * h + y) * w + x]
                    }
                }
            }
        }
        return lines(of: folded, shape: layers[0].inputShape)
    }

    /// The lines of a feature map `[C, H, W]` of words in C order.
    public func lines(of words: [Int32], shape: [Int]) -> [String] {
        let (c, h, w) = (shape[0], shape[1], shape[2]), maccs = engine.maccs
        var lines: [String] = []
        for group in 0..<((c + maccs - 1) / maccs) {
            for y in 0..<h {
                for x in 0..<w {
                    let line = (0..<maccs).map { k -> Int in
                        let channel = group * maccs + k
                        return channel < c ? Int(words[(channel * h + y) * w + x]) : 0
                    }
                    lines.append(EngineMemoryLine.hex(words: line, wordlength: engine.wordlength, lineWidth: engine.lineWidth))
                }
            }
        }
        return lines
    }

    /// The words of a feature map `[C, H, W]` in C order, from its lines as read back from
    /// memory (`lines(of:shape:)` inverted); nil when the lines are not such a map.
    public func words(of lines: [String], shape: [Int]) -> [Int32]? {
        let (c, area) = (shape[0], shape[1] * shape[2]), maccs = engine.maccs
        guard lines.count == (c + maccs - 1) / maccs * area else { return nil }
        var words = [Int32](repeating: 0, count: c * area)
        for (index, line) in lines.enumerated() {
            guard let lanes = EngineMemoryLine.words(hex: line, count: maccs, wordlength: engine.wordlength) else { return nil }
            let (group, position) = index.quotientAndRemainder(dividingBy: area)
            for (k, word) in lanes.enumerated() where group * maccs + k < c {
                words[(group * maccs + k) * area + position] = Int32(word)
            }
        }
        return words
    }

    /// The words layer `layer` wrote for an image, from its output lines.
    public func outputWords(layer: Int, lines: [String]) -> [Int32]? {
        let l = layers[layer]
        return words(of: lines, shape: [l.outputChannels, l.pooledHeight, l.pooledWidth])
    }

    /// The lines every layer must write for an image, from the bit-exact golden model.
    public func expectedOutputLines(inputWords: [Int32]) -> [[String]] {
        let outputs = inference.layerOutputs(words: inputWords)
        return layers.map { layer in
            lines(of: outputs[layer.outputLayerIndex], shape: [layer.outputChannels, layer.pooledHeight, layer.pooledWidth])
        }
    }

    /// A testbench that runs the network on each image in turn (a run per batch) and checks
    /// every layer's output; `images.count` must be a multiple of `batch`.
    public func testbench(images: [[Int32]], timing: LayerEngineTestbench.MemoryTiming,
                          interface: LayerEngineTestbench.Interface = .native) -> LayerEngineTestbench {
        precondition(images.count % batch == 0, "\(images.count) images do not make whole batches of \(batch)")
        var memory = parameterLines
        var expected: [LayerEngineTestbench.ExpectedLine] = []
        var runs: [[EngineStart]] = []
        let blank = EngineMemoryLine.hex(value: 0, lineWidth: engine.lineWidth)
        for run in 0..<(images.count / batch) {
            var batchedWords = Array(repeating: [[Int32]](), count: layers.count)
            for b in 0..<batch {
                let words = images[run * batch + b], base = imageBase(run * batch + b)
                var region = inputLines(words: words)
                region += Array(repeating: blank, count: imageLines - region.count)
                memory += region
                let outputs = inference.layerOutputs(words: words)
                for (l, layer) in layers.enumerated() {
                    let words = outputs[layer.outputLayerIndex]
                    guard l < batchedFrom else { batchedWords[l].append(words); continue }
                    for (offset, line) in lines(of: words, shape: [layer.outputChannels, layer.pooledHeight, layer.pooledWidth]).enumerated() {
                        expected.append(.init(address: base + outputOffsets[l] + offset, hex: line, run: run, layer: l))
                    }
                }
            }
            // The batched layers' maps [N, B, 1] in the shared area: channel n of image b at n·B + b.
            var area: [String] = []
            for l in batchedFrom..<layers.count {
                let n = layers[l].outputChannels
                let words = (0..<(n * batch)).map { i in batchedWords[l][i % batch][i / batch] }
                let written = lines(of: words, shape: [n, batch, 1])
                for (offset, line) in written.enumerated() {
                    expected.append(.init(address: batchAreaBase(run: run) + batchOffsets[l - batchedFrom] + offset, hex: line,
                                          run: run, layer: l))
                }
                area += Array(repeating: blank, count: written.count)
            }
            memory += area
            runs.append(starts(run: run))
        }
        return LayerEngineTestbench(engine: engine, interface: interface, memory: memory, descriptors: descriptors(),
                                    runs: runs, expected: expected, timing: timing)
    }
}

extension EngineProgram {
    /// The engine as an IP block for `device`, beside a bundle written from `testbench`: the
    /// RTL of `LayerEngineAXI` (the engine's modules, the AXI adapters and the wrapper), a
    /// Vivado project script and constraints (`vivado/`), and a FuseSoC core file.
    public func ipFiles(device: Device, testbench: LayerEngineTestbench) throws -> [(path: String, contents: String)] {
        let wrapper = LayerEngineAXI(engine: engine)
        let usage = try Template.fill("vivado/engine-block-design.md", ["wrapper": .text(wrapper.name)])
        return try IPBlock(wrapper: wrapper, library: "engine", coreName: engine.name,
                           description: "\(engine.summary), for \(quantised.network.name)", testbench: testbench, folder: "",
                           device: device, blockDesign: usage).files
    }
}
