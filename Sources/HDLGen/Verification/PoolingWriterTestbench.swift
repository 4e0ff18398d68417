import FixedPoint

extension PoolingWriter {
    /// One layer as the writer sees it: the convolution's requantised outputs, `outputs[n][y·W + x]`
    /// for each channel of every tile (those from `channels` on are the engine's spare PEs),
    /// its max pooling, the line its pooled output starts at and the lines left out between
    /// line groups.
    struct Layer {
        var channels: Int, height: Int, width: Int
        var poolHeight: Int, poolWidth: Int, strideY: Int, strideX: Int, padTop: Int, padLeft: Int
        var pooledHeight: Int, pooledWidth: Int
        var outputAddress: Int, skip: Int = 0
        var outputs: [[Int]]
    }

    /// The descriptor fields the writer reads for `layer`.
    func fields(_ layer: Layer) -> [DescriptorField: Int] {
        let l = layer, k = engine.configuration.maccs, groups = (l.channels + k - 1) / k
        return [.outputHeight: l.height, .outputWidth: l.width, .outputPositions: l.height * l.width,
                .poolHeight: l.poolHeight, .poolWidth: l.poolWidth, .poolStrideY: l.strideY, .poolStrideX: l.strideX,
                .poolPadTop: l.padTop, .poolPadLeft: l.padLeft, .pooledHeight: l.pooledHeight, .pooledWidth: l.pooledWidth,
                .outputGroups: groups, .lastLanes: l.channels - (groups - 1) * k, .outputSkip: l.skip]
    }

    /// The lines a max pooling of `layer` gives, in the order they are written: per group of K_t
    /// channels, per pooled row and column, the largest output in the window (a tap in the
    /// padding never chosen; the lowest word if all are), zero for channels past the layer's;
    /// line i of group g at `outputAddress + i + g·skip`.
    func expectedLines(_ layer: Layer) -> [(address: Int, words: [Int])] {
        let c = engine.configuration, l = layer, lowest = -(1 << (c.wordlength - 1))
        var lines: [(address: Int, words: [Int])] = []
        for group in 0..<((l.channels + c.maccs - 1) / c.maccs) {
            for py in 0..<l.pooledHeight {
                for px in 0..<l.pooledWidth {
                    let words = (0..<c.maccs).map { k -> Int in
                        let channel = group * c.maccs + k
                        guard channel < l.channels else { return 0 }
                        var best = lowest
                        for ty in 0..<l.poolHeight {
                            for tx in 0..<l.poolWidth {
                                let y = py * l.strideY - l.padTop + ty, x = px * l.strideX - l.padLeft + tx
                                if y >= 0 && y < l.height && x >= 0 && x < l.width { best = max(best, l.outputs[channel][y * l.width + x]) }
                            }
                        }
                        return best
                    }
                    lines.append(((l.outputAddress + lines.count + group * l.skip) & ((1 << c.addressWidth) - 1), words))
                }
            }
        }
        return lines
    }

