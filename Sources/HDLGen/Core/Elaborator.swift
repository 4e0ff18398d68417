/// A module hierarchy elaborated into netlists, one per distinct module.
public struct Circuit: Sendable {
    /// The top module.
    public let top: ElaboratedModule
    /// Every distinct module, each after the modules it instantiates; the top is last.
    public let modules: [ElaboratedModule]

    /// Elaborates `top` and everything it instantiates; throws `ElaborationErrors` naming
    /// the Swift file and line of every mistake in the description.
    public init(_ top: some Module) throws {
        let elaborator = Elaborator()
        self.top = try elaborator.elaborate(top)
        self.modules = elaborator.order.map { elaborator.modules[$0]! }
    }
}

/// Elaborates modules on demand, once per name, so equal parameters give one module.
final class Elaborator {
    private(set) var modules: [String: ElaboratedModule] = [:]
    private(set) var order: [String] = []
    private var inProgress: Set<String> = []

    func elaborate(_ module: some Module) throws -> ElaboratedModule {
        if let done = modules[module.name] { return done }
        guard ModuleBuilder.isIdentifier(module.name) else {
            throw ElaborationErrors(errors: [ElaborationError(
                "module name \(module.name.debugDescription) is not a Verilog identifier", at: nil)])
        }
        guard inProgress.insert(module.name).inserted else {
            throw ElaborationErrors(errors: [ElaborationError("module \(module.name) instantiates itself", at: nil)])
        }
        defer { inProgress.remove(module.name) }
        let builder = ModuleBuilder(moduleName: module.name, elaborator: self)
        try module.build(builder)
        builder.finish()
        let result = try Lowering.module(builder, summary: module.summary).naming(builder.namedConstants)
        modules[module.name] = result
        order.append(module.name)
        return result
    }
}
