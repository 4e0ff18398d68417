import FixedPoint

// Bit access and the explicit width changes. Narrowing is never implicit: truncation,
// saturation and shifts say what happens to the bits they drop.

extension Signal {
    /// Bits `high...low`, as an unsigned value of `high - low + 1` bits.
    public func bits(_ high: Int, _ low: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard low >= 0, high >= low, high < width else {
            return .invalid("bits \(high)...\(low) outside a \(width)-bit signal", .uint(max(1, high - low + 1)),
                            file: file, line: line)
        }
        return Signal(Node(.slice(node, high: high, low: low), .uint(high - low + 1)))
    }

    /// Bit `index`, as a Bool.
    public func bit(_ index: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        bits(index, index, file: file, line: line)
    }

    /// The same bits read with the given signedness.
    public func reinterpreted(signed: Bool) -> Signal {
        if isSigned == signed { return self }
        return Signal(Node(.slice(node, high: width - 1, low: 0), SignalType(width: width, isSigned: signed)))
    }

    /// The same bits as a signed value.
    public var asSInt: Signal { reinterpreted(signed: true) }
    /// The same bits as an unsigned value.
    public var asUInt: Signal { reinterpreted(signed: false) }

    /// The low `width` bits, keeping the signedness: wraps values that do not fit.
    public func truncated(to newWidth: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard newWidth <= width, newWidth >= 1 else {
            return .invalid("cannot truncate \(type) to \(newWidth) bits", type.resized(max(1, newWidth)),
                            file: file, line: line)
        }
        if newWidth == width { return self }
        return Signal(Node(.slice(node, high: newWidth - 1, low: 0), type.resized(newWidth)))
    }

    /// Widened to `width` bits by sign extension (signed) or zero extension (unsigned).
    /// Narrowing is an error here: use `truncated` or `saturated`.
    public func resized(to newWidth: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard newWidth >= width else {
            return .invalid("resized(to: \(newWidth)) would narrow \(type); use truncated or saturated",
                            type.resized(max(1, newWidth)), file: file, line: line)
        }
        if newWidth == width { return self }
        return Signal(Node(.extended(node), type.resized(newWidth)))
    }

    /// Clamped to the range of a `width`-bit word of the same signedness.
    public func saturated(to newWidth: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard newWidth >= 1 else {
            return .invalid("cannot saturate to \(newWidth) bits", type, file: file, line: line)
        }
        if newWidth >= width { return resized(to: newWidth) }
        let target = type.resized(newWidth)
        let high = Signal.constant(target.valueRange.upperBound, target)
        let kept = truncated(to: newWidth)
        if !isSigned {
            return Signal.select(self > target.valueRange.upperBound, high, kept)
        }
        let low = Signal.constant(target.valueRange.lowerBound, target)
        return Signal.select(self > target.valueRange.upperBound, high,
                             Signal.select(self < target.valueRange.lowerBound, low, kept))
    }

    /// Shifted right by a constant `shift` bits, dropping them with `rounding`:
    /// `.truncate` floors (W - s bits); `.halfUp` adds 2^(s-1) first (W - s + 1 bits).
    public func shiftedRight(by shift: Int, rounding: Rounding,
                             file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard shift >= 0 else {
            return .invalid("negative shift \(shift); use shiftedLeft", type, file: file, line: line)
        }
        if shift == 0 { return self }
        switch rounding {
        case .truncate:
            if shift >= width {
                return isSigned ? bits(width - 1, width - 1).reinterpreted(signed: true) : .constant(0, .uint(1))
            }
            return Signal(Node(.slice(node, high: width - 1, low: shift), type.resized(width - shift)))
        case .halfUp:
            return (self + (1 << (shift - 1))).shiftedRight(by: shift, rounding: .truncate)
        }
    }

    /// Shifted left by a constant `shift` bits: exact, `shift` bits wider.
    public func shiftedLeft(by shift: Int) -> Signal {
        if shift <= 0 { return self }
        let zeros = Signal.constant(0, .uint(shift))
        return Signal.concatenation([self, zeros]).reinterpreted(signed: isSigned)
    }

    /// Shifted right by a run-time `amount`, flooring (arithmetic for signed values); same type.
    public func shiftedRight(by amount: Signal) -> Signal {
        Signal(Node(.dynamicShiftRight(node, amount: amount.node), type))
    }

    /// The parts side by side, the first one most significant: UInt of the summed widths.
    public static func concatenation(_ parts: [Signal]) -> Signal {
        precondition(!parts.isEmpty, "concatenation of nothing")
        if parts.count == 1 { return parts[0].asUInt }
        return Signal(Node(.concatenation(parts.map(\.node)), .uint(parts.reduce(0) { $0 + $1.width })))
    }

    /// `whenTrue` where `select` is set, else `whenFalse`; both must have one type.
    public static func select(_ select: Signal, _ whenTrue: Signal, _ whenFalse: Signal,
                              file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard select.type == .bool else {
            return .invalid("mux select is \(select.type), not Bool", whenTrue.type, file: file, line: line)
        }
        guard whenTrue.type == whenFalse.type else {
            return .invalid("mux arms differ: \(whenTrue.type) and \(whenFalse.type)", whenTrue.type,
                            file: file, line: line)
        }
        return Signal(Node(.mux(select: select.node, whenTrue: whenTrue.node, whenFalse: whenFalse.node),
                           whenTrue.type, location: SourceLocation(file: file, line: line)))
    }
}
