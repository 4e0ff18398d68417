"""Writes the paper's networks, VGG-16 and AlexNet, as ONNX models with random weights, so
that `cascadecnn inspect`, `infer`, `explore --network FILE`, `generate engine` and the
benchmarks run on full-size ImageNet shapes (224×224×3 in, 1000 logits out) without
downloading a trained model.

Shapes are torchvision's (`vgg16` and `alexnet`), exported as `torch.onnx.export` writes
them with a dynamic batch: input `input` of shape [N, 3, 224, 224] (`--batch 1` fixes it),
Conv with bias, Relu, MaxPool, Flatten, Gemm with transB=1, output `logits` [N, 1000]
(no Softmax, as torchvision). Left out, because they change nothing at inference here:
Dropout (the identity at inference), and AlexNet's AdaptiveAvgPool2d((6, 6)), the identity
on the 6×6 map a 224×224 input gives. torchvision's AlexNet has no LRN; the original
(Krizhevsky 2012, Caffe's bvlc_alexnet, the 227×227 grouped variant `explore --network
alexnet` models) has LRN after conv1 and conv2, and these models drop it: the importer has
no LRN. Parameters: VGG-16 138,357,544 (553 MB of float32), AlexNet 61,100,840 (244 MB).

Weights are He-normal (standard deviation sqrt(2 / fan_in)) made zero-mean per output
channel and scaled by sqrt(π / (π − 1)); biases are normal with standard deviation 0.01.
Plain He-normal weights keep the scale too, but every ReLU passes on a positive mean that
swamps the input by the last layers: the logits then vary between images by about 6 % of
what they vary between classes, and every image gets the same class. Zero-mean weights
remove that mean, and the factor restores what it took from the variance (a ReLU of a
zero-mean normal keeps (π − 1) / 2π of its variance), so the activations' RMS stays
between 1 and 3.5 through VGG-16 (growing only at the max poolings) and the logits differ
between images as much as between classes. Fixed seeds: the same command writes the same
bytes.

Files, in OUT:
  vgg16.onnx, alexnet.onnx               the graphs (opset 17, IR version 8), a few kB each
  vgg16.onnx.data, alexnet.onnx.data     their weights, as ONNX external data
  vgg16-sample/, alexnet-sample/         with --sample-data K: a data folder of K random
                                         images (inputs.npy, float32 NCHW), labels.npy
                                         (int64: onnxruntime's argmax, so `cascadecnn infer`
                                         prints 100 % when it agrees) and
                                         onnxruntime-logits.npy (float32, K × 1000)
  make-paper-networks.json               what was written: the options, each file's size
                                         and SHA-256

Weights are external rather than inline. The importer reads both, and inline would fit
(553 MB is under protobuf's 2 GiB limit on a message). External data is what exporters
write for large models, keeps the graph a small file that onnx tools open at once, and
lets the importer read one tensor at a time instead of holding the whole file and the
tensors decoded from it at once: `cascadecnn inspect` on VGG-16 peaks at 1.6 GB resident
with external data and 2.7 GB inline. `--inline` writes single files.

The models and images are the same bytes on every machine with the numpy and onnx that
scripts/python-env pins. The sample folders'
onnxruntime logits are too on one machine, but their last bits may differ under another
CPU or onnxruntime version.

Only the files above are written or replaced, each atomically; a file of these names not
written by an earlier run (no make-paper-networks.json listing it) is refused.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import set_external_data

OPSET = 17
IR_VERSION = 8  # the IR version of opset 17 (ONNX 1.12), what torch.onnx.export writes with it
MANIFEST = "make-paper-networks.json"
NETWORKS = ["vgg16", "alexnet"]


class Network:
    """A chain of layers built with onnx.helper, following the feature map's shape."""

    def __init__(self, name, seed):
        self.name = name
        # One stream per network: adding a network never changes another's weights.
        self.rng = np.random.default_rng([seed, NETWORKS.index(name)])
        self.nodes, self.inits = [], []
        self.shape = [3, 224, 224]
        self.tensor = "input"
        self.parameters = 0

    def _param(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        self.parameters += array.size
        return name

    def _weights(self, shape, fan_in):
        """Normal, zero mean per output unit, variance 2/fan_in · π/(π−1) (see the top)."""
        w = self.rng.standard_normal(shape, dtype=np.float32)
        rows = w.reshape(shape[0], -1)
        rows -= rows.mean(axis=1, keepdims=True)
        w *= np.float32(np.sqrt(2.0 / fan_in * np.pi / (np.pi - 1)))
        return w

    def _bias(self, count):
        return self.rng.standard_normal(count, dtype=np.float32) * np.float32(0.01)

    def _node(self, op, name, inputs, **attrs):
        out = f"{name}_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name, **attrs))
        self.tensor = out

    def conv(self, name, channels, kernel, stride=1, pad=0):
        c, h, w = self.shape
        weight = self._param(f"{name}.weight", self._weights([channels, c, kernel, kernel], c * kernel * kernel))
        bias = self._param(f"{name}.bias", self._bias(channels))
        self._node("Conv", name, [self.tensor, weight, bias], kernel_shape=[kernel, kernel],
                   strides=[stride, stride], pads=[pad] * 4, dilations=[1, 1], group=1)
        self.shape = [channels, (h + 2 * pad - kernel) // stride + 1, (w + 2 * pad - kernel) // stride + 1]
        self._node("Relu", f"relu{name[4:]}", [self.tensor])

    def pool(self, name, kernel, stride):
        c, h, w = self.shape
        self._node("MaxPool", name, [self.tensor], kernel_shape=[kernel, kernel], strides=[stride, stride],
                   pads=[0] * 4, ceil_mode=0)
        self.shape = [c, (h - kernel) // stride + 1, (w - kernel) // stride + 1]

    def flatten(self):
        self._node("Flatten", "flatten", [self.tensor], axis=1)
        self.shape = [int(np.prod(self.shape))]

    def fc(self, name, outputs, relu=True):
        (inputs,) = self.shape
        weight = self._param(f"{name}.weight", self._weights([outputs, inputs], inputs))
        bias = self._param(f"{name}.bias", self._bias(outputs))
        self._node("Gemm", name, [self.tensor, weight, bias], alpha=1.0, beta=1.0, transB=1)
        self.shape = [outputs]
        if relu:
            self._node("Relu", f"relu{name[2:]}", [self.tensor])

    def model(self, batch, doc):
        self.nodes[-1].output[0] = "logits"
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, [batch, 3, 224, 224])],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch] + self.shape)], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="cascadecnn scripts/make-paper-networks", doc_string=doc)
        model.ir_version = IR_VERSION
        onnx.checker.check_model(model)
        return model


