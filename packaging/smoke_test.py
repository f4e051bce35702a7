"""Smoke test of the frozen build (``make package-test``): runs the built program, not the source.

    .venv/bin/python packaging/smoke_test.py [--bin dist/capture-station/capture-station]
                                            [--deb dist/capture-station_*.deb] [--gui-seconds 60]
    .venv/bin/python packaging/smoke_test.py --make-shots DIR     (only write the two shots)
    python3 packaging/smoke_test.py --shots DIR --bin ...          (any Python 3.9+, stdlib only)

The shots are made with the development environment; ``--shots`` takes them from a folder
instead, so the test runs where only the built program is installed (a Debian 11 root with the
``.deb``: ``make package-debian11-test``).

Checks, each reported as PASS/FAIL/SKIP, then one closing line ``N passed, N failed``:

* ``--version`` prints the version of the source tree;
* ``process`` turns a real portrait into a compliant photo: Grace Hopper (matplotlib's sample
  image) cut out and composited onto a white backdrop at DSLR resolution, the same shot the
  test suite uses (``tests/imagery.py``, built here with the development environment);
* ``process`` of the raw 512x600 sample exits 1 (not feasible) and writes nothing;
* a bad candidate ID exits 2 with one line on stderr and no traceback;
* ``check`` accepts the photo ``process`` wrote;
* ``export --workers 2`` re-checks the store in spawned worker processes (frozen multiprocessing);
* ``cameras`` lists the demo camera;
* Linux: the bundled libgphoto2 loads its drivers: with ``VCAMERADIR`` (libgphoto2's virtual
  camera) ``cameras`` finds a gphoto2 camera and ``capture`` takes and processes a still;
* ``gui`` starts on the offscreen platform with the demo camera and keeps running until it is
  killed; with ``CAPTURE_STATION_STARTUP_PROBE=1`` the launcher reports when the window is shown,
  the first live frame is drawn and the first live analysis arrives, and the times from process
  start are printed: a cold start (empty cache folder) and a warm one;
* with ``--deb`` (default: the newest dist/*.deb, if any) the package holds what it should.

Everything runs in a temporary folder (data, settings, caches); nothing of the user's is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = ROOT / "dist" / "capture-station" / (
    "capture-station.exe" if sys.platform == "win32" else "capture-station")
GOOD_ID = "123456789012"
COLD_START_TARGET_S = 4.0


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.figures: list[str] = []

    def ok(self, name: str, detail: str = "") -> None:
        self.passed += 1
        print(f"PASS  {name}" + (f": {detail}" if detail else ""), flush=True)

    def fail(self, name: str, detail: str) -> None:
        self.failed += 1
        print(f"FAIL  {name}: {detail}", flush=True)

    def skip(self, name: str, detail: str) -> None:
        self.skipped += 1
        print(f"SKIP  {name}: {detail}", flush=True)

    def check(self, cond: bool, name: str, detail: str) -> bool:
        (self.ok if cond else self.fail)(name, detail)
        return cond


def source_version() -> str:
    text = (ROOT / "capture_station" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    return m.group(1) if m else "?"


def run(binary: Path, args: list[str], env: dict[str, str], timeout: float = 180
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, encoding="utf-8", errors="replace")


def first(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[0] if lines else ""


def tail(text: str, n: int = 6) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-n:])


SHOTS = ("station-shot.jpg", "grace_hopper.jpg")


def make_portraits(tmp: Path, shots: Path | None = None) -> tuple[Path, Path]:
    """(station shot at DSLR resolution on white, raw 512x600 sample) as JPEG files; copied
    from ``shots`` when given (made there earlier with ``--make-shots``)."""
    if shots is not None:
        for name in SHOTS:
            shutil.copy(shots / name, tmp / name)
        return tmp / SHOTS[0], tmp / SHOTS[1]
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ.setdefault("GLOG_minloglevel", "2")
    from PIL import Image

    import imagery  # tests/imagery.py: the suite's own real-portrait shots

    shot = tmp / SHOTS[0]
    Image.fromarray(imagery.station_shot_hopper()).save(shot, quality=92)
    raw = tmp / SHOTS[1]
    Image.fromarray(imagery.grace_hopper()).save(raw, quality=92)
    return shot, raw


# ------------------------------------------------------------------------------ the checks


def check_version(r: Report, binary: Path, env: dict[str, str]) -> None:
    p = run(binary, ["--version"], env, timeout=60)
    want = f"capture-station {source_version()}"
    r.check(p.returncode == 0 and p.stdout.strip() == want, "--version",
            f"rc={p.returncode} {p.stdout.strip()!r} (want {want!r})")


def check_process(r: Report, binary: Path, env: dict[str, str], shot: Path, raw: Path,
                  tmp: Path) -> Path | None:
    out = tmp / "out"
    t0 = time.perf_counter()
    p = run(binary, ["process", str(shot), "--id", GOOD_ID, "--out", str(out), "--json"], env)
    dt = time.perf_counter() - t0
    photo = out / f"{GOOD_ID}.jpg"
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = {}
    size = photo.stat().st_size if photo.is_file() else 0
    good = (p.returncode == 0 and doc.get("compliant") is True and photo.is_file()
            and 20480 <= size <= 40000)
    r.check(good, "process (real portrait, 2400x2600)",
            f"rc={p.returncode} compliant={doc.get('compliant')} {size} bytes "
            f"quality={doc.get('quality')} in {dt:.1f} s" + ("" if good else f"; {tail(p.stderr)}"))

    out2 = tmp / "out-raw"
    p = run(binary, ["process", str(raw), "--id", "123456789013", "--out", str(out2)], env)
    written = list(out2.glob("*.jpg")) if out2.exists() else []
    r.check(p.returncode == 1 and not written, "process (raw 512x600 sample: not feasible)",
            f"rc={p.returncode} {first(p.stdout)!r} files={len(written)}")

    p = run(binary, ["process", str(shot), "--id", "../../etc/x", "--out", str(out2)], env)
    err = p.stderr.strip().splitlines()
    r.check(p.returncode == 2 and len(err) == 1 and "Traceback" not in p.stderr,
            "process (bad candidate ID)", f"rc={p.returncode} {err[:1]}")
    return photo if good else None


def check_check(r: Report, binary: Path, env: dict[str, str], photo: Path | None) -> None:
    if photo is None:
        r.skip("check", "no photo from process")
        return
    p = run(binary, ["check", str(photo), "--json"], env)
    try:
        rows = json.loads(p.stdout)
    except ValueError:
        rows = []
    ok = p.returncode == 0 and len(rows) == 1 and rows[0].get("compliant") is True
    r.check(ok, "check (the processed photo)",
            f"rc={p.returncode} compliant={rows[0].get('compliant') if rows else None}"
            + ("" if ok else f"; {tail(p.stderr)}"))


def check_export(r: Report, binary: Path, env: dict[str, str], shot: Path, tmp: Path) -> None:
    """Save into the store, then export with spawned worker processes: in a frozen program each
    worker is the executable started again (``multiprocessing.freeze_support``)."""
    p = run(binary, ["process", str(shot), "--id", GOOD_ID], env)
    if not r.check(p.returncode == 0, "process into the store", first(p.stdout) or tail(p.stderr)):
        return
    out = tmp / "export"
    p = run(binary, ["export", "--out", str(out), "--workers", "2", "--json"], env)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = {}
    ok = (p.returncode == 0 and doc.get("exported") == 1 and doc.get("workers") == 2
          and (out / f"{GOOD_ID}.jpg").is_file())
    r.check(ok, "export --workers 2 (spawned processes)",
            f"rc={p.returncode} exported={doc.get('exported')} workers={doc.get('workers')}"
            + ("" if ok else f"; {tail(p.stderr)}"))


def check_cameras(r: Report, binary: Path, env: dict[str, str], shot: Path,
                  tmp: Path) -> None:
    p = run(binary, ["cameras", "--json"], env, timeout=60)
    try:
        cams = json.loads(p.stdout)
    except ValueError:
        cams = []
    kinds = sorted({c.get("kind") for c in cams})
    r.check(p.returncode == 0 and "demo" in kinds, "cameras", f"rc={p.returncode} kinds={kinds}"
            + ("" if p.returncode == 0 else f"; {tail(p.stderr)}"))

    internal = binary.parent / "_internal"
    if sys.platform == "win32" or not (internal / "gphoto2").is_dir():
        r.skip("gphoto2 (bundled libgphoto2)", "not in this build (Windows build: webcam only)")
        return
    vcam = tmp / "vcamera"
    vcam.mkdir()
    shutil.copy(shot, vcam / "DSC_0001.JPG")
    venv = dict(env, VCAMERADIR=str(vcam))
    p = run(binary, ["cameras", "--json"], venv, timeout=60)
    try:
        cams = json.loads(p.stdout)
    except ValueError:
        cams = []
    g = [c for c in cams if c.get("kind") == "gphoto2"]
    if not r.check(bool(g), "gphoto2 drivers load from the bundle (virtual camera listed)",
                   f"{[c.get('name') for c in g]}" + ("" if g else f"; {tail(p.stderr)}")):
        return
    out = tmp / "out-gphoto2"
    p = run(binary, ["capture", "--camera", "gphoto2", "--id", "123456789014", "--out", str(out)],
            venv)
    photo = out / "123456789014.jpg"
    r.check(p.returncode == 0 and photo.is_file(), "capture --camera gphoto2 (virtual camera)",
            f"rc={p.returncode} {first(p.stdout)!r}"
            + ("" if p.returncode == 0 else f"; {tail(p.stderr)}"))


def run_gui(binary: Path, env: dict[str, str], wait_s: float) -> dict[str, object]:
    """Start the window, collect the probe's reports with times from process start, kill it."""
    genv = dict(env, QT_QPA_PLATFORM="offscreen", CAPTURE_STATION_STARTUP_PROBE="1")
    marks: dict[str, float] = {}
    lines: list[str] = []
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(binary), "gui", "--camera", "demo"], env=genv,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", errors="replace", start_new_session=True)

    def reader() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            now = time.perf_counter() - t0
            lines.append(line.rstrip())
            m = re.match(r"capture-station startup: (.+?) [\d.]+ s$", line.strip())
            if m:
                marks[m.group(1)] = now

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    deadline = t0 + wait_s
    while time.perf_counter() < deadline and proc.poll() is None:
        if "first live analysis" in marks:
            break
        time.sleep(0.05)
    if proc.poll() is None:
        time.sleep(2.0)  # it must keep running after its first frames
    alive = proc.poll() is None
    code = proc.poll()
    if alive:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    th.join(2)
    return {"marks": marks, "alive": alive, "code": code, "lines": lines}


