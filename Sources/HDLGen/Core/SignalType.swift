/// The type of a hardware signal: a bit width and whether the bits are two's complement.
///
/// `Bool` is `UInt(1)`. Widths are exact: each operator documents the width it produces.
public struct SignalType: Hashable, Sendable, CustomStringConvertible {
    public let width: Int
    public let isSigned: Bool

    public init(width: Int, isSigned: Bool) {
        precondition(width >= 1, "a signal is at least one bit wide")
        self.width = width
        self.isSigned = isSigned
    }

    public static let bool = SignalType(width: 1, isSigned: false)
    public static func uint(_ width: Int) -> SignalType { SignalType(width: width, isSigned: false) }
    public static func sint(_ width: Int) -> SignalType { SignalType(width: width, isSigned: true) }

    public var description: String { isSigned ? "SInt(\(width))" : (width == 1 ? "Bool" : "UInt(\(width))") }

    /// The range of values this type holds, as far as `Int` reaches (types of 64 bits or more
    /// hold every `Int` of their sign).
    public var valueRange: ClosedRange<Int> {
        if isSigned { return width >= Int.bitWidth ? Int.min...Int.max : -(1 << (width - 1))...((1 << (width - 1)) - 1) }
        return width >= Int.bitWidth - 1 ? 0...Int.max : 0...((1 << width) - 1)
    }

    /// The width a value of this type needs once it is made signed without loss.
    var signedWidth: Int { isSigned ? width : width + 1 }

    /// The same type with another width.
    func resized(_ width: Int) -> SignalType { SignalType(width: width, isSigned: isSigned) }

    /// The smallest type of the given signedness that holds `value`.
    static func smallest(holding value: Int, signed: Bool) -> SignalType {
        if signed || value < 0 {
            var w = 1
            while !(SignalType.sint(w).valueRange.contains(value)) { w += 1 }
            return .sint(w)
        }
        var w = 1
        while value >= (1 << w) { w += 1 }
        return .uint(w)
    }
}
