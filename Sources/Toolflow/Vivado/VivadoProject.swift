import Foundation
import HDLGen

/// A Vivado project for generated RTL on a device: `build.tcl` creates the project for the
/// device's part, adds the RTL and `constraints.xdc` (the clock at the device's frequency),
/// runs synthesis and implementation out of context (the design is an IP block: its AXI
/// ports go to a block design, not to pins) and writes utilisation and timing reports.
/// The text is `templates/vivado/`; the part must be a part name, the top an identifier.
public struct VivadoProject: Sendable {
    public var top: String
    /// Verilog files, relative to the folder that holds `vivado/`.
    public var rtlFiles: [String]
    public var device: Device
    /// The README's paragraph on using the block in a block design: Markdown the generator
    /// wrote (a filled `templates/vivado/*-block-design.md`), inserted as it is.
    public var blockDesign: String

    public init(top: String, rtlFiles: [String], device: Device, blockDesign: String) {
        self.top = top; self.rtlFiles = rtlFiles; self.device = device; self.blockDesign = blockDesign
    }

    /// `vivado/build.tcl`, `vivado/constraints.xdc` and `vivado/README.md`.
    public var files: [(path: String, contents: String)] {
        get throws {
            let values: [String: TemplateValue] = [
                "top": .text(top), "device": .text(device.name), "part": .text(device.part),
                "clock": .text("\(device.clockMHz)"),
            ]
            return [
                ("vivado/build.tcl", try Template.fill("vivado/build.tcl",
                                                       values.merging(["rtlFiles": .list(rtlFiles, field: "file")]) { $1 })),
                ("vivado/constraints.xdc", try Template.fill("vivado/constraints.xdc",
                                                             values.merging(["period": .text(period)]) { $1 })),
                ("vivado/README.md", try Template.fill("vivado/README.md",
                                                       values.merging(["blockDesign": .markup(blockDesign)]) { $1 })),
            ]
        }
    }

    var period: String { String(format: "%.3f", 1000 / device.clockMHz) }
}
