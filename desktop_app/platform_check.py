"""Before Qt starts on Linux: are the system libraries it links against there?

The PySide6 wheels bring Qt but not the system libraries Qt (its GUI, the web engine
of the map, its xcb platform plugin for X11) links against. When one is missing,
``QApplication()`` prints a paragraph about plugins and aborts the process, or an
import fails with a traceback. This module asks the dynamic loader for each library
first and turns the missing ones into one line naming the packages to install.

It imports no Qt, so it runs before PySide6 is loaded. Call :func:`qt_platform_problem`
where the window is about to start::

    problem = qt_platform_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2

The decision itself (:func:`required_libraries`, :func:`xcb_platform_wanted`,
:func:`missing_libraries_message`) is pure, so it is tested with any environment and
any set of found libraries.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SystemLibrary:
    """A shared library the xcb plugin needs, and the package that ships it per distribution."""

    soname: str
    debian: str
    fedora: str


# The non-Qt libraries libqxcb.so and libQt6XcbQpa.so.6 of PySide6 6.12 link against
# (`readelf -d`), less the C/C++ runtime; package names from `dpkg -S` on Debian 12 and
# Fedora's xcb-util split. libxcb-cursor0 (needed since Qt 6.5), libxcb-icccm4 and
# libxcb-keysyms1 are the ones a desktop install most often lacks.
XCB_PLUGIN_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SystemLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11"),
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
)

# The system libraries QtGui, QtWidgets and QtWebEngineCore of PySide6 6.12 link against
# whatever the platform plugin (offscreen too), less the C/C++ runtime, zlib, zstd and
# what Qt ships itself (ICU, ffmpeg): needed to start Qt at all.
QT_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
    SystemLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLibrary("libfreetype.so.6", "libfreetype6", "freetype"),
    SystemLibrary("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11"),
    SystemLibrary("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
    SystemLibrary("libnss3.so", "libnss3", "nss"),
    SystemLibrary("libnspr4.so", "libnspr4", "nspr"),
    SystemLibrary("libgbm.so.1", "libgbm1", "mesa-libgbm"),
    SystemLibrary("libXcomposite.so.1", "libxcomposite1", "libXcomposite"),
    SystemLibrary("libXdamage.so.1", "libxdamage1", "libXdamage"),
    SystemLibrary("libXext.so.6", "libxext6", "libXext"),
    SystemLibrary("libXfixes.so.3", "libxfixes3", "libXfixes"),
    SystemLibrary("libXrandr.so.2", "libxrandr2", "libXrandr"),
    SystemLibrary("libXtst.so.6", "libxtst6", "libXtst"),
    SystemLibrary("libxkbfile.so.1", "libxkbfile1", "libxkbfile"),
    SystemLibrary("libxcb-dri3.so.0", "libxcb-dri3-0", "libxcb"),
    SystemLibrary("libexpat.so.1", "libexpat1", "expat"),
    SystemLibrary("libasound.so.2", "libasound2", "alsa-lib"),
    SystemLibrary("libudev.so.1", "libudev1", "systemd-libs"),
)


def required_libraries(environ: Mapping[str, str], platform: str) -> tuple[SystemLibrary, ...]:
    """The system libraries Qt needs to start here: none off Linux, the xcb plugin's too
    when Qt would use it. Each soname once, Qt's own first."""
    if not platform.startswith("linux"):
        return ()
    wanted = QT_LIBRARIES
    if xcb_platform_wanted(environ, platform):
        wanted += XCB_PLUGIN_LIBRARIES
    return tuple({library.soname: library for library in wanted}.values())


def xcb_platform_wanted(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt would try its xcb plugin first in this environment.

    Only on Linux. ``QT_QPA_PLATFORM`` decides when set (``xcb``, ``xcb;wayland`` and
    ``xcb:option`` all start with xcb); unset, Qt picks Wayland first in a Wayland
    session and xcb otherwise, with or without a ``DISPLAY`` (without one the window
    cannot open either way, but the missing libraries are still worth naming).
    """
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        first = chosen.split(";", 1)[0].split(":", 1)[0].strip()
        return first == "xcb"
    wayland_session = environ.get("XDG_SESSION_TYPE", "").strip().lower() == "wayland"
    return not (wayland_session and environ.get("WAYLAND_DISPLAY", ""))


def missing_libraries_message(missing: Iterable[SystemLibrary], distribution: str) -> str | None:
    """One line naming the missing libraries and the command that installs them; or None.

    ``distribution`` is ``"debian"`` (Debian, Ubuntu and their kin), ``"fedora"``
    (Fedora, RHEL and kin) or anything else (both package lists are named).
    """
    libraries = list(dict.fromkeys(missing))
    if not libraries:
        return None
    sonames = ", ".join(library.soname for library in libraries)
    debian = " ".join(dict.fromkeys(library.debian for library in libraries))
    fedora = " ".join(dict.fromkeys(library.fedora for library in libraries))
    if distribution == "debian":
        install = f"install them with: sudo apt install {debian}"
    elif distribution == "fedora":
        install = f"install them with: sudo dnf install {fedora}"
    else:
        install = f"install the packages that ship them (Debian/Ubuntu: {debian}; Fedora: {fedora})"
    return f"sightline: Qt cannot start: the system libraries {sonames} are missing; {install}"


def qt_platform_problem(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    loadable: Callable[[str], bool] | None = None,
) -> str | None:
    """The line to print before leaving when Qt cannot start here, else None.

    Missing libraries first; then, for X11, no display to open the window on (Qt
    would abort on that too). Reads the real environment, platform and dynamic loader
    unless told otherwise.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    wanted = required_libraries(environ, platform)
    if not wanted:
        return None
    loadable = _loadable if loadable is None else loadable
    missing = [library for library in wanted if not loadable(library.soname)]
    message = missing_libraries_message(missing, linux_distribution())
    if message is None and xcb_platform_wanted(environ, platform):
        message = no_display_message(environ)
    return message


def no_display_message(environ: Mapping[str, str]) -> str | None:
    """One line when there is no display at all (a server, an ssh session without -X)."""
    if environ.get("DISPLAY", "").strip() or environ.get("WAYLAND_DISPLAY", "").strip():
        return None
    return (
        "sightline: no display to open the window on (DISPLAY is not set); run it in a "
        "desktop session or `ssh -X`, or use `sightline screenshot OUT.png` or "
        "`sightline --self-test`, which need none"
    )


def linux_distribution(os_release: Path = Path("/etc/os-release")) -> str:
    """``"debian"``, ``"fedora"`` or ``"other"``, from os-release's ID and ID_LIKE."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "other"
    names: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("ID", "ID_LIKE"):
            names.update(value.strip().strip("\"'").lower().split())
    if names & {"debian", "ubuntu"}:
        return "debian"
    if names & {"fedora", "rhel", "centos"}:
        return "fedora"
    return "other"


def _loadable(soname: str) -> bool:
    """Whether the dynamic loader finds ``soname``, by itself or beside Qt's own libraries.

    A bundle (the frozen build, a conda environment) may ship a library next to Qt's,
    where the plugin's RPATH finds it although a bare dlopen would not.
    """
    try:
        ctypes.CDLL(soname)
        return True
    except OSError:
        pass
    return any((folder / soname).is_file() for folder in _bundled_library_folders())


def _bundled_library_folders() -> list[Path]:
    folders: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str):
        folders += [Path(bundle), Path(bundle) / "PySide6" / "Qt" / "lib"]
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing Qt
    if spec is not None and spec.origin is not None:
        folders.append(Path(spec.origin).parent / "Qt" / "lib")
    return folders
