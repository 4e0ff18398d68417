import Foundation
import Testing
@testable import HDLGen

/// The AXI adapters against golden memory and register-file models, under bus-functional
/// models that stall at random, across data and address widths; lint and synthesis of each.
@Suite struct AXIAdapterTests {
    typealias Timing = MemoryMasterScenario.Timing
    static let moderate = Timing(readyPercent: 70, maxResponseDelay: 3, requestPercent: 80)
    static let heavy = Timing(readyPercent: 20, maxResponseDelay: 9, requestPercent: 60)

    /// (dataWidth, addressWidth, axiAddressWidth, timing, seed): every data width under every
    /// timing, line addresses from 1 bit to 28, and AXI addresses just wide enough.
    static let masterCases: [(Int, Int, Int, Timing, UInt64)] = [
        (32, 1, 32, moderate, 1), (32, 10, 12, heavy, 2), (32, 16, 32, .alwaysReady, 3),
        (64, 20, 32, moderate, 4), (64, 12, 40, heavy, 5), (64, 29, 32, .alwaysReady, 6),
        (128, 28, 32, moderate, 7), (128, 6, 32, heavy, 8), (128, 3, 32, .alwaysReady, 9),
    ]

    @Test(arguments: masterCases.indices)
    func memoryMasterReturnsWhatWasWritten(index: Int) throws {
        let (d, a, x, timing, seed) = Self.masterCases[index]
        let unit = try AXI4MemoryMaster(dataWidth: d, addressWidth: a, axiAddressWidth: x)
        let scenario = MemoryMasterScenario(unit: unit, timing: timing, seed: seed, count: 300)
        #expect(scenario.expectedReads.count > 100 && scenario.writes > 100)
        let circuit = try Circuit(unit)
        try expectPasses(scenario.testbench.simulate(circuit), checks: scenario.checks)
        try expectLintClean(circuit)
    }

    /// An always-ready slave and an engine with a request every cycle: N requests complete
    /// within N + 6 cycles (the testbench checks the bound).
    @Test(arguments: [32, 64, 128])
    func memoryMasterTakesARequestEveryCycle(dataWidth: Int) throws {
        let unit = try AXI4MemoryMaster(dataWidth: dataWidth, addressWidth: 16)
        let scenario = MemoryMasterScenario(unit: unit, timing: .alwaysReady, seed: UInt64(dataWidth), count: 200,
                                            streaming: true)
        #expect(scenario.cycleBound == 206)
        let result = try scenario.testbench.simulate(try Circuit(unit))
        try expectPasses(result, checks: scenario.checks)
    }

    /// (addressWidth, maxValidDelay, responseReadyPercent, seed).
    static let liteCases: [(Int, Int, Int, UInt64)] = [
        (1, 0, 100, 1), (1, 4, 30, 2), (3, 2, 70, 3), (8, 0, 100, 4), (8, 6, 25, 5), (12, 3, 60, 6),
    ]

    @Test(arguments: liteCases.indices)
    func liteRegistersReadWhatWasWritten(index: Int) throws {
        let (r, delay, ready, seed) = Self.liteCases[index]
        let unit = try AXI4LiteRegisters(addressWidth: r)
        let scenario = LiteRegistersScenario(unit: unit, timing: .init(maxValidDelay: delay, responseReadyPercent: ready),
                                             seed: seed, count: 400)
        #expect(scenario.expectedReads.count > 150 && scenario.writes > 150)
        let circuit = try Circuit(unit)
        try expectPasses(scenario.testbench.simulate(circuit), checks: scenario.checks)
        try expectLintClean(circuit)
    }

    /// The benches fail a wrong read: they do compare what they count.
    @Test func benchesCatchAWrongRead() throws {
        let master = try AXI4MemoryMaster(dataWidth: 32, addressWidth: 4)
        var memoryScenario = MemoryMasterScenario(unit: master, timing: Self.moderate, seed: 11, count: 60)
        memoryScenario.expectedReads[5] = memoryScenario.expectedReads[5] == "00000000" ? "00000001" : "00000000"
        let memoryResult = try memoryScenario.testbench.simulate(try Circuit(master))
        #expect(memoryResult.failed == 1, "\(memoryResult.log.suffix(2000))")
        #expect(memoryResult.log.contains("read 5 of line"))

        let lite = try AXI4LiteRegisters(addressWidth: 2)
        var registerScenario = LiteRegistersScenario(unit: lite, timing: .init(maxValidDelay: 2, responseReadyPercent: 50),
                                                     seed: 12, count: 60)
        registerScenario.expectedReads[7] ^= 1 << 31
        let registerResult = try registerScenario.testbench.simulate(try Circuit(lite))
        #expect(registerResult.failed == 1, "\(registerResult.log.suffix(2000))")
        #expect(registerResult.log.contains("read 7 of register"))
    }

    @Test(arguments: [(1024, 40, 64), (32, 1, 3), (256, 30, 35), (512, 8, 32)])
    func memoryMasterExtremesAreLintClean(dataWidth: Int, addressWidth: Int, axiAddressWidth: Int) throws {
        try expectLintClean(try Circuit(AXI4MemoryMaster(dataWidth: dataWidth, addressWidth: addressWidth,
                                                         axiAddressWidth: axiAddressWidth)))
    }

    @Test(arguments: [1, 30])
    func liteRegistersExtremesAreLintClean(addressWidth: Int) throws {
        try expectLintClean(try Circuit(AXI4LiteRegisters(addressWidth: addressWidth)))
    }

