/// Why an output was refused or not written. Each description is one line that names the
/// destination as the user gave it, says why, and what to do; the destination and every
/// input are as they were unless the case says otherwise.
public enum OutputError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The destination option was given as an empty string.
    case emptyPath(option: String)
    /// A folder that is never replaced: `/`, the home folder, the current folder, a folder
    /// holding one of them, or a folder holding an input of the command.
    case protectedFolder(path: String, reason: String)
    /// An existing folder, not empty, that no earlier run of cascadecnn wrote.
    case notAnOutput(path: String)
    /// Something other than a folder is where a folder is to be written.
    case notAFolder(path: String)
    /// A folder, or a path ending in `/`, where a file is to be written.
    case isAFolder(path: String, fileExtension: String?)
    /// Something other than a regular file (a device, a pipe) is where a file is to be written.
    case notAFile(path: String)
    /// A file name without the extension its format needs.
    case wrongExtension(path: String, expected: String)
    /// A file destination that is one of the command's inputs.
    case overwritesInput(path: String, option: String)
    /// A folder to be replaced holding a folder whose entries cannot be removed.
    case unremovable(path: String, inner: String, reason: String)
    /// A destination that cannot be written: read-only, no permission, no space.
    case unwritable(path: String, reason: String)
    /// The new folder is in place, but part of the old one could not be removed.
    case oldTreeLeft(path: String, leftover: String, reason: String)
    /// A generated file whose relative path would leave the folder (a bug, or a hostile name).
    case invalidFilePath(String)
    /// SIGINT or SIGTERM arrived while writing; the partial output has been removed.
    case interrupted(signal: Int32)

    public var description: String {
        switch self {
        case let .emptyPath(option):
            return "\(option) is empty: name the folder or file to write"
        case let .protectedFolder(path, reason):
            return "refusing to replace \(path): \(reason); choose another folder"
        case let .notAnOutput(path):
            return "refusing to replace \(path): it is not empty and no earlier run of cascadecnn wrote it "
                + "(it has no \(OutputManifest.fileName)); choose a new or empty folder, or add --force to replace its contents"
        case let .notAFolder(path):
            return "cannot write the folder \(path): something other than a folder is there; remove it or choose another name"
        case let .isAFolder(path, fileExtension):
            return "cannot write \(path): it is a folder; give a file name" + (fileExtension.map { " ending in .\($0)" } ?? "")
        case let .notAFile(path):
            return "refusing to write \(path): it is not a regular file; choose another file name"
        case let .wrongExtension(path, expected):
            return "cannot write \(path): the file name must end in .\(expected)"
        case let .overwritesInput(path, option):
            return "refusing to write \(path) (\(option)): it is an input of this command; choose another file name"
        case let .unremovable(path, inner, reason):
            return "refusing to replace \(path): \(inner) cannot be emptied (\(reason)); nothing was changed"
        case let .unwritable(path, reason):
            return "cannot write \(path): \(reason)"
        case let .oldTreeLeft(path, leftover, reason):
            return "wrote \(path), but part of its previous contents could not be removed (\(reason)); they are in \(leftover)"
        case let .invalidFilePath(path):
            return "refusing to write the generated file \"\(path)\": its path leaves the output folder"
        case let .interrupted(signal):
            return "interrupted by signal \(signal); the partial output was removed"
        }
    }
}
