import ArgumentParser
import Foundation
import Toolflow

/// `cascadecnn devices`: the devices the models know, with their resources, clock and
/// bandwidth; `--file` checks and lists a user's device file too.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the target devices: resources, clock and off-chip bandwidth.",
        discussion: """
            A device file is JSON with the fields name, part, family ("xc7" or "xcup"), dsp, \
            lut, ff, bram36, clockMHz and bandwidthGBps; `--device PATH` accepts it wherever \
            a built-in name is accepted. `--print-template` prints the ZC706 as such a file.
            """)

    @Option(help: "A device JSON file to check and list with the built-in devices.") var file: String?
    @Flag(help: "Print the ZC706 as a device file, to start a new one from.") var printTemplate = false

    func run() throws {
        if printTemplate {
            print(Device.zc706.fileJSON)
            return
        }
        var devices = Device.builtIn
        if let file { devices.append(try Device.load(path: file)) }
        let rows = [["device", "part", "family", "DSP", "LUT", "FF", "BRAM36", "clock", "bandwidth"]]
            + devices.map { d in
                [d.name, d.part, "\(d.family.rawValue) (\(d.family.dspName))", "\(d.resources.dsp)", "\(d.resources.lut)",
                 "\(d.resources.ff)", formatNumber(d.resources.bram36), "\(formatNumber(d.clockMHz)) MHz",
                 "\(formatNumber(d.bandwidthGBps)) GB/s"]
            }
        print(textTable(rows, rightAligned: 3...8), terminator: "")
    }
}

/// Rows as aligned columns, the header first.
func textTable(_ rows: [[String]], rightAligned: ClosedRange<Int>) -> String {
    let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
    return rows.map { row in
        row.enumerated().map { c, text in
            let pad = String(repeating: " ", count: widths[c] - text.count)
            return rightAligned.contains(c) ? pad + text : text + pad
        }.joined(separator: "  ").droppingTrailingWhitespace()
    }.joined(separator: "\n") + "\n"
}

extension String {
    /// The text without trailing whitespace, found in one pass from the end: the regular
    /// expression `\s+$` retried at every space and took minutes on a long padded cell.
    fileprivate func droppingTrailingWhitespace() -> String {
        String(self[..<(lastIndex { !$0.isWhitespace }.map(index(after:)) ?? startIndex)])
    }
}

/// A number with up to three decimals and no trailing zeros.
func formatNumber(_ value: Double, decimals: Int = 3) -> String {
    var text = String(format: "%.\(decimals)f", value)
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}
