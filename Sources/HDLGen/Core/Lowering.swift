/// Turns one module's description into its netlist, in three steps: resolve the connections
/// into one driver per net (ResolvedConnections), check the rules (DesignChecks), and lower
/// the graph to named nets (NetlistLowering). Every mistake found is reported at once.
enum Lowering {
    static func module(_ builder: ModuleBuilder, summary: String) throws -> ElaboratedModule {
        let resolved = ResolvedConnections(builder)
        let errors = builder.errors + resolved.errors + DesignChecks.errors(in: builder, resolved)
        guard errors.isEmpty else { throw ElaborationErrors(errors: errors) }
        var lowering = NetlistLowering(builder: builder, resolved: resolved)
        return lowering.lower(summary: summary)
    }
}

extension Node {
    var declaredName: String {
        if case .declared(let d) = kind { return d.name }
        return kind.summary
    }

    var isRegister: Bool {
        if case .declared(let d) = kind, case .register = d.role { return true }
        return false
    }

    var resetValue: Int? {
        if case .declared(let d) = kind, case .register(let reset) = d.role { return reset }
        return nil
    }

    var isInstanceInput: Bool {
        if case .declared(let d) = kind, case .instanceInput = d.role { return true }
        return false
    }

    /// Whether this node is the result of an operator (not a net or constant).
    var isOperation: Bool {
        switch kind {
        case .declared, .constant, .invalid: return false
        default: return true
        }
    }
}
