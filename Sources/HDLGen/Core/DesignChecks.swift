/// The rules a resolved module must keep before it becomes a netlist: no invalid operation
/// (a mistake recorded while building) is used, and no net depends on itself without a register.
enum DesignChecks {
    /// Every mistake found, invalid operations first, then at most one combinational loop.
    static func errors(in builder: ModuleBuilder, _ resolved: ResolvedConnections) -> [ElaborationError] {
        invalidOperations(builder, resolved) + combinationalLoop(builder, resolved)
    }

    private static func invalidOperations(_ builder: ModuleBuilder,
                                          _ resolved: ResolvedConnections) -> [ElaborationError] {
        var errors: [ElaborationError] = []
        var seen: Set<ObjectIdentifier> = []
        var stack = builder.declarations.compactMap { resolved.driver(of: $0) }
            + resolved.memoryWrites.flatMap { [$0.enable, $0.address, $0.data] }
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            if case .invalid(let message) = node.kind {
                errors.append(ElaborationError(message, at: node.location))
            }
            if case .declared = node.kind { continue }
            stack.append(contentsOf: node.kind.operands)
        }
        return errors
    }

    /// Nets read combinationally by the driver of `declaration` (registers break the path).
    private static func combinationalInputs(of declaration: Node, _ resolved: ResolvedConnections) -> [Node] {
        guard let driver = resolved.driver(of: declaration) else { return [] }
        var seen: Set<ObjectIdentifier> = []
        var stack = [driver], found: [Node] = []
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            if case .declared = node.kind {
                if node.isDrivable && !node.isRegister { found.append(node) }
                continue
            }
            stack.append(contentsOf: node.kind.operands)
        }
        return found
    }

    private static func combinationalLoop(_ builder: ModuleBuilder,
                                          _ resolved: ResolvedConnections) -> [ElaborationError] {
        enum Mark { case visiting, done }
        var marks: [ObjectIdentifier: Mark] = [:]
        var path: [Node] = []
        func visit(_ node: Node) -> [Node]? {
            let id = ObjectIdentifier(node)
            if marks[id] == .done { return nil }
            if marks[id] == .visiting {
                let start = path.firstIndex { $0 === node }!
                return Array(path[start...]) + [node]
            }
            marks[id] = .visiting
            path.append(node)
            defer { path.removeLast(); marks[id] = .done }
            for next in combinationalInputs(of: node, resolved) {
                if let loop = visit(next) { return loop }
            }
            return nil
        }
        for declaration in builder.declarations where declaration.isDrivable && !declaration.isRegister {
            if let loop = visit(declaration) {
                let names = loop.map(\.declaredName).joined(separator: " -> ")
                return [ElaborationError("combinational loop: \(names)",
                                         at: resolved.driverLocations[ObjectIdentifier(loop[0])] ?? loop[0].location)]
            }
        }
        return []
    }
}
