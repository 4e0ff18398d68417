import Testing
@testable import HDLGen

/// The layer engine's sub-modules that talk to memory or the host, simulated on their own
/// against golden models over a sweep of engine parameters: the line loader under random
/// back-pressure and latency, the register file under random host accesses, the pooling
/// writer against a max pooling written as plain loops.
@Suite struct EngineUnitProtocolTests {
    // MARK: Line loader

    /// An input load in segments (a band's rows of each channel group, some a skip apart),
    /// then its tile's biases and weights chained as the engine runs them; loads of no lines;
    /// the longest of each kind, one ending at the largest address, one whose skips wrap it.
    static func loads(for engine: LayerEngine, seed: UInt64) -> [LineLoader.Load] {
        let c = engine.configuration, top = 1 << c.addressWidth
        var random = SeededGenerator(seed: seed)
        var loads: [LineLoader.Load] = []
        func plain(address: Int, lines: Int, beats: Int, chained: Bool) -> LineLoader.Load {
            .init(address: address, lines: lines, segment: max(1, lines), skip: 0, beats: beats, chained: chained)
        }
        for _ in 0..<2 {
            let beats = Int.random(in: 1...c.maxWindow, using: &random)
            let segment = Int.random(in: 1...max(1, engine.activationDepth / 3), using: &random)
            loads.append(.init(address: Int.random(in: 0..<(top / 2), using: &random),
                               lines: segment * Int.random(in: 1...(engine.activationDepth / segment), using: &random),
                               segment: segment, skip: Int.random(in: 0...(4 * segment), using: &random), beats: beats,
                               chained: false))
            loads.append(plain(address: Int.random(in: 0..<(top / 2), using: &random), lines: c.pes, beats: beats, chained: true))
            loads.append(plain(address: Int.random(in: 0..<(top / 2), using: &random), lines: c.pes * beats, beats: beats,
                               chained: true))
        }
        let longest = max(engine.activationDepth, c.pes * c.maxWindow)
        loads += [plain(address: 5, lines: 0, beats: 1, chained: true), plain(address: 7, lines: 0, beats: 3, chained: false),
                  plain(address: top - c.pes * c.maxWindow, lines: c.pes * c.maxWindow, beats: c.maxWindow, chained: true),
                  plain(address: 0, lines: longest, beats: c.maxWindow, chained: false),
                  .init(address: top - 3, lines: 4, segment: 2, skip: top / 2 + 1, beats: 1, chained: false),
                  .init(address: 9, lines: 3, segment: 1, skip: 1, beats: 3, chained: false),
                  plain(address: top - 1, lines: 1, beats: 1, chained: true)]
        return loads
    }

    @Test(arguments: [(4, 2, 4, 64, 256, 24), (8, 4, 2, 16, 64, 8), (2, 1, 1, 8, 32, 32), (16, 3, 1, 32, 128, 16)])
    func lineLoaderKeepsItsHandshake(wordlength: Int, pes: Int, maccs: Int, maxWindow: Int, activationDepth: Int,
                                     addressWidth: Int) throws {
        let engine = try EngineUnitTests.engine(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: maxWindow,
                                                activationDepth: activationDepth, addressWidth: addressWidth)
        let unit = LineLoader(engine: engine), loads = Self.loads(for: engine, seed: UInt64(pes * 7 + maxWindow))
        // A memory that never stalls and answers at once, and one that stalls in bursts and answers late.
        for memory in [RandomMemory(stall: 0, burst: 1, maxLatency: 1, seed: 1),
                       RandomMemory(stall: 25, burst: 12, maxLatency: 7, seed: UInt64(wordlength))] {
            let (_, expected) = unit.trace(loads, memory: memory)
            let sampled = expected.compactMap { $0 }
            // Every line requested and answered: the response counts reach each load's lines.
            #expect(sampled.filter { $0[0] == [1] }.count >= loads.map(\.lines).reduce(0, +))
            try expectSimulationPasses(try unit.simulationBundle(loads, memory: memory),
                                       checks: sampled.count * (LineLoader.checkedPorts.count + 1))
        }
        try expectLintClean(try Circuit(unit))
    }

