"""Runs the onnx package's own backend node tests for the ops the importer claims through
`cascadecnn infer` and compares with the expected outputs.

Each test's model is changed in one way only: its inputs after the first become
initializers holding the test's values (the importer takes one image input). The first
input is written as inputs.npy and its first dimension is the batch. Tests come from the
installed package's onnx/backend/test/data/node/ when the wheel ships it, otherwise from the
package's own case definitions (onnx.backend.test.case.node, which generate that folder).
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

import warnings

import numpy as np
import onnx
from onnx import numpy_helper

# The ops the importer claims (ONNXImporter's doc comment), tested on their own.
CLAIMED = {
    "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "MatMul",
    "BatchNormalization", "Relu", "Clip", "LeakyRelu", "Flatten", "Reshape", "Squeeze",
    "Unsqueeze", "Softmax", "Dropout", "Identity", "Add",
}


def installed_cases():
    """(name, model, [(inputs, outputs)]) from the data folder, or None when it is absent."""
    folder = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
    if not os.path.isdir(folder):
        return None
    cases = []
    for name in sorted(os.listdir(folder)):
        model = onnx.load(os.path.join(folder, name, "model.onnx"))
        sets = []
        for data_set in sorted(d for d in os.listdir(os.path.join(folder, name)) if d.startswith("test_data_set_")):
            path = os.path.join(folder, name, data_set)

            def tensors(prefix):
                found = sorted((f for f in os.listdir(path) if f.startswith(prefix)),
                               key=lambda f: int(re.findall(r"\d+", f)[0]))
                result = []
                for f in found:
                    tensor = onnx.TensorProto()
                    with open(os.path.join(path, f), "rb") as handle:
                        tensor.ParseFromString(handle.read())
                    result.append(numpy_helper.to_array(tensor))
                return result
            sets.append((tensors("input_"), tensors("output_")))
        cases.append((name, model, sets))
    return cases


def defined_cases():
    warnings.filterwarnings("ignore")  # the case definitions of other ops overflow on purpose
    from onnx.backend.test.case import node
    return [(c.name, c.model, c.data_sets) for c in node.collect_testcases(None)]


def selected(cases):
    for name, model, sets in cases:
        ops = {n.op_type for n in model.graph.node}
        if "_expanded" in name or len(model.graph.node) != 1 or not ops <= CLAIMED:
            continue
        yield name, model, sets


def is_float(array):
    return isinstance(array, np.ndarray) and array.dtype == np.float32


def run_case(cli, name, model, inputs, outputs, folder):
    """('passed' | 'wrong' | 'refused' | 'not applicable' | 'crashed', detail)."""
    if not inputs or not all(is_float(a) for a in list(inputs[:1]) + list(outputs)):
        return "not applicable", "not float32 tensors"
    graph_inputs = [i for i in model.graph.input if i.name not in {t.name for t in model.graph.initializer}]
    changed = onnx.ModelProto()
    changed.CopyFrom(model)
    for info, value in zip(graph_inputs[1:], inputs[1:]):
        if not isinstance(value, np.ndarray):
            return "not applicable", "a later input is not a tensor"
        changed.graph.initializer.append(numpy_helper.from_array(value, info.name))
        changed.graph.input.remove(next(i for i in changed.graph.input if i.name == info.name))
    case_folder = os.path.join(folder, name)
    data = os.path.join(case_folder, "data")
    os.makedirs(data)
    model_path = os.path.join(case_folder, "model.onnx")
    onnx.save(changed, model_path)
    image = inputs[0] if inputs[0].ndim >= 1 else inputs[0].reshape(1)
    np.save(os.path.join(data, "inputs.npy"), np.ascontiguousarray(image, dtype=np.float32))
    scores = os.path.join(case_folder, "scores.npy")
    run = subprocess.run([cli, "infer", "--model", model_path, "--data", data, "--output", scores],
                         capture_output=True, text=True)
    if run.returncode == 2:
        return "refused", run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "(no message)"
    if run.returncode != 0:
        return "crashed", f"exit status {run.returncode}: {run.stderr.strip()[-300:]}"
    if len(outputs) != 1:
        return "wrong", f"imported a model with {len(outputs)} outputs"
    actual = np.load(scores).reshape(-1)
    expected = outputs[0].reshape(-1)
    if actual.shape != expected.shape:
        return "wrong", f"{actual.size} values, expected {expected.size}"
    if np.allclose(actual, expected, rtol=1e-4, atol=1e-6):
        return "passed", ""
    error = np.max(np.abs(actual - expected) / np.maximum(np.abs(expected), 1e-6))
    # Some tests write their expected values rounded (to 4 digits): a result that matches
    # onnxruntime on the same model passes, and is listed with the difference.
    reference = onnxruntime_output(changed, inputs[0])
    if reference is not None and np.allclose(actual, reference.reshape(-1), rtol=1e-4, atol=1e-6):
        return "passed", f"equals onnxruntime; the test's expected values differ from both by up to {error:.3g} (relative)"
    return "wrong", f"largest relative error {error:.3g}"


def onnxruntime_output(model, image):
    try:
        import onnxruntime
        session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        return session.run(None, {session.get_inputs()[0].name: image})[0]
    except Exception:  # noqa: BLE001 - no second opinion then
        return None


def reason_group(detail):
    """A refusal's reason without the model's path, the node's name and the shapes."""
    text = re.sub(r"^error: ", "", detail)
    text = re.sub(r"/\S*model\.onnx", "MODEL", text)
    text = re.sub(r'node "[^"]*"', "node", text)
    text = re.sub(r"\[[-0-9, ]*\]", "[…]", text)
    return re.sub(r"(alpha|size|of|axis) -?[0-9.]+", r"\1 …", text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="the cascadecnn executable")
    parser.add_argument("--filter", default="", help="run only tests whose name contains this")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every test's result")
    args = parser.parse_args()
    cases = installed_cases()
    source = "onnx/backend/test/data/node"
    if cases is None:
        cases = defined_cases()
        source = "onnx.backend.test.case.node (the wheel ships no data/node folder)"
    results = collections.OrderedDict()
    with tempfile.TemporaryDirectory(prefix="onnx-node-tests-") as folder:
        for name, model, sets in selected(cases):
            if args.filter not in name:
                continue
            for index, (inputs, outputs) in enumerate(sets):
                label = name if len(sets) == 1 else f"{name}[{index}]"
                results[label] = run_case(args.cli, label, model, list(inputs), list(outputs), folder)
    counts = collections.Counter(kind for kind, _ in results.values())
    print(f"onnx {onnx.__version__} backend node tests from {source}")
    print(f"ops: {', '.join(sorted(CLAIMED))}")
    if args.verbose:
        for label, (kind, detail) in results.items():
            print(f"  {kind:15} {label}  {detail}")
    for kind in ("wrong", "crashed"):
        for label, (k, detail) in results.items():
            if k == kind:
                print(f"{kind.upper()}: {label}: {detail}")
    for label, (kind, detail) in results.items():
        if kind == "passed" and detail:
            print(f"passed: {label}: {detail}")
    refusals = collections.defaultdict(list)
    for label, (kind, detail) in results.items():
        if kind == "refused":
            refusals[reason_group(detail)].append(label)
    if refusals:
        print("refused, by reason:")
        for reason, labels in sorted(refusals.items(), key=lambda item: (-len(item[1]), item[0])):
            print(f"  {len(labels):3}  {reason}")
            print(f"       {' '.join(labels)}")
    print(f"{len(results)} tests: {counts['passed']} passed, {counts['wrong']} wrong answer, "
          f"{counts['refused']} refused, {counts['not applicable']} not applicable (not float tensors)"
          + (f", {counts['crashed']} crashed" if counts["crashed"] else ""))
    return 1 if counts["wrong"] or counts["crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
