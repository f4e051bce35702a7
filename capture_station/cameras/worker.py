"""A background worker that always works on the newest request and drops stale ones.

Live face analysis takes longer than one camera frame. Queuing every frame would make the
overlay fall further and further behind; instead, while one item is being processed, newer
submissions replace each other in a single pending slot and only the newest is processed next
(the same idea as a single-thread executor whose pending future is cancelled when a newer
request arrives). Results and errors are delivered by callback on the worker thread; a GUI
forwards them to its own thread (for example through a Qt signal).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

_log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

_NOTHING = object()


class LatestWinsWorker(Generic[T, R]):
    """Run ``fn(item)`` on one background thread, newest item first, stale items dropped.

    ``on_result(result)`` is called with each result, ``on_error(exc)`` with each exception
    ``fn`` raised (logged when no ``on_error`` is given). Both run on the worker thread.
    """

    def __init__(
        self,
        fn: Callable[[T], R],
        on_result: Callable[[R], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        name: str = "latest-wins-worker",
    ) -> None:
        self._fn = fn
        self._on_result = on_result
        self._on_error = on_error
        self._cond = threading.Condition()
        self._pending: object = _NOTHING
        self._busy = False
        self._closed = False
        self._submitted = 0
        self._processed = 0
        self._dropped = 0
        self._failed = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, item: T) -> None:
        """Queue ``item``; replaces (and counts as dropped) an item still waiting to start."""
        with self._cond:
            if self._closed:
                raise RuntimeError("LatestWinsWorker is closed")
            self._submitted += 1
            if self._pending is not _NOTHING:
                self._dropped += 1
            self._pending = item
            self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is pending or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._pending is _NOTHING and not self._busy, timeout=timeout
            )

    def close(self, timeout: float | None = None) -> None:
        """Drop anything pending, let the running item finish and join the thread."""
        with self._cond:
            if self._pending is not _NOTHING:
                self._dropped += 1
                self._pending = _NOTHING
            self._closed = True
            self._cond.notify_all()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def __enter__(self) -> LatestWinsWorker[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def stats(self) -> dict[str, int]:
        """Counters: submitted, processed, dropped (never started), failed (fn raised)."""
        with self._cond:
            return {
                "submitted": self._submitted,
                "processed": self._processed,
                "dropped": self._dropped,
                "failed": self._failed,
            }

    @property
    def dropped(self) -> int:
        with self._cond:
            return self._dropped

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is _NOTHING and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                item = self._pending
                self._pending = _NOTHING
                self._busy = True
            try:
                result = self._fn(item)  # type: ignore[arg-type]
            except Exception as e:  # noqa: BLE001 - reported to the owner, the worker lives on
                with self._cond:
                    self._failed += 1
                self._deliver_error(e)
            else:
                try:
                    self._on_result(result)
                except Exception:  # noqa: BLE001
                    _log.exception("LatestWinsWorker result callback failed")
            finally:
                with self._cond:
                    self._processed += 1
                    self._busy = False
                    self._cond.notify_all()

    def _deliver_error(self, e: BaseException) -> None:
        if self._on_error is None:
            _log.error("LatestWinsWorker task failed: %s", e, exc_info=e)
            return
        try:
            self._on_error(e)
        except Exception:  # noqa: BLE001
            _log.exception("LatestWinsWorker error callback failed")
