"""Regenerate the README's example: a station shot, the photo the pipeline writes, and the
same photo with the bands drawn (``make example``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from PIL import Image  # noqa: E402

from capture_station.imaging.annotate import draw_bands  # noqa: E402
from capture_station.imaging.image_source import ArraySource  # noqa: E402
from capture_station.photo.pipeline import Pipeline  # noqa: E402

import imagery  # noqa: E402


def main() -> int:
    out = Path(__file__).resolve().parent.parent / "docs" / "example"
    out.mkdir(parents=True, exist_ok=True)
    pipe = Pipeline()
    shot = imagery.station_shot_hopper()
    Image.fromarray(shot).resize((shot.shape[1] // 4, shot.shape[0] // 4)).save(out / "shot-small.jpg", quality=85)
    _, enc, final, reason = pipe.make_photo(ArraySource(shot, "shot"))
    if enc is None or final is None:
        print(f"not feasible: {reason}")
        return 1
    (out / "photo.jpg").write_bytes(enc.data)
    face = final.analysis.primary if final.analysis else None
    draw_bands(final.rgb, pipe.standard, face).save(out / "photo-bands.png")
    print(f"{out / 'photo.jpg'}: {enc.size} bytes, quality {enc.quality}")
    for c in final.checks:
        print(f"  {c.status.value:12s} {c.id:22s} {c.message_en}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
