import Foundation

/// The folders an output never replaces, not even with `--force`: `/`, the home folder, the
/// current folder, and any folder that is or holds one of them or one of the command's inputs.
/// Paths are compared real (symbolic links, `.` and `..` resolved).
struct ProtectedPaths {
    /// Each existing input as the user gave it, with its real paths: where it is (a symbolic
    /// link itself) and what it leads to.
    let inputs: [(given: String, locations: [String])]

    init(inputs: [String]) {
        self.inputs = inputs.filter { !$0.isEmpty && FileSystem.kind($0) != .missing }.map { given in
            let name = (given as NSString).lastPathComponent, parent = (given as NSString).deletingLastPathComponent
            let location = RealPath.resolve(parent.isEmpty ? "." : parent) + "/" + name
            return (given, Array(Set([RealPath.resolve(given), location.replacingOccurrences(of: "//", with: "/")])))
        }
    }

    /// Why the folder at the real path `folder` must be kept, or nil when it may be replaced.
    func reason(toKeep folder: String) -> String? {
        if folder == "/" { return "it is the root folder" }
        let here = RealPath.currentFolder, homes = RealPath.homeFolders
        if folder == here { return "it is the current folder" }
        if homes.contains(folder) { return "it is your home folder" }
        if let input = inputs.first(where: { $0.locations.contains(folder) }) {
            return "it is \(input.given), an input of this command"
        }
        if RealPath.isInside(here, folder) { return "it holds the current folder" }
        if homes.contains(where: { RealPath.isInside($0, folder) }) { return "it holds your home folder" }
        if let input = inputs.first(where: { $0.locations.contains { RealPath.isInside($0, folder) } }) {
            return "it holds \(input.given), an input of this command"
        }
        return nil
    }

    /// The input that the real path `file` is, if any.
    func input(at file: String) -> String? {
        inputs.first { $0.locations.contains(file) }?.given
    }
}
