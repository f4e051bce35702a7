"""How well the content checks work, measured on real portraits with controlled faults.

``python -m benchmarks.evaluate_checks`` builds the evaluation set of ``tests/degrade.py`` (clean
480x640 photos made by the station from real portraits, and the same photos with one fault each),
prints a markdown table -- per check: clean photos passing, degraded photos caught for the fault
aimed at it, and false flips on the other faults -- and writes it to
``benchmarks/results/eval_table.md``.

:func:`run` (used by ``benchmarks/run.py``) measures speed instead: (a) the time the live subset
of checks adds to one 1280x720 camera frame on top of the face analysis (target <= 5 ms), and (b)
the throughput of ``check`` on finished 480x640 photos, decoding and face analysis included
(target >= 30 photos/s on 2 cores). CPU time is reported next to wall time because a loaded
machine stretches wall time; the load average says how loaded it was.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from benchmarks.bench_store import cpu_seconds  # noqa: E402

import degrade  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"

# Checks without a fault of their own; listed with the clean score only (and said so in the
# table).
NO_DEGRADATION_NOTE = {
    "pose.shoulders": "no fault of its own: a leaning sitter (head tilt) tilts the shoulders too",
}

CONTENT_PREFIXES = ("background.", "lighting.", "pose.", "expression.", "glasses.", "clothing.",
                    "sharpness.", "image.")


def _is_fail(status: str | None) -> bool:
    return status == "fail"


def evaluation_rows() -> list[dict[str, Any]]:
    """One row per check: clean score, catch rate and false flips (see the module docstring)."""
    clean, degraded = degrade.evaluation_set()
    clean_by_base = {s.base: s for s in clean}
    targets: dict[str, list[degrade.Degradation]] = {}
    for d in degrade.DEGRADATIONS:
        targets.setdefault(d.target, []).append(d)
    ids = [cid for cid in clean[0].statuses if cid.startswith(CONTENT_PREFIXES)]
    ids += [t for t in targets if t not in ids]
    ids += [r for d in degrade.DEGRADATIONS for r in d.related if r not in ids]
    rows: list[dict[str, Any]] = []
    for cid in ids:
        excluded = [s.base for s in clean if cid in degrade.excluded_for(s.base)]
        excluded_failing = sum(1 for s in clean if s.base in excluded
                               and _is_fail(s.statuses.get(cid)))
        judged = [s for s in clean if s.base not in excluded]
        passing = sum(1 for s in judged if s.statuses.get(cid) in ("pass", "warn"))
        undetermined = sum(1 for s in judged if s.statuses.get(cid) == "undetermined")
        aimed = [s for s in degraded if s.target == cid]
        caught = sum(1 for s in aimed if _is_fail(s.statuses.get(cid)))
        no_photo = sum(1 for s in aimed if not s.statuses)
        flips: list[str] = []
        documented: list[str] = []
        for s in degraded:
            if s.target == cid or not s.statuses:
                continue
            base = clean_by_base[s.base]
            if cid in degrade.excluded_for(s.base) or _is_fail(base.statuses.get(cid)):
                continue
            if _is_fail(s.statuses.get(cid)):
                d = next(x for x in degrade.DEGRADATIONS if x.name == s.degradation)
                (documented if cid in d.related else flips).append(f"{s.degradation} ({s.base})")
        rows.append({
            "check": cid,
            "clean_pass": passing,
            "clean_total": len(judged),
            "clean_undetermined": undetermined,
            "excluded": excluded,
            "excluded_failing": excluded_failing,
            "degradations": [d.name for d in targets.get(cid, [])],
            "caught": caught,
            "aimed": len(aimed),
            "no_photo": no_photo,
            "false_flips": flips,
            "documented_flips": documented,
        })
    return rows


def _grouped(flips: Sequence[str], degraded: Sequence[degrade.Sample]) -> str:
    """'fault (base)' entries as 'fault n/m' (m = photos with that fault)."""
    if not flips:
        return "0"
    counts: dict[str, int] = {}
    for f in flips:
        name = f.rsplit(" (", 1)[0]
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{name} {n}/{sum(1 for s in degraded if s.degradation == name)}"
                     for name, n in counts.items())


def markdown(rows: Sequence[dict[str, Any]]) -> str:
    clean, degraded = degrade.evaluation_set()
    n_bases = sum(1 for b in degrade.BASES if b.degrade)
    n_glasses = sum(1 for b in degrade.BASES if b.degrade and b.glasses)
    n_neutral = sum(1 for b in degrade.BASES if b.degrade and "expression.neutral" not in b.excluded)
    lines = [
        "# Content checks: evaluation on real portraits",
        "",
        f"Clean photos: {len(clean)} (Grace Hopper and Eileen Collins portraits on a white backdrop, "
        "several framings, sizes, backdrop shades and mirror images; made by the station's pipeline). "
        f"Degraded photos: {len(degraded)} (each of {len(degrade.DEGRADATIONS)} faults applied to "
        f"{n_bases} of them; the glasses fault only to the {n_glasses} with glasses, the smile "
        f"only to the {n_neutral} not smiling already). Built by "
        "`tests/degrade.py`.",
        "",
        "*Clean* = clean photos where the check passes or warns / clean photos judged "
        "(undetermined ones in brackets). *Caught* = photos with the fault aimed at the check "
        "where it fails. *Other flips* = faults aimed at other checks that make this one fail "
        "(it passed on the same clean base); *documented* ones are listed with the fault in "
        "`tests/degrade.py` as expected side effects.",
        "",
        "| check | clean | fault aimed at it | caught | other flips (undocumented) | other flips (documented) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        clean_txt = f"{r['clean_pass']}/{r['clean_total']}"
        if r["clean_undetermined"]:
            clean_txt += f" ({r['clean_undetermined']} undetermined)"
        if r["excluded"]:
            clean_txt += (f"; {len(r['excluded'])} excluded (the smiling astronaut; the check "
                          f"fails on {r['excluded_failing']}/{len(r['excluded'])} of them)")
        if r["degradations"]:
            fault = ", ".join(r["degradations"])
            caught = f"{r['caught']}/{r['aimed']}"
            if r["no_photo"]:
                caught += f" ({r['no_photo']} without a photo)"
        else:
            note = NO_DEGRADATION_NOTE.get(r["check"], "")
            fault = f"— ({note})" if note else "—"
            caught = "—"
        undoc = _grouped(r["false_flips"], degraded)
        doc = _grouped(r["documented_flips"], degraded)
        lines.append(f"| `{r['check']}` | {clean_txt} | {fault} | {caught} | {undoc} | {doc} |")
    lines += ["", "Excluded from the clean score, with the reason:", ""]
    reasons: dict[tuple[str, str], list[str]] = {}
    for spec in degrade.BASES:
        for cid, why in spec.excluded.items():
            reasons.setdefault((cid, why), []).append(spec.name)
    for (cid, why), bases in reasons.items():
        lines.append(f"- `{cid}` on {', '.join(f'`{b}`' for b in bases)}: {why}.")
    lines += ["", "Documented side effects of the faults:", ""]
    for d in degrade.DEGRADATIONS:
        if d.related:
            lines.append(f"- {d.name} → `{d.target}` and {', '.join(f'`{x}`' for x in d.related)}: {d.note}.")
    return "\n".join(lines) + "\n"


def write_table(path: Path | None = None) -> str:
    text = markdown(evaluation_rows())
    path = path or RESULTS / "eval_table.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


# -- speed ------------------------------------------------------------------------------------


def _live_frame() -> Any:
    """A 1280x720 webcam-like frame of a real portrait (the live view's framing)."""
    for c in degrade.clean_set():
        if c.raw.shape[:2] == (720, 1280):
            return c.raw
    raise RuntimeError("no 1280x720 frame in the evaluation set")


def live_overhead(repeats: int = 60, rounds: int = 5) -> dict[str, float]:
    """Milliseconds the live checks add to one 1280x720 frame, after the face analysis:
    ``rounds`` rounds of ``repeats`` frames; the median over all of them, and the range of the
    rounds' medians (a shared virtual machine's speed drifts by a third from minute to minute)."""
    from capture_station.checks.engine import CheckContext, Geometry, Mode, registry, run_checks
    from capture_station.imaging.face_analysis import FaceAnalyzer
    from capture_station.photo.pipeline import head_measurements

    pipe = degrade.pipeline()
    frame = _live_frame()
    with FaceAnalyzer(live=True) as analyzer:
        an_ms: list[float] = []
        an = None
        for _ in range(5):
            t = time.perf_counter()
            an = analyzer.analyse(frame)
            an_ms.append((time.perf_counter() - t) * 1000)
    assert an is not None and an.primary is not None
    face = an.primary
    hm = head_measurements(face)
    assert hm is not None
    crop = pipe.solver.solve(hm, (frame.shape[1], frame.shape[0]))
    geo = Geometry(crop.crown_out, crop.eyes_out, crop.face_width_out, crop.centre_out,
                   face.crown_clipped)
    live_ids = [k for k, d in registry().items() if Mode.LIVE in d.modes]
    wall: list[float] = []
    cpu: list[float] = []
    round_medians: list[float] = []
    for _ in range(rounds):
        this_round: list[float] = []
        for _ in range(repeats):
            ctx = CheckContext(pipe.standard, Mode.LIVE, rgb=frame, analysis=an, crop=crop,
                               geometry=geo)
            t0, c0 = time.perf_counter(), time.process_time()
            run_checks(ctx)
            this_round.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        wall += this_round
        round_medians.append(statistics.median(this_round))
    return {
        "live_checks": len(live_ids),
        "live_checks_ms_median": round(statistics.median(wall), 2),
        "live_checks_ms_round_medians_min": round(min(round_medians), 2),
        "live_checks_ms_round_medians_max": round(max(round_medians), 2),
        "live_checks_ms_min": round(min(wall), 2),
        "live_checks_cpu_ms_median": round(statistics.median(cpu), 2),
        "live_face_analysis_ms_median": round(statistics.median(an_ms), 1),
        "live_target_ms": 5.0,
    }


def expression_classifier_cost(repeats: int = 200) -> dict[str, float]:
    """What the bundled expression classifier (expression.neutral's smile sign) costs: loading
    its interpreter (once per thread), one reading on a 1280x720 frame (cut, grey, 64x64,
    inference), and the file's size."""
    import threading

    from capture_station.imaging import expression
    from capture_station.imaging.face_analysis import FaceAnalyzer
    from capture_station.imaging.litert import models

    frame = _live_frame()
    with FaceAnalyzer(live=True) as analyzer:
        an = analyzer.analyse(frame)
    assert an is not None and an.primary is not None
    pts = an.primary.landmarks[:, :2]
    load_ms: list[float] = []

    def load() -> None:  # a new thread has no interpreter yet
        t = time.perf_counter()
        expression.smile_probability(frame, pts)
        load_ms.append((time.perf_counter() - t) * 1000)

    th = threading.Thread(target=load)
    th.start()
    th.join()
    expression.smile_probability(frame, pts)
    per: list[float] = []
    for _ in range(repeats):
        t = time.perf_counter()
        expression.smile_probability(frame, pts)
        per.append((time.perf_counter() - t) * 1000)
    return {
        "smile_classifier_first_call_ms": round(load_ms[0], 1),
        "smile_classifier_ms_median": round(statistics.median(per), 2),
        "smile_classifier_kib": round(models.model_path(models.EXPRESSION_CLASSIFIER).stat().st_size / 1024, 1),
    }


def check_throughput(n_photos: int = 120, repeats: int = 3) -> dict[str, float]:
    """Photos per second of the ``check`` command end to end: ``n_photos`` finished 480x640
    files in a folder, ``capture-station check FOLDER --json`` started as a new process (Python
    start-up, the worker processes' start-up and model loading, every final check, the JSON) --
    what an office waits for. The median of ``repeats`` runs is reported (the best one too: a
    shared machine stretches wall time). The same with twice the photos gives the rate once the
    workers run (the difference of the two times), which is what a big folder approaches. Also
    the engine alone in one process, models loaded, for comparison."""
    import json
    import subprocess
    import tempfile

    from capture_station.photo.verify_pool import worker_count

    def run_check_command(folder: Path) -> tuple[float, float, list[dict[str, Any]]]:
        """Wall seconds, CPU seconds (the command and its workers) and the rows of
        ``capture-station check FOLDER --json`` run as a new process, start-up included."""
        env = dict(os.environ)
        env.pop("CAPTURE_STATION_DEBUG", None)
        cpu0 = cpu_seconds()
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "capture_station", "check", str(folder), "--json"],
                           capture_output=True, text=True, env=env, timeout=600,
                           cwd=Path(__file__).resolve().parent.parent)
        wall = time.perf_counter() - t0
        cpu = cpu_seconds() - cpu0  # the workers are reaped by the command, so they count too
        if r.returncode not in (0, 1):
            raise RuntimeError(f"check exited with {r.returncode}: {r.stderr.strip()[-500:]}")
        return wall, cpu, json.loads(r.stdout)

    photos = [c.data for c in degrade.clean_set()]
    walls: dict[int, list[float]] = {}
    cpus: dict[int, list[float]] = {}
    for n in (n_photos, 2 * n_photos):
        with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
            folder = Path(tmp)
            for i in range(n):
                (folder / f"{i:04d}.jpg").write_bytes(photos[i % len(photos)])
            for _ in range(repeats):
                wall, cpu, rows = run_check_command(folder)
                if len(rows) != n or min(len(r.get("checks") or []) for r in rows) < 30:
                    raise RuntimeError("a benchmark photo was not fully checked")
                walls.setdefault(n, []).append(wall)
                cpus.setdefault(n, []).append(cpu)

    pipe = degrade.pipeline()
    for d in photos:
        pipe.verify_bytes(d, "photo.jpg")  # warm
    n_single = max(len(photos), n_photos // 3)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n_single):
        pipe.verify_bytes(photos[i % len(photos)], "photo.jpg")
    single_s = time.perf_counter() - t0
    single_cpu = time.process_time() - c0
    n2 = 2 * n_photos
    wall, wall2 = statistics.median(walls[n_photos]), statistics.median(walls[n2])
    return {
        "check_command_photos": float(n_photos),
        "check_command_processes": float(worker_count(n_photos) or 1),
        "check_command_seconds_median": round(wall, 2),
        "check_command_photos_per_s": round(n_photos / wall, 1),
        "check_command_photos_per_s_best": round(n_photos / min(walls[n_photos]), 1),
        "check_command_cpu_ms_per_photo": round(statistics.median(cpus[n_photos]) / n_photos * 1000, 1),
        f"check_command_photos_per_s_{n2}_photos": round(n2 / wall2, 1),
        "check_command_photos_per_s_after_start": round((n2 - n_photos) / max(wall2 - wall, 1e-6), 1),
        "check_engine_photos_per_s_1_process": round(n_single / single_s, 1),
        "check_engine_cpu_ms_per_photo_1_process": round(single_cpu / n_single * 1000, 1),
        "check_target_photos_per_s": 30.0,
        "cpu_count": float(os.cpu_count() or 0),
    }


def run() -> dict[str, object]:
    out: dict[str, object] = {}
    out.update(live_overhead())
    out.update(expression_classifier_cost())
    out.update(check_throughput())
    out["load_average_1min"] = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None
    return out


README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN, END = "<!-- eval-table: written by make eval -->", "<!-- /eval-table -->"


def update_readme(text: str, readme: Path = README) -> bool:
    """Put the table between the README's markers, so the README shows what the script made."""
    doc = readme.read_text(encoding="utf-8")
    if BEGIN not in doc or END not in doc:
        return False
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    table = text.split("\n", 2)[2] if text.startswith("# ") else text  # drop the file's title
    readme.write_text(f"{head}{BEGIN}\n{table.strip()}\n{END}{tail}", encoding="utf-8")
    return True


def main() -> None:
    text = write_table()
    update_readme(text)
    print(text)


if __name__ == "__main__":
    main()
