import Testing
@testable import HDLGen

/// The generated testbench must catch what is wrong: a wrong value, a beat at the wrong
/// cycle, a missing beat and an extra one each count as failures.
@Suite struct TestbenchTests {
    let unit = try! MatrixMultiplyUnit(wordlength: 4, pes: 2, maccs: 3, maxWindow: 4)

    func simulate(_ mutate: (inout Testbench.OutputCheck) -> Void) throws -> SimulationResult {
        let good = try unit.simulationBundle(beats: unit.stimulus(cycles: 60, seed: 9))
        let original = try #require(good.testbench as? Testbench)
        var check = original.check
        mutate(&check)
        let testbench = try Testbench(dut: good.circuit.top, stimulus: original.stimulus, check: check,
                                      drainCycles: original.drainCycles)
        return try Icarus.simulate(SimulationBundle(circuit: good.circuit, testbench: testbench))
    }

    @Test func wrongValueIsReportedWithCyclePortAndValues() throws {
        let result = try simulate { $0.beats[3][0][1] += 1 }
        #expect(result.failed == 1)
        #expect(result.log.contains("acc[1] expected"))
    }

    @Test func wrongCycleIsReported() throws {
        let result = try simulate { $0.cycles![2] += 1 }
        #expect(result.failed == 1)
        #expect(result.log.contains("beat 2 expected at cycle"))
    }

    @Test func missingAndExtraBeatsAreReported() throws {
        let extra = try simulate { $0.beats.removeLast(); $0.cycles!.removeLast() }
        #expect(extra.failed == 1)
        #expect(extra.log.contains("all"))
        let missing = try simulate { $0.beats.append($0.beats[0]); $0.cycles!.append(10_000) }
        #expect(missing.failed == 1)
        #expect(missing.log.contains("missing: 1 of"))
    }

    /// A port that takes a name the testbench declares for itself would not compile.
    @Test(arguments: ["beat", "cycle", "passed", "end_cycle"])
    func portNamedLikeATestbenchVariableIsRefused(name: String) throws {
        let circuit = try Circuit(InlineModule("clash_\(name)") { m in
            let a = m.input(name, .bool)
            m.output("y", m.register("y_q", next: a))
        })
        #expect(throws: TestbenchError.self) {
            try Testbench(dut: circuit.top, stimulus: [name: [[1]]],
                          check: .init(valid: "y", ports: ["y"], beats: [[[1]]]), drainCycles: 1)
        }
    }

    @Test func hexPacksElementZeroLowest() {
        #expect(Testbench.hex([1, -1], elementWidth: 4) == "f1")
        #expect(Testbench.hex([-8, 7, 0], elementWidth: 4) == "078")
        #expect(Testbench.hex([1], elementWidth: 1) == "1")
        #expect(Testbench.hex([-1, 0], elementWidth: 3) == "07")
    }

    @Test func stimulusMustCoverEveryInput() throws {
        let circuit = try Circuit(unit)
        #expect(throws: TestbenchError.self) {
            try Testbench(dut: circuit.top, stimulus: ["a": [[0, 0, 0]]],
                          check: .init(valid: "done", ports: ["acc"], beats: []), drainCycles: 1)
        }
    }
}
