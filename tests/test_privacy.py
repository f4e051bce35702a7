"""Personal data: the station makes no network connection, and resident IDs never appear whole
in its output."""

from __future__ import annotations

import subprocess
import sys
import textwrap

NO_NETWORK = textwrap.dedent(
    """
    import sys
    events = []
    def hook(event, args):
        if event.startswith("socket.") and event not in ("socket.gethostname", "socket.__new__"):
            events.append(event)
            raise PermissionError("network use during a capture flow: " + event)
        if event == "socket.__new__":
            events.append(event)
    sys.addaudithook(hook)
    from capture_station.cli.main import main
    codes = [main(argv) for argv in ARGVS]
    print("codes", codes)
    print("events", sorted(set(events)))
    """
)


def test_no_socket_during_a_full_capture_flow(tmp_path, shots_dir):
    store = str(tmp_path / "store")
    argvs = [
        ["--data-dir", store, "process", str(shots_dir / "hopper.jpg"), "--id", "11010519491231002X"],
        ["--data-dir", store, "capture", "--camera", "demo", "--id", "650101202400123"],
        ["check", str(tmp_path / "store" / "photos")],
    ]
    code = f"ARGVS = {argvs!r}\n" + NO_NETWORK
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = dict(line.split(" ", 1) for line in r.stdout.splitlines() if line.startswith(("codes", "events")))
    assert lines["codes"] == "[0, 0, 0]", r.stdout + r.stderr
    assert lines["events"] == "[]", lines["events"]
    # the resident ID number is personal data: never printed whole
    assert "11010519491231002X" not in r.stderr
