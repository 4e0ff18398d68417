import HDLGen

/// The design-space exploration: for a wordlength and a resource budget, the tiling (P, K_t)
/// of the engine that maximises the network's throughput under the roofline model. For the
/// generated layer engine, P and K_t are powers of two, so that one divides the other as it
/// requires.
public struct Explorer: Sendable {
    public var device: Device
    public var model: ResourceModel
    /// Images per batch of the FC layers (idealised engine).
    public var batch: Int
    /// The largest P and K_t the generator accepts.
    public var maxPEs = 1024, maxMACCs = 1024

    public init(device: Device, batch: Int = 16) {
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
    /// `maccs` fixes K_t of a layer engine. Ties go to fewer multipliers, then fewer PEs.
    public func bestEngine(wordlength: Int, workload: Workload, budget: Resources, bandwidthShare: Double = 1,
                           weightWordlength: Int? = nil, maccs requiredMACCs: Int? = nil,
                           unit: String = "engine") throws -> EngineDesign {
        guard (2...16).contains(wordlength) else {
            throw ExplorationError.invalidParameter(name: "wordlength", value: "\(wordlength)", allowed: "2...16")
        }
        guard !workload.layers.isEmpty else {
            throw ExplorationError.invalidParameter(name: "workload", value: workload.name, allowed: "a network with CONV or FC layers")
        }
        let smallest = EngineConfiguration(wordlength: wordlength, pes: 1, maccs: 1, for: workload)
        guard resources(of: smallest).fits(in: budget) else {
            throw ExplorationError.budgetTooSmall(unit: unit, wordlength: wordlength, needed: resources(of: smallest),
                                                  budget: budget)
        }
        let performance = performance(bandwidthShare: bandwidthShare)
        func powersOfTwo(upTo limit: Int) -> [Int] { (0..<20).map { 1 << $0 }.filter { $0 <= max(1, limit) } }
        let peSizes: [Int], maccSizes: [Int]
        if let geometries = workload.geometries {
            // The layer engine: powers of two, so that one of P and K_t divides the other;
            // K_t covers input channels.
            peSizes = powersOfTwo(upTo: min(maxPEs, nextPowerOfTwo(geometries.map(\.outputChannels).max()!)))
            maccSizes = requiredMACCs.map { [$0] }
                ?? powersOfTwo(upTo: min(maxMACCs, nextPowerOfTwo(geometries.map(\.inputChannels).max()!)))
        } else {
            // The idealised engine: throughput changes only where some ⌈N/P⌉ or ⌈K/K_t⌉
            // does, at the smallest P (K_t) of each step.
            peSizes = Self.steps(workload.layers.map(\.gemm.n), upTo: min(maxPEs, workload.layers.map(\.gemm.n).max()!))
            maccSizes = Self.steps(workload.layers.map(\.gemm.k), upTo: min(maxMACCs, workload.layers.map(\.gemm.k).max()!))
        }

        var best: (engine: EngineConfiguration, seconds: Double)?
        for maccs in maccSizes {
            for pes in peSizes {
                let candidate = EngineConfiguration(wordlength: wordlength, pes: pes, maccs: maccs, for: workload)
                // The layer engine's memory line must fit its AXI4 port.
                if workload.geometries != nil, candidate.lineWidth > EngineConfiguration.maximumLineWidth { break }
                // Resources grow with P: no larger P fits either.
                guard resources(of: candidate).fits(in: budget) else { break }
                let seconds = performance.secondsPerImage(workload, engine: candidate, weightWordlength: weightWordlength)
                if let current = best {
                    let better = seconds < current.seconds * (1 - 1e-12)
                    let tie = !better && seconds <= current.seconds * (1 + 1e-12)
                    guard better || (tie && (candidate.multipliers, candidate.pes) < (current.engine.multipliers, current.engine.pes))
                    else { continue }
                }
                best = (candidate, seconds)
            }
        }
        guard let best else {
            // Even one PE at the K_t the caller fixed (or whose line fits AXI4) is too large.
            let smallestAtK = EngineConfiguration(wordlength: wordlength, pes: 1, maccs: maccSizes.first ?? 1, for: workload)
            throw ExplorationError.budgetTooSmall(unit: unit, wordlength: wordlength, needed: resources(of: smallestAtK),
                                                  budget: budget)
        }
        let engine = best.engine
        return EngineDesign(engine: engine, resources: resources(of: engine), throughput: 1 / best.seconds,
                            layers: workload.layers.map { performance.layerTime($0, engine: engine, weightWordlength: weightWordlength) })
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
