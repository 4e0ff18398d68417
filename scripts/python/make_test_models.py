"""Builds the small ONNX models of Tests/ToolflowTests/Fixtures and their onnxruntime
reference outputs, and the reference outputs of the bundled example on its evaluation set.

Each fixture folder holds model.onnx, inputs.npy (float32, NCHW) and outputs.npy (float32,
onnxruntime's outputs). Reproducible: fixed seeds.
"""
import argparse
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

IR_FOR_OPSET = {7: 3, 11: 6, 13: 7, 21: 10}


class Builder:
    def __init__(self, name, opset, seed):
        self.name, self.opset = name, opset
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def fresh(self, prefix):
        self.count += 1
        return f"{prefix}{self.count}"

    def init(self, array, prefix="w"):
        name = self.fresh(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weights(self, *shape, scale=None):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        s = scale if scale is not None else np.sqrt(2.0 / fan_in)
        return (self.rng.standard_normal(shape) * s).astype(np.float32)

    def node(self, op, inputs, name=None, outputs=1, **attrs):
        outs = [self.fresh("t") for _ in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, name or self.fresh(op.lower()), **attrs))
        return outs[0] if outputs == 1 else outs

    def constant(self, array):
        out = self.fresh("c")
        self.nodes.append(helper.make_node("Constant", [], [out], self.fresh("const"),
                                           value=numpy_helper.from_array(np.asarray(array))))
        return out

    def axes(self, op, x, axes):
        if self.opset >= 13:
            return self.node(op, [x, self.init(np.array(axes, np.int64), "axes")])
        return self.node(op, [x], axes=axes)

    def batchnorm(self, x, channels):
        r = self.rng
        params = [r.uniform(0.5, 1.5, channels), r.uniform(-0.3, 0.3, channels),
                  r.uniform(-0.3, 0.3, channels), r.uniform(0.5, 2.0, channels)]
        names = [self.init(p.astype(np.float32), "bn") for p in params]
        return self.node("BatchNormalization", [x] + names, epsilon=1e-3)

    def save(self, folder, x, input_shape, batch, classes):
        out = self.nodes[-1].output[0]
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info(x, TensorProto.FLOAT, [batch] + input_shape)],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, [batch, classes])], self.inits)
        if IR_FOR_OPSET[self.opset] < 4:
            # IR 3 lists every initializer among the graph inputs.
            graph.input.extend(helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)],
                                  producer_name="cascadecnn scripts/make-test-models")
        model.ir_version = IR_FOR_OPSET[self.opset]
        onnx.checker.check_model(model)
        os.makedirs(folder, exist_ok=True)
        onnx.save(model, os.path.join(folder, "model.onnx"))
        return model


