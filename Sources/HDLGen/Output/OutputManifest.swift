import Foundation

/// The file that marks a folder as written by cascadecnn, so that a later run may replace
/// it: `cascadecnn-output.json`, naming the tool, the command and every file it wrote. It
/// holds no date and no absolute path, so the same inputs give the same bytes.
public struct OutputManifest: Codable, Equatable, Sendable {
    public static let fileName = "cascadecnn-output.json"
    static let toolName = "cascadecnn"

    /// Always "cascadecnn": what recognises the folder.
    public var tool: String
    /// The version of this file's layout.
    public var format: Int
    /// The command that wrote the folder, e.g. "generate mm-unit".
    public var command: String?
    /// The files written, relative to the folder, sorted (the manifest itself excluded).
    public var files: [String]
    /// What the file is for, for whoever opens it.
    public var note: String

    init(command: String?, files: [String]) {
        tool = Self.toolName
        format = 1
        self.command = command
        self.files = files.sorted()
        note = "Written by cascadecnn. A later run with this folder as its output replaces the whole folder."
    }

    /// The manifest of the folder at `folder`, or nil when it has none that cascadecnn wrote.
    static func read(folder: String) -> OutputManifest? {
        let path = folder + "/" + fileName
        guard FileSystem.kind(path) == .file, let data = FileManager.default.contents(atPath: path),
              let manifest = try? JSONDecoder().decode(OutputManifest.self, from: data), manifest.tool == toolName
        else { return nil }
        return manifest
    }

    /// Pretty-printed, keys sorted, ending in a newline.
    var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
    }
}