    /// What the writer does with `layers`, one after another, against `memory`: per layer,
    /// maybe a pass of an earlier input-channel chunk (every tile's positions offered with
    /// `store_enable` low: counted, never stored), then a clear, each tile's positions stored
    /// with gaps (`tile_done` with the last), the write-back started with the last store. A pooled line leaves the walk three advances after its last
    /// tap (address, words, then the request register), one tap per advance, and the walk
    /// advances whenever no request waits or the memory takes it; `written` once the walk is
    /// empty and every write acknowledged. Returns the stimulus, the request offered in each
    /// cycle (address and line; nil for none) and `tile_done`, `request_valid`, `written`.
    func trace(_ layers: [Layer], memory: RandomMemory)
        -> (stimulus: [String: [[Int]]], requests: [[[Int]]?], status: [[[Int]]]) {
        let c = engine.configuration, w = c.wordlength
        var random = SeededGenerator(seed: UInt64(layers.count)), memory = memory
        var stimulus: [String: [[Int]]] = [:], requests: [[[Int]]?] = [], status: [[[Int]]] = []
        var pending: (address: Int, words: [Int])?, outstanding = 0
        var walk: (lines: [(address: Int, words: [Int])], area: Int, advances: Int)?
        func junk() -> Int { Int.random(in: -(1 << (w - 1))..<(1 << (w - 1)), using: &random) }
        func packed(_ words: [Int]) -> Int {
            Int(bitPattern: UInt(words.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element.bitPattern(wordlength: w)) << UInt64($1.offset * w) }))
        }
        /// One cycle with these inputs; whether `written` holds in it.
        func cycle(_ layer: Layer, clear: Bool = false, computing: Bool = false, store: [Int]? = nil, enabled: Bool = true,
                   tileDone: Bool = false, start: Bool = false, writing: Bool = false) -> Bool {
            let now = status.count, ready = memory.ready(), writeDone = memory.responds(in: now)
            for (field, value) in fields(layer) { stimulus["descriptor_\(snakeCase(field))", default: []].append([value]) }
            let inputs: [String: [Int]] = [
                "clear": [clear ? 1 : 0], "computing": [computing ? 1 : 0], "store_valid": [store == nil ? 0 : 1],
                "store_enable": [store == nil ? Int.random(in: 0...1, using: &random) : enabled ? 1 : 0],
                "words": store ?? (0..<c.pes).map { _ in junk() }, "start": [start ? 1 : 0], "writing": [writing ? 1 : 0],
                "output_address": [clear ? layer.outputAddress : Int.random(in: 0..<(1 << c.addressWidth), using: &random)],
                "request_ready": [ready ? 1 : 0], "write_done": [writeDone ? 1 : 0]]
            for (port, value) in inputs { stimulus[port, default: []].append(value) }
            let busy = walk.map { $0.advances < $0.lines.count * $0.area + 2 } ?? false
            let written = writing && !busy && pending == nil && outstanding == 0
            requests.append(pending.map { [[$0.address], [packed($0.words)]] })
            status.append([[tileDone ? 1 : 0], [pending == nil ? 0 : 1], [written ? 1 : 0]])
            // The cycle's end: the memory takes the request, acknowledges one, the walk advances.
            if writing && pending != nil && ready { memory.take(in: now); outstanding += 1 }
            if writeDone { outstanding -= 1 }
            if pending == nil || ready {
                pending = nil
                if var current = walk {
                    current.advances += 1
                    let tap = current.advances - 3
                    if tap >= 0 && (tap + 1) % current.area == 0 && tap < current.lines.count * current.area {
                        pending = current.lines[tap / current.area]
                    }
                    walk = current
                }
            }
            if start { walk = (expectedLines(layer), layer.poolHeight * layer.poolWidth, 0) }
            return written
        }
        for layer in layers {
            let tiles = (layer.channels + c.pes - 1) / c.pes, positions = layer.height * layer.width
            if Bool.random(using: &random) {
                _ = cycle(layer, clear: true)
                for _ in 0..<tiles {
                    for position in 0..<positions {
                        _ = cycle(layer, computing: true, store: (0..<c.pes).map { _ in junk() }, enabled: false,
                                  tileDone: position == positions - 1)
                    }
                }
            }
            _ = cycle(layer, clear: true)
            for tile in 0..<tiles {
                for _ in 0..<Int.random(in: 0...2, using: &random) { _ = cycle(layer) }
                for position in 0..<positions {
                    for _ in 0..<(Int.random(in: 0..<4, using: &random) == 0 ? 2 : 0) { _ = cycle(layer, computing: true) }
                    let last = position == positions - 1
                    _ = cycle(layer, computing: true, store: (0..<c.pes).map { layer.outputs[tile * c.pes + $0][position] },
                              tileDone: last, start: last && tile == tiles - 1)
                }
            }
            while !cycle(layer, writing: true) {}
        }
        _ = cycle(layers[layers.count - 1])
        return (stimulus, requests, status)
    }

    /// The RTL with a testbench that checks every request it offers in `trace` (address, line,
    /// cycle), and the RTL wrapped to be sampled with one that checks `tile_done`,
    /// `request_valid` and `written` in every cycle.
    func simulationBundles(_ layers: [Layer], memory: RandomMemory) throws -> [SimulationBundle] {
        let (stimulus, requests, status) = trace(layers, memory: memory)
        let circuit = try Circuit(self)
        let offered = requests.indices.filter { requests[$0] != nil }
        let check = Testbench.OutputCheck(valid: "request_valid", ports: ["request_address", "request_data"],
                                          beats: offered.map { requests[$0]! }, cycles: offered)
        return [SimulationBundle(circuit: circuit, testbench: try Testbench(dut: circuit.top, stimulus: stimulus, check: check,
                                                                            drainCycles: 2)),
                try .sampled(self, stimulus: stimulus, ports: ["tile_done", "request_valid", "written"], expected: status)]
    }
}