    @Test func portsFollowTheXilinxNaming() throws {
        let master = try Circuit(AXI4MemoryMaster(dataWidth: 64, addressWidth: 20)).top
        #expect(master.name == "axi4_master_d64_a20_x32")
        let masterPorts = master.ports.map { "\($0.direction == .input ? "in" : "out") \($0.name) \($0.type.width)" }
        #expect(masterPorts == [
            "in clk 1", "in rst 1",
            "in mem_req_valid 1", "in mem_req_write 1", "in mem_req_address 20", "in mem_req_data 64",
            "out mem_req_ready 1", "out mem_read_valid 1", "out mem_read_data 64", "out mem_write_done 1",
            "in base_address 32",
            "out m_axi_awaddr 32", "out m_axi_awlen 8", "out m_axi_awsize 3", "out m_axi_awburst 2",
            "out m_axi_awcache 4", "out m_axi_awprot 3", "out m_axi_awvalid 1", "in m_axi_awready 1",
            "out m_axi_wdata 64", "out m_axi_wstrb 8", "out m_axi_wlast 1", "out m_axi_wvalid 1", "in m_axi_wready 1",
            "in m_axi_bresp 2", "in m_axi_bvalid 1", "out m_axi_bready 1",
            "out m_axi_araddr 32", "out m_axi_arlen 8", "out m_axi_arsize 3", "out m_axi_arburst 2",
            "out m_axi_arcache 4", "out m_axi_arprot 3", "out m_axi_arvalid 1", "in m_axi_arready 1",
            "in m_axi_rdata 64", "in m_axi_rresp 2", "in m_axi_rlast 1", "in m_axi_rvalid 1", "out m_axi_rready 1",
        ])
        // VALID and payload come straight from flip-flops (no path from READY).
        for name in ["m_axi_awvalid", "m_axi_awaddr", "m_axi_wvalid", "m_axi_wdata", "m_axi_arvalid", "m_axi_araddr"] {
            #expect(master.port(name)?.isRegister == true, "\(name)")
        }

        let lite = try Circuit(AXI4LiteRegisters(addressWidth: 10)).top
        #expect(lite.name == "axi4lite_regs_a10")
        let litePorts = lite.ports.map { "\($0.direction == .input ? "in" : "out") \($0.name) \($0.type.width)" }
        #expect(litePorts == [
            "in clk 1", "in rst 1",
            "in s_axi_awaddr 12", "in s_axi_awvalid 1", "out s_axi_awready 1",
            "in s_axi_wdata 32", "in s_axi_wstrb 4", "in s_axi_wvalid 1", "out s_axi_wready 1",
            "out s_axi_bresp 2", "out s_axi_bvalid 1", "in s_axi_bready 1",
            "in s_axi_araddr 12", "in s_axi_arvalid 1", "out s_axi_arready 1",
            "out s_axi_rdata 32", "out s_axi_rresp 2", "out s_axi_rvalid 1", "in s_axi_rready 1",
            "out reg_write 1", "out reg_address 10", "out reg_write_data 32", "in reg_read_data 32",
        ])
        for name in ["s_axi_bvalid", "s_axi_rvalid", "s_axi_rdata"] {
            #expect(lite.port(name)?.isRegister == true, "\(name)")
        }
    }

    @Test func adaptersSynthesiseWithoutLatches() throws {
        let master = try Yosys.synthesize(try Circuit(AXI4MemoryMaster(dataWidth: 64, addressWidth: 20)), family: "xc7")
        #expect(master.latches == 0, "cells: \(master.cells)")
        #expect(!master.log.lowercased().contains("latch inferred"))
        // Two registers (output and skid) for AR, AW and W, one for the read data.
        #expect(master.flipFlops >= 2 * (32 + 32 + 64) + 64, "cells: \(master.cells)")
        let lite = try Yosys.synthesize(try Circuit(AXI4LiteRegisters(addressWidth: 10)), family: "xcup")
        #expect(lite.latches == 0, "cells: \(lite.cells)")
        #expect(!lite.log.lowercased().contains("latch inferred"))
        #expect(lite.flipFlops > 0)
    }

    @Test func badParametersAreClearErrors() throws {
        let error = #expect(throws: UnitParameterError.self) { try AXI4MemoryMaster(dataWidth: 48, addressWidth: 20) }
        #expect(error?.description == "AXI4 memory master: dataWidth (a power of two) = 48 is not supported (range 32...1024)")
        #expect(throws: UnitParameterError.self) { try AXI4MemoryMaster(dataWidth: 16, addressWidth: 20) }
        #expect(throws: UnitParameterError.self) { try AXI4MemoryMaster(dataWidth: 2048, addressWidth: 20) }
        #expect(throws: UnitParameterError.self) { try AXI4MemoryMaster(dataWidth: 64, addressWidth: 0) }
        #expect(throws: UnitParameterError.self) { try AXI4MemoryMaster(dataWidth: 64, addressWidth: 41, axiAddressWidth: 64) }
        // 2^30 lines of 8 bytes need 33 address bits.
        #expect(throws: UnitParameterError.self) { try AXI4MemoryMaster(dataWidth: 64, addressWidth: 30) }
        #expect(throws: UnitParameterError.self) { try AXI4MemoryMaster(dataWidth: 64, addressWidth: 8, axiAddressWidth: 65) }
        #expect(throws: UnitParameterError.self) { try AXI4LiteRegisters(addressWidth: 0) }
        #expect(throws: UnitParameterError.self) { try AXI4LiteRegisters(addressWidth: 31) }
    }

    private func expectPasses(_ result: SimulationResult, checks: Int,
                              sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        #expect(result.compilerWarnings.isEmpty, "iverilog warnings: \(result.compilerWarnings)",
                sourceLocation: sourceLocation)
        #expect(result.failed == 0, "simulation failures:\n\(result.log.suffix(3000))", sourceLocation: sourceLocation)
        #expect(result.passed == checks, "passed \(result.passed) of \(checks) checks", sourceLocation: sourceLocation)
    }
}
