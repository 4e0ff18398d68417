import Foundation

/// A batch of images with optional labels: the DESIGN.md data format, a folder holding
/// `inputs.npy` (float32, NCHW) and, optionally, `labels.npy` (int64; int32 accepted).
public struct Dataset: Sendable {
    /// The shape of one image, e.g. `[1, 28, 28]`.
    public var imageShape: [Int]
    /// All images, one after the other, C order.
    public var inputs: [Float]
    public var labels: [Int]?
    /// The folder it was read from, which errors name ("data" for one made in memory).
    public var source: String

    public init(imageShape: [Int], inputs: [Float], labels: [Int]? = nil, source: String = "data") {
        precondition(inputs.count % max(imageShape.reduce(1, *), 1) == 0)
        self.imageShape = imageShape; self.inputs = inputs; self.labels = labels; self.source = source
    }

    public var imageSize: Int { imageShape.reduce(1, *) }
    public var count: Int { imageSize == 0 ? 0 : inputs.count / imageSize }

    /// The images `range` as a new data set.
    public func subset(_ range: Range<Int>) -> Dataset {
        Dataset(imageShape: imageShape, inputs: Array(inputs[(range.lowerBound * imageSize)..<(range.upperBound * imageSize)]),
                labels: labels.map { Array($0[range]) }, source: source)
    }

    /// Loads the folder at `path`.
    public static func load(folder path: String) throws(ToolflowError) -> Dataset {
        let inputsPath = (path as NSString).appendingPathComponent("inputs.npy")
        let labelsPath = (path as NSString).appendingPathComponent("labels.npy")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unreadableFile(path: path, reason: "not a folder (expected a folder with inputs.npy and labels.npy)")
        }
        let inputs = try NPY.read(path: inputsPath)
        let labels = FileManager.default.fileExists(atPath: labelsPath) ? try NPY.read(path: labelsPath) : nil
        return try Dataset(inputs: inputs, inputsPath: inputsPath, labels: labels, labelsPath: labelsPath)
    }

    /// A data set of the arrays read from `inputs.npy` and, when given, `labels.npy`; the
    /// paths name them in errors.
    public init(inputs: NPY.Array, inputsPath: String, labels array: NPY.Array?, labelsPath: String) throws(ToolflowError) {
        guard inputs.elementType == .float32 else {
            throw .malformedArray(path: inputsPath, reason: "dtype \(inputs.elementType.rawValue); inputs must be float32 (<f4)")
        }
        guard inputs.shape.count >= 2 else {
            throw .malformedArray(path: inputsPath, reason: "shape \(inputs.shape); expected a batch of images (N, C, H, W)")
        }
        var labels: [Int]?
        if let array {
            guard array.elementType != .float32 else {
                throw .malformedArray(path: labelsPath, reason: "dtype <f4; labels must be int64 (<i8) or int32 (<i4)")
            }
            guard array.shape == [inputs.shape[0]] else {
                throw .malformedArray(path: labelsPath, reason: "shape \(array.shape); expected (\(inputs.shape[0]),), one label per image")
            }
            labels = array.integers
        }
        self.init(imageShape: Array(inputs.shape.dropFirst()), inputs: inputs.floats, labels: labels,
                  source: (inputsPath as NSString).deletingLastPathComponent)
    }

    /// Checks that there are images, that they have the network's input shape, that every
    /// input is a finite number and every label a class of the network's output.
    public func validate(for network: Network) throws(ToolflowError) {
        let inputsPath = (source as NSString).appendingPathComponent("inputs.npy")
        guard imageShape == network.inputShape else {
            throw .dataMismatch("\(inputsPath): the images have shape \(imageShape) but the model \(network.name) expects \(network.inputShape)")
        }
        guard count > 0 else { throw .dataMismatch("\(inputsPath) holds no images") }
        if let bad = inputs.firstIndex(where: { !$0.isFinite }) {
            throw .dataMismatch("\(inputsPath): image \(bad / imageSize) holds \(inputs[bad]), not a finite number")
        }
        let classes = network.outputSize
        if let labels, let bad = labels.firstIndex(where: { !(0..<classes).contains($0) }) {
            throw .dataMismatch("\((source as NSString).appendingPathComponent("labels.npy")): the label of image \(bad) is \(labels[bad]), "
                                + "outside the model's classes 0...\(classes - 1)")
        }
    }
}
