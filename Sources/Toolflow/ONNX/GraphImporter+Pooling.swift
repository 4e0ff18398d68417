import Foundation

/// MaxPool and AveragePool (with ceil_mode and count_include_pad), and Softmax.
extension GraphImporter {
    mutating func importPool(_ name: String, op: String, _ a: NodeAttributes) throws {
        guard let kernel = try a.ints("kernel_shape") else { throw NodeProblem.invalid("kernel_shape is missing") }
        let dilations = op == "MaxPool" ? opset >= 10 : opset >= 19
        var w = try window(a, kernel: kernel, allowDilation: dilations)
        let ceilMode = opset >= 10 ? try a.flag("ceil_mode", default: false) : false
        let countPad = try op == "AveragePool" && a.flag("count_include_pad", default: false)
        var pooling = Pooling(window: w, countIncludesPadding: countPad)
        if ceilMode {
            // Extend the bottom and right padding so that the floor rule gives the ceil size;
            // a window may not start past the input and its left padding. The extension is
            // not padding that count_include_pad counts.
            func extra(_ size: Int, _ padBegin: Int, _ padEnd: Int, _ stride: Int, _ extent: Int) -> Int {
                let span = size + padBegin + padEnd - extent
                var out = (span + stride - 1) / stride + 1
                if (out - 1) * stride >= size + padBegin { out -= 1 }
                return max(0, (out - 1) * stride + extent - (size + padBegin + padEnd))
            }
            pooling.uncountedPadBottom = extra(activationShape[2], w.padTop, w.padBottom, w.strideY, w.extentY)
            pooling.uncountedPadRight = extra(activationShape[3], w.padLeft, w.padRight, w.strideX, w.extentX)
            w.padBottom += pooling.uncountedPadBottom
            w.padRight += pooling.uncountedPadRight
            pooling.window = w
        }
        let input = Array(activationShape.dropFirst())
        guard let output = pooling.outputShape(for: input) else { throw NodeProblem.invalid("the window does not fit the input") }
        try ImportLimits.checkWindowTable(positions: output[1] * output[2], area: w.kernelHeight * w.kernelWidth)
        guard pooling.windowTable(inputShape: input) != nil else {
            throw NodeProblem.invalid("some pooling window lies entirely in the padding")
        }
        append(name, op == "MaxPool" ? .maxPool(pooling) : .averagePool(pooling), output: output)
    }

    mutating func importSoftmax(_ name: String, _ a: NodeAttributes) throws {
        let rank = activationShape.count
        let axis = try ConstantFolding.normalizedAxis(try a.int("axis", default: opset >= 13 ? -1 : 1), rank: rank)
        // Opsets before 13 flatten from `axis` on; 13 and later normalise along `axis` alone.
        let overAllFeatures = opset < 13 ? axis == 1 : activationShape.indices.allSatisfy { $0 == 0 || $0 == axis || activationShape[$0] == 1 }
        guard overAllFeatures, axis >= 1 else {
            throw NodeProblem.unsupported("Softmax on axis \(axis) of \(activationShape) is not over all the features of an image")
        }
        append(name, .softmax, output: Array(activationShape.dropFirst()))
    }
}
