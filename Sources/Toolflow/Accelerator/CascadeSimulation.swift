import Foundation
import HDLGen

/// A co-simulation of the cascade's RTL on some images against its golden model: every
/// layer's output on both engines and every result checked, and the run's counters.
public struct CascadeSimulation: Sendable {
    public var passed: Int
    public var failed: Int
    /// The counters the hardware reports: images judged, images forwarded, cycles of the
    /// whole run, cycles the HPU ran; nil when the run printed none.
    public var samples: Int?, forwarded: Int?, cycles: Int?, hpuCycles: Int?
    /// The cycles from start to done as the testbench counted them on its own clock, a check
    /// on the cascade's counter (`cycles`).
    public var countedCycles: Int?
    /// What the golden model decided per image.
    public var decisions: [CascadeProgram.Decision]
    public var mismatches: [String]
    public var log: String

    public var succeeded: Bool { failed == 0 && passed > 0 && countedCycles == cycles }
    /// Images per cycle, overlap of the LPU and the HPU included.
    public var imagesPerCycle: Double? { cycles.map { Double(decisions.count) / Double(max(1, $0)) } }

    /// Writes the bundle for `images` as the whole of `folder` and simulates it.
    public static func run(_ program: CascadeProgram, images: [ArraySlice<Float>], timing: LayerEngineTestbench.MemoryTiming = .init(),
                           in folder: OutputFolder, simulator: Simulator = .icarus,
                           interface: LayerEngineTestbench.Interface = .native) throws -> CascadeSimulation {
        let (testbench, decisions) = program.testbench(images: images, timing: timing, interface: interface)
        let bundle = SimulationBundle(circuit: try Circuit(testbench.dut), testbench: testbench,
                                      provenance: ["\(program.hpu.quantised.network.name) on \(images.count) image(s), \(program.top.summary)"])
        try bundle.write(to: folder)
        let result = try simulator.simulate(bundleAt: URL(fileURLWithPath: folder.path), bundle: bundle)
        return CascadeSimulation(result: result, decisions: decisions, startWriteLatency: interface.startWriteLatency)
    }

    /// The testbench's count plus `startWriteLatency` spans what the cascade's counter does.
    init(result: SimulationResult, decisions: [CascadeProgram.Decision], startWriteLatency: Int = 0) {
        passed = result.passed
        failed = result.failed
        log = result.log
        self.decisions = decisions
        mismatches = result.log.split(separator: "\n").map(String.init).filter { $0.hasPrefix("mismatch:") }
        // "cascade: N images, F forwarded, C cycles, H HPU cycles"
        if let line = result.log.split(separator: "\n").first(where: { $0.hasPrefix("cascade: ") && $0.hasSuffix("HPU cycles") }) {
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            if numbers.count == 4 { (samples, forwarded, cycles, hpuCycles) = (numbers[0], numbers[1], numbers[2], numbers[3]) }
        }
        // "cascade: C cycles from start to done, counted by the testbench"
        if let line = result.log.split(separator: "\n").first(where: { $0.hasPrefix("cascade: ") && $0.hasSuffix("by the testbench") }),
           let counted = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            countedCycles = counted + startWriteLatency
        }
    }
}
