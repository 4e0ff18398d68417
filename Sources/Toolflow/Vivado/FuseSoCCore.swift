/// A FuseSoC core file (CAPI2) for generated RTL: its sources, a simulation target that runs
/// the self-checking testbench under Icarus, and a Vivado target for the device's part.
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
        func list(_ items: [String], indent: Int) -> String {
            items.map { String(repeating: " ", count: indent) + "- \($0)" }.joined(separator: "\n")
        }
        let data = testbenchData.map { "\($0) : {file_type: user, copyto: \(($0 as String).split(separator: "/").last!)}" }
        return """
            CAPI=2:
            name: \(name)
            description: \(description)

            filesets:
              rtl:
                file_type: verilogSource
                files:
            \(list(rtlFiles, indent: 6))
              tb:
                file_type: verilogSource
                files:
            \(list([testbenchFile] + data, indent: 6))

            targets:
              default:
                filesets: [rtl]
                toplevel: \(top)
              sim:
                default_tool: icarus
                filesets: [rtl, tb]
                toplevel: \(testbench)
                tools:
                  icarus:
                    iverilog_options: [-g2005, -Wall]
              synth:
                default_tool: vivado
                filesets: [rtl]
                toplevel: \(top)
                tools:
                  vivado:
                    part: \(device.part)

            """
    }
}
