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
                + testbench.files(for: circuit.top).map { ("tb/\($0.name)", $0.contents) }
                + [("Makefile", try makefile)]
        }
    }

    /// Writes the bundle as the whole of `folder`, all or nothing (see `OutputFolder`).
    public func write(to folder: OutputFolder) throws {
        try folder.write(try files)
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
    /// The testbench and its data files, around `dut`: the elaborated top it instantiates.
    func files(for dut: ElaboratedModule) -> [SourceFile]
}

extension Testbench: TestbenchSource {
    public var summary: String { "\(cycles) cycles, \(check.beats.count) results checked" }
    /// The files of this testbench, whose DUT it holds already.
    public func files(for dut: ElaboratedModule) -> [SourceFile] { files() }
}
