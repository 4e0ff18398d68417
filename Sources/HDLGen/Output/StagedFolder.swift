import Foundation

/// A new tree written beside its destination as the hidden sibling `.NAME.partial-UUID`,
/// then swapped in by renames: the old tree to `.NAME.old-UUID`, the new one to NAME, and only
/// then the old one removed. Until the swap succeeds the destination is untouched; when a
/// step fails, the old tree is put back and the staged one removed.
struct StagedFolder {
    let destination: OutputFolder.Destination
    let staging: String
    /// Folders above the destination created for it, removed again if nothing is written.
    private let createdParents: [String]

    /// Creates the staging folder (and the destination's missing parents).
    init(for destination: OutputFolder.Destination) throws(OutputError) {
        self.destination = destination
        staging = Self.sibling(of: destination, "partial")
        do { createdParents = try FileSystem.makeFolders(destination.parent) } catch {
            throw .unwritable(path: destination.display, reason: error.reason)
        }
        do { try FileSystem.makeFolder(staging) } catch {
            FileSystem.removeEmptyFolders(createdParents)
            throw .unwritable(path: destination.display, reason: error.reason)
        }
    }

    /// Writes one file into the staging tree; a signal that arrived stops the write.
    mutating func add(_ path: String, _ data: Data) throws(OutputError) {
        try Interruption.checkpoint()
        let url = staging + "/" + path
        do {
            _ = try FileSystem.makeFolders((url as NSString).deletingLastPathComponent)
            try FileSystem.writeNewFile(url, data, checkpoint: { try Interruption.checkpoint() })
        } catch let error as OutputError {
            throw error
        } catch {
            throw .unwritable(path: destination.display, reason: (error as? FileSystem.Failure)?.reason ?? "\(error)")
        }
    }

    /// Removes the staging tree and the parents created for it; the destination is untouched.
    func discard() {
        try? FileSystem.removeTree(staging)
        FileSystem.removeEmptyFolders(createdParents)
    }

    /// Puts the staged tree at the destination; the old tree, if any, is removed only after
    /// the new one is in place. On failure the destination holds what it held before.
    func swap() throws(OutputError) {
        let target = destination.real
        var aside: String?
        if FileSystem.kind(target) != .missing {
            let old = Self.sibling(of: destination, "old")
            do { try FileSystem.move(target, to: old) } catch {
                discard()
                throw .unwritable(path: destination.display, reason: "cannot move the old folder aside (\(error.reason))")
            }
            aside = old
        }
        do { try FileSystem.move(staging, to: target) } catch {
            discard()
            guard let aside else { throw .unwritable(path: destination.display, reason: error.reason) }
            do { try FileSystem.move(aside, to: target) } catch let restore {
                throw .unwritable(path: destination.display, reason: "\(error.reason); the old folder is in \(aside) (\(restore.reason))")
            }
            throw .unwritable(path: destination.display, reason: error.reason)
        }
        guard let aside else { return }
        do { try FileSystem.removeTree(aside) } catch {
            throw .oldTreeLeft(path: destination.display, leftover: aside, reason: error.reason)
        }
    }

    /// A hidden sibling of the destination that no other run uses.
    private static func sibling(of destination: OutputFolder.Destination, _ role: String) -> String {
        (destination.parent == "/" ? "" : destination.parent) + "/.\(destination.name).\(role)-\(UUID().uuidString)"
    }
}