def strided_bn(opset):
    """Non-square 3-channel input, stride 2 with asymmetric pads, batch norm, max pooling
    with padding, Flatten, two Gemms (transB both ways, alpha and beta), Softmax."""
    b = Builder(f"strided_bn_opset{opset}", opset, 1)
    x = "image"
    h = b.node("Conv", [x, b.init(b.weights(6, 3, 3, 3))], "conv1", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 0, 1, 2])
    h = b.batchnorm(h, 6)
    h = b.node("Relu", [h])
    h = b.node("MaxPool", [h], "pool1", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    h = b.node("Flatten", [h], axis=1)
    h = b.node("Gemm", [h, b.init(b.weights(16, 6 * 5 * 7)), b.init(b.weights(16, scale=0.1))], "fc1", transB=1)
    h = b.node("Relu", [h])
    h = b.node("Gemm", [h, b.init(b.weights(16, 10, scale=0.3)), b.init(b.weights(1, 10, scale=0.1))], "fc2",
               alpha=0.5, beta=2.0)
    b.node("Softmax", [h], "softmax", axis=1)
    return b, x, [3, 20, 28], 10


def groups_avgpool(opset):
    """Grouped and dilated convolution, depthwise 1x1 convolution, average pooling with and
    without counted padding, Add of a constant as bias, GlobalAveragePool, Reshape through a
    Constant node, MatMul whose weights are a folded Transpose of an initializer."""
    b = Builder(f"groups_avgpool_opset{opset}", opset, 2)
    x = "image"
    h = b.node("Conv", [x, b.init(b.weights(8, 2, 3, 3)), b.init(b.weights(8, scale=0.1))], "conv_grouped",
               kernel_shape=[3, 3], group=2, dilations=[2, 2], pads=[2, 2, 2, 2])
    h = b.node("Relu", [h])
    h = b.node("AveragePool", [h], "avg_counted", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
               count_include_pad=1)
    h = b.node("Conv", [h, b.init(b.weights(8, 1, 1, 1))], "conv_depthwise", kernel_shape=[1, 1], group=8)
    h = b.node("Add", [h, b.init(b.weights(8, 1, 1, scale=0.2))], "bias_add")
    h = b.node("Relu", [h])
    h = b.node("AveragePool", [h], "avg_uncounted", kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 1, 1])
    h = b.node("Conv", [h, b.init(b.weights(12, 8, 2, 2))], "conv3", kernel_shape=[2, 2])
    h = b.node("Relu", [h])
    h = b.node("GlobalAveragePool", [h], "gap")
    h = b.node("Reshape", [h, b.constant(np.array([1, -1], np.int64))], "reshape")
    wt = b.node("Transpose", [b.init(b.weights(6, 12))], perm=[1, 0])
    h = b.node("MatMul", [h, wt], "fc")
    b.node("Add", [b.init(b.weights(6, scale=0.1)), h], "fc_bias")
    return b, x, [4, 17, 15], 6


