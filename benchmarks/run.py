"""``make bench``: every benchmark of the project, with the machine they ran on.

Each part is a module with ``run() -> dict``; results go to ``benchmarks/results/latest.json``
and are printed as markdown for the README.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

PARTS = [
    ("core", "benchmarks.bench_core"),
    ("cameras", "benchmarks.bench_cameras"),
    ("checks", "benchmarks.evaluate_checks"),
    ("store", "benchmarks.bench_store"),
    ("gui", "benchmarks.bench_gui"),
]


def machine() -> dict[str, object]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }


def main(argv: list[str]) -> int:
    wanted = set(argv) or {name for name, _ in PARTS}
    out = Path(__file__).parent / "results" / "latest.json"
    results: dict[str, object] = {}
    if argv and out.exists():  # a partial run updates its parts and keeps the others
        results = json.loads(out.read_text(encoding="utf-8"))
    results["machine"] = machine()
    for name, module in PARTS:
        if name not in wanted:
            continue
        try:
            mod = importlib.import_module(module)
        except ImportError as e:
            results[name] = {"skipped": f"not available: {e}"}
            continue
        t0 = time.perf_counter()
        try:
            results[name] = mod.run()
        except Exception as e:  # noqa: BLE001 - one failing part must not hide the others
            results[name] = {"error": f"{type(e).__name__}: {e}"}
        print(f"{name}: done in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    m = results["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}, Python {m['python']}, {m['date']}")
    print()
    print("| part | figure | value |")
    print("|---|---|---|")
    for name, vals in results.items():
        if name == "machine" or not isinstance(vals, dict):
            continue
        for k, v in vals.items():
            if isinstance(v, (dict, list)):
                v = json.dumps(v, ensure_ascii=False)
            print(f"| {name} | {k} | {v} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