    @Test func lineLoaderGoldenModelNumbersLinesByWindow() throws {
        let unit = LineLoader(engine: try EngineUnitTests.engine(wordlength: 4, pes: 2, maccs: 2))
        let (_, expected) = unit.trace([.init(address: 10, lines: 6, segment: 6, skip: 0, beats: 3, chained: false)],
                                       memory: RandomMemory(stall: 0, burst: 1, maxLatency: 1, seed: 1))
        let cycles = expected.compactMap { $0 }
        // Requests for lines 10 … 15 in the six cycles after the start, each answered a cycle later.
        #expect(cycles.prefix(6).map { $0[1][0] } == Array(10...15))
        #expect(cycles.prefix(7).map { $0[0][0] } == [1, 1, 1, 1, 1, 1, 0])
        // Response j lands at beat j mod 3 of PE j / 3; loaded once the sixth has come.
        #expect(cycles.map { $0[4][0] }.prefix(8) == [0, 0, 1, 2, 0, 1, 2, 0])
        #expect(cycles.map { $0[5][0] }.prefix(8) == [0, 0, 0, 0, 1, 1, 1, 2])
        #expect(cycles.firstIndex { $0[2] == [1] } == 7)
    }

    // MARK: Register file

    @Test(arguments: [(1, 8), (3, 24), (16, 32), (32, 12), (EngineConfiguration.maximumDescriptors, 16)])
    func registerFileMatchesItsMap(maxLayers: Int, addressWidth: Int) throws {
        let engine = try EngineUnitTests.engine(wordlength: 8, pes: 2, maccs: 2, maxLayers: maxLayers, addressWidth: addressWidth)
        let unit = EngineRegisterFile(engine: engine)
        let cycles = unit.stimulus(randomCycles: 400, seed: UInt64(maxLayers))
        let expected = unit.expectedOutputs(cycles)
        // Only the first cycle, before any descriptor word is written, goes unchecked.
        #expect(expected.filter { $0 == nil }.count == 1)
        // The host starts the engine, and tries to while it is busy.
        #expect(expected.contains { $0?[1] == [1] } && cycles.contains { $0.write && $0.address == 0 && $0.busy && $0.writeData & 1 == 1 })
        try expectSimulationPasses(try unit.simulationBundle(cycles),
                                   checks: (expected.count - 1) * (EngineRegisterFile.checkedPorts.count + 1))
        try expectLintClean(try Circuit(unit))
    }

    @Test func registerFileGoldenModelKeepsEachFieldsBits() throws {
        let unit = EngineRegisterFile(engine: try EngineUnitTests.engine(wordlength: 8, pes: 2, maccs: 2, maxLayers: 4,
                                                                         addressWidth: 8))
        typealias Cycle = EngineRegisterFile.Cycle
        let base = unit.engine.configuration.descriptorBase
        let cycles = [Cycle(write: true, address: base, writeData: 77), Cycle(write: true, address: 2, writeData: 9),
                      Cycle(write: true, address: 6, writeData: 0x1234), Cycle(address: 2), Cycle(address: 6),
                      Cycle(address: base), Cycle(write: true, address: 0, writeData: 1, busy: true),
                      Cycle(write: true, address: 0, writeData: 3)]
        let outputs = unit.expectedOutputs(cycles).map { $0.map { $0.map { $0[0] } } }
        #expect(outputs[3]?[0] == 1)      // 9 in a 3-bit layer count
        #expect(outputs[4]?[0] == 0x34)   // the offset keeps its 8 address bits
        #expect(outputs[5]?[0] == 0)      // descriptors are write-only
        #expect(outputs[5]?[2] == 77)     // but the fetch reads them
        #expect(outputs[6]?[1] == 0 && outputs[7]?[1] == 1)   // no start while busy
    }

