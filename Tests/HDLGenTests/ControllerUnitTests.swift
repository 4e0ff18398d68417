import FixedPoint
import Testing
@testable import HDLGen

/// The cascade's two controllers on their own, simulated against golden models written from
/// their documented steps, with a random engine, memory, CEU and queue around them, over a
/// sweep of cascade parameters: every output checked in every cycle the behaviour specifies.
@Suite struct ControllerUnitTests {
    static func top(low: Int, high: Int, maccs: Int, classes: Int, addressWidth: Int, maxLayers: Int,
                    rounding: Rounding = .halfUp, queueDepth: Int = 4) throws -> CascadeTop {
        func engine(_ wordlength: Int, lineWidth: Int?) throws -> LayerEngine {
            try LayerEngine(EngineConfiguration(wordlength: wordlength, pes: 1, maccs: maccs, maxWindow: 64, activationDepth: 256,
                                                outputDepth: 256, maxLayers: maxLayers, addressWidth: addressWidth,
                                                sharedLineWidth: lineWidth))
        }
        let hpu = try engine(high, lineWidth: nil)
        let ceu = try ConfidenceEvaluationUnit(classes: classes, lanes: min(classes, maccs), m: 1, n: 2,
                                               scoreFormat: FixedPointFormat(wordlength: low, fractionBits: 1))
        return try CascadeTop(lpu: try engine(low, lineWidth: hpu.lineWidth), hpu: hpu, rounding: rounding,
                              confidenceUnit: ceu, queueDepth: queueDepth)
    }

    /// (w_l, w_h, K_t, C, address bits, layers, queue depth). Score lines: 2, 3 (a buffer slot
    /// never written), 10, 1, 5 (K_t = 1), 2 with a partial last line; lines of 32 and 64 bits;
    /// register addresses of 8 to 11 bits; both roundings.
    static let sweep = [(3, 6, 8, 10, 24, 4, 4), (4, 8, 4, 10, 16, 1, 2), (2, 5, 2, 19, 12, 8, 16), (8, 16, 4, 4, 32, 2, 64),
                        (4, 8, 1, 5, 8, 4, 2), (5, 12, 3, 4, 20, 16, 8)]

    static func design(_ n: Int) throws -> CascadeTop {
        let (low, high, maccs, classes, addressWidth, maxLayers, queueDepth) = sweep[n]
        return try top(low: low, high: high, maccs: maccs, classes: classes, addressWidth: addressWidth, maxLayers: maxLayers,
                       rounding: n % 2 == 0 ? .halfUp : .truncate, queueDepth: queueDepth)
    }

    /// Each design under calm traffic and under busy traffic with two seeds.
    static let traffic: [(ControllerTraffic, UInt64)] = [(.calm, 1), (.busy, 2), (.busy, 3)]

