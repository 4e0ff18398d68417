import Foundation
import Testing
@testable import HDLGen

/// The rules and the mechanics of `OutputFolder` and `OutputFile`, with failures injected
/// through the public API: a generated tree whose paths collide fails half-way through the
/// staging, and the old tree must come out whole.
@Suite struct OutputFolderTests {
    /// A fresh folder for one test, removed afterwards.
    func withFolder(_ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("output-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(RealPath.resolve(path))
    }

    /// Relative path → contents of every file under `folder` ("/" for a folder).
    func contents(_ folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: folder) ?? .init() {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder)
            files[path] = isFolder.boolValue ? Data("/".utf8) : FileManager.default.contents(atPath: folder + "/" + path)
        }
        return files
    }

    @Test func realPathsResolveLinksDotsAndTrailingSlashes() throws {
        try withFolder { root in
            try FileManager.default.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: "a/b")
            #expect(RealPath.resolve(root + "/link") == root + "/a/b")
            #expect(RealPath.resolve(root + "/link/") == root + "/a/b")
            #expect(RealPath.resolve(root + "/link/..") == root + "/a")   // `..` after a link: the link's target's parent
            #expect(RealPath.resolve(root + "/a/./b//") == root + "/a/b")
            #expect(RealPath.resolve(root + "/link/new/deeper/..") == root + "/a/b/new")
            #expect(RealPath.resolve(root + "/missing/../a") == root + "/a")
            #expect(RealPath.relative(root + "/a/b/model.onnx", from: root + "/a/out") == "../b/model.onnx")
            #expect(RealPath.relative(root + "/a", from: root + "/a") == ".")
        }
    }

    @Test func protectedFoldersAreRefusedByTheCheckAlone() throws {
        let here = RealPath.currentFolder
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let cases: [(String, String)] = [
            ("/", "it is the root folder"), (here, "it is the current folder"), (here + "/..", "it holds the current folder"),
            (home, "it is your home folder"),
        ]
        for (path, reason) in cases where !(path == home && RealPath.isInside(here, RealPath.resolve(home))) {
            for force in [false, true] {
                let error = #expect(throws: OutputError.self) { try OutputFolder(path, force: force).check() }
                guard case let .protectedFolder(_, found)? = error else { Issue.record("\(String(describing: error))"); continue }
                #expect(found == reason, "\(path)")
            }
        }
    }

    @Test func aFailureWhileStagingLeavesThePreviousOutputWhole() throws {
        try withFolder { root in
            let folder = OutputFolder(root + "/out")
            try folder.write([("Makefile", "all:\n"), ("rtl/a.v", "module a; endmodule\n")])
            let old = contents(root)
            // "x" is a file, so "x/y" cannot be written: the staging fails after a file was written.
            #expect(throws: OutputError.unwritable(path: root + "/out", reason: "not a directory")) {
                try folder.write([("rtl/b.v", "module b; endmodule\n"), ("x", "1"), ("x/y", "2")])
            }
            #expect(contents(root) == old)
        }
    }

    @Test func aFailureInANewFolderRemovesTheFoldersMadeForIt() throws {
        try withFolder { root in
            #expect(throws: OutputError.self) { try OutputFolder(root + "/new/deeper/out").write([("x", "1"), ("x/y", "2")]) }
            #expect(contents(root).isEmpty)
        }
    }

    @Test(arguments: ["../escape", "/absolute", "a//b", "a/./b", "", OutputManifest.fileName])
    func pathsLeavingTheFolderAreRefused(path: String) throws {
        try withFolder { root in
            #expect(throws: OutputError.invalidFilePath(path)) { try OutputFolder(root + "/out").write([(path, "x")]) }
            #expect(contents(root).isEmpty)
        }
    }

    @Test func aManifestOfAnotherToolDoesNotMakeAnOutput() throws {
        try withFolder { root in
            try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
            try Data(#"{"tool": "other", "format": 1, "files": [], "note": ""}"#.utf8)
                .write(to: URL(fileURLWithPath: root + "/out/" + OutputManifest.fileName))
            #expect(throws: OutputError.notAnOutput(path: root + "/out")) { try OutputFolder(root + "/out").write([("a", "1")]) }
            try OutputFolder(root + "/out", force: true).write([("a", "1")])
            #expect(OutputManifest.read(folder: root + "/out") == OutputManifest(command: nil, files: ["a"]))
        }
    }

    @Test func inputsInsideTheFolderProtectIt() throws {
        try withFolder { root in
            try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
            try Data("model".utf8).write(to: URL(fileURLWithPath: root + "/out/model.onnx"))
            try FileManager.default.createSymbolicLink(atPath: root + "/out/link.onnx", withDestinationPath: "/nonexistent")
            for input in [root + "/out/model.onnx", root + "/out/link.onnx"] {
                #expect(throws: OutputError.protectedFolder(path: root + "/out", reason: "it holds \(input), an input of this command")) {
                    try OutputFolder(root + "/out", inputs: [input], force: true).check()
                }
            }
            // An input that does not exist cannot be lost.
            try OutputFolder(root + "/other", inputs: [root + "/other/missing.onnx"]).check()
        }
    }

    @Test func singleFilesAreReplacedWholeAndNeverOverAnInput() throws {
        try withFolder { root in
            let input = root + "/inputs.npy"
            try Data("input".utf8).write(to: URL(fileURLWithPath: input))
            #expect(throws: OutputError.overwritesInput(path: input, option: "--output")) {
                try OutputFile(input, fileExtension: "npy", inputs: [input]).write(Data("x".utf8))
            }
            #expect(throws: OutputError.wrongExtension(path: root + "/s.json", expected: "npy")) {
                try OutputFile(root + "/s.json", fileExtension: "npy").write(Data("x".utf8))
            }
            try OutputFile(root + "/s.npy", fileExtension: "npy").write(Data("old".utf8))
            try OutputFile(root + "/s.npy", fileExtension: "npy", inputs: [input]).write(Data("new".utf8))
            #expect(contents(root) == ["inputs.npy": Data("input".utf8), "s.npy": Data("new".utf8)])
        }
    }
}
