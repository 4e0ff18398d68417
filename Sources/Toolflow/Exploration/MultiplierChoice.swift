import HDLGen

/// The choice of each PE's multiplier mapping: the DSE gives an engine the mix with the fewest
/// LUTs whose DSP48s fit the budget, so that a design uses the DSPs first (packed where the
/// wordlength allows and packing saves DSPs) and LUT multipliers for what they leave.
extension Explorer {
    /// `engine` with the multiplier mix that fits `budget` with the fewest LUTs (nil mix:
    /// every PE on DSP48s), or nil when no mix of `multiplierMappings` fits.
    ///
    /// Resources are linear in the PEs of each mapping, so the mappings on the lower convex hull
    /// of (DSP, LUT) per PE, most DSPs first, form a path of mixes from all PEs on the first to
    /// all on the last along which DSPs fall and LUTs grow; the first mix on it whose DSPs fit
    /// has the fewest LUTs of all that do.
    func withCheapestMix(_ engine: EngineConfiguration, budget: Resources) -> EngineConfiguration? {
        let pes = engine.pes
        func mixed(_ mix: MultiplierMix) -> EngineConfiguration {
            var mixed = engine
            mixed.mix = mix == .dsp(pes) ? nil : mix
            return mixed
        }
        // The MM unit of a pair of PEs on each mapping: the engines of different mixes differ
        // only by their PEs'.
        let available = multiplierMappings.filter { $0.wordlengths.contains(engine.wordlength) }
        var pair = engine
        pair.pes = 2
        let pairs = Dictionary(uniqueKeysWithValues: available.map { mapping in
            pair.mix = MultiplierMix(dsp: mapping == .dsp ? 2 : 0, packedDSP: mapping == .packedDSP ? 2 : 0,
                                     lut: mapping == .lut ? 2 : 0)
            return (mapping, model.matrixMultiplyUnit(pair))
        })
        let path = Self.hull(pairs)

        // The mixes along the path, one PE moved to the next mapping at a time; a packed count stays even.
        var mixes: [MultiplierMix] = []
        for (step, to) in path.enumerated() {
            let from = step == 0 ? nil : path[step - 1]
            for moved in (step == 0 ? pes : 1)...pes {
                var counts: [MultiplierMapping: Int] = [to: moved]
                if let from { counts[from] = pes - moved }
                let mix = MultiplierMix(dsp: counts[.dsp] ?? 0, packedDSP: counts[.packedDSP] ?? 0, lut: counts[.lut] ?? 0)
                if mix.packedDSP % 2 == 0 { mixes.append(mix) }
            }
        }
        // DSPs fall along the path: the first mix whose DSPs fit has the fewest LUTs of those
        // that do. Its DSPs: the engine's outside the MM units and Q times its PEs'.
        let outside = model.engineDSPsOutsideMMUnits(engine)
        func dsp(_ mix: MultiplierMix) -> Int {
            let counts: [MultiplierMapping: Int] = [.dsp: mix.dsp, .packedDSP: mix.packedDSP, .lut: mix.lut]
            return outside + counts.reduce(0) { $0 + $1.value * (pairs[$1.key]?.dsp ?? 0) / 2 }
        }
        guard let first = mixes.firstIndex(where: { dsp($0) <= budget.dsp }) else { return nil }
        let cheapest = mixed(mixes[first])
        return resources(of: cheapest).fits(in: budget) ? cheapest : nil
    }

    /// The mappings on the lower convex hull of their engines' (DSP, LUT), most DSPs first:
    /// none that another beats on both, none that a blend of two others beats.
    static func hull(_ engines: [MultiplierMapping: Resources]) -> [MultiplierMapping] {
        let points = engines.sorted { ($0.value.dsp, $0.value.lut) > ($1.value.dsp, $1.value.lut) }
        var hull: [(mapping: MultiplierMapping, dsp: Double, lut: Double)] = []
        for (mapping, used) in points {
            let point = (mapping: mapping, dsp: Double(used.dsp), lut: Double(used.lut))
            // A mapping with more DSPs and no fewer LUTs than this one is beaten by it.
            while let last = hull.last, last.lut >= point.lut { hull.removeLast() }
            while hull.count >= 2 {
                let (a, b) = (hull[hull.count - 2], hull[hull.count - 1])
                // b above the chord from a to the new point: blending a and the point is cheaper.
                let cross = (b.dsp - a.dsp) * (point.lut - a.lut) - (b.lut - a.lut) * (point.dsp - a.dsp)
                if cross >= 0 { hull.removeLast() } else { break }
            }
            hull.append(point)
        }
        return hull.map(\.mapping)
    }
}
