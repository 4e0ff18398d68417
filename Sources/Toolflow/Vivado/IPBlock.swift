import HDLGen

/// Generated RTL as an IP block for a device: every module of `wrapper` (its AXI top) in
/// `folder/rtl/`, beside the simulation bundle of `testbench` in `folder`; a Vivado project
/// (`vivado/`: script, constraints and a README whose block-design section is `blockDesign`);
/// and a FuseSoC core file `<coreName>.core` naming the same RTL and the testbench.
struct IPBlock {
    var wrapper: any Module
    /// The FuseSoC VLNV's library (`engine`, `cascade`) and name.
    var library: String, coreName: String
    var description: String
    var testbench: any TestbenchSource
    /// The bundle's folder relative to the output ("" for the output itself).
    var folder: String
    var device: Device
    /// The README's block-design paragraph: a filled `templates/vivado/*-block-design.md`.
    var blockDesign: String

    /// `path` inside the bundle's folder.
    func inFolder(_ path: String) -> String { folder.isEmpty ? path : "\(folder)/\(path)" }

    var files: [(path: String, contents: String)] {
        get throws {
            let circuit = try Circuit(wrapper)
            let modules = VerilogEmitter.files(for: circuit)
            let rtl = modules.map { inFolder("rtl/\($0.name)") }
            let data = testbench.files(for: circuit.top).map(\.name).filter { $0.hasSuffix(".hex") }.map { inFolder("tb/\($0)") }
            let core = FuseSoCCore(name: "cascadecnn:\(library):\(coreName):1.0.0", description: description,
                                   top: wrapper.name, rtlFiles: rtl, testbench: testbench.name,
                                   testbenchFile: inFolder("tb/\(testbench.name).v"), testbenchData: data, device: device)
            return try zip(rtl, modules).map { ($0, $1.contents) }
                + VivadoProject(top: wrapper.name, rtlFiles: rtl, device: device, blockDesign: blockDesign).files
                + [("\(coreName).core", core.contents)]
        }
    }
}
