import FixedPoint
import HDLGen

/// The cascade's exploration: the split of the budget between LPU and HPU that maximises
/// min(T_LPU, T_HPU / f), after the truncation unit and the CEU have taken theirs. On the
/// layer engine the HPU gets the LPU's K_t, since the LPU reads the HPU's weight lines.
extension Explorer {
    /// Budget shares offered to the LPU; the HPU gets whatever the LPU leaves.
    static let lpuShares = stride(from: 0.025, through: 0.975, by: 0.025).map { $0 }
    /// Bandwidth shares tried for the LPU.
    static let bandwidthShares = stride(from: 0.02, through: 0.98, by: 0.02).map { $0 }

    /// The weight-truncation unit sized for the off-chip weight stream: one lane per
    /// `highWordlength`-bit weight the bandwidth delivers per cycle.
    public func truncationUnit(highWordlength: Int, lowWordlength: Int) -> UnitDesign {
        let weightsPerCycle = device.bandwidthBytesPerSecond * 8 / device.clockHz / Double(highWordlength)
        let lanes = max(1, Int(weightsPerCycle.rounded(.up)))
        return UnitDesign(description: "\(lanes) lanes, \(highWordlength) to \(lowWordlength) bits", lanes: lanes,
                          resources: model.truncationUnit(highWordlength: highWordlength, lowWordlength: lowWordlength,
                                                          lanes: lanes))
    }

    /// The CEU with the fewest lanes (powers of two) that keeps up with `imagesPerSecond`.
    public func confidenceUnit(classes: Int, m: Int, n: Int, imagesPerSecond: Double) -> UnitDesign {
        let sorted = ConfidenceEvaluationUnit.sortedCount(classes: classes, m: m, n: n)
        var lanes = 1
        while lanes < 64 {
            let unit = try? ConfidenceEvaluationUnit(classes: classes, lanes: lanes, m: m, n: n,
                                                     scoreFormat: FixedPointFormat(wordlength: 16, fractionBits: 8))
            if Double(unit?.cyclesPerSample ?? 1) * imagesPerSecond <= device.clockHz { break }
            lanes *= 2
        }
        return UnitDesign(description: "gBvSB(M=\(m), N=\(n)) over \(classes) classes, \(lanes) scores per cycle",
                          lanes: lanes,
                          resources: model.confidenceUnit(classes: classes, lanes: lanes, sortedCount: sorted))
    }

