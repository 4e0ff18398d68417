import FixedPoint

/// The HPU controller's golden model, from its documented behaviour: while the cascade runs
/// and it is idle, it takes a forwarded image, commands its offset and start, waits for the
/// engine, reads the C scores and writes the class of the first best; one clock edge at a time.
struct HPUControllerModel {
    enum Phase { case idle, offset, start, run, readScores, writeResult }

    /// What the top drives in one cycle.
    struct Inputs {
        var running = false, scoreAddress = 0, resultAddress = 0, engineDone = false
        var queueValid = false, queueData = 0
        var port = ControllerPortModel.Inputs()
    }

    let top: CascadeTop
    private(set) var phase = Phase.idle
    private var index = 0, offset = 0
    private var port: ControllerPortModel
    /// The scores of the current image read so far, class 0 first (padding included).
    private var scores: [Int] = []

    init(top: CascadeTop) {
        self.top = top
        port = ControllerPortModel(addressWidth: top.addressWidth, responseDelay: 0)
    }

    private var addressMask: Int { (1 << top.addressWidth) - 1 }
    private var owned: Bool { phase == .readScores || phase == .writeResult }

    /// The lowest class with the highest of the C scores (padding past C never counts).
    var best: Int {
        let real = scores.prefix(top.classes)
        return real.indices.first { real[$0] == real.max() } ?? 0
    }

    /// Every output in this cycle that the behaviour specifies.
    func outputs(_ inputs: Inputs) -> [String: Int] {
        let write = phase == .writeResult
            ? (address: (inputs.resultAddress + index) & addressMask, data: CascadeResultWord(predicted: best, forwarded: true).value)
            : nil
        var outputs = port.outputs(inputs.port, owned: owned, write: write)
        let writesOffset = phase == .offset
        outputs["command_write"] = writesOffset || phase == .start ? 1 : 0
        outputs["command_address"] = writesOffset ? EngineRegister.imageOffset : EngineRegister.control
        outputs["command_data"] = writesOffset ? offset : 1
        outputs["engine_mem_read_data"] = inputs.port.readData
        outputs["queue_ready"] = phase == .idle && inputs.running ? 1 : 0
        outputs["idle"] = phase == .idle ? 1 : 0
        return outputs
    }

    /// One clock edge.
    mutating func clock(_ inputs: Inputs) {
        let k = top.hpu.maccs, w = top.hpu.wordlength
        if phase == .readScores && inputs.port.readValid && !port.readsComplete {
            scores += (0..<k).map { (inputs.port.readData >> ($0 * w)).wrapped(toWordlength: w) }
        }
        let readsComplete = port.readsComplete, writeComplete = port.writeComplete(inputs.port)
        port.clock(inputs.port, owned: owned, writing: phase == .writeResult)
        switch phase {
        case .idle where inputs.running && inputs.queueValid:
            index = inputs.queueData >> top.addressWidth & ((1 << top.indexWidth) - 1)
            offset = inputs.queueData & addressMask
            phase = .offset
        case .offset: phase = .start
        case .start: phase = .run
        case .run where inputs.engineDone:
            port.startReading(from: (inputs.scoreAddress + offset) & addressMask, lines: top.scoreLines)
            scores = []
            phase = .readScores
        case .readScores where readsComplete: phase = .writeResult
        case .writeResult where writeComplete: phase = .idle
        default: break
        }
    }
}
