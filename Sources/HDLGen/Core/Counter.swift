/// A register counting 0, 1, …, limit − 1 and back to 0, as wide as its limit needs: the
/// width follows from the limit, so no count is ever narrowed.
public struct Counter {
    /// The count.
    public let value: Signal
    /// Whether the count is limit − 1: the next `advance` wraps to zero.
    public let last: Signal
    let builder: ModuleBuilder

    /// Counts one up, wrapping after `last`, where the enclosing `when` holds.
    public func advance(file: StaticString = #fileID, line: UInt = #line) {
        builder.when(last, file: file, line: line) {
            clear(file: file, line: line)
        } otherwise: {
            builder.connect(value, to: (value + 1).truncated(to: value.width), file: file, line: line)
        }
    }

    /// Sets the count to zero where the enclosing `when` holds.
    public func clear(file: StaticString = #fileID, line: UInt = #line) {
        builder.connect(value, to: .constant(0, value.type), file: file, line: line)
    }
}

extension ModuleBuilder {
    /// A counter up to the run-time `limit` (unsigned, at least 1): as wide as `limit`, since
    /// limit − 1 fits any width that holds limit.
    public func counter(_ name: String, limit: Signal, reset: Int? = nil,
                        file: StaticString = #fileID, line: UInt = #line) -> Counter {
        if limit.isSigned { record("counter \(name): limit \(limit) is signed", file: file, line: line) }
        let value = register(name, .uint(limit.width), reset: reset, file: file, line: line)
        return Counter(value: value, last: wire("\(name)_last", value + 1 == limit, file: file, line: line), builder: self)
    }

    /// A counter up to the constant `limit` (at least 1): `bitsToHold(limit − 1)` bits.
    public func counter(_ name: String, upTo limit: Int, reset: Int? = nil,
                        file: StaticString = #fileID, line: UInt = #line) -> Counter {
        if limit < 1 { record("counter \(name): limit \(limit) is below 1", file: file, line: line) }
        let value = register(name, .uint(bitsToHold(max(0, limit - 1))), reset: reset, file: file, line: line)
        return Counter(value: value, last: wire("\(name)_last", value == max(0, limit - 1), file: file, line: line),
                       builder: self)
    }
}