def vgg16(seed, batch):
    """torchvision.models.vgg16 (configuration D): thirteen 3×3 convolutions with padding 1,
    each followed by ReLU, a 2×2/2 max pooling after each of the five blocks, fc6 25088→4096,
    fc7 4096→4096 (each with ReLU; Dropout omitted), fc8 4096→1000."""
    n = Network("vgg16", seed)
    for block, (channels, count) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], 1):
        for index in range(1, count + 1):
            n.conv(f"conv{block}_{index}", channels, 3, pad=1)
        n.pool(f"pool{block}", 2, 2)
    assert n.shape == [512, 7, 7]
    n.flatten()
    n.fc("fc6", 4096)
    n.fc("fc7", 4096)
    n.fc("fc8", 1000, relu=False)
    return n.model(batch, "VGG-16 (torchvision's shapes), random He-normal weights; Dropout omitted.")


def alexnet(seed, batch):
    """torchvision.models.alexnet: conv1 11×11/4 pad 2 → 64, max pool 3/2, conv2 5×5 pad 2 →
    192, max pool 3/2, conv3 3×3 pad 1 → 384, conv4 → 256, conv5 → 256 (each with ReLU), max
    pool 3/2 to 256×6×6, fc6 9216→4096, fc7 4096→4096 (with ReLU), fc8 4096→1000. No LRN
    (torchvision has none; the original's is dropped), no Dropout, and no AdaptiveAvgPool2d
    (the identity at 224×224)."""
    n = Network("alexnet", seed)
    n.conv("conv1", 64, 11, stride=4, pad=2)
    n.pool("pool1", 3, 2)
    n.conv("conv2", 192, 5, pad=2)
    n.pool("pool2", 3, 2)
    n.conv("conv3", 384, 3, pad=1)
    n.conv("conv4", 256, 3, pad=1)
    n.conv("conv5", 256, 3, pad=1)
    n.pool("pool5", 3, 2)
    assert n.shape == [256, 6, 6]
    n.flatten()
    n.fc("fc6", 4096)
    n.fc("fc7", 4096)
    n.fc("fc8", 1000, relu=False)
    return n.model(batch, "AlexNet (torchvision's shapes), random He-normal weights; no LRN (dropped), "
                          "Dropout and the AdaptiveAvgPool2d (the identity at 224x224) omitted.")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def refuse(reason):
    print(f"make-paper-networks: {reason}", file=sys.stderr)
    sys.exit(2)


