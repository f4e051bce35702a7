"""packaging/check_glibc.py, the symbol-version scanner that fails a build for older systems:
it must find the versions an ELF file needs (as ``readelf -V`` shows them) and fail above the
target. Fast: one tiny program built with the C compiler, when there is one."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_glibc", ROOT / "packaging" / "check_glibc.py")
check_glibc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_glibc)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF only")


def _readelf_needs(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-V", "--wide", str(path)], capture_output=True,
                         text=True, check=True).stdout
    part = out.split("Version needs section", 1)[-1] if "Version needs section" in out else ""
    return {w.split()[0] for w in part.split("Name: ")[1:] if w.split()[0][:1].isalpha()}


@pytest.fixture(scope="module")
def program(tmp_path_factory) -> Path:
    """A tiny program that needs a GLIBC_ version (``puts``) and one that only glibc 2.17 and
    later have on every architecture (``clock_gettime`` moved into libc then)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    d = tmp_path_factory.mktemp("elf")
    src = d / "p.c"
    src.write_text('#include <stdio.h>\n#include <time.h>\nint main(void) { struct timespec t;'
                   ' clock_gettime(CLOCK_MONOTONIC, &t); return puts("x") < 0; }\n')
    exe = d / "p"
    subprocess.run([cc, "-O0", "-o", str(exe), str(src)], check=True)
    return exe


def test_finds_the_versions_readelf_shows(program: Path) -> None:
    needs, _ = check_glibc.elf_versions(program)
    found = set().union(*needs.values())
    assert any(n.startswith("GLIBC_") for n in found)
    assert "libc.so.6" in needs
    if shutil.which("readelf"):
        assert found == _readelf_needs(program)


def test_fails_above_the_target_and_passes_below(program: Path, capsys) -> None:
    needs, _ = check_glibc.elf_versions(program)
    top = check_glibc.highest(set().union(*needs.values()), "GLIBC")
    assert check_glibc.version_key(top) >= (2, 2)
    assert check_glibc.main(["--max", "2.0", str(program.parent)]) == 1
    out = capsys.readouterr().out
    assert f"{program}: needs" in out and f"GLIBC_{top}" in out and "FAIL" in out
    assert check_glibc.main(["--max", "99.0", str(program)]) == 0
    assert f"oldest glibc that runs them all: {top}" in capsys.readouterr().out


def test_defined_versions_of_the_c_library() -> None:
    libc = Path(subprocess.run([sys.executable, "-c", "import ctypes.util, os; print("
                                "ctypes.util.find_library('c'))"], capture_output=True,
                               text=True).stdout.strip())
    candidates = [p for p in (Path("/lib") / libc.name, Path("/usr/lib") / libc.name,
                              *Path("/lib").glob(f"*-linux-gnu*/{libc.name}"),
                              *Path("/usr/lib").glob(f"*-linux-gnu*/{libc.name}")) if p.exists()]
    if not candidates:
        pytest.skip("no libc.so.6 found")
    _, defines = check_glibc.elf_versions(candidates[0])
    assert "GLIBC_2.17" in defines  # every glibc since 2017, on every architecture


def test_not_elf_and_truncated(tmp_path: Path) -> None:
    (tmp_path / "text").write_text("hello")
    (tmp_path / "short").write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 20)
    assert check_glibc.elf_versions(tmp_path / "text") is None
    assert check_glibc.elf_versions(tmp_path / "short") is None
    assert check_glibc.main([str(tmp_path)]) == 2
