"""Single layers of VGG-16 at full size, each as an ONNX model with a data folder, for
scripts/bench-vgg-layers: conv1_2 (64→64 at 224×224, with the 2×2 max pooling after it),
conv3_2 (256→256 at 56×56), conv5_2 (512→512 at 14×14), one image each, and fc6
(25088→4096) with 16 images, a batch.

Weights come from make_paper_networks.Network (He-normal, zero mean per output unit, a
fixed seed); the input is a random post-ReLU map (half zeros). Writes OUT/NAME.onnx (weights
inline) and OUT/NAME/inputs.npy for each layer; nothing else, nothing deleted.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(__file__))
from make_paper_networks import IR_VERSION, OPSET, Network  # noqa: E402

# name, input [C, H, W], layers: ("conv", channels) | ("pool",) | ("fc", outputs), images
LAYERS = {
    "conv1_2": ([64, 224, 224], [("conv", 64), ("pool",)], 1),
    "conv3_2": ([256, 56, 56], [("conv", 256)], 1),
    "conv5_2": ([512, 14, 14], [("conv", 512)], 1),
    "fc6": ([512, 7, 7], [("fc", 4096)], 16),
}


def layer_model(name, seed):
    shape, layers, images = LAYERS[name]
    net = Network("vgg16", seed)
    net.shape = list(shape)
    for layer in layers:
        if layer[0] == "conv":
            net.conv(name, layer[1], 3, pad=1)
        elif layer[0] == "pool":
            net.pool(f"pool_{name}", 2, 2)
        else:
            net.flatten()
            net.fc(name, layer[1])
    net.nodes[-1].output[0] = "output"
    graph = helper.make_graph(
        net.nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1] + shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1] + net.shape)], net.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="cascadecnn scripts/bench-vgg-layers")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    rng = np.random.default_rng([seed, 99])
    image = np.maximum(rng.standard_normal([images] + shape, dtype=np.float32), 0)
    return model, image


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--layers", default=",".join(LAYERS))
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()
    for name in args.layers.split(","):
        if name not in LAYERS:
            sys.exit(f"make_vgg_layers: unknown layer {name!r}; known: {', '.join(LAYERS)}")
        model, image = layer_model(name, args.seed)
        os.makedirs(os.path.join(args.out, name), exist_ok=True)
        onnx.save(model, os.path.join(args.out, f"{name}.onnx"))
        np.save(os.path.join(args.out, name, "inputs.npy"), image)
        print(f"{name}: {os.path.join(args.out, name + '.onnx')}", file=sys.stderr)


if __name__ == "__main__":
    main()
