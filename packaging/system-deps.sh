#!/usr/bin/env bash
# The system packages of packaging/system-packages.txt: check, install what is missing, or say
# the one command that would.
#
#     packaging/system-deps.sh GROUP...          check, install the missing ones (apt-get)
#     packaging/system-deps.sh --check GROUP...  check only: exit 2 and the command when missing
#     packaging/system-deps.sh --deb FIELD       the .deb's FIELD (Depends, Recommends) as a list
#
# `make run` asks for core window xcb fonts camera, `make test` for core window, .ci/run for
# everything the tests can use. Why a script: the window is the product, and Qt's xcb plugin
# aborts the interpreter when one of its libraries is missing; a machine that lacks them must
# get them (or be told how) before the first `make run`, not a core dump after it.
#
# When everything is present it prints nothing and exits 0 (one `ldconfig -p`, one `dpkg-query`).
# Missing packages are installed with apt-get, through sudo when not root. Where that is not
# possible (no apt-get, no root and no sudo, sudo would need a password without a terminal) it
# prints the command to run and exits 2. CAPTURE_STATION_SYSTEM_DEPS=skip turns it off (a
# system whose libraries come from elsewhere).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
LIST="${CAPTURE_STATION_SYSTEM_PACKAGES:-$HERE/system-packages.txt}"  # another list: the tests
ME="system-deps"

mode=install
case "${1:-}" in
    --check) mode=check; shift ;;
    --deb)
        field="${2:?--deb needs a field: Depends or Recommends}"
        awk -v f="$field" '!/^[[:space:]]*(#|$)/ && $4 == f {
            s = $2; if ($5 != "") { n = split($5, alt, "|"); for (i = 1; i <= n; i++) s = s " | " alt[i] }
            out = out (out == "" ? "" : ", ") s } END { print out }' "$LIST"
        exit 0 ;;
    -h|--help) sed -n '2,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
[ "$#" -gt 0 ] || { echo "$ME: name the groups (see $LIST)" >&2; exit 2; }
[ "${CAPTURE_STATION_SYSTEM_DEPS:-}" = "skip" ] && exit 0

# The lines of the groups asked for: "PACKAGE PROVIDES" each.
wanted=$(awk -v groups=" $* " '!/^[[:space:]]*(#|$)/ && index(groups, " " $1 " ") { print $2, $3 }' "$LIST")
for g in "$@"; do
    grep -Eq "^$g[[:space:]]" "$LIST" || { echo "$ME: no group '$g' in $LIST" >&2; exit 2; }
done

# What is there: the linker's cache for libraries, dpkg's status for the rest.
libs=$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true) | awk 'NR > 1 { print $1 }')
by_dpkg=$(awk '$2 == "-" { print $1 }' <<<"$wanted")
installed=""
if [ -n "$by_dpkg" ] && command -v dpkg-query >/dev/null 2>&1; then
    # shellcheck disable=SC2086  # one word per package
    installed=$(dpkg-query -W -f='${Package} ${Status}\n' $by_dpkg 2>/dev/null \
        | awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }' || true)
fi
missing=()
while read -r pkg provides; do
    if [ "$provides" = "-" ]; then
        grep -qxF "$pkg" <<<"$installed" || missing+=("$pkg")
    else
        grep -qxF "$provides" <<<"$libs" || missing+=("$pkg")
    fi
done <<<"$wanted"
[ "${#missing[@]}" -eq 0 ] && exit 0

command_line="apt-get install -y --no-install-recommends ${missing[*]}"
tell() {  # the one command to run, then exit 2
    echo "$ME: 缺少系统软件包 / missing system packages: ${missing[*]}" >&2
    echo "$ME: 请运行 / run: $1" >&2
    exit 2
}
if [ "$mode" = check ]; then
    [ "$(id -u)" = 0 ] && tell "$command_line" || tell "sudo $command_line"
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$ME: 这不是 Debian 系系统，请用本系统的包管理器安装对应软件包 / not a Debian-family system: install the equivalents of these with its package manager (or set CAPTURE_STATION_SYSTEM_DEPS=skip)" >&2
    tell "$command_line"
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        tell "su -c '$command_line'"
    fi
    if ! sudo -n true 2>/dev/null && ! [ -t 0 ]; then
        tell "sudo $command_line"   # sudo would ask for a password, and nobody can type it
    fi
    sudo=(sudo)
fi

echo "$ME: 正在安装 / installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale (a fresh container, an old mirror): refresh them
# first; an offline machine may still have the packages in its cache, so go on when that fails.
"${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
# apt's own chatter (debconf notes, progress) is shown only when the install fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    tell "${sudo[*]}${sudo:+ }$command_line"
fi
