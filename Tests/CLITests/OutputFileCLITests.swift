import Foundation
import Testing

/// Single-file outputs (`infer --output scores.npy`, `--save-quantisation q.json`): written
/// atomically, never over an input of the same command, and only under the right name; each
/// refusal exits 2 with one line naming the file, and the inputs stay byte for byte.
@Suite("single-file outputs") struct OutputFileCLITests {
    static let shapes = CLI.fixtures.appendingPathComponent("shapes_opset13")

    /// A copy of the test model and its data in `folder/data`, a quantisation and a link to the inputs.
    func makeInputs(in folder: URL) throws -> (model: String, data: String, quantisation: String) {
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in ["model.onnx", "inputs.npy"] {
            try FileManager.default.copyItem(at: Self.shapes.appendingPathComponent(name), to: data.appendingPathComponent(name))
        }
        let quantisation = folder.appendingPathComponent("q.json").path
        let saved = try CommandLineRun.cascadecnn(["infer", "--model", data.appendingPathComponent("model.onnx").path,
                                                   "--data", data.path, "--wordlength", "6", "--save-quantisation", quantisation])
        #expect(saved.status == 0, "\(saved.standardError)")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.npy").path,
                                                   withDestinationPath: "data/inputs.npy")
        return (data.appendingPathComponent("model.onnx").path, data.path, quantisation)
    }

    @Test("an output that is an input, or leads to one, is refused and the input kept")
    func inputsAreNeverOverwritten() throws {
        try withTemporaryDirectory { directory in
            let (model, data, quantisation) = try makeInputs(in: directory)
            let base = ["infer", "--model", model, "--data", data]
            let cases: [([String], String)] = [
                (["--output", data + "/inputs.npy"], "refusing to write \(data)/inputs.npy (--output): it is an input"),
                (["--output", directory.appendingPathComponent("link.npy").path], "(--output): it is an input"),
                (["--output", data + "/../data/inputs.npy"], "(--output): it is an input"),
                (["--quantisation", quantisation, "--save-quantisation", quantisation],
                 "refusing to write \(quantisation) (--save-quantisation): it is an input"),
                (["--wordlength", "6", "--weights-from", quantisation, "--save-quantisation", quantisation],
                 "(--save-quantisation): it is an input"),
            ]
            let before = try FolderSnapshot(directory)
            for (arguments, message) in cases {
                let run = try CommandLineRun.cascadecnn(base + arguments)
                #expect(run.status == 2, "\(arguments)")
                #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
                #expect(run.standardError.contains(message), "\(run.standardError)")
                #expect(try FolderSnapshot(directory) == before, "\(arguments)")
            }
        }
    }

    @Test("a folder, a name without the format's extension, or '' is refused")
    func wrongDestinations() throws {
        try withTemporaryDirectory { directory in
            let (model, data, _) = try makeInputs(in: directory)
            let base = ["infer", "--model", model, "--data", data]
            let folder = directory.appendingPathComponent("scores.npy")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let cases: [([String], String)] = [
                (["--output", folder.path], "cannot write \(folder.path): it is a folder; give a file name ending in .npy"),
                (["--output", directory.path + "/new/"], "it is a folder"),
                (["--output", directory.path + "/scores.txt"], "cannot write \(directory.path)/scores.txt: the file name must end in .npy"),
                (["--wordlength", "6", "--save-quantisation", directory.path + "/q.npy"], "must end in .json"),
                (["--output", ""], "--output is empty"),
                (["--output", directory.path + "/pipe.npy"], "refusing to write \(directory.path)/pipe.npy: it is not a regular file"),
            ]
            #expect(mkfifo(directory.path + "/pipe.npy", 0o644) == 0)
            let before = try FolderSnapshot(directory)
            for (arguments, message) in cases {
                let run = try CommandLineRun.cascadecnn(base + arguments)
                #expect(run.status == 2, "\(arguments): \(run.standardError)")
                #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
                #expect(run.standardError.contains(message), "\(run.standardError)")
                #expect(try FolderSnapshot(directory) == before, "\(arguments)")
            }
        }
    }

    @Test("an existing scores file is replaced whole, nothing hidden left")
    func replacesAtomically() throws {
        try withTemporaryDirectory { directory in
            let (model, data, _) = try makeInputs(in: directory)
            let scores = directory.appendingPathComponent("scores.npy")
            try Data("old scores".utf8).write(to: scores)
            let run = try CommandLineRun.cascadecnn(["infer", "--model", model, "--data", data, "--output", scores.path])
            #expect(run.status == 0, "\(run.standardError)")
            let written = try Data(contentsOf: scores)
            #expect(written.starts(with: [0x93] + Array("NUMPY".utf8)))
            #expect(leftovers(under: directory).isEmpty)
        }
    }

    @Test("a read-only folder: one line naming the file, no Foundation dump", .enabled(if: Unprivileged.available))
    func readOnlyFolder() throws {
        try withTemporaryDirectory { directory in
            let (model, data, _) = try makeInputs(in: directory)
            let locked = directory.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
            try Unprivileged.chmod(locked, 0o555)
            defer { try? Unprivileged.chmod(locked, 0o755) }
            let scores = locked.appendingPathComponent("scores.npy").path
            let run = try Unprivileged.cascadecnn(["infer", "--model", model, "--data", data, "--output", scores])
            #expect(run.status == 2)
            #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
            #expect(run.standardError.contains("cannot write \(scores): its folder \(locked.path) is not writable (permission denied)"),
                    "\(run.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: locked.path).isEmpty)
        }
    }
}
