"""Opening and writing files the way every command needs: only regular files,
never more bytes than a limit, and one-line errors that say what the path is.

A FIFO opened for reading waits for a writer (a hang), a device or
``/proc`` file has no end, and a folder is not "missing": each gets its own
message.  The file is opened first and checked through its descriptor, so
what is checked is what is read.

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> read_regular(folder, 100, "matrix file")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cnncalc.errors.InputError: matrix file '...' is a folder, not a file; give the path of a file inside it
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from .errors import InputError


def describe_kind(mode: int) -> str:
    """What a non-regular path is, for a message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _not_regular(path: str | os.PathLike, what: str, mode: int) -> InputError:
    kind = describe_kind(mode)
    if stat.S_ISDIR(mode):
        return InputError(f"{what} '{path}' is a folder, not a file; give the path of a file inside it")
    return InputError(f"{what} '{path}' is {kind}, not a regular file; save the data to a file and give its path")


def open_regular(path: str | os.PathLike, what: str = "file") -> BinaryIO:
    """Open a regular file for reading in binary; anything else is a one-line error."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError(f"{what} '{path}' does not exist; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{what} '{path}' is a folder, not a file; give the path of a file inside it") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(f"{what} '{path}' cannot be read ({reason}); check the path and permissions") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path, what, mode)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def file_size(handle: BinaryIO) -> int:
    return os.fstat(handle.fileno()).st_size


def read_regular(path: str | os.PathLike, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (docs/limits.md)."""
    with open_regular(path, what) as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise InputError(f"{what} '{path}' cannot be read ({error.strerror}); check the path") from None
    if len(data) > max_bytes:
        raise InputError(f"{what} '{path}' is larger than {max_bytes:,} bytes, the limit for such a file "
                         "(docs/limits.md); split it or use a .npy file")
    return data


def write_text(path: str | os.PathLike, text: str, what: str = "output file") -> None:
    """Write text to ``path``, with one-line errors for a missing folder or a folder in the way."""
    target = Path(path)
    try:
        target.write_text(text, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"cannot write {what} '{path}': the folder '{target.parent}' does not exist; "
                         "create it first or give another path") from None
    except IsADirectoryError:
        raise InputError(f"cannot write {what} '{path}': it is a folder; give a file name") from None
    except OSError as error:
        raise InputError(f"cannot write {what} '{path}' ({error.strerror}); check the path and permissions") from None


def make_folder(path: str | os.PathLike, what: str = "output folder") -> Path:
    """Create a folder for outputs (and its parents); one-line errors when that is impossible."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"{what} '{path}' is a file, not a folder; give a folder name") from None
    except OSError as error:
        raise InputError(f"cannot create {what} '{path}' ({error.strerror}); check the path and permissions") from None
    return folder


def refuse_overwriting(target: str | os.PathLike, inputs: Iterable[str | os.PathLike], option: str) -> None:
    """Refuse an output path that is one of the command's own input files (a slip of tab completion would
    replace a student's answers or an exercise with the output)."""
    try:
        written = os.stat(target)
    except OSError:  # the output does not exist yet: it replaces nothing
        return
    for source in inputs:
        try:
            same = os.path.samestat(written, os.stat(source))
        except OSError:  # the input is not a file
            continue
        if same:
            raise InputError(f"{option} {target} is an input of this command ({source}); "
                             "give another path for the output")
