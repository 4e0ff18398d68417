/// One engine's memory port in the `CascadeTop`: the engine's requests, or, while the
/// controller holds the port (the engine is idle then), the controller's reads of the class
/// scores and its write of a result. Declares the top's `<name>_mem_*` ports (a `MemoryPort`);
/// the engine's read data is the caller's to connect.
struct ControllerPort {
    let m: ModuleBuilder
    let name: String
    let lineWidth: Int
    /// The top's `<name>_mem_*` ports.
    let port: PortGroup<MemoryPort>
    let requestReady: Signal, readValid: Signal, readData: Signal, writeDone: Signal
    let readAddress: Signal, readsLeft: Signal, responsesLeft: Signal
    /// The index of the line the current response answers, from 0 at `startReading`.
    let responseIndex: Signal
    let writeSent: Signal

    init(_ m: ModuleBuilder, name: String, lineWidth: Int, addressWidth: Int, countWidth: Int) {
        self.m = m; self.name = name; self.lineWidth = lineWidth
        port = m.port(MemoryPort(lineWidth: lineWidth, addressWidth: addressWidth), prefix: "\(name)_mem", as: .master)
        requestReady = port.requestReady
        readValid = port.readValid
        readData = port.readData
        writeDone = port.writeDone
        readAddress = m.register("\(name)_read_address", .uint(addressWidth))
        readsLeft = m.register("\(name)_reads_left", .uint(countWidth), reset: 0)
        responsesLeft = m.register("\(name)_responses_left", .uint(countWidth), reset: 0)
        responseIndex = m.register("\(name)_response_index", .uint(countWidth))
        writeSent = m.register("\(name)_write_sent", .bool, reset: 0)
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
    func connect(engine: Instance, owned: Signal, responseDelay: Int, writing: Signal, address: Signal, data: Signal) {
        let writeValid = m.wire("\(name)_result_valid", writing & !writeSent)
        let requests = engine.port(port.interface, prefix: "mem", as: .master)
        m.connect(port.requestValid, to: m.mux(owned, (readsLeft != 0) | writeValid, requests.requestValid))
        m.connect(port.requestWrite, to: m.mux(owned, writeValid, requests.requestWrite))
        m.connect(port.requestAddress, to: m.mux(owned, m.mux(writeValid, address, readAddress), requests.requestAddress))
        m.connect(port.requestData, to: m.mux(owned, data.fitted(to: lineWidth), requests.requestData))
        m.connect(requests.requestReady, to: requestReady & !owned)
        m.connect(requests.readValid,
                  to: m.delayed(readValid & !owned, by: responseDelay, name: "\(name)_engine_read_valid", reset: 0))
        m.connect(requests.writeDone,
                  to: m.delayed(writeDone & !owned, by: responseDelay, name: "\(name)_engine_write_done", reset: 0))
        m.when(writeValid & requestReady) { m.assign(writeSent, 1) }
        m.when(writeComplete) { m.assign(writeSent, 0) }
    }
}
