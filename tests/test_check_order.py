"""The checks are listed in one order, whatever imported their families first: a report, a JSON
row and a worker process must agree on it."""

from __future__ import annotations

import subprocess
import sys

CODE = """
{pre}
from capture_station.checks import registry
print(" ".join(registry()))
"""


def _order(pre: str) -> str:
    r = subprocess.run([sys.executable, "-c", CODE.format(pre=pre)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_the_order_does_not_depend_on_what_was_imported_first():
    plain = _order("")
    assert plain.startswith("file.format")
    assert _order("import capture_station.checks.pose_checks, "
                  "capture_station.checks.appearance_checks") == plain
    assert _order("import capture_station.checks.lighting_checks") == plain
