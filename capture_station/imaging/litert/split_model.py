"""Run a ``.tflite`` model whose custom operators LiteRT lacks, by cutting it round them.

``face_landmark_with_attention.tflite`` (the model behind MediaPipe's 478-point face mesh) is
built-in operators except nine of MediaPipe's own (``Landmarks2TransformMatrix``,
``TransformTensorBilinear``, ``TransformLandmarks``). The model is cut into stages at those
operators: every built-in operator belongs to the stage given by how many custom operators lie
before it on its inputs' paths; each stage becomes a model of its own (same tensors and
weights, its operators only, the tensors it reads from earlier stages as inputs, those later
ones read as outputs) that LiteRT runs, and the custom operators run in numpy in between
(:mod:`.custom_ops`). The file itself is left as MediaPipe ships it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import flatbuffers
import numpy as np
from flatbuffers import flexbuffers

from capture_station.imaging.mediapipe_import import native_logs_hidden

CustomOp = Callable[[list[np.ndarray], dict[str, object]], np.ndarray]


@dataclass
class _Stage:
    interpreter: object
    inputs: list[tuple[int, int]]  # (tensor index in the model, interpreter input index)
    outputs: list[tuple[int, int]]


@dataclass
class _Custom:
    name: str
    inputs: list[int]
    output: int
    options: dict[str, object]


class SplitModel:
    """``run(tensor)`` gives the model's outputs, in the order of ``output_names``."""

    def __init__(self, buf: bytes, custom_ops: dict[str, CustomOp], output_names: tuple[str, ...],
                 num_threads: int = 1) -> None:
        from ai_edge_litert import schema_py_generated as schema
        from ai_edge_litert.interpreter import Interpreter

        model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(buf, 0))
        sg = model.subgraphs[0]
        names = [t.name.decode() for t in sg.tensors]
        constant = [bool(model.buffers[t.buffer].data is not None
                         and len(model.buffers[t.buffer].data)) for t in sg.tensors]
        level = [0] * len(sg.tensors)
        ops = list(sg.operators)
        op_level: list[int] = []
        customs: list[tuple[int, _Custom]] = []
        # operators on weights only (float16 weights dequantised): copied into each stage that
        # reads their output, so no stage has weights as inputs
        derived = list(constant)
        for op in ops:
            code = model.operatorCodes[op.opcodeIndex].customCode
            ins = [i for i in op.inputs if i >= 0]
            if code is None and ins and all(derived[i] for i in ins):
                for o in op.outputs:
                    derived[o] = True
                op_level.append(-2)
                continue
            lv = max((level[i] for i in ins), default=0)
            if code is not None:
                name = code.decode()
                if name not in custom_ops:
                    raise ValueError(f"no implementation of custom operator {name}")
                opts = bytes(bytearray(op.customOptions)) if op.customOptions is not None else b""
                customs.append((lv, _Custom(name, ins, int(op.outputs[0]),
                                            flexbuffers.Loads(opts) if opts else {})))
                level[op.outputs[0]] = lv + 1
                op_level.append(-1)
                continue
            for o in op.outputs:
                level[o] = lv
            op_level.append(lv)
        graph_in, graph_out = list(sg.inputs), list(sg.outputs)
        n_stages = max(op_level) + 1
        self._stages: list[_Stage] = []
        model.signatureDefs = []
        for k in range(n_stages):
            reads = {int(i) for op, lv in zip(ops, op_level, strict=True) if lv == k
                     for i in op.inputs if i >= 0}
            mine = [op for op, lv in zip(ops, op_level, strict=True)
                    if lv == k or lv == -2 and any(int(o) in reads for o in op.outputs)]
            made = {int(o) for op in mine for o in op.outputs}
            read = [int(i) for op in mine for i in op.inputs if i >= 0]
            stage_in = sorted({i for i in read if i not in made and not constant[i]})
            later = {int(i) for op, lv in zip(ops, op_level, strict=True) if lv not in (k, -2)
                     for i in op.inputs if i >= 0}
            later |= {i for _, c in customs for i in c.inputs}
            stage_out = sorted(t for t in made if t in later or t in graph_out)
            sg.operators, sg.inputs, sg.outputs = mine, stage_in, stage_out
            b = flatbuffers.Builder(1 << 20)
            b.Finish(model.Pack(b), file_identifier=b"TFL3")
            with native_logs_hidden():
                it = Interpreter(model_content=bytes(b.Output()), num_threads=num_threads)
                it.allocate_tensors()
            by_name_in = {d["name"]: d["index"] for d in it.get_input_details()}
            by_name_out = {d["name"]: d["index"] for d in it.get_output_details()}
            self._stages.append(_Stage(
                it, [(i, by_name_in[names[i]]) for i in stage_in],
                [(o, by_name_out[names[o]]) for o in stage_out]))
        self._customs = customs
        self._ops = custom_ops
        self._input = int(graph_in[0])
        index = {n: i for i, n in enumerate(names)}
        self._outputs = [index[n] for n in output_names]

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        env: dict[int, np.ndarray] = {self._input: tensor}
        for k, stage in enumerate(self._stages):
            it = stage.interpreter
            for t, i in stage.inputs:
                it.set_tensor(i, np.ascontiguousarray(env[t], dtype=np.float32))  # type: ignore[attr-defined]
            it.invoke()  # type: ignore[attr-defined]
            for t, i in stage.outputs:
                env[t] = it.get_tensor(i)  # type: ignore[attr-defined]
            for lv, c in self._customs:
                if lv == k:
                    env[c.output] = self._ops[c.name]([env[i] for i in c.inputs], c.options)
        return [env[i] for i in self._outputs]
