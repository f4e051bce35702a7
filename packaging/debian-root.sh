#!/usr/bin/env bash
# A Debian 11 (bullseye, glibc 2.31) root to build the station for older systems in, with a
# Python 3.11 built from the sources of Debian 12's python3.11 package (CPython 3.11.2).
#
#     packaging/debian-root.sh [ARCH]          # amd64 (default) or arm64 (runs under qemu-user)
#     packaging/debian-root.sh ARCH test       # a fresh root without build tools (smoke tests)
#
# Result: build/roots/bullseye-ARCH[-test]/ (ignored by git). Each stage leaves a stamp in the
# root's /var/lib/capture-station-root/, so a re-run skips what is done. Needs root, debootstrap,
# and for arm64 qemu-user-static with binfmt registered (packaging/chroot.sh checks that).
# Environment: SUITE (bullseye), MIRROR, PY_PREFIX (/opt/python3.11), JOBS (2).
set -euo pipefail

cd "$(dirname "$0")/.."
ARCH=${1:-amd64}
KIND=${2:-build}
SUITE=${SUITE:-bullseye}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
PY_PREFIX=${PY_PREFIX:-/opt/python3.11}
JOBS=${JOBS:-2}
NAME="$SUITE-$ARCH$([ "$KIND" = test ] && echo -test || true)"
R="build/roots/$NAME"
STAMPS="$R/var/lib/capture-station-root"
ME="debian-root"

die() { echo "$ME: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap and chroot)"
case "$ARCH" in amd64|arm64) ;; *) die "ARCH must be amd64 or arm64, not '$ARCH'" ;; esac
case "$KIND" in build|test) ;; *) die "the second argument is 'test' or nothing, not '$KIND'" ;; esac
command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install debootstrap"
done_() { [ -f "$STAMPS/$1" ]; }
stamp() { mkdir -p "$STAMPS"; date -u +%FT%TZ > "$STAMPS/$1"; }
in_root() { packaging/chroot.sh "$R" "$@"; }
t0=$SECONDS

# -- 1. the base system ------------------------------------------------------------------------
if ! done_ base; then
    echo "$ME: debootstrap $SUITE $ARCH into $R"
    mkdir -p "$R"
    ! grep -qF " $(cd "$R" && pwd)/" /proc/mounts || die "something is still mounted under $R: umount it first"
    rm -rf "$R"; mkdir -p "$R"
    if [ "$ARCH" = "$(dpkg --print-architecture)" ]; then
        debootstrap --variant=minbase --arch="$ARCH" "$SUITE" "$R" "$MIRROR" >/dev/null
    else
        qemu=/usr/bin/qemu-aarch64-static
        [ -x "$qemu" ] || die "qemu-user-static missing: apt-get install qemu-user-static binfmt-support"
        debootstrap --variant=minbase --foreign --arch="$ARCH" "$SUITE" "$R" "$MIRROR" >/dev/null
        install -D "$qemu" "$R$qemu"
        packaging/chroot.sh --bare "$R" /debootstrap/debootstrap --second-stage >/dev/null
    fi
    stamp base
fi

# -- 2. the build tools and the libraries Python is built against ------------------------------
if [ "$KIND" = build ] && ! done_ deps; then
    echo "$ME: build tools and Python's build dependencies"
    echo "deb-src $MIRROR bookworm main" > "$R/etc/apt/sources.list.d/bookworm-src.list"
    in_root sh -c 'export DEBIAN_FRONTEND=noninteractive && apt-get update -qq &&
        apt-get install -y -qq --no-install-recommends build-essential dpkg-dev ca-certificates \
            xz-utils pkg-config binutils libssl-dev libffi-dev zlib1g-dev libsqlite3-dev \
            libbz2-dev liblzma-dev libreadline-dev libncurses-dev uuid-dev libgdbm-dev \
            libexpat1-dev >/dev/null'
    stamp deps
fi

# -- 3. CPython 3.11.2 from the sources of bookworm's python3.11 --------------------------------
if [ "$KIND" = build ] && ! done_ python; then
    echo "$ME: building Python 3.11 into $PY_PREFIX (no PGO/LTO; under emulation this takes long)"
    # The build tree is kept (/usr/src/python3.11 in the root): a re-run after a failure goes on
    # where make stopped; delete that folder to build from scratch.
    in_root sh -euc "
        mkdir -p /usr/src/python3.11 && cd /usr/src/python3.11
        ls -d python3.11-3.11*/ >/dev/null 2>&1 || apt-get source -qq python3.11 >/dev/null
        cd python3.11-3.11*/
        # Debian's backported expat fix makes pyexpat.c use internal headers, which Debian builds
        # into the interpreter; as a shared module it needs what upstream's later fix defines.
        grep -q Py_BUILD_CORE_MODULE Modules/pyexpat.c \\
            || sed -i '1i #ifndef Py_BUILD_CORE_BUILTIN\\n#  define Py_BUILD_CORE_MODULE 1\\n#endif' Modules/pyexpat.c
        # Debian takes expat out of the sources: the system libexpat is used instead
        [ -f Makefile ] || ./configure -q --enable-shared --prefix=$PY_PREFIX --with-ensurepip=no \\
            --with-system-expat LDFLAGS=-Wl,-rpath,$PY_PREFIX/lib >/dev/null
        nice make -s -j$JOBS >/dev/null 2>make.log || { tail -20 make.log; exit 1; }
        rm -rf $PY_PREFIX && make -s altinstall >/dev/null
        $PY_PREFIX/bin/python3.11 -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, readline, uuid, pyexpat, decimal, xml.etree.ElementTree; print(\"python\", ssl.OPENSSL_VERSION)'
    "
    stamp python
fi
echo "$ME: $R ready ($((SECONDS - t0)) s)"