    // MARK: Pooling writer

    /// A random layer whose tiles fit the output buffer: up to 3×3 pooling windows with any
    /// stride up to 3 and padding below the window; pooled sizes as a floor or a ceiling
    /// division gives them; words drawn mostly from the extremes; line groups contiguous or a
    /// skip apart (a band of a larger map).
    static func randomLayer(for engine: LayerEngine, using random: inout SeededGenerator) -> PoolingWriter.Layer {
        let c = engine.configuration, lowest = -(1 << (c.wordlength - 1)), highest = (1 << (c.wordlength - 1)) - 1
        while true {
            let channels = Int.random(in: 1...(3 * c.lanes), using: &random)
            let height = Int.random(in: 1...6, using: &random), width = Int.random(in: 1...6, using: &random)
            let tiles = (channels + c.pes - 1) / c.pes
            guard (tiles * c.pes + c.lanes - 1) / c.lanes * height * width <= engine.outputDepth else { continue }
            let window = (Int.random(in: 1...3, using: &random), Int.random(in: 1...3, using: &random))
            let stride = (Int.random(in: 1...3, using: &random), Int.random(in: 1...3, using: &random))
            let pad = (Int.random(in: 0..<window.0, using: &random), Int.random(in: 0..<window.1, using: &random))
            let ceiling = Bool.random(using: &random)
            func pooled(_ size: Int, _ k: Int, _ s: Int, _ p: Int) -> Int {
                max(1, (size + 2 * p - k + (ceiling ? s - 1 : 0)) / s + 1)
            }
            let words = (0..<(tiles * c.pes)).map { _ in
                (0..<(height * width)).map { _ in
                    [lowest, highest, Int.random(in: lowest...highest, using: &random)].randomElement(using: &random)!
                }
            }
            return .init(channels: channels, height: height, width: width, poolHeight: window.0, poolWidth: window.1,
                         strideY: stride.0, strideX: stride.1, padTop: pad.0, padLeft: pad.1,
                         pooledHeight: pooled(height, window.0, stride.0, pad.0), pooledWidth: pooled(width, window.1, stride.1, pad.1),
                         outputAddress: Int.random(in: 0..<(1 << c.addressWidth), using: &random),
                         skip: Bool.random(using: &random) ? 0 : Int.random(in: 1...40, using: &random), outputs: words)
        }
    }

    @Test(arguments: [(4, 2, 2, 64), (8, 4, 2, 64), (4, 2, 4, 64), (3, 1, 4, 32), (16, 3, 1, 64), (6, 2, 6, 128)])
    func poolingWriterWritesTheMaxPooling(wordlength: Int, pes: Int, maccs: Int, outputDepth: Int) throws {
        let engine = try EngineUnitTests.engine(wordlength: wordlength, pes: pes, maccs: maccs, outputDepth: outputDepth)
        let c = engine.configuration, unit = PoolingWriter(engine: engine)
        var random = SeededGenerator(seed: UInt64(wordlength * 13 + maccs))
        var layers = (0..<4).map { _ in Self.randomLayer(for: engine, using: &random) }
        // No pooling on one position of one channel; a layer filling the whole buffer; and one
        // whose lines end at the largest address.
        var single = Self.randomLayer(for: engine, using: &random)
        single.channels = 1; single.height = 1; single.width = 1; single.outputs = single.outputs.map { [$0[0]] }
        single.poolHeight = 1; single.poolWidth = 1; single.strideY = 1; single.strideX = 1; single.padTop = 0; single.padLeft = 0
        single.pooledHeight = 1; single.pooledWidth = 1
        layers.append(single)
        let fullChannels = 2 * c.lanes, positions = outputDepth / 2
        layers.append(.init(channels: fullChannels, height: positions / 4, width: 4, poolHeight: 2, poolWidth: 2, strideY: 2,
                            strideX: 2, padTop: 0, padLeft: 0, pooledHeight: positions / 8, pooledWidth: 2,
                            outputAddress: (1 << c.addressWidth) - fullChannels / maccs * positions / 4,
                            outputs: (0..<fullChannels).map { n in
                                (0..<positions).map { ($0 * 7 + n * 3) % (1 << wordlength) - (1 << (wordlength - 1)) }
                            }))
        let memory = RandomMemory(stall: 30, burst: 6, maxLatency: 5, seed: UInt64(pes))
        let (_, requests, status) = unit.trace(layers, memory: memory)
        let lines = layers.flatMap { unit.expectedLines($0) }
        #expect(lines.last?.address == (1 << c.addressWidth) - 1)
        let bundles = try unit.simulationBundles(layers, memory: memory)
        try expectSimulationPasses(bundles[0], checks: requests.compactMap { $0 }.count * 3)
        try expectSimulationPasses(bundles[1], checks: status.count * 4)
        // Stalled requests are offered again: more offers than lines.
        #expect(requests.compactMap { $0 }.count > lines.count)
        try expectLintClean(try Circuit(unit))
    }

