"""Can a window be shown at all? Answered before Qt is started, because Qt's own answer to "no
display" or "the xcb plugin cannot load" is an abort with a core dump and a message that often
names the wrong package (it blames libxcb-cursor0 whatever is missing).

Qt-free on purpose: the CLI calls this before importing PySide6, and only ctypes touches the
system libraries.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Mapping
from pathlib import Path

HEADLESS_HINT = "set QT_QPA_PLATFORM=offscreen to run without a display"

# Every library that Qt's xcb platform plugin (plugins/platforms/libqxcb.so and
# lib/libQt6XcbQpa.so.6) and QtGui link against, with the Debian/Ubuntu package that ships it.
# Taken from `objdump -p` (NEEDED) of PySide6 6.11's Qt and `dpkg -S` on Debian 12; glibc,
# libstdc++ and zlib are left out because no Debian/Ubuntu system lacks them. README.md's
# apt-get line installs these packages (a test keeps the two in step).
XCB_LIBRARIES: Mapping[str, str] = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """Why no window can be shown, as one sentence for the user; None when Qt should manage.

    Only Linux is checked: Windows and macOS always have their platform plugin's libraries and
    a display. On Linux the checks mirror what Qt's xcb plugin needs, in the order it fails.
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: the user chose; Qt reports its own errors
    if env.get("WAYLAND_DISPLAY") and not platform:
        return None  # a Wayland session: Qt's wayland plugin does not need the xcb libraries
    display = env.get("DISPLAY", "")
    if not display:
        return (
            "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            f"start it from a desktop session, or {HEADLESS_HINT}"
        )
    return xcb_problem() or x_connection_problem(display)


def xcb_problem() -> str | None:
    """The xcb plugin's missing libraries with the packages to install; None when it loads."""
    missing = [name for name in XCB_LIBRARIES if not _loads(name)]
    if missing:
        packages = " ".join(dict.fromkeys(XCB_LIBRARIES[name] for name in missing))
        return (
            f"Qt's X11 (xcb) plugin needs libraries that are not installed ({', '.join(missing)});"
            f" on Debian/Ubuntu: sudo apt-get install -y {packages} (or {HEADLESS_HINT})"
        )
    # A later PySide6 may link a library the table above does not know yet: load the plugin
    # itself, which is what Qt does next, so the answer holds whatever it needs.
    plugin = _xcb_plugin()
    if plugin is not None:
        try:
            ctypes.CDLL(str(plugin))
        except OSError as exc:
            packages = " ".join(dict.fromkeys(XCB_LIBRARIES.values()))
            return (
                f"Qt's X11 (xcb) plugin cannot be loaded ({exc}); on Debian/Ubuntu install "
                f"Qt's system libraries: sudo apt-get install -y {packages} (or {HEADLESS_HINT})"
            )
    return None


def x_connection_problem(display: str) -> str | None:
    """None when the X server named by DISPLAY accepts a connection (as Qt will try next)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None  # reported by xcb_problem
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.restype = ctypes.c_int
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.restype = None
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    # xcb_connect always returns a connection object, an error one when it failed.
    conn = xcb.xcb_connect(os.fsencode(display), None)
    try:
        failed = xcb.xcb_connection_has_error(conn) != 0
    finally:
        xcb.xcb_disconnect(conn)
    if failed:
        return (
            f"cannot connect to the X display {display!r} (is the desktop session still "
            f"running, and is DISPLAY right?); or {HEADLESS_HINT}"
        )
    return None


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _xcb_plugin() -> Path | None:
    # find_spec locates PySide6 without importing it, so Qt is not loaded by asking.
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        plugin = Path(location) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None
