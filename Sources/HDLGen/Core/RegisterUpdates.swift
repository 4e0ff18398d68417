extension ModuleBuilder {
    /// Sets `register` to the constant `value` where the enclosing `when` holds.
    func assign(_ register: Signal, _ value: Int, file: StaticString = #fileID, line: UInt = #line) {
        connect(register, to: .constant(value, register.type), file: file, line: line)
    }

    /// Adds one (or `step`) to the unsigned `register`, wrapping at its width.
    func increment(_ register: Signal, by step: Signal = .constant(1, .uint(1)),
                   file: StaticString = #fileID, line: UInt = #line) {
        connect(register, to: (register + step).truncated(to: register.width), file: file, line: line)
    }

    /// Subtracts one from the unsigned `register`, wrapping at its width.
    func decrement(_ register: Signal, file: StaticString = #fileID, line: UInt = #line) {
        connect(register, to: (register - 1).truncated(to: register.width).reinterpreted(signed: register.isSigned),
                file: file, line: line)
    }
}

