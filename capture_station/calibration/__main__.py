"""Regenerate the calibration papers kept in the repository's ``calibration/`` folder.

``python -m capture_station.calibration procedure calibration/procedure.html`` writes the
printable morning procedure from the reference data (a test fails when the checked-in copy is
stale); ``python -m capture_station.calibration example calibration/example`` writes the example
heat maps and report shown in ``calibration/README.md`` from synthetic backdrops with known faults.

Its help stays English, unlike ``capture-station``'s: it is run from a checkout to regenerate the
repository's files, as the maintenance scripts in ``packaging/`` and ``benchmarks/`` are, never
by an office; and this layer may not import the command line's bilingual parser (the layers in
``pyproject.toml``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from capture_station.calibration import calibrate, synthetic
from capture_station.calibration.reference import load_reference
from capture_station.calibration.report import procedure_html, render_heatmap, report_html

EXAMPLES = {
    "heatmap-even.png": {},
    "heatmap-left-falloff.png": {"left_right": 0.15},
    "heatmap-hot-spot.png": {"vignette": 0.18},
    "heatmap-shadow.png": {"blobs": [(0.28, 0.62, 0.08, 0.12)]},
}
EXAMPLE_TIME = dt.datetime(2025, 6, 2, 8, 15)


def write_examples(folder: Path) -> list[Path]:
    ref = load_reference()
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for name, kw in EXAMPLES.items():
        img = synthetic.backdrop((1800, 1200), seed=7, **kw)  # type: ignore[arg-type]
        res = calibrate(img, reference=ref, white_balance="Daylight", office="Urumqi",
                        station="station-1", now=EXAMPLE_TIME)
        heat = render_heatmap(res, reference=ref)
        (folder / name).write_bytes(heat.png)
        out.append(folder / name)
        if name == "heatmap-left-falloff.png":
            (folder / "report-left-falloff.html").write_text(
                report_html(res, heatmap_png=heat.png, reference=ref), encoding="utf-8")
            out.append(folder / "report-left-falloff.html")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m capture_station.calibration")
    sub = p.add_subparsers(dest="what", required=True)
    pp = sub.add_parser("procedure", help="write the printable procedure (HTML)")
    pp.add_argument("out")
    pe = sub.add_parser("example", help="write example heat maps and a report")
    pe.add_argument("folder")
    args = p.parse_args(argv)
    if args.what == "procedure":
        Path(args.out).write_text(procedure_html(load_reference()), encoding="utf-8")
        print(args.out)
    else:
        for f in write_examples(Path(args.folder)):
            print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
