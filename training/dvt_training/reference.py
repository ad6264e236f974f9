"""The shared helpers of training/reference/retinanet_export.py (anchors, manifest writer, export
wrappers, expected-output JSON), imported rather than copied so the trained models and the reference
models the engine is tested against cannot drift apart."""

import os
import sys

_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
if _DIR not in sys.path:
    sys.path.insert(0, _DIR)

import retinanet_export as rx  # noqa: E402

__all__ = ["rx"]
