import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// The layer engine's RTL runs whole networks under Icarus, bit-exact at every layer with
/// the fixed-point golden model.
@Suite struct LayerEngineSimulationTests {
    /// Runs `images` of `data` through the engine RTL and returns the simulation result.
    func simulate(_ network: Network, data: Dataset, wordlength: Int, pes: Int, maccs: Int, images: Int,
                  timing: LayerEngineTestbench.MemoryTiming = .init()) throws -> (SimulationResult, EngineProgram) {
        let quantisation = try RangeCalibration.quantisation(for: network, data: data, wordlength: wordlength)
        let program = try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation),
                                        pes: pes, maccs: maccs)
        let size = data.imageSize
        let words = (0..<images).map { i in program.inputWords(data.inputs[(i * size)..<((i + 1) * size)]) }
        let bundle = SimulationBundle(circuit: try Circuit(program.engine), testbench: program.testbench(images: words, timing: timing))
        return (try Icarus.simulate(bundle), program)
    }

    @Test func exampleRunsBitExact() throws {
        let network = try Fixtures.exampleNetwork.get(), data = try Fixtures.exampleEval.get()
        let (result, _) = try simulate(network, data: data, wordlength: 8, pes: 8, maccs: 8, images: 1)
        print(result.log.suffix(3000))
        #expect(result.failed == 0)
        #expect(result.passed > 0)
    }
}
