/// What went wrong reading a model, a data set or a quantisation: each case names the file,
/// the ONNX node and op, or the parameter at fault, so that the CLI can print it as it is.
public enum ToolflowError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A file that could not be read at all.
    case unreadableFile(path: String, reason: String)
    /// A model file that is not a well-formed ONNX model (empty, truncated, corrupted).
    case malformedModel(path: String, reason: String)
    /// The model imports an opset outside the supported range.
    case unsupportedOpset(domain: String, version: Int)
    /// A node that the importer cannot handle: an unknown op, an unsupported attribute value,
    /// or a graph shape that the sequential IR does not represent.
    case unsupportedNode(name: String, op: String, opset: Int, reason: String)
    /// A model whose tensors or attributes are inconsistent (a shape that does not match).
    case invalidNode(name: String, op: String, opset: Int, reason: String)
    /// A `.npy` file that this strict reader does not accept.
    case malformedArray(path: String, reason: String)
    /// Data that does not fit the model (image shape, label count).
    case dataMismatch(String)
    /// A quantisation that is not valid for the network.
    case invalidQuantisation(String)
    /// A layer the layer engine cannot run, or an engine too small for the network.
    case unsupportedByEngine(layer: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformedModel(path, reason):
            return "\(path) is not a valid ONNX model: \(reason)"
        case let .unsupportedOpset(domain, version):
            let name = domain.isEmpty ? "ai.onnx" : domain
            return "the model uses opset \(version) of \(name); supported: ai.onnx opsets \(ONNXImporter.supportedOpsets.lowerBound) to \(ONNXImporter.supportedOpsets.upperBound)"
        case let .unsupportedNode(name, op, opset, reason):
            return "node \"\(name)\" (\(op), opset \(opset)) is not supported: \(reason)"
        case let .invalidNode(name, op, opset, reason):
            return "node \"\(name)\" (\(op), opset \(opset)) is invalid: \(reason)"
        case let .malformedArray(path, reason):
            return "\(path): \(reason)"
        case let .dataMismatch(reason):
            return reason
        case let .invalidQuantisation(reason):
            return "invalid quantisation: \(reason)"
        case let .unsupportedByEngine(layer, reason):
            return "layer \"\(layer)\" cannot run on the layer engine: \(reason)"
        }
    }
}
