import FixedPoint

/// How busy a cascade controller's surroundings are in its open-loop stimulus: memory stalls
/// and latency, the engine's requests and run time, and the back-pressure of the CEU and queue.
struct ControllerTraffic: Sendable {
    var memoryStall: Int, memoryBurst: Int, memoryLatency: Int
    var engineRequests: Int, engineDelay: Int
    var stall: Int, burst: Int

    /// Nothing waits: memory takes every request and answers in a cycle, the engine is done at
    /// once, the CEU and queue are always ready: each step at its shortest.
    static let calm = ControllerTraffic(memoryStall: 0, memoryBurst: 1, memoryLatency: 1, engineRequests: 0,
                                        engineDelay: 0, stall: 0, burst: 1)
    /// Stalls in bursts, late responses, engines that work a while, a queue full for long stretches.
    static let busy = ControllerTraffic(memoryStall: 25, memoryBurst: 6, memoryLatency: 6, engineRequests: 6,
                                        engineDelay: 8, stall: 30, burst: 24)
}

/// The memory behind a controller's port: `RandomMemory`'s timing, a read response or a write
/// acknowledgement per request in request order, and random lines even where none is valid.
struct ControllerMemory {
    let lineWidth: Int, wordlength: Int
    private var timing: RandomMemory
    private var writes: [Bool] = []

    init(lineWidth: Int, wordlength: Int, traffic: ControllerTraffic, seed: UInt64) {
        self.lineWidth = lineWidth; self.wordlength = wordlength
        timing = RandomMemory(stall: traffic.memoryStall, burst: traffic.memoryBurst, maxLatency: traffic.memoryLatency,
                              seed: seed)
    }

    /// This cycle's readiness, response and read data.
    mutating func drive(_ inputs: inout ControllerPortModel.Inputs, cycle: Int, using random: inout SeededGenerator) {
        inputs.requestReady = timing.ready()
        let write = timing.responds(in: cycle) ? writes.removeFirst() : nil
        inputs.readValid = write == false
        inputs.writeDone = write == true
        inputs.readData = randomLine(lineWidth: lineWidth, wordlength: wordlength, using: &random)
    }

    /// Takes the request the controller offers, if the port was ready.
    mutating func take(_ outputs: [String: Int], _ inputs: ControllerPortModel.Inputs, cycle: Int) {
        guard outputs["mem_req_valid"] == 1 && inputs.requestReady else { return }
        timing.take(in: cycle)
        writes.append(outputs["mem_req_write"] == 1)
    }
}

/// A line of `lineWidth` bits (at most 64) whose `wordlength`-bit words are random, the
/// extremes and their neighbours, or a few values close together (so that scores tie).
func randomLine(lineWidth: Int, wordlength w: Int, using random: inout SeededGenerator) -> Int {
    let low = Int.minimum(wordlength: w), high = Int.maximum(wordlength: w)
    var line = Int(truncatingIfNeeded: random.next()) & (lineWidth == 64 ? -1 : (1 << lineWidth) - 1)
    let mode = Int.random(in: 0..<3, using: &random), near = Bool.random(using: &random) ? low : high - 2
    guard mode > 0 else { return line }
    for word in 0..<(lineWidth / w) {
        let value = mode == 1 ? [low, low + 1, -1, 0, 1, high - 1, high].randomElement(using: &random)!
                              : Int.random(in: near...(near + 2), using: &random)
        line = line & ~(((1 << w) - 1) << (word * w)) | (value & ((1 << w) - 1)) << (word * w)
    }
    return line
}

/// A layer engine as its controller sees it: started by the command, it makes up to
/// `maxRequests` random requests (each held until taken), then raises `done`, a level the
/// next start clears, up to `maxDelay` cycles after its last response (at once: no layers).
struct RandomEngine {
    let addressWidth: Int, lineWidth: Int, maxRequests: Int, maxDelay: Int
    private var random: SeededGenerator
    private(set) var done: Bool
    private var running = false, toIssue = 0, outstanding = 0, wait = 0
    private var request: (write: Bool, address: Int, data: Int)?

    init(addressWidth: Int, lineWidth: Int, traffic: ControllerTraffic, seed: UInt64) {
        self.addressWidth = addressWidth; self.lineWidth = lineWidth
        maxRequests = traffic.engineRequests; maxDelay = traffic.engineDelay
        random = SeededGenerator(seed: seed)
        // The host may have run the engine before the cascade: done may already be up.
        done = Bool.random(using: &random)
    }

    /// The engine's request this cycle; without one, valid is low and the rest is noise.
    mutating func drive(_ inputs: inout ControllerPortModel.Inputs) {
        let noise = (write: Bool.random(using: &random), address: Int.random(in: 0..<(1 << addressWidth), using: &random),
                     data: randomLine(lineWidth: lineWidth, wordlength: 8, using: &random))
        let offered = request ?? noise
        inputs.engineValid = request != nil
        inputs.engineWrite = offered.write; inputs.engineAddress = offered.address; inputs.engineData = offered.data
    }

    /// One clock edge: `started` by its controller, its request `taken`, a response `answered`.
    mutating func clock(started: Bool, taken: Bool, answered: Bool) {
        if taken { request = nil; toIssue -= 1; outstanding += 1 }
        if answered { outstanding -= 1 }
        if started {
            toIssue = Int.random(in: 0...maxRequests, using: &random); outstanding = 0
            wait = Int.random(in: 0...maxDelay, using: &random)
            done = toIssue == 0 && wait == 0
            running = !done
        } else if running && toIssue == 0 && outstanding == 0 {
            if wait == 0 { done = true; running = false } else { wait -= 1 }
        }
        if running && toIssue > 0 && request == nil && Bool.random(using: &random) {
            request = (Bool.random(using: &random), Int.random(in: 0..<(1 << addressWidth), using: &random),
                       randomLine(lineWidth: lineWidth, wordlength: 8, using: &random))
        }
    }
}

extension ControllerPortModel.Inputs {
    /// The stimulus of the port's inputs, by port name.
    var ports: [String: Int] {
        ["mem_req_ready": requestReady ? 1 : 0, "mem_read_valid": readValid ? 1 : 0, "mem_read_data": readData,
         "mem_write_done": writeDone ? 1 : 0, "engine_mem_req_valid": engineValid ? 1 : 0,
         "engine_mem_req_write": engineWrite ? 1 : 0, "engine_mem_req_address": engineAddress, "engine_mem_req_data": engineData]
    }
}
