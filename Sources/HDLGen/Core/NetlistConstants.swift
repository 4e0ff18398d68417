import FixedPoint

/// Helpers of `NetlistLowering` that read constants and slices without lowering anything.
extension NetlistLowering {
    /// `parts` as one slice `high...low` of a single node, when they are adjacent slices of it.
    static func contiguousSlice(_ parts: [Node]) -> (Node, Int, Int)? {
        var source: Node?, high = 0, next = -1
        for part in parts {
            guard case .slice(let s, let h, let l) = part.kind, source == nil || s === source,
                  next == -1 || h == next else { return nil }
            if source == nil { source = s; high = h }
            next = l - 1
        }
        guard let source else { return nil }
        return (source, high, next + 1)
    }

    static func constantValue(_ bits: UInt64, _ type: SignalType) -> Int {
        let masked = bits & (type.width >= 64 ? ~0 : (UInt64(1) << UInt64(type.width)) - 1)
        return type.isSigned ? Int(signExtending: masked, wordlength: type.width) : Int(masked)
    }
}
