"""Entry point of the frozen build (PyInstaller): the same command line as ``capture-station``.

Runs after the run-time hooks in ``hooks/``. Two things only a frozen program needs:

* ``multiprocessing.freeze_support()``: ``export --workers N`` starts spawned worker processes,
  and in a frozen build each worker is this executable started again with special arguments.
* matplotlib's configuration folder: PyInstaller's run-time hook points ``MPLCONFIGDIR`` at a new
  temporary folder on every start, so matplotlib (imported by MediaPipe) would rebuild its font
  list each time, a second or so of every start. A one-folder build never moves, so the cache
  is kept in the per-user cache folder instead (or where the user's own ``MPLCONFIGDIR`` says).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

_T0 = time.monotonic()


def _persistent_mplconfigdir() -> None:
    wanted = os.environ.pop("CAPTURE_STATION_USER_MPLCONFIGDIR", "")
    if not wanted:
        try:
            from platformdirs import user_cache_dir

            wanted = os.path.join(user_cache_dir("capture-station", appauthor=False), "matplotlib")
        except Exception:  # noqa: BLE001 - keep the temporary folder
            return
    try:
        os.makedirs(wanted, mode=0o700, exist_ok=True)
    except OSError:
        return  # read-only home: the temporary folder still works
    if os.access(wanted, os.W_OK | os.X_OK):
        os.environ["MPLCONFIGDIR"] = wanted


def _startup_probe() -> None:
    """``CAPTURE_STATION_STARTUP_PROBE=1``: report on stderr when the window is first shown, the
    first live frame is drawn and the first live analysis arrives (used by ``smoke_test.py`` to
    measure the cold start). The probe only wraps methods; if the window's code changes shape,
    it reports less, never breaks the station."""

    def report(what: str) -> None:
        print(f"capture-station startup: {what} {time.monotonic() - _T0:.2f} s",
              file=sys.stderr, flush=True)

    def once(cls: type, name: str, what: str, accept=lambda args: True) -> None:
        orig = getattr(cls, name, None)
        if orig is None:
            return
        seen: list[bool] = []

        def wrapper(self, *args, **kwargs):
            result = orig(self, *args, **kwargs)
            if not seen and accept(args):
                seen.append(True)
                report(what)
            return result

        setattr(cls, name, wrapper)

    try:
        from capture_station.gui import live_view, main_window
    except Exception as e:  # noqa: BLE001
        report(f"probe unavailable ({type(e).__name__}: {e}) at")
        return
    once(main_window.MainWindow, "show", "window shown")
    once(live_view.LiveView, "set_frame", "first live frame")
    once(live_view.LiveView, "set_result", "first live analysis",
         accept=lambda args: bool(args) and args[0] is not None)


def main() -> int:
    multiprocessing.freeze_support()
    if getattr(sys, "frozen", False):
        _persistent_mplconfigdir()
    if os.environ.get("CAPTURE_STATION_STARTUP_PROBE"):
        _startup_probe()
    from capture_station.cli.main import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
