import Foundation

/// Evaluates at import the nodes whose inputs are all known: initializers, Constant nodes and
/// what is computed from them (a Transpose or Reshape of a weight, a shape computation).
enum ConstantFolding {
    /// The ops that can be evaluated on constants.
    static let supportedOps: Set<String> = [
        "Constant", "Identity", "Dropout", "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze",
        "Concat", "Gather", "Cast", "Shape", "Slice", "ConstantOfShape",
        "Add", "Sub", "Mul", "Div", "Neg", "Sqrt", "Reciprocal", "Abs", "Relu",
    ]

    /// The outputs of `op` on constant `inputs` (nil for an omitted optional input). Each new
    /// result is paid for from `budget` before it is allocated; a reshape shares its input's.
    static func evaluate(op: String, inputs: [ConstantTensor?], attributes a: NodeAttributes,
                         opset: Int, budget: inout FoldingBudget) throws -> [ConstantTensor] {
        func input(_ i: Int) throws -> ConstantTensor {
            guard i < inputs.count, let t = inputs[i] else { throw NodeProblem.invalid("input \(i) is missing") }
            return t
        }
        func optionalInput(_ i: Int) -> ConstantTensor? { i < inputs.count ? inputs[i] : nil }

        switch op {
        case "Constant":
            return [try constantValue(a)]
        case "Identity", "Dropout":
            return [try input(0)]
        case "Reshape":
            let data = try input(0)
            let shape = try reshapedShape(data.shape, target: try input(1).integers,
                                          allowZero: try opset >= 14 && a.flag("allowzero", default: false))
            return [ConstantTensor(shape: shape, values: data.values, isInteger: data.isInteger)]
        case "Transpose":
            let data = try input(0)
            let perm = try a.ints("perm") ?? Array(data.shape.indices.reversed())
            try budget.spend(data.count)
            return [try transpose(data, perm: perm)]
        case "Flatten":
            let data = try input(0)
            let axis = try normalizedAxis(try a.int("axis", default: 1), rank: data.shape.count, inclusive: true)
            let outer = data.shape[..<axis].reduce(1, *)
            return [ConstantTensor(shape: [outer, data.count / max(outer, 1)], values: data.values, isInteger: data.isInteger)]
        case "Squeeze", "Unsqueeze":
            let data = try input(0)
            let axes = opset >= 13 ? optionalInput(1)?.integers : try a.ints("axes")
            let shape = op == "Squeeze" ? try squeezedShape(data.shape, axes: axes)
                                        : try unsqueezedShape(data.shape, axes: axes ?? [])
            return [ConstantTensor(shape: shape, values: data.values, isInteger: data.isInteger)]
        case "Concat":
            let parts = try (0..<inputs.count).map { (i: Int) throws -> ConstantTensor in try input(i) }
            try budget.spend(parts.reduce(0) { $0 + $1.count })
            return [try concatenate(parts, axis: try a.int("axis") ?? { throw NodeProblem.invalid("Concat needs an axis") }())]
        case "Gather":
            return [try gather(try input(0), indices: try input(1), axis: try a.int("axis", default: 0), budget: &budget)]
        case "Cast":
            guard let to = try a.int("to"), let type = Onnx_TensorProto.DataType(rawValue: to) else {
                throw NodeProblem.invalid("Cast needs a valid \"to\"")
            }
            let data = try input(0)
            try budget.spend(data.count)
            return [try cast(data, to: type)]
        case "Shape":
            let data = try input(0)
            return [ConstantTensor(integers: try shapeSlice(data.shape, a, opset: opset))]
        case "Slice":
            return [try slice(inputs, a, opset: opset, budget: &budget)]
        case "ConstantOfShape":
            let shape = try input(0).integers
            guard let count = ConstantTensor.elementCount(shape) else { throw NodeProblem.invalid("invalid shape \(shape)") }
            try budget.spend(count)
            var fill = ConstantTensor(shape: [1], values: [0], isInteger: false)
            if let t = try a.tensor("value") {
                do { fill = try t.constantTensor() } catch { throw NodeProblem.invalid("value: \(TensorDecodingError.text(of: error))") }
                guard fill.count == 1 else { throw NodeProblem.invalid("value must hold one element") }
            }
            return [ConstantTensor(shape: shape, values: Array(repeating: fill.values[0], count: count), isInteger: fill.isInteger)]
        case "Add", "Sub", "Mul", "Div":
            let x = try input(0), y = try input(1)
            let integer = x.isInteger && y.isInteger
            let f: (Double, Double) -> Double
            switch op {
            case "Add": f = { $0 + $1 }
            case "Sub": f = { $0 - $1 }
            case "Mul": f = { $0 * $1 }
            default: f = integer ? { $1 == 0 ? 0 : ($0 / $1).rounded(.towardZero) } : { $0 / $1 }
            }
            var result = try broadcast(x, y, f, budget: &budget)
            result.isInteger = integer
            if !integer { result.values = result.values.map { Double(Float($0)) } }
            return [result]
        case "Neg", "Sqrt", "Reciprocal", "Abs", "Relu":
            var x = try input(0)
            try budget.spend(x.count)
            let f: (Double) -> Double
            switch op {
            case "Neg": f = { -$0 }
            case "Sqrt": f = { $0.squareRoot() }
            case "Reciprocal": f = { 1 / $0 }
            case "Abs": f = { abs($0) }
            default: f = { max($0, 0) }
            }
            x.values = x.values.map { x.isInteger ? f($0) : Double(Float(f($0))) }
            return [x]
        default:
            throw NodeProblem.unsupported("the op cannot be evaluated on constants")
        }
    }

