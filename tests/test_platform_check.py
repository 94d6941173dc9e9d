"""The check before Qt's window starts: which platform Qt would pick, which libraries are
missing, and the one line that names the packages to install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop_app.platform_check import (
    QT_LIBRARIES,
    XCB_PLUGIN_LIBRARIES,
    SystemLibrary,
    _loadable,
    linux_distribution,
    missing_libraries_message,
    no_display_message,
    qt_platform_problem,
    required_libraries,
    xcb_platform_wanted,
)

BY_SONAME = {library.soname: library for library in QT_LIBRARIES + XCB_PLUGIN_LIBRARIES}
# what Debian 12 with the PySide6 wheels but no libxcb-icccm4/libxcb-keysyms1 lacks
COMMONLY_MISSING = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1")


@pytest.mark.parametrize(
    ("environ", "platform", "wanted"),
    [
        ({}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}, "linux", True),
        ({"QT_QPA_PLATFORM": " xcb;wayland"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb:nograb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
        ({"QT_QPA_PLATFORM": "minimal"}, "linux", False),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        # a Wayland session without a compositor socket: Qt falls back to xcb
        ({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux", True),
        ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, "linux", True),
        ({"DISPLAY": ":0"}, "darwin", False),
        ({"DISPLAY": ":0"}, "win32", False),
        ({"QT_QPA_PLATFORM": "xcb"}, "darwin", False),
    ],
)
def test_xcb_is_wanted_only_where_qt_would_load_it(
    environ: dict[str, str], platform: str, wanted: bool
) -> None:
    assert xcb_platform_wanted(environ, platform) is wanted


def test_nothing_missing_means_no_message() -> None:
    assert missing_libraries_message([], "debian") is None


def test_debian_line_names_the_apt_packages_of_the_missing_libraries() -> None:
    missing = [BY_SONAME[name] for name in COMMONLY_MISSING]
    message = missing_libraries_message(missing, "debian")
    assert message is not None
    assert "\n" not in message
    assert message.endswith("sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1")
    assert "libxcb-icccm.so.4" in message
    assert "dnf" not in message


def test_fedora_line_names_each_package_once() -> None:
    # four libxcb-* sonames all come from Fedora's one libxcb package
    names = ("libxcb-randr.so.0", "libxcb-shm.so.0", "libxcb.so.1", "libxcb-icccm.so.4")
    message = missing_libraries_message([BY_SONAME[name] for name in names], "fedora")
    assert message is not None
    assert message.endswith("sudo dnf install libxcb xcb-util-wm")


def test_unknown_distribution_gets_both_package_lists() -> None:
    message = missing_libraries_message([BY_SONAME["libxcb-keysyms.so.1"]], "other")
    assert message is not None
    assert "Debian/Ubuntu: libxcb-keysyms1" in message
    assert "Fedora: xcb-util-keysyms" in message


def test_problem_names_only_what_the_loader_cannot_find() -> None:
    found = set(BY_SONAME) - {"libxcb-keysyms.so.1", "libnss3.so"}
    problem = qt_platform_problem({"DISPLAY": ":0"}, "linux", found.__contains__)
    assert problem is not None
    assert problem.startswith("sightline: Qt cannot start: the system libraries ")
    assert "libnss3.so, libxcb-keysyms.so.1 are missing" in problem
    assert "libxcb-icccm" not in problem


def test_no_problem_when_everything_loads() -> None:
    everything = set(BY_SONAME)
    assert qt_platform_problem({"DISPLAY": ":0"}, "linux", everything.__contains__) is None


def test_offscreen_needs_qt_libraries_but_not_the_xcb_plugin() -> None:
    qt_only = {library.soname for library in QT_LIBRARIES}
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    assert qt_platform_problem(offscreen, "linux", qt_only.__contains__) is None
    problem = qt_platform_problem({"DISPLAY": ":0"}, "linux", qt_only.__contains__)
    assert problem is not None and "libxcb-cursor.so.0" in problem
    nothing: set[str] = set()
    problem = qt_platform_problem(offscreen, "linux", nothing.__contains__)
    assert problem is not None and "libEGL.so.1" in problem and "libxcb-cursor" not in problem


def test_nothing_is_required_off_linux() -> None:
    nothing: set[str] = set()
    assert required_libraries({"DISPLAY": ":0"}, "darwin") == ()
    assert qt_platform_problem({}, "win32", nothing.__contains__) is None


def test_each_required_library_once() -> None:
    required = required_libraries({"QT_QPA_PLATFORM": "xcb"}, "linux")
    sonames = [library.soname for library in required]
    assert len(sonames) == len(set(sonames)) == len(BY_SONAME)
    assert sonames[: len(QT_LIBRARIES)] == [library.soname for library in QT_LIBRARIES]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux loader")
def test_the_real_loader_finds_libc_and_not_an_invented_library() -> None:
    assert _loadable("libc.so.6")
    assert not _loadable("libsightline-does-not-exist.so.7")


@pytest.mark.parametrize(
    ("os_release", "distribution"),
    [
        ('NAME="Debian GNU/Linux"\nID=debian\n', "debian"),
        ('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n', "debian"),
        ('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n', "debian"),
        ('NAME="Fedora Linux"\nID=fedora\n', "fedora"),
        ('NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n', "fedora"),
        ('NAME="Arch Linux"\nID=arch\n', "other"),
    ],
)
def test_distribution_from_os_release(tmp_path: Path, os_release: str, distribution: str) -> None:
    path = tmp_path / "os-release"
    path.write_text(os_release, encoding="utf-8")
    assert linux_distribution(path) == distribution


def test_no_os_release_is_other(tmp_path: Path) -> None:
    assert linux_distribution(tmp_path / "missing") == "other"


def test_every_library_names_a_package_on_both_distributions() -> None:
    for library in QT_LIBRARIES + XCB_PLUGIN_LIBRARIES:
        assert isinstance(library, SystemLibrary)
        assert library.soname.startswith("lib") and ".so" in library.soname
        assert library.debian and library.fedora


def test_the_readme_lists_every_package_per_distribution() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### System libraries", 1)[1].split("\n#", 1)[0]
    debian = section.split("- **Debian / Ubuntu**", 1)[1].split("\n- ", 1)[0].split()
    fedora = section.split("- **Fedora**", 1)[1].split("\n- ", 1)[0].split()
    words = {
        "debian": {w.strip("`.,()") for w in debian},
        "fedora": {w.strip("`.,()") for w in fedora},
    }
    for library in QT_LIBRARIES + XCB_PLUGIN_LIBRARIES:
        assert library.debian in words["debian"], library
        assert library.fedora in words["fedora"], library


def test_no_display_is_one_line_once_the_libraries_are_there() -> None:
    everything = set(BY_SONAME)
    problem = qt_platform_problem({}, "linux", everything.__contains__)
    assert problem is not None and "DISPLAY is not set" in problem and "\n" not in problem
    # missing libraries are told first: installing them is needed either way
    nothing: set[str] = set()
    problem = qt_platform_problem({}, "linux", nothing.__contains__)
    assert problem is not None and "libxcb-icccm.so.4" in problem
    assert no_display_message({"DISPLAY": ":1"}) is None
    assert no_display_message({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert no_display_message({"DISPLAY": " "}) is not None
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    assert qt_platform_problem(offscreen, "linux", everything.__contains__) is None
