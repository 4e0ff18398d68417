import Foundation
import Testing

/// Destinations the user may not change: the refusal is one line naming the destination
/// (never the staging path or a Foundation error dump), and no file is removed, however far
/// the write got. Run as `nobody` when the tests run as root, since root may write anywhere.
@Suite("--output without permission", .serialized, .enabled(if: Unprivileged.available))
struct OutputPermissionCLITests {
    static let unit = OutputFolderCLITests.unit

    @Test("a new folder in a read-only folder: one line naming it, nothing written")
    func readOnlyParent() throws {
        try withTemporaryDirectory { directory in
            let locked = directory.appendingPathComponent("locked")
            try makeUserFiles(in: locked, count: 3)
            try Unprivileged.chmod(locked, 0o555)
            defer { try? Unprivileged.chmod(locked, 0o755) }
            let before = try FolderSnapshot(directory)
            let out = locked.appendingPathComponent("out")
            let run = try Unprivileged.cascadecnn(Self.unit + ["--output", out.path])
            #expect(run.status == 2)
            #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
            #expect(run.standardError.contains("cannot write \(out.path): its folder \(locked.path) is not writable"),
                    "\(run.standardError)")
            #expect(try FolderSnapshot(directory) == before)
        }
    }

    @Test("a previous output made read-only is kept whole, even with --force")
    func readOnlyPreviousOutput() throws {
        try withTemporaryDirectory { directory in
            let out = directory.appendingPathComponent("out")
            #expect(try CommandLineRun.cascadecnn(Self.unit + ["--output", out.path]).status == 0)
            try Unprivileged.own(directory)
            try Unprivileged.chmod(out, 0o555, recursive: true)
            defer { try? Unprivileged.chmod(out, 0o755, recursive: true) }
            let before = try FolderSnapshot(directory)
            for force in [false, true] {
                let run = try Unprivileged.cascadecnn(Self.unit + ["--output", out.path] + (force ? ["--force"] : []))
                #expect(run.status == 2)
                #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
                #expect(run.standardError.contains("refusing to replace \(out.path): out cannot be emptied (permission denied)"),
                        "\(run.standardError)")
                #expect(try FolderSnapshot(directory) == before)
            }
        }
    }

    /// The case measured on the old code: 20 files deleted, then exit 2 on the subfolder.
    @Test("a folder with a subfolder the user cannot empty keeps all 20 files, with --force")
    func undeletableSubfolder() throws {
        try withTemporaryDirectory { directory in
            let mine = directory.appendingPathComponent("mine"), locked = mine.appendingPathComponent("locked")
            try makeUserFiles(in: mine, count: 20)
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: locked.appendingPathComponent("keep.txt"))
            try Unprivileged.own(directory)
            try Unprivileged.chmod(locked, 0o555)
            defer { try? Unprivileged.chmod(locked, 0o755) }
            let before = try FolderSnapshot(directory)
            #expect(before.entries.count == 24)
            let run = try Unprivileged.cascadecnn(Self.unit + ["--output", mine.path, "--force"])
            #expect(run.status == 2)
            #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
            #expect(run.standardError.contains("refusing to replace \(mine.path): mine/locked cannot be emptied"), "\(run.standardError)")
            #expect(try FolderSnapshot(directory) == before)
            #expect(leftovers(under: directory).isEmpty)
        }
    }

    /// In a sticky folder (like /tmp) another user's folder cannot be renamed: the swap's
    /// first rename fails after the new tree was staged, and the old tree must stay whole.
    @Test("when the old tree cannot be moved aside, it stays whole and the staged tree is removed",
          .enabled(if: Unprivileged.isRoot))
    func failedSwapRestores() throws {
        try withTemporaryDirectory { directory in
            let shared = directory.appendingPathComponent("shared"), out = shared.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
            #expect(try CommandLineRun.cascadecnn(Self.unit + ["--output", out.path]).status == 0)
            try Unprivileged.chmod(shared, 0o1777)
            try Unprivileged.chmod(out, 0o777, recursive: true)
            let before = try FolderSnapshot(directory)
            let run = try Unprivileged.cascadecnn(OutputFolderCLITests.unit + ["--seed", "9", "--output", out.path])
            #expect(run.status == 2)
            #expect(isOneCleanLine(run.standardError), "\(run.standardError)")
            #expect(run.standardError.contains("cannot write \(out.path): cannot move the old folder aside (operation not permitted)"),
                    "\(run.standardError)")
            #expect(try FolderSnapshot(directory) == before)
            #expect(leftovers(under: directory).isEmpty, "\(leftovers(under: directory))")
        }
    }
}
