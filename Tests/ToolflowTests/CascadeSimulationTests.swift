import FixedPoint
import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// The cascade's RTL (`CascadeTop`: both engines, weight sharing through the truncation
/// unit, the CEU, the forward queue) runs the bundled example bit-exact against the golden
/// model of the whole cascade.
@Suite struct CascadeSimulationTests {
    /// The example's cascade: the HPU at 8 bits, the LPU at 4 bits derived from it, gBvSB(1, 2)
    /// with a threshold that forwards about a third of `images`.
    static func exampleProgram(hpuPEs: Int, lpuPEs: Int, maccs: Int, images: [ArraySlice<Float>],
                               rounding: Rounding = .halfUp) throws -> CascadeProgram {
        let network = try Fixtures.exampleNetwork.get()
        let high = try Quantisation.load(path: Fixtures.example.appendingPathComponent("quantisation-8.json").path)
        let low = try Quantisation.load(path: Fixtures.example.appendingPathComponent("quantisation-4.json").path)
        let hpu = try QuantisedNetwork(network: network, quantisation: high)
        let lpu = try hpu.derivingLowPrecision(WordlengthSelection.lowPrecisionFormats(low, under: high), rounding: rounding)
        func program(threshold: Int) throws -> CascadeProgram {
            let confidence = CascadeResult.ConfidenceUnit(m: 1, n: 2, threshold: Double(threshold) / 1024, thresholdWord: threshold,
                                                          thresholdFractionBits: 10, scoreFormat: lpu.outputFormats.last!)
            return try CascadeProgram(highPrecision: hpu, lowPrecision: lpu, rounding: rounding, hpuPEs: hpuPEs, lpuPEs: lpuPEs,
                                      maccs: maccs, confidence: confidence)
        }
        // The lowest threshold that forwards at least a third of the images.
        let probe = try program(threshold: 0)
        let margins = images.map { image -> Double in
            let d = probe.decide(image: image).ceu
            return Double(d.margin) / Double(max(1, d.scaledTotal == 0 ? d.margin : d.scaledTotal))
        }
        var threshold = 0
        for word in stride(from: 0, through: 1024, by: 8) {
            let trial = try program(threshold: word)
            let forwarded = images.filter { !trial.decide(image: $0).ceu.confident }.count
            threshold = word
            if forwarded * 3 >= images.count { break }
        }
        _ = margins
        return try program(threshold: threshold)
    }

    static func testImages(_ count: Int, from data: Dataset) -> [ArraySlice<Float>] {
        (0..<count).map { i in data.inputs[(i * data.imageSize)..<((i + 1) * data.imageSize)] }
    }

    func simulate(_ program: CascadeProgram, images: [ArraySlice<Float>], timing: LayerEngineTestbench.MemoryTiming = .init(),
                  simulator: Simulator = .icarus) throws -> CascadeSimulation {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try CascadeSimulation.run(program, images: images, timing: timing, in: directory, simulator: simulator)
    }

    @Test func exampleCascadeIsBitExactUnderIcarus() throws {
        let images = Self.testImages(4, from: try Fixtures.exampleTest.get())
        let program = try Self.exampleProgram(hpuPEs: 8, lpuPEs: 16, maccs: 8, images: images)
        let s = try simulate(program, images: images)
        #expect(s.failed == 0, "\(s.mismatches.prefix(8).joined(separator: "\n"))\n\(s.log.suffix(2000))")
        #expect(s.samples == images.count)
        #expect(s.forwarded == s.decisions.filter { $0.hpuOutputs != nil }.count)
        let model = CascadeCycleModel(program: program)
        #expect(s.cycles == model.cycles(forwarded: s.decisions.map(\.result.forwarded)))
        print(s.log.suffix(300), model.cycles(forwarded: s.decisions.map(\.result.forwarded)))
    }
}
