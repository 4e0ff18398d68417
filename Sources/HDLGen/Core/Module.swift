/// A hardware module described in Swift. Its parameters are its stored properties; `name`
/// is derived from them (`pe_w4_k16`), so equal parameters elaborate to one Verilog module.
public protocol Module: Sendable {
    /// The Verilog module name; a pure function of the parameters.
    var name: String { get }
    /// One line for the header comment of the generated file.
    var summary: String { get }
    /// Describes the hardware. Swift control flow runs here, at elaboration.
    func build(_ m: ModuleBuilder) throws
}

extension Module {
    public var summary: String { name }
}
