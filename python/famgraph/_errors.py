"""Structured data-quality findings, the exception raised for invalid input, and how values are
shown in messages (:func:`shown`: control characters escaped, clipped to 80 characters)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: Longest value (in characters) that a message or :attr:`DataIssue.value` shows; longer values
#: are clipped with a marker giving their length, e.g. ``1234567890…(5000000 chars)``. The C++
#: core clips the same way (``famgraph::shown`` in include/famgraph/data_error.hpp).
CLIP_CHARS = 80

# Invisible characters that could make a message lie about its content (line and paragraph
# separators, bidirectional overrides, the byte-order mark): escaped like control characters.
_INVISIBLE = frozenset(
    [0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _unit(c: str) -> str:
    o = ord(c)
    if 0x20 <= o < 0x7F or (o > 0x9F and o not in _INVISIBLE and not 0xD800 <= o <= 0xDFFF):
        return c
    if c in _NAMED:
        return _NAMED[c]
    if o <= 0xFF:
        return f"\\x{o:02x}"
    if 0xDC80 <= o <= 0xDCFF:  # a byte kept by errors="surrogateescape": show the byte
        return f"\\x{o - 0xDC00:02x}"
    return f"\\u{o:04x}"


def escape(text: str) -> str:
    """``text`` with control and invisible characters escaped (``\\x00``, ``\\n``, ``\\u202e``).

    Backslashes are kept as they are. The C++ core escapes the same characters, and shows each
    byte that is not valid UTF-8 as ``\\xNN``.

    >>> escape("a\\x00b\\n")
    'a\\\\x00b\\\\n'
    """
    return "".join(_unit(c) for c in text)


def shown(value: Any, limit: int = CLIP_CHARS) -> str:
    """A value as a message shows it: escaped (:func:`escape`) and at most ``limit`` characters.

    A longer value keeps its beginning and ends with ``…(N chars)``, N being the length of the
    value itself, so that a 5-million-digit id never fills a terminal.

    >>> shown("9" * 5_000_000)[-20:]
    '9999…(5000000 chars)'
    >>> len(shown("9" * 5_000_000))
    80
    """
    text = value if isinstance(value, str) else str(value)
    units = [_unit(c) for c in text]
    if sum(len(u) for u in units) <= limit:
        return "".join(units)
    marker = f"…({len(text)} chars)"
    out: list[str] = []
    used = len(marker)
    for u in units:
        if used + len(u) > limit:
            break
        out.append(u)
        used += len(u)
    return "".join(out) + marker


@dataclass(frozen=True)
class DataIssue:
    """One finding about the input.

    ``line`` is the 1-based line of the record in a CSV file (the header is line 1); for
    DataFrames and Parquet files it is the 0-based row position + 2, so that it reads the same as
    the line the row would have in a CSV export. ``0`` means the whole file. ``value`` is the
    offending text as :func:`shown` gives it (control characters escaped, at most 80 characters).
    """

    severity: str
    rule: str
    file: str
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.column:
            where += f":{self.column}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DataError(ValueError):
    """Input failed validation; nothing was loaded.

    ``errors`` lists every problem found (up to the error limit, 100 by default); ``truncated``
    is true when collection stopped at that limit.

    Example
    -------
    >>> import famgraph as fg
    >>> try:
    ...     fg.Dataset.from_csv("broken/")          # doctest: +SKIP
    ... except fg.DataError as e:
    ...     for issue in e.errors:
    ...         print(issue.file, issue.line, issue.column, issue.value)
    """

    def __init__(self, message: str, errors: list[DataIssue], truncated: bool = False) -> None:
        super().__init__(message)
        self.errors: list[DataIssue] = list(errors)
        self.truncated: bool = truncated

    def to_frame(self) -> Any:
        """The errors as a pandas DataFrame (one row per error)."""
        import pandas as pd

        cols = ["severity", "rule", "file", "line", "column", "value", "message"]
        return pd.DataFrame([e.to_dict() for e in self.errors], columns=cols)
