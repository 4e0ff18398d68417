import Testing
@testable import HDLGen

/// The state-machine builder: named states in the Verilog, one decoder per state, and the
/// reachability errors at the line that declared the machine.
@Suite struct StateMachineTests {
    enum Phase: CaseIterable, Hashable { case idle, fetch, compute, stuck }

    /// A handshake machine idle → fetch → compute → idle, plus `extra` transitions.
    func machine(_ name: String, terminal: Set<Phase> = [], line: UInt = #line,
                 extra: @escaping @Sendable (ModuleBuilder, StateMachine<Phase>, Signal) -> Void) -> InlineModule {
        InlineModule(name) { m in
            let go = m.input("go", .bool)
            let fsm = m.stateMachine("phase", Phase.self, reset: .idle, terminal: terminal, line: line)
            m.when(fsm.is(.idle) & go) { fsm.go(to: .fetch) }
            fsm.on(.fetch) { fsm.go(to: .compute) }
            fsm.on(.compute) { m.when(go) { fsm.go(to: .idle) } }
            extra(m, fsm, go)
            m.output("busy", !fsm.is(.idle))
        }
    }

    func expectError(_ module: InlineModule, containing text: String, line: Int,
                     sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let errors = elaborationErrors(module)
        let error = errors.first { $0.message.contains(text) }
        #expect(error != nil, "errors: \(errors)", sourceLocation: sourceLocation)
        #expect(error?.description.contains("StateMachineTests.swift:\(line)") == true,
                "error \(String(describing: error)) should name line \(line)", sourceLocation: sourceLocation)
    }

    @Test func unreachableStateIsAnError() {
        let line = #line
        expectError(machine("fsm_unreachable", terminal: [.stuck], line: UInt(line)) { _, _, _ in },
                    containing: "state stuck of phase is unreachable", line: line)
    }

    @Test func stateWithNoWayOutIsAnError() {
        let line = #line
        expectError(machine("fsm_no_way_out", line: UInt(line)) { _, fsm, go in
            fsm.on(.compute) { _ = go; fsm.go(to: .stuck) }
        }, containing: "state stuck of phase has no way out", line: line)
    }

    @Test func terminalStateNeedsNoWayOut() {
        let module = machine("fsm_terminal", terminal: [.stuck]) { m, fsm, go in
            m.when(fsm.is(.fetch) & !go) { fsm.go(to: .stuck) }
        }
        #expect(elaborationErrors(module).isEmpty)
    }

    @Test func transitionWithoutSourceStateIsAnError() {
        let line = #line + 2
        expectError(machine("fsm_no_source", terminal: [.stuck]) { m, fsm, go in
            m.when(go) { fsm.go(to: .stuck) }
        }, containing: "phase.go(to: .stuck) is not under a condition naming the state it leaves", line: line)
    }

    @Test func statesAreNamedConstantsDecodedOnce() throws {
        let module = machine("fsm_named", terminal: [.stuck]) { m, fsm, go in
            fsm.on(.compute) { m.when(!go) { fsm.go(to: .stuck) } }
            m.output("fetching", fsm.is(.fetch) & fsm.is(.fetch))
        }
        let circuit = try Circuit(module)
        let text = VerilogEmitter.emit(circuit.top)
        for (index, state) in ["IDLE", "FETCH", "COMPUTE", "STUCK"].enumerated() {
            #expect(text.contains("localparam [1:0] PHASE_\(state) = 2'd\(index);"), "\(text)")
            #expect(text.contains("assign phase_is_\(state.lowercased()) = phase == PHASE_\(state);"), "\(text)")
        }
        #expect(text.components(separatedBy: "== PHASE_FETCH").count == 2, "one decoder per state:\n\(text)")
        try expectLintClean(circuit)
    }

    @Test func counterWidthFollowsItsLimit() throws {
        let module = InlineModule("counters") { m in
            let limit = m.input("limit", .uint(5))
            let beat = m.counter("beat", limit: limit, reset: 0)
            let tap = m.counter("tap", upTo: 9, reset: 0)
            beat.advance()
            m.when(beat.last) { tap.advance() }
            m.output("beat_count", beat.value)
            m.output("tap_count", tap.value)
            m.output("wrap", beat.last & tap.last)
        }
        let circuit = try Circuit(module)
        #expect(circuit.top.port("beat_count")?.type == .uint(5))
        #expect(circuit.top.port("tap_count")?.type == .uint(4))
        try expectLintClean(circuit)
    }
}
