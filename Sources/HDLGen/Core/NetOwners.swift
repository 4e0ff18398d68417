/// The one net each operation feeds, when it feeds only one (a register, wire, output,
/// instance input or memory), so that a sub-expression can be named after what it computes for.
struct NetOwners {
    private enum Owner { case one(String), many }
    private var owners: [ObjectIdentifier: Owner] = [:]

    init(builder: ModuleBuilder, resolved: ResolvedConnections) {
        for declaration in builder.declarations {
            if let driver = resolved.driver(of: declaration) { mark([driver], owner: declaration.declaredName) }
        }
        for write in resolved.memoryWrites {
            mark([write.enable, write.address, write.data], owner: write.memory.name)
        }
    }

    /// The name of the one net `node` feeds, or nil when it feeds several.
    func owner(of node: Node) -> String? {
        if case .one(let name) = owners[ObjectIdentifier(node)] { return name }
        return nil
    }

    /// Marks the operations under `roots` (stopping at nets) as feeding `owner`.
    private mutating func mark(_ roots: [Node], owner: String) {
        var stack = roots
        while let node = stack.popLast() {
            guard node.isOperation else { continue }
            let id = ObjectIdentifier(node)
            switch owners[id] {
            case nil:
                owners[id] = .one(owner)
            case .one(let other) where other != owner:
                owners[id] = .many
            case .one, .many:
                continue
            }
            stack.append(contentsOf: node.kind.operands)
        }
    }
}
