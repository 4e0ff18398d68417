#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Paths as the file system sees them: absolute, `.` and `..` applied, trailing slashes
/// dropped and symbolic links followed as far as the path exists, so that two spellings of
/// one folder compare equal.
enum RealPath {
    /// The real path of `path`, relative paths taken from the current folder. The part of the
    /// path that does not exist yet is appended to the real path of the part that does.
    static func resolve(_ path: String) -> String {
        resolveAbsolute(path.hasPrefix("/") ? path : currentFolder + "/" + path)
    }

    /// The real path of the current folder.
    static var currentFolder: String {
        let here = FileManager.default.currentDirectoryPath
        return real(here) ?? here
    }

    /// The real paths of the user's home folder (`$HOME` and the password database's).
    static var homeFolders: [String] {
        var homes = [FileManager.default.homeDirectoryForCurrentUser.path]
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty { homes.append(home) }
        return Array(Set(homes.map(resolve))).sorted()
    }

    /// Whether `path` is `folder` or lies inside it (both real paths).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || folder == "/" || path.hasPrefix(folder + "/")
    }

    /// The path that leads from the real folder `folder` to the real path `path`, e.g.
    /// `../examples/mnist/model.onnx`.
    static func relative(_ path: String, from folder: String) -> String {
        let from = folder.split(separator: "/"), to = path.split(separator: "/")
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// `path` as typed, followed by its real path when the two differ beyond the current folder
    /// (`.`, `..`, a symbolic link): what messages name.
    static func display(_ path: String, resolved: String) -> String {
        let plain = !path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == "." || $0 == ".." }
            && resolved == currentFolder + "/" + path
        return path == resolved || plain ? path : "\(path) (\(resolved))"
    }

    private static func resolveAbsolute(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if let real = real(String(trimmed)) { return real }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        let name = trimmed[trimmed.index(after: slash)...]
        let parent = slash == trimmed.startIndex ? "/" : resolveAbsolute(String(trimmed[..<slash]))
        switch name {
        case "", ".": return parent
        case "..": return (parent as NSString).deletingLastPathComponent
        default: return parent == "/" ? "/\(name)" : "\(parent)/\(name)"
        }
    }

    private static func real(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
