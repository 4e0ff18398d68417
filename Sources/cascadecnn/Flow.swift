import ArgumentParser
import FixedPoint
import Foundation
import HDLGen
import Toolflow

/// `cascadecnn flow`: the whole CascadeCNN search on a model, and the RTL of its choice.
struct Flow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantise a CNN, choose the LPU and HPU wordlengths, tune the CEU, and generate the RTL.",
        discussion: """
            Explores every wordlength (dynamic fixed point, a scaling per layer), gives the HPU \\
            the shortest wordlength within --tolerance points of the reference accuracy, scores \\
            each shorter LPU with weights derived from the HPU's, tunes the CEU's M, N and th on \\
            the evaluation set, and checks the cascade on the test set. Writes OUT/cascade.json, \\
            the accuracy and confidence-score tables, and OUT/rtl (simulate with `make -C OUT sim`). \\
            With no options it runs on the bundled MNIST example.
            """)

    @Option(help: "The trained model (ONNX).") var model = "examples/mnist/model.onnx"
    @Option(help: "Labelled evaluation set (a folder with inputs.npy and labels.npy).") var eval = "examples/mnist/eval"
    @Option(help: "Labelled held-out test set, used only to report.") var test = "examples/mnist/test"
    @Option(help: "Target device: zc706, zcu102 or a device file (see `cascadecnn devices`).") var device = "zc706"
    @Option(help: "Fraction of each device resource the design may use, in (0, 1].") var budget = 0.8
    @Option(help: "Allowed loss of top-1 accuracy, in percentage points.") var tolerance = 1.0
    @Option(help: "What the tolerance is measured from: float, or a wordlength in bits.") var reference = "8"
    @Option(help: "Wordlengths to explore, as FIRST...LAST within 2...16.") var wordlengths = "2...16"
    @Option(help: "The probability with which the tolerance must hold beyond the evaluation set, in (0, 1).")
    var confidence = 0.9
    @Option(help: "Fix the HPU's wordlength instead of choosing the shortest that meets the tolerance.")
    var hpuWordlength: Int?
    @Option(help: "How the truncation unit rounds LPU weights: half-up or truncate.") var rounding: Rounding = .halfUp
    @Option(help: "Seed of the testbench stimulus; the same inputs and seed give the same files.") var seed: UInt64 = 1
    @Option(name: .shortAndLong, help: OutputOptions.folderHelp) var output = "cascade-out"
    @Flag(help: OutputOptions.forceHelp) var force = false

    func validate() throws {
        _ = try parsedReference()
        _ = try parsedWordlengths()
    }

    func parsedReference() throws -> CascadeFlow.Reference {
        if reference.lowercased() == "float" { return .float }
        guard let bits = Int(reference) else {
            throw ValidationError("--reference \(reference) is neither float nor a wordlength")
        }
        return .wordlength(bits)
    }

    func parsedWordlengths() throws -> ClosedRange<Int> {
        let parts = wordlengths.components(separatedBy: "...")
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low <= high else {
            throw ValidationError("--wordlengths \(wordlengths) is not FIRST...LAST (for example 2...16)")
        }
        return low...high
    }

    /// The flow's configuration from the options: the library API the CLI shares.
    func flowConfiguration() throws -> CascadeFlow.Configuration {
        var configuration = CascadeFlow.Configuration(modelPath: model, evalPath: eval, testPath: test, tolerance: tolerance)
        configuration.reference = try parsedReference()
        configuration.wordlengths = try parsedWordlengths()
        configuration.highPrecisionWordlength = hpuWordlength
        configuration.rounding = rounding
        configuration.device = device
        configuration.budgetFraction = budget
        configuration.confidence = confidence
        configuration.seed = seed
        return configuration
    }

    func run() throws {
        let folder = try OutputOptions.folder(output, inputs: [model, eval, test, device], force: force)
        let start = Date()
        let flow = CascadeFlow(try flowConfiguration())
        let run = try flow.run { message in
            FileHandle.standardError.write(Data(Quoting.terminal(String(format: "[%5.1fs] %@\n", Date().timeIntervalSince(start), message)).utf8))
        }
        try run.write(to: folder)
        let r = run.result
        func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
        print("""
            \(r.model): float top-1 \(percent(r.floatAccuracy.eval)) eval, \(percent(r.floatAccuracy.test)) test; \
            reference \(r.reference) \(percent(r.referenceAccuracy.eval)) eval; tolerance \(r.tolerance) points
            HPU \(r.hpu.wordlength) bits: \(percent(r.hpu.accuracy.eval)) eval, \(percent(r.hpu.accuracy.test)) test
            LPU \(r.lpu.wordlength) bits (weights derived from the HPU's): \(percent(r.lpu.accuracy.eval)) eval, \
            \(percent(r.lpu.accuracy.test)) test
            CEU gBvSB M=\(r.ceu.m) N=\(r.ceu.n) th=\(String(format: "%.4f", r.ceu.threshold)) on \(r.ceu.scoreFormat) scores
            cascade: \(percent(r.cascadeAccuracy.eval)) eval, \(percent(r.cascadeAccuracy.test)) test; \
            forwarded \(percent(r.forwardedFraction.eval)) eval, \(percent(r.forwardedFraction.test)) test\(certificationSummary(r))
            \(run.architecture.units.map { "\($0.name): \($0.description)" }.joined(separator: "; "))\(topSummary(run))
            \(run.report.speedUps.map { figure in
                String(format: "tolerance %.1f points: f %.1f%%, speed-up %.2fx over the %d-bit baseline",
                       figure.tolerance * 100, figure.forwardedFraction * 100, figure.speedUp, figure.baselineWordlength)
            }.joined(separator: "\n"))
            wrote \(output)/cascade.json, report.html, tables and RTL; simulate with `make -C \(output) sim`
            """)
    }

    /// What the evaluation set certifies against the reference, a line for the HPU and one for the cascade.
    private func certificationSummary(_ r: CascadeResult) -> String {
        [("HPU alone", r.hpuCertification), ("cascade", r.cascadeCertification)].compactMap { name, certification in
            certification.map { "\n\(name) against the reference: \($0.summary)" }
        }.joined()
    }

    /// The generated cascade top and its modelled resources, on a line of its own.
    private func topSummary(_ run: CascadeRun) -> String {
        guard let cascade = run.cascade, let hardware = run.result.hardware else { return "" }
        let r = hardware.resources, device = hardware.device.resources
        return "\ncascade top: \(cascade.program.top.name) (rtl/cascade, vivado/build.tcl for \(hardware.device.part)); "
            + String(format: "model: %d DSP, %d LUT, %d FF, %.1f BRAM36 (%.0f%% of the device's LUTs)",
                     r.dsp, r.lut, r.ff, r.bram36, 100 * Double(r.lut) / Double(max(1, device.lut)))
    }
}
