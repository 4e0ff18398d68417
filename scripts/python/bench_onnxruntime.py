"""Measures onnxruntime's float32 images per second on a model and data set (CPU, all
cores), the whole data set as one batch and image by image. Prints `name images/s accuracy`
lines like inference-bench."""
import argparse
import os
import time

import numpy as np
import onnxruntime as ort


def measure(run, count, seconds):
    run()
    best, start = float("inf"), time.perf_counter()
    while True:
        t0 = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - t0)
        if time.perf_counter() - start >= seconds:
            return count / best, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("data")
    ap.add_argument("--seconds", type=float, default=3)
    args = ap.parse_args()
    x = np.load(os.path.join(args.data, "inputs.npy"))
    labels_path = os.path.join(args.data, "labels.npy")
    y = np.load(labels_path) if os.path.exists(labels_path) else None
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count()
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def accuracy(out):
        return f"{(out.argmax(1) == y).mean():.4f}" if y is not None else "-"

    rate, out = measure(lambda: session.run(None, {name: x})[0], len(x), args.seconds)
    print(f"onnxruntime-float32-batched {rate:.0f} {accuracy(out)}")
    rate, out = measure(lambda: np.concatenate([session.run(None, {name: x[i:i + 1]})[0] for i in range(len(x))]),
                        len(x), args.seconds)
    print(f"onnxruntime-float32-per-image {rate:.0f} {accuracy(out)}")


if __name__ == "__main__":
    main()
