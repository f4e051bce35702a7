"""Draw the standard's bands on a finished photo (Pillow, no Qt).

Used for reports and documentation, so that a band that is off is obvious to the eye. The GUI
draws the same bands with Qt on the live view.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from capture_station.imaging.face_analysis import Face
from capture_station.standard import Standard

GREEN = (0, 170, 60)
RED = (220, 30, 30)
BLUE = (30, 90, 220)


def draw_bands(rgb: np.ndarray, standard: Standard, face: Face | None = None) -> Image.Image:
    """The top-of-head and eye bands as shaded strips, the face-width limits as marks around
    the face centre, the centre line, and the measured points."""
    g = standard.geometry
    im = Image.fromarray(rgb, "RGB").convert("RGBA")
    over = Image.new("RGBA", im.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(over)
    w, h = im.size

    def band(y0: float, y1: float, value: float | None) -> None:
        ok = value is not None and y0 <= value <= y1
        col = GREEN if ok else RED
        d.rectangle([0, y0, w - 1, y1], fill=(*col, 40), outline=(*col, 200))

    band(g.crown_min, g.crown_max, face.crown_y if face else None)
    band(g.eyes_min, g.eyes_max, face.eye_y if face else None)
    d.line([w / 2, 0, w / 2, h], fill=(*BLUE, 160), width=1)
    cx = face.centre_x if face else w / 2
    y = face.eye_y + 40 if face else (g.eyes_min + g.eyes_max) / 2
    fw_ok = face is not None and g.face_width_min <= face.face_width <= g.face_width_max
    col = GREEN if fw_ok else RED
    for half, dash in ((g.face_width_min / 2, 10), (g.face_width_max / 2, 18)):
        for sx in (-1, 1):
            x = cx + sx * half
            d.line([x, y - dash, x, y + dash], fill=(*col, 230), width=2)
    if face is not None:
        r = 4
        for p in (face.eye_left, face.eye_right, face.cheek_left, face.cheek_right):
            d.ellipse([p[0] - r, p[1] - r, p[0] + r, p[1] + r], outline=(*BLUE, 255), width=2)
        if face.crown_y is not None:
            d.line([cx - 30, face.crown_y, cx + 30, face.crown_y], fill=(*BLUE, 255), width=2)
    return Image.alpha_composite(im, over).convert("RGB")