    /// The fastest cascade of an LPU at `lowWordlength` and an HPU at `highWordlength`
    /// that sees the fraction `forwardedFraction` (0…1) of the images, within `budget`.
    /// The CEU is sized for the LPU's best single-stage throughput (an upper bound).
    public func bestCascade(lowWordlength: Int, highWordlength: Int, forwardedFraction f: Double, workload: Workload,
                            budget: Resources, m: Int = 1, n: Int = 2) throws -> CascadeArchitecture {
        guard f >= 0, f <= 1 else {
            throw ExplorationError.invalidParameter(name: "forwarded fraction", value: "\(f)", allowed: "0...1")
        }
        guard lowWordlength < highWordlength else {
            throw ExplorationError.invalidParameter(name: "LPU wordlength", value: "\(lowWordlength)",
                                                    allowed: "2...\(highWordlength - 1) (below the HPU's \(highWordlength))")
        }
        let truncation = truncationUnit(highWordlength: highWordlength, lowWordlength: lowWordlength)
        let ceiling = try bestEngine(wordlength: lowWordlength, workload: workload, budget: budget, unit: "LPU")
        let ceu = confidenceUnit(classes: workload.classes, m: min(m, workload.classes - 1),
                                 n: min(max(n, m + 1), workload.classes), imagesPerSecond: ceiling.throughput)
        let shared = budget - truncation.resources - ceu.resources
        guard shared.dsp >= 0, shared.lut >= 0, shared.ff >= 0, shared.bram36 >= 0 else {
            throw ExplorationError.budgetTooSmall(unit: "truncation unit and CEU", wordlength: lowWordlength,
                                                  needed: truncation.resources + ceu.resources, budget: budget)
        }

        var best: CascadeArchitecture?
        var lastLPU: EngineConfiguration?
        var whole = self
        whole.inputChannelChunks = false
        for share in Self.lpuShares {
            guard let lpu = try? whole.bestEngine(wordlength: lowWordlength, workload: workload, budget: shared.scaled(by: share),
                                            weightWordlength: highWordlength, unit: "LPU"),
                  lpu.engine != lastLPU,
                  // On the layer engine both read the same weight lines: K_t words each.
                  let hpu = try? whole.bestEngine(wordlength: highWordlength, workload: workload, budget: shared - lpu.resources,
                                            maccs: workload.geometries == nil ? nil : lpu.engine.maccs, unit: "HPU")
            else { continue }
            lastLPU = lpu.engine
            // Engines chosen with the whole bandwidth; now share it between them.
            for bandwidth in Self.bandwidthShares {
                let tL = performance(bandwidthShare: bandwidth)
                    .throughput(workload, engine: lpu.engine, weightWordlength: highWordlength)
                let tH = performance(bandwidthShare: 1 - bandwidth).throughput(workload, engine: hpu.engine)
                // When the CEU forwards nothing the HPU idles and the LPU sets the pace.
                let throughput = f == 0 ? tL : min(tL, tH / f)
                if throughput > (best?.throughput ?? 0) * (1 + 1e-12) {
                    best = CascadeArchitecture(
                        lpu: rescored(lpu, bandwidth: bandwidth, weightWordlength: highWordlength, workload: workload),
                        hpu: rescored(hpu, bandwidth: 1 - bandwidth, weightWordlength: nil, workload: workload),
                        truncationUnit: truncation, confidenceUnit: ceu, forwardedFraction: f,
                        lpuBandwidthShare: bandwidth, throughput: throughput)
                }
            }
        }
        // The generated cascade top streams whole lines: a truncation lane per word of a line,
        // and a line of scores per CEU beat.
        if workload.geometries != nil, var top = best {
            let k = top.lpu.engine.maccs, lanes = min(workload.classes, k)
            let (m, n) = (min(m, workload.classes - 1), min(max(n, m + 1), workload.classes))
            top.truncationUnit = UnitDesign(description: "\(k) lanes, \(highWordlength) to \(lowWordlength) bits", lanes: k,
                                            resources: model.truncationUnit(highWordlength: highWordlength,
                                                                            lowWordlength: lowWordlength, lanes: k))
            top.confidenceUnit = UnitDesign(description: "gBvSB(M=\(m), N=\(n)) over \(workload.classes) classes, \(lanes) scores per cycle",
                                            lanes: lanes, resources: model.confidenceUnit(classes: workload.classes, lanes: lanes,
                                                                                          sortedCount: ConfidenceEvaluationUnit.sortedCount(classes: workload.classes, m: m, n: n),
                                                                                          scoreWordlength: lowWordlength))
            best = top
        }
        guard let best else {
            throw ExplorationError.budgetTooSmall(unit: "cascade (LPU and HPU together)", wordlength: highWordlength,
                                                  needed: resources(of: smallestEngine(wordlength: highWordlength, pes: 1, maccs: 1, for: workload))
                                                      + resources(of: smallestEngine(wordlength: lowWordlength, pes: 1, maccs: 1, for: workload)),
                                                  budget: shared)
        }
        return best
    }

    /// The design's figures with `bandwidth` of the device's bandwidth.
    private func rescored(_ design: EngineDesign, bandwidth: Double, weightWordlength: Int?, workload: Workload) -> EngineDesign {
        EngineDesign(engine: design.engine, resources: design.resources, workload: workload,
                     performance: performance(bandwidthShare: bandwidth), weightWordlength: weightWordlength)
    }
}
