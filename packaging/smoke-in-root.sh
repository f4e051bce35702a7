#!/usr/bin/env bash
# The packaging smoke test (packaging/smoke_test.py) of the .deb built in a Debian 11 root, run
# inside a fresh Debian 11 root (made again for every run) that has nothing but a minimal base
# system and what `apt-get install ./capture-station_*.deb` pulls in: what an office machine gets.
#
#     packaging/smoke-in-root.sh [ARCH]        (amd64 default, or arm64 under qemu-user;
#                                              needs dist/bullseye-ARCH/*.deb)
#
# The two test shots are made beforehand with the development environment (SHOTS, default
# build/smoke-shots, made by `make package-debian11-test`); Debian 11's python3 (3.9) runs the
# test itself and is installed only after `capture-station --version` has run without it.
set -euo pipefail

cd "$(dirname "$0")/.."
ARCH=${1:-amd64}
DIST="dist/bullseye-$ARCH"
SHOTS=${SHOTS:-build/smoke-shots}
R="build/roots/bullseye-$ARCH-test"
ME="smoke-in-root"
# a root of another architecture runs under qemu-user: the window gets longer to show a frame
case "$ARCH:$(uname -m)" in amd64:x86_64|arm64:aarch64) GUI_S=60 ;; *) GUI_S=600 ;; esac

deb=$(ls -t "$DIST"/capture-station_*_"$ARCH".deb 2>/dev/null | head -1 || true)
[ -n "$deb" ] || { echo "$ME: no $DIST/capture-station_*_$ARCH.deb: run make $([ "$ARCH" = arm64 ] \
    && echo package-arm64 || echo package-debian11) first" >&2; exit 2; }
[ -f "$SHOTS/station-shot.jpg" ] || { echo "$ME: no test shots in $SHOTS (packaging/smoke_test.py --make-shots $SHOTS)" >&2; exit 2; }

# a new root each time (about a minute), so that apt starts from a bare system; FRESH=0 reuses it
[ "${FRESH:-1}" = 0 ] || rm -f "$R/var/lib/capture-station-root/base"
packaging/debian-root.sh "$ARCH" test
echo "$ME: apt-get install ./$(basename "$deb") in $R"
packaging/chroot.sh "$R" sh -euc "
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    before=\$(dpkg-query -W -f='\${Package}\n' | wc -l)
    apt-get install -y -qq --reinstall /src/$deb >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
    echo \"$ME: apt installed \$((\$(dpkg-query -W -f='\${Package}\n' | wc -l) - before - 1)) packages besides it (its Depends and Recommends)\"
    echo \"$ME: \$(ldd --version | head -1)\"
    capture-station --version
    apt-get install -y -qq --no-install-recommends python3 >/dev/null 2>&1
    cd /src && python3 packaging/smoke_test.py --bin /usr/bin/capture-station --shots /src/$SHOTS --deb /src/$deb \
        --gui-seconds $GUI_S
"
