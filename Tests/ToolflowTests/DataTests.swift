import FixedPoint
import Foundation
import HDLGen
import Testing
@testable import Toolflow

@Suite("NPY files, data sets and quantisation files")
struct DataTests {
    func header(_ text: String, version: UInt8 = 1) -> Data {
        var padded = text
        padded += String(repeating: " ", count: 63 - (10 + padded.utf8.count) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [version, 0, UInt8(padded.utf8.count & 0xFF), UInt8(padded.utf8.count >> 8)])
        data.append(contentsOf: Array(padded.utf8))
        return data
    }

    @Test("written arrays read back")
    func roundTrip() throws {
        let floats: [Float] = [1.5, -2, 0, .pi]
        let a = try NPY.parse(NPY.encode(floats: floats, shape: [2, 2]), path: "a.npy")
        #expect(a.shape == [2, 2] && a.elementType == .float32 && a.floats == floats)
        let b = try NPY.parse(NPY.encode(int64s: [3, -1, 7], shape: [3]), path: "b.npy")
        #expect(b.shape == [3] && b.integers == [3, -1, 7])
        var int32 = header("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }")
        int32.append(contentsOf: [5, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try NPY.parse(int32, path: "c.npy").integers == [5, -1])
    }

    @Test("malformed arrays are clear errors", arguments: [
        ("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "dtype >f4 is not supported"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "dtype <f8 is not supported"),
        ("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran-ordered"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "holds 4 bytes of data, expected 12"),
        ("{'descr': '<f4', 'fortran_order': False }", "header has no shape"),
    ])
    func malformed(_ text: String, _ message: String) {
        var data = header(text)
        data.append(contentsOf: [0, 0, 0, 0])
        #expect(throws: ToolflowError.self) { try NPY.parse(data, path: "x.npy") }
        do { _ = try NPY.parse(data, path: "x.npy") } catch { #expect(error.description.contains(message), "\(error)") }
        #expect(throws: ToolflowError.self) { try NPY.parse(Data("not numpy".utf8), path: "y.npy") }
        #expect(throws: ToolflowError.self) { try NPY.parse(Data(), path: "z.npy") }
    }

    @Test("an empty batch of huge images is refused, not overflowed")
    func emptyBatchOfHugeImages() throws {
        // Found by fuzzing: 0 images of 2^62 × 2^62 had no data to check, and the data
        // set's image size overflowed (a trap in `infer --data`).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4611686018427387904), }")
            .write(to: folder.appendingPathComponent("inputs.npy"))
        do { _ = try Dataset.load(folder: folder.path); Issue.record("accepted") } catch {
            #expect(error.description.contains("inputs.npy") && error.description.contains("too large"), "\(error)")
        }
        let rank33 = "(" + String(repeating: "1, ", count: 33) + ")"
        #expect(throws: ToolflowError.self) {
            try NPY.parse(header("{'descr': '<f4', 'fortran_order': False, 'shape': \(rank33), }") + Data([0, 0, 0, 0]), path: "r.npy")
        }
    }

    @Test("the example data sets load and fit the model")
    func exampleData() throws {
        let network = try Fixtures.exampleNetwork.get()
        let eval = try Fixtures.exampleEval.get(), test = try Fixtures.exampleTest.get()
        #expect(eval.count == 200 && test.count == 1000)
        #expect(eval.labels?.count == 200 && test.labels?.count == 1000)
        try eval.validate(for: network)
        #expect(throws: ToolflowError.self) { try Dataset(imageShape: [3, 28, 28], inputs: []).validate(for: network) }
    }

    @Test("quantisation files round-trip and are validated")
    func quantisation() throws {
        let network = try Fixtures.exampleNetwork.get()
        let q = try RangeCalibration.quantisation(for: network, data: try Fixtures.exampleEval.get().subset(0..<20), wordlength: 8)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("q-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try q.save(to: OutputFile(url.path))
        #expect(try Quantisation.load(path: url.path) == q)
        #expect(q.layers.map(\.name) == ["conv1", "conv2", "fc1", "fc2"])

        func rejects(_ change: (inout Quantisation) -> Void, _ message: String) {
            var bad = q
            change(&bad)
            do { try bad.validate(for: network); Issue.record("accepted: \(message)") } catch {
                #expect(error.description.contains(message), "\(error)")
            }
        }
        rejects({ $0.layers[1].name = "other" }, "should be \"conv2\"")
        rejects({ $0.layers[1].input = FixedPointFormat(wordlength: 8, fractionBits: 0) }, "differs from the format")
        rejects({ $0.layers[0].weights.wordlength = 0 }, "outside 1...16")
        rejects({ $0.layers[0].output.fractionBits = 500 }, "fractionBits 500")
        rejects({ $0.layers.removeLast() }, "has 3 layers")
        #expect(throws: ToolflowError.self) { try Quantisation.load(path: "/nonexistent.json") }
        try Data("{\"wordlength\": 8}".utf8).write(to: url)
        #expect(throws: ToolflowError.self) { try Quantisation.load(path: url.path) }
    }

    @Test("quantisation bytes read like the file, and errors name the path given")
    func quantisationFromData() throws {
        let file = Fixtures.example.appendingPathComponent("quantisation-8.json")
        let q = try Quantisation.load(data: Data(contentsOf: file), path: "q8.json")
        #expect(q == (try Quantisation.load(path: file.path)))
        do { _ = try Quantisation.load(data: Data("[1, 2]".utf8), path: "bad.json"); Issue.record("accepted") } catch {
            #expect(error.description.contains("bad.json"), "\(error)")
        }
    }

    @Test("calibrated formats hold the largest magnitude")
    func calibrationFormats() {
        #expect(RangeCalibration.format(wordlength: 8, largest: 1.0) == FixedPointFormat(wordlength: 8, fractionBits: 7))
        #expect(RangeCalibration.format(wordlength: 8, largest: 5.3) == FixedPointFormat(wordlength: 8, fractionBits: 4))
        #expect(RangeCalibration.format(wordlength: 4, largest: 0.1) == FixedPointFormat(wordlength: 4, fractionBits: 6))
        #expect(RangeCalibration.format(wordlength: 16, largest: 0) == FixedPointFormat(wordlength: 16, fractionBits: 15))
    }
}
