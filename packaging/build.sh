#!/usr/bin/env bash
# Build the one-folder Linux package of the station into dist/capture-station/ with PyInstaller,
# from the project's own virtual environment (.venv, the one `make run` / `make test` create).
#
#     packaging/build.sh            # creates .venv if it is missing, then builds
#
# Output: dist/capture-station/capture-station (run it; `gui` or no argument opens the window).
# Work files go to build/pyinstaller/. Both folders are ignored by git. Environment (for the
# builds in a Debian 11 root, packaging/package-in-root.sh): VENV (the environment to build
# from, default .venv; it must exist when not the default), DIST (default dist).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${VENV:-"$ROOT/.venv"}
PY="$VENV/bin/python"
DIST=${DIST:-dist}
PYINSTALLER_SPEC=${PYINSTALLER_SPEC:-"pyinstaller>=6.10,<7"}

if [ "$VENV" != "$ROOT/.venv" ]; then
    [ -x "$PY" ] || { echo "build.sh: no Python environment at $VENV" >&2; exit 2; }
elif [ ! -x "$PY" ] || [ ! -f "$VENV/.installed" ]; then
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

WORK=build/pyinstaller${DIST#dist}
rm -rf "$DIST/capture-station"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" \
    packaging/capture-station.spec

BIN=$DIST/capture-station/capture-station
"$BIN" --version
echo "build.sh: $(du -sh "$DIST/capture-station" | cut -f1) in $DIST/capture-station"
