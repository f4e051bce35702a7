"""Run-time hook of the frozen build: runs before any module of the application is imported.

* libgphoto2 finds its camera drivers (camlibs) and port drivers (iolibs) through the ``CAMLIBS``
  and ``IOLIBS`` environment variables. python-gphoto2 sets them on import from its own folder;
  they are set here as well, to the copies bundled under ``gphoto2/libgphoto2``, so that nothing
  can load the drivers of a system libgphoto2 of another version. With ``VCAMERADIR`` set (the
  virtual camera used in tests) the port drivers are the ``vusb`` ones, as in python-gphoto2.
* A ``MPLCONFIGDIR`` of the user's own is remembered for ``launcher.py``, because PyInstaller's
  matplotlib hook, which runs after this one, replaces it with a temporary folder.
"""


def _capture_station_rthook() -> None:
    import os
    import sys

    base = getattr(sys, "_MEIPASS", None) or os.path.dirname(sys.executable)
    gp = os.path.join(base, "gphoto2", "libgphoto2")
    if os.path.isdir(gp):
        camlibs = os.path.join(gp, "camlibs")
        iolibs = os.path.join(gp, "vusb" if "VCAMERADIR" in os.environ else "iolibs")
        if os.path.isdir(camlibs):
            os.environ["CAMLIBS"] = camlibs
        if os.path.isdir(iolibs):
            os.environ["IOLIBS"] = iolibs
    user_mpl = os.environ.get("MPLCONFIGDIR")
    if user_mpl:
        os.environ["CAPTURE_STATION_USER_MPLCONFIGDIR"] = user_mpl


_capture_station_rthook()
del _capture_station_rthook
