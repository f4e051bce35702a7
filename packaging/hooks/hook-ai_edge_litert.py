"""PyInstaller hook for LiteRT (``ai-edge-litert``), which runs the station's face models.

The station uses the interpreter only (``ai_edge_litert.interpreter``): its extension module and
the shared library it links (``libpywrap_litert_common.so``), plus the flatbuffers schema the
attention mesh is cut with. The converter, calibration, compiled-model, NPU vendor and WebGPU
parts (``libLiteRtWebGpuAccelerator.so``, 19 MB) are left out.
"""

from PyInstaller.utils.hooks import collect_dynamic_libs

hiddenimports = [
    "ai_edge_litert._pywrap_litert_interpreter_wrapper",
    "ai_edge_litert.metrics_portable",
    "ai_edge_litert.metrics_interface",
    "ai_edge_litert.schema_py_generated",
]
_KEEP = ("libpywrap_litert_common", "_pywrap_litert_interpreter_wrapper", "libLiteRt.")
binaries = [(src, dest) for src, dest in collect_dynamic_libs("ai_edge_litert")
            if any(k in src.rsplit("/", 1)[-1] for k in _KEEP)]
excludedimports = ["ai_edge_litert.aot", "ai_edge_litert.vendors", "ai_edge_litert.tools"]
