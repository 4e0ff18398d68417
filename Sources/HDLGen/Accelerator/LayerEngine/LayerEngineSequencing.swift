/// The sequencing of `LayerEngine.build`: tiles within a band, then bands, layers and starts.
extension LayerEngine {
    /// The loads and the tiles of a band, chunk by chunk: the input, then per tile its biases
    /// and weights; the next tile starts once this one is done and its weights are in, and the
    /// one after it (if any) starts loading at once. The next chunk reloads the input and
    /// runs every tile again, its weights the ones after the last chunk's.
    func buildTileSequencing(_ m: ModuleBuilder, _ control: Control, _ loads: Loads, _ output: OutputStage) {
        let c = configuration, phase = control.phase, prefetch = loads.prefetch, loader = loads.loader
        let loaded = loads.loaded, tile = loads.tile, lastTile = output.lastTile
        let tileDone = output.writer.port("tile_done")
        func field(_ f: DescriptorField) -> Signal { control.field(f) }
        let waiting = m.register("waiting_for_weights", .bool, reset: 0)
        let prefetched = prefetch.is(.ready) | (prefetch.is(.weights) & loaded)
        let nextTile = m.wire("next_tile", phase.is(.compute) & (tileDone | waiting) & !lastTile & prefetched)
        let tileAfterNext = tile + 2 < field(.tiles)
        let computeStart = phase.is(.loadWeights) & loaded
        let prefetchStart = (computeStart & !lastTile) | (nextTile & tileAfterNext)
        m.connect(output.compute.im2col.port("start"), to: computeStart | nextTile)
        let chunkStart = phase.is(.nextChunk)
        let inputLoad = control.bandStart | chunkStart, biasLoad = (phase.is(.loadInput) & loaded) | prefetchStart
        let weightLoad = (phase.is(.loadBias) | prefetch.is(.bias)) & loaded
        m.connect(loader.port("start"), to: inputLoad | biasLoad | weightLoad)
        let inputOffset = (control.inputOffset + control.chunkOffset).truncated(to: c.addressWidth)
        m.connect(loader.port("address"), to: m.mux(inputLoad, control.located(.inputAddress, inputOffset),
                                                    m.mux(biasLoad, loads.biasPointer, loads.weightPointer)))
        let parameterLines = m.mux(biasLoad, .constant(c.pes, .uint(countWidth)),
                                   (field(.beats).resized(to: countWidth) * c.pes).truncated(to: countWidth))
        m.connect(loader.port("lines"), to: m.mux(inputLoad, field(.inputLines).resized(to: countWidth), parameterLines))
        // Biases and weights are consecutive lines: one segment.
        m.connect(loader.port("segment"), to: m.mux(inputLoad, field(.inputSegment).resized(to: countWidth), parameterLines))
        m.connect(loader.port("skip"), to: m.mux(inputLoad, field(.inputSkip), .constant(0, .uint(c.addressWidth))))

        for state in [Phase.fetch, .nextBand] {
            m.when(phase.is(state) & control.bandStart) {
                phase.go(to: .loadInput)
                m.connect(loads.biasPointer, to: field(.biasAddress))
                m.connect(loads.weightPointer, to: field(.weightAddress))
                m.assign(tile, 0)
            }
        }
        // The next chunk: its input, then the tiles' biases again and the weights that follow.
        m.when(chunkStart) {
            phase.go(to: .loadInput)
            m.connect(loads.biasPointer, to: field(.biasAddress))
            m.assign(tile, 0)
        }
        m.when(phase.is(.loadInput) & loaded) { phase.go(to: .loadBias) }
        // A tile's biases, then its weights, in (now or ahead): each pointer moves to the next tile's.
        m.when(weightLoad) { m.connect(loads.biasPointer, to: loads.readAddress) }
        m.when((phase.is(.loadWeights) | prefetch.is(.weights)) & loaded) { m.connect(loads.weightPointer, to: loads.readAddress) }
        m.when(phase.is(.loadBias) & loaded) { phase.go(to: .loadWeights) }
        m.when(phase.is(.loadWeights) & loaded) { phase.go(to: .compute) }
        m.when(prefetch.is(.bias) & loaded) { prefetch.go(to: .weights) }
        m.when(prefetch.is(.weights) & loaded) { prefetch.go(to: .ready) }
        m.when(phase.is(.compute) & tileDone & !lastTile & !prefetched) { m.assign(waiting, 1) }
        m.when(nextTile) {
            m.assign(waiting, 0)
            m.increment(tile)
            m.connect(loads.bank, to: !loads.bank)
            for p in 0..<c.pes { m.connect(loads.biases[p], to: loads.nextBiases[p]) }
        }
        // The next tile's loads are in (or their last response is): the one after it starts.
        for state in [Prefetch.ready, .weights] {
            m.when(nextTile & prefetch.is(state)) {
                m.when(tileAfterNext) { prefetch.go(to: .bias) } otherwise: { prefetch.go(to: .idle) }
            }
        }
        m.when(prefetch.is(.idle) & computeStart & !lastTile) { prefetch.go(to: .bias) }
        m.when(phase.is(.compute) & tileDone & lastTile) {
            m.increment(tile)
            m.when(control.lastChunk) {
                phase.go(to: .writeBack)
                m.assign(control.chunk, 0)
                m.assign(control.chunkOffset, 0)
            } otherwise: {
                phase.go(to: .nextChunk)
                m.increment(control.chunk)
                m.connect(control.chunkOffset, to: (control.chunkOffset + field(.chunkAdvance)).truncated(to: c.addressWidth))
            }
        }
    }

