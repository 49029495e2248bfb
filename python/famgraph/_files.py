"""Reading inputs and writing outputs safely: the one implementation every reader and writer of
famgraph uses (the C++ core has its twin in include/famgraph/io/files.hpp; both follow
docs/cli.md, "Files").

Inputs
    :func:`input_file` accepts a path only if it names a regular file (after following
    symbolic links). A dangling or looping symbolic link, a folder, a FIFO, a socket or a device
    is an ``OSError`` naming the file and what was expected; a FIFO never blocks (it is opened
    non-blocking and rejected). :func:`optional_input` treats a table as absent only when nothing
    at all is there: a broken link is an error, not an empty table. :func:`read_input` also
    refuses UTF-16 text (:data:`famgraph.DataError`, rule ``encoding.utf16``) and any line longer
    than :data:`MAX_LINE_BYTES` (rule ``input.line_too_long``), so memory stays bounded by the file.

Outputs
    :func:`output_file` / :func:`write_output` write a file by a temporary file in the target's
    folder (created unlinked with ``O_TMPFILE`` where the system allows, else with ``O_EXCL``
    under a recognisable name ``.<name>.famgraph-tmp-<host>-<pid>-<random>``), ``fsync``, and a
    rename into place, so that the target is either the old file or the complete new one.
    :func:`output_folder` does the same for a folder of files. On any error, and on
    ``KeyboardInterrupt`` or the CLI's SIGTERM/SIGHUP exception, the temporary file or folder is
    removed. A process killed with SIGKILL cannot clean up: a later write into the same folder
    removes temporary names of this host whose process no longer runs (:func:`remove_stale`).
    The target must not be a folder (for a file), a FIFO, socket or device, a read-only file, or
    an input of the current run (:func:`tracking_inputs`: same device and inode, so symbolic and
    hard links are caught). A new file gets mode ``0666 & ~umask`` and a new folder
    ``0777 & ~umask``, like ``open``/``mkdir``; a replaced file keeps its permission bits.

Example
-------
>>> from famgraph import _files
>>> with _files.tracking_inputs():                                  # doctest: +SKIP
...     data = _files.read_input("persons.csv", "the persons table")
...     _files.write_output("persons.csv", b"x")  # OutputPathError: an input of this run
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import re
import secrets
import shutil
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

from ._errors import DataError, DataIssue, shown

PathLike = str | os.PathLike[str]

__all__ = [
    "MAX_LINE_BYTES",
    "OutputPathError",
    "input_file",
    "input_folder",
    "open_input",
    "optional_input",
    "output_file",
    "output_folder",
    "read_input",
    "remove_stale",
    "tracking_inputs",
    "write_output",
]

#: Longest line (bytes between two line breaks) any text input may have: 1 MiB. Longer lines are a
#: DataError naming the file and line (a missing line break, or not a text file); the C++ CSV
#: reader has the same limit per record (``famgraph::io::max_record_bytes``).
MAX_LINE_BYTES = 1 << 20

#: Marker in the names of temporary files and folders (shared with the C++ writers).
TMP_MARKER = ".famgraph-tmp-"
_TMP_NAME = re.compile(r"^\..*\.famgraph-tmp-([0-9a-f]{8})-(\d+)-[A-Za-z0-9]+$")


class OutputPathError(ValueError):
    """An output path that famgraph refuses to write: an input of the run, a folder where a file
    is expected (or the reverse), a FIFO, socket or device. The command line exits with status 2
    (choose another path)."""


# ------------------------------------------------------------------------------ inputs of a run

_INPUTS: contextvars.ContextVar[dict[tuple[int, int], str] | None] = contextvars.ContextVar(
    "famgraph_inputs", default=None
)


@contextlib.contextmanager
def tracking_inputs() -> Iterator[dict[tuple[int, int], str]]:
    """Within this block every input read is remembered, and no output may replace one.

    The command line runs each command inside it. Outside it (library use) outputs are still
    written atomically, so an input is never modified in place, but a file read earlier may be
    replaced deliberately.
    """
    token = _INPUTS.set({})
    try:
        got = _INPUTS.get()
        assert got is not None
        yield got
    finally:
        _INPUTS.reset(token)


def _remember(st: os.stat_result, path: PathLike) -> None:
    inputs = _INPUTS.get()
    if inputs is not None:
        inputs.setdefault((st.st_dev, st.st_ino), str(path))


def _input_containing(folder_st: os.stat_result) -> str | None:
    """An input of the run that lies in (or below) the folder, if any."""
    inputs = _INPUTS.get()
    if not inputs:
        return None
    key = (folder_st.st_dev, folder_st.st_ino)
    for shown_path in inputs.values():
        p = Path(os.path.realpath(shown_path)).parent
        while True:
            try:
                st = os.stat(p)
            except OSError:
                break
            if (st.st_dev, st.st_ino) == key:
                return shown_path
            if p.parent == p:
                break
            p = p.parent
    return None


# ----------------------------------------------------------------------------------------- inputs


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "not a regular file"


def _os_error(code: int, message: str) -> OSError:
    """``OSError(code, message)``: Python picks the subclass (FileNotFoundError, ...)."""
    return OSError(code, message)


def _describe_missing(path: Path, what: str, code: int) -> OSError:
    """Why ``path`` cannot be opened or stat'ed, in words."""
    p = shown(path, 1000)
    try:
        lst = os.lstat(path)
    except OSError:
        lst = None
    if lst is not None and stat.S_ISLNK(lst.st_mode):
        if code == errno.ELOOP:
            return _os_error(code, f"{p}: is a symbolic link loop (expected {what})")
        if code == errno.ENOENT:
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return _os_error(
                code,
                f"{p}: is a symbolic link to {shown(target, 1000)!s}, which does not exist (expected {what})",
            )
    if code == errno.ENOENT:
        return _os_error(code, f"{p}: not found (expected {what})")
    if code in (errno.EACCES, errno.EPERM):
        return _os_error(code, f"{p}: permission denied (cannot read {what})")
    if code == errno.ENOTDIR:
        return _os_error(code, f"{p}: a part of the path is not a folder (expected {what})")
    if code == errno.ENXIO and lst is not None:
        return _os_error(code, f"{p}: is {_kind(lst.st_mode)} (expected {what})")
    return _os_error(code, f"{p}: cannot be read: {os.strerror(code)} (expected {what})")