def check_gui(r: Report, binary: Path, env: dict[str, str], tmp: Path, wait_s: float) -> None:
    settings = Path(env["CAPTURE_STATION_CONFIG"])
    # An existing settings file skips the first-run questions.
    settings.write_text(json.dumps({"schema_version": 2, "office": "urumqi",
                                    "station_name": "smoke-test", "camera": "demo",
                                    "language": "zh_CN"}), encoding="utf-8")
    for label in ("cold", "warm"):
        res = run_gui(binary, env, wait_s)
        marks: dict[str, float] = res["marks"]  # type: ignore[assignment]
        lines: list[str] = res["lines"]  # type: ignore[assignment]
        if not res["alive"] and any("not available" in ln for ln in lines):
            r.skip(f"gui ({label} start)", tail("\n".join(lines), 2))
            return
        shown = marks.get("window shown")
        frame = marks.get("first live frame")
        analysed = marks.get("first live analysis")
        fmt = lambda v: f"{v:.2f} s" if v is not None else "never"  # noqa: E731
        detail = (f"window shown {fmt(shown)}, first live frame {fmt(frame)}, "
                  f"first live analysis {fmt(analysed)} after process start; "
                  f"{'still running when killed' if res['alive'] else 'EXITED ' + str(res['code'])}")
        ok = bool(res["alive"]) and shown is not None
        if not ok:
            detail += f"; {tail(chr(10).join(lines))}"
        r.check(ok, f"gui --camera demo, offscreen ({label} start)", detail)
        if frame is not None:
            verdict = "within" if frame <= COLD_START_TARGET_S else "OVER"
            r.figures.append(f"{label} start to first live frame: {frame:.2f} s "
                             f"({verdict} the {COLD_START_TARGET_S:.0f} s target)")
        elif shown is not None:
            r.figures.append(f"{label} start to window shown: {shown:.2f} s (no live frame seen)")


