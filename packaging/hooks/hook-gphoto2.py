"""PyInstaller hook for python-gphoto2 (the Linux wheel that bundles libgphoto2).

The wheel keeps libgphoto2 beside the extension modules::

    gphoto2/libgphoto2/libgphoto2.so.6, libgphoto2_port.so.12
    gphoto2/libgphoto2/camlibs/*.so   camera drivers, opened at run time (CAMLIBS)
    gphoto2/libgphoto2/iolibs/*.so    port drivers (usb1, ptpip, disk, ...) (IOLIBS)
    gphoto2/libgphoto2/vusb/vusb.so   the virtual USB port used with VCAMERADIR
    gphoto2/libgphoto2/locale/        message catalogues
    gphoto2.libs/                     libgphoto2's own dependencies (libusb, libexif, ...)

The drivers are not linked by anything, so dependency analysis cannot find them: they are
collected here with the same layout, which keeps their RPATH ($ORIGIN/../../../gphoto2.libs)
valid. ``rthook_capture_station.py`` points CAMLIBS/IOLIBS at the bundled folders.
"""

import os

from PyInstaller.utils.hooks import collect_data_files, get_package_paths

_, _pkg_dir = get_package_paths("gphoto2")
_site = os.path.dirname(_pkg_dir)

binaries = []
_lib_root = os.path.join(_pkg_dir, "libgphoto2")
for _dirpath, _dirnames, _filenames in os.walk(_lib_root):
    if os.path.basename(_dirpath) == "locale" or os.sep + "locale" + os.sep in _dirpath + os.sep:
        continue
    for _f in _filenames:
        if ".so" in _f:
            _dest = os.path.relpath(_dirpath, _site)
            binaries.append((os.path.join(_dirpath, _f), _dest))

_libs = os.path.join(_site, "gphoto2.libs")
if os.path.isdir(_libs):
    for _f in sorted(os.listdir(_libs)):
        binaries.append((os.path.join(_libs, _f), "gphoto2.libs"))

datas = collect_data_files("gphoto2", includes=["libgphoto2/locale/**/*.mo"])
