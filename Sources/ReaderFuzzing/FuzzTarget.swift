import Foundation
import Toolflow

/// A reader of untrusted input as the fuzzers drive it: the bytes of one file in, the
/// reader's value or its typed error out. A trap, a hang or an unbounded allocation is a
/// finding. `scripts/fuzz` runs each target under libFuzzer (`fuzz/Driver`), and
/// `ReaderFuzzingTests` runs the same `read` over the corpus and mutations of it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `ONNXImporter.importModel(data:path:)`, then the summary `cascadecnn inspect` prints.
    case onnx
    /// `NPY.parse(_:path:)`, then a data set of it (float32) or its labels (integers).
    case npy
    /// `Device.load(data:path:)`.
    case device
    /// `Quantisation.load(data:path:)`, then the quantisation applied to a network whose
    /// layers are named like the example's (`QuantisationFixture`), which validates it.
    case quantisation

    /// The longest input worth trying (libFuzzer's `-max_len`): room above the largest seed
    /// in `fuzz/corpus/<target>`, small enough to keep executions fast.
    public var maximumLength: Int {
        switch self {
        case .onnx: 65_536
        case .npy: 4_096
        case .device: 4_096
        case .quantisation: 8_192
        }
    }

    /// The file name the reader is told, so that its errors name a file as they would.
    public var path: String {
        switch self {
        case .onnx: "fuzz.onnx"
        case .npy: "fuzz.npy"
        case .device, .quantisation: "fuzz.json"
        }
    }

    /// Reads `data` as this target's file.
    public func read(_ data: Data) -> FuzzOutcome {
        do throws(ToolflowError) {
            switch self {
            case .onnx:
                let network = try ONNXImporter.importModel(data: data, path: path)
                return .accepted("\(network.layers.count) layers, \(network.summary.utf8.count) bytes of summary")
            case .npy:
                // Floats as the images of a data set (as `--data` folders are read), integers as labels.
                let array = try NPY.parse(data, path: path)
                guard array.elementType == .float32 else { return .accepted("\(array.integers.count) labels") }
                let dataset = try Dataset(inputs: array, inputsPath: path, labels: nil, labelsPath: "labels.npy")
                return .accepted("\(dataset.count) images of \(dataset.imageShape)")
            case .device:
                return readDevice(data)
            case .quantisation:
                let quantisation = try Quantisation.load(data: data, path: path)
                let network = try QuantisedNetwork(network: QuantisationFixture.network, quantisation: quantisation)
                return .accepted("\(network.quantisation.layers.count) layers at \(quantisation.wordlength) bits")
            }
        } catch {
            return .refused(error.description)
        }
    }

    private func readDevice(_ data: Data) -> FuzzOutcome {
        do throws(DeviceError) {
            let device = try Device.load(data: data, path: path)
            return .accepted("\(device.part), \(device.resources.dsp) DSP")
        } catch {
            return .refused(error.description)
        }
    }
}

/// What a reader made of one input.
public enum FuzzOutcome: Equatable, Sendable {
    /// Read; a line on what it held.
    case accepted(String)
    /// Refused with the reader's typed error; its message, as a user would see it.
    case refused(String)

    public var isAccepted: Bool { if case .accepted = self { true } else { false } }
}