def check_deb(r: Report, deb: Path | None) -> None:
    if deb is None:
        r.skip(".deb contents", "no dist/*.deb (run packaging/make_deb.sh)")
        return
    p = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True)
    listing = p.stdout
    wanted = [
        "./opt/capture-station/capture-station",
        "./opt/capture-station/_internal/assets/standards/xinjiang-zikao.toml",
        "./usr/bin/capture-station -> /opt/capture-station/capture-station",
        "./usr/share/applications/capture-station.desktop",
        "./usr/share/icons/hicolor/256x256/apps/capture-station.png",
        "./usr/share/icons/hicolor/16x16/apps/capture-station.png",
        "./usr/share/icons/hicolor/scalable/apps/capture-station.svg",
        "./lib/udev/rules.d/60-capture-station-cameras.rules",
    ]
    missing = [w for w in wanted if w not in listing]
    info = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version", "Depends"],
                          capture_output=True, text=True).stdout
    detail = f"{deb.stat().st_size / 2**20:.0f} MiB"
    if missing:
        detail += f"; missing {missing}"
    version = next((ln for ln in info.splitlines() if ln.startswith("Version:")), "")
    if version:
        detail += f"; {version}"
    r.check(p.returncode == 0 and not missing, f".deb contents ({deb.name})", detail)


