import ArgumentParser
import Foundation
import HDLGen

/// What the commands that write a folder share: the help of `--output` and `--force`, and
/// the destination checked before the command's work starts, so that a refused folder costs
/// no wait.
enum OutputOptions {
    static let folderHelp: ArgumentHelp =
        "The folder to write: created, or replaced whole if an earlier run of cascadecnn wrote it (see --force)."
    static let forceHelp: ArgumentHelp = """
        Replace the --output folder even if cascadecnn did not write it (its contents are deleted). \
        Never a folder holding an input, the current folder, one of its parents or your home.
        """

    /// The destination folder with the command's inputs protected, already checked.
    static func folder(_ path: String, inputs: [String?], force: Bool) throws -> OutputFolder {
        let folder = OutputFolder(path, inputs: inputs.compactMap { $0 }, force: force, command: commandName)
        try folder.check()
        return folder
    }

    /// A data folder as inputs: the folder and the arrays read from it.
    static func data(_ folder: String?) -> [String] {
        guard let folder else { return [] }
        return [folder, folder + "/inputs.npy", folder + "/labels.npy"]
    }

    /// The command as typed up to its first option, e.g. "generate mm-unit": what the
    /// manifest records (no paths, so the same command gives the same bytes).
    private static var commandName: String {
        CommandLine.arguments.dropFirst().prefix { !$0.hasPrefix("-") }.joined(separator: " ")
    }
}
