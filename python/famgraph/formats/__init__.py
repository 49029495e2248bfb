"""Pedigree file formats: PED/LINKAGE (:mod:`famgraph.formats.ped`) and GEDCOM 5.5.1
(:mod:`famgraph.formats.gedcom`).

Each format module has

- ``read(path, ...) -> Dataset``: the pedigree as a validated :class:`~famgraph.Dataset`;
- ``read_full(path, ...) -> ImportResult``: the same dataset plus the mapping from the file's own
  identifiers to the famgraph ``person_id`` (for the secure environment only), the columns
  famgraph has no place for, and counts of every lossy conversion;
- ``write(ds, path, ...)``: the dataset in that format, written atomically.

Errors are :class:`~famgraph.DataError` with one :class:`~famgraph.DataIssue` per problem, naming
the file, the line *of the pedigree file*, the field and the value, also for the rules the famgraph
validator checks after conversion (the validator's findings are mapped back to the line that
caused them). The formats and every decision are documented in ``docs/pedigree_formats.md``.

Example
-------
>>> import famgraph as fg
>>> ds = fg.formats.ped.read("family.ped")                      # doctest: +SKIP
>>> fg.formats.gedcom.write(ds, "family.ged")                   # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import pandas as pd

from .. import _files
from .._errors import CLIP_CHARS, DataError, DataIssue, shown

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["ImportResult", "ImportWarning", "gedcom", "ped"]

OnError = Literal["raise", "quarantine"]

PathLike = str | os.PathLike[str]


class ImportWarning(UserWarning):
    """A pedigree file was read with lossy conversions (see :attr:`ImportResult.counts`)."""


@dataclass(frozen=True)
class ImportResult:
    """A pedigree file read into famgraph, with what famgraph itself cannot hold.

    Attributes
    ----------
    dataset
        The validated dataset.
    ids
        One row per person: ``person_id`` and the file's own identifiers (PED: ``family``, ``id``;
        GEDCOM: ``xref``), the ``line`` that defines the person (0 for parents added with
        ``missing_parents="add"``) and ``added``. **Secure environment only**: these are the
        identifiers of the source file; never publish them.
    extra
        Columns of the file that famgraph has no column for (PED: affection status and any further
        columns), one row per person with a ``person_id`` column; empty when there are none.
    counts
        Number of each lossy or notable conversion (e.g. ``names_dropped``,
        ``dates_approximate``); zero counts are left out.
    """

    dataset: Dataset
    ids: pd.DataFrame
    extra: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)

    def __repr__(self) -> str:
        lossy = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        return f"<famgraph.formats.ImportResult: {self.dataset!r}; {lossy or 'no lossy conversions'}>"


# ---------------------------------------------------------------------------------------- errors


class IssueCollector:
    """Collects errors up to ``max_errors`` and raises one :class:`DataError` with all of them."""

    def __init__(self, file: str, max_errors: int = 100) -> None:
        if isinstance(max_errors, bool) or not isinstance(max_errors, int) or max_errors < 1:
            raise ValueError(f"max_errors={max_errors!r} (expected an integer >= 1)")
        self.file = file
        self.max_errors = max_errors
        self.errors: list[DataIssue] = []
        self.truncated = False

    def error(self, rule: str, line: int, column: str, value: str, message: str) -> None:
        if len(self.errors) >= self.max_errors:
            self.truncated = True
            return
        self.errors.append(DataIssue("error", rule, self.file, line, column, clip(value), message))

    @property
    def full(self) -> bool:
        return len(self.errors) >= self.max_errors

    def raise_if_errors(self) -> None:
        if self.errors:
            raise make_error(self.errors, self.truncated or self.full)


def clip(value: str, limit: int = CLIP_CHARS) -> str:
    """The value as shown in an issue: control characters escaped, at most ``limit`` characters
    (:func:`famgraph._errors.shown`)."""
    return shown(value, limit)


def make_error(errors: list[DataIssue], truncated: bool) -> DataError:
    """A :class:`DataError` whose message lists the first 20 errors, as the C++ loader does."""
    head = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    if truncated:
        head += " (stopped at the limit; there may be more)"
    lines = [head + " in the input:"]
    for k, e in enumerate(errors):
        if k == 20:
            lines.append(f"  ... and {len(errors) - 20} more")
            break
        lines.append(f"  {e}")
    return DataError("\n".join(lines), errors, truncated)


class Origin(NamedTuple):
    """Where a cell of a famgraph table came from in the pedigree file."""

    line: int
    column: str
    value: str


_NAMED_ID = re.compile(r"\b(person|father|mother|child|of) (-?\d+)\b")
_PATH_ID = re.compile(r"(-?\d+)(?= -> )|(?<=-> )(-?\d+)")


def remap_error(
    err: DataError,
    *,
    file: str,
    labels: Mapping[str, str],
    locate: Callable[[str, int, str], Origin],
    name_of: Callable[[int], str | None],
) -> DataError:
    """The validator's findings on converted tables, mapped back to the pedigree file.

    ``labels`` maps the table label given to :meth:`Dataset.from_pandas` to the table name;
    ``locate(table, row, column)`` gives the line, field and original value of a cell; ``name_of``
    gives the file's own name of a famgraph person id (or None). Person ids in the message are
    replaced by those names and ``label:line`` references by ``file:line``.
    """
    out: list[DataIssue] = []
    for issue in err.errors:
        table = labels.get(issue.file)
        if table is None:  # pragma: no cover - every table we build is labelled
            out.append(issue)
            continue
        origin = locate(table, issue.line - 2, issue.column) if issue.line >= 2 else Origin(0, "", "")
        out.append(
            DataIssue(
                issue.severity,
                issue.rule,
                file,
                origin.line,
                origin.column,
                clip(origin.value),
                translate_message(issue.message, file=file, labels=labels, locate=locate, name_of=name_of),
            )
        )
    return make_error(out, err.truncated)


def translate_message(
    message: str,
    *,
    file: str,
    labels: Mapping[str, str],
    locate: Callable[[str, int, str], Origin],
    name_of: Callable[[int], str | None],
) -> str:
    """A validator message with famgraph person ids and table lines replaced (see :func:`remap_error`)."""

    def named(m: re.Match[str]) -> str:
        name = name_of(int(m[2]))
        return f"{m[1]} {name}" if name is not None else m[0]

    def path_id(m: re.Match[str]) -> str:
        name = name_of(int(m[0]))
        return name if name is not None else m[0]

    message = _NAMED_ID.sub(named, message)
    message = _PATH_ID.sub(path_id, message)
    for label, table in labels.items():

        def line_ref(m: re.Match[str], table: str = table) -> str:
            return f"{file}:{locate(table, int(m[1]) - 2, '').line}"

        message = re.sub(re.escape(label) + r":(\d+)", line_ref, message)
    return message


# ------------------------------------------------------------------------------------- quarantine


class Quarantine:
    """Entries a format reader sets aside itself (lines it cannot read, links it cannot make),
    before the core quarantines what the famgraph rules reject (docs/data_quality.md)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[tuple[str, str, str, str, int, str, str, str, str]] = []

    def add(
        self,
        table: str,
        action: str,
        rule: str,
        line: int,
        column: str,
        value: str,
        message: str,
        record: str,
    ) -> None:
        self.rows.append((table, action, rule, self.file, line, column, clip(value), message, record))


