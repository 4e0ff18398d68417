/// The golden model of a controller's memory port (`ControllerPort`): the engine's requests
/// pass while the controller does not hold the port; while it holds it, it requests its score
/// lines one after another as memory takes them, then offers its result write once.
struct ControllerPortModel {
    /// What memory and the engine drive in one cycle.
    struct Inputs {
        var requestReady = false, readValid = false, readData = 0, writeDone = false
        var engineValid = false, engineWrite = false, engineAddress = 0, engineData = 0
    }

    let addressWidth: Int
    /// Cycles the engine's responses take to reach it (the LPU's truncation unit).
    let responseDelay: Int
    private(set) var lines = 0, requested = 0, received = 0
    /// The first line of the reads.
    private(set) var base = 0
    /// The controller's write is taken and its acknowledgement not yet in.
    private(set) var writeSent = false
    /// The engine's responses on their way to it, oldest first: (read valid, write done).
    private var inFlight: [(read: Bool, done: Bool)]

    init(addressWidth: Int, responseDelay: Int) {
        self.addressWidth = addressWidth
        self.responseDelay = responseDelay
        inFlight = Array(repeating: (false, false), count: responseDelay)
    }

    /// Begins reading `lines` lines from `address` on.
    mutating func startReading(from address: Int, lines: Int) {
        base = address; self.lines = lines; requested = 0; received = 0
    }

    var readsComplete: Bool { received == lines }
    func writeComplete(_ inputs: Inputs) -> Bool { writeSent && inputs.writeDone }

    /// The port's outputs in a cycle: the controller's own requests while it holds the port
    /// (`write`: the result write it wants to make), else the engine's. Request data is
    /// specified only for a write or the engine's request.
    func outputs(_ inputs: Inputs, owned: Bool, write: (address: Int, data: Int)?) -> [String: Int] {
        let offered = owned ? write.flatMap { writeSent ? nil : $0 } : nil
        // The engine gets only the responses that came while the controller did not hold the port.
        let response = responseDelay == 0 ? (read: inputs.readValid && !owned, done: inputs.writeDone && !owned) : inFlight[0]
        var outputs: [String: Int] = ["engine_mem_req_ready": !owned && inputs.requestReady ? 1 : 0,
                                      "engine_mem_read_valid": response.read ? 1 : 0,
                                      "engine_mem_write_done": response.done ? 1 : 0]
        if owned {
            outputs["mem_req_valid"] = requested < lines || offered != nil ? 1 : 0
            outputs["mem_req_write"] = offered != nil ? 1 : 0
            // Between requests, the address of the next line it would read.
            outputs["mem_req_address"] = offered?.address ?? (base + requested) & ((1 << addressWidth) - 1)
            if let offered { outputs["mem_req_data"] = offered.data }
        } else {
            outputs["mem_req_valid"] = inputs.engineValid ? 1 : 0
            outputs["mem_req_write"] = inputs.engineWrite ? 1 : 0
            outputs["mem_req_address"] = inputs.engineAddress
            outputs["mem_req_data"] = inputs.engineData
        }
        return outputs
    }

    /// One clock edge: a read request or the write taken, a response counted, the write
    /// acknowledged; the engine's responses (those that came while not held) move on.
    mutating func clock(_ inputs: Inputs, owned: Bool, writing: Bool) {
        if owned && requested < lines && inputs.requestReady { requested += 1 }
        if inputs.readValid && received < lines { received += 1 }
        if writeComplete(inputs) { writeSent = false }
        else if owned && writing && inputs.requestReady { writeSent = true }
        if responseDelay > 0 {
            inFlight.removeFirst()
            inFlight.append((inputs.readValid && !owned, inputs.writeDone && !owned))
        }
    }
}
