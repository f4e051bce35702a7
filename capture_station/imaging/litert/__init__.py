"""The face models on LiteRT: MediaPipe's detection, attention face mesh and selfie segmentation,
with the pre- and post-processing of MediaPipe's graphs written out in Python.

``anchors`` + ``detector``: BlazeFace and its decoding; ``roi``: rotated regions and crops;
``split_model`` + ``custom_ops``: the attention mesh round the operators LiteRT lacks; ``mesh``:
the 478 points; ``tracker``: which regions, frame after frame; ``segmenter``: the person mask;
``models``: the vendored files; ``engine``: the backend the face analyser uses.
"""
