import HDLGen

/// A device that cannot be used: an unknown name, or a device file that is missing,
/// malformed, out of range, or whose name or part is not of its form. Each case names the
/// device, file and field at fault.
public enum DeviceError: Error, Equatable, CustomStringConvertible, Sendable {
    case unknownDevice(String, known: [String])
    case unreadableFile(path: String, reason: String)
    case malformedFile(path: String, reason: String)
    case invalidField(path: String, field: String, value: String, allowed: String)
    /// A text field that does not have its form (`value` is already quoted for the message).
    case malformedField(path: String, field: String, value: String, form: String)
    case invalidBudget(Double)

    public var description: String {
        switch self {
        case let .unknownDevice(name, known):
            return "unknown device \(name.quotedForMessage); built-in devices: \(known.joined(separator: ", ")), "
                + "or give the path of a device JSON file"
        case let .unreadableFile(path, reason):
            return "cannot read device file \(path): \(reason)"
        case let .malformedFile(path, reason):
            return "device file \(path) is not a valid device description: \(reason)"
        case let .invalidField(path, field, value, allowed):
            return "device file \(path): \(field) = \(value) is outside the allowed range \(allowed)"
        case let .malformedField(path, field, value, form):
            return "device file \(path): \(field) = \(value) is not \(form)"
        case let .invalidBudget(fraction):
            return "budget fraction \(fraction) is outside the allowed range (0, 1]"
        }
    }
}