def located_quarantine(
    ds: Dataset,
    own: Quarantine,
    *,
    labels: Mapping[str, str],
    locate: Callable[[str, int, str], Origin],
    name_of: Callable[[int], str | None],
    line_text: Callable[[int], str],
) -> None:
    """Replaces the dataset's quarantine by one located in the pedigree file: the reader's own
    entries plus the core's, mapped back with ``locate`` (as :func:`remap_error` does for errors);
    ``record`` is the text of the file's line."""
    from ..dataset import QUARANTINE_COLUMNS

    file = own.file
    rows = list(own.rows)
    for table, action, rule, _f, line, column, _value, message, _record in ds.quarantine_rows():
        origin = locate(table, line - 2, column) if line >= 2 else Origin(0, "", "")
        rows.append(
            (
                table,
                action,
                rule,
                file,
                origin.line,
                origin.column,
                clip(origin.value),
                translate_message(message, file=file, labels=labels, locate=locate, name_of=name_of),
                line_text(origin.line),
            )
        )
    order = {"persons": 0, "partnerships": 1, "lines": 2, "file": 3}
    rows.sort(key=lambda r: (order.get(r[0], 9), r[4]))
    df = pd.DataFrame(rows, columns=list(QUARANTINE_COLUMNS))
    for c in QUARANTINE_COLUMNS:
        if c != "line":
            df[c] = df[c].astype(object)
    df["line"] = df["line"].astype("int64")
    ds._quarantine_frame = df


def merged_error(own: list[DataIssue], err: DataError | None, truncated: bool) -> DataError:
    """The reader's own errors and the (remapped) core errors as one DataError, in line order,
    without repeating a finding both made."""
    seen = {(e.rule, e.line, e.column) for e in own}
    extra = [e for e in (err.errors if err is not None else []) if (e.rule, e.line, e.column) not in seen]
    merged = own + extra
    return make_error(merged, truncated or bool(err is not None and err.truncated))


# ----------------------------------------------------------------------------------------- files


def read_bytes(path: PathLike, *, utf16: Literal["error", "allow"] = "error") -> bytes:
    """The file's bytes; a clear error if it is missing, a folder, a FIFO, a device or a broken
    link, UTF-16 (unless ``utf16="allow"``) or has a line longer than 1 MiB (see
    :mod:`famgraph._files`)."""
    return _files.read_input(path, "a pedigree file", utf16=utf16)


_LINE_BREAK = re.compile(rb"\r\n|\n\r|\r|\n")


def split_lines(data: bytes) -> list[bytes]:
    """Physical lines, whatever the line terminator (CR, LF, CR LF, LF CR)."""
    lines = _LINE_BREAK.split(data)
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def write_atomic(path: PathLike, text: str, *, newline: str = "\n") -> Path:
    """Write ``text`` (UTF-8, ``\\n`` replaced by ``newline``) atomically
    (:func:`famgraph._files.write_output`: a temporary file renamed into place)."""
    return _files.write_output(path, text, newline=newline)


def warn_lossy(file: str, counts: Mapping[str, int], keys: tuple[str, ...]) -> None:
    """One :class:`ImportWarning` listing the lossy conversions among ``keys`` that occurred."""
    found = {k: counts[k] for k in keys if counts.get(k)}
    if found:
        listed = ", ".join(f"{k} {v}" for k, v in found.items())
        warnings.warn(
            f"{file}: read with lossy conversions ({listed}); use read_full() for the counts",
            ImportWarning,
            stacklevel=3,
        )


def check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} (expected one of {', '.join(repr(a) for a in allowed)})")


from . import gedcom, ped  # noqa: E402  (the format modules use the helpers above)


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