    @Test func poolingGoldenModelIsAMaxPooling() throws {
        let unit = PoolingWriter(engine: try EngineUnitTests.engine(wordlength: 8, pes: 2, maccs: 2))
        // Channel 0: 0 … 8 row by row over 3×3; channel 1: its negation. A 2×2 window, stride
        // 2, padding 1: the windows see (0), (1, 2), (3, 6), (4, 5, 7, 8).
        let layer = PoolingWriter.Layer(channels: 2, height: 3, width: 3, poolHeight: 2, poolWidth: 2, strideY: 2, strideX: 2,
                                        padTop: 1, padLeft: 1, pooledHeight: 2, pooledWidth: 2, outputAddress: 40,
                                        outputs: [Array(0..<9), (0..<9).map { -$0 }])
        let lines = unit.expectedLines(layer)
        #expect(lines.map(\.address) == [40, 41, 42, 43])
        #expect(lines.map(\.words) == [[0, 0], [2, -1], [6, -3], [8, -4]])
        // With four channels at two per line, the second group's lines come 5 lines after the first's.
        var skipping = layer
        skipping.channels = 4; skipping.skip = 5; skipping.outputs += skipping.outputs
        #expect(unit.expectedLines(skipping).map(\.address) == [40, 41, 42, 43, 49, 50, 51, 52])
        // One channel of a two-channel line: the other is written as zero.
        var one = layer
        one.channels = 1
        #expect(unit.expectedLines(one).map(\.words) == [[0, 0], [2, 0], [6, 0], [8, 0]])
    }

    // MARK: Descriptor fetch

    @Test(arguments: [(4, 2, 4, 64, 256, 24), (16, 1, 8, 8, 32, 8), (2, 4, 1, 1024, 4096, 32)])
    func descriptorFetchHoldsEachField(wordlength: Int, pes: Int, maccs: Int, maxWindow: Int, activationDepth: Int,
                                       addressWidth: Int) throws {
        let engine = try EngineUnitTests.engine(wordlength: wordlength, pes: pes, maccs: maccs, maxWindow: maxWindow,
                                                activationDepth: activationDepth, outputDepth: activationDepth / 2,
                                                addressWidth: addressWidth)
        let unit = DescriptorFetch(engine: engine)
        let cycles = unit.stimulus(descriptors: 6, seed: UInt64(addressWidth))
        let checked = unit.expectedOutputs(cycles).compactMap { $0 }
        // Checked from the cycle after the first whole descriptor; fetches that wrap included.
        #expect(checked.count == cycles.count - DescriptorField.allCases.count - 1)
        #expect(checked.contains { $0[0] == [EngineRegister.descriptorStride - 1] })
        try expectSimulationPasses(try unit.simulationBundle(cycles), checks: checked.count * (DescriptorFetch.checkedPorts.count + 1))
        try expectLintClean(try Circuit(unit))
    }
}

