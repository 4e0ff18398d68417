import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// The DSE's multiplier mix: the fewest LUTs whose DSPs fit, checked against every mix; designs
/// that use the DSPs and then the LUTs; and the engine it chose bit-exact in the RTL.
@Suite struct MultiplierChoiceTests {
    static func engine(wordlength: Int, pes: Int) -> EngineConfiguration {
        EngineConfiguration(wordlength: wordlength, pes: pes, maccs: 8, columns: 2, maxWindow: 64, activationDepth: 256,
                            outputDepth: 256, maxLayers: 4)
    }

    /// Every mix of `pes` PEs the mappings allow at `wordlength`.
    static func everyMix(pes: Int, wordlength: Int) -> [MultiplierMix] {
        let packing = MultiplierMapping.packedDSP.wordlengths.contains(wordlength)
        return (0...pes).flatMap { dsp in
            stride(from: 0, through: packing ? pes - dsp : 0, by: 2).map { packed in
                MultiplierMix(dsp: dsp, packedDSP: packed, lut: pes - dsp - packed)
            }
        }
    }

    @Test(arguments: [2, 3, 4, 6, 8, 12])
    func cheapestMixHasTheFewestLUTsOfAllThatFit(wordlength: Int) {
        let explorer = Explorer(device: .zc706)
        for pes in [3, 8] {
            let engine = Self.engine(wordlength: wordlength, pes: pes)
            let mixes = Self.everyMix(pes: pes, wordlength: wordlength).map { mix in
                var mixed = engine
                mixed.mix = mix
                return (mix, explorer.resources(of: mixed))
            }
            let most = mixes.map(\.1.dsp).max()!, lightest = mixes.map(\.1.lut).min()!, heaviest = mixes.map(\.1.lut).max()!
            for dsp in stride(from: 0, through: most, by: max(1, most / 7)) {
                for lut in [lightest - 1, (lightest + heaviest) / 2, heaviest + 1] {
                    let budget = Resources(dsp: dsp, lut: lut, ff: 1_000_000, bram36: 1000)
                    let fewest = mixes.filter { $0.1.fits(in: budget) }.map(\.1.lut).min()
                    let chosen = explorer.withCheapestMix(engine, budget: budget)
                    #expect(chosen.map { explorer.resources(of: $0).lut } == fewest,
                            "w \(wordlength), P \(pes), \(dsp) DSP, \(lut) LUT: \(chosen?.mix.map { "\($0)" } ?? "nil")")
                    if let chosen {
                        #expect(explorer.resources(of: chosen).fits(in: budget))
                        #expect(chosen.mix != .dsp(pes), "all-DSP engines carry no mix")
                    }
                }
            }
        }
    }

    /// Restricted to one mapping, the explorer never mixes.
    @Test func oneMappingMeansNoMix() {
        var explorer = Explorer(device: .zc706)
        explorer.multiplierMappings = [.dsp]
        let engine = Self.engine(wordlength: 8, pes: 8)
        let all = explorer.resources(of: engine)
        #expect(explorer.withCheapestMix(engine, budget: all)?.mix == nil)
        #expect(explorer.withCheapestMix(engine, budget: all - Resources(dsp: 1)) == nil)
    }

    /// AlexNet on both boards: the best designs from 5 to 8 bits put most of the DSPs and at
    /// least half of the LUTs to work and beat the designs of one product per DSP48 (by less
    /// than the MACCs they add: three of AlexNet's layers are at the bandwidth roof), and no
    /// longer wordlength is faster than a shorter one.
    @Test(arguments: [Device.zc706, Device.zcu102])
    func designsUseTheDevice(device: Device) throws {
        let workload = try #require(PaperNetworks.workload(named: "alexnet"))
        let budget = device.budget(fraction: 0.8)
        var dspOnly = Explorer(device: device)
        dspOnly.multiplierMappings = [.dsp]
        var previous = Double.infinity
        for w in 4...8 {
            let design = try Explorer(device: device).bestEngine(wordlength: w, workload: workload, budget: budget)
            #expect(design.resources.fits(in: budget))
            #expect(design.throughput <= previous * (1 + 1e-9), "\(w) bits faster than \(w - 1)")
            previous = design.throughput
            guard w >= 5 else { continue }
            // Not all: a PE's mapping moves K_t·Q DSPs at a time (half for a packed PE; 64 to 640 here).
            #expect(Double(design.resources.dsp) >= 0.75 * Double(budget.dsp), "\(w) bits: \(design.resources)")
            #expect(Double(design.resources.lut) >= 0.5 * Double(budget.lut), "\(w) bits: \(design.resources)")
            let mix = try #require(design.engine.mix, "\(w) bits: every PE on DSPs")
            #expect(mix.packedDSP > 0)
            let single = try dspOnly.bestEngine(wordlength: w, workload: workload, budget: budget)
            #expect(single.engine.mix == nil)
            #expect(design.throughput > 1.25 * single.throughput, "\(w) bits: \(design.throughput) against \(single.throughput)")
        }
    }

    /// On a device of 24 DSPs the example's best 8-bit engine packs and builds LUT multipliers;
    /// the RTL runs it bit-exact in the cycles the DSE predicted.
    @Test func dseMixedEngineRunsInThePredictedCycles() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let device = Device(name: "few-dsp", part: Device.zc706.part, family: .xc7,
                            resources: Resources(dsp: 30, lut: 60_000, ff: 120_000, bram36: 100), clockMHz: 150,
                            bandwidthGBps: 4.2)
        let design = try Explorer(device: device).bestEngine(wordlength: 8, workload: Workload(network),
                                                             budget: device.budget(fraction: 0.8))
        let engine = design.engine, mix = try #require(engine.mix)
        #expect(mix.packedDSP > 0 && mix.lut > 0, "\(mix)")
        let run = try LayerEngineSimulationTests().simulate(
            network, data: data, wordlength: 8, pes: engine.pes, maccs: engine.maccs, columns: engine.columns, images: 1,
            mix: mix, buffers: engine.buffers, weightWindow: engine.hasPartialSums ? engine.maxWindow : nil)
        LayerEngineSimulationTests().expectExact(run)
        #expect(run.program.engine.configuration == engine)
        #expect(run.simulation.images.first?.layers == design.layers.map(\.cycles))
    }
}
