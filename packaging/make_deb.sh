#!/usr/bin/env bash
# Build dist/capture-station_<version>_<arch>.deb from the one-folder build (dist/capture-station,
# made by packaging/build.sh, which this script runs when the build is missing).
#
#     packaging/make_deb.sh
#
# The package installs:
#   /opt/capture-station/                           the one-folder build
#   /usr/bin/capture-station                        -> /opt/capture-station/capture-station
#   /usr/share/applications/capture-station.desktop
#   /usr/share/icons/hicolor/<N>x<N>/apps/capture-station.png, scalable/apps/capture-station.svg
#   /lib/udev/rules.d/60-capture-station-cameras.rules   camera access (uaccess, plugdev, video)
#   /usr/share/doc/capture-station/                 copyright, README
# Only dpkg-deb is needed (no fakeroot: --root-owner-group). Environment: DEB_REVISION (1),
# DEB_MAINTAINER, DEB_COMPRESSION (xz) and DEB_LEVEL (6); VENV and DIST as for build.sh (the
# build is read from DIST/capture-station and the .deb written to DIST).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
APP=capture-station
DIST=${DIST:-dist}
BUILD="$ROOT/$DIST/$APP"
PY="${VENV:-$ROOT/.venv}/bin/python"

if [ ! -x "$BUILD/$APP" ]; then
    packaging/build.sh
fi

VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' capture_station/__init__.py)
[ -n "$VERSION" ] || { echo "make_deb.sh: cannot read the version" >&2; exit 2; }
ARCH=$(dpkg --print-architecture)
DEB_REVISION=${DEB_REVISION:-1}
MAINTAINER=${DEB_MAINTAINER:-"capture-station maintainers <capture-station@localhost>"}
STAGE="$ROOT/build/deb${DIST#dist}/${APP}_${VERSION}-${DEB_REVISION}_${ARCH}"
OUT="$ROOT/$DIST/${APP}_${VERSION}-${DEB_REVISION}_${ARCH}.deb"

rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/lib/udev/rules.d" "$STAGE/usr/share/doc/$APP"

# -- the program --------------------------------------------------------------------------
cp -a "$BUILD" "$STAGE/opt/$APP"
ln -s "/opt/$APP/$APP" "$STAGE/usr/bin/$APP"

# -- desktop entry and icons ----------------------------------------------------------------
install -m 0644 packaging/$APP.desktop "$STAGE/usr/share/applications/$APP.desktop"
for n in 16 32 48 64 128 256; do
    install -D -m 0644 "assets/icon/$APP-$n.png" "$STAGE/usr/share/icons/hicolor/${n}x${n}/apps/$APP.png"
done
install -D -m 0644 "assets/icon/$APP.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/$APP.svg"

# -- udev rule: camera access without root ----------------------------------------------------
RULES="$STAGE/lib/udev/rules.d/60-$APP-cameras.rules"
if [ -x "$PY" ] && "$PY" -c "import gphoto2" >/dev/null 2>&1; then
    "$PY" packaging/gen_udev_rules.py "$RULES"
else
    python3 packaging/gen_udev_rules.py --class-only "$RULES"
fi
chmod 0644 "$RULES"

# -- documentation --------------------------------------------------------------------------
install -m 0644 packaging/README.md "$STAGE/usr/share/doc/$APP/README.packaging.md"
cat > "$STAGE/usr/share/doc/$APP/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: $APP
Comment: /opt/$APP/_internal holds the Python runtime and the third-party libraries the
 station is built with (Python, PySide6/Qt 6 under the LGPL-3.0, OpenCV, MediaPipe and its
 models under the Apache-2.0 licence, NumPy, Pillow, matplotlib, libgphoto2 under the
 LGPL-2.1 via python-gphoto2, platformdirs, openpyxl). Their licence files are in the
 *.dist-info folders there where the wheels ship them.

Files: *
License: Proprietary
EOF

# -- permissions: root-owned, no group/other write -------------------------------------------
chmod -R u+rwX,go+rX,go-w "$STAGE"
chmod 0755 "$STAGE/opt/$APP/$APP"

# -- control files --------------------------------------------------------------------------
# The lowest glibc the bundled libraries need (they come from the build machine).
GLIBC=$(find "$STAGE/opt/$APP" -type f \( -name '*.so*' -o -name "$APP" \) -print0 \
    | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' \
    | sort -uV | tail -1)
# The system libraries Qt needs and the frozen build does not bundle: the one list
# (packaging/system-packages.txt) that `make run` installs from.
DEPENDS="libc6 (>= ${GLIBC:-2.28}), $(packaging/system-deps.sh --deb Depends)"
RECOMMENDS="$(packaging/system-deps.sh --deb Recommends)"
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)

cat > "$STAGE/DEBIAN/control" <<EOF
Package: $APP
Version: ${VERSION}-${DEB_REVISION}
Section: graphics
Priority: optional
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Recommends: $RECOMMENDS
Description: photo-capture station for the self-study examination e-registration
 照片采集站: the on-site station that photographs graduates of the higher-education
 self-study examinations (Xinjiang) and turns each shot into the 480x640, 300 dpi,
 20-40 KB JPEG the graduation-certificate e-registration accepts, checks it against
 the standard and saves it under the candidate's ID.
 .
 Works with webcams (video4linux) and with USB still cameras through the bundled
 libgphoto2; a udev rule gives the logged-in operator access to both.
EOF

cat > "$STAGE/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = "configure" ] && command -v udevadm >/dev/null 2>&1 && [ -d /run/udev ]; then
    # Apply the camera rule to cameras that are already plugged in.
    udevadm control --reload-rules || true
    udevadm trigger --action=change --subsystem-match=usb --subsystem-match=video4linux || true
fi
exit 0
EOF
cat > "$STAGE/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
# Photos and the station database live in each user's data folder and are never removed here.
if { [ "$1" = "remove" ] || [ "$1" = "purge" ]; } && command -v udevadm >/dev/null 2>&1 \
        && [ -d /run/udev ]; then
    udevadm control --reload-rules || true
fi
exit 0
EOF
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"

(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
    | xargs -0 md5sum) > "$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/md5sums" "$STAGE/DEBIAN/control"

rm -f "$OUT"
# xz (the default) gives the smallest package and installs on every dpkg; it takes minutes on
# two cores. DEB_COMPRESSION=gzip DEB_LEVEL=6 builds about four times faster, about 50% larger.
COMPRESSION=${DEB_COMPRESSION:-xz}
LEVEL=${DEB_LEVEL:-6}
dpkg-deb --root-owner-group "-Z$COMPRESSION" "-z$LEVEL" --build "$STAGE" "$OUT"
echo "make_deb.sh: $OUT ($(du -h "$OUT" | cut -f1); installed $((INSTALLED_KB / 1024)) MB)"
