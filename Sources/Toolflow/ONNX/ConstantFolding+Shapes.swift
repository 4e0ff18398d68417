/// The shape arithmetic of constant folding and of the importer's reshapes: axes made
/// non-negative, Reshape, Squeeze and Unsqueeze shapes, and Shape's slice of a shape.
extension ConstantFolding {
    /// `axis` made non-negative for a tensor of `rank` (`inclusive`: `rank` itself allowed).
    static func normalizedAxis(_ axis: Int, rank: Int, inclusive: Bool = false) throws -> Int {
        let upper = inclusive ? rank : rank - 1
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized <= upper else { throw NodeProblem.invalid("axis \(axis) is out of range for rank \(rank)") }
        return normalized
    }

    /// ONNX Reshape: 0 copies the input dimension (unless `allowZero`), −1 is inferred.
    static func reshapedShape(_ shape: [Int], target: [Int], allowZero: Bool) throws -> [Int] {
        let total = shape.reduce(1, *)
        var result = target
        var inferred: Int?
        for (i, d) in target.enumerated() {
            if d == 0 && !allowZero {
                guard i < shape.count else { throw NodeProblem.invalid("shape \(target) copies dimension \(i), which the input \(shape) lacks") }
                result[i] = shape[i]
            } else if d == -1 {
                guard inferred == nil else { throw NodeProblem.invalid("shape \(target) has more than one -1") }
                inferred = i
            } else if d < 0 {
                throw NodeProblem.invalid("shape \(target) has a negative dimension")
            }
        }
        let known = result.enumerated().filter { $0.offset != inferred }.map(\.element)
        guard target.count <= ImportLimits.rank, let knownCount = ConstantTensor.elementCount(known) else {
            throw NodeProblem.invalid("shape \(target) is too large")
        }
        if let i = inferred {
            guard knownCount > 0, total % knownCount == 0 else {
                throw NodeProblem.invalid("cannot reshape \(shape) (\(total) elements) to \(target)")
            }
            result[i] = total / knownCount
        } else if knownCount != total {
            throw NodeProblem.invalid("cannot reshape \(shape) (\(total) elements) to \(target)")
        }
        return result
    }

    static func squeezedShape(_ shape: [Int], axes: [Int]?) throws -> [Int] {
        guard let axes else { return shape.filter { $0 != 1 } }
        var drop = Set<Int>()
        for axis in axes {
            let a = try normalizedAxis(axis, rank: shape.count)
            guard shape[a] == 1 else { throw NodeProblem.invalid("cannot squeeze axis \(axis) of size \(shape[a])") }
            drop.insert(a)
        }
        return shape.indices.filter { !drop.contains($0) }.map { shape[$0] }
    }

    static func unsqueezedShape(_ shape: [Int], axes: [Int]) throws -> [Int] {
        let rank = shape.count + axes.count
        guard rank <= ImportLimits.rank else { throw NodeProblem.unsupported("the result would have rank \(rank), more than \(ImportLimits.rank)") }
        var inserted = Set<Int>()
        for axis in axes { inserted.insert(try normalizedAxis(axis, rank: rank)) }
        guard inserted.count == axes.count else { throw NodeProblem.invalid("Unsqueeze axes \(axes) repeat") }
        var result: [Int] = []
        var source = shape.makeIterator()
        for i in 0..<rank { result.append(inserted.contains(i) ? 1 : source.next()!) }
        return result
    }

    /// Shape's output (with the `start` and `end` attributes of opset 15).
    static func shapeSlice(_ shape: [Int], _ a: NodeAttributes, opset: Int) throws -> [Int] {
        let rank = shape.count
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
        let start = clamp(try a.int("start", default: 0)), end = clamp(try a.int("end", default: rank))
        return start < end ? Array(shape[start..<end]) : []
    }
}
