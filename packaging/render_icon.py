"""Render the station icon from its SVG source into PNGs and a Windows .ico.

    python packaging/render_icon.py            # writes assets/icon/capture-station-<N>.png + .ico

The SVG (``assets/icon/capture-station.svg``) is the source; the PNGs and the .ico are committed
so that a build does not need to render them, and this script re-creates them after the SVG is
edited. Rendering uses Qt's SVG renderer (PySide6-Essentials ships QtSvg), on the offscreen
platform so no display is needed; Pillow writes the .ico.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256)
ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "assets" / "icon"
SVG = ICON_DIR / "capture-station.svg"


def render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(p, QRectF(0, 0, size, size))
    p.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    images: dict[int, Image.Image] = {}
    for size in SIZES:
        png = render_png(SVG, size)
        out = ICON_DIR / f"capture-station-{size}.png"
        # Re-save through Pillow: compact, deterministic PNG (no time stamps).
        im = Image.open(io.BytesIO(png)).convert("RGBA")
        im.save(out, optimize=True)
        images[size] = im
        print(f"wrote {out.relative_to(ROOT)}")
    ico = ICON_DIR / "capture-station.ico"
    largest = images[max(SIZES)]
    # Each size is the renderer's own drawing at that size, not a downscale of the largest.
    largest.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in SIZES],
        append_images=[images[s] for s in SIZES if s != max(SIZES)],
    )
    print(f"wrote {ico.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
