#!/usr/bin/env bash
# The Python package in a Debian 11 root (packaging/package-in-root.sh ARCH venv): `process` on
# a real shot (exit 0: a compliant photo saved) and `check` of that photo (exit 0: it passes), then the tests that need no window. For arm64
# this runs under qemu-user: slow (see packaging/README.md).
#
#     packaging/test-in-root.sh [ARCH]          (arm64 default)
#
# Environment: SHOTS (build/smoke-shots), PYTEST_ARGS (default: -m "not gui", the test files
# of the window left out: PySide6 has no aarch64 wheel for glibc 2.31).
set -euo pipefail

cd "$(dirname "$0")/.."
ARCH=${1:-arm64}
SHOTS=${SHOTS:-build/smoke-shots}
R="build/roots/bullseye-$ARCH"
PYTEST_ARGS=${PYTEST_ARGS:-"-m 'not gui' --ignore-glob='tests/test_*gui*.py'"}
ME="test-in-root"
# a root of another architecture runs under qemu-user: tests that time things relax them
case "$ARCH:$(uname -m)" in amd64:x86_64|arm64:aarch64) EMULATED="" ;; *) EMULATED=1 ;; esac
[ -f "$SHOTS/station-shot.jpg" ] || { echo "$ME: no test shots in $SHOTS (packaging/smoke_test.py --make-shots $SHOTS)" >&2; exit 2; }

packaging/package-in-root.sh "$ARCH" venv
t0=$SECONDS
packaging/chroot.sh "$R" sh -euc "
    cd /src
    export GLOG_minloglevel=2 CAPTURE_STATION_DATA=/tmp/data CAPTURE_STATION_CONFIG=/tmp/settings.json
    export CAPTURE_STATION_EMULATED=$EMULATED
    echo \"$ME: \$(uname -m), \$(ldd --version | head -1)\"
    /opt/venv/bin/capture-station --version
    start=\$(date +%s)
    /opt/venv/bin/capture-station process $SHOTS/station-shot.jpg --id 123456789012 --out /tmp/out --json
    echo \"$ME: process took \$((\$(date +%s) - start)) s\"
    /opt/venv/bin/capture-station check /tmp/out/123456789012.jpg  # exit 1 if not compliant
    echo \"$ME: the photo passes the checks\"
    QT_QPA_PLATFORM=offscreen /opt/venv/bin/python -m pytest -q -p no:cacheprovider $PYTEST_ARGS
"
echo "$ME: done ($((SECONDS - t0)) s)"
