/// The HPU side of the `CascadeTop`: while the cascade is `running` and idle itself, takes a
/// forwarded image from `queue`, sets the HPU's image offset and starts it, reads its C class
/// scores back through an argmax (ties to the lowest class) and writes the result word.
/// Holds the HPU's memory port to read and write (`ControllerPort`).
struct HPUController: Module {
    let top: CascadeTop

    var name: String { "\(top.name)_hpu" }
    var summary: String { "the HPU side of the cascade: take a forwarded image, run, argmax" }

    enum State: CaseIterable { case idle, offset, start, run, readScores, writeResult }

    /// The argmax of one score line of the HPU.
    var argmax: Argmax {
        // CascadeTop.init checked K_t ≤ 1024 (the engine's), w_h ≤ 16 and C ≤ 4096 (the CEU's).
        try! Argmax(lanes: top.hpu.maccs, wordlength: top.hpu.wordlength, classes: top.classes)
    }

    func build(_ m: ModuleBuilder) throws {
        let t = top, a = t.addressWidth, k = t.hpu.maccs, w = t.hpu.wordlength
        let running = m.input("running", .bool)
        let scoreAddress = m.input("score_address", .uint(a))
        let resultAddress = m.input("result_address", .uint(a))
        let engineDone = m.input("engine_done", .bool)
        let queue = m.port(Stream(dataWidth: t.queueEntryWidth), prefix: "queue", as: .slave)

        let state = m.stateMachine("state", State.self, reset: .idle)
        let index = m.register("index", .uint(t.indexWidth))
        let offset = m.register("offset", .uint(a))
        let port = ControllerPort(m, lineWidth: t.lineWidth, addressWidth: a, countWidth: bitsToHold(t.scoreLines))
        EngineCommand.runImage(m, state, steps: (.offset, .start, .run, .readScores), registerWidth: t.engineRegisterWidth,
                               imageOffset: offset, engineDone: engineDone, port: port, scoreAddress: scoreAddress,
                               lines: t.scoreLines)
        let owns = m.wire("controller_owns", state.is(.readScores) | state.is(.writeResult))
        let unit = argmax
        let bestIndex = m.register("best_class", .uint(unit.indexWidth))
        port.connect(owned: owns, responseDelay: 0, writing: state.is(.writeResult),
                     address: (resultAddress + index).truncated(to: a),
                     data: CascadeTop.resultWord(predicted: bestIndex.resized(to: 16), forwarded: true))
        m.connect(port.engine.readData, to: port.readData)

        m.connect(queue.ready, to: state.is(.idle) & running)
        m.when(state.is(.idle) & running & queue.valid) {
            m.connect(index, to: queue.data.bits(t.queueEntryWidth - 1, a))
            m.connect(offset, to: queue.data.bits(a - 1, 0))
            state.go(to: .offset)
        }
        // The argmax of each score line, then against the best so far (a tie keeps the earlier line).
        let lineArgmax = try m.instance(unit, name: "argmax")
        // Exact while reading: the line's first class, below ⌈C / K_t⌉·K_t, fits the argmax's index.
        m.connect(lineArgmax.port("base"), to: m.wire("line_class", (port.responseIndex * k).truncated(to: unit.indexWidth)))
        m.connect(lineArgmax.port("scores"), to: port.readData.bits(k * w - 1, 0))
        let bestValue = m.register("best_score", .sint(w))
        let improves = (port.responseIndex == 0) | (lineArgmax.port("best") > bestValue)
        m.when(port.readValid & owns & improves) {
            m.connect(bestValue, to: lineArgmax.port("best"))
            m.connect(bestIndex, to: lineArgmax.port("best_index"))
        }
        m.when(state.is(.readScores) & port.readsComplete) { state.go(to: .writeResult) }
        m.when(state.is(.writeResult) & port.writeComplete) { state.go(to: .idle) }
        m.output("idle", state.is(.idle))
    }
}