    /// The value of a Constant node.
    static func constantValue(_ a: NodeAttributes) throws -> ConstantTensor {
        if let t = try a.tensor("value") {
            do { return try t.constantTensor() } catch { throw NodeProblem.invalid("value: \(TensorDecodingError.text(of: error))") }
        }
        if a.has("value_float") { return ConstantTensor(shape: [], values: [Double(try a.float("value_float", default: 0))], isInteger: false) }
        if let v = try a.floats("value_floats") { return ConstantTensor(shape: [v.count], values: v.map(Double.init), isInteger: false) }
        if let v = try a.int("value_int") { return ConstantTensor(shape: [], values: [Double(v)], isInteger: true) }
        if let v = try a.ints("value_ints") { return ConstantTensor(integers: v) }
        throw NodeProblem.unsupported("only Constant values of kind value, value_float(s) and value_int(s) are supported")
    }

    static func transpose(_ t: ConstantTensor, perm: [Int]) throws -> ConstantTensor {
        guard perm.count == t.shape.count, Set(perm) == Set(t.shape.indices) else {
            throw NodeProblem.invalid("perm \(perm) does not permute the \(t.shape.count) axes of \(t.shape)")
        }
        let shape = perm.map { t.shape[$0] }
        let inStrides = ConstantTensor.strides(of: t.shape)
        let permutedStrides = perm.map { inStrides[$0] }
        var values = [Double](repeating: 0, count: t.count)
        var index = [Int](repeating: 0, count: shape.count)
        for o in 0..<t.count {
            var offset = 0
            for d in index.indices { offset += index[d] * permutedStrides[d] }
            values[o] = t.values[offset]
            var d = shape.count - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return ConstantTensor(shape: shape, values: values, isInteger: t.isInteger)
    }

    static func concatenate(_ parts: [ConstantTensor], axis: Int) throws -> ConstantTensor {
        guard let first = parts.first else { throw NodeProblem.invalid("Concat has no inputs") }
        let a = try normalizedAxis(axis, rank: first.shape.count)
        for p in parts where p.shape.count != first.shape.count
            || p.shape.indices.contains(where: { $0 != a && p.shape[$0] != first.shape[$0] }) {
            throw NodeProblem.invalid("cannot concatenate \(p.shape) with \(first.shape) on axis \(axis)")
        }
        let outer = first.shape[..<a].reduce(1, *)
        var shape = first.shape
        shape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        var values: [Double] = []
        values.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            for p in parts {
                let chunk = p.shape[a...].reduce(1, *)
                values += p.values[(o * chunk)..<((o + 1) * chunk)]
            }
        }
        return ConstantTensor(shape: shape, values: values, isInteger: parts.allSatisfy(\.isInteger))
    }

    static func gather(_ data: ConstantTensor, indices: ConstantTensor, axis: Int,
                       budget: inout FoldingBudget) throws -> ConstantTensor {
        let a = try normalizedAxis(axis, rank: data.shape.count)
        let size = data.shape[a]
        let outer = data.shape[..<a].reduce(1, *), inner = data.shape[(a + 1)...].reduce(1, *)
        let shape = Array(data.shape[..<a]) + indices.shape + Array(data.shape[(a + 1)...])
        guard let count = ConstantTensor.elementCount(shape) else { throw NodeProblem.invalid("the result shape \(shape) is too large") }
        try budget.spend(count)
        let positions = indices.integers
        var values: [Double] = []
        values.reserveCapacity(count)
        for o in 0..<outer {
            for index in positions {
                let i = index < 0 ? index + size : index
                guard i >= 0, i < size else { throw NodeProblem.invalid("Gather index \(index) is out of range 0..<\(size)") }
                values += data.values[((o * size + i) * inner)..<((o * size + i + 1) * inner)]
            }
        }
        return ConstantTensor(shape: shape, values: values, isInteger: data.isInteger)
    }