    @Test(arguments: 0..<sweep.count)
    func lpuControllerFollowsItsModel(design: Int) throws {
        let unit = LPUController(top: try Self.design(design))
        for (traffic, seed) in Self.traffic {
            let runs = unit.runs(seed: seed &+ UInt64(design))
            let (stimulus, outputs) = unit.trace(runs, traffic: traffic, seed: seed)
            func cycles(_ port: String, _ value: Int, _ input: String, _ level: Int) -> Int {
                outputs.indices.filter { outputs[$0][port] == value && stimulus[input]![$0] == [level] }.count
            }
            // Every image decided once, some forwarded and some written; every run of images finished once.
            let images = runs.map(\.images).reduce(0, +), forwarded = cycles("forward_valid", 1, "forward_ready", 1)
            #expect(outputs.filter { $0["decided"] == 1 }.count == images)
            #expect(forwarded > 0 && forwarded < images)
            #expect(zip(outputs, outputs.dropFirst()).filter { $0["finished"] == 0 && $1["finished"] == 1 }.count
                    == runs.filter { $0.images > 0 }.count)
            if traffic.stall > 0 {
                // Images waited on a full queue; the CEU refused beats; run requests came while running.
                #expect(cycles("forward_valid", 1, "forward_ready", 0) > 0)
                #expect(cycles("ceu_in_valid", 1, "ceu_in_ready", 0) > 0)
                #expect(cycles("command_write", 0, "run", 1) > runs.count)
            }
            let checks = try SimulationBundle.sampled(unit, stimulus: stimulus, ports: LPUController.checkedPorts, outputs: outputs)
            #expect(Set(checks.flatMap(\.ports)) == Set(LPUController.checkedPorts))
            for check in checks { try expectSimulationPasses(check.bundle, checks: check.checks) }
        }
        try expectLintClean(try Circuit(unit))
    }

    @Test(arguments: 0..<sweep.count)
    func hpuControllerFollowsItsModel(design: Int) throws {
        let unit = HPUController(top: try Self.design(design))
        for (traffic, seed) in Self.traffic {
            // No image forwarded, one, and enough to fill the queue thrice.
            for images in seed == 1 ? [0, 1] : [3 * unit.top.queueDepth + 2] {
                let entries = unit.entries(images, seed: seed &+ UInt64(design))
                let (stimulus, outputs) = unit.trace(entries, traffic: traffic, seed: seed)
                let taken = outputs.indices.filter { outputs[$0]["queue_ready"] == 1 && stimulus["queue_valid"]![$0] == [1] }
                #expect(taken.count == images)
                // An image waited in the queue while the cascade was not running.
                if images > 1 {
                    #expect(outputs.indices.contains { stimulus["queue_valid"]![$0] == [1] && stimulus["running"]![$0] == [0] })
                }
                let checks = try SimulationBundle.sampled(unit, stimulus: stimulus, ports: HPUController.checkedPorts,
                                                          outputs: outputs)
                #expect(Set(checks.flatMap(\.ports)) == Set(HPUController.checkedPorts))
                for check in checks { try expectSimulationPasses(check.bundle, checks: check.checks) }
            }
        }
        try expectLintClean(try Circuit(unit))
    }

    /// The models' outputs are every output of the RTL.
    @Test func everyOutputIsChecked() throws {
        let top = try Self.design(0)
        for (circuit, ports) in [(try Circuit(LPUController(top: top)), LPUController.checkedPorts),
                                 (try Circuit(HPUController(top: top)), HPUController.checkedPorts)] {
            #expect(Set(circuit.top.ports.filter { $0.direction == .output }.map(\.name)) == Set(ports))
        }
    }

    /// One image, nothing waiting: offset and start commands in the two cycles after `run`, the
    /// score lines read from the region's scores on, one beat each to the CEU, one decision.
    @Test func lpuModelRunsAnImageInOrder() throws {
        let unit = LPUController(top: try Self.design(1))
        let run = LPUController.Run(images: 1, stride: 9, scoreAddress: 100, resultAddress: 40)
        let (stimulus, outputs) = unit.trace([run], traffic: .calm, seed: 5)
        let start = try #require(stimulus["run"]!.firstIndex(of: [1]))
        #expect(outputs[start + 1]["command_address"] == EngineRegister.imageOffset && outputs[start + 1]["command_data"] == 0)
        #expect(outputs[start + 2]["command_address"] == EngineRegister.control && outputs[start + 2]["command_write"] == 1)
        // The engine is done at once: three reads of lines 100 … 102 from the cycle after.
        let reads = outputs.indices.filter { $0 > start + 3 && outputs[$0]["mem_req_valid"] == 1 && outputs[$0]["mem_req_write"] == 0 }
        #expect(reads.prefix(3).map { outputs[$0]["mem_req_address"] } == [100, 101, 102])
        #expect(reads.first == start + 4)
        #expect(outputs.filter { $0["ceu_in_valid"] == 1 }.count == unit.top.scoreLines)
        #expect(outputs.filter { $0["decided"] == 1 }.count == 1)
        #expect(outputs.last?["finished"] == 1)
    }

    /// The HPU's class is the first best of the C scores: padding lanes past C never win.
    @Test func hpuModelTakesTheFirstBest() throws {
        let top = try Self.design(5)   // K_t = 3, C = 4: the second line holds one class
        var model = HPUControllerModel(top: top)
        var inputs = HPUControllerModel.Inputs()
        inputs.running = true; inputs.queueValid = true; inputs.engineDone = true
        inputs.port.requestReady = true
        for _ in 0..<4 { model.clock(inputs) }   // take, offset, start, run
        #expect(model.phase == .readScores)
        inputs.port.readValid = true
        let w = top.hpu.wordlength, mask = (1 << w) - 1
        for words in [[5, -2, 7], [7, 100, 100]] {
            inputs.port.readData = words.enumerated().reduce(0) { $0 | ($1.element & mask) << ($1.offset * w) }
            model.clock(inputs)
        }
        #expect(model.best == 2)
    }
}
