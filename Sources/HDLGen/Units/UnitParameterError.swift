/// A unit parameter outside the range the generator supports.
public struct UnitParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let unit: String
    public let parameter: String
    public let value: Int
    public let allowed: ClosedRange<Int>

    public var description: String {
        "\(unit): \(parameter) = \(value) is outside the supported range \(allowed.lowerBound)...\(allowed.upperBound)"
    }

    /// Throws unless `value` lies in `allowed`.
    static func check(_ unit: String, _ parameter: String, _ value: Int, in allowed: ClosedRange<Int>) throws {
        guard allowed.contains(value) else {
            throw UnitParameterError(unit: unit, parameter: parameter, value: value, allowed: allowed)
        }
    }
}
