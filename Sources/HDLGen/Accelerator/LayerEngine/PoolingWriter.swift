/// The output buffer and the write-back: stores each requantised output position, tile by
/// tile (entries of max(P, K_t) words), then max-pools the buffer (a 1×1 window when the
/// layer has no pooling) and writes one line of K_t channels per pooled position, each line
/// group's after the last's and `descriptor_output_skip` lines (a band's rows of a map held
/// group by group), waiting until every write is acknowledged.
///
/// Ports: `clear` (a new layer: the buffer from entry 0, lines from `output_address`);
/// `computing`, `store_valid`, `words` (P words), `store_enable` (the words are a layer's
/// output, not a chunk's partial result: store them); `tile_done` with a tile's last position;
/// `start` (write back), `writing` (the write-back phase); the layer's geometry
/// (`descriptor_*`, slave); the memory's `request_ready` and `write_done`; the write request
/// (`request_valid`, `request_address`, `request_data`); `written` when all is written.
struct PoolingWriter: Module {
    let engine: LayerEngine

    var name: String { "\(engine.name)_writer" }
    var summary: String { "output buffer and pooling writer of the \(engine.summary)" }

    static let fields: [DescriptorField] = [.outputHeight, .outputWidth, .outputPositions, .poolHeight, .poolWidth,
                                            .poolStrideY, .poolStrideX, .poolPadTop, .poolPadLeft, .pooledHeight,
                                            .pooledWidth, .outputGroups, .lastLanes, .outputSkip]

    func build(_ m: ModuleBuilder) throws {
        let c = engine.configuration, w = c.wordlength
        let clear = m.input("clear", .bool), outputAddress = m.input("output_address", .uint(c.addressWidth))
        let computing = m.input("computing", .bool), storeValid = m.input("store_valid", .bool)
        let words = m.input("words", .sint(w), count: c.pes)
        let storeEnable = m.input("store_enable", .bool)
        let start = m.input("start", .bool), writing = m.input("writing", .bool)
        let d = m.port(DescriptorBus(engine: engine, fields: Self.fields), prefix: "descriptor", as: .slave)
        let requestReady = m.input("request_ready", .bool), writeDone = m.input("write_done", .bool)

        let lanes = (0..<c.lanes).map { l in m.memory("output_lane_\(l)", .sint(w), depth: engine.outputDepth, style: .block) }
        let tileDone = store(words, valid: storeValid, enabled: storeEnable, computing: computing, clear: clear, in: lanes, d, m)

        let writePointer = m.register("write_pointer", .uint(c.addressWidth))
        let pendingValid = m.register("pending_valid", .bool, reset: 0)
        let pendingAddress = m.register("pending_address", .uint(c.addressWidth))
        let pendingData = m.register("pending_data", .uint(c.lineWidth))
        let outstanding = m.register("writes_outstanding", .uint(engine.countWidth), reset: 0)
        let writeAccepted = m.wire("write_accepted", writing & pendingValid & requestReady)
        m.when(writeAccepted & !writeDone) { m.increment(outstanding) }
        m.when(writeDone & !writeAccepted) { m.decrement(outstanding) }
        let advance = m.wire("write_back_advance", !pendingValid | requestReady)
        let pooled = PoolingWalk(engine: engine, lanes: lanes, descriptor: d).build(m, advance: advance, start: start)
        m.when(advance) {
            m.when(pooled.lineValid) {
                m.assign(pendingValid, 1)
                m.connect(pendingData, to: pooled.line)
                m.connect(pendingAddress, to: writePointer)
                m.connect(writePointer, to: m.mux(pooled.groupEnd, (writePointer + d[.outputSkip] + 1).truncated(to: c.addressWidth),
                                                  (writePointer + 1).truncated(to: c.addressWidth)))
            } otherwise: {
                m.assign(pendingValid, 0)
            }
        }
        m.when(clear) { m.connect(writePointer, to: outputAddress) }

        m.output("tile_done", tileDone)
        m.output("request_valid", pendingValid)
        m.output("request_address", pendingAddress)
        m.output("request_data", pendingData)
        m.output("written", writing & !pooled.busy & !pendingValid & (outstanding == 0))
    }

    /// Stores each valid position's P words at its entry (when `enabled`); returns the net that
    /// marks a tile's last position. P < K_t fills an entry's lanes group by group, tile by tile.
    private func store(_ words: [Signal], valid: Signal, enabled: Signal, computing: Signal, clear: Signal, in lanes: [Memory],
                       _ d: PortGroup<DescriptorBus>, _ m: ModuleBuilder) -> Signal {
        let c = engine.configuration, depth = engine.outputDepth
        let position = m.register("position", .uint(bitsToHold(depth)))
        let entryBase = m.register("entry_base", .uint(bitsToHold(depth)))
        let laneGroups = c.lanes / c.pes
        let laneGroup = m.register("lane_group", .uint(bitsToHold(laneGroups)))
        let entry = (entryBase + position).truncated(to: ceilLog2(depth))
        for l in 0..<c.lanes {
            let writing = laneGroups == 1 ? valid & enabled : valid & enabled & (laneGroup == l / c.pes)
            m.when(writing) { m.write(lanes[l], address: entry, data: words[l % c.pes]) }
        }
        let tileDone = m.wire("tile_done_w", valid & (position + 1 == d[.outputPositions]))
        m.when(valid) { m.increment(position) }
        m.when(computing & tileDone) {
            m.assign(position, 0)
            m.advance(laneGroup, of: laneGroups, stepping: entryBase, by: d[.outputPositions])
        }
        m.when(clear) { m.assign(position, 0); m.assign(entryBase, 0); m.assign(laneGroup, 0) }
        return tileDone
    }
}

extension ModuleBuilder {
    /// Moves `group` to the next of `groups` sub-slots of an output-buffer entry, and `base`
    /// on by `step` entries after the last: how P < K_t (or K_t < P) words share an entry.
    func advance(_ group: Signal, of groups: Int, stepping base: Signal, by step: Signal,
                 file: StaticString = #fileID, line: UInt = #line) {
        guard groups > 1 else { return increment(base, by: step, file: file, line: line) }
        when(group + 1 == groups, file: file, line: line) {
            self.assign(group, 0, file: file, line: line)
            self.increment(base, by: step, file: file, line: line)
        } otherwise: {
            self.increment(group, file: file, line: line)
        }
    }
}
