"""Runs the reference ONNX checker (full_check: with shape inference) on each model file given."""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print("ok", path)
    except Exception as e:  # noqa: BLE001 - report every model, then fail
        failed += 1
        print("FAILED", path, e)
sys.exit(1 if failed else 0)