def shapes_and_constants(opset):
    """Batch norm on a Gemm, the Shape/Gather/Unsqueeze/Concat/Reshape flatten of older
    exporters, Dropout and Identity, weights made by Reshape of an initializer, Squeeze."""
    b = Builder(f"shapes_opset{opset}", opset, 3)
    x = "image"
    h = b.node("Conv", [x, b.init(b.weights(5, 1, 4, 4)), b.init(b.weights(5, scale=0.1))], "conv1",
               kernel_shape=[4, 4], strides=[1, 2])
    h = b.batchnorm(h, 5)
    h = b.node("Relu", [h])
    if opset >= 10:
        h = b.node("MaxPool", [h], "pool_ceil", kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
    else:
        h = b.node("MaxPool", [h], "pool", kernel_shape=[2, 2], strides=[2, 2])
    if opset >= 12:
        h = b.node("Dropout", [h], "dropout", outputs=2)[0]
    else:
        h = b.node("Dropout", [h], "dropout", ratio=0.3)
    h = b.node("Identity", [h], "identity")
    shape = b.node("Shape", [h])
    batch = b.node("Gather", [shape, b.init(np.array(0, np.int64), "i")], axis=0)
    batch = b.axes("Unsqueeze", batch, [0])
    target = b.node("Concat", [batch, b.init(np.array([-1], np.int64), "m")], axis=0)
    h = b.node("Reshape", [h, target], "flatten")
    features = 5 * 4 * 4 if opset >= 10 else 5 * 4 * 3
    w = b.node("Reshape", [b.init(b.weights(features * 12, scale=np.sqrt(2 / features))),
                           b.init(np.array([features, 12], np.int64), "s")])
    h = b.node("MatMul", [h, w], "fc1")
    h = b.node("Add", [h, b.init(b.weights(1, 12, scale=0.1))])
    h = b.batchnorm(h, 12)
    h = b.node("Relu", [h])
    h = b.axes("Unsqueeze", h, [2, 3])
    h = b.axes("Squeeze", h, [2, 3])
    inputs = [h, b.init(b.weights(7, 12, scale=0.4))]
    if opset < 11:
        inputs.append(b.init(np.zeros(1, np.float32), "zero"))   # C became optional in opset 11
    h = b.node("Gemm", inputs, "fc2", transB=1)
    b.node("Softmax", [h], "softmax", axis=-1 if opset >= 13 else 1)
    return b, x, [1, 11, 16], 7


def same_padding(opset):
    """auto_pad SAME_UPPER and SAME_LOWER with strides, a standalone Relu after pooling and
    a batch norm folded into a 1x1 convolution."""
    b = Builder(f"same_padding_opset{opset}", opset, 4)
    x = "image"
    h = b.node("Conv", [x, b.init(b.weights(6, 2, 3, 3)), b.init(b.weights(6, scale=0.1))], "conv_same_upper",
               kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    h = b.node("MaxPool", [h], "pool_same_lower", kernel_shape=[2, 2], strides=[1, 1], auto_pad="SAME_LOWER")
    h = b.node("Relu", [h], "relu_after_pool")
    h = b.node("Conv", [h, b.init(b.weights(9, 6, 1, 1))], "conv_pointwise", kernel_shape=[1, 1])
    h = b.batchnorm(h, 9)
    h = b.node("Relu", [h])
    h = b.node("GlobalAveragePool", [h])
    h = b.node("Flatten", [h])
    b.node("Gemm", [h, b.init(b.weights(4, 9)), b.init(b.weights(4, scale=0.1))], "fc", transB=1)
    return b, x, [2, 10, 13], 4


MODELS = [(strided_bn, 7), (strided_bn, 21), (groups_avgpool, 11), (groups_avgpool, 13),
          (shapes_and_constants, 7), (shapes_and_constants, 13), (same_padding, 21)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--example", required=True)
    args = ap.parse_args()
    for make, opset in MODELS:
        b, x, shape, classes = make(opset)
        folder = os.path.join(args.fixtures, b.name)
        # Fixed batch 1 for some models: the importer runs images one by one either way.
        b.save(folder, x, shape, 1 if opset in (7, 21) else "N", classes)
        rng = np.random.default_rng(100 + opset)
        inputs = rng.uniform(-1, 1, [8] + shape).astype(np.float32)
        session = ort.InferenceSession(os.path.join(folder, "model.onnx"), providers=["CPUExecutionProvider"])
        outputs = np.concatenate([session.run(None, {x: inputs[i:i + 1]})[0].reshape(1, -1) for i in range(len(inputs))])
        np.save(os.path.join(folder, "inputs.npy"), inputs)
        np.save(os.path.join(folder, "outputs.npy"), outputs.astype(np.float32))
        print(f"{b.name}: outputs {outputs.shape}")

    # A model with an op the importer does not support, for the error tests.
    b = Builder("unsupported_op", 13, 5)
    h = b.node("Conv", ["image", b.init(b.weights(2, 1, 3, 3))], "conv", kernel_shape=[3, 3])
    h = b.node("Sigmoid", [h], "gate")
    h = b.node("Flatten", [h])
    b.node("Gemm", [h, b.init(b.weights(3, 2 * 6 * 6))], "fc", transB=1)
    b.save(os.path.join(args.fixtures, "unsupported_op"), "image", [1, 8, 8], 1, 3)

    session = ort.InferenceSession(os.path.join(args.example, "model.onnx"), providers=["CPUExecutionProvider"])
    inputs = np.load(os.path.join(args.example, "eval", "inputs.npy"))
    outputs = session.run(None, {"input": inputs})[0]
    folder = os.path.join(args.fixtures, "mnist")
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "eval-outputs.npy"), outputs.astype(np.float32))
    labels = np.load(os.path.join(args.example, "eval", "labels.npy"))
    print(f"mnist eval: onnxruntime accuracy {(outputs.argmax(1) == labels).mean():.4f}")


if __name__ == "__main__":
    main()
