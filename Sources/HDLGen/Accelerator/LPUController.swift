/// The LPU side of the `CascadeTop`: for each image of a run, sets the LPU's image offset and
/// starts it, reads its C class scores back into a buffer, streams them to the CEU one line a
/// beat and, by the CEU's decision, writes the result word or pushes the image on `forward`
/// (waiting while the queue is full). Holds the LPU's memory port to read and write
/// (`ControllerPort`), and puts the weight-truncation unit on every response the engine gets.
struct LPUController: Module {
    let top: CascadeTop

    var name: String { "\(top.name)_lpu" }
    var summary: String { "the LPU side of the cascade: run, score, decide, forward" }

    enum State: CaseIterable { case idle, offset, start, run, readScores, evaluate, writeResult, forward }

    func build(_ m: ModuleBuilder) throws {
        let t = top, a = t.addressWidth
        let run = m.input("run", .bool)
        let imageCount = m.input("image_count", .uint(t.indexWidth))
        let imageStride = m.input("image_stride", .uint(a))
        let scoreAddress = m.input("score_address", .uint(a))
        let resultAddress = m.input("result_address", .uint(a))
        let engineDone = m.input("engine_done", .bool)
        let forward = m.port(Stream(dataWidth: t.queueEntryWidth), prefix: "forward", as: .master)

        let state = m.stateMachine("state", State.self, reset: .idle)
        let index = m.register("index", .uint(t.indexWidth), reset: 0)
        let offset = m.register("offset", .uint(a), reset: 0)
        let finished = m.register("finished_q", .bool, reset: 0)
        let predicted = m.register("predicted_class", .uint(16))
        let port = ControllerPort(m, lineWidth: t.lineWidth, addressWidth: a, countWidth: bitsToHold(t.scoreLines))
        EngineCommand.runImage(m, state, steps: (.offset, .start, .run, .readScores), registerWidth: t.engineRegisterWidth,
                               imageOffset: offset, engineDone: engineDone, port: port, scoreAddress: scoreAddress,
                               lines: t.scoreLines)
        let owns = m.wire("controller_owns", state.is(.readScores) | state.is(.writeResult))
        port.connect(owned: owns, responseDelay: t.truncationLatency, writing: state.is(.writeResult),
                     address: (resultAddress + index).truncated(to: a),
                     data: CascadeTop.resultWord(predicted: predicted, forwarded: false))
        try truncateWeights(m, port)

        let decision = evaluate(m, port, readingScores: owns, evaluating: state.is(.evaluate))
        m.when(state.is(.evaluate) & decision.decided) {
            m.connect(predicted, to: decision.predicted)
            m.when(decision.confident) { state.go(to: .writeResult) } otherwise: { state.go(to: .forward) }
        }
        func advanceImage() {
            m.increment(index)
            m.connect(offset, to: (offset + imageStride).truncated(to: a))
            m.when(index + 1 == imageCount) { m.assign(finished, 1); state.go(to: .idle) } otherwise: { state.go(to: .offset) }
        }
        m.when(state.is(.idle) & run) {
            m.assign(index, 0); m.assign(offset, 0); m.assign(finished, 0)
            state.go(to: .offset)
        }
        m.when(state.is(.readScores) & port.readsComplete) { state.go(to: .evaluate); decision.restart() }
        m.when(state.is(.writeResult) & port.writeComplete) { advanceImage() }
        m.connect(forward.valid, to: state.is(.forward))
        m.connect(forward.data, to: .concatenation([index, offset]))
        m.when(state.is(.forward) & forward.ready) { advanceImage() }
        m.output("finished", finished)
    }

    /// The truncation unit on the engine's responses: weight lines become w_l words (at the
    /// layer's `shift`), other lines pass, both `truncationLatency` cycles late.
    private func truncateWeights(_ m: ModuleBuilder, _ port: ControllerPort) throws {
        let t = top
        let loadingWeights = m.input("loading_weights", .bool)
        let shift = m.input("shift", .uint(t.truncationUnit.shiftWidth))
        let truncation = try m.instance(t.truncationUnit, name: "truncation")
        m.connect(truncation.port("weights"), to: port.readData.bits(t.lpu.maccs * t.hpu.wordlength - 1, 0))
        m.connect(truncation.port("shift"), to: shift)
        m.connect(truncation.port("valid"), to: port.readValid)
        _ = truncation.port("done")
        let passed = m.delayed(port.readData, by: t.truncationLatency, name: "passed_read_data")
        let truncatedLine = truncation.port("truncated").resized(to: t.lineWidth)
        m.connect(port.engine.readData, to: m.mux(loadingWeights, truncatedLine, passed))
    }

    /// The CEU's side: `ceu_in` (with `scores`, one buffered line a beat) and `ceu_out` (with
    /// `predicted`, `confident`); `decided` pulses as a decision is taken.
    private struct Decision {
        let m: ModuleBuilder
        let feed: Signal
        let decided: Signal, predicted: Signal, confident: Signal
        /// Starts streaming the buffered lines from the first.
        func restart() { m.assign(feed, 0) }
    }

    private func evaluate(_ m: ModuleBuilder, _ port: ControllerPort, readingScores: Signal, evaluating: Signal) -> Decision {
        let t = top, lines = t.scoreLines, lineWidth = t.confidenceUnit.lanes * t.lpu.wordlength
        let ceuIn = m.port(Stream(), prefix: "ceu_in", as: .master)
        let ceuOut = m.port(Stream(), prefix: "ceu_out", as: .slave)
        let predicted = m.input("predicted", .uint(t.confidenceUnit.indexWidth))
        let confident = m.input("confident", .bool)
        let slots = max(2, nextPowerOfTwo(lines)), slotBits = ceilLog2(slots)
        let buffer = m.memory("scores_buffer", .uint(lineWidth), depth: slots)
        m.when(port.readValid & readingScores) {
            // Exact: while the controller reads, a response's index is below ⌈C / K_t⌉ ≤ `slots`.
            m.write(buffer, address: port.responseIndex.truncated(to: slotBits), data: port.readData.bits(lineWidth - 1, 0))
        }
        let feed = m.register("ceu_feed", .uint(bitsToHold(lines)), reset: 0)
        let feeding = m.wire("ceu_feeding", evaluating & (feed != lines))
        // Exact while feeding (feed < ⌈C / K_t⌉); once feed reaches it, the word is not read.
        m.output("scores", buffer.read(feed.truncated(to: slotBits)))
        m.connect(ceuIn.valid, to: feeding)
        m.connect(ceuOut.ready, to: evaluating & !feeding)
        m.when(feeding & ceuIn.ready) { m.increment(feed) }
        let decided = m.wire("ceu_decided", !feeding & ceuOut.valid)
        m.output("decided", evaluating & decided)
        return Decision(m: m, feed: feed, decided: decided, predicted: predicted.resized(to: 16), confident: confident)
    }
}
