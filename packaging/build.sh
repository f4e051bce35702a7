#!/usr/bin/env bash
# Build the one-folder Linux package of the station into dist/capture-station/ with PyInstaller,
# from the project's own virtual environment (.venv, the one `make run` / `make test` create).
#
#     packaging/build.sh            # creates .venv if it is missing, then builds
#
# Output: dist/capture-station/capture-station (run it; `gui` or no argument opens the window).
# Work files go to build/pyinstaller/. Both folders are ignored by git.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
PYINSTALLER_SPEC=${PYINSTALLER_SPEC:-"pyinstaller>=6.10,<7"}

if [ ! -x "$PY" ] || [ ! -f "$VENV/.installed" ]; then
    echo "build.sh: creating the project's virtual environment (.venv)"
    if command -v make >/dev/null 2>&1; then
        make venv
    else
        PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
        "$PYTHON" -m venv "$VENV"
        "$PY" -m pip install -q --upgrade pip
        "$PY" -m pip install -q -e '.[test]'
        touch "$VENV/.installed"
    fi
fi

if ! "$PY" -c "import PyInstaller" >/dev/null 2>&1; then
    echo "build.sh: installing PyInstaller into .venv"
    "$PY" -m pip install -q "$PYINSTALLER_SPEC"
fi

# The icon PNGs are committed; re-render them only when the SVG is newer.
if [ assets/icon/capture-station.svg -nt assets/icon/capture-station-256.png ]; then
    QT_QPA_PLATFORM=offscreen "$PY" packaging/render_icon.py
fi

rm -rf dist/capture-station
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller \
    packaging/capture-station.spec

BIN=dist/capture-station/capture-station
"$BIN" --version
echo "build.sh: $(du -sh dist/capture-station | cut -f1) in dist/capture-station"