    /// Bands, layers and starts: the next band once a band is written, the next layer once
    /// its last band is, done after the start's last layer (each layer's cycles recorded);
    /// and the memory port, the writer's in write-back and the loader's otherwise.
    func buildLayerSequencing(_ m: ModuleBuilder, _ control: Control, _ loads: Loads, _ output: OutputStage) {
        let c = configuration, phase = control.phase, registers = control.registers
        let (layer, cycles, done, band) = (control.layer, control.cycles, control.done, control.band)
        let start = registers.port("start"), layerCount = registers.port("layer_count")
        let firstLayer = registers.port("first_layer")
        let bandWritten = phase.is(.writeBack) & output.writer.port("written"), lastBand = band + 1 >= control.field(.bands)
        let layerWritten = bandWritten & lastBand, lastLayer = layer + 1 == layerCount
        m.connect(control.fetch.port("restart"), to: (phase.is(.idle) & start) | (layerWritten & !lastLayer))
        // The count including this cycle, so that the first layer's entry is its whole time.
        m.connect(registers.port("cycle_write"), to: layerWritten)
        m.connect(registers.port("cycle_slot"), to: layer.truncated(to: ceilLog2(c.layerSlots)))
        m.connect(registers.port("cycle_value"), to: (cycles + 1).bits(31, 0))
        m.when(phase.is(.idle) & start) {
            m.assign(cycles, 0)
            m.assign(done, 0)
            m.connect(layer, to: firstLayer)
            m.when(firstLayer < layerCount) { phase.go(to: .fetch) } otherwise: { m.assign(done, 1) }
        }
        m.when(bandWritten & !lastBand) {
            phase.go(to: .nextBand)
            m.increment(band)
            m.connect(control.inputOffset, to: (control.inputOffset + control.field(.inputAdvance)).truncated(to: c.addressWidth))
            m.connect(control.outputOffset, to: (control.outputOffset + control.field(.outputAdvance)).truncated(to: c.addressWidth))
        }
        m.when(layerWritten) {
            m.assign(band, 0)
            m.assign(control.inputOffset, 0)
            m.assign(control.outputOffset, 0)
            m.when(lastLayer) {
                phase.go(to: .idle)
                m.assign(done, 1)
            } otherwise: {
                m.increment(layer)
                phase.go(to: .fetch)
            }
        }

        let writing = phase.is(.writeBack), memPort = control.memPort, writer = output.writer
        m.connect(memPort.requestValid, to: m.mux(writing, writer.port("request_valid"), loads.loader.port("requesting")))
        m.connect(memPort.requestWrite, to: writing)
        m.connect(memPort.requestAddress, to: m.mux(writing, writer.port("request_address"), loads.readAddress))
        m.connect(memPort.requestData, to: writer.port("request_data"))
        m.output("base_address", registers.port("base_address"))
        m.output("busy", control.busy)
        m.output("done", done)
        m.output("current_layer", layer)
        m.output("loading_weights", phase.is(.loadWeights) | loads.prefetch.is(.weights))
    }
}
