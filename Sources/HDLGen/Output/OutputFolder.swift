import Foundation

/// A folder that a command writes whole. A new or empty folder, or one that an earlier run
/// of cascadecnn wrote (it holds `OutputManifest.fileName`), is replaced; any other folder only
/// with `force`; never a protected one (`ProtectedPaths`), whatever `force` says. The new tree
/// is staged beside the destination and swapped in by renames (`StagedFolder`), so a failure
/// or a signal leaves the old tree as it was and removes no file of the user's.
public struct OutputFolder: Sendable {
    /// The destination as the user gave it.
    public var path: String
    /// Files and folders the command reads: a folder holding one is never replaced.
    public var inputs: [String]
    /// Replace a non-empty folder that no earlier run wrote (its contents are deleted).
    public var force: Bool
    /// The command recorded in the manifest, e.g. "generate mm-unit".
    public var command: String?
    /// The option that named the destination, for the message when it is empty.
    public var option: String

    public init(_ path: String, inputs: [String] = [], force: Bool = false, command: String? = nil,
                option: String = "--output") {
        self.path = path
        self.inputs = inputs
        self.force = force
        self.command = command
        self.option = option
    }

    /// A folder given as a URL (a temporary folder, for example), with the default rules.
    public init(_ url: URL) { self.init(url.path) }

    /// The destination once checked: its real path, and what is there now.
    struct Destination {
        enum Existing { case nothing, emptyFolder, replaceableFolder }
        var real: String
        /// How messages name it.
        var display: String
        var existing: Existing
        var parent: String { (real as NSString).deletingLastPathComponent }
        var name: String { (real as NSString).lastPathComponent }
    }

    /// Checks, without writing, that the folder may be written; throws the reason it would be
    /// refused. Commands call it before their work, and `write` checks again.
    public func check() throws(OutputError) { _ = try destination() }

    /// The destination checked as `check` says.
    func destination() throws(OutputError) -> Destination {
        guard !path.isEmpty else { throw .emptyPath(option: option) }
        let real = RealPath.resolve(path)
        let display = RealPath.display(path, resolved: real)
        if let reason = ProtectedPaths(inputs: inputs).reason(toKeep: real) {
            throw .protectedFolder(path: display, reason: reason)
        }
        var destination = Destination(real: real, display: display, existing: .nothing)
        switch FileSystem.kind(real) {
        case .missing:
            try checkCreatable(destination)
            return destination
        case .file, .other:
            throw .notAFolder(path: display)
        case .folder:
            break
        }
        let entries: [String]
        do { entries = try FileSystem.entries(real) } catch { throw .unwritable(path: display, reason: error.reason) }
        if entries.isEmpty {
            destination.existing = .emptyFolder
        } else {
            guard force || OutputManifest.read(folder: real) != nil else { throw .notAnOutput(path: display) }
            destination.existing = .replaceableFolder
            if let (inner, reason) = FileSystem.firstUnremovable(in: real) {
                throw .unremovable(path: display, inner: RealPath.relative(inner, from: destination.parent), reason: reason)
            }
        }
        if let reason = FileSystem.unwritableReason(destination.parent) {
            throw .unwritable(path: display, reason: "its folder \(destination.parent) is not writable (\(reason))")
        }
        return destination
    }

    /// The nearest existing folder above a new destination must be a writable folder.
    private func checkCreatable(_ destination: Destination) throws(OutputError) {
        var folder = destination.parent
        while FileSystem.kind(folder) == .missing, folder != "/" { folder = (folder as NSString).deletingLastPathComponent }
        guard FileSystem.kind(folder) == .folder else {
            throw .unwritable(path: destination.display, reason: "\(folder) is not a folder")
        }
        if let reason = FileSystem.unwritableReason(folder) {
            throw .unwritable(path: destination.display, reason: "its folder \(folder) is not writable (\(reason))")
        }
    }

    /// Writes `files` (paths relative to the folder) and the manifest as the whole folder:
    /// afterwards it holds exactly these, or, on any error or signal, what it held before.
    public func write(_ files: [(path: String, contents: String)]) throws(OutputError) {
        try Self.validate(files.map(\.path))
        try Interruption.deferringSignals { () throws(OutputError) in
            let destination = try destination()
            var staged = try StagedFolder(for: destination)
            do throws(OutputError) {
                for file in files { try staged.add(file.path, Data(file.contents.utf8)) }
                try staged.add(OutputManifest.fileName, OutputManifest(command: command, files: files.map(\.path)).json)
            } catch {
                staged.discard()
                throw error
            }
            try staged.swap()
        }
    }

    /// The path of `path` (an input, say) from inside this folder, e.g.
    /// `../examples/mnist/model.onnx`: what generated files store instead of absolute paths.
    public func relativePath(to path: String) -> String {
        RealPath.relative(RealPath.resolve(path), from: RealPath.resolve(self.path))
    }

    /// Generated paths stay inside the folder: relative, without `.` or `..`, each once.
    private static func validate(_ paths: [String]) throws(OutputError) {
        var seen: Set<String> = [OutputManifest.fileName]
        for path in paths {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
                  seen.insert(path).inserted
            else { throw .invalidFilePath(path) }
        }
    }
}
