import Foundation
import Testing

/// Every entry under a folder, with the bytes of each file and the target of each symbolic
/// link: taken before and after a command to show that nothing of the user's changed.
struct FolderSnapshot: Equatable, CustomStringConvertible {
    var entries: [String: String]

    init(_ folder: URL) throws {
        let manager = FileManager.default
        var entries: [String: String] = [:]
        for case let path as String in manager.enumerator(atPath: folder.path) ?? .init() {
            let url = folder.appendingPathComponent(path)
            let type = try manager.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType
            switch type {
            case .typeSymbolicLink?: entries[path] = "-> " + (try manager.destinationOfSymbolicLink(atPath: url.path))
            case .typeDirectory?: entries[path] = "folder"
            case .typeRegular?: entries[path] = try Data(contentsOf: url).base64EncodedString()
            default: entries[path] = type?.rawValue ?? "unknown"   // a pipe, a device: never opened
            }
        }
        self.entries = entries
    }

    var description: String { entries.keys.sorted().joined(separator: ", ") }
}

/// User files in a fresh folder: `count` files, one in a subfolder, with distinct contents.
func makeUserFiles(in folder: URL, count: Int = 20) throws {
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("notes"), withIntermediateDirectories: true)
    for i in 0..<count {
        let name = i == 0 ? "notes/today.txt" : "file-\(i).dat"
        try Data("user file \(i)\n".utf8 + [UInt8(i), 0, 255]).write(to: folder.appendingPathComponent(name))
    }
}

/// The hidden staging and old trees of a replacement anywhere under `folder`: there must
/// be none once a command has ended, however it ended.
func leftovers(under folder: URL) -> [String] {
    (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? [])
        .filter { path in
            let name = (path as NSString).lastPathComponent
            return name.hasPrefix(".") && (name.contains(".partial-") || name.contains(".old-"))
        }
}

/// Standard error is one line (the message), with no Foundation error dump in it.
func isOneCleanLine(_ text: String) -> Bool {
    text.split(separator: "\n").count == 1 && isFreeOfDumps(text)
}

/// No Foundation error dump and no staging path: what a message must never show.
func isFreeOfDumps(_ text: String) -> Bool {
    !text.contains("NSCocoaErrorDomain") && !text.contains("Error Domain") && !text.contains("NSError")
        && !text.contains(".partial-")
}

/// Running the tool as a user without root's powers: as `nobody` (through setpriv) when the
/// tests run as root, as the user otherwise.
enum Unprivileged {
    static var isRoot: Bool { getuid() == 0 }
    static let setpriv = "/usr/bin/setpriv"
    static var available: Bool { !isRoot || FileManager.default.isExecutableFile(atPath: setpriv) }

    static func cascadecnn(_ arguments: [String], in directory: URL? = nil) throws -> CommandLineRun {
        let tool = CommandLineRun.executable.path
        if !isRoot { return try CommandLineRun.run(tool, arguments, in: directory) }
        return try CommandLineRun.run(setpriv, ["--reuid=nobody", "--regid=nogroup", "--clear-groups", tool] + arguments,
                                      in: directory)
    }

    /// Gives the tree at `url` to the unprivileged user (nothing to do when that is us).
    static func own(_ url: URL) throws {
        guard isRoot else { return }
        let chown = try CommandLineRun.run("/bin/chown", ["-R", "nobody:nogroup", url.path])
        #expect(chown.status == 0, "\(chown.standardError)")
    }

    /// Sets the permission bits of `url` (and of every folder under it with `recursive`).
    static func chmod(_ url: URL, _ mode: Int, recursive: Bool = false) throws {
        var paths = [url.path]
        if recursive {
            paths += (FileManager.default.enumerator(atPath: url.path)?.compactMap { $0 as? String } ?? [])
                .map { url.appendingPathComponent($0).path }
                .filter { var isFolder: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && isFolder.boolValue }
        }
        for path in paths { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path) }
    }
}
