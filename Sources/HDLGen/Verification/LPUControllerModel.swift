import FixedPoint

/// The LPU controller's golden model, from its documented behaviour: per image of a run, the
/// offset and start commands, the wait for the engine, the score reads into a buffer, the
/// beats to the CEU, then a result write or a push on `forward`; one clock edge at a time.
struct LPUControllerModel {
    enum Phase { case idle, offset, start, run, readScores, evaluate, writeResult, forward }

    /// What the top drives in one cycle.
    struct Inputs {
        var run = false, imageCount = 0, imageStride = 0, scoreAddress = 0, resultAddress = 0
        var engineDone = false, forwardReady = false
        var port = ControllerPortModel.Inputs()
        var loadingWeights = false, shift = 0
        var ceuInReady = false, ceuOutValid = false, predicted = 0, confident = false
    }

    let top: CascadeTop
    private(set) var phase = Phase.idle
    private(set) var index = 0, offset = 0, finished = false
    private var port: ControllerPortModel
    /// The score lines read for the current image (the CEU's lanes × w_l low bits of each).
    private var buffer: [Int] = []
    private var fed = 0
    /// The CEU's class for the current image, once it has decided.
    private var predicted: Int?
    /// The memory's read data and the shift of the last `truncationLatency` cycles, oldest first.
    private var past: [(line: Int, shift: Int)] = []

    init(top: CascadeTop) {
        self.top = top
        port = ControllerPortModel(addressWidth: top.addressWidth, responseDelay: top.truncationLatency)
    }

    private var addressMask: Int { (1 << top.addressWidth) - 1 }
    private var owned: Bool { phase == .readScores || phase == .writeResult }
    private var feeding: Bool { phase == .evaluate && fed < top.scoreLines }

    /// Every output in this cycle that the behaviour specifies.
    func outputs(_ inputs: Inputs) -> [String: Int] {
        let write = phase == .writeResult
            ? (address: (inputs.resultAddress + index) & addressMask,
               data: CascadeResultWord(predicted: predicted!, forwarded: false).value) : nil
        var outputs = port.outputs(inputs.port, owned: owned, write: write)
        let writesOffset = phase == .offset
        outputs["command_write"] = writesOffset || phase == .start ? 1 : 0
        outputs["command_address"] = writesOffset ? EngineRegister.imageOffset : EngineRegister.control
        outputs["command_data"] = writesOffset ? offset : 1
        if past.count == top.truncationLatency {
            outputs["engine_mem_read_data"] = inputs.loadingWeights ? truncated(past[0].line, shift: past[0].shift) : past[0].line
        }
        outputs["ceu_in_valid"] = feeding ? 1 : 0
        if feeding { outputs["scores"] = buffer[fed] }
        let awaitsDecision = phase == .evaluate && !feeding
        outputs["ceu_out_ready"] = awaitsDecision ? 1 : 0
        outputs["decided"] = awaitsDecision && inputs.ceuOutValid ? 1 : 0
        outputs["forward_valid"] = phase == .forward ? 1 : 0
        outputs["forward_data"] = index << top.addressWidth | offset
        outputs["finished"] = finished ? 1 : 0
        return outputs
    }

    /// One clock edge.
    mutating func clock(_ inputs: Inputs) {
        let lines = top.scoreLines, writeComplete = port.writeComplete(inputs.port)
        if phase == .readScores && inputs.port.readValid && !port.readsComplete {
            buffer.append(inputs.port.readData & ((1 << (top.confidenceUnit.lanes * top.lpu.wordlength)) - 1))
        }
        let readsComplete = port.readsComplete
        port.clock(inputs.port, owned: owned, writing: phase == .writeResult)
        past.append((inputs.port.readData, inputs.shift))
        if past.count > top.truncationLatency { past.removeFirst() }
        switch phase {
        case .idle where inputs.run:
            index = 0; offset = 0; finished = false
            phase = .offset
        case .offset: phase = .start
        case .start: phase = .run
        case .run where inputs.engineDone:
            port.startReading(from: (inputs.scoreAddress + offset) & addressMask, lines: lines)
            buffer = []
            phase = .readScores
        case .readScores where readsComplete:
            fed = 0
            phase = .evaluate
        case .evaluate:
            if feeding && inputs.ceuInReady { fed += 1 }
            else if !feeding && inputs.ceuOutValid {
                predicted = inputs.predicted
                phase = inputs.confident ? .writeResult : .forward
            }
        case .writeResult where writeComplete: advance(inputs)
        case .forward where inputs.forwardReady: advance(inputs)
        default: break
        }
    }

    /// The next image of the run, or the run's end after the last.
    private mutating func advance(_ inputs: Inputs) {
        let last = index + 1 == inputs.imageCount
        index = (index + 1) & ((1 << top.indexWidth) - 1)
        offset = (offset + inputs.imageStride) & addressMask
        if last { finished = true; phase = .idle } else { phase = .offset }
    }

    /// A weight line as the LPU sees it: each of the K_t w_h-bit words truncated to w_l bits.
    private func truncated(_ line: Int, shift: Int) -> Int {
        let unit = top.truncationUnit, high = unit.highWordlength, low = unit.lowWordlength
        return (0..<unit.lanes).reduce(0) { packed, lane in
            let word = (line >> (lane * high)).wrapped(toWordlength: high)
            return packed | (unit.truncate(word, shift: shift) & ((1 << low) - 1)) << (lane * low)
        }
    }
}
