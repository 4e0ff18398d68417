import Testing
@testable import HDLGen

/// Port groups declared once: flip, whole-group connections, and their elaboration errors.
@Suite struct InterfaceTests {
    /// A module with one memory port at `role` (outputs tied to zero).
    struct Endpoint: Module {
        var port: MemoryPort
        var role: InterfaceRole
        var name: String { "endpoint_\(role)_d\(port.lineWidth)" }
        func build(_ m: ModuleBuilder) throws {
            let group = m.port(port, prefix: "mem", as: role)
            for member in port.members where member.direction(at: role) == .output {
                m.connect(group.signals[member.name]!, to: .constant(0, member.type))
            }
        }
    }

    /// A master endpoint and a slave endpoint connected whole.
    struct Pair: Module {
        var master: MemoryPort, slave: MemoryPort
        var slaveRole: InterfaceRole = .slave
        var name: String { "pair_\(master.lineWidth)_\(slave.lineWidth)_\(slaveRole)" }
        func build(_ m: ModuleBuilder) throws {
            let a = try m.instance(Endpoint(port: master, role: .master), name: "a")
            let b = try m.instance(Endpoint(port: slave, role: slaveRole), name: "b")
            m.connect(a.port(master, prefix: "mem", as: .master), b.port(slave, prefix: "mem", as: slaveRole))
        }
    }

    static let port = MemoryPort(lineWidth: 64, addressWidth: 20)

    func errors(_ module: some Module) -> String {
        do { _ = try Circuit(module); return "" } catch { return "\(error)" }
    }

    @Test func flippedMasterIsSlave() throws {
        #expect(InterfaceRole.master.flipped == .slave && InterfaceRole.slave.flipped == .master)
        let master = try Circuit(Endpoint(port: Self.port, role: .master)).top
        let flipped = try Circuit(Endpoint(port: Self.port, role: InterfaceRole.master.flipped)).top
        for member in Self.port.members {
            let name = "mem_\(member.name)"
            #expect(master.port(name)?.direction != flipped.port(name)?.direction, "\(name)")
        }
        #expect(master.port("mem_req_valid")?.direction == .output)
        #expect(flipped.port("mem_req_valid")?.direction == .input)
    }

    @Test func connectedPairElaboratesWithNamesUnchanged() throws {
        let circuit = try Circuit(Pair(master: Self.port, slave: Self.port))
        let names = circuit.modules.first { $0.name.hasPrefix("endpoint_master") }!.ports.map(\.name)
        #expect(names.filter { $0 != "clk" && $0 != "rst" } == ["mem_req_valid", "mem_req_write", "mem_req_address", "mem_req_data",
                          "mem_req_ready", "mem_read_valid", "mem_read_data", "mem_write_done"])
        try expectLintClean(circuit)
    }

    @Test func widthMismatchNamesMemberAndLine() {
        let text = errors(Pair(master: Self.port, slave: MemoryPort(lineWidth: 128, addressWidth: 20)))
        #expect(text.contains("req_data") && text.contains("InterfaceTests.swift:"), "\(text)")
    }

    @Test func directionsThatDoNotComplementAreAnError() {
        let text = errors(Pair(master: Self.port, slave: Self.port, slaveRole: .master))
        #expect(text.contains("direction") && text.contains("req_valid") && text.contains("InterfaceTests.swift:"), "\(text)")
    }

    /// Two streams, one with a payload and one without.
    struct Streams: Module {
        var name: String { "streams" }
        func build(_ m: ModuleBuilder) throws {
            let a = m.port(Stream(dataWidth: 8), prefix: "in", as: .slave)
            let b = m.port(Stream(), prefix: "out", as: .master)
            m.connect(a, b)
        }
    }

    @Test func missingMemberIsAnError() {
        let text = errors(Streams())
        #expect(text.contains("member data is missing") && text.contains("InterfaceTests.swift:"), "\(text)")
    }
}
