/// A unit parameter outside the range the generator supports.
public struct UnitParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let unit: String
    public let parameter: String
    public let value: Int
    public let allowed: ClosedRange<Int>

    public var description: String {
        if allowed.contains(value) {
            // The range holds the value: the parameter's name says what else it must be.
            return "\(unit): \(parameter) = \(value) is not supported (range \(allowed.lowerBound)...\(allowed.upperBound))"
        }
        return "\(unit): \(parameter) = \(value) is outside the supported range \(allowed.lowerBound)...\(allowed.upperBound)"
    }

    /// Throws unless `value` lies in `allowed`.
    static func check(_ unit: String, _ parameter: String, _ value: Int, in allowed: ClosedRange<Int>) throws {
        guard allowed.contains(value) else {
            throw UnitParameterError(unit: unit, parameter: parameter, value: value, allowed: allowed)
        }
    }

    /// Throws unless `value` is a power of two in `allowed`; the error names the parameter
    /// as "`parameter` (a power of two)".
    static func checkPowerOfTwo(_ unit: String, _ parameter: String, _ value: Int, in allowed: ClosedRange<Int>) throws {
        guard allowed.contains(value), value > 0, value & (value - 1) == 0 else {
            throw UnitParameterError(unit: unit, parameter: "\(parameter) (a power of two)", value: value, allowed: allowed)
        }
    }
}
