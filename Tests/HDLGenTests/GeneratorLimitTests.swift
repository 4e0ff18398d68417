import Foundation
import Testing
@testable import HDLGen

/// Requests past what the generator can build are errors that say why, and requests within
/// them are built whatever their widths.
@Suite("generator limits")
struct GeneratorLimitTests {
    @Test("negative literals wider than 64 bits are sign-extended to their width", arguments: [
        (-5, 70, "70'sh3ffffffffffffffffb"),        // 2^70 − 5
        (-1, 65, "65'sh1ffffffffffffffff"),         // 2^65 − 1
        (-1, 68, "68'shfffffffffffffffff"),         // 2^68 − 1
        (Int.min, 128, "128'shffffffffffffffff8000000000000000"),
        (-3, 64, "64'shfffffffffffffffd"),
        (-3, 8, "8'shfd"),
    ])
    func wideNegativeLiterals(_ value: Int, _ width: Int, _ expected: String) {
        #expect(VerilogEmitter.literal(value, .sint(width)) == expected)
        // The digits hold exactly the width: no more than ⌈width/4⌉ of them.
        let digits = expected.split(separator: "h")[1]
        #expect(digits.count == (width + 3) / 4)
    }

    @Test("an engine whose memory line would be wider than AXI4's 1024 bits is refused, naming the line",
          arguments: [(256, 8), (128, 16), (1024, 2)])
    func engineLineTooWide(_ maccs: Int, _ wordlength: Int) {
        do {
            _ = try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: 1, maccs: maccs, maxWindow: 64,
                                                    activationDepth: 64, outputDepth: 64))
            Issue.record("accepted \(maccs) MACCs at \(wordlength) bits")
        } catch {
            #expect("\(error)".contains("\(maccs) MACCs × \(wordlength) bits"), "\(error)")
            #expect("\(error)".contains("AXI4 carries at most 1024 bits"), "\(error)")
        }
    }

    @Test("the widest engine line AXI4 carries is accepted", arguments: [(128, 8), (64, 16), (512, 2)])
    func engineLineAtTheLimit(_ maccs: Int, _ wordlength: Int) throws {
        let engine = try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: 1, maccs: maccs, maxWindow: 64,
                                                         activationDepth: 64, outputDepth: 64))
        #expect(engine.lineWidth == 1024)
        _ = try Circuit(LayerEngineAXI(engine: engine))
    }

    /// Bytes of the testbench's data files (stimulus and expected values) in `bundle`.
    static func size(of bundle: SimulationBundle) -> Double {
        Double(bundle.testbench.files(for: bundle.circuit.top).filter { $0.name.hasSuffix(".hex") }.reduce(0) { $0 + $1.contents.utf8.count })
    }

    @Test("the size estimate is within a factor of two of the bundle actually written",
          arguments: [(4, 2, 4, 64, 200), (8, 4, 8, 256, 512), (16, 8, 16, 64, 100), (2, 1, 1, 4096, 50)])
    func estimateMatchesTheBundle(_ wordlength: Int, _ pes: Int, _ maccs: Int, _ maxWindow: Int, _ cycles: Int) throws {
        let unit = try MatrixMultiplyUnit(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: maxWindow)
        let estimate = unit.generationEstimate(cycles: cycles)
        let written = Self.size(of: try unit.simulationBundle(beats: unit.stimulus(cycles: cycles, seed: 1)))
        #expect(estimate.outputBytes > written / 2 && estimate.outputBytes < written * 2,
                "estimated \(estimate.outputBytes) bytes, wrote \(written)")
    }

    @Test("the CEU's and the truncation unit's estimates are within a factor of two too")
    func otherEstimates() throws {
        let ceu = try ConfidenceEvaluationUnit(classes: 10, lanes: 4, m: 1, n: 2, scoreFormat: .init(wordlength: 16, fractionBits: 8))
        let samples = ConfidenceStimulus.samples(classes: 10, format: ceu.scoreFormat, count: 300, seed: 1)
        let ceuBytes = Self.size(of: try ceu.simulationBundle(samples: samples, threshold: ceu.thresholdWord(0.5), stallPercent: 20, seed: 1))
        let ceuEstimate = ceu.generationEstimate(samples: 300).outputBytes
        #expect(ceuEstimate > ceuBytes / 2 && ceuEstimate < ceuBytes * 2, "estimated \(ceuEstimate), wrote \(ceuBytes)")
        let truncation = try WeightTruncationUnit(highWordlength: 8, lowWordlength: 4, lanes: 16, rounding: .halfUp)
        let truncationBytes = Self.size(of: try truncation.simulationBundle(beats: truncation.stimulus(cycles: 2000, seed: 1)))
        let truncationEstimate = truncation.generationEstimate(cycles: 2000).outputBytes
        #expect(truncationEstimate > truncationBytes / 2 && truncationEstimate < truncationBytes * 2,
                "estimated \(truncationEstimate), wrote \(truncationBytes)")
    }

    @Test("a request above the limits is refused before anything is built")
    func absurdRequest() throws {
        let unit = try MatrixMultiplyUnit(wordlength: 16, pes: 1024, maccs: 1024)
        let estimate = unit.generationEstimate(cycles: 512)
        #expect(estimate.memoryBytes > GenerationEstimate.memoryLimit)
        #expect(throws: GenerationLimitError.self) { try estimate.check("mm") }
        let small = try MatrixMultiplyUnit(wordlength: 4, pes: 8, maccs: 16).generationEstimate(cycles: 512)
        try small.check("mm")
    }
}
