import Foundation

/// A single file that a command writes (`infer --output scores.npy`, a quantisation JSON):
/// written beside its destination and renamed over it, so that it is never half-written,
/// never over one of the command's inputs, and only under a name with the format's extension.
public struct OutputFile: Sendable {
    /// The destination as the user gave it.
    public var path: String
    /// The extension the name must end in, without the dot ("npy"); nil for any.
    public var fileExtension: String?
    /// Files the command reads: never overwritten.
    public var inputs: [String]
    /// The option that named the destination, for messages.
    public var option: String

    public init(_ path: String, fileExtension: String? = nil, inputs: [String] = [], option: String = "--output") {
        self.path = path
        self.fileExtension = fileExtension
        self.inputs = inputs
        self.option = option
    }

    /// Checks, without writing, that the file may be written; throws the reason it would be
    /// refused. Commands call it before their work, and `write` checks again.
    public func check() throws(OutputError) { _ = try destination() }

    /// The real path to write, checked.
    private func destination() throws(OutputError) -> (real: String, display: String) {
        guard !path.isEmpty else { throw .emptyPath(option: option) }
        let real = RealPath.resolve(path)
        let display = RealPath.display(path, resolved: real)
        if path.hasSuffix("/") || FileSystem.kind(real) == .folder {
            throw .isAFolder(path: display, fileExtension: fileExtension)
        }
        if let fileExtension, (real as NSString).pathExtension.lowercased() != fileExtension.lowercased() {
            throw .wrongExtension(path: display, expected: fileExtension)
        }
        if ProtectedPaths(inputs: inputs).input(at: real) != nil { throw .overwritesInput(path: display, option: option) }
        switch FileSystem.kind(real) {
        case .missing, .file: break
        case .folder, .other: throw .notAFile(path: display)
        }
        let folder = (real as NSString).deletingLastPathComponent
        guard FileSystem.kind(folder) == .folder else {
            throw .unwritable(path: display, reason: "the folder \(folder) does not exist")
        }
        if let reason = FileSystem.unwritableReason(folder) {
            throw .unwritable(path: display, reason: "its folder \(folder) is not writable (\(reason))")
        }
        return (real, display)
    }

    /// Writes `data` to a hidden sibling, then renames it over the destination; on an error
    /// or a signal the destination is as it was and the sibling is gone.
    public func write(_ data: Data) throws(OutputError) {
        try Interruption.deferringSignals { () throws(OutputError) in
            let (real, display) = try destination()
            let folder = (real as NSString).deletingLastPathComponent, name = (real as NSString).lastPathComponent
            let staging = (folder == "/" ? "" : folder) + "/.\(name).partial-\(UUID().uuidString)"
            do {
                try FileSystem.writeNewFile(staging, data, sync: true, checkpoint: { try Interruption.checkpoint() })
                try FileSystem.move(staging, to: real)
            } catch {
                try? FileSystem.removeTree(staging)
                if let error = error as? OutputError { throw error }
                throw .unwritable(path: display, reason: (error as? FileSystem.Failure)?.reason ?? "\(error)")
            }
        }
    }
}
