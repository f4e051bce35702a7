"""Re-verifying finished photos, many at a time: the ``check`` command, the export and the merge.

A finished photo is checked again from its bytes alone (:meth:`Pipeline.verify_bytes`). Face
analysis and the content checks cost ~30-45 ms a photo, so with many photos the work runs in
``os.cpu_count()`` spawned processes, each with its own :class:`Pipeline` (MediaPipe graphs are
not shareable between processes), fed a few chunks at a time so that files are read only shortly
before they are checked and memory stays flat. Below :data:`PARALLEL_MIN_PHOTOS` photos starting
the workers (~1.5 s, mostly loading MediaPipe) costs more than it saves, so they run here.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from capture_station.standard import Standard

if TYPE_CHECKING:
    from capture_station.checks.engine import CheckResult

PARALLEL_MIN_PHOTOS = 24  # below this, starting worker processes costs more than it saves
CHUNK = 8  # photos per task sent to a worker


# --------------------------------------------------------
@dataclass
class VerifyJob:
    key: str
    data: bytes
    file_name: str
    payload: Any = None  # whatever the caller needs back with the outcome


@dataclass
class VerifyOutcome:
    key: str
    quality: int | None
    compliant: bool
    failures: list[tuple[str, str, str]]  # (check id, message en, message zh) that exclude
    checks: list[dict[str, Any]]
    # The photo's pixels were decoded (a JPEG within the size limit): ``check --report`` shows a
    # thumbnail exactly when the in-process verdict had pixels.
    decoded: bool = False
    # The CheckResult objects themselves, only with ``keep_results``: the ``check`` command needs
    # the messages and hints in both languages, and ~40 small dataclasses pickle in ~0.1 ms.
    results: list[CheckResult] | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


def excluding_failures(checks: Iterable[Any]) -> list[tuple[str, str, str]]:
    """Failed checks that keep a photo out of an export: file rules, face count, geometry.
    Content checks (light, background, ...) may warn or fail without excluding: the operator
    accepted the photo with them."""
    from capture_station.checks.engine import Status

    out: list[tuple[str, str, str]] = []
    for c in checks:
        if c.status == Status.FAIL and (c.id.startswith(("file.", "geometry.")) or c.id == "face.count"):
            out.append((c.id, c.message_en, c.message_zh))
    return out


def export_check_ids() -> list[str]:
    """The checks that decide whether a finished file may leave the station."""
    from capture_station.checks.engine import Mode, registry

    return [k for k, d in registry().items()
            if Mode.FINAL in d.modes and (k.startswith(("file.", "geometry.")) or k == "face.count")]


def verify_export_rules(pipe: Any, data: bytes, file_name: str,
                        capture_date: str | None = None) -> Any:
    """:meth:`Pipeline.verify_bytes` restricted to :func:`export_check_ids`.

    Without the content checks (light, background, pose ...), which cost several times the face
    analysis and cannot exclude a photo from an export anyway; and without the detector's strip
    search: the bytes were searched for a second face when they were saved, and the export has
    already compared them with the recorded SHA-256.
    """
    return pipe.verify_bytes(data, file_name, capture_date, check_ids=export_check_ids(), tiles=False)


def exif_capture_date(data: bytes, file_name: str) -> str | None:
    """The EXIF capture date of a file, or None (no EXIF, or not an image Pillow opens).

    ``check`` judges photos brought from elsewhere, so ``file.date`` needs the camera's date;
    the station's own files carry no EXIF, and the export and merge never ask for it.
    """
    from capture_station.imaging.image_source import ImageLoadError, open_image_bytes

    try:
        return open_image_bytes(data, file_name).capture_date
    except ImageLoadError:
        return None


def _outcome(pipe: Any, key: str, data: bytes, file_name: str, full: bool,
             exif_date: bool = False, keep_results: bool = False) -> VerifyOutcome:
    date = exif_capture_date(data, file_name) if exif_date else None
    v = (pipe.verify_bytes(data, file_name, date) if full
         else verify_export_rules(pipe, data, file_name, date))
    return VerifyOutcome(key, v.quality, v.compliant, excluding_failures(v.checks),
                         [c.as_json("en") for c in v.checks], decoded=v.rgb is not None,
                         results=list(v.checks) if keep_results else None)


_worker_pipe: Any = None


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it dies.

    A worker holds ~200 MB (its MediaPipe graphs); when its parent is killed (SIGKILL of an
    export or a merge) nothing else would ever tell it to stop, and it would live on under
    PID 1 with the resource tracker. On Linux the kernel kills it (``PR_SET_PDEATHSIG``);
    everywhere a daemon thread also watches the parent's PID once a second, which covers a
    parent that died before the ``prctl`` and systems without it.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_init(standard: Standard, parent: int | None = None) -> None:
    global _worker_pipe
    if parent is not None:
        _die_with_parent(parent)
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # MediaPipe's native code logs to fd 2; keep the parent's progress line readable.
    from capture_station.imaging.mediapipe_import import hide_native_logs_for_good

    hide_native_logs_for_good()
    from capture_station.photo.pipeline import Pipeline

    _worker_pipe = Pipeline(standard)
    # At exit the interpreter would tear down the MediaPipe graphs (~0.35 s) while the parent
    # waits for its workers; a worker has nothing to keep (its results went to the parent as
    # they were made, it writes no file), so it leaves without that teardown.
    atexit.register(os._exit, 0)


def _worker_run(batch: list[tuple[int, bytes, str]], full: bool, exif_date: bool = False,
                keep_results: bool = False) -> list[tuple[int, VerifyOutcome]]:
    return [(i, _outcome(_worker_pipe, str(i), data, name, full, exif_date, keep_results))
            for i, data, name in batch]


def worker_count(n: int) -> int:
    """Processes to use for ``n`` photos: 0 means in this process."""
    cpus = os.cpu_count() or 1
    if n < PARALLEL_MIN_PHOTOS or cpus < 2:
        return 0
    return max(1, min(cpus, (n + CHUNK - 1) // CHUNK))


def verify_stream(
    jobs: Iterable[VerifyJob],
    standard: Standard,
    on_result: Callable[[VerifyJob, VerifyOutcome], None],
    workers: int = 0,
    full: bool = False,
    *,
    exif_date: bool = False,
    keep_results: bool = False,
) -> None:
    """Verify every job and call ``on_result`` in this process as each one finishes.

    ``full`` runs every check (:meth:`Pipeline.verify_bytes`), otherwise only the export rules.
    ``workers`` > 0 uses that many spawned processes; at most a few chunks per worker are in
    flight, so photos are read from disk only shortly before they are checked (``jobs`` is
    pulled lazily; a generator that reads each file when it is pulled keeps memory flat).
    ``exif_date`` passes each file's EXIF capture date to ``file.date`` (read where the file is
    checked, so the parent never parses the bytes); ``keep_results`` returns the CheckResult
    objects in :attr:`VerifyOutcome.results`. Both are for ``check``; the export and the merge
    leave them off.
    """
    if workers <= 0:
        from capture_station.photo.pipeline import Pipeline

        pipe = Pipeline(standard)
        for job in jobs:
            on_result(job, _outcome(pipe, job.key, job.data, job.file_name, full, exif_date,
                                    keep_results))
        return
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # fork after MediaPipe threads start is unsafe
    inflight: dict[Future[list[tuple[int, VerifyOutcome]]], list[VerifyJob]] = {}
    max_inflight = workers * 3

    def drain(block_until: int) -> None:
        while len(inflight) > block_until:
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            for fut in done:
                batch = inflight.pop(fut)
                for i, out in fut.result():
                    job = batch[i]
                    out.key = job.key
                    on_result(job, out)

    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                             initargs=(standard, os.getpid())) as ex:
        batch: list[VerifyJob] = []
        try:
            for job in jobs:
                batch.append(job)
                if len(batch) >= CHUNK:
                    fut = ex.submit(_worker_run, [(i, j.data, j.file_name) for i, j in enumerate(batch)],
                                    full, exif_date, keep_results)
                    inflight[fut] = batch
                    batch = []
                    drain(max_inflight - 1)
            if batch:
                fut = ex.submit(_worker_run, [(i, j.data, j.file_name) for i, j in enumerate(batch)],
                                full, exif_date, keep_results)
                inflight[fut] = batch
            drain(0)
        except BaseException:
            for fut in inflight:
                fut.cancel()
            raise


