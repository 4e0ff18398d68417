import ArgumentParser
import FixedPoint
import Foundation
import HDLGen
import Toolflow

extension Rounding: ExpressibleByArgument {}

/// `cascadecnn infer`: runs a model on a data set in float32 or in bit-exact fixed point,
/// prints the accuracy when the data has labels and writes the class scores.
struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an ONNX model on a data set, in float32 or bit-exact fixed point.",
        discussion: """
            DATA is a folder with inputs.npy (float32, NCHW) and optionally labels.npy (int64). \
            Without a quantisation the float32 reference runs. --quantisation Q.json runs the \
            fixed-point golden model; --wordlength W calibrates one (per-layer ranges on \
            --calibration-data, default DATA) and --save-quantisation writes it for editing. \
            --weights-from HPU.json runs the LPU variant: its weights are derived from those of \
            the HPU quantisation with --rounding, as the weight-truncation unit does.
            """)

    @Option(help: "The ONNX model.") var model: String
    @Option(help: "The data folder (inputs.npy, labels.npy).") var data: String
    @Option(help: "A quantisation JSON file: run in fixed point.") var quantisation: String?
    @Option(help: "Calibrate a quantisation of this wordlength and run in fixed point.") var wordlength: Int?
    @Option(help: "The data folder to calibrate on (default: --data).") var calibrationData: String?
    @Option(help: "Write the quantisation used to this JSON file (atomically; never over an input).") var saveQuantisation: String?
    @Option(help: "An HPU quantisation whose weight words the LPU's are derived from.") var weightsFrom: String?
    @Option(help: "Rounding of the LPU weight derivation: half-up or truncate.") var rounding: Rounding = .halfUp
    @Option(help: "Write the class scores (float32, images × classes) to this .npy file (atomically; never over an input).")
    var output: String?

    func run() throws {
        do {
            try execute()
        } catch {
            TerminalText.writeError("\(error)")
            throw ExitCode(2)
        }
    }

    /// Every file the command reads: never overwritten by its outputs.
    private var inputs: [String] {
        [model, quantisation, weightsFrom].compactMap { $0 } + OutputOptions.data(data) + OutputOptions.data(calibrationData)
    }

    private func execute() throws {
        if quantisation != nil && wordlength != nil {
            throw ToolflowError.invalidQuantisation("give either --quantisation or --wordlength, not both")
        }
        if weightsFrom != nil && quantisation == nil && wordlength == nil {
            throw ToolflowError.invalidQuantisation("--weights-from needs the LPU's --quantisation or --wordlength")
        }
        let scoresFile = output.map { OutputFile($0, fileExtension: "npy", inputs: inputs) }
        let quantisationFile = saveQuantisation.map {
            OutputFile($0, fileExtension: "json", inputs: inputs, option: "--save-quantisation")
        }
        try scoresFile?.check()
        try quantisationFile?.check()
        let network = try ONNXImporter.importModel(atPath: model)
        let dataset = try Dataset.load(folder: data)
        try dataset.validate(for: network)

        var chosen: Quantisation?
        if let quantisation { chosen = try Quantisation.load(path: quantisation) }
        if let wordlength {
            let calibration = try calibrationData.map { path in try Dataset.load(folder: path) } ?? dataset
            chosen = try RangeCalibration.quantisation(for: network, data: calibration, wordlength: wordlength)
        }
        if let chosen, let quantisationFile { try chosen.save(to: quantisationFile) }

        let start = Date()
        let scores: Scores
        let mode: String
        if let chosen {
            var quantised: QuantisedNetwork
            if let weightsFrom {
                let high = try QuantisedNetwork(network: network, quantisation: try Quantisation.load(path: weightsFrom))
                quantised = try high.derivingLowPrecision(chosen, rounding: rounding)
                mode = "fixed point, \(chosen.wordlength) bits, weights derived from \(high.quantisation.wordlength) bits (\(rounding.rawValue))"
            } else {
                quantised = try QuantisedNetwork(network: network, quantisation: chosen)
                mode = "fixed point, \(chosen.wordlength) bits"
            }
            let result = try FixedPointInference(quantised).run(dataset)
            scores = result.scores
        } else {
            scores = FloatInference(network: network).run(dataset)
            mode = "float32"
        }
        let seconds = Date().timeIntervalSince(start)

        print("model: \(model) (\(network.layers.count) layers), data: \(data) (\(dataset.count) images)")
        print("arithmetic: \(mode)")
        if let labels = dataset.labels {
            let correct = zip(scores.predictions, labels).filter { $0 == $1 }.count
            print(String(format: "accuracy: %.2f%% (%d/%d)", 100 * scores.accuracy(labels: labels), correct, labels.count))
        }
        print(String(format: "time: %.3f s (%.0f images/s)", seconds, Double(dataset.count) / max(seconds, 1e-9)))
        if let scoresFile {
            try scoresFile.write(NPY.encode(floats: scores.values, shape: [scores.count, scores.classes]))
            print("scores: \(scoresFile.path)")
        }
    }
}