def _open_regular(path: PathLike, what: str) -> tuple[int, os.stat_result]:
    """A read-only descriptor of a regular file, and its status (never blocks on a FIFO)."""
    p = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as e:
        raise _describe_missing(p, what, e.errno or errno.EIO) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            code = errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EINVAL
            raise _os_error(code, f"{shown(p, 1000)}: is {_kind(st.st_mode)} (expected {what})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    _remember(st, p)
    return fd, st


def input_file(path: PathLike, what: str = "a regular file") -> Path:
    """``path`` if it names a readable regular file; else an ``OSError`` saying what it is.

    ``what`` completes the message: ``"x.csv: is a folder (expected the persons table)"``.
    """
    fd, _ = _open_regular(path, what)
    os.close(fd)
    return Path(path)


def open_input(path: PathLike, what: str = "a regular file") -> IO[bytes]:
    """The file opened for reading in binary mode, after the checks of :func:`input_file`."""
    fd, _ = _open_regular(path, what)
    return os.fdopen(fd, "rb")


def optional_input(path: PathLike, what: str = "a regular file") -> Path | None:
    """``None`` when nothing is at ``path``; else :func:`input_file` (a broken link is an error)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _describe_missing(Path(path), what, e.errno or errno.EIO) from None
    return input_file(path, what)


def input_folder(path: PathLike, what: str = "a folder") -> Path:
    """``path`` if it is a folder (after following links); else an ``OSError`` saying what it is."""
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError as e:
        raise _describe_missing(p, what, e.errno or errno.EIO) from None
    if not stat.S_ISDIR(st.st_mode):
        raise _os_error(errno.ENOTDIR, f"{shown(p, 1000)}: is {_kind(st.st_mode)} (expected {what})")
    return p


def _issue(rule: str, file: str, line: int, message: str) -> DataError:
    issue = DataIssue("error", rule, file, line, "", "", message)
    return DataError(f"1 error in the input:\n  {issue}", [issue])


def looks_like_utf16(head: bytes) -> bool:
    """A byte-order mark of UTF-16/UTF-32, or ASCII text with every other byte NUL."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True
    sample = head[:512]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    for zeros, text in ((even, odd), (odd, even)):
        if zeros.count(0) >= 0.9 * len(zeros) and sum(1 for b in text if 0x09 <= b < 0x7F) >= 0.9 * len(text):
            return True
    return False


def check_text(data: bytes, label: str, *, utf16: Literal["error", "allow"] = "error") -> None:
    """A DataError if ``data`` looks like UTF-16 or has a line longer than :data:`MAX_LINE_BYTES`."""
    if utf16 == "error" and looks_like_utf16(data[:512]):
        raise _issue(
            "encoding.utf16",
            label,
            0,
            "looks like UTF-16 text (byte-order mark or a NUL byte between the letters); "
            "save it as UTF-8 (e.g. 'CSV UTF-8' in Excel) and try again",
        )
    if len(data) <= MAX_LINE_BYTES:
        return
    import numpy as np

    buf = np.frombuffer(data, dtype=np.uint8)
    step = 1 << 24
    last = -1  # position of the last line break seen
    for start in range(0, len(buf), step):
        chunk = buf[start : start + step]
        breaks = np.flatnonzero((chunk == 10) | (chunk == 13)) + start
        if len(breaks):
            gaps = np.diff(breaks, prepend=last)
            k = int(np.argmax(gaps))
            if gaps[k] - 1 > MAX_LINE_BYTES:
                _too_long(data, label, int(breaks[k] - gaps[k]) + 1)
            last = int(breaks[-1])
        elif start + len(chunk) - last - 1 > MAX_LINE_BYTES:
            _too_long(data, label, last + 1)
    if len(data) - last - 1 > MAX_LINE_BYTES:
        _too_long(data, label, last + 1)


def _too_long(data: bytes, label: str, begin: int) -> None:
    line = len(re.findall(rb"\r\n|\n\r|\r|\n", data[:begin])) + 1
    raise _issue(
        "input.line_too_long",
        label,
        line,
        f"line longer than {MAX_LINE_BYTES:,} bytes (1 MiB): a line break is missing, or this is "
        "not a text file",
    )


def read_input(
    path: PathLike,
    what: str = "a regular file",
    *,
    label: str | None = None,
    utf16: Literal["error", "allow"] = "error",
) -> bytes:
    """The bytes of a text input, after the checks of :func:`input_file` and :func:`check_text`.

    ``label`` names the file in DataErrors (default: the path).
    """
    with open_input(path, what) as f:
        data = f.read()
    check_text(data, label if label is not None else str(path), utf16=utf16)
    return data


# ---------------------------------------------------------------------------------------- outputs

_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # pragma: no cover - systems without /proc/self/status
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def _host_tag() -> str:
    """FNV-1a (32 bits) of the host name, as 8 hex digits (the C++ writers compute the same)."""
    h = 0x811C9DC5
    for b in socket.gethostname().encode("utf-8", "surrogateescape"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def _tmp_name(target_name: str) -> str:
    # NAME_MAX is 255 bytes: keep the target's name short enough to leave room for the marker.
    base = target_name.encode("utf-8", "surrogateescape")[:120].decode("utf-8", "ignore")
    return f".{base}{TMP_MARKER}{_host_tag()}-{os.getpid()}-{secrets.token_hex(6)}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale(folder: PathLike) -> list[str]:
    """Removes temporary files and folders of famgraph writers in ``folder`` that a process of
    this host left behind when it was killed (its process id no longer runs). Best effort;
    returns the names removed."""
    removed: list[str] = []
    host = _host_tag()
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return removed
    for entry in entries:
        m = _TMP_NAME.match(entry.name)
        if m is None or m[1] != host or _alive(int(m[2])):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            pass
    return removed


def _resolve_output(path: PathLike) -> tuple[Path, os.stat_result | None]:
    """The real path to write (symbolic links followed, as ``open`` does) and its status if it
    exists; an error for a path that cannot name a file at all."""
    text = os.fspath(path)
    if text == "" or text.endswith(("/", os.sep)):
        raise OutputPathError(f"{shown(text, 1000)}: ends with a path separator (expected a name)")
    p = Path(path)
    try:
        st: os.stat_result | None = os.stat(p)
    except FileNotFoundError:
        st = None  # new, or a link to a new file (created where the link points, as open does)
    except OSError as e:
        raise _describe_missing(p, "a path to write", e.errno or errno.EIO) from None
    return Path(os.path.realpath(p)), st


def _check_target_file(path: PathLike) -> tuple[Path, os.stat_result | None]:
    real, st = _resolve_output(path)
    where = shown(path, 1000)
    parent = real.parent
    try:
        pst = os.stat(parent)
    except FileNotFoundError:
        raise _os_error(
            errno.ENOENT, f"{where}: the folder {shown(parent, 1000)} does not exist (create it first)"
        ) from None
    except OSError as e:
        raise _describe_missing(parent, "a folder", e.errno or errno.EIO) from None
    if not stat.S_ISDIR(pst.st_mode):
        raise _os_error(
            errno.ENOTDIR, f"{where}: {shown(parent, 1000)} is {_kind(pst.st_mode)}, not a folder"
        )
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputPathError(f"{where}: is a folder (expected the name of a file to write)")
        if not stat.S_ISREG(st.st_mode):
            raise OutputPathError(
                f"{where}: is {_kind(st.st_mode)} (expected a regular file or a new name; famgraph "
                "writes by renaming a complete file into place)"
            )
        inputs = _INPUTS.get() or {}
        hit = inputs.get((st.st_dev, st.st_ino))
        if hit is not None:
            same = "" if os.path.realpath(hit) == str(real) else f" ({shown(hit, 1000)})"
            raise OutputPathError(
                f"{where}: is an input of this run{same}; refusing to overwrite it (choose another output)"
            )
        if not os.access(real, os.W_OK):
            raise _os_error(errno.EACCES, f"{where}: is read-only (refusing to replace it)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _os_error(errno.EACCES, f"{where}: permission denied (cannot write in {shown(parent, 1000)})")
    return real, st


def check_output_file(path: PathLike) -> Path:
    """The checks :func:`output_file` makes, without writing (commands call it before the work)."""
    return _check_target_file(path)[0]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


#: O_TMPFILE (an unnamed file that a SIGKILL cannot leave behind) where the system has it; the
#: tests switch it off to exercise the named fallback.
USE_O_TMPFILE = hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")


class _TempFile:
    def __init__(self, folder: Path, target_name: str) -> None:
        self.folder = folder
        self.target_name = target_name
        self.name: Path | None = None  # set while a named temporary exists
        self.fd = -1
        flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        if USE_O_TMPFILE:
            try:
                self.fd = os.open(folder, flags | os.O_TMPFILE, 0o600)
            except OSError as e:
                if e.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                    raise
        if self.fd < 0:
            self.fd, self.name = self._named(flags)

    def _named(self, flags: int) -> tuple[int, Path]:
        for _ in range(100):
            name = self.folder / _tmp_name(self.target_name)
            try:
                fd = os.open(name, flags | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:  # pragma: no cover - 48 random bits
                continue
            return fd, name
        raise _os_error(errno.EEXIST, f"{self.folder}: cannot create a temporary file")  # pragma: no cover

    def commit(self, target: Path, mode: int) -> None:
        os.fchmod(self.fd, mode)
        os.fsync(self.fd)
        if self.name is None:
            self._link()
        assert self.name is not None
        os.replace(self.name, target)
        self.name = None
        os.close(self.fd)
        self.fd = -1
        _fsync_dir(self.folder)

    def _link(self) -> None:
        """Gives the unnamed file a (temporary) name: linkat(AT_SYMLINK_FOLLOW) of /proc/self/fd/N,
        or, where the system refuses that, a named copy."""
        dfd = os.open(self.folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            for _ in range(100):
                name = self.folder / _tmp_name(self.target_name)
                try:
                    # src_dir_fd makes CPython call linkat (plain link() would not follow the link)
                    os.link(f"/proc/self/fd/{self.fd}", name, src_dir_fd=dfd, follow_symlinks=True)
                except FileExistsError:  # pragma: no cover - 48 random bits
                    continue
                except OSError:
                    break
                self.name = name
                return
        finally:
            os.close(dfd)
        flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
        fd, name = self._named(flags)
        try:
            os.lseek(self.fd, 0, os.SEEK_SET)
            with os.fdopen(os.dup(self.fd), "rb") as src, os.fdopen(os.dup(fd), "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            os.fchmod(fd, os.fstat(self.fd).st_mode & 0o777)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            os.unlink(name)
            raise
        os.close(self.fd)
        self.fd, self.name = fd, name

    def discard(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1
        if self.name is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.name)
            self.name = None


@contextlib.contextmanager
def output_file(path: PathLike) -> Iterator[IO[bytes]]:
    """A binary file to write ``path`` through; renamed into place when the block ends without
    an exception, removed otherwise (see the module documentation for the rules)."""
    real, st = _check_target_file(path)
    remove_stale(real.parent)
    mode = (st.st_mode & 0o777) if st is not None else (0o666 & ~_umask())
    tmp = _TempFile(real.parent, real.name)
    try:
        f = os.fdopen(os.dup(tmp.fd), "wb")
        try:
            yield f
            f.flush()
        finally:
            f.close()
        # the checks again: the target may have changed while the content was produced
        real2, st2 = _check_target_file(path)
        if real2 != real:  # pragma: no cover - a link changed under us
            raise OutputPathError(f"{shown(path, 1000)}: changed while it was being written")
        tmp.commit(real, (st2.st_mode & 0o777) if st2 is not None else mode)
    except BaseException:
        tmp.discard()
        raise


def write_output(path: PathLike, data: bytes | str, *, newline: str | None = None) -> Path:
    """Writes ``data`` (str as UTF-8, ``\\n`` replaced by ``newline`` if given) to ``path``
    atomically; returns ``path``."""
    if isinstance(data, str):
        if newline is not None and newline != "\n":
            data = data.replace("\n", newline)
        data = data.encode("utf-8")
    with output_file(path) as f:
        f.write(data)
    return Path(path)


def _empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def _folder_name(path: PathLike) -> str:
    """``out/`` names the folder ``out``: trailing separators dropped (``/`` kept)."""
    text = os.fspath(path)
    return text.rstrip("/" + os.sep) or text[:1]


def _check_target_folder(path: PathLike, replace: bool) -> tuple[Path, os.stat_result | None]:
    path = _folder_name(path)
    real, st = _resolve_output(path)
    where = shown(path, 1000)
    parent = real.parent
    try:
        pst = os.stat(parent)
    except FileNotFoundError:
        raise _os_error(
            errno.ENOENT, f"{where}: the folder {shown(parent, 1000)} does not exist (create it first)"
        ) from None
    except OSError as e:
        raise _describe_missing(parent, "a folder", e.errno or errno.EIO) from None
    if not stat.S_ISDIR(pst.st_mode):
        raise _os_error(
            errno.ENOTDIR, f"{where}: {shown(parent, 1000)} is {_kind(pst.st_mode)}, not a folder"
        )
    if st is None and os.path.lexists(path):
        # a dangling link: mkdir(2) would refuse it too; do not guess where the folder should go
        raise OutputPathError(str(_describe_missing(Path(path), "a new folder", errno.ENOENT).strerror))
    if st is not None:
        inputs = _INPUTS.get() or {}
        hit = inputs.get((st.st_dev, st.st_ino))
        if hit is None and stat.S_ISDIR(st.st_mode):
            hit = _input_containing(st)
        if hit is not None:
            raise OutputPathError(
                f"{where}: is or holds an input of this run ({shown(hit, 1000)}); refusing to "
                "replace it (choose another output folder)"
            )
        if not (stat.S_ISDIR(st.st_mode) or (replace and stat.S_ISREG(st.st_mode))):
            raise OutputPathError(f"{where}: is {_kind(st.st_mode)} (expected a new folder)")
        if not replace and stat.S_ISDIR(st.st_mode) and not _empty(real):
            raise _os_error(
                errno.EEXIST,
                f"{where}: already exists and is not an empty folder "
                "(refusing to overwrite it; choose a new one)",
            )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _os_error(errno.EACCES, f"{where}: permission denied (cannot write in {shown(parent, 1000)})")
    return real, st


def check_output_folder(path: PathLike, *, replace: bool = False) -> Path:
    """The checks :func:`output_folder` makes, without writing."""
    return _check_target_folder(path, replace)[0]


def _fsync_tree(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


@contextlib.contextmanager
def output_folder(path: PathLike, *, replace: bool = False) -> Iterator[Path]:
    """A temporary folder to write the files of the new folder ``path`` into; renamed into place
    when the block ends without an exception, removed otherwise.

    ``path`` must not exist or be an empty folder; with ``replace=True`` an existing folder or
    file is replaced (never one holding an input of the run).
    """
    real, _ = _check_target_folder(path, replace)
    remove_stale(real.parent)
    tmp: Path | None = None
    for _ in range(100):
        candidate = real.parent / _tmp_name(real.name)
        try:
            os.mkdir(candidate, 0o700)
        except FileExistsError:  # pragma: no cover
            continue
        tmp = candidate
        break
    if tmp is None:  # pragma: no cover
        raise _os_error(errno.EEXIST, f"{real.parent}: cannot create a temporary folder")
    old: Path | None = None  # the replaced folder or file, until the new one is in place
    done = False
    try:
        yield tmp
        _, st = _check_target_folder(path, replace)
        os.chmod(tmp, 0o777 & ~_umask())
        _fsync_tree(tmp)
        if st is not None and replace and not (stat.S_ISDIR(st.st_mode) and _empty(real)):
            old = real.parent / _tmp_name(real.name)
            os.rename(real, old)
        try:
            os.replace(tmp, real)  # also replaces an empty folder
        except BaseException:
            if old is not None:
                os.rename(old, real)
                old = None
            raise
        done = True
        _fsync_dir(real.parent)
    finally:
        if not done:
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(old)


def describe_os_error(e: OSError) -> str:
    """One line for an ``OSError``: the message famgraph wrote, or ``file: reason`` for others."""
    if e.filename is not None:
        where = shown(os.fsdecode(e.filename), 1000)
        if e.filename2 is not None:
            where += f" -> {shown(os.fsdecode(e.filename2), 1000)}"
        return f"{where}: {e.strerror or e}"
    if e.strerror:
        return shown(e.strerror, 2000)
    return shown(str(e) or type(e).__name__, 2000)
