"""Crash-safe file writes: temporary file in the same folder, fsync, rename, fsync the folder.

A reader never sees a half-written file under its final name; after a power cut the file is
either the old one or the new one. Temporary files carry a recognisable prefix so the next start
can clean them up.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

TMP_PREFIX = ".tmp-"
FILE_MODE = 0o600
DIR_MODE = 0o700

try:
    import fcntl as _fcntl
except ImportError:  # Windows: one station per PC, no other process to keep out
    _fcntl = None  # type: ignore[assignment]

HAVE_FLOCK = _fcntl is not None


def flock(fd: int, *, shared: bool = False, wait: bool = True) -> bool:
    """Take (or convert) an ``flock`` on ``fd``: exclusive or shared, waiting or not. False when
    ``wait`` is off and another open file holds a conflicting lock; True where flock does not
    exist. The kernel drops the lock when the file is closed or the process dies, which is what
    the store's and the export's locks rely on."""
    if _fcntl is None:
        return True
    op = _fcntl.LOCK_SH if shared else _fcntl.LOCK_EX
    try:
        _fcntl.flock(fd, op if wait else op | _fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def ensure_private_dir(path: Path) -> Path:
    """Make sure a folder exists; one made here is readable by its owner only (personal data
    lives in it). An existing folder keeps its mode: it may be shared on purpose (``--out`` on
    an exchange folder), and taking it over would lock its other users out."""
    try:
        path.mkdir(parents=True, mode=DIR_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise
        return path
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(path, DIR_MODE)  # mkdir's mode is reduced by the umask only, never widened
    return path


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(folder: Path, final_name: str, data: bytes) -> Path:
    """Write ``data`` to a new temporary file next to its final name and fsync it."""
    tmp = folder / f"{TMP_PREFIX}{secrets.token_hex(6)}-{final_name}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    return tmp


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably."""
    folder = path.parent
    tmp = write_temp(folder, path.name, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)


def clean_temp_files(folder: Path) -> list[Path]:
    """Remove temporary files left by an interrupted write; returns what was removed."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for p in folder.iterdir():
        if p.name.startswith(TMP_PREFIX) and p.is_file():
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


class RefusedFile(OSError):
    """A file that is not read: not a regular file, or larger than the reader's cap.
    ``strerror`` is the one-line reason."""


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Every file from outside is read through this: ``/dev/zero`` would fill the memory, a FIFO
    would block forever on open or read, and a sparse file can claim any size. The file is
    opened without blocking (a FIFO's open waits for a writer otherwise), checked to be a
    regular file on the open descriptor (no race with a rename), and read up to ``limit`` + 1
    bytes, so even a file that grows while it is read is cut off.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise RefusedFile(errno.EISDIR, "is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise RefusedFile(errno.EINVAL, "not a regular file (a device, FIFO or socket); refused")
        if st.st_size > limit:
            raise RefusedFile(errno.EFBIG, f"file too large ({st.st_size} bytes, limit {limit})")
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise RefusedFile(errno.EFBIG, f"file too large (over {limit} bytes)")
        return b"".join(chunks)
    finally:
        os.close(fd)
