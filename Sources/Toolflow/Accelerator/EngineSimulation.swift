import Foundation
import HDLGen

/// A co-simulation of the layer engine's RTL on some images against the golden model: the
/// testbench checks every layer's output lines, and reports the cycles of every run and layer.
public struct EngineSimulation: Sendable {
    /// Measured cycles of one run (an image, or a batch): per layer, and in all.
    public struct ImageCycles: Hashable, Sendable {
        /// The engine's own cycle counter, summed over the run's starts.
        public var total: Int
        public var layers: [Int]
        /// The cycles from start to done as the testbench counted them on its own clock, a
        /// check on the engine's counter (nil in logs of testbenches that do not count).
        public var counted: Int?
    }

    public var passed: Int
    public var failed: Int
    public var images: [ImageCycles]
    /// The testbench's mismatch lines (run, layer, line, expected and actual).
    public var mismatches: [String]
    public var log: String

    public var succeeded: Bool { failed == 0 && passed > 0 && miscountedImages.isEmpty }

    /// Writes the bundle for `images` (input words) as the whole of `folder` and simulates it.
    public static func run(_ program: EngineProgram, images: [[Int32]], timing: LayerEngineTestbench.MemoryTiming,
                           in folder: OutputFolder, simulator: Simulator = .icarus,
                           interface: LayerEngineTestbench.Interface = .native) throws -> EngineSimulation {
        let testbench = program.testbench(images: images, timing: timing, interface: interface)
        let bundle = SimulationBundle(circuit: try Circuit(testbench.dut), testbench: testbench,
                                      provenance: ["\(program.quantised.network.name) on \(images.count) image(s), \(program.engine.summary)"])
        try bundle.write(to: folder)
        let result = try simulator.simulate(bundleAt: URL(fileURLWithPath: folder.path), bundle: bundle)
        return EngineSimulation(result: result, descriptorLayers: program.descriptorLayers,
                                startWriteLatency: interface.startWriteLatency)
    }

    /// The images whose engine counter disagrees with the testbench's count.
    public var miscountedImages: [Int] {
        images.indices.filter { i in images[i].counted.map { $0 != images[i].total } ?? false }
    }

    /// The simulation's figures from its log: a run's starts add up, and each layer's cycles
    /// are the sum of its descriptors' (in a batch, over all its images).
    /// The testbench's count plus `startWriteLatency` spans what the engine's counter does.
    init(result: SimulationResult, descriptorLayers: [Int], startWriteLatency: Int = 0) {
        passed = result.passed
        failed = result.failed
        log = result.log
        var images: [ImageCycles] = []
        var mismatches: [String] = []
        var pendingCount: Int?
        for line in result.log.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ")
            if line.hasPrefix("mismatch:") { mismatches.append(line) }
            // "run N: C cycles from start to done, counted by the testbench" comes before the engine's figures.
            if words.count == 12, words[0] == "run", words.last == "testbench", let counted = Int(words[2]) {
                pendingCount = counted + startWriteLatency
                continue
            }
            guard words.count >= 4, words[0] == "run", words.last == "cycles" else { continue }
            if words.count == 4, let run = Int(words[1].dropLast()), let total = Int(words[2]) {
                // A run's first start opens its entry; the others add to it.
                if run == images.count {
                    images.append(ImageCycles(total: 0, layers: [], counted: 0))
                }
                guard run == images.count - 1 else { continue }
                images[run].total += total
                // A log that does not count one start counts none of the run.
                images[run].counted = images[run].counted.flatMap { counted in pendingCount.map { counted + $0 } }
                pendingCount = nil
            } else if words.count == 6, words[2] == "descriptor", let descriptor = Int(words[3].dropLast()), let cycles = Int(words[4]),
                      descriptorLayers.indices.contains(descriptor), !images.isEmpty {
                // A batch runs a layer's descriptors once per image: they add up.
                let layer = descriptorLayers[descriptor], last = images.count - 1
                if images[last].layers.count <= layer {
                    images[last].layers += Array(repeating: 0, count: layer + 1 - images[last].layers.count)
                }
                images[last].layers[layer] += cycles
            }
        }
        self.images = images
        self.mismatches = mismatches
    }
}
