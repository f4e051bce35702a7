"""Records figures: a 1,000-candidate roster import and the export of 1,000 photos with
re-verification (target: <= 30 s on 2 cores).

The store is built with real station photos: a few compliant 480x640 files made by the pipeline
from the test portraits, saved under 1,000 IDs through :meth:`Store.save_photo` (the export
re-checks every one of them as if they were all different).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from capture_station.imaging.image_source import ArraySource  # noqa: E402
from capture_station.photo.pipeline import Pipeline  # noqa: E402
from capture_station.photo.verify_pool import worker_count  # noqa: E402
from capture_station.records.candidate_id import resident_id_check_char  # noqa: E402
from capture_station.records.export import ExportOptions, run_export  # noqa: E402
from capture_station.records.roster import import_roster  # noqa: E402
from capture_station.records.store import (
    PhotoToSave,
    Store,  # noqa: E402
)

import imagery  # noqa: E402

N_PHOTOS = 1000


def real_photos() -> list[bytes]:
    pipe = Pipeline()
    out: list[bytes] = []
    for rgb, name in ((imagery.station_shot_hopper(), "hopper"),
                      (imagery.station_shot_astronaut(), "astronaut")):
        _, enc, _, reason = pipe.make_photo(ArraySource(rgb, name))
        if enc is None:
            raise RuntimeError(f"benchmark photo not made: {reason}")
        out.append(enc.data)
    return out


def _roster_csv(path: Path, n: int) -> None:
    lines = ["准考证号,姓名,身份证号,考区"]
    for i in range(n):
        body = f"6501021990{i % 10000:04d}{i % 1000:03d}"
        lines.append(f"65010120{i:07d},考生{i},{body}{resident_id_check_char(body)},乌鲁木齐")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the export's worker pool)."""
    try:
        import resource
    except ImportError:  # Windows
        return time.process_time()
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run() -> dict[str, object]:
    photos = real_photos()
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        store = Store(root / "store", station="bench")
        roster = root / "roster.csv"
        _roster_csv(roster, N_PHOTOS)
        t0 = time.perf_counter()
        rep = import_roster(store, roster)
        roster_s = time.perf_counter() - t0
        if len(rep.added) != N_PHOTOS:
            raise RuntimeError(f"roster import added {len(rep.added)}, bad {rep.bad[:3]}")
        t0 = time.perf_counter()
        for i in range(N_PHOTOS):
            store.save(PhotoToSave(f"65010120{i:07d}", photos[i % len(photos)], quality=80,
                             compliant=True, checks=[]))
        save_s = time.perf_counter() - t0
        cpu0 = cpu_seconds()
        t0 = time.perf_counter()
        exp = run_export(store, ExportOptions(out=root / "export.zip", as_zip=True, progress=False))
        export_s = time.perf_counter() - t0
        export_cpu = cpu_seconds() - cpu0
        if len(exp.exported) != N_PHOTOS or exp.excluded:
            raise RuntimeError(f"export: {len(exp.exported)} exported, {exp.excluded[:3]}")
        with zipfile.ZipFile(root / "export.zip") as zf:
            zip_bytes = sum(i.file_size for i in zf.infolist())
        store.close()
    return {
        "roster_import_1000_rows_s": round(roster_s, 2),
        "save_photo_per_s": round(N_PHOTOS / save_s, 1),
        "export_photos": N_PHOTOS,
        "export_workers": worker_count(N_PHOTOS),
        "cpu_count": os.cpu_count(),
        "export_1000_reverified_s": round(export_s, 2),
        "export_photos_per_s": round(N_PHOTOS / export_s, 1),
        "export_target_s": 30,
        # CPU time of the export and its worker processes: the wall time an idle machine with
        # export_workers cores would need is about this divided by the cores, plus start-up.
        "export_cpu_s": round(export_cpu, 1),
        "export_cpu_ms_per_photo": round(export_cpu / N_PHOTOS * 1000, 1),
        "load_average_1min": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None,
        "export_zip_mb": round(zip_bytes / 1e6, 1),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
