/// The FPGA architecture of a device: it decides the DSP slice and how synthesis maps the
/// generated RTL onto it (the resource model is calibrated per family).
public enum DeviceFamily: String, Codable, CaseIterable, Sendable {
    /// 7-series (Zynq-7000): DSP48E1, `yosys synth_xilinx -family xc7`.
    case xc7
    /// UltraScale+ (Zynq UltraScale+ MPSoC): DSP48E2, `yosys synth_xilinx -family xcup`.
    case xcup

    /// The name of the family's DSP slice.
    public var dspName: String { self == .xc7 ? "DSP48E1" : "DSP48E2" }
}
