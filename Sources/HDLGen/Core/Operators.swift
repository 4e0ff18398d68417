import FixedPoint

// Width rules. Every operator is exact: its result holds every value its operands can make.
//   a + b   unsigned + unsigned: UInt(max(wa, wb) + 1); otherwise SInt(max(wa', wb') + 1),
//           where an unsigned operand counts one bit wider (w' = w + 1) once made signed.
//   a - b   always signed: SInt(max(wa, wb) + 1) for two unsigned operands, else SInt(max(wa', wb') + 1).
//   a * b   UInt(wa + wb) for two unsigned operands, else SInt(wa + wb): the full product.
//   & | ^   max(wa, wb) bits, each operand extended by its own signedness; signed when both are.
//   ~a      the same type as a.
//   == != < <= > >=   Bool, compared at a common type wide enough for both operands.
// An Int operand becomes a constant of the smallest type that holds it, signed when the
// other operand is.

extension BinaryOperator {
    /// The type of the operation's result.
    public func resultType(_ a: SignalType, _ b: SignalType) -> SignalType {
        let bothUnsigned = !a.isSigned && !b.isSigned
        switch self {
        case .add:
            return bothUnsigned ? .uint(max(a.width, b.width) + 1) : .sint(max(a.signedWidth, b.signedWidth) + 1)
        case .subtract:
            return bothUnsigned ? .sint(max(a.width, b.width) + 1) : .sint(max(a.signedWidth, b.signedWidth) + 1)
        case .multiply:
            return SignalType(width: a.width + b.width, isSigned: !bothUnsigned)
        case .and, .or, .xor:
            return SignalType(width: max(a.width, b.width), isSigned: a.isSigned && b.isSigned)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return .bool
        }
    }

    /// The type both operands are extended to before the operation is carried out modulo
    /// 2^width. For arithmetic and bitwise operators this is the result type.
    public func operandType(_ a: SignalType, _ b: SignalType) -> SignalType {
        guard isComparison else { return resultType(a, b) }
        if a.isSigned || b.isSigned { return .sint(max(a.signedWidth, b.signedWidth)) }
        return .uint(max(a.width, b.width))
    }
}

extension Signal {
    static func binary(_ op: BinaryOperator, _ a: Signal, _ b: Signal) -> Signal {
        Signal(Node(.binary(op, a.node, b.node), op.resultType(a.type, b.type)))
    }

    /// A constant of `type`; a value that does not fit is reported at elaboration.
    public static func constant(_ value: Int, _ type: SignalType,
                                file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard type.valueRange.contains(value) else {
            return invalid("constant \(value) does not fit \(type)", type, file: file, line: line)
        }
        return Signal(Node(.constant(value), type, location: SourceLocation(file: file, line: line)))
    }

    /// A constant operand next to `other`: the smallest type holding `value`.
    static func literal(_ value: Int, beside other: Signal) -> Signal {
        Signal(Node(.constant(value), .smallest(holding: value, signed: other.isSigned)))
    }

    static func invalid(_ message: String, _ type: SignalType, file: StaticString, line: UInt) -> Signal {
        Signal(Node(.invalid(message), type, location: SourceLocation(file: file, line: line)))
    }

    public static func + (a: Signal, b: Signal) -> Signal { binary(.add, a, b) }
    public static func - (a: Signal, b: Signal) -> Signal { binary(.subtract, a, b) }
    public static func * (a: Signal, b: Signal) -> Signal { binary(.multiply, a, b) }
    public static func & (a: Signal, b: Signal) -> Signal { binary(.and, a, b) }
    public static func | (a: Signal, b: Signal) -> Signal { binary(.or, a, b) }
    public static func ^ (a: Signal, b: Signal) -> Signal { binary(.xor, a, b) }
    public static func == (a: Signal, b: Signal) -> Signal { binary(.equal, a, b) }
    public static func != (a: Signal, b: Signal) -> Signal { binary(.notEqual, a, b) }
    public static func < (a: Signal, b: Signal) -> Signal { binary(.less, a, b) }
    public static func <= (a: Signal, b: Signal) -> Signal { binary(.lessOrEqual, a, b) }
    public static func > (a: Signal, b: Signal) -> Signal { binary(.greater, a, b) }
    public static func >= (a: Signal, b: Signal) -> Signal { binary(.greaterOrEqual, a, b) }

    public static func + (a: Signal, b: Int) -> Signal { a + literal(b, beside: a) }
    public static func - (a: Signal, b: Int) -> Signal { a - literal(b, beside: a) }
    public static func * (a: Signal, b: Int) -> Signal { a * literal(b, beside: a) }
    public static func == (a: Signal, b: Int) -> Signal { a == literal(b, beside: a) }
    public static func != (a: Signal, b: Int) -> Signal { a != literal(b, beside: a) }
    public static func < (a: Signal, b: Int) -> Signal { a < literal(b, beside: a) }
    public static func <= (a: Signal, b: Int) -> Signal { a <= literal(b, beside: a) }
    public static func > (a: Signal, b: Int) -> Signal { a > literal(b, beside: a) }
    public static func >= (a: Signal, b: Int) -> Signal { a >= literal(b, beside: a) }

    /// Bitwise complement, of the same type.
    public static prefix func ~ (a: Signal) -> Signal { Signal(Node(.not(a.node), a.type)) }
    /// Logical negation of a Bool.
    public static prefix func ! (a: Signal) -> Signal { ~a }
    /// Two's-complement negation: SInt(w' + 1), exact for the most negative value too.
    public static prefix func - (a: Signal) -> Signal { literal(0, beside: a.asSignedLossless) - a }

    /// The same value as a signed type: unsigned operands gain a zero sign bit.
    var asSignedLossless: Signal { isSigned ? self : resized(to: width + 1).reinterpreted(signed: true) }
}
