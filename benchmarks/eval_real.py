"""How the checks do on real photos labelled by hand (``make eval-real``).

``python -m benchmarks.eval_real [FOLDER]`` (or ``REALFACES=FOLDER``) reads a labelled folder of
real photos -- ``images/*.jpg`` and ``labels.tsv`` with one row per image and one column per
check holding ``pass``, ``fail`` or ``-`` (unsure / not applicable) -- runs the station's own
``check`` command on the images (a new process, exactly what an office runs) and the pipeline of
``process`` on each (the crop the operator gets, and the checks it reports), and writes per check
the false alarms, the misses and the undetermined verdicts, with the file names, to
``benchmarks/results/eval_real.md`` (and the counts to ``eval_real.json``).

Definitions (the same in the report):

* *false alarm* -- labelled ``pass``, the check says ``fail``;
* *miss* -- labelled ``fail``, the check says ``pass`` or ``warn``;
* *undetermined* -- the check says ``undetermined``: neither a false alarm nor a catch; counted
  and listed on its own, because a check that cannot decide on most photos is of little use.

Nothing of the photos is written anywhere but the report's file names and numbers. Without the
folder the script says so in one line and exits 0: a fresh clone has no such folder, and
``make test`` never depends on it.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks import eval_real_faults

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

# The targets of the real-photo evaluation.
MAX_FALSE_ALARM_SHARE = 0.02  # of labelled-pass verdicts, every check
MAX_MISS_SHARE = 0.10  # of labelled-fail verdicts, checks with at least MIN_FAILS_FOR_MISSES
MIN_FAILS_FOR_MISSES = 5
MIN_CLEAN_PHOTO_SHARE = 0.90  # photos without any false alarm

BASELINE = "eval_real_baseline.json"  # the counts before the checks were reworked (issue 17)
PROCESS_ID = "100000000001"  # an admission number for the process runs (nothing is saved)


def folder_from(argv: Sequence[str]) -> Path:
    if argv:
        return Path(argv[0])
    return Path(os.environ.get("REALFACES") or "realfaces")


def read_labels(folder: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The label columns (check ids) and, per image file name, its labels."""
    with (folder / "labels.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows:
        return [], {}
    columns = [c for c in rows[0] if "." in c]  # check ids contain a dot; the rest is metadata
    keep = [c for c in rows[0] if c not in ("file", "source", "description")]  # + "glasses"
    return columns, {r["file"]: {c: (r.get(c) or "-").strip() for c in keep} for r in rows}


def run_check_command(images: Path) -> dict[str, dict[str, str]]:
    """``capture-station check IMAGES --json`` as a new process: per file name, per check id,
    the status (an unreadable file gets no statuses)."""
    r = subprocess.run([sys.executable, "-m", "capture_station", "check", str(images), "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=3600)
    if r.returncode not in (0, 1):
        raise SystemExit(f"check exited with {r.returncode}: {r.stderr.strip()[-400:]}")
    out: dict[str, dict[str, str]] = {}
    for row in json.loads(r.stdout):
        name = Path(row["path"]).name
        out[name] = {c["id"]: c["status"] for c in row.get("checks") or []}
    return out


def run_process(images: Path, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The pipeline of ``process`` on each image, in this process (the command's own code,
    without a new interpreter per file): whether a photo was made, the reason when not, and
    the status of every check it reported. *Not reported*: the command gave no verdict for
    the check (a shot no photo can be made from is judged whole, so this is rare)."""
    from capture_station.imaging.image_source import ImageLoadError, open_image_file
    from capture_station.photo.pipeline import Pipeline
    from capture_station.records.filing import file_photo

    pipe = Pipeline()
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="eval-real-") as tmp:
        for name in names:
            try:
                src = open_image_file(images / name)
                res = file_photo(pipe, src, PROCESS_ID, out_dir=Path(tmp))
            except (ImageLoadError, OSError, ValueError) as e:
                out[name] = {"photo": False, "reason": e.render("en") if isinstance(e, ImageLoadError) else str(e), "checks": {}}
                continue
            out[name] = {
                "photo": res.data is not None,
                "reason": res.reason.render("en") if res.reason else None,
                "checks": {c.id: c.status.value for c in res.checks},
            }
            for p in Path(tmp).iterdir():
                p.unlink()
    return out


def score(columns: Sequence[str], labels: Mapping[str, Mapping[str, str]],
          statuses: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """Per check: labelled pass / fail counts, false alarms, misses, undetermined (file names),
    and the photos with at least one false alarm."""
    per: dict[str, dict[str, Any]] = {}
    photos_with_fa: dict[str, list[str]] = {}
    for cid in columns:
        d: dict[str, Any] = {"pass": 0, "fail": 0, "false_alarms": [], "misses": [],
                             "undetermined_pass": [], "undetermined_fail": [], "caught": 0,
                             "not_reported": []}
        for name, lab in sorted(labels.items()):
            want = lab.get(cid, "-")
            if want not in ("pass", "fail"):
                continue
            got = statuses.get(name, {}).get(cid)
            d[want] += 1
            if got is None:
                d["not_reported"].append(name)
            elif got == "undetermined":
                d[f"undetermined_{want}"].append(name)
            elif want == "pass" and got == "fail":
                d["false_alarms"].append(name)
                photos_with_fa.setdefault(name, []).append(cid)
            elif want == "fail" and got in ("pass", "warn"):
                d["misses"].append(name)
            elif want == "fail":
                d["caught"] += 1
        per[cid] = d
    return {"checks": per, "photos": len(labels), "photos_with_false_alarm": photos_with_fa}


def _share(n: int, of: int) -> str:
    return f"{n} ({100.0 * n / of:.0f} %)" if of else str(n)


def targets_met(s: Mapping[str, Any]) -> dict[str, bool]:
    ok: dict[str, bool] = {}
    for cid, d in s["checks"].items():
        judged_pass = d["pass"]
        fa_ok = len(d["false_alarms"]) <= MAX_FALSE_ALARM_SHARE * judged_pass
        miss_ok = (d["fail"] < MIN_FAILS_FOR_MISSES
                   or len(d["misses"]) <= MAX_MISS_SHARE * d["fail"])
        ok[cid] = fa_ok and miss_ok
    clean = s["photos"] - len(s["photos_with_false_alarm"])
    ok["photos without a false alarm"] = clean >= MIN_CLEAN_PHOTO_SHARE * s["photos"]
    return ok


def _table(s: Mapping[str, Any], before: Mapping[str, Any] | None) -> list[str]:
    met = targets_met(s)
    head = ("| check | labelled pass | false alarms | undetermined (pass) | labelled fail | misses "
            "| undetermined (fail) | not reported | target |")
    sep = "|---|---|---|---|---|---|---|---|---|"
    if before:
        head = head[:-len("target |")] + "before: FA / misses / undet. | target |"
        sep += "---|"
    lines = [head, sep]
    for cid, d in s["checks"].items():
        if not d["pass"] and not d["fail"]:
            continue
        row = (f"| `{cid}` | {d['pass']} | {_share(len(d['false_alarms']), d['pass'])} | "
               f"{len(d['undetermined_pass'])} | {d['fail']} | "
               f"{_share(len(d['misses']), d['fail']) if d['fail'] else '—'} | "
               f"{len(d['undetermined_fail'])} | {len(d['not_reported'])} | ")
        if before:
            b = before["checks"].get(cid)
            row += (f"{len(b['false_alarms'])} / {len(b['misses'])} / "
                    f"{len(b['undetermined_pass']) + len(b['undetermined_fail'])} | " if b else "— | ")
        row += ("met |" if met[cid] else "**not met** |")
        lines.append(row)
    n = s["photos"]
    clean = n - len(s["photos_with_false_alarm"])
    line = f"\nPhotos without any false alarm: {clean}/{n} ({100.0 * clean / n:.0f} %)"
    if before:
        bc = before["photos"] - len(before["photos_with_false_alarm"])
        line += f"; before: {bc}/{before['photos']} ({100.0 * bc / before['photos']:.0f} %)"
    line += f" -- target {MIN_CLEAN_PHOTO_SHARE:.0%}: " + (
        "met." if met["photos without a false alarm"] else "**not met**.")
    lines.append(line)
    return lines


def _names(s: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for cid, d in s["checks"].items():
        parts = []
        for key, what in (("false_alarms", "false alarms"), ("misses", "misses"),
                          ("undetermined_pass", "undetermined on labelled pass"),
                          ("undetermined_fail", "undetermined on labelled fail"),
                          ("not_reported", "not reported")):
            if d[key] and key == "not_reported":
                parts.append(f"{what}: {len(d[key])}")
            elif d[key]:
                parts.append(f"{what}: " + ", ".join(f"`{Path(x).stem}`" for x in d[key]))
        if parts:
            lines.append(f"- `{cid}` -- " + "; ".join(parts))
    return lines


def markdown(folder_name: str, check_s: Mapping[str, Any], proc_s: Mapping[str, Any],
             proc: Mapping[str, Mapping[str, Any]], before: Mapping[str, Any] | None,
             seconds: float, painted: Sequence[Mapping[str, Any]] = ()) -> str:
    made = sum(1 for v in proc.values() if v["photo"])
    lines = [
        "# Checks on real photos labelled by hand",
        "",
        f"Set: `{folder_name}`, {check_s['photos']} real photos (single sitters and groups, from "
        "public repositories; tight face crops, film stills, scans, phone photos -- mostly not on a "
        "white backdrop), each check labelled `pass`, `fail` or `-` (unsure) by a person. "
        "The photos are never copied into the repository; `make eval-real` (folder: `REALFACES=`) "
        f"writes this file. Run time {seconds:.0f} s.",
        "",
        "*False alarm*: labelled pass, the check fails. *Miss*: labelled fail, the check passes or "
        "warns. *Undetermined*: the check cannot measure it on this photo; neither a false alarm "
        "nor a catch, counted apart. Targets: false alarms <= "
        f"{MAX_FALSE_ALARM_SHARE:.0%} of the labelled-pass verdicts of every check; misses <= "
        f"{MAX_MISS_SHARE:.0%} of the labelled-fail verdicts of every check with at least "
        f"{MIN_FAILS_FOR_MISSES} of them; at least {MIN_CLEAN_PHOTO_SHARE:.0%} of the photos "
        "without any false alarm.",
        "",
        "## `check` on the photos as they are",
        "",
        *([f"*Before*: the same set on the checks before they were reworked for real photos "
           f"(`benchmarks/results/{BASELINE}`)."] if before else []),
        "",
        *_table(check_s, before),
        "",
        "## `process`: the checks the operator gets",
        "",
        f"`process` made a 480x640 photo from {made} of the {len(proc)} (the others cannot be "
        "cropped to the standard's bands without enlarging or padding: tight crops, heads cut by "
        "the frame); the verdicts below are those it reports, on the photo where it made one and "
        "on the shot where it did not.",
        "",
        *_table(proc_s, None),
        "",
        "## Faults the set lacks, painted onto its photos",
        "",
        "No photo of the set shows glare on a lens, red eye, a side-lit face or a tinted white "
        "backdrop. Each is painted at evaluation time (as `tests/degrade.py` paints it for "
        "`make eval`) onto the photos of the set where it fits -- side light on frontal faces "
        "labelled evenly lit, a tint on backdrops labelled white, red eye on open eyes labelled "
        "without it, lens glare on single sitters labelled with glasses -- and the copies are "
        "checked with `check`, then deleted. *Caught*: the aimed check fails; *other checks that "
        "flip*: checks that passed on the photo before and fail on the painted copy (the file "
        "and geometry rules left out: the copy is a new JPEG, at most 1280 px).",
        "",
        *(eval_real_faults.markdown(painted) if painted else ["(no photo fits)"]),
        "",
        "## Files",
        "",
        "### `check`",
        "",
        *_names(check_s),
        "",
        "### `process`",
        "",
        *_names(proc_s),
        "",
    ]
    return "\n".join(lines)


README = ROOT / "README.md"
BEGIN, END = "<!-- eval-real: written by make eval-real -->", "<!-- /eval-real -->"


def update_readme(check_s: Mapping[str, Any], before: Mapping[str, Any] | None,
                  readme: Path = README) -> bool:
    """Put the `check` table between the README's markers (the file lists stay in the
    results file)."""
    doc = readme.read_text(encoding="utf-8")
    if BEGIN not in doc or END not in doc:
        return False
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    table = "\n".join(_table(check_s, before)).strip()
    readme.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    baseline_out = None
    if "--save-baseline" in argv:
        i = argv.index("--save-baseline")
        baseline_out = Path(argv[i + 1])
        del argv[i:i + 2]
    folder = folder_from(argv)
    images = folder / "images"
    if not (folder / "labels.tsv").is_file() or not images.is_dir():
        print(f"eval-real: skipped, no labelled photo folder at {folder} (set REALFACES=FOLDER)")
        return 0
    t0 = time.perf_counter()
    columns, labels = read_labels(folder)
    check = run_check_command(images)
    proc = run_process(images, sorted(labels))
    check_s = score(columns, labels, check)
    proc_s = score(columns, labels, {k: v["checks"] for k, v in proc.items()})
    before = None
    base_file = RESULTS / BASELINE
    if base_file.is_file():
        before = json.loads(base_file.read_text(encoding="utf-8"))["check"]
    painted = eval_real_faults.painted_rows(images, labels, check, run_check_command)
    text = markdown(folder.name, check_s, proc_s, proc, before, time.perf_counter() - t0,
                    painted)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "eval_real.md").write_text(text, encoding="utf-8")
    payload = {"check": check_s, "process": proc_s,
               "process_reasons": {k: v["reason"] for k, v in proc.items()},
               "statuses": check, "painted": painted}
    (RESULTS / "eval_real.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False),
                                            encoding="utf-8")
    update_readme(check_s, before)
    if baseline_out is not None:
        baseline_out.write_text(json.dumps({"check": check_s, "process": proc_s}, indent=1),
                                encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
