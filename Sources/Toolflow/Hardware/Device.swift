/// An FPGA board as the models see it: its resources, the clock the engines run at and the
/// off-chip memory bandwidth they share.
public struct Device: Codable, Hashable, Sendable {
    /// The short name used on the command line, e.g. `zc706`.
    public var name: String
    /// The FPGA part, e.g. `xc7z045ffg900-2`.
    public var part: String
    public var family: DeviceFamily
    public var resources: Resources
    /// The engines' clock, in MHz.
    public var clockMHz: Double
    /// Off-chip memory bandwidth available to the accelerator, in GB/s (10^9 bytes per second).
    public var bandwidthGBps: Double

    public init(name: String, part: String, family: DeviceFamily, resources: Resources, clockMHz: Double,
                bandwidthGBps: Double) {
        self.name = name; self.part = part; self.family = family; self.resources = resources
        self.clockMHz = clockMHz; self.bandwidthGBps = bandwidthGBps
    }

    /// Cycles per second.
    public var clockHz: Double { clockMHz * 1e6 }
    /// Bytes per second.
    public var bandwidthBytesPerSecond: Double { bandwidthGBps * 1e9 }

    /// The resources a design may use: `fraction` (0 < fraction ≤ 1) of each.
    public func budget(fraction: Double) -> Resources { resources.scaled(by: fraction) }

    /// Xilinx Zynq ZC706: XC7Z045, 150 MHz (the clock of the paper's era of ZC706 CNN
    /// designs), 4.2 GB/s (the sustained DDR3 figure used by fpgaConvNet on this board).
    public static let zc706 = Device(
        name: "zc706", part: "xc7z045ffg900-2", family: .xc7,
        resources: Resources(dsp: 900, lut: 218_600, ff: 437_200, bram36: 545), clockMHz: 150, bandwidthGBps: 4.2)

    /// Xilinx Zynq UltraScale+ ZCU102: XCZU9EG, 200 MHz, 16 GB/s (of the PS DDR4-2133
    /// 64-bit interface's 17 GB/s peak).
    public static let zcu102 = Device(
        name: "zcu102", part: "xczu9eg-ffvb1156-2-e", family: .xcup,
        resources: Resources(dsp: 2_520, lut: 274_080, ff: 548_160, bram36: 912), clockMHz: 200, bandwidthGBps: 16)

    /// The devices every installation knows.
    public static let builtIn: [Device] = [.zc706, .zcu102]

    /// The built-in device called `name` (case-insensitive).
    public static func named(_ name: String) throws -> Device {
        guard let device = builtIn.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw DeviceError.unknownDevice(name, known: builtIn.map(\.name))
        }
        return device
    }
}
