/// A state machine over the cases of a Swift enum: one state register, a `localparam` per
/// state (`PHASE_FETCH`), and one shared decoded net per state (`phase_is_fetch`).
///
/// Transitions are written once with `go(to:)` under a condition that names the source state
/// (`on(.fetch) { … }`, or `when(fsm.is(.fetch) & ready)`). When `build` returns, a state that
/// nothing leads to (other than the reset state) and a state with no way out (unless declared
/// terminal) are elaboration errors naming the line that declared the machine.
public final class StateMachine<State: CaseIterable & Hashable> {
    /// The state register: the index of the state among `State.allCases`.
    public let state: Signal
    let name: String
    let builder: ModuleBuilder
    let location: SourceLocation
    private let states: [State]
    private var decoders: [State: Signal] = [:]
    private var entered: Set<State> = []
    private var left: Set<State> = []

    init(_ name: String, builder: ModuleBuilder, reset: State, terminal: Set<State>,
         file: StaticString, line: UInt) {
        self.name = name
        self.builder = builder
        location = SourceLocation(file: file, line: line)
        states = Array(State.allCases)
        let type = SignalType.uint(max(1, ceilLog2(states.count)))
        state = builder.register(name, type, reset: states.firstIndex(of: reset)!, file: file, line: line)
        for (index, s) in states.enumerated() {
            let decoder = "\(name)_is_\(snakeCase(s))"
            builder.nameConstant(parameterName(s), index, type, decoder: decoder, file: file, line: line)
            decoders[s] = builder.wire(decoder, state == .constant(index, type), file: file, line: line)
        }
        builder.atEnd { [self] in check(reset: reset, terminal: terminal) }
    }

    /// `NAME_STATE`: the `localparam` that holds the encoding of `s`.
    func parameterName(_ s: State) -> String { "\(name)_\(snakeCase(s))".uppercased() }

    /// Whether the machine is in state `s`: one shared net per state.
    public func `is`(_ s: State) -> Signal { decoders[s]! }

    /// Connections made in `body` hold while the machine is in state `s`.
    public func on(_ s: State, file: StaticString = #fileID, line: UInt = #line, _ body: () -> Void) {
        builder.when(self.is(s), file: file, line: line, body)
    }

    /// Moves to state `s` on the next clock edge where the enclosing conditions hold; one of
    /// them must name the state the transition leaves.
    public func go(to s: State, file: StaticString = #fileID, line: UInt = #line) {
        entered.insert(s)
        guard let source = sourceState() else {
            builder.record("\(name).go(to: .\(s)) is not under a condition naming the state it leaves: "
                           + "write it in \(name).on(state) or when(\(name).is(state) & …)", file: file, line: line)
            return
        }
        left.insert(source)
        builder.connect(state, to: .constant(states.firstIndex(of: s)!, state.type), file: file, line: line)
    }

    /// The innermost enclosing condition that requires one of this machine's states.
    private func sourceState() -> State? {
        for condition in builder.conditions.reversed() where condition.holds {
            let required = Set(Self.conjuncts(condition.node).map(ObjectIdentifier.init))
            if let s = states.first(where: { required.contains(ObjectIdentifier(decoders[$0]!.node)) }) { return s }
        }
        return nil
    }

    /// The terms of a Bool conjunction `a & b & …`.
    private static func conjuncts(_ node: Node) -> [Node] {
        if node.type == .bool, case .binary(.and, let a, let b) = node.kind { return conjuncts(a) + conjuncts(b) }
        return [node]
    }

    private func check(reset: State, terminal: Set<State>) {
        for s in states where s != reset && !entered.contains(s) {
            builder.record("state \(s) of \(name) is unreachable: no transition leads to it and it is not the reset state",
                           at: location)
        }
        for s in states where !left.contains(s) && !terminal.contains(s) {
            builder.record("state \(s) of \(name) has no way out: no transition leaves it; declare it terminal if it holds",
                           at: location)
        }
    }
}

extension ModuleBuilder {
    /// A state machine named `name` over the cases of `State`, starting in `reset`; states in
    /// `terminal` may have no transition out.
    public func stateMachine<State: CaseIterable & Hashable>(
        _ name: String, _ type: State.Type = State.self, reset: State, terminal: Set<State> = [],
        file: StaticString = #fileID, line: UInt = #line
    ) -> StateMachine<State> {
        StateMachine(name, builder: self, reset: reset, terminal: terminal, file: file, line: line)
    }
}

/// A `localparam` of a module and the decoder wire whose comparison reads it.
struct NamedConstant {
    let name: String
    let value: Int
    let type: SignalType
    let decoder: String
}

extension ElaboratedModule {
    /// This module with `constants` declared as `localparam`s and read by name in their decoders.
    func naming(_ constants: [NamedConstant]) -> ElaboratedModule {
        guard !constants.isEmpty else { return self }
        let byDecoder = Dictionary(constants.map { ($0.decoder, $0) }, uniquingKeysWith: { a, _ in a })
        let named = assignments.map { assignment -> Assignment in
            guard let constant = byDecoder[assignment.target],
                  case .binary(let op, let a, .constant(let value, let type), let operandType) = assignment.value,
                  value == constant.value, type == constant.type else { return assignment }
            return Assignment(target: assignment.target,
                              value: .binary(op, a, .parameter(constant.name, type), operandType: operandType),
                              location: assignment.location)
        }
        return ElaboratedModule(name: name, summary: summary, ports: ports, nets: nets, assignments: named,
                                registers: registers, memories: memories, memoryWrites: memoryWrites,
                                instances: instances,
                                localParameters: constants.map { LocalParameter(name: $0.name, type: $0.type, value: $0.value) })
    }
}
