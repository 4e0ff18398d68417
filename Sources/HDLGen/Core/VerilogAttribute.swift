/// A Verilog attribute, `(* name = "value" *)`, printed before the declaration of a net, to
/// tell synthesis tools how to map it (Vivado's `use_dsp`, for instance).
public struct VerilogAttribute: Sendable, Hashable {
    public let name: String
    public let value: String

    /// An attribute with a string value; the name must be an identifier and the value plain
    /// text (letters, digits, `_`, `-`, `.`), checked when the attribute is attached.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Vivado's `use_dsp`: `yes` asks for a DSP48, `no` keeps the logic in LUTs and carries.
    public static func useDSP(_ use: Bool) -> VerilogAttribute { VerilogAttribute("use_dsp", use ? "yes" : "no") }

    /// The attribute as Verilog: `use_dsp = "no"`.
    var verilog: String { "\(name) = \"\(value)\"" }

    var isWellFormed: Bool {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        return ModuleBuilder.isIdentifier(name) && value.allSatisfy { plain.contains($0) }
    }
}

extension ModuleBuilder {
    /// Attaches `attribute` to the declaration of `net`, a wire or register of this module;
    /// attributes print in the order attached, and a name attached twice is an error.
    public func attach(_ attribute: VerilogAttribute, to net: Signal,
                       file: StaticString = #fileID, line: UInt = #line) {
        let location = SourceLocation(file: file, line: line)
        guard case .declared(let declaration) = net.node.kind, net.node.owner == ObjectIdentifier(self),
              declaration.role == .wire || net.node.isRegister else {
            record("attribute \(attribute.name) can only be attached to a wire or register of \(moduleName), not \(net)",
                   at: location)
            return
        }
        guard attribute.isWellFormed else {
            record("attribute \(attribute.name) = \(attribute.value.debugDescription) is not an identifier and plain value",
                   at: location)
            return
        }
        if attributes[declaration.name, default: []].contains(where: { $0.name == attribute.name }) {
            record("attribute \(attribute.name) is attached twice to \(declaration.name)", at: location)
            return
        }
        attributes[declaration.name, default: []].append(attribute)
    }
}
