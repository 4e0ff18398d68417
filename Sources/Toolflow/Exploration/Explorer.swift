import HDLGen

/// The design-space exploration: for a wordlength and a resource budget, the tiling (P, K_t,
/// Q) of the engine that maximises the network's throughput under the roofline model. For
/// the generated layer engine, P and K_t are powers of two, so that one divides the other as
/// it requires, Q (output columns in parallel) is any count up to the widest output row and
/// `maxColumns`, and the buffers are as deep as the budget allows: from the least that hold
/// one pooled row of every layer (the engine then runs each layer in many row bands) to
/// those that hold every layer whole.
public struct Explorer: Sendable {
    public var device: Device
    public var model: ResourceModel
    /// Images per run: the FC layers at the end of a network run once per batch, as
    /// `EngineProgram` runs them (1: image by image, as the cascade's controllers run them).
    public var batch: Int
    /// The largest P and K_t the generator accepts.
    public var maxPEs = 1024, maxMACCs = 1024
    /// The most output columns the DSE gives an engine: beyond 8, the paper's networks gain
    /// nothing (their best engines take 5 to 7) and small networks only LUTs.
    public var maxColumns = 8
    /// Whether engines may have weight windows shorter than a layer's (its input-channel
    /// chunks summed in a partial-sum buffer). A cascade's engines may not: the LPU reads the
    /// HPU's weight lines, laid out for whole windows.
    public var inputChannelChunks = true
    /// The multiplier mappings a design may use (`withCheapestMix`): all of them by default;
    /// `[.dsp]` gives the engines of one product per DSP48 (in LUTs below 5 bits, as Yosys maps them).
    public var multiplierMappings = MultiplierMapping.allCases

    public init(device: Device, batch: Int = 1) {
        self.device = device
        self.model = ResourceModel(family: device.family)
        self.batch = batch
    }

    /// The layer engine (calibrated model): MM unit, buffers and control.
    public func resources(of engine: EngineConfiguration) -> Resources {
        model.layerEngine(engine)
    }

    func performance(bandwidthShare: Double) -> PerformanceModel {
        PerformanceModel(device: device, bandwidthShare: bandwidthShare, batch: batch)
    }

