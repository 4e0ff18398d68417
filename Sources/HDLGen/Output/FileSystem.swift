#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The few file-system calls that outputs are made of. Each fails with the system's reason
/// in words ("Permission denied"), never a Foundation error dump with a temporary path.
enum FileSystem {
    /// A failed call and the system's reason.
    struct Failure: Error {
        let reason: String
        /// The reason of the error number `code`, lower case as in a message ("permission denied").
        init(errno code: Int32 = errno) {
            let text = String(cString: strerror(code))
            reason = text.prefix(1).lowercased() + text.dropFirst()
        }
        init(_ reason: String) { self.reason = reason }
    }

    /// What is at a path, without following a final symbolic link.
    enum Kind { case missing, folder, file, other }

    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// Creates the folder `path`; fails when anything is there already.
    static func makeFolder(_ path: String) throws(Failure) {
        guard mkdir(path, 0o777) == 0 else { throw Failure() }
    }

    /// Creates the missing folders down to `path`; returns those it created, outermost first,
    /// so that a failure can remove exactly them.
    static func makeFolders(_ path: String) throws(Failure) -> [String] {
        var missing: [String] = []
        var folder = path
        while kind(folder) == .missing, folder != "/" {
            missing.insert(folder, at: 0)
            folder = (folder as NSString).deletingLastPathComponent
        }
        guard kind(folder) == .folder else { throw Failure(errno: ENOTDIR) }
        for (i, created) in missing.enumerated() {
            do { try makeFolder(created) } catch {
                removeEmptyFolders(Array(missing[..<i]))
                throw error
            }
        }
        return missing
    }

    /// Removes the folders of `makeFolders` again, innermost first, each only if empty.
    static func removeEmptyFolders(_ folders: [String]) {
        for folder in folders.reversed() { rmdir(folder) }
    }

    /// Writes `data` to a new file at `path` (never an existing one), calling `checkpoint`
    /// after every megabyte so that a signal is noticed during a long write.
    static func writeNewFile(_ path: String, _ data: Data, sync: Bool = false,
                             checkpoint: () throws -> Void = {}) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw Failure() }
        var isOpen = true
        defer { if isOpen { close(descriptor) } }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, min(1 << 20, bytes.count - offset))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure()
                }
                offset += written
                try checkpoint()
            }
        }
        if sync, fsync(descriptor) != 0 { throw Failure() }
        isOpen = false
        guard close(descriptor) == 0 else { throw Failure() }
    }

    /// Renames `source` to `destination` in one step.
    static func move(_ source: String, to destination: String) throws(Failure) {
        guard rename(source, destination) == 0 else { throw Failure() }
    }

    /// Removes the file or tree at `path` (trees this code made, or the tree being replaced).
    static func removeTree(_ path: String) throws(Failure) {
        do { try FileManager.default.removeItem(atPath: path) } catch {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            if let underlying, underlying.domain == NSPOSIXErrorDomain { throw Failure(errno: Int32(underlying.code)) }
            throw Failure("part of it cannot be removed")
        }
    }

    /// Why this process may not create entries in the folder `path`, or nil when it may.
    static func unwritableReason(_ path: String) -> String? {
        access(path, W_OK | X_OK) == 0 ? nil : Failure().reason
    }

    /// The names in the folder `path`.
    static func entries(_ path: String) throws(Failure) -> [String] {
        guard let folder = opendir(path) else { throw Failure() }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The first folder in the tree at `path` (itself included) whose entries this process
    /// may not remove, and why; nil when the whole tree can be removed. Checked before a tree
    /// is replaced, so that no file of it is removed when some cannot be.
    static func firstUnremovable(in path: String) -> (path: String, reason: String)? {
        if let reason = unwritableReason(path) { return (path, reason) }
        let names: [String]
        do { names = try entries(path) } catch { return (path, error.reason) }
        // In a sticky folder (like /tmp) only the owner of an entry or of the folder removes it.
        var info = stat()
        if getuid() != 0, lstat(path, &info) == 0, info.st_mode & S_ISVTX != 0, info.st_uid != getuid() {
            let foreign = names.contains { name in lstat(path + "/" + name, &info) == 0 && info.st_uid != getuid() }
            if foreign { return (path, Failure(errno: EPERM).reason) }
        }
        for name in names where kind(path + "/" + name) == .folder {
            if let found = firstUnremovable(in: path + "/" + name) { return found }
        }
        return nil
    }
}
