import HDLGen

/// A FuseSoC core file (CAPI2) for generated RTL: its sources, a simulation target that runs
/// the self-checking testbench under Icarus, and a Vivado target for the device's part. The
/// text is `templates/fusesoc/ip.core`; the description is quoted for YAML.
public struct FuseSoCCore: Sendable {
    /// The core's VLNV name, e.g. `cascadecnn:engine:engine_w4_p8_k8:1.0.0`.
    public var name: String
    public var description: String
    public var top: String
    /// Verilog files relative to the core file.
    public var rtlFiles: [String]
    public var testbench: String
    public var testbenchFile: String
    /// Data files the testbench reads from its working directory (`$readmemh`).
    public var testbenchData: [String]
    public var device: Device

    public init(name: String, description: String, top: String, rtlFiles: [String], testbench: String,
                testbenchFile: String, testbenchData: [String], device: Device) {
        self.name = name; self.description = description; self.top = top; self.rtlFiles = rtlFiles
        self.testbench = testbench; self.testbenchFile = testbenchFile; self.testbenchData = testbenchData; self.device = device
    }

    public var contents: String {
        get throws {
            try Template.fill("fusesoc/ip.core", [
                "name": .text(name), "description": .text(description), "top": .text(top),
                "testbench": .text(testbench), "testbenchFile": .text(testbenchFile), "part": .text(device.part),
                "rtlFiles": .list(rtlFiles, field: "file"),
                "data": .list(testbenchData.map { ["file": $0, "copy": String($0.split(separator: "/").last ?? "")] }),
            ])
        }
    }
}