def publish(staging, path):
    """Renames `staging` over `path`, with the permissions a new file gets (tempfile and
    onnx's external-data writer create theirs private)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o666 & ~umask)
    os.replace(staging, path)


class Output:
    """The output folder: refuses to replace a file it did not write, writes atomically."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        manifest = os.path.join(folder, MANIFEST)
        self.owned = set()
        if os.path.lexists(manifest):
            try:
                with open(manifest) as f:
                    listed = json.load(f)
                assert listed["script"] == "scripts/make-paper-networks"
                self.owned = set(listed["files"])
            except (OSError, ValueError, KeyError, TypeError, AssertionError):
                refuse(f"{manifest} exists and is not one this script wrote; remove it or choose another folder")
        self.written = {}

    def claim(self, names):
        """Refuses before anything is written when one of `names` exists and is not ours."""
        for name in names:
            path = os.path.join(self.folder, name)
            if os.path.lexists(path) and (name not in self.owned or not os.path.isfile(path) or os.path.islink(path)):
                refuse(f"{path} exists and was not written by this script (no {MANIFEST} lists it); "
                       "remove it or choose another folder")
            parent = os.path.dirname(path)
            if os.path.lexists(parent) and (not os.path.isdir(parent) or os.path.islink(parent)):
                refuse(f"{parent} exists and is not a folder")

    def save_model(self, model, name, inline):
        """Writes NAME (and NAME.data) through a fresh hidden folder: onnx appends external
        data to an existing file, so it must never see an old one."""
        staging = tempfile.mkdtemp(prefix=".make-paper-networks-", dir=self.folder)
        try:
            path = os.path.join(staging, name)
            if inline:
                onnx.save_model(model, path)
                files = [name]
            else:
                # What save_model(save_as_external_data=True) does, without its check for a
                # file of that name in the current folder: every initializer of 1 kB or more.
                for tensor in model.graph.initializer:
                    if len(tensor.raw_data) >= 1024:
                        set_external_data(tensor, name + ".data")
                onnx.save_model(model, path)
                files = [name, name + ".data"]
            onnx.checker.check_model(path)
            for file in reversed(files):  # the data before the graph that names it
                publish(os.path.join(staging, file), os.path.join(self.folder, file))
            if inline and os.path.lexists(os.path.join(self.folder, name + ".data")) and name + ".data" in self.owned:
                os.remove(os.path.join(self.folder, name + ".data"))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for file in files:
            self.record(file)
        return os.path.join(self.folder, name)

    def save_array(self, name, array):
        path = os.path.join(self.folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, staging = tempfile.mkstemp(prefix=".make-paper-networks-", suffix=".npy", dir=os.path.dirname(path))
        try:
            with os.fdopen(fd, "wb") as f:
                np.save(f, array)
            publish(staging, path)
        except BaseException:
            os.remove(staging)
            raise
        self.record(name)

    def record(self, name):
        path = os.path.join(self.folder, name)
        self.written[name] = {"bytes": os.path.getsize(path), "sha256": sha256(path)}

    def finish(self, options):
        # Files of earlier runs this one did not rewrite stay listed: they are still ours.
        files = {}
        manifest = os.path.join(self.folder, MANIFEST)
        if os.path.exists(manifest):
            with open(manifest) as f:
                files = {k: v for k, v in json.load(f)["files"].items()
                         if os.path.isfile(os.path.join(self.folder, k))}
        files.update(self.written)
        text = json.dumps({"script": "scripts/make-paper-networks", "options": options,
                           "files": dict(sorted(files.items()))}, indent=2) + "\n"
        fd, staging = tempfile.mkstemp(prefix=".make-paper-networks-", dir=self.folder)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        publish(staging, manifest)


def run_onnxruntime(path, inputs):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count()
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return np.concatenate([session.run(None, {"input": inputs[i:i + 1]})[0] for i in range(len(inputs))])


def random_images(seed, name, count):
    """Standard-normal images, like ImageNet images after torchvision's per-channel
    normalisation (zero mean, unit variance)."""
    rng = np.random.default_rng([seed, NETWORKS.index(name), 1])
    return rng.standard_normal([count, 3, 224, 224], dtype=np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="the output folder (created)")
    ap.add_argument("--networks", default="vgg16,alexnet", help="comma-separated: vgg16, alexnet")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--batch", default="N", help="the batch dimension: N (symbolic, the default) or a number")
    ap.add_argument("--inline", action="store_true", help="weights inside the .onnx file, not external data")
    ap.add_argument("--check", action="store_true", help="run each model in onnxruntime on 2 random images")
    ap.add_argument("--sample-data", type=int, default=0, metavar="K",
                    help="write NAME-sample/ with K random images, onnxruntime's logits and argmax")
    args = ap.parse_args()
    networks = [n.strip() for n in args.networks.split(",") if n.strip()]
    if not networks or any(n not in NETWORKS for n in networks):
        ap.error(f"--networks {args.networks!r}: choose from {', '.join(NETWORKS)}")
    batch = args.batch if args.batch == "N" else int(args.batch)
    if args.sample_data < 0:
        ap.error("--sample-data must be 0 or more")

    out = Output(args.out)
    names = []
    for name in networks:
        names += [f"{name}.onnx", f"{name}.onnx.data"]
        if args.sample_data:
            names += [f"{name}-sample/{f}" for f in ("inputs.npy", "labels.npy", "onnxruntime-logits.npy")]
    out.claim(names)

    print("make-paper-networks: LRN is dropped from AlexNet (the importer has none; torchvision's AlexNet "
          "has none either); Dropout and AlexNet's AdaptiveAvgPool2d (the identity at 224x224) are omitted.")
    for name in networks:
        start = time.perf_counter()
        model = {"vgg16": vgg16, "alexnet": alexnet}[name](args.seed, batch)
        parameters = sum(int(np.prod(t.dims)) for t in model.graph.initializer)
        convs = sum(n.op_type == "Conv" for n in model.graph.node)
        fcs = sum(n.op_type == "Gemm" for n in model.graph.node)
        path = out.save_model(model, f"{name}.onnx", args.inline)
        del model
        sizes = ", ".join(f"{f} {out.written[f]['bytes']:,} bytes" for f in out.written if f.startswith(name + ".onnx"))
        print(f"{name}: {convs} conv + {fcs} FC layers, {parameters:,} parameters; {sizes} "
              f"({time.perf_counter() - start:.1f} s)")

        if args.check or args.sample_data:
            count = args.sample_data or 2
            inputs = random_images(args.seed, name, count)
            start = time.perf_counter()
            logits = run_onnxruntime(path, inputs)
            elapsed = time.perf_counter() - start
            assert logits.shape == (count, 1000) and np.isfinite(logits).all()
            print(f"{name}: onnxruntime on {count} random images: logits {logits.shape}, "
                  f"RMS {np.sqrt((logits ** 2).mean()):.3g}, max |x| {np.abs(logits).max():.3g}, "
                  f"argmax {logits.argmax(1).tolist()[:8]}{'...' if count > 8 else ''} "
                  f"({elapsed / count:.2f} s per image)")
            if args.sample_data:
                folder = f"{name}-sample"
                out.save_array(f"{folder}/inputs.npy", inputs)
                out.save_array(f"{folder}/labels.npy", logits.argmax(1).astype(np.int64))
                out.save_array(f"{folder}/onnxruntime-logits.npy", logits.astype(np.float32))
                print(f"{name}: wrote {os.path.join(args.out, folder)}/ (inputs.npy, labels.npy = onnxruntime's "
                      "argmax, onnxruntime-logits.npy)")
    out.finish({"networks": networks, "seed": args.seed, "batch": batch, "inline": args.inline,
                "sample_data": args.sample_data, "opset": OPSET, "ir_version": IR_VERSION,
                "onnx": onnx.__version__, "numpy": np.__version__})


if __name__ == "__main__":
    main()