    static func cast(_ t: ConstantTensor, to type: Onnx_TensorProto.DataType) throws -> ConstantTensor {
        var result = t
        switch type {
        case .float, .float16: result.values = t.values.map { Double(Float($0)) }; result.isInteger = false
        case .double: result.isInteger = false
        case .bool: result.values = t.values.map { $0 != 0 ? 1 : 0 }; result.isInteger = true
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
            result.values = t.values.map { $0.isFinite ? $0.rounded(.towardZero) : 0 }; result.isInteger = true
        default: throw NodeProblem.unsupported("Cast to \(type) is not supported")
        }
        return result
    }

    static func slice(_ inputs: [ConstantTensor?], _ a: NodeAttributes, opset: Int,
                      budget: inout FoldingBudget) throws -> ConstantTensor {
        guard let data = inputs.first ?? nil else { throw NodeProblem.invalid("input 0 is missing") }
        let starts: [Int], ends: [Int], axesIn: [Int]?, stepsIn: [Int]?
        if opset < 10 {
            guard let s = try a.ints("starts"), let e = try a.ints("ends") else { throw NodeProblem.invalid("Slice needs starts and ends") }
            starts = s; ends = e; axesIn = try a.ints("axes"); stepsIn = nil
        } else {
            guard inputs.count >= 3, let s = inputs[1], let e = inputs[2] else { throw NodeProblem.invalid("Slice needs starts and ends") }
            starts = s.integers; ends = e.integers
            axesIn = inputs.count > 3 ? inputs[3]?.integers : nil
            stepsIn = inputs.count > 4 ? inputs[4]?.integers : nil
        }
        let axes = axesIn ?? Array(0..<starts.count)
        let steps = stepsIn ?? Array(repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw NodeProblem.invalid("Slice starts, ends, axes and steps differ in length")
        }
        // Per axis, the indices taken: `count` of them from `first` by `step` (computed, not
        // listed: an empty tensor may claim a dimension of 2^28).
        var ranges = data.shape.map { (first: 0, step: 1, count: $0) }
        for (i, axis) in axes.enumerated() {
            let d = try normalizedAxis(axis, rank: data.shape.count), size = data.shape[d]
            guard steps[i] != 0 else { throw NodeProblem.invalid("Slice step is zero") }
            // A step past the axis takes one index either way; clamped, it cannot overflow.
            let step = max(-size - 1, min(steps[i], size + 1))
            func clampIndex(_ v: Int, _ low: Int, _ high: Int) -> Int { min(max(v < 0 ? v + size : v, low), high) }
            let (first, end) = step > 0 ? (clampIndex(starts[i], 0, size), clampIndex(ends[i], 0, size))
                                        : (clampIndex(starts[i], -1, size - 1), clampIndex(ends[i], -1, size - 1))
            let count = step > 0 ? (end - first + step - 1) / step : (first - end - step - 1) / -step
            ranges[d] = (first, step, max(0, count))
        }
        let shape = ranges.map(\.count)
        try budget.spend(shape.reduce(1, *))
        let strides = ConstantTensor.strides(of: data.shape)
        var values: [Double] = []
        func visit(_ d: Int, _ offset: Int) {
            if d == shape.count { values.append(data.values[offset]); return }
            let range = ranges[d]
            for n in 0..<range.count { visit(d + 1, offset + (range.first + n * range.step) * strides[d]) }
        }
        if shape.allSatisfy({ $0 > 0 }) { visit(0, 0) }
        return ConstantTensor(shape: shape, values: values, isInteger: data.isInteger)
    }

    /// `f` applied elementwise with numpy broadcasting.
    static func broadcast(_ x: ConstantTensor, _ y: ConstantTensor, _ f: (Double, Double) -> Double,
                          budget: inout FoldingBudget) throws -> ConstantTensor {
        let rank = max(x.shape.count, y.shape.count)
        let xs = Array(repeating: 1, count: rank - x.shape.count) + x.shape
        let ys = Array(repeating: 1, count: rank - y.shape.count) + y.shape
        var shape: [Int] = []
        for (a, b) in zip(xs, ys) {
            guard a == b || a == 1 || b == 1 else { throw NodeProblem.invalid("shapes \(x.shape) and \(y.shape) do not broadcast") }
            shape.append(a == 1 ? b : a)
        }
        guard let count = ConstantTensor.elementCount(shape) else { throw NodeProblem.invalid("broadcast shape \(shape) is too large") }
        try budget.spend(count)
        let xStrides = zip(ConstantTensor.strides(of: xs), xs).map { $1 == 1 ? 0 : $0 }
        let yStrides = zip(ConstantTensor.strides(of: ys), ys).map { $1 == 1 ? 0 : $0 }
        var values = [Double](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        for o in 0..<count {
            var xo = 0, yo = 0
            for d in 0..<rank { xo += index[d] * xStrides[d]; yo += index[d] * yStrides[d] }
            values[o] = f(x.values[xo], y.values[yo])
            var d = rank - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return ConstantTensor(shape: shape, values: values, isInteger: x.isInteger && y.isInteger)
    }
}
