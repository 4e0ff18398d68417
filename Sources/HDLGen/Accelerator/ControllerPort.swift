/// One engine's memory port in a cascade controller: the engine's requests, or, while the
/// controller holds the port (the engine is idle then), the controller's reads of the class
/// scores and its write of a result. Declares the controller's `mem_*` ports (to memory) and
/// `engine_mem_*` (the engine's requests); the engine's read data is the caller's to connect.
struct ControllerPort {
    let m: ModuleBuilder
    let lineWidth: Int
    /// The `mem_*` ports, to memory.
    let port: PortGroup<MemoryPort>
    /// The `engine_mem_*` ports: the engine's side of its memory port.
    let engine: PortGroup<MemoryPort>
    let requestReady: Signal, readValid: Signal, readData: Signal, writeDone: Signal
    let readAddress: Signal, readsLeft: Signal, responsesLeft: Signal
    /// The index of the line the current response answers, from 0 at `startReading`.
    let responseIndex: Signal
    let writeSent: Signal

    init(_ m: ModuleBuilder, lineWidth: Int, addressWidth: Int, countWidth: Int) {
        self.m = m; self.lineWidth = lineWidth
        port = m.port(MemoryPort(lineWidth: lineWidth, addressWidth: addressWidth), prefix: "mem", as: .master)
        engine = m.port(MemoryPort(lineWidth: lineWidth, addressWidth: addressWidth), prefix: "engine_mem", as: .slave)
        requestReady = port.requestReady
        readValid = port.readValid
        readData = port.readData
        writeDone = port.writeDone
        readAddress = m.register("read_address", .uint(addressWidth))
        readsLeft = m.register("reads_left", .uint(countWidth), reset: 0)
        responsesLeft = m.register("responses_left", .uint(countWidth), reset: 0)
        responseIndex = m.register("response_index", .uint(countWidth))
        writeSent = m.register("write_sent", .bool, reset: 0)
        m.when((readsLeft != 0) & requestReady) {
            m.increment(readAddress)
            m.connect(readsLeft, to: (readsLeft - 1).truncated(to: countWidth).asUInt)
        }
        m.when(readValid & (responsesLeft != 0)) {
            m.connect(responsesLeft, to: (responsesLeft - 1).truncated(to: countWidth).asUInt)
            m.increment(responseIndex)
        }
    }

    /// Reads `lines` lines from `address` on; `readsComplete` once every response is in.
    func startReading(from address: Signal, lines: Int) {
        m.connect(readAddress, to: address)
        m.assign(readsLeft, lines)
        m.assign(responsesLeft, lines)
        m.assign(responseIndex, 0)
    }

    var readsComplete: Signal { responsesLeft == 0 }
    /// The acknowledgement of the controller's write.
    var writeComplete: Signal { writeSent & writeDone }

    /// Drives the port from the engine, or from the controller while `owned`; the controller
    /// writes `data` at `address` once while `writing`. The engine's responses come
    /// `responseDelay` cycles after the memory's (its read data is the caller's to connect).
    func connect(owned: Signal, responseDelay: Int, writing: Signal, address: Signal, data: Signal) {
        let writeValid = m.wire("result_valid", writing & !writeSent)
        let requests = engine
        m.connect(port.requestValid, to: m.mux(owned, (readsLeft != 0) | writeValid, requests.requestValid))
        m.connect(port.requestWrite, to: m.mux(owned, writeValid, requests.requestWrite))
        m.connect(port.requestAddress, to: m.mux(owned, m.mux(writeValid, address, readAddress), requests.requestAddress))
        m.connect(port.requestData, to: m.mux(owned, data.resized(to: lineWidth), requests.requestData))
        m.connect(requests.requestReady, to: requestReady & !owned)
        m.connect(requests.readValid,
                  to: m.delayed(readValid & !owned, by: responseDelay, name: "engine_read_valid", reset: 0))
        m.connect(requests.writeDone,
                  to: m.delayed(writeDone & !owned, by: responseDelay, name: "engine_write_done", reset: 0))
        m.when(writeValid & requestReady) { m.assign(writeSent, 1) }
        m.when(writeComplete) { m.assign(writeSent, 0) }
    }
}
