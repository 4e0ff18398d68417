import FixedPoint
import Foundation
import HDLGen

/// Everything `cascadecnn flow` decided and measured: written as `cascade.json`.
public struct CascadeResult: Codable, Sendable {
    /// A figure on the evaluation and on the held-out test set.
    public struct Split: Codable, Hashable, Sendable {
        public var eval: Double
        public var test: Double
    }

    /// One of the two engines: its wordlength, formats and accuracy alone.
    public struct Unit: Codable, Sendable {
        public var wordlength: Int
        public var quantisation: Quantisation
        public var accuracy: Split
    }

    /// The CEU as configured for the hardware.
    public struct ConfidenceUnit: Codable, Sendable {
        public var m: Int
        public var n: Int
        public var threshold: Double
        public var thresholdWord: Int
        public var thresholdFractionBits: Int
        /// The format of the LPU's class scores, which the CEU reads.
        public var scoreFormat: FixedPointFormat

        enum CodingKeys: String, CodingKey {
            case m, n, threshold
            case thresholdWord = "threshold_word", thresholdFractionBits = "threshold_fraction_bits"
            case scoreFormat = "score_format"
        }
    }

    /// One explored wordlength: the best quantisation's accuracy on the evaluation set.
    public struct WordlengthRow: Codable, Sendable {
        public var wordlength: Int
        public var top1: Double
        public var top5: Double?
        public var bitExactEvaluations: Int

        enum CodingKeys: String, CodingKey {
            case wordlength, top1, top5
            case bitExactEvaluations = "bit_exact_evaluations"
        }
    }

    /// One LPU candidate: its derived accuracy and the best CEU setting for it.
    public struct Candidate: Codable, Sendable {
        public var wordlength: Int
        public var accuracy: Double
        public var ceu: ConfidenceSetting?
        public var estimatedSpeedup: Double?
        /// Whether `ceu` is certified within the tolerance (else it meets it on the evaluation set only).
        public var certified: Bool?

        enum CodingKeys: String, CodingKey {
            case wordlength, accuracy, ceu, certified
            case estimatedSpeedup = "estimated_speedup"
        }
    }

    /// Forwarded fraction needed by each confidence score to meet each tolerance (eval set).
    public struct ScoreComparison: Codable, Sendable {
        public var measure: String
        public var tolerances: [Double]
        /// Per tolerance; nil where even forwarding everything falls short.
        public var forwardedFractions: [Double?]

        enum CodingKeys: String, CodingKey {
            case measure, tolerances
            case forwardedFractions = "forwarded_fractions"
        }
    }

    /// The cascade as the DSE sized it: what `flow` generated and `simulate --cascade` runs.
    public struct Hardware: Codable, Sendable {
        /// The tile sizes and buffer depths of one engine and the DSE's images per second for it alone.
        public struct EngineTiles: Codable, Sendable {
            public var pes: Int
            public var maccs: Int
            /// Output columns computed in parallel; nil (files written before columns): one.
            public var columns: Int?
            /// Lines of the activation buffer and entries of the output buffer, which decide the
            /// row bands; nil (files written before bands): buffers that hold every layer whole.
            public var activationDepth: Int?, outputDepth: Int?
            /// Which PEs multiply on DSP48s, packed DSP48s or LUTs; nil: every PE on DSP48s.
            public var mix: MultiplierMix?
            public var imagesPerSecond: Double

            public init(pes: Int, maccs: Int, columns: Int? = nil, activationDepth: Int? = nil, outputDepth: Int? = nil,
                        mix: MultiplierMix? = nil, imagesPerSecond: Double) {
                self.pes = pes; self.maccs = maccs; self.columns = columns
                self.activationDepth = activationDepth; self.outputDepth = outputDepth
                self.mix = mix
                self.imagesPerSecond = imagesPerSecond
            }

            /// The DSE's engine: its tiles and buffers.
            public init(_ design: EngineDesign) {
                self.init(pes: design.engine.pes, maccs: design.engine.maccs, columns: design.engine.columns,
                          activationDepth: design.engine.activationDepth,
                          outputDepth: design.engine.outputDepth, mix: design.engine.mix, imagesPerSecond: design.throughput)
            }

            /// Both depths, as `EngineProgram` takes them.
            public var buffers: (activationDepth: Int, outputDepth: Int)? {
                guard let activationDepth, let outputDepth else { return nil }
                return (activationDepth, outputDepth)
            }

            enum CodingKeys: String, CodingKey {
                case pes, maccs, columns
                case activationDepth = "activation_depth", outputDepth = "output_depth"
                case imagesPerSecond = "images_per_second"
            }
        }

