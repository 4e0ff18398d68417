import Foundation
import Testing
@testable import Toolflow

/// Data that does not fit the model is refused where it enters, naming the file: labels that
/// are no class of the model (which crashed the accuracy count), no images, and inputs that
/// are not numbers.
@Suite("data set validation")
struct DataValidationTests {
    static func example(labels change: (inout [Int]) -> Void = { _ in }, inputs changeInputs: (inout [Float]) -> Void = { _ in })
        throws -> Dataset {
        var data = try Fixtures.exampleEval.get().subset(0..<8)
        data.source = "eval"
        change(&data.labels!)
        changeInputs(&data.inputs)
        return data
    }

    static func message(_ data: Dataset) throws -> String? {
        let network = try Fixtures.exampleNetwork.get()
        do { try data.validate(for: network); return nil } catch { return error.description }
    }

    @Test("labels outside 0...classes-1 are refused, naming the file, the image and the range", arguments: [10, -1, 1 << 40])
    func labelsOutOfRange(_ label: Int) throws {
        let message = try Self.message(try Self.example(labels: { $0[5] = label }))
        #expect(message == "eval/labels.npy: the label of image 5 is \(label), outside the model's classes 0...9")
    }

    @Test("every class from 0 to 9 is a valid label")
    func labelsInRange() throws {
        #expect(try Self.message(try Self.example(labels: { $0 = [0, 1, 2, 9, 8, 3, 4, 5] })) == nil)
    }

    @Test("a data set with no images is refused")
    func noImages() throws {
        let empty = Dataset(imageShape: [1, 28, 28], inputs: [], labels: [], source: "empty")
        #expect(try Self.message(empty) == "empty/inputs.npy holds no images")
    }

    @Test("inputs that are not finite numbers are refused, naming the image", arguments: [Float.nan, .infinity])
    func nonFiniteInputs(_ value: Float) throws {
        let message = try Self.message(try Self.example(inputs: { $0[3 * 784 + 100] = value }))
        #expect(message == "eval/inputs.npy: image 3 holds \(value), not a finite number")
    }

    @Test("reading a folder, a missing file or an unreadable one says which and why, without Foundation's codes")
    func unreadableInputs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func reason(_ path: String) -> String? {
            do { _ = try InputFile.read(path); return nil } catch { return error.reason }
        }
        #expect(reason(folder.path) == "it is a folder, not a file")
        #expect(reason(folder.appendingPathComponent("missing.onnx").path) == "no such file")
        #expect(reason("") == "no such file")
        let model = ONNXImportTests.error { try ONNXImporter.importModel(atPath: folder.path) }
        #expect(model == .unreadableFile(path: folder.path, reason: "it is a folder, not a file"))
        #expect(!(model?.description.contains("NSCocoaErrorDomain") ?? true))
    }
}
