"""The store as the window sees it: every disk access on one background thread.

Saving a photo, looking up an ID, reading today's records and their thumbnails, measuring free
space and reading the calibration age all run on the store thread, in order; the window gets
the results by signal or callback on the GUI thread. The store itself is opened on that thread
on first use and reopened when the folder, station or operator changes, or after a failure
(a folder that was unavailable at start may be fine now).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from capture_station.gui.jobs import StoreHolder, calibration_state, thumbnail
from capture_station.gui.qt_bridge import JobRunner
from capture_station.records.store import PhotoRecord, Store
from capture_station.settings import Settings, save_settings
from capture_station.standard import Standard

_log = logging.getLogger(__name__)

HISTORY_LIMIT = 200

HistoryRows = list[tuple[PhotoRecord, np.ndarray | None]]


class StoreController(QObject):
    opened = Signal(object)  # Store
    failed = Signal(str)  # why the store cannot be opened
    history_ready = Signal(object)  # HistoryRows, newest first
    # folder, free bytes, calibration age, due, calibration result ("pass", "warn", "fail", "")
    disk_ready = Signal(str, object, object, bool, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = JobRunner("store", self)
        self._holder = StoreHolder()  # store thread only
        self._thumbs: dict[int, np.ndarray | None] = {}  # store thread only
        self._store: Store | None = None  # the GUI's view of it
        self._path: Path | None = None

    @property
    def store(self) -> Store | None:
        """The open store as last reported to the GUI thread (for tests and tools)."""
        return self._store

    def open(self, path: Path, standard: Standard, station: str | None,
             operator: str | None) -> None:
        """(Re)open the store for this folder, station and operator."""
        holder, thumbs = self._holder, self._thumbs
        self._store = None
        self._path = path

        def job() -> Store:
            thumbs.clear()
            holder.configure(path, standard, station, operator)
            return holder.get()

        self.runner.submit(job, self._opened, lambda e: self.failed.emit(str(e)))

    def _opened(self, store: Store) -> None:
        self._store = store
        self.opened.emit(store)

    def run(self, fn: Callable[[Store], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None) -> None:
        """``fn(store)`` on the store thread (opening the store first when needed), then
        ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        holder = self._holder

        def job() -> tuple[Store, Any]:
            store = holder.get()
            return store, fn(store)

        def done(pair: tuple[Store, Any]) -> None:
            store, value = pair
            if self._store is not store:
                self._opened(store)  # reopened after an earlier failure
            on_done(value)

        def failed(e: BaseException) -> None:
            if on_error is not None:
                on_error(e)
            else:
                _log.warning("store: %s", e)

        self.runner.submit(job, done, failed)

    def refresh_history(self) -> None:
        """Today's records with thumbnails (decoded once per record)."""
        thumbs = self._thumbs

        def job(store: Store) -> HistoryRows:
            rows: HistoryRows = []
            for rec in store.recent(limit=HISTORY_LIMIT):
                if rec.id not in thumbs:
                    try:
                        thumbs[rec.id] = thumbnail(store.read_photo(rec))
                    except OSError:
                        thumbs[rec.id] = None
                rows.append((rec, thumbs.get(rec.id)))
            shown = {rec.id for rec, _ in rows}
            for rid in [k for k in thumbs if k not in shown]:  # yesterday's: forget
                del thumbs[rid]
            return rows

        self.run(job, self.history_ready.emit)

    def refresh_disk(self, path: Path, calibration_interval_days: int) -> None:
        """Free space of the data folder and the age of the lighting calibration."""

        def job() -> tuple[int | None, dt.timedelta | None, bool, str]:
            p = path
            while not p.exists() and p.parent != p:
                p = p.parent
            try:
                free: int | None = shutil.disk_usage(p).free
            except OSError:
                free = None
            age, due, status = calibration_state(path, calibration_interval_days)
            return free, age, due, status

        def done(r: tuple[int | None, dt.timedelta | None, bool, str]) -> None:
            self.disk_ready.emit(str(path), r[0], r[1], r[2], r[3])

        self.runner.submit(job, done)

    def save_settings(self, settings: Settings, path: Path | None,
                      on_error: Callable[[BaseException], None] | None = None) -> None:
        self.runner.submit(lambda: save_settings(settings, path), None, on_error)

    def close(self) -> None:
        """Finish every queued job (a save under way completes), close the store, join."""
        self.runner.submit(self._holder.close)
        self.runner.close(wait=True, cancel=False)
        self._store = None
