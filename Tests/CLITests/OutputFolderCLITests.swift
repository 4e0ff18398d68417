import Foundation
import Testing

/// `--output DIR` never loses a user's file: a folder that cascadecnn did not write is
/// refused without --force, a protected folder (the current folder, its parents, one holding
/// an input) is refused always, and a replacement is whole or not at all. Every refusal exits
/// 2 with one line naming the folder, and every file under the test's folder is kept byte
/// for byte.
@Suite("--output folders") struct OutputFolderCLITests {
    static let unit = ["generate", "mm-unit", "--wordlength", "4", "--pes", "2", "--maccs", "4", "--vectors", "20"]
    static let shapes = CLI.fixtures.appendingPathComponent("shapes_opset13")

    @Test("a folder of user files is refused without --force, every file kept")
    func userFolderIsRefused() throws {
        try withTemporaryDirectory { directory in
            let mine = directory.appendingPathComponent("mine")
            try makeUserFiles(in: mine)
            let before = try FolderSnapshot(directory)
            let run = try CommandLineRun.cascadecnn(Self.unit + ["--output", mine.path])
            #expect(run.status == 2)
            #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
            #expect(run.standardError.contains("refusing to replace \(mine.path): it is not empty"), "\(run.standardError)")
            #expect(run.standardError.contains("--force"))
            #expect(try FolderSnapshot(directory) == before)
        }
    }

