"""Fail when an ELF file of the bundle needs a newer glibc than the oldest system we install on.

    python3 packaging/check_glibc.py [--max 2.31] PATH...      (folders, ELF files or .deb files)

Reads each ELF file's ``.gnu.version_r`` section (the symbol versions it needs from each shared
library, what ``readelf -V`` prints) with the standard library only, so it runs on any Python
3.9+ without binutils. Exit 1 with the offenders listed when a file needs ``GLIBC_x.y`` above
``--max``; ``GLIBCXX`` / ``CXXABI`` (libstdc++) are checked against the libstdc++ the bundle
carries (its ``.gnu.version_d``) when there is one, else listed for information. A ``.deb`` is
unpacked with ``dpkg-deb -x`` into a temporary folder first. Prints the oldest glibc that runs
everything (the highest ``GLIBC_`` needed) on the last line.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

SHT_GNU_VERDEF = 0x6FFFFFFD
SHT_GNU_VERNEED = 0x6FFFFFFE
FAMILIES = ("GLIBC", "GLIBCXX", "CXXABI")


def version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split(".") if p.isdigit())


def _sections(data: bytes) -> tuple[str, list[tuple[int, int, int, int]]] | None:
    """(endianness prefix, [(type, offset, size, link)]) of an ELF file, None if not ELF."""
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
        return None
    e = "<" if data[5] == 1 else ">"
    if data[4] == 2:  # 64-bit
        shoff, = struct.unpack_from(e + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(e + "HH", data, 0x3A)
        fmt, fields = e + "IIQQQQIIQQ", (1, 4, 5, 6)
    else:
        shoff, = struct.unpack_from(e + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(e + "HH", data, 0x2E)
        fmt, fields = e + "IIIIIIIIII", (1, 4, 5, 6)
    out = []
    for i in range(shnum):
        off = shoff + i * shentsize
        if off + struct.calcsize(fmt) > len(data):
            break
        s = struct.unpack_from(fmt, data, off)
        out.append(tuple(s[f] for f in fields))
    return e, out  # type: ignore[return-value]


def _cstr(data: bytes, off: int) -> str:
    end = data.find(b"\0", off)
    return data[off:end if end >= 0 else len(data)].decode("ascii", "replace")


def elf_versions(path: Path) -> tuple[dict[str, set[str]], set[str]] | None:
    """({library: {version names needed from it}}, {version names the file defines}), or None
    when the file is not ELF."""
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"\x7fELF":
                return None
            data = b"\x7fELF" + f.read()
    except OSError:
        return None
    parsed = _sections(data)
    if parsed is None:
        return None
    e, sections = parsed
    needs: dict[str, set[str]] = {}
    defines: set[str] = set()
    for typ, off, size, link in sections:
        if typ not in (SHT_GNU_VERNEED, SHT_GNU_VERDEF) or link >= len(sections):
            continue
        stroff = sections[link][1]
        pos, end = off, off + size
        while pos + 16 <= min(end, len(data)):
            if typ == SHT_GNU_VERNEED:  # Verneed: version, cnt, file, aux, next
                _, cnt, vfile, aux, nxt = struct.unpack_from(e + "HHIII", data, pos)
                lib = needs.setdefault(_cstr(data, stroff + vfile), set())
                a = pos + aux
                for _ in range(cnt):  # Vernaux: hash, flags, other, name, next
                    if a + 16 > len(data):
                        break
                    _, _, _, name, anext = struct.unpack_from(e + "IHHII", data, a)
                    lib.add(_cstr(data, stroff + name))
                    if not anext:
                        break
                    a += anext
            else:  # Verdef: version, flags, ndx, cnt, hash, aux, next; Verdaux: name, next
                _, _, _, cnt, _, aux, nxt = struct.unpack_from(e + "HHHHIII", data, pos)
                if cnt and pos + aux + 8 <= len(data):
                    name, = struct.unpack_from(e + "I", data, pos + aux)
                    defines.add(_cstr(data, stroff + name))
            if not nxt:
                break
            pos += nxt
    return needs, defines


def highest(names: set[str], family: str) -> str | None:
    vs = [n[len(family) + 1:] for n in names if n.startswith(family + "_")
          and n[len(family) + 1:][:1].isdigit()]
    return max(vs, key=version_key) if vs else None


def scan(root: Path) -> dict[Path, tuple[dict[str, set[str]], set[str]]]:
    if root.is_file():  # named on the command line: a link counts as what it points to
        files = [root.resolve()]
    else:  # in a folder, a link's target is scanned under its own name
        files = [p for p in sorted(Path(d) / n for d, _, ns in os.walk(root) for n in ns)
                 if not p.is_symlink()]
    out = {}
    for p in files:
        if not p.is_file():
            continue
        v = elf_versions(p)
        if v is not None:
            out[p] = v
    return out


def check(paths: list[Path], max_glibc: str) -> tuple[list[str], str | None, int]:
    """(offender lines, highest GLIBC_ needed, ELF files scanned)."""
    found: dict[Path, tuple[dict[str, set[str]], set[str]]] = {}
    for p in paths:
        found.update(scan(p))
    # The libstdc++ the bundle carries (if any): what it defines is what C++ code may need.
    stdcxx: set[str] = set()
    for p, (_, defines) in found.items():
        if p.name.startswith("libstdc++.so"):
            stdcxx |= defines
    offenders: list[str] = []
    top_glibc: str | None = None
    top_cxx: dict[str, tuple[str, Path]] = {}
    for p, (needs, _) in sorted(found.items()):
        names = set().union(*needs.values()) if needs else set()
        g = highest(names, "GLIBC")
        if g and (top_glibc is None or version_key(g) > version_key(top_glibc)):
            top_glibc = g
        if g and version_key(g) > version_key(max_glibc):
            too_new = sorted((n for n in names if n.startswith("GLIBC_")
                              and version_key(n[6:]) > version_key(max_glibc)), key=version_key)
            offenders.append(f"{p}: needs {', '.join(too_new)} (target glibc {max_glibc})")
        for fam in ("GLIBCXX", "CXXABI"):
            v = highest(names, fam)
            if v and (fam not in top_cxx or version_key(v) > version_key(top_cxx[fam][0])):
                top_cxx[fam] = (v, p)
            if v and stdcxx and f"{fam}_{v}" not in stdcxx:
                offenders.append(f"{p}: needs {fam}_{v}, which the bundled libstdc++ lacks")
    for fam, (v, p) in sorted(top_cxx.items()):
        where = "the bundled libstdc++ has it" if stdcxx else "from the system's libstdc++"
        print(f"check_glibc: highest {fam}_{v} ({p.name}; {where})")
    return offenders, top_glibc, len(found)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max", default="2.31", help="the oldest glibc to run on (default 2.31)")
    ap.add_argument("paths", nargs="+", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="check-glibc-") as tmp:
        roots = []
        for p in args.paths:
            if not p.exists():
                print(f"check_glibc: {p} does not exist", file=sys.stderr)
                return 2
            if p.suffix == ".deb":
                dest = Path(tmp) / p.name
                subprocess.run(["dpkg-deb", "-x", str(p), str(dest)], check=True)
                p = dest
            roots.append(p)
        offenders, top, n = check(roots, args.max)
    for line in offenders:
        print(f"check_glibc: {line}")
    if n == 0:
        print("check_glibc: no ELF files found", file=sys.stderr)
        return 2
    verdict = "FAIL" if offenders else "ok"
    print(f"check_glibc: {verdict}: {n} ELF files, {len(offenders)} offenders; "
          f"oldest glibc that runs them all: {top or 'any'} (target {args.max})")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
