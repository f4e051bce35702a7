#!/usr/bin/env bash
# Run a command inside a root made by packaging/debian-root.sh, with /proc, /sys, /dev, a tmpfs
# on /tmp and the project at /src; everything is unmounted afterwards, also when it fails.
#
#     packaging/chroot.sh [--bare] ROOT COMMAND...      (--bare: no /src, no resolv.conf)
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
ME="chroot"
bare=""
[ "${1:-}" = "--bare" ] && { bare=1; shift; }
R="$(cd "${1:?name the root}" && pwd)"; shift
[ "$#" -gt 0 ] || { echo "$ME: name the command" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$ME: needs root" >&2; exit 2; }

# A foreign root runs under qemu-user: the kernel must know its binaries (binfmt_misc).
if [ -e "$R/usr/bin/qemu-aarch64-static" ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    [ -e /proc/sys/fs/binfmt_misc/register ] \
        || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 \
        || { echo "$ME: cannot register qemu-aarch64 with binfmt_misc (apt-get install qemu-user-static binfmt-support)" >&2; exit 2; }
fi

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        # (debootstrap's second stage unmounts /proc and /sys itself)
        mountpoint -q "${mounted[i]}" || continue
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
    done
}
trap cleanup EXIT
mnt() {  # mnt TARGET mount-arguments...
    local target="$R$1"; shift
    mkdir -p "$target"
    mount "$@" "$target"
    mounted+=("$target")
}
mnt /proc -t proc proc
mnt /sys -t sysfs sysfs
mnt /dev --bind /dev
mnt /dev/pts -t devpts -o newinstance,ptmxmode=0666 devpts
mnt /dev/shm -t tmpfs tmpfs
mnt /tmp -t tmpfs tmpfs
ca=()
if [ -z "$bare" ]; then
    cp -L /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
    # pip in the root trusts what the host trusts (a network whose TLS goes through a proxy)
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
        mkdir -p "$R/etc/ssl" && cp -L /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/host-ca-certificates.crt"
        ca=(PIP_CERT=/etc/ssl/host-ca-certificates.crt)
    fi
    mnt /src --bind "$SRC"
fi
set +e
env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM="${TERM:-dumb}" "${ca[@]}" chroot "$R" "$@"
rc=$?
set -e
exit $rc
