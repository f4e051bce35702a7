"""PyInstaller hook for MediaPipe 0.10.21 (the legacy "solutions" the station uses).

The wheel carries its models: the graphs (``*.binarypb``) and TensorFlow Lite models
(``*.tflite``) under ``mediapipe/modules/``, which the C++ runtime opens by path relative to the
package. Only the four solutions the station runs are collected (face detection, face mesh with
the iris/attention model, selfie segmentation, face geometry); hands, pose, holistic and
objectron are left out (about 20 MB).

Python modules: every submodule, except tests and the LLM/model tooling, which would pull in
JAX (hundreds of MB) and is never imported by the solutions.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

_SOLUTION_MODULES = (
    "face_detection",
    "face_landmark",
    "face_geometry",
    "iris_landmark",
    "selfie_segmentation",
)

_SKIP_PREFIXES = (
    "mediapipe.tasks.python.genai.converter",
    "mediapipe.tasks.python.genai.bundler",
    "mediapipe.tasks.python.metadata.metadata_writers",
    "mediapipe.tasks.python.test",
    "mediapipe.model_maker",
    "mediapipe.examples",
)


def _wanted(name: str) -> bool:
    if name.endswith("_test") or ".test." in name:
        return False
    return not any(name == p or name.startswith(p + ".") for p in _SKIP_PREFIXES)


hiddenimports = collect_submodules("mediapipe", filter=_wanted)

datas = []
for _mod in _SOLUTION_MODULES:
    datas += collect_data_files(
        "mediapipe",
        includes=[f"modules/{_mod}/*.tflite", f"modules/{_mod}/*.binarypb",
                  f"modules/{_mod}/data/*"],
    )

# Never followed from MediaPipe: JAX only serves the LLM converter, and audio capture
# (sounddevice, optional in MediaPipe) is not used by the station.
excludedimports = ["jax", "jaxlib", "sentencepiece", "sounddevice"]
