/// The pooling writer's walk over the output buffer: per line group (K_t channels of the
/// pooled output), per pooled position, every tap of its window, through a two-stage
/// pipeline (address, then the buffer's words) into a running maximum per channel; a tap in
/// the padding counts as the lowest word. Channels past the layer's last are written as zero.
/// Moves only on `advance`, so that a stalled write holds it.
struct PoolingWalk {
    let engine: LayerEngine
    let lanes: [Memory]
    let descriptor: PortGroup<DescriptorBus>

    /// What the walk gives the writer: a pooled `line` in a cycle where `lineValid` and
    /// `advance` hold, and `groupEnd` when it is its line group's last; `busy` until the last
    /// line has left the pipeline.
    struct Output {
        let lineValid: Signal, line: Signal, groupEnd: Signal, busy: Signal
    }

    func build(_ m: ModuleBuilder, advance: Signal, start: Signal) -> Output {
        let c = engine.configuration, w = c.wordlength, d = descriptor
        let dimensionWidth = engine.dimensionWidth, coordinateWidth = engine.coordinateWidth
        let walking = m.register("walking", .bool, reset: 0)
        let poolY = m.register("pool_y", .uint(dimensionWidth)), poolX = m.register("pool_x", .uint(dimensionWidth))
        let poolOriginY = m.register("pool_origin_y", .sint(coordinateWidth))
        let poolOriginX = m.register("pool_origin_x", .sint(coordinateWidth))
        let poolTapY = m.register("pool_tap_y", .uint(dimensionWidth)), poolTapX = m.register("pool_tap_x", .uint(dimensionWidth))
        let lineGroup = m.register("line_group", .uint(dimensionWidth))
        let lineGroupBase = m.register("line_group_base", .uint(bitsToHold(engine.outputDepth)))
        let slices = c.lanes / c.maccs
        let slice = m.register("slice", .uint(bitsToHold(slices)))
        let poolRow = m.wire("pool_row", (poolOriginY + poolTapY).truncated(to: coordinateWidth + 1))
        let poolColumn = m.wire("pool_column", (poolOriginX + poolTapX).truncated(to: coordinateWidth + 1))
        let poolInside = m.wire("pool_inside", (poolRow >= 0) & (poolRow < d[.outputHeight])
                                    & (poolColumn >= 0) & (poolColumn < d[.outputWidth]))
        let poolEntry = (lineGroupBase + poolRow * d[.outputWidth] + poolColumn).truncated(to: ceilLog2(engine.outputDepth)).asUInt
        let lastTapX = poolTapX + 1 == d[.poolWidth], lastTapY = poolTapY + 1 == d[.poolHeight]
        let lastPosition = (poolX + 1 == d[.pooledWidth]) & (poolY + 1 == d[.pooledHeight])
        m.when(walking & advance) {
            m.when(lastTapX) {
                m.assign(poolTapX, 0)
                m.when(lastTapY) {
                    m.assign(poolTapY, 0)
                    m.when(poolX + 1 == d[.pooledWidth]) {
                        m.assign(poolX, 0); m.connect(poolOriginX, to: engine.negated(d[.poolPadLeft]))
                        m.when(poolY + 1 == d[.pooledHeight]) {
                            m.assign(poolY, 0); m.connect(poolOriginY, to: engine.negated(d[.poolPadTop]))
                            m.when(lineGroup + 1 == d[.outputGroups]) {
                                m.assign(walking, 0)
                            } otherwise: {
                                m.increment(lineGroup)
                                m.advance(slice, of: slices, stepping: lineGroupBase, by: d[.outputPositions])
                            }
                        } otherwise: {
                            m.increment(poolY); m.increment(poolOriginY, by: d[.poolStrideY])
                        }
                    } otherwise: {
                        m.increment(poolX); m.increment(poolOriginX, by: d[.poolStrideX])
                    }
                } otherwise: { m.increment(poolTapY) }
            } otherwise: { m.increment(poolTapX) }
        }
        m.when(start) {
            m.assign(walking, 1)
            m.assign(poolY, 0); m.assign(poolX, 0); m.assign(poolTapY, 0); m.assign(poolTapX, 0)
            m.connect(poolOriginY, to: engine.negated(d[.poolPadTop]))
            m.connect(poolOriginX, to: engine.negated(d[.poolPadLeft]))
            m.assign(lineGroup, 0); m.assign(lineGroupBase, 0); m.assign(slice, 0)
        }

        let tapValid = m.register("tap_valid", .bool, reset: 0)
        let tapInside = m.register("tap_inside_q", .bool), tapEntry = m.register("tap_entry", .uint(ceilLog2(engine.outputDepth)))
        let tapFirst = m.register("tap_first", .bool), tapLast = m.register("tap_last", .bool)
        let tapSlice = m.register("tap_slice", .uint(bitsToHold(slices)))
        let tapLastGroup = m.register("tap_last_group", .bool), tapGroupEnd = m.register("tap_group_end", .bool)
        let readValid = m.register("read_valid", .bool, reset: 0)
        let readInside = m.register("read_inside", .bool), readFirst = m.register("read_first", .bool)
        let readLast = m.register("read_last", .bool), readSlice = m.register("read_slice", .uint(bitsToHold(slices)))
        let readLastGroup = m.register("read_last_group", .bool), readGroupEnd = m.register("read_group_end", .bool)
        let laneWords = (0..<c.lanes).map { l in m.register("lane_word_\(l)", .sint(w)) }
        m.when(advance) {
            m.connect(tapValid, to: walking)
            m.connect(tapInside, to: poolInside)
            m.connect(tapEntry, to: poolEntry)
            m.connect(tapFirst, to: (poolTapX == 0) & (poolTapY == 0))
            m.connect(tapLast, to: lastTapX & lastTapY)
            m.connect(tapSlice, to: slice)
            m.connect(tapLastGroup, to: lineGroup + 1 == d[.outputGroups])
            m.connect(tapGroupEnd, to: lastPosition)
            m.connect(readValid, to: tapValid)
            m.connect(readInside, to: tapInside)
            m.connect(readFirst, to: tapFirst)
            m.connect(readLast, to: tapLast)
            m.connect(readSlice, to: tapSlice)
            m.connect(readLastGroup, to: tapLastGroup)
            m.connect(readGroupEnd, to: tapGroupEnd)
            for l in 0..<c.lanes { m.connect(laneWords[l], to: lanes[l].read(tapEntry)) }
        }

        let lowest = Signal.constant(-(1 << (w - 1)), .sint(w)), zero = Signal.constant(0, .sint(w))
        let poolMax = (0..<c.maccs).map { k in m.register("pool_max_\(k)", .sint(w)) }
        var line: [Signal] = []
        for k in 0..<c.maccs {
            var word = laneWords[k]
            if slices > 1 {
                for s in 1..<slices { word = m.mux(readSlice == s, laneWords[s * c.maccs + k], word) }
            }
            let tap = m.mux(readInside, word, lowest)
            let pooled = m.mux(readFirst, tap, m.mux(poolMax[k] > tap, poolMax[k], tap))
            m.when(advance & readValid) { m.connect(poolMax[k], to: pooled) }
            let kept = m.mux(readLastGroup & (d[.lastLanes] <= k), zero, pooled)
            line.append(kept.asUInt)
        }
        let packed = Signal.concatenation(line.reversed())
        return Output(lineValid: readValid & readLast,
                      line: packed.width < c.lineWidth ? packed.resized(to: c.lineWidth) : packed,
                      groupEnd: readGroupEnd, busy: walking | tapValid | readValid)
    }
}