# ------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="smoke test of the frozen build")
    ap.add_argument("--bin", type=Path, default=DEFAULT_BIN)
    ap.add_argument("--deb", type=Path, default=None)
    ap.add_argument("--gui-seconds", type=float, default=60.0,
                    help="how long to wait for the first live analysis")
    ap.add_argument("--no-gui", action="store_true")
    ap.add_argument("--make-shots", type=Path, metavar="DIR",
                    help="write the two test shots into DIR and stop")
    ap.add_argument("--shots", type=Path, metavar="DIR",
                    help="take the test shots from DIR (made with --make-shots)")
    args = ap.parse_args(argv)
    if args.make_shots:
        args.make_shots.mkdir(parents=True, exist_ok=True)
        shot, raw = make_portraits(args.make_shots)
        print(f"smoke_test: {shot} and {raw} written")
        return 0

    binary = args.bin.resolve()
    if not binary.is_file():
        print(f"smoke_test: {binary} not found: build it first (packaging/build.sh)")
        print("0 passed, 1 failed")
        return 1
    deb = args.deb
    if deb is None:
        debs = sorted((ROOT / "dist").glob("capture-station_*.deb"), key=lambda p: p.stat().st_mtime)
        deb = debs[-1] if debs else None

    r = Report()
    build = binary.parent
    du = subprocess.run(["du", "-sh", str(build)], capture_output=True, text=True).stdout.split()
    print(f"smoke test of {build} ({du[0] if du else '?'})", flush=True)
    with tempfile.TemporaryDirectory(prefix="capture-station-smoke-") as t:
        tmp = Path(t)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("CAPTURE_STATION_", "QT_", "VCAMERADIR", "MPLCONFIGDIR"))}
        env.update(
            CAPTURE_STATION_DATA=str(tmp / "data"),
            CAPTURE_STATION_CONFIG=str(tmp / "settings.json"),
            XDG_CACHE_HOME=str(tmp / "cache"),
            XDG_CONFIG_HOME=str(tmp / "config"),
            XDG_DATA_HOME=str(tmp / "share"),
            GLOG_minloglevel="2",
        )
        check_version(r, binary, env)
        print("making the test portrait ...", flush=True)
        shot, raw = make_portraits(tmp, args.shots)
        photo = check_process(r, binary, env, shot, raw, tmp)
        check_check(r, binary, env, photo)
        check_export(r, binary, env, shot, tmp)
        check_cameras(r, binary, env, shot, tmp)
        if args.no_gui:
            r.skip("gui", "--no-gui")
        else:
            # A fresh cache folder: the first start builds matplotlib's font list (cold).
            shutil.rmtree(tmp / "cache", ignore_errors=True)
            check_gui(r, binary, env, tmp, args.gui_seconds)
        if sys.platform != "win32":
            check_deb(r, deb)
    for f in r.figures:
        print(f"figure: {f}")
    print(f"{r.passed} passed, {r.failed} failed" + (f", {r.skipped} skipped" if r.skipped else ""))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