    /// The fastest engine at `wordlength` within `budget`, with `bandwidthShare` of the
    /// device's bandwidth. The LPU of a cascade reads `weightWordlength`-bit weights;
    /// `maccs` fixes K_t of a layer engine. Ties go to fewer multipliers, then fewer PEs, then
    /// fewer columns.
    public func bestEngine(wordlength: Int, workload: Workload, budget: Resources, bandwidthShare: Double = 1,
                           weightWordlength: Int? = nil, maccs requiredMACCs: Int? = nil,
                           unit: String = "engine") throws -> EngineDesign {
        guard (2...16).contains(wordlength) else {
            throw ExplorationError.invalidParameter(name: "wordlength", value: "\(wordlength)", allowed: "2...16")
        }
        guard !workload.layers.isEmpty else {
            throw ExplorationError.invalidParameter(name: "workload", value: workload.name, allowed: "a network with CONV or FC layers")
        }
        let smallest = smallestEngine(wordlength: wordlength, pes: 1, maccs: 1, for: workload)
        guard fitsAtAll(wordlength: wordlength, pes: 1, maccs: 1, columns: 1, workload: workload, budget: budget) else {
            throw ExplorationError.budgetTooSmall(unit: unit, wordlength: wordlength, needed: resources(of: smallest),
                                                  budget: budget)
        }
        let performance = performance(bandwidthShare: bandwidthShare)
        func powersOfTwo(upTo limit: Int) -> [Int] { (0..<20).map { 1 << $0 }.filter { $0 <= max(1, limit) } }
        let peSizes: [Int], maccSizes: [Int], columnCounts: [Int]
        if let geometries = workload.geometries {
            // The layer engine: powers of two, so that one of P and K_t divides the other;
            // K_t covers input channels.
            peSizes = powersOfTwo(upTo: min(maxPEs, nextPowerOfTwo(geometries.map(\.outputChannels).max()!)))
            maccSizes = requiredMACCs.map { [$0] }
                ?? powersOfTwo(upTo: min(maxMACCs, nextPowerOfTwo(geometries.map(\.inputChannels).max()!)))
            columnCounts = Array(1...max(1, min(maxColumns, EngineConfiguration.maximumColumns,
                                                geometries.map(\.outputWidth).max()!)))
        } else {
            // The idealised engine: throughput changes only where some ⌈N/P⌉ or ⌈K/K_t⌉
            // does, at the smallest P (K_t) of each step.
            peSizes = Self.steps(workload.layers.map(\.gemm.n), upTo: min(maxPEs, workload.layers.map(\.gemm.n).max()!))
            maccSizes = Self.steps(workload.layers.map(\.gemm.k), upTo: min(maxMACCs, workload.layers.map(\.gemm.k).max()!))
            columnCounts = [1]
        }

        var best: (engine: EngineConfiguration, seconds: Double)?
        for maccs in maccSizes {
            for pes in peSizes {
                // The layer engine's memory line must fit its AXI4 port.
                // (The window, hence the bias and the line, is the same at every buffer depth.)
                let line = EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, batch: batch, for: workload).lineWidth
                if workload.geometries != nil, line > EngineConfiguration.maximumLineWidth { break }
                // Resources grow with P and with Q: no larger one fits either.
                for columns in columnCounts {
                    guard fitsAtAll(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, workload: workload,
                                    budget: budget) else { break }
                    guard let (candidate, seconds) = fastestBuffers(wordlength: wordlength, pes: pes, maccs: maccs,
                                                                    columns: columns, workload: workload, budget: budget,
                                                                    performance: performance,
                                                                    weightWordlength: weightWordlength)
                    else { continue }
                    if let current = best {
                        let better = seconds < current.seconds * (1 - 1e-12)
                        let tie = !better && seconds <= current.seconds * (1 + 1e-12)
                        let smaller = (candidate.multipliers, candidate.pes, candidate.columns)
                            < (current.engine.multipliers, current.engine.pes, current.engine.columns)
                        guard better || (tie && smaller) else { continue }
                    }
                    best = (candidate, seconds)
                }
                guard fitsAtAll(wordlength: wordlength, pes: pes, maccs: maccs, columns: 1, workload: workload,
                                budget: budget) else { break }
            }
        }
        guard let best else {
            // Even one PE at the K_t the caller fixed (or whose line fits AXI4) is too large.
            let smallestAtK = smallestEngine(wordlength: wordlength, pes: 1, maccs: maccSizes.first ?? 1, for: workload)
            throw ExplorationError.budgetTooSmall(unit: unit, wordlength: wordlength, needed: resources(of: smallestAtK),
                                                  budget: budget)
        }
        let engine = best.engine
        return EngineDesign(engine: engine, resources: resources(of: engine), workload: workload, performance: performance,
                            weightWordlength: weightWordlength)
    }

    /// The engine at (P, K_t, Q) with the least on-chip memory that runs `workload` a batch
    /// at a time: the layer engine with the smallest buffers that hold a pooled row of every
    /// layer, or the idealised engine.
    public func smallestEngine(wordlength: Int, pes: Int, maccs: Int, columns: Int = 1,
                               for workload: Workload) -> EngineConfiguration {
        guard let layers = workload.runGeometries(batch: batch, columns: columns, maccs: maccs) else {
            return EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, for: workload)
        }
        let depths = EngineConfiguration.smallestDepths(pes: pes, maccs: maccs, layers: layers)
        // One pooled row per band fits these depths by their definition.
        return EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, running: layers,
                                   activationDepth: depths.activation, outputDepth: depths.output)!
    }

    /// Whether some engine at (P, K_t, Q) fits `budget`: the one with the least buffer memory
    /// or, as its descriptors for many bands take LUTs, the one that holds every layer whole.
    func fitsAtAll(wordlength: Int, pes: Int, maccs: Int, columns: Int, workload: Workload, budget: Resources) -> Bool {
        var candidates = [smallestEngine(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, for: workload),
                          EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, batch: batch,
                                              for: workload)]
        if inputChannelChunks, let chunked = smallestChunkedEngine(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, for: workload) {
            candidates.append(chunked)
        }
        return candidates.contains { withCheapestMix($0, budget: budget) != nil }
    }

    /// The engine at (P, K_t, Q) with the shortest weight window and then the smallest
    /// buffers that run `workload`: its deep layers in input-channel chunks. Nil for the
    /// idealised engine, or when every window is already one channel group of a kernel.
    func smallestChunkedEngine(wordlength: Int, pes: Int, maccs: Int, columns: Int, for workload: Workload) -> EngineConfiguration? {
        guard let layers = workload.runGeometries(batch: batch, columns: columns, maccs: maccs),
              let window = EngineConfiguration.weightWindows(maccs: maccs, layers: layers).dropFirst().last else { return nil }
        let model = EngineCycleModel(pes: pes, maccs: maccs, chunkedWindow: window)
        let depths = EngineConfiguration.smallestDepths(pes: pes, maccs: maccs, layers: layers, chunks: layers.map { model.chunks($0)! })
        return EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, running: layers,
                                   activationDepth: depths.activation, outputDepth: depths.output, weightWindow: window)
    }

    /// The fastest engine at (P, K_t, Q) within `budget`: for the layer engine, each weight
    /// window from the longest (whole windows) down while a shorter one (deep layers in
    /// input-channel chunks, `EngineConfiguration.weightWindows`) is faster, and each
    /// activation depth from the least to the whole largest layer's (chunk's) with the deepest
    /// output buffer that still fits (deeper buffers: fewer, larger bands); ties go to less
    /// block RAM. Nil when none fits or every one needs more descriptors than the register
    /// file holds.
    func fastestBuffers(wordlength: Int, pes: Int, maccs: Int, columns: Int, workload: Workload, budget: Resources,
                        performance: PerformanceModel, weightWordlength: Int?) -> (EngineConfiguration, Double)? {
        func seconds(_ engine: EngineConfiguration) -> Double {
            performance.secondsPerImage(workload, engine: engine, weightWordlength: weightWordlength)
        }
        let whole = EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, batch: batch,
                                        for: workload)
        guard let layers = workload.runGeometries(batch: batch, columns: columns, maccs: maccs),
              whole.activationDepth != nil, let wholeOutput = whole.outputDepth else {
            return withCheapestMix(whole, budget: budget).map { ($0, seconds($0)) }
        }
        func depths(from low: Int, to high: Int) -> [Int] { (0..<32).map { low << $0 }.filter { $0 <= max(low, high) } }
        var best: (engine: EngineConfiguration, seconds: Double, blockRAM: Double)?
        // The longest weight window first; each shorter one runs deep layers in more chunks and
        // leaves block RAM to the other buffers: on while that makes the engine faster.
        let windows = EngineConfiguration.weightWindows(maccs: maccs, layers: layers)
        for window in inputChannelChunks ? windows : [windows[0]] {
            // The engine at this window whose buffers hold every layer (chunk) whole: its chunks and depths.
            guard let sized = EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, running: layers,
                                                  activationDepth: nil, outputDepth: nil, weightWindow: window) else { continue }
            let model = EngineCycleModel(sized)
            let least = EngineConfiguration.smallestDepths(pes: pes, maccs: maccs, layers: layers,
                                                           chunks: layers.map { model.chunks($0)! })
            var improved = false
            for activation in depths(from: least.activation, to: sized.activationDepth!) {
                for output in depths(from: least.output, to: wholeOutput).reversed() {
                    guard let sizedEngine = EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs,
                                                                columns: columns, running: layers, activationDepth: activation,
                                                                outputDepth: output, weightWindow: window),
                          sizedEngine.maxLayers <= EngineConfiguration.maximumDescriptors,
                          let engine = withCheapestMix(sizedEngine, budget: budget) else { continue }
                    let used = resources(of: engine)
                    // The deepest output buffer that fits: no shallower one is faster.
                    let time = seconds(engine)
                    let better = best.map { time < $0.seconds * (1 - 1e-12)
                        || (time <= $0.seconds * (1 + 1e-12) && used.bram36 < $0.blockRAM) } ?? true
                    if better { best = (engine, time, used.bram36); improved = true }
                    break
                }
            }
            if best != nil && !improved { break }
        }
        return best.map { ($0.engine, $0.seconds) }
    }

    /// The engine at the tile sizes a user fixed, with the fastest buffers within `budget`:
    /// whole maps where they fit, else row bands; what `generate engine --device` builds.
    public func engine(wordlength: Int, pes: Int, maccs: Int, columns: Int = 1, workload: Workload,
                       budget: Resources) throws -> EngineConfiguration {
        guard let (engine, _) = fastestBuffers(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns,
                                               workload: workload, budget: budget,
                                               performance: performance(bandwidthShare: 1), weightWordlength: nil) else {
            let least = smallestEngine(wordlength: wordlength, pes: pes, maccs: maccs, columns: columns, for: workload)
            _ = try LayerEngine(least)   // an engine the generator refuses whatever its buffers: its reason
            throw ExplorationError.engineTooLarge(engine: "engine of \(least)", needed: resources(of: least), budget: budget)
        }
        return engine
    }

    /// The smallest x ≤ limit for each value of ⌈s/x⌉, over the sizes s, ascending.
    static func steps(_ sizes: [Int], upTo limit: Int) -> [Int] {
        var result = Set([1, limit])
        for size in Set(sizes) {
            var x = 1
            while x <= min(size, limit) {
                result.insert(x)
                let quotient = ceilDivide(size, x)
                if quotient == 1 { break }
                // The smallest x' with ⌈size/x'⌉ < quotient.
                x = ceilDivide(size, quotient - 1)
            }
        }
        return result.filter { $0 <= limit }.sorted()
    }

    /// The best single-stage engine for each wordlength (the paper's Fig. 3, performance
    /// axis), with the whole budget and bandwidth.
    public func throughputByWordlength(_ wordlengths: [Int], workload: Workload, budget: Resources) throws -> [EngineDesign] {
        try wordlengths.map { try bestEngine(wordlength: $0, workload: workload, budget: budget) }
    }
}
