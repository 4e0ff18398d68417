"""Re-splits a labelled data set at random into evaluation and test sets, runs
`cascadecnn flow` on each split, and prints per split what the flow chose, what it
certified and what the test set then measured: whether the tolerance held beyond the
evaluation images. Usage: bench_tolerance.py CASCADECNN OUT [--splits N] [--eval-size N]
[--tolerance T] [--confidence C] [--model M] [--data FOLDER ...]."""
import argparse
import json
import os
import subprocess
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cascadecnn")
    parser.add_argument("out")
    parser.add_argument("--model", default="examples/mnist/model.onnx")
    parser.add_argument("--data", nargs="+", default=["examples/mnist/eval", "examples/mnist/test"])
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--eval-size", type=int, default=200)
    parser.add_argument("--tolerance", type=float, default=1.0)
    parser.add_argument("--confidence", type=float, default=0.9)
    parser.add_argument("--wordlengths", default="2...8")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    inputs = np.concatenate([np.load(os.path.join(d, "inputs.npy")) for d in args.data])
    labels = np.concatenate([np.load(os.path.join(d, "labels.npy")) for d in args.data])
    if not 0 < args.eval_size < len(labels):
        sys.exit(f"--eval-size {args.eval_size} must leave images for the test set (there are {len(labels)})")
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    print(f"{len(labels)} labelled images, {args.eval_size} for evaluation; tolerance {args.tolerance} points, "
          f"confidence {args.confidence}")
    print("split  HPU  LPU  ref test  cascade test  loss test  cascade bound  certified  forwarded test  held")
    held = 0
    for split in range(args.splits):
        order = rng.permutation(len(labels))
        folder = os.path.join(args.out, f"split-{split}")
        for name, chosen in [("eval", order[:args.eval_size]), ("test", order[args.eval_size:])]:
            os.makedirs(os.path.join(folder, name), exist_ok=True)
            np.save(os.path.join(folder, name, "inputs.npy"), inputs[chosen])
            np.save(os.path.join(folder, name, "labels.npy"), labels[chosen])
        run = subprocess.run([args.cascadecnn, "flow", "--model", args.model, "--eval", os.path.join(folder, "eval"),
                              "--test", os.path.join(folder, "test"), "--tolerance", str(args.tolerance),
                              "--confidence", str(args.confidence), "--wordlengths", args.wordlengths,
                              "--output", os.path.join(folder, "flow"), "--force"],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{split:5d}  flow exited {run.returncode}: {run.stderr.strip().splitlines()[-1]}")
            continue
        r = json.load(open(os.path.join(folder, "flow", "cascade.json")))
        loss = (r["reference_accuracy"]["test"] - r["cascade_accuracy"]["test"]) * 100
        c = r.get("cascade_certification") or {}
        ok = loss <= args.tolerance + 1e-9
        held += ok
        print(f"{split:5d}  {r['hpu']['wordlength']:3d}  {r['lpu']['wordlength']:3d}  "
              f"{r['reference_accuracy']['test'] * 100:8.2f}  {r['cascade_accuracy']['test'] * 100:12.2f}  "
              f"{loss:9.2f}  {c.get('loss_upper_bound', float('nan')) * 100:13.2f}  {str(c.get('certified')):>9}  "
              f"{r['forwarded_fraction']['test'] * 100:14.1f}  {'yes' if ok else 'NO'}")
    print(f"the tolerance held on the test set in {held} of {args.splits} splits")


if __name__ == "__main__":
    main()
