import Foundation

/// Reads an input file whole. When that fails the reason is one a person can act on
/// (missing, a folder, unreadable, too large), never Foundation's error text.
public enum InputFile {
    /// The largest input read: beyond any model or data set the flow can process.
    public static let sizeLimit = 8 << 30

    /// The contents of the file at `path`, or why it cannot be read.
    public static func read(_ path: String) throws(InputFileError) -> Data {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard !path.isEmpty, manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputFileError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw InputFileError(path: path, reason: "it is a folder, not a file") }
        guard manager.isReadableFile(atPath: path) else { throw InputFileError(path: path, reason: "permission denied") }
        if let size = (try? manager.attributesOfItem(atPath: path))?[.size] as? Int, size > sizeLimit {
            throw InputFileError(path: path, reason: "it holds \(size) bytes, more than the \(sizeLimit >> 30) GiB an input may have")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputFileError(path: path, reason: "it could not be read (not a regular file, or an I/O error)")
        }
    }
}

/// An input file that cannot be read, and why.
public struct InputFileError: Error, Equatable, Sendable {
    public let path: String
    public let reason: String
}
