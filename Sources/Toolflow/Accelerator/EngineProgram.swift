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
public struct EngineProgram: Sendable {
    public let quantised: QuantisedNetwork
    public let layers: [EngineLayer]
    public let engine: LayerEngine
    /// Per layer, the runs of row bands it runs in: one descriptor each.
    public let bandRuns: [[BandRun]]
    /// The layer each descriptor runs (a layer's descriptors are consecutive).
    public var descriptorLayers: [Int] { bandRuns.indices.flatMap { l in Array(repeating: l, count: bandRuns[l].count) } }
    /// The weight and bias lines at the start of memory.
    public let parameterLines: [String]
    /// Per layer, the first line of its weights and of its biases.
    public internal(set) var weightAddresses: [Int], biasAddresses: [Int]
    /// Per layer, its bias lines (`parameterLines` holds them too, before its weights).
    public let biasLines: [[String]]
    /// Per image: the offset of each layer's output within its region (the input is at 0).
    public let outputOffsets: [Int]
    /// Lines of one image's region.
    public let imageLines: Int
    let inference: FixedPointInference
    /// The first layer as the network has it, when the engine runs it with its input's
    /// columns folded into channels (`LayerGeometry.folded`); the host writes that input.
    let unfoldedFirstLayer: EngineLayer?

