import ArgumentParser
import Foundation
import Toolflow

/// `cascadecnn inspect`: the layers of a model with shapes, GEMM sizes, parameters and
/// operations per image.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the layers of an ONNX model: shapes, GEMM sizes, parameters, operations.")

    @Option(help: "The ONNX model.") var model: String

    func run() throws {
        do {
            print(try ONNXImporter.importModel(atPath: model).summary, terminator: "")
        } catch {
            TerminalText.writeError("\(error)")
            throw ExitCode(2)
        }
    }
}
