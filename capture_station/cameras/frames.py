"""The latest-frame buffer between a camera's acquisition thread and its consumers.

A live preview must show what the camera sees *now*: when the consumer (the GUI, the live face
analysis) is slower than the camera, old frames are worth nothing. So frames are never queued:
the acquisition thread writes into a single slot, the newest frame replaces the previous one,
and a frame that was replaced before anybody took it is counted as dropped. Consumers either
poll :meth:`FrameSlot.latest` or block in :meth:`FrameSlot.wait` for a frame newer than the
one they already have.

Frames carry a monotonic timestamp (``time.monotonic()`` when the image arrived) and an
increasing number, so a consumer can tell how many frames it skipped and how old its frame is.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Frame:
    """One live-view image.

    ``rgb`` is an RGB uint8 array of shape (H, W, 3) shared by every consumer, so it is marked
    read-only: copy it before drawing on it.
    """

    rgb: np.ndarray
    timestamp: float  # time.monotonic() when the frame arrived from the device
    number: int  # 1, 2, 3, ... per camera; gaps mean frames the consumer did not see

    @property
    def age(self) -> float:
        """Seconds since the frame arrived."""
        return time.monotonic() - self.timestamp


class FrameSlot:
    """A thread-safe single-slot buffer: the newest frame wins, nothing is queued."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._taken = True
        self._number = 0
        self._dropped = 0
        self._closed = False

    def put(self, rgb: np.ndarray, timestamp: float | None = None) -> Frame:
        """Store ``rgb`` as the newest frame, waking every waiting consumer."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"frames are HxWx3 uint8 RGB arrays, got {rgb.shape} {rgb.dtype}")
        rgb.flags.writeable = False
        ts = time.monotonic() if timestamp is None else timestamp
        with self._cond:
            self._number += 1
            if self._frame is not None and not self._taken:
                self._dropped += 1
            frame = Frame(rgb=rgb, timestamp=ts, number=self._number)
            self._frame = frame
            self._taken = False
            self._cond.notify_all()
        return frame

    def latest(self) -> Frame | None:
        """The newest frame (possibly one already seen), or None before the first frame."""
        with self._cond:
            self._taken = True
            return self._frame

    def peek(self) -> Frame | None:
        """Like :meth:`latest` but does not count as taking the frame (for monitoring)."""
        with self._cond:
            return self._frame

    def wait(self, after_number: int = 0, timeout: float | None = None) -> Frame | None:
        """Block until a frame numbered above ``after_number`` exists; return the newest one.

        Returns None on timeout or when the slot is closed.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._closed:
                f = self._frame
                if f is not None and f.number > after_number:
                    self._taken = True
                    return f
                if deadline is None:
                    self._cond.wait()
                else:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return None
                    self._cond.wait(left)
            return None

    def close(self) -> None:
        """Wake all waiters; later :meth:`wait` calls return None at once."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def reopen(self) -> None:
        with self._cond:
            self._closed = False

    @property
    def count(self) -> int:
        """Frames put so far (the number of the newest frame)."""
        with self._cond:
            return self._number

    @property
    def dropped(self) -> int:
        """Frames that were replaced by a newer one before any consumer took them."""
        with self._cond:
            return self._dropped


class FpsMeter:
    """Frames per second over the last ``window`` frames (0.0 once frames stop arriving)."""

    def __init__(self, window: int = 30, stale_after: float = 2.0) -> None:
        self._times: deque[float] = deque(maxlen=max(2, window))
        self._stale_after = stale_after
        self._lock = threading.Lock()

    def tick(self, timestamp: float) -> None:
        with self._lock:
            self._times.append(timestamp)

    def reset(self) -> None:
        with self._lock:
            self._times.clear()

    @property
    def fps(self) -> float:
        with self._lock:
            if len(self._times) < 2:
                return 0.0
            first, last = self._times[0], self._times[-1]
            n = len(self._times)
        if time.monotonic() - last > self._stale_after or last <= first:
            return 0.0
        return (n - 1) / (last - first)