    /// `lineWidth` widens the memory lines (to share a memory with a wider engine), and the
    /// weights of every layer are laid out for a multiple of `channelMultiple` output
    /// channels as well as of P (so that an engine with that many PEs reads them too).
    /// `mix` maps the engine's multipliers (nil: every PE on DSP48s). `buffers` gives the
    /// activation and output buffers' depths (powers of two), which decide the row bands; nil:
    /// buffers that hold the largest layer whole. `descriptorSlots` makes the register file
    /// hold at least that many descriptors (a cascade's engines share one register map).
    public init(quantised: QuantisedNetwork, pes: Int, maccs: Int, lineWidth: Int? = nil,
                channelMultiple: Int = 1, mix: MultiplierMix? = nil,
                buffers: (activationDepth: Int, outputDepth: Int)? = nil, descriptorSlots: Int? = nil) throws(ToolflowError) {
        self.quantised = quantised
        let network = quantised.network
        let mapped = try EngineLayer.layers(of: network)
        let folds = mapped[0].geometry.folded(maccs: maccs) != mapped[0].geometry
        let layers = folds ? [mapped[0].foldingColumns()] + mapped.dropFirst() : mapped
        self.layers = layers
        unfoldedFirstLayer = folds ? mapped[0] : nil
        inference = try FixedPointInference(quantised)
        let w = quantised.quantisation.wordlength
        var configuration = EngineConfiguration(wordlength: w, pes: pes, maccs: maccs, holding: layers.map(\.geometry),
                                                sharedLineWidth: lineWidth)
        if let buffers {
            for (name, depth) in [("activation", buffers.activationDepth), ("output", buffers.outputDepth)]
            where !EngineConfiguration.isBufferDepth(depth) {
                throw .unsupportedByEngine(layer: network.name,
                                           reason: "an \(name) buffer of \(depth) is not a power of two in \(EngineConfiguration.bufferDepths)")
            }
            guard let banded = EngineConfiguration(wordlength: w, pes: pes, maccs: maccs, running: layers.map(\.geometry),
                                                   activationDepth: buffers.activationDepth, outputDepth: buffers.outputDepth,
                                                   sharedLineWidth: lineWidth) else {
                let model = EngineCycleModel(pes: pes, maccs: maccs, activationDepth: buffers.activationDepth,
                                             outputDepth: buffers.outputDepth)
                let layer = layers.first { model.bandRuns($0.geometry) == nil }!
                throw .unsupportedByEngine(layer: layer.name, reason: "one pooled row of it does not fit an activation buffer of \(buffers.activationDepth) lines and an output buffer of \(buffers.outputDepth) entries")
            }
            configuration = banded
        }
        configuration.mix = mix
        configuration.maxLayers = max(configuration.maxLayers, descriptorSlots ?? 0)
        do {
            engine = try LayerEngine(configuration)
        } catch {
            throw .unsupportedByEngine(layer: network.name, reason: "\(error)")
        }
        let model = EngineCycleModel(configuration)
        bandRuns = layers.map { model.bandRuns($0.geometry)! }

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
            for channel in 0..<((n + multiple - 1) / multiple * multiple) {
                for group in 0..<layer.geometry.inputGroups(maccs: maccs) {
                    for i in 0..<kh {
                        for j in 0..<kw {
                            let words = (0..<maccs).map { k -> Int in
                                let input = group * maccs + k
                                guard channel < n, input < c else { return 0 }
                                return weight(channel, input, i, j)
                            }
                            lines.append(EngineMemoryLine.hex(words: words, wordlength: w, lineWidth: lineWidth))
                        }
                    }
                }
            }
        }
        parameterLines = lines
        self.weightAddresses = weightAddresses
        self.biasAddresses = biasAddresses
        self.biasLines = biasLines
        var offset = layers[0].geometry.inputLines(maccs: maccs)
        var outputOffsets: [Int] = []
        for layer in layers {
            outputOffsets.append(offset)
            offset += layer.geometry.outputLines(maccs: maccs)
        }
        self.outputOffsets = outputOffsets
        imageLines = offset
    }

    /// A layer's quantisation entry and its requantisation shift f_a + f_w − f_y.
    static func formats(of layer: EngineLayer, in quantised: QuantisedNetwork) -> (entry: Quantisation.LayerFormats, shift: Int) {
        let position = quantised.network.weightedLayerIndices.firstIndex(of: layer.layerIndex)!
        let entry = quantised.quantisation.layers[position]
        return (entry, entry.input.fractionBits + entry.weights.fractionBits - entry.output.fractionBits)
    }

    /// The first line of image `image`'s region.
    public func imageBase(_ image: Int) -> Int { parameterLines.count + image * imageLines }

    /// The descriptors that run the network on the image whose region starts at `base`: per
    /// layer, one per run of equal row bands (`descriptorLayers` says whose).
    public func descriptors(imageBase base: Int) -> [LayerDescriptor] {
        layers.indices.flatMap { l in bandRuns[l].map { descriptor(layer: l, run: $0, imageBase: base) } }
    }

    /// The descriptor of layer `l` that runs `run`: the geometry of its first band, placed in
    /// the layer's maps, with the steps to the next.
    func descriptor(layer l: Int, run: BandRun, imageBase base: Int) -> LayerDescriptor {
        let (pes, maccs) = (engine.pes, engine.maccs), layer = layers[l], band = run.first
        let g = layer.geometry.restricted(to: band)
        let (width, pooledWidth) = (layer.geometry.inputWidth, layer.pooledWidth)
        var d = LayerDescriptor()
        d[.inputAddress] = base + (l == 0 ? 0 : outputOffsets[l - 1]) + band.inputRows.lowerBound * width
        d[.outputAddress] = base + outputOffsets[l] + band.pooledRows.lowerBound * pooledWidth
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
        return d
    }

    /// The cycles of each layer of an image as the cycle model gives them, when the memory
    /// answers `memoryLatency` cycles after a request.
    public func modelledCycles(memoryLatency: Int) -> [Int] {
        let model = EngineCycleModel(engine.configuration, memoryLatency: memoryLatency)
        // Every layer fits the engine's buffers: init made its bands from them.
        return layers.map { model.cycles($0.geometry)!.total }
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

    /// A testbench that runs the network on each image in turn and checks every layer's output.
    public func testbench(images: [[Int32]], timing: LayerEngineTestbench.MemoryTiming,
                          interface: LayerEngineTestbench.Interface = .native) -> LayerEngineTestbench {
        var memory = parameterLines
        var expected: [LayerEngineTestbench.ExpectedLine] = []
        var runs: [[LayerDescriptor]] = []
        let blank = EngineMemoryLine.hex(value: 0, lineWidth: engine.lineWidth)
        for (i, words) in images.enumerated() {
            let base = imageBase(i)
            var region = inputLines(words: words)
            region += Array(repeating: blank, count: imageLines - region.count)
            memory += region
            for (l, lines) in expectedOutputLines(inputWords: words).enumerated() {
                for (offset, line) in lines.enumerated() {
                    expected.append(.init(address: base + outputOffsets[l] + offset, hex: line, run: i, layer: l))
                }
            }
            runs.append(descriptors(imageBase: base))
        }
        return LayerEngineTestbench(engine: engine, interface: interface, memory: memory, runs: runs, expected: expected,
                                    timing: timing)
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
