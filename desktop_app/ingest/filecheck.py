"""Checking that a path is a regular file that can be read, before reading it.

Everything here answers at once: the file type comes from ``os.stat`` before anything is
opened, so a FIFO (which would block until a writer appears), a device such as
``/dev/zero`` (which never ends) or a folder is refused without a read. Permission is
tested by opening the file, not with ``os.access`` (which says yes to root, and can
disagree with what an open does on network file systems and under ACLs).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class UnreadableFile(Exception):
    """The file cannot be read at all; the message says why. Nothing was changed."""


_KINDS = (
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISFIFO, "is a pipe (FIFO), not a file; save the data to a file first"),
    (stat.S_ISCHR, "is a device, not a file"),
    (stat.S_ISBLK, "is a device, not a file"),
    (stat.S_ISSOCK, "is a socket, not a file"),
)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno == errno.ELOOP:
        return "the path is a loop of symbolic links"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (you may not read this file)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    return exc.strerror or exc.__class__.__name__


def check_file(path: Path) -> os.stat_result:
    """The stat of ``path`` if it is a non-empty regular file this process may read.

    Raises :class:`UnreadableFile` with a one-line reason otherwise. Never blocks: the
    type is checked before the open, and the open is non-blocking in case the path was
    swapped for a FIFO in between.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UnreadableFile(_os_reason(exc)) from None
    except ValueError as exc:  # an embedded NUL in the path
        raise UnreadableFile(f"not a usable path ({exc})") from None
    for test, reason in _KINDS:
        if test(info.st_mode):
            raise UnreadableFile(f"this {reason}")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile("this is not a regular file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableFile(_os_reason(exc)) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # replaced between the stat and the open
            raise UnreadableFile("this is not a regular file")
        try:
            os.read(fd, 1)  # an I/O error (a bad disk, a stale network mount) shows here
        except OSError as exc:
            raise UnreadableFile(f"the file cannot be read ({_os_reason(exc)})") from None
    finally:
        os.close(fd)
    if opened.st_size == 0:
        raise UnreadableFile("the file is empty")
    return opened
