import HDLGen
import Foundation

/// The flow's report: accuracy and throughput per wordlength, the CEU's forwarded fraction
/// per threshold, the cascade's speed-up over the baseline per tolerance, and the resources
/// of the chosen design. Built from plain values so that any driver can fill it; renders
/// to report.json and to a self-contained report.html (inline SVG, no scripts, no dates).
public struct CascadeReport: Codable, Sendable {
    /// One wordlength: its accuracy (when measured) and its best single-stage design.
    public struct WordlengthFigure: Codable, Hashable, Sendable {
        public var wordlength: Int
        public var accuracy: Double?
        public var throughput: Double
        public var engine: EngineConfiguration
        public var resources: Resources

        public init(wordlength: Int, accuracy: Double?, design: EngineDesign) {
            self.wordlength = wordlength; self.accuracy = accuracy
            self.throughput = design.throughput; self.engine = design.engine; self.resources = design.resources
        }
    }

    /// One CEU threshold: the fraction of samples it forwards and the accuracy loss left.
    public struct ThresholdFigure: Codable, Hashable, Sendable {
        public var threshold: Double
        public var forwardedFraction: Double
        public var accuracyLoss: Double?

        public init(threshold: Double, forwardedFraction: Double, accuracyLoss: Double? = nil) {
            self.threshold = threshold; self.forwardedFraction = forwardedFraction; self.accuracyLoss = accuracyLoss
        }
    }

    /// One tolerance: the cascade against the baseline.
    public struct SpeedUpFigure: Codable, Hashable, Sendable {
        public var tolerance: Double
        public var forwardedFraction: Double
        public var threshold: Double?
        public var m: Int, n: Int
        public var lpuWordlength: Int, hpuWordlength: Int, baselineWordlength: Int
        public var cascadeThroughput: Double, baselineThroughput: Double
        public var speedUp: Double
        public var lpu: EngineConfiguration, hpu: EngineConfiguration, baseline: EngineConfiguration
        public var units: [UnitFigure]

        public init(_ s: SpeedUp) {
            tolerance = s.point.tolerance; forwardedFraction = s.point.forwardedFraction; threshold = s.point.threshold
            m = s.point.m; n = s.point.n
            lpuWordlength = s.lpuWordlength; hpuWordlength = s.point.hpuWordlength
            baselineWordlength = s.point.baselineWordlength
            cascadeThroughput = s.cascade.throughput; baselineThroughput = s.baseline.throughput; speedUp = s.speedUp
            lpu = s.cascade.lpu.engine; hpu = s.cascade.hpu.engine; baseline = s.baseline.engine
            units = s.cascade.units.map { UnitFigure(name: $0.name, description: $0.description, resources: $0.resources) }
        }
    }

    public struct UnitFigure: Codable, Hashable, Sendable {
        public var name: String
        public var description: String
        public var resources: Resources
    }

    /// One classifier's top-1 accuracy beside what the evaluation set certifies about its loss.
    public struct AccuracyFigure: Codable, Hashable, Sendable {
        public var name: String
        public var accuracy: CascadeResult.Split
        public var certification: Certification?
    }

    public var network: String
    public var device: Device
    public var budgetFraction: Double
    public var budget: Resources
    public var wordlengths: [WordlengthFigure]
    public var thresholds: [ThresholdFigure]
    public var speedUps: [SpeedUpFigure]
    /// The tolerance whose design the resource chart shows (the user's), if any.
    public var chosenTolerance: Double?
    /// Assumptions behind the figures, one sentence each.
    public var notes: [String]
    /// The reference, the HPU, the LPU and the cascade on the evaluation and test sets; nil
    /// in a report of the DSE alone.
    public var accuracy: [AccuracyFigure]?

    public init(network: String, device: Device, budgetFraction: Double, wordlengths: [WordlengthFigure],
                thresholds: [ThresholdFigure], speedUps: [SpeedUp], chosenTolerance: Double? = nil, notes: [String] = []) {
        self.network = network; self.device = device; self.budgetFraction = budgetFraction
        self.budget = device.budget(fraction: budgetFraction)
        self.wordlengths = wordlengths; self.thresholds = thresholds; self.speedUps = speedUps.map(SpeedUpFigure.init)
        self.chosenTolerance = chosenTolerance
        self.notes = notes
    }

    /// Where throughput figures come from: the layer engine's own cycle model where it runs
    /// the network, else an idealised GEMM engine (whose FC layers reuse weights over `batch`).
    public static func cycleModelNote(engineRuns: Bool, batch: Int) -> String {
        engineRuns
            ? "cycles from the layer engine's own cycle model (row bands as its buffers hold them; each tile's weights "
                + "load while the tile before computes, input loads and write-back between; "
                + (batch > 1 ? "the FC layers at the end run once per batch of \(batch) images, their weights read once for all)"
                    : "FC weights read once per image, no batching)")
            : "the layer engine cannot run this network: cycles from an idealised GEMM engine that no RTL implements "
                + "(FC weights reused over a batch of \(batch) images)"
    }

    /// The standard assumptions of the models, for `notes`: the layer engine's own cycle
    /// model where it runs the network (`engineRuns`), else the idealised GEMM engine's.
    public static func modelNotes(device: Device, batch: Int, engineRuns: Bool = true) -> [String] {
        let cycles = cycleModelNote(engineRuns: engineRuns, batch: batch)
        return ["Resources: the MM unit, truncation unit and CEU from the model calibrated against yosys synth_xilinx "
            + "-family \(device.family.rawValue) (calibration/resources.csv); buffers are modelled block RAM, not synthesised.",
         "Multipliers go to \(device.family.dspName) slices from 5 bits (as Yosys maps them) and to LUTs below; "
            + "no packing of two products per DSP.",
         "Clock \(label(device.clockMHz)) MHz, off-chip bandwidth \(label(device.bandwidthGBps)) GB/s shared by the LPU and HPU; "
            + "\(cycles); the LPU reads the HPU's weights and truncates them on chip.",
         "Speed-up = cascade throughput min(T_LPU, T_HPU / f) / throughput of the best single-stage design at the "
            + "shortest wordlength meeting the same tolerance, for the same budget."]
    }

    /// report.json: the figures, keys sorted, pretty-printed.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
