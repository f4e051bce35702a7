#!/usr/bin/env bash
# Build the station inside a Debian 11 root (packaging/debian-root.sh), so that nothing in it
# needs a newer glibc than 2.31.
#
#     packaging/package-in-root.sh ARCH venv      the Python environment /opt/venv in the root:
#                                                 the project (editable) and its wheels
#     packaging/package-in-root.sh ARCH package   + the frozen build and the .deb, in
#                                                 dist/bullseye-ARCH/, scanned by check_glibc.py
#
# Wheels only (--only-binary :all:, packaging/constraints-bullseye.txt): pip in the root takes
# only wheels whose tags allow its glibc. On arm64 the packages without an aarch64 wheel for
# glibc 2.31 are left out (SKIP_ARM64: mediapipe, until the project marks it x86-64 only)
# and ai-edge-litert is added. The venv stage leaves a stamp in the root;
# delete build/roots/bullseye-ARCH/var/lib/capture-station-root/venv to redo it.
set -euo pipefail

cd "$(dirname "$0")/.."
ARCH=${1:?name the architecture: amd64 or arm64}
STAGE=${2:-package}
R="build/roots/bullseye-$ARCH"
DIST="dist/bullseye-$ARCH"
STAMPS="$R/var/lib/capture-station-root"
SKIP_ARM64=${SKIP_ARM64:-mediapipe}
ME="package-in-root"
case "$STAGE" in venv|package) ;; *) echo "$ME: the stage is venv or package, not '$STAGE'" >&2; exit 2 ;; esac

packaging/debian-root.sh "$ARCH"
in_root() { packaging/chroot.sh "$R" "$@"; }
t0=$SECONDS

if [ ! -f "$STAMPS/venv" ] || [ pyproject.toml -nt "$STAMPS/venv" ] \
        || [ packaging/constraints-bullseye.txt -nt "$STAMPS/venv" ]; then
    echo "$ME: the Python environment /opt/venv in $R"
    skip=""; extra=""
    [ "$ARCH" = arm64 ] && { skip=$SKIP_ARM64; extra="ai-edge-litert"; }
    in_root sh -euc "
        cd /src
        # the system libraries the wheels load (OpenCV, Qt): the project's one list
        packaging/system-deps.sh core window xcb
        [ -x /opt/venv/bin/python ] || /opt/python3.11/bin/python3.11 -m venv --without-pip /opt/venv
        /opt/venv/bin/python -c 'import pip' 2>/dev/null || /opt/venv/bin/python -m ensurepip >/dev/null \
            || { echo '$ME: this Python has no ensurepip wheels' >&2; exit 2; }
        export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ONLY_BINARY=:all: PIP_CONSTRAINT=/src/packaging/constraints-bullseye.txt
        /opt/venv/bin/python -m pip install -q --upgrade pip
        # the project's requirements (with the test extras) whose markers hold here, less SKIP
        reqs=\$(/opt/venv/bin/python - $skip <<'PY'
import sys, tomllib
from pip._vendor.packaging.requirements import Requirement
skip = {s.lower() for s in sys.argv[1:]}
p = tomllib.load(open('pyproject.toml', 'rb'))['project']
for line in p['dependencies'] + p['optional-dependencies']['test']:
    r = Requirement(line)
    if r.name.lower() in skip:
        print(f'left out on this machine: {r}', file=sys.stderr)
    elif r.marker is None or r.marker.evaluate({'extra': 'test'}):
        print(str(r).split(';')[0].replace(' ', ''))
PY
)
        /opt/venv/bin/python -m pip install -q \$reqs $extra 'pyinstaller>=6.10,<7'
        PIP_ONLY_BINARY= /opt/venv/bin/python -m pip install -q --no-deps --no-build-isolation -e /src
        /opt/venv/bin/python -m pip list --format=freeze > /opt/venv/wheels.txt
        touch /opt/venv/.installed  # what build.sh takes for a complete environment
    "
    # A wheel's tag can promise an older glibc than its libraries need: scan what pip took.
    python3 packaging/check_glibc.py --max 2.31 "$R/opt/venv"
    date -u +%FT%TZ > "$STAMPS/venv"
    echo "$ME: venv ready ($((SECONDS - t0)) s); versions in $R/opt/venv/wheels.txt"
fi
[ "$STAGE" = venv ] && exit 0

echo "$ME: frozen build and .deb in $DIST"
# the package's compression passes into the root (gzip is much quicker under emulation)
in_root sh -euc "cd /src && VENV=/opt/venv DIST=$DIST nice packaging/build.sh \
    && VENV=/opt/venv DIST=$DIST DEB_COMPRESSION=${DEB_COMPRESSION:-xz} DEB_LEVEL=${DEB_LEVEL:-6} \
       nice packaging/make_deb.sh"
python3 packaging/check_glibc.py --max 2.31 "$DIST/capture-station" "$DIST"/capture-station_*.deb
echo "$ME: done ($((SECONDS - t0)) s)"
