import Foundation
import SwiftProtobuf

/// Reads an ONNX model into the sequential network IR.
///
/// Files: IR version 3 (ONNX 1.0, the first with operator set imports) or later, judged by
/// what they hold rather than by their IR number; ai.onnx opsets 7 to 25, with each op's
/// attribute changes between them (Clip's bounds and Squeeze's axes as inputs, Reshape's
/// allowzero, Softmax's axis); tensors inline or in external-data files inside the model's
/// folder (`ExternalData`). Graphs as `torch.onnx.export` (TorchScript and dynamo) and
/// tf2onnx write them: shape computations (Shape, Gather, Unsqueeze, Concat, ...) and
/// Constant nodes are evaluated at import (`ConstantFolding`), initializers may be listed as
/// graph inputs too, value_info is ignored.
///
/// Ops: Conv, MaxPool, AveragePool (ceil_mode and count_include_pad included) and
/// GlobalAveragePool on 2-D feature maps (NCHW), Gemm and MatMul on `[N, K]`, Relu, Flatten,
/// Reshape, Squeeze, Unsqueeze, BatchNormalization (folded into the Conv or Gemm before it, otherwise a depthwise 1×1 convolution), an Add of
/// a per-channel constant after Conv, Gemm or MatMul (folded into the bias), Clip and
/// LeakyRelu where they are a ReLU (Clip(0, ∞), LeakyRelu with alpha 0) or nothing (Clip
/// without bounds, LeakyRelu with alpha 1), Softmax (last), Dropout and Identity (removed).
///
/// The network is defined per image: the input's batch dimension may be symbolic or any fixed
/// size N. A fixed N imports as a batch of 1 (inference runs image by image); reshapes must
/// keep the batch dimension first (a target starting with 0, -1 or N does).
///
/// Anything else is an error naming the node, op and reason; among them Clip with a finite
/// bound (ReLU6) and LeakyRelu with a slope (the IR has no saturating or leaky activation),
/// an Add of two tensors (a residual connection: the IR is a chain of layers), and Gemm with
/// transA or a bias that differs between the images of a batch.
public enum ONNXImporter {
    public static let supportedOpsets = 7...25
    /// The oldest IR version read: 3 (ONNX 1.0) is the first with operator set imports.
    public static let oldestIRVersion: Int64 = 3

    /// Imports the model in the file at `path`; its external data, if any, is read from the
    /// file's folder.
    public static func importModel(atPath path: String) throws(ToolflowError) -> Network {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw .unreadableFile(path: path, reason: error.reason) }
        let folder = (path as NSString).deletingLastPathComponent
        return try importModel(data: data, path: path, externalDataFolder: folder.isEmpty ? "." : folder)
    }

    /// Imports a serialised `ModelProto`; `path` names it in errors. Tensors stored in
    /// external files are read from `externalDataFolder`, and refused without one.
    public static func importModel(data: Data, path: String = "model",
                                   externalDataFolder: String? = nil) throws(ToolflowError) -> Network {
        guard !data.isEmpty else { throw .malformedModel(path: path, reason: "the file is empty") }
        let model: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            model = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw .malformedModel(path: path, reason: "protobuf decoding failed (\(error)); the file is truncated or corrupted")
        }
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw .malformedModel(path: path, reason: "it has no graph or the graph has no nodes")
        }
        let opset = try defaultOpset(of: model, path: path)
        var graphImporter = GraphImporter(path: path, opset: opset, fileSize: data.count,
                                          externalData: ExternalData(folder: externalDataFolder))
        return try graphImporter.run(model.graph)
    }

    /// The model's ai.onnx opset, once its IR version is known to be one with opset imports.
    static func defaultOpset(of model: Onnx_ModelProto, path: String) throws(ToolflowError) -> Int {
        guard model.hasIrVersion, model.irVersion != 0 else {
            throw .malformedModel(path: path, reason: "it declares no IR version (ir_version is required)")
        }
        guard model.irVersion >= oldestIRVersion else {
            throw .malformedModel(path: path, reason: "IR version \(model.irVersion) is older than \(oldestIRVersion) (ONNX 1.0), "
                                  + "the first with operator set imports; re-export the model with a current exporter")
        }
        let defaults = Set(model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map(\.version))
        guard let version = defaults.first else {
            throw .malformedModel(path: path, reason: "it imports no ai.onnx opset")
        }
        guard defaults.count == 1 else {
            throw .malformedModel(path: path, reason: "it imports ai.onnx opsets \(defaults.sorted()) at once")
        }
        guard let opset = Int(exactly: version), supportedOpsets.contains(opset) else {
            throw .unsupportedOpset(domain: "", version: Int(clamping: version))
        }
        return opset
    }
}
