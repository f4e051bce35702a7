"""Selfie segmentation on LiteRT, as MediaPipe's ``SelfieSegmentation(model_selection=0)``.

``selfie_segmentation_cpu``: the whole picture stretched to 256x256 (aspect not kept, values
0..1), the model's mask (already a probability: ``activation: NONE``) resized back to the
picture's size with bilinear interpolation.
"""

from __future__ import annotations

import cv2
import numpy as np

from capture_station.imaging.litert import models
from capture_station.imaging.litert.roi import Rect, crop_to_tensor

SIZE = 256


class Segmenter:
    def __init__(self) -> None:
        self._model = models.Model(models.SELFIE_SEGMENTATION, ("activation_10",))

    def person_mask(self, rgb: np.ndarray) -> np.ndarray:
        """float32 mask in 0..1 at the picture's size: how likely each pixel is the person."""
        h, w = rgb.shape[:2]
        tensor = crop_to_tensor(rgb, Rect(w / 2, h / 2, w, h), SIZE, SIZE, (0.0, 1.0),
                                border_zero=True)
        (mask,) = self._model.run(tensor)
        return cv2.resize(np.ascontiguousarray(mask[0, :, :, 0], dtype=np.float32), (w, h),
                          interpolation=cv2.INTER_LINEAR)
