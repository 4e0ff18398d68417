import Foundation

/// Everything needed to simulate and lint one generated unit, laid out as a folder:
/// `rtl/` (one file per module), `tb/` (testbench and its data) and a `Makefile`
/// with `sim`, `lint` and `vcd` targets.
public struct SimulationBundle: Sendable {
    public let circuit: Circuit
    public let testbench: any TestbenchSource
    /// Lines for the README-like header of the Makefile: how the bundle was made.
    public let provenance: [String]

    public init(circuit: Circuit, testbench: any TestbenchSource, provenance: [String] = []) {
        self.circuit = circuit
        self.testbench = testbench
        self.provenance = provenance
    }

    /// Relative path → contents of every file in the bundle.
    public var files: [(path: String, contents: String)] {
        get throws {
            VerilogEmitter.files(for: circuit).map { ("rtl/\($0.name)", $0.contents) }
                + testbench.files().map { ("tb/\($0.name)", $0.contents) }
                + [("Makefile", try makefile)]
        }
    }

    /// Writes the bundle into `directory`, replacing it. The files are written to a sibling
    /// folder first and moved into place, so a failure leaves nothing half-written.
    public func write(to directory: URL) throws {
        try FileOutput.replaceDirectory(directory, with: try files)
    }

    /// `templates/simulation/Makefile` for this unit; the provenance lines are comments.
    var makefile: String {
        get throws {
            try Template.fill("simulation/Makefile", [
                "top": .text(circuit.top.name),
                "testbench": .text(testbench.name),
                "provenance": .list(provenance, field: "line"),
                "rtlFiles": .list(circuit.modules.map { "rtl/\($0.name).v" }, field: "file"),
            ])
        }
    }
}

/// A self-checking testbench: a top module named `name`, in `name.v` among its files, that
/// ends by printing `N passed, N failed`.
public protocol TestbenchSource: Sendable {
    var name: String { get }
    /// What the testbench runs and checks, in a few words.
    var summary: String { get }
    func files() -> [SourceFile]
}

extension Testbench: TestbenchSource {
    public var summary: String { "\(cycles) cycles, \(check.beats.count) results checked" }
}

/// Writing generated folders all or nothing.
public enum FileOutput {
    /// Replaces `directory` with a folder holding `files` (paths relative to it).
    public static func replaceDirectory(_ directory: URL, with files: [(path: String, contents: String)]) throws {
        let manager = FileManager.default
        let parent = directory.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            for file in files {
                let url = staging.appendingPathComponent(file.path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
            }
            if manager.fileExists(atPath: directory.path) { try manager.removeItem(at: directory) }
            try manager.moveItem(at: staging, to: directory)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }
}