    /// Run from `top/work/here`, which holds user files as `top/work` does.
    @Test("the current folder, its parents and '' are refused, even with --force", arguments: [
        (".", "it is the current folder"), ("./", "it is the current folder"), ("../here", "it is the current folder"),
        ("..", "it holds the current folder"), ("../..", "it holds the current folder"),
        ("up", "it holds the current folder"), ("", "--output is empty"),
    ], [false, true])
    func protectedFoldersAreRefused(_ destination: (output: String, reason: String), force: Bool) throws {
        let (output, reason) = destination
        try withTemporaryDirectory { directory in
            let work = directory.appendingPathComponent("work"), here = work.appendingPathComponent("here")
            try makeUserFiles(in: work)
            try makeUserFiles(in: here)
            try FileManager.default.createSymbolicLink(atPath: here.appendingPathComponent("up").path, withDestinationPath: "..")
            let before = try FolderSnapshot(directory)
            let run = try CommandLineRun.run(CommandLineRun.executable.path,
                                             Self.unit + ["--output", output] + (force ? ["--force"] : []), in: here)
            #expect(run.status == 2)
            #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
            #expect(run.standardError.contains(reason), "\(run.standardError)")
            if !output.isEmpty { #expect(run.standardError.contains("refusing to replace \(output) (")) }
            #expect(try FolderSnapshot(directory) == before)
        }
    }

    /// The model and data live in `top/models`, reached also through the link `top/link`;
    /// the commands run from another temporary folder.
    @Test("a folder holding an input is refused, through a link too, even with --force", arguments: [
        ("models", "it is"), ("models/", "it is"), ("link", "it is"), (".", "it holds"), ("models/..", "it holds"),
    ], [false, true])
    func foldersHoldingAnInputAreRefused(_ destination: (output: String, reason: String), force: Bool) throws {
        let (output, reason) = destination
        try withTemporaryDirectory { directory in
            let models = directory.appendingPathComponent("models")
            try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
            for name in ["model.onnx", "inputs.npy"] {
                try FileManager.default.copyItem(at: Self.shapes.appendingPathComponent(name), to: models.appendingPathComponent(name))
            }
            try makeUserFiles(in: models, count: 3)
            try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("link").path, withDestinationPath: "models")
            let before = try FolderSnapshot(directory)
            let target = output == "." ? directory.path : directory.appendingPathComponent(output).path + (output.hasSuffix("/") ? "/" : "")
            let model = models.appendingPathComponent("model.onnx").path
            let commands = [
                ["generate", "engine", "--model", model, "--data", models.path, "--images", "1", "--pes", "4", "--maccs", "2"],
                ["simulate", "--model", model, "--data", models.path, "--images", "1", "--pes", "4", "--maccs", "2"],
                ["flow", "--model", model, "--eval", models.path, "--test", models.path, "--wordlengths", "3...4"],
            ]
            for command in commands {
                let run = try withTemporaryDirectory { elsewhere in
                    try CommandLineRun.run(CommandLineRun.executable.path,
                                           command + ["--output", target] + (force ? ["--force"] : []), in: elsewhere)
                }
                #expect(run.status == 2, "\(command[0]): \(run.standardError)")
                #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
                #expect(run.standardError.contains("refusing to replace \(target)"), "\(run.standardError)")
                #expect(run.standardError.contains("\(reason) \(model)") || run.standardError.contains("\(reason) \(models.path)"),
                        "\(run.standardError)")
                #expect(try FolderSnapshot(directory) == before, "\(command[0])")
            }
        }
    }

    @Test("--force replaces a folder of user files whole, leaving nothing hidden")
    func forceReplaces() throws {
        try withTemporaryDirectory { directory in
            let mine = directory.appendingPathComponent("mine"), fresh = directory.appendingPathComponent("fresh")
            try makeUserFiles(in: mine)
            let forced = try CommandLineRun.cascadecnn(Self.unit + ["--output", mine.path, "--force"])
            #expect(forced.status == 0, "\(forced.standardError)")
            let reference = try CommandLineRun.cascadecnn(Self.unit + ["--output", fresh.path])
            #expect(reference.status == 0, "\(reference.standardError)")
            #expect(try FolderSnapshot(mine) == FolderSnapshot(fresh))
            #expect(!FileManager.default.fileExists(atPath: mine.appendingPathComponent("notes").path))
            #expect(leftovers(under: directory).isEmpty, "\(leftovers(under: directory))")
        }
    }

    @Test("a previous output is replaced whole without --force; its manifest lists what was written")
    func previousOutputIsReplaced() throws {
        try withTemporaryDirectory { directory in
            let out = directory.appendingPathComponent("out"), fresh = directory.appendingPathComponent("fresh")
            let five = ["generate", "mm-unit", "--wordlength", "5", "--pes", "3", "--maccs", "2", "--vectors", "20"]
            #expect(try CommandLineRun.cascadecnn(Self.unit + ["--output", out.path]).status == 0)
            let again = try CommandLineRun.cascadecnn(five + ["--output", out.path])
            #expect(again.status == 0, "\(again.standardError)")
            #expect(try CommandLineRun.cascadecnn(five + ["--output", fresh.path]).status == 0)
            #expect(try FolderSnapshot(out) == FolderSnapshot(fresh))
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("cascadecnn-output.json")))
                as? [String: Any]
            #expect(manifest?["tool"] as? String == "cascadecnn")
            #expect(manifest?["command"] as? String == "generate mm-unit")
            let files = try FolderSnapshot(out).entries.filter { $0.value != "folder" }.keys.sorted()
            #expect(manifest?["files"] as? [String] == files.filter { $0 != "cascadecnn-output.json" })
            #expect(files.contains("rtl/mm_w5_p3_k2_n4096.v") && !files.contains("rtl/mm_w4_p2_k4_n4096.v"))
            #expect(leftovers(under: directory).isEmpty)
        }
    }

    @Test("a file where the folder would go is refused and kept")
    func fileInTheWay() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("out")
            try Data("mine".utf8).write(to: file)
            for force in [false, true] {
                let run = try CommandLineRun.cascadecnn(Self.unit + ["--output", file.path] + (force ? ["--force"] : []))
                #expect(run.status == 2)
                #expect(isOneCleanLine(run.standardError) && run.standardError.contains(file.path), "\(run.standardError)")
                #expect(try Data(contentsOf: file) == Data("mine".utf8))
            }
        }
    }
}
