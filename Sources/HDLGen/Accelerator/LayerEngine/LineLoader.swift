/// Streams memory lines into the engine's buffers: on `start`, `lines` read requests from
/// `address` on, issued as the memory accepts them, in segments of `segment` consecutive
/// lines with `skip` lines left out after each (a band's rows of every channel group); each
/// response is numbered by its index and, for weights, by its PE and beat (P·beats lines,
/// PE by PE).
///
/// Ports: `active` (a load phase), `start`, `address`, `lines`, `segment`, `skip`, `beats`
/// (the layer's beats per window); the memory's `request_ready` and `read_valid`; `requesting` (a read request
/// is offered at `read_address`), `loaded` (every response has arrived), and the current
/// response's `response_index`, `response_pe`, `response_beat`.
struct LineLoader: Module {
    let engine: LayerEngine

    var name: String { "\(engine.name)_loader" }
    var summary: String { "line loader of the \(engine.summary)" }

    func build(_ m: ModuleBuilder) throws {
        let c = engine.configuration, countWidth = engine.countWidth
        let active = m.input("active", .bool), start = m.input("start", .bool)
        let address = m.input("address", .uint(c.addressWidth)), lines = m.input("lines", .uint(countWidth))
        let segment = m.input("segment", .uint(countWidth)), skip = m.input("skip", .uint(c.addressWidth))
        let beats = m.input("beats", engine.fieldType(.beats))
        let requestReady = m.input("request_ready", .bool), readValid = m.input("read_valid", .bool)

        let readAddress = m.register("read_address_q", .uint(c.addressWidth))
        let readsLeft = m.register("reads_left", .uint(countWidth), reset: 0)
        let responsesLeft = m.register("responses_left", .uint(countWidth), reset: 0)
        let responseIndex = m.register("response_index_q", .uint(countWidth))
        let responseBeat = m.counter("beat_in_window", limit: beats)
        let responsePE = m.register("response_pe_q", .uint(bitsToHold(c.pes)))
        let segmentLines = m.register("segment_lines", .uint(countWidth))
        let segmentLeft = m.register("segment_left", .uint(countWidth))
        let skipLines = m.register("skip_lines", .uint(c.addressWidth))
        let requesting = m.wire("requesting_w", active & (readsLeft != 0))
        m.when(requesting & requestReady) {
            m.decrement(readsLeft)
            m.when(segmentLeft == 1) {
                m.connect(readAddress, to: (readAddress + skipLines + 1).truncated(to: c.addressWidth))
                m.connect(segmentLeft, to: segmentLines)
            } otherwise: {
                m.increment(readAddress)
                m.decrement(segmentLeft)
            }
        }
        m.when(readValid) {
            m.decrement(responsesLeft)
            m.increment(responseIndex)
            m.when(responseBeat.last) { m.increment(responsePE) }
            responseBeat.advance()
        }
        m.when(start) {
            m.connect(readAddress, to: address)
            m.connect(readsLeft, to: lines)
            m.connect(responsesLeft, to: lines)
            m.connect(segmentLines, to: segment)
            m.connect(segmentLeft, to: segment)
            m.connect(skipLines, to: skip)
            m.assign(responseIndex, 0)
            responseBeat.clear()
            m.assign(responsePE, 0)
        }
        m.output("requesting", requesting)
        m.output("read_address", readAddress)
        m.output("loaded", active & (responsesLeft == 0))
        m.output("response_index", responseIndex)
        m.output("response_beat", responseBeat.value)
        m.output("response_pe", responsePE)
    }
}