        public var device: Device
        /// The ONNX model: as `flow` was given it, and in a written cascade.json relative to
        /// that file's folder (`model(besideFile:)` finds it from any current folder).
        public var modelPath: String
        public var lpu: EngineTiles
        public var hpu: EngineTiles
        public var queueDepth: Int
        /// The resource model's estimate of the generated top (`ResourceModel.cascadeTop`).
        public var resources: Resources

        /// The model's path for a cascade.json read from `file`: absolute paths as they are,
        /// relative ones from the file's folder (or, for files written before paths were
        /// stored that way, from the current folder when only that exists).
        public func model(besideFile file: String) -> String {
            if modelPath.hasPrefix("/") { return modelPath }
            let folder = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
            let beside = folder.appendingPathComponent(modelPath).standardized.path
            let manager = FileManager.default
            return manager.fileExists(atPath: beside) || !manager.fileExists(atPath: modelPath) ? beside : modelPath
        }

        /// The DSE's images per second of the cascade when it forwards the fraction `f`:
        /// min(T_LPU, T_HPU / f).
        public func imagesPerSecond(forwarding f: Double) -> Double {
            f <= 0 ? lpu.imagesPerSecond : min(lpu.imagesPerSecond, hpu.imagesPerSecond / f)
        }

        enum CodingKeys: String, CodingKey {
            case device, lpu, hpu, resources
            case modelPath = "model_path", queueDepth = "queue_depth"
        }
    }

    public var model: String
    public var classes: Int
    public var tolerance: Double
    /// What the tolerance is measured from: "float" or "8-bit".
    public var reference: String
    public var referenceAccuracy: Split
    public var floatAccuracy: Split
    public var hpu: Unit
    public var lpu: Unit
    public var ceu: ConfidenceUnit
    public var forwardedFraction: Split
    public var cascadeAccuracy: Split
    public var weightRounding: Rounding
    public var wordlengths: [WordlengthRow]
    public var lpuCandidates: [Candidate]
    public var confidenceScores: [ScoreComparison]
    public var seed: UInt64
    /// Absent when the layer engine cannot run the network (no cascade top then).
    public var hardware: Hardware?
    /// What the evaluation set certifies about the HPU alone and the cascade, against the
    /// reference (absent in results written before certification).
    public var hpuCertification: Certification?
    public var cascadeCertification: Certification?

    /// Sorted keys, pretty printed: the same result gives the same bytes. The result's own
    /// keys are snake case; the quantisations inside keep the keys of a quantisation file,
    /// so `lpu.quantisation` can be saved and given to `cascadecnn infer` as it is.
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try! encoder.encode(self)
    }

    /// The result as stored in `folder`: the model's path relative to it, so that
    /// `simulate --cascade` finds the model from any current folder and the file holds no
    /// absolute path (the same layout gives the same bytes).
    public func storingPaths(relativeTo folder: OutputFolder) -> CascadeResult {
        var stored = self
        if let path = hardware?.modelPath { stored.hardware?.modelPath = folder.relativePath(to: path) }
        return stored
    }

    public static func decode(_ data: Data) throws -> CascadeResult {
        try JSONDecoder().decode(CascadeResult.self, from: data)
    }

    enum CodingKeys: String, CodingKey {
        case model, classes, tolerance, reference, hpu, lpu, ceu, seed, wordlengths, hardware
        case referenceAccuracy = "reference_accuracy", floatAccuracy = "float_accuracy"
        case forwardedFraction = "forwarded_fraction", cascadeAccuracy = "cascade_accuracy"
        case weightRounding = "weight_rounding", lpuCandidates = "lpu_candidates", confidenceScores = "confidence_scores"
        case hpuCertification = "hpu_certification", cascadeCertification = "cascade_certification"
    }

    /// The per-wordlength accuracy table as CSV.
    public var wordlengthTable: String {
        (["wordlength,top1,top5,bit_exact_evaluations"] + wordlengths.map {
            "\($0.wordlength),\(percent($0.top1)),\($0.top5.map(percent) ?? ""),\($0.bitExactEvaluations)"
        }).joined(separator: "\n") + "\n"
    }

    /// The confidence-score comparison as CSV: forwarded fraction per score and tolerance.
    public var confidenceTable: String {
        guard let tolerances = confidenceScores.first?.tolerances else { return "" }
        return (["score," + tolerances.map { "tolerance \($0)" }.joined(separator: ",")] + confidenceScores.map { row in
            row.measure + "," + row.forwardedFractions.map { $0.map(percent) ?? "unreachable" }.joined(separator: ",")
        }).joined(separator: "\n") + "\n"
    }
}

private func percent(_ x: Double) -> String { String(format: "%.2f", x * 100) }
