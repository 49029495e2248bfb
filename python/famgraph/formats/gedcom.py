"""GEDCOM 5.5.1 pedigree files (lineage-linked form).

What is read:

- ``INDI`` records: ``SEX`` (``M``/``F``/``U``; empty or absent = ``U``), the ``DATE`` of the first
  ``BIRT`` (birth date) and of the first ``DEAT`` (exit date; an ``EVEN`` with ``TYPE famgraph
  exit``, as :func:`write` writes, also gives the exit date when there is no ``DEAT``), ``FAMC``
  (child of a family, with ``PEDI``) and ``FAMS`` (spouse in a family; only checked).
- ``FAM`` records: ``HUSB`` is the father and ``WIFE`` the mother of each ``CHIL`` (famgraph's
  parent roles are decided by the link, not by the recorded sex); the first ``MARR`` and ``DIV``
  dates give a partnership's start and end. A family with both ``HUSB`` and ``WIFE`` is a
  partnership when it has a ``MARR`` or ``DIV`` event or no children (co-parents are partners in
  famgraph anyway, docs/spec/common_rules.md §relations).
- A child linked to a family by ``CHIL`` or by ``FAMC`` (either is enough) gets its parents, unless
  ``FAMC.PEDI`` says ``adopted``, ``foster`` or ``sealed``: famgraph's parent links are biological
  (kinship), so these links are not used (counted as ``non_birth_links``). A child of several
  families takes the parents of all of them; two different fathers or mothers are an error
  (``gedcom.conflicting_parents``).
- **Names are personal data and are never imported**: ``NAME`` lines are dropped and counted
  (``names_dropped``); so is everything else not listed here (places, notes, sources, …).

Dates (``DATE`` values) are read as the GEDCOM grammar defines them and converted to famgraph's
``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY``:

=============================  =====================================  =========================
GEDCOM                         famgraph                               counted as
=============================  =====================================  =========================
``12 MAR 1985``                ``1985-03-12``
``MAR 1985``                   ``1985-03``
``1985``                       ``1985``
``ABT``/``CAL``/``EST`` *d*    the date *d* (imprecise, kept)         ``dates_approximate``
``INT`` *d* ``(text)``         the date *d*                           ``dates_interpreted``
``BEF``/``AFT`` *d*,           unknown (a bound, not a date)          ``dates_range``
``BET`` *d1* ``AND`` *d2*
``FROM``/``TO`` periods        unknown                                ``dates_period``
``(text)``                     unknown                                ``dates_phrase``
Julian, Hebrew, French R.      unknown                                ``dates_calendar``
``B.C.``                       unknown                                ``dates_bc``
=============================  =====================================  =========================

Month names are read case-insensitively; ``@#DGREGORIAN@`` is accepted. Anything else, and years
outside famgraph's 1800–2200, is an error (``gedcom.date``), or unknown with
``invalid_dates="unknown"`` (counted).

Where the rules live: this module holds only the GEDCOM date *grammar* (month names, ``ABT``/``BET``
…, calendar escapes, dual years), which maps a ``DATE`` value to famgraph's date text. Whether that
text is a calendar date and inside the accepted years is decided by the core
(``famgraph._core.date_status``, the rules of include/famgraph/date.hpp), and the day number and
imputation of partial dates by the loader, as for every other input (docs/architecture.md).

The file may be UTF-8 (with or without BOM), ASCII or UTF-16 (with BOM); lines may end in CR, LF,
CR LF or LF CR; ``CONC``/``CONT`` continuation lines are joined. Person ``k`` of famgraph is the
*k*-th ``INDI`` record of the file (or, with ``person_ids="refn"``, the value of its ``REFN`` of
``TYPE famgraph person_id``, as :func:`write` writes them).

Example
-------
>>> import famgraph as fg
>>> r = fg.formats.gedcom.read_full("tests/fixtures/gedcom/three_generations.ged")
>>> r.dataset.n_persons, r.counts["names_dropped"]
(7, 7)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from .. import _rules
from .._errors import DataError
from ..dataset import Dataset
from . import (
    ImportResult,
    IssueCollector,
    OnError,
    Origin,
    PathLike,
    Quarantine,
    check_choice,
    clip,
    located_quarantine,
    merged_error,
    read_bytes,
    remap_error,
    split_lines,
    warn_lossy,
    write_atomic,
)

__all__ = ["GedcomDate", "format_date", "parse_date", "read", "read_full", "write"]

#: The years a GEDCOM import accepts by default (``min_year``/``max_year``; genealogies reach back
#: centuries, registers use 1800-2200).
MIN_YEAR, MAX_YEAR = 1000, 2200
#: The ``TYPE`` of the ``EVEN`` that :func:`write` uses for famgraph's exit date.
EXIT_EVENT_TYPE = "famgraph exit"
#: The ``TYPE`` of the ``REFN`` that :func:`write` uses for the famgraph ``person_id``.
REFN_TYPE = "famgraph person_id"

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_NO = {m: k + 1 for k, m in enumerate(_MONTHS)}
_LINE = re.compile(r"([0-9]+)[ \t]+(?:(@[^@\s#][^@\s]*@)[ \t]+)?([A-Za-z0-9_]+)(?:[ \t](.*))?")
_POINTER = re.compile(r"@[^@\s#][^@\s]*@")
_ESCAPE = re.compile(r"@#D([^@]*)@")
_LOSSY = (
    "dates_approximate",
    "dates_interpreted",
    "dates_range",
    "dates_period",
    "dates_phrase",
    "dates_calendar",
    "dates_bc",
    "dates_invalid_unknown",
    "non_birth_links",
    "immigration_after_emigration",
)
_PERSONS_LABEL, _PARTNERSHIPS_LABEL = "<persons>", "<partnerships>"


# ------------------------------------------------------------------------------------------ dates


class GedcomDate(NamedTuple):
    """A parsed GEDCOM ``DATE`` value: the famgraph date (or None) and its kind.

    ``kind`` is one of ``exact``, ``approximate``, ``interpreted`` (these three carry a date),
    ``range``, ``period``, ``phrase``, ``calendar``, ``bc``, ``empty`` (no date, valid),
    ``out_of_range`` (a valid date outside ``min_year``–``max_year``, by default 1000–2200;
    ``iso`` holds it) and ``invalid``.
    """

    iso: str | None
    kind: str


def _year(token: str) -> int | None:
    m = re.fullmatch(r"([0-9]{3,4})(?:/([0-9]{2}))?", token)
    if m is None:
        return None
    year = int(m[1])
    if m[2] is not None:  # dual dating 1699/00: the second is the new-style (Gregorian) year
        new = year // 100 * 100 + int(m[2])
        year = new if new > year else new + 100
    return year


def _plain_date(tokens: list[str], min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> GedcomDate:
    """``[DAY] [MONTH] YEAR [B.C.]`` with an optional calendar escape, as tokens."""
    if tokens and tokens[0].startswith("@#"):
        cal = tokens[0][2:]
        tokens = tokens[1:]
        if cal != "GREGORIAN":
            return GedcomDate(None, "calendar" if tokens else "invalid")
    if not tokens:
        return GedcomDate(None, "invalid")
    if tokens[-1] in ("B.C.", "BC", "BCE", "(B.C.)"):
        # Years before Christ may have fewer than three digits ("44 B.C.").
        inner = tokens[:-1]
        if inner and re.fullmatch("[0-9]{1,2}", inner[-1]):
            inner = [*inner[:-1], inner[-1].zfill(3)]
        ok = _plain_date(inner).kind in ("exact", "out_of_range")
        return GedcomDate(None, "bc" if ok else "invalid")
    if len(tokens) > 3:
        return GedcomDate(None, "invalid")
    year = _year(tokens[-1])
    if year is None:
        return GedcomDate(None, "invalid")
    month = day = 0
    if len(tokens) >= 2:
        month = _MONTH_NO.get(tokens[-2], 0)
        if month == 0:
            return GedcomDate(None, "invalid")
    if len(tokens) == 3:
        if not re.fullmatch(r"[0-9]{1,2}", tokens[0]):
            return GedcomDate(None, "invalid")
        day = int(tokens[0])
    iso = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")
    # The grammar above only maps the tokens to famgraph's date text; whether that is a calendar
    # date, and inside the accepted years, is the core's rule (include/famgraph/date.hpp).
    status = _rules.date_status(iso, min_year, max_year)
    if status == "invalid":
        return GedcomDate(None, "invalid")
    return GedcomDate(iso, "exact" if status == "valid" else "out_of_range")


def parse_date(text: str, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> GedcomDate:
    """Parse a GEDCOM 5.5.1 ``DATE`` value (see the module documentation for the mapping).

    Example
    -------
    >>> from famgraph.formats.gedcom import parse_date
    >>> parse_date("12 MAR 1985"), parse_date("ABT 1985"), parse_date("BET 1980 AND 1985")
    (GedcomDate(iso='1985-03-12', kind='exact'), GedcomDate(iso='1985', kind='approximate'), \
GedcomDate(iso=None, kind='range'))
    """
    t = text.strip()
    if not t:
        return GedcomDate(None, "empty")
    if t.startswith("("):
        return GedcomDate(None, "phrase" if t.endswith(")") else "invalid")
    t = _ESCAPE.sub(lambda m: " @#" + m[1].strip().upper().replace(" ", "_") + " ", t)
    tokens = t.upper().split()
    head, rest = tokens[0], tokens[1:]

    def valid(part: list[str]) -> bool:
        return _plain_date(part, min_year, max_year).kind in ("exact", "out_of_range", "calendar", "bc")

    if head in ("ABT", "CAL", "EST", "INT"):
        if head == "INT":
            close = " ".join(rest)
            cut = close.find("(")
            if cut >= 0:
                if not close.endswith(")"):
                    return GedcomDate(None, "invalid")
                close = close[:cut]
            rest = close.split()
        inner = _plain_date(rest, min_year, max_year)
        if inner.kind == "exact":
            return GedcomDate(inner.iso, "interpreted" if head == "INT" else "approximate")
        return inner
    if head in ("BEF", "AFT"):
        return GedcomDate(None, "range" if valid(rest) else "invalid")
    if head == "BET":
        if "AND" not in rest:
            return GedcomDate(None, "invalid")
        k = rest.index("AND")
        ok = valid(rest[:k]) and valid(rest[k + 1 :])
        return GedcomDate(None, "range" if ok else "invalid")
    if head == "FROM":
        if "TO" in rest:
            k = rest.index("TO")
            ok = valid(rest[:k]) and valid(rest[k + 1 :])
        else:
            ok = valid(rest)
        return GedcomDate(None, "period" if ok else "invalid")
    if head == "TO":
        return GedcomDate(None, "period" if valid(rest) else "invalid")
    return _plain_date(tokens, min_year, max_year)


def format_date(iso: str) -> str:
    """A famgraph date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) as a GEDCOM date.

    Example
    -------
    >>> from famgraph.formats.gedcom import format_date
    >>> format_date("1985-03-02"), format_date("1985-03"), format_date("1985")
    ('2 MAR 1985', 'MAR 1985', '1985')
    """
    parts = iso.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


# ------------------------------------------------------------------------------------------ lines


class _Node:
    """One GEDCOM line with its sub-lines (a plain slotted class: files have millions of lines)."""

    __slots__ = ("children", "level", "line", "tag", "value", "xref")

    def __init__(self, level: int, xref: str | None, tag: str, value: str, line: int) -> None:
        self.level, self.xref, self.tag, self.value, self.line = level, xref, tag, value, line
        self.children: list[_Node] = []

    def first(self, tag: str) -> _Node | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def all(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]


def _decode(data: bytes, log: IssueCollector, counts: dict[str, int]) -> list[tuple[int, str]]:
    """Numbered text lines: UTF-16 when it says so, else UTF-8 (invalid bytes replaced, counted)."""
    encoding = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif data.startswith(b"0\x00"):
        encoding = "utf-16-le"
    elif data.startswith(b"\x000"):
        encoding = "utf-16-be"
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            log.error("gedcom.encoding", 0, "", "", f"not valid {encoding.upper()} text (byte {e.start + 1})")
            return []
        text = text.lstrip("\ufeff")
        lines = re.split(r"\r\n|\n\r|\r|\n", text)
        if lines and lines[-1] == "":
            lines.pop()
        return list(enumerate(lines, start=1))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    out: list[tuple[int, str]] = []
    for k, raw in enumerate(split_lines(data), start=1):
        try:
            out.append((k, raw.decode("utf-8")))
        except UnicodeDecodeError:
            # Only ASCII tags, pointers and dates are used; names and notes are dropped anyway.
            counts["lines_not_utf8"] = counts.get("lines_not_utf8", 0) + 1
            out.append((k, raw.decode("utf-8", errors="replace")))
    return out


def _parse_lines(lines: list[tuple[int, str]], log: IssueCollector) -> list[_Node]:
    records: list[_Node] = []
    stack: list[_Node] = []
    for lineno, raw in lines:
        if log.full:
            break
        text = raw.strip(" \t\x1a\ufeff")
        if not text:
            continue
        m = _LINE.fullmatch(text)
        if m is None:
            token = text.split(maxsplit=1)[0] if text.split() else text
            if not re.fullmatch("[0-9]+", token):
                log.error("gedcom.level", lineno, "level", token, f"'{clip(token)}' is not a level number")
            else:
                log.error(
                    "gedcom.syntax",
                    lineno,
                    "",
                    text,
                    "expected 'level [@XREF@] TAG [value]' (a tag is letters, digits or _)",
                )
            continue
        level_text, xref, tag, value = m[1], m[2], m[3].upper(), m[4] or ""
        if len(level_text) > 2:
            log.error("gedcom.level", lineno, "level", level_text, f"level {level_text} (at most 99)")
            continue
        level = int(level_text)
        if level > len(stack):
            expected = "0" if not stack else f"at most {len(stack)}"
            log.error(
                "gedcom.level",
                lineno,
                "level",
                level_text,
                f"level {level} after level {len(stack) - 1 if stack else 'none'} (expected {expected})",
            )
            continue
        del stack[level:]
        node = _Node(level, xref, tag, value, lineno)
        if tag in ("CONC", "CONT"):
            if level == 0:
                log.error("gedcom.syntax", lineno, tag, value, f"{tag} cannot be a record (level 0)")
                continue
            stack[-1].value += ("\n" if tag == "CONT" else "") + value
        elif level == 0:
            records.append(node)
        else:
            stack[-1].children.append(node)
        stack.append(node)
    return records


# ------------------------------------------------------------------------------------------- read


class _Person:
    __slots__ = ("birth", "exit", "father", "mother", "node", "origin", "sex")

    def __init__(self, node: _Node) -> None:
        self.node = node
        self.sex = "U"
        self.birth: str | None = None
        self.exit: str | None = None
        self.mother = -1
        self.father = -1
        self.origin: dict[str, Origin] = {"person_id": Origin(node.line, "INDI", node.xref or "")}


class _Family:
    __slots__ = ("div", "end", "husb", "marr", "node", "origin", "start", "wife")

    def __init__(self, node: _Node) -> None:
        self.node = node
        self.husb = -1
        self.wife = -1
        self.marr = False
        self.div = False
        self.start: str | None = None
        self.end: str | None = None
        self.origin: dict[str, Origin] = {}


def read(
    path: PathLike,
    *,
    invalid_dates: Literal["error", "unknown"] = "error",
    person_ids: Literal["dense", "refn"] = "dense",
    max_errors: int = 100,
    on_error: OnError = "raise",
    min_year: int = MIN_YEAR,
    max_year: int = MAX_YEAR,
) -> Dataset:
    """Read a GEDCOM 5.5.1 file into a validated :class:`~famgraph.Dataset` (names are dropped).

    Warns once (:class:`~famgraph.formats.ImportWarning`) when dates were approximate, ranges,
    periods, phrases or in another calendar, or parent links were not by birth; the counts are in
    :func:`read_full`.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.formats.gedcom.read("tests/fixtures/gedcom/three_generations.ged")
    >>> ds.graph.kinship(5, 6)
    0.25
    """
    r = read_full(
        path,
        invalid_dates=invalid_dates,
        person_ids=person_ids,
        max_errors=max_errors,
        on_error=on_error,
        min_year=min_year,
        max_year=max_year,
    )
    warn_lossy(str(path), r.counts, _LOSSY)
    return r.dataset


def read_full(
    path: PathLike,
    *,
    invalid_dates: Literal["error", "unknown"] = "error",
    person_ids: Literal["dense", "refn"] = "dense",
    max_errors: int = 100,
    on_error: OnError = "raise",
    min_year: int = MIN_YEAR,
    max_year: int = MAX_YEAR,
) -> ImportResult:
    """Read a GEDCOM 5.5.1 file: the dataset, the xref of each person and the conversion counts.

    Parameters
    ----------
    path
        The GEDCOM file.
    invalid_dates
        ``"error"``: a ``DATE`` that does not follow the grammar, or a year outside
        ``min_year``–``max_year`` (default 1000–2200), is the error ``gedcom.date``;
        ``"unknown"``: it is read as unknown and counted (``dates_invalid_unknown``).
    person_ids
        ``"dense"``: person *k* is the *k*-th ``INDI`` record; ``"refn"``: the ``REFN`` of ``TYPE
        famgraph person_id`` of each ``INDI`` (written by :func:`write`; every ``INDI`` needs one).
    max_errors
        Stop collecting errors after this many.
    on_error
        ``"raise"`` (default): every problem of the file at once (structure, dates, pointers and
        the famgraph rules) as one :class:`~famgraph.DataError`. ``"quarantine"``: keep every
        valid record; an unreadable ``DATE`` or ``SEX`` is set aside (read as unknown; the person
        is kept), a pointer that cannot be followed, a conflicting parent or a parent link that
        breaks a famgraph rule is a dropped link, an unreadable line is skipped;
        ``dataset.quarantine`` locates each entry in the GEDCOM file (docs/data_quality.md).
        ``person_ids="refn"`` problems still raise.
    min_year, max_year
        The accepted years (default 1000–2200).

    Returns
    -------
    ImportResult
        ``ids``: ``person_id``, ``xref``, ``line``, ``added`` (always false); ``extra`` is empty;
        ``counts``: ``names_dropped``, ``dates_*`` (see the module documentation),
        ``non_birth_links``, ``birth_events_extra``, ``death_events_extra``, ``lines_not_utf8``.

    Raises
    ------
    DataError
        Every problem with file, line, the GEDCOM field (``level``, ``SEX``, ``BIRT.DATE``,
        ``FAMC``, ``HUSB``, …) and value: ``gedcom.level``, ``gedcom.syntax``,
        ``gedcom.structure`` (no ``HEAD`` first or no ``TRLR`` last), ``gedcom.encoding``,
        ``gedcom.duplicate_xref``, ``gedcom.pointer``, ``gedcom.dangling_xref``,
        ``gedcom.xref_type``, ``gedcom.cardinality``, ``gedcom.sex``, ``gedcom.date``,
        ``gedcom.conflicting_parents``, ``gedcom.refn``, and the famgraph rules checked after
        conversion (``parent.sex``, ``parent.born_after_child``, ``parent.cycle``, …) mapped back to
        the GEDCOM line.
    """
    check_choice("invalid_dates", invalid_dates, ("error", "unknown"))
    check_choice("person_ids", person_ids, ("dense", "refn"))
    check_choice("on_error", on_error, ("raise", "quarantine"))
    file = str(path)
    q = on_error == "quarantine"
    log = IssueCollector(file, 2**62 if q else max_errors)
    own = Quarantine(file)
    counts: dict[str, int] = {}

    def count(key: str, k: int = 1) -> None:
        counts[key] = counts.get(key, 0) + k

    lines = _decode(read_bytes(path, utf16="allow"), log, counts)
    text_of = dict(lines)
    records = _parse_lines(lines, log)
    if q and log.errors and not any(e.rule == "gedcom.encoding" for e in log.errors):
        # Unreadable lines are skipped (with what the parser could not attach), the rest is read.
        for e in log.errors:
            own.add("lines", "record", e.rule, e.line, e.column, e.value, e.message, text_of.get(e.line, ""))
        log.errors.clear()
    log.raise_if_errors()

    def problem(
        rule: str,
        line: int,
        column: str,
        value: str,
        message: str,
        table: str = "persons",
        action: str = "link",
    ) -> None:
        """An error (raise), or an entry the reader sets aside itself (quarantine)."""
        if q:
            own.add(table, action, rule, line, column, value, message, text_of.get(line, ""))
        else:
            log.error(rule, line, column, value, message)

    # Structure: HEAD first, TRLR last.
    if not records:
        log.error("gedcom.structure", 0, "", "", "no records (expected HEAD ... TRLR)")
        log.raise_if_errors()
    if records[0].tag != "HEAD":
        problem(
            "gedcom.structure",
            records[0].line,
            records[0].tag,
            records[0].tag,
            "the first record must be HEAD",
            "file",
            "record",
        )
    trlr = [k for k, r in enumerate(records) if r.tag == "TRLR"]
    if not trlr:
        problem(
            "gedcom.structure",
            lines[-1][0] if lines else 0,
            "",
            "",
            "no TRLR record at the end (the file may be truncated)",
            "file",
            "record",
        )
    elif trlr[0] != len(records) - 1:
        after = records[trlr[0] + 1]
        problem(
            "gedcom.structure",
            after.line,
            after.tag,
            after.tag,
            "record after TRLR (expected the end)",
            "file",
            "record",
        )

    # Cross-reference identifiers.
    kind_of: dict[str, tuple[str, int]] = {}
    for r in records:
        if r.tag in ("INDI", "FAM") and r.xref is None:
            problem(
                "gedcom.syntax",
                r.line,
                r.tag,
                r.tag,
                f"{r.tag} record without a cross-reference id",
                "persons" if r.tag == "INDI" else "partnerships",
                "record",
            )
        if r.xref is None:
            continue
        if r.xref in kind_of:
            problem(
                "gedcom.duplicate_xref",
                r.line,
                r.tag,
                r.xref,
                f"duplicate cross-reference id {clip(r.xref)} (first on line {kind_of[r.xref][1]})",
                "partnerships" if r.tag == "FAM" else "persons",
                "record",
            )
            continue
        kind_of[r.xref] = (r.tag, r.line)
    persons = [_Person(r) for r in records if r.tag == "INDI" and r.xref is not None]
    families = [_Family(r) for r in records if r.tag == "FAM" and r.xref is not None]
    # A duplicate xref keeps its first record only.
    persons = [p for p in persons if kind_of.get(p.node.xref or "", ("", -1))[1] == p.node.line]
    families = [f for f in families if kind_of.get(f.node.xref or "", ("", -1))[1] == f.node.line]
    person_of = {p.node.xref: k for k, p in enumerate(persons)}
    family_of = {f.node.xref: k for k, f in enumerate(families)}

    def pointer(node: _Node, want: str, where: str) -> int:
        """Index of the record a pointer names, or -1 after reporting it (a dropped link)."""
        v = node.value.strip()
        table = "partnerships" if where in ("HUSB", "WIFE") else "persons"
        if not _POINTER.fullmatch(v):
            problem(
                "gedcom.pointer",
                node.line,
                where,
                v,
                f"'{clip(v)}' is not a pointer (expected @XREF@)",
                table,
            )
            return -1
        if v not in kind_of:
            problem(
                "gedcom.dangling_xref",
                node.line,
                where,
                v,
                f"{v} does not name a record of this file",
                table,
            )
            return -1
        tag, line = kind_of[v]
        if tag != want:
            problem(
                "gedcom.xref_type",
                node.line,
                where,
                v,
                f"{v} is a {tag} record (line {line}); {where} must point to a {want} record",
                table,
            )
            return -1
        return (person_of if want == "INDI" else family_of)[v]

    bad_dates: list[tuple[str, Origin, str]] = []  # (rule, origin, message) of the record being read

    def date_of(event: _Node, where: str) -> tuple[str | None, Origin]:
        d = event.first("DATE")
        if d is None:
            return None, Origin(event.line, where, "")
        origin = Origin(d.line, f"{where}.DATE", d.value)
        parsed = parse_date(d.value, min_year, max_year)
        if parsed.kind in ("exact", "approximate", "interpreted"):
            if parsed.kind != "exact":
                count(f"dates_{parsed.kind}")
            return parsed.iso, origin
        if parsed.kind in ("range", "period", "phrase", "calendar", "bc"):
            count(f"dates_{parsed.kind}")
            return None, origin
        if parsed.kind == "empty":
            return None, origin
        if invalid_dates == "unknown":
            count("dates_invalid_unknown")
            return None, origin
        if parsed.kind == "out_of_range":
            msg = (
                f"'{clip(d.value)}' is outside the years {min_year}-{max_year} that famgraph accepts "
                "(min_year, max_year; invalid_dates='unknown' reads it as unknown)"
            )
        else:
            msg = (
                f"'{clip(d.value)}' is not a GEDCOM date (expected e.g. 12 MAR 1985, MAR 1985, 1985, "
                "ABT 1985, BEF 1985, BET 1980 AND 1985)"
            )
        if q:
            bad_dates.append(("gedcom.date", origin, msg))
        else:
            log.error("gedcom.date", d.line, f"{where}.DATE", d.value, msg)
        return None, origin

    # Individuals.
    links: list[tuple[int, int, int, str]] = []  # (line, person, family, tag)
    pedigree: dict[tuple[int, int], str] = {}
    refn: list[int | None] = [None] * len(persons)
    refn_line = [0] * len(persons)
    for k, p in enumerate(persons):
        node = p.node
        sexes = list(node.all("SEX"))
        for more in sexes[1:]:
            problem(
                "gedcom.cardinality", more.line, "SEX", more.value, "more than one SEX line", action="field"
            )
        if sexes:
            code = sexes[0].value.strip().upper()
            p.origin["sex"] = Origin(sexes[0].line, "SEX", sexes[0].value)
            if code in ("M", "F", "U"):
                p.sex = code
            elif code:
                msg = f"'{clip(sexes[0].value)}' is not a sex (expected M, F or U)"
                # Quarantine: the value is set aside (read as U), the person kept.
                problem("gedcom.sex", sexes[0].line, "SEX", sexes[0].value, msg, action="field")
        count("names_dropped", sum(1 for _ in node.all("NAME")))
        births = list(node.all("BIRT"))
        if births:
            p.birth, p.origin["birth_date"] = date_of(births[0], "BIRT")
            count("birth_events_extra", len(births) - 1)
        deaths = list(node.all("DEAT"))
        if deaths:
            p.exit, p.origin["exit_date"] = date_of(deaths[0], "DEAT")
            count("death_events_extra", len(deaths) - 1)
        else:
            for even in node.all("EVEN"):
                t = even.first("TYPE")
                if t is not None and t.value.strip().lower() == EXIT_EVENT_TYPE:
                    p.exit, p.origin["exit_date"] = date_of(even, "EVEN")
                    break
            else:
                # Emigration ends observation as death does; a later IMMI (return) cannot reopen
                # it, as famgraph has one observation window per person: counted.
                emig = node.first("EMIG")
                if emig is not None:
                    p.exit, p.origin["exit_date"] = date_of(emig, "EMIG")
                    count("exits_emigration")
                    if node.first("IMMI") is not None:
                        count("immigration_after_emigration")
        # Quarantine: an unreadable DATE is set aside (read as unknown), the person kept — a
        # genealogy's dates are facts of a record whose links stay valid.
        for rule, origin, msg in bad_dates:
            problem(rule, origin.line, origin.column, origin.value, msg, action="field")
        bad_dates.clear()
        for famc in node.all("FAMC"):
            f = pointer(famc, "FAM", "FAMC")
            if f < 0:
                continue
            links.append((famc.line, k, f, "FAMC"))
            pedi = famc.first("PEDI")
            if pedi is not None:
                pedigree.setdefault((k, f), pedi.value.strip().lower())
        for fams in node.all("FAMS"):
            pointer(fams, "FAM", "FAMS")
        if person_ids == "refn":
            bad_refn = False
            for r in node.all("REFN"):
                t = r.first("TYPE")
                if t is not None and t.value.strip().lower() == REFN_TYPE.lower():
                    v = r.value.strip()
                    if refn[k] is not None:
                        bad_refn = True
                        log.error("gedcom.refn", r.line, "REFN", v, f"more than one REFN of TYPE {REFN_TYPE}")
                    elif re.fullmatch(r"[+-]?[0-9]{1,19}", v) and -(2**63) < int(v) < 2**63:
                        refn[k], refn_line[k] = int(v), r.line
                    else:
                        bad_refn = True
                        log.error(
                            "gedcom.refn", r.line, "REFN", v, f"'{clip(v)}' is not a famgraph person_id"
                        )
            if refn[k] is None and not bad_refn:
                log.error(
                    "gedcom.refn",
                    node.line,
                    "INDI",
                    node.xref or "",
                    f"no REFN of TYPE {REFN_TYPE} (person_ids='refn' needs one in every INDI)",
                )

    if person_ids == "refn":
        first_line: dict[int, int] = {}
        for k, value in enumerate(refn):
            if value is None:
                continue
            if value in first_line:
                log.error(
                    "gedcom.refn",
                    refn_line[k],
                    "REFN",
                    str(value),
                    f"person_id {value} is also the REFN on line {first_line[value]}",
                )
            first_line.setdefault(value, refn_line[k])

    # Families.
    has_children: set[int] = set()
    for j, fam in enumerate(families):
        node = fam.node
        for tag in ("HUSB", "WIFE"):
            spouses = list(node.all(tag))
            for more in spouses[1:]:
                problem(
                    "gedcom.cardinality",
                    more.line,
                    tag,
                    more.value,
                    f"more than one {tag} line",
                    "partnerships",
                )
            if spouses:
                i = pointer(spouses[0], "INDI", tag)
                if i >= 0:
                    fam.origin["person_a" if tag == "HUSB" else "person_b"] = Origin(
                        spouses[0].line, tag, spouses[0].value.strip()
                    )
                    if tag == "HUSB":
                        fam.husb = i
                    else:
                        fam.wife = i
        for chil in node.all("CHIL"):
            i = pointer(chil, "INDI", "CHIL")
            if i >= 0:
                links.append((chil.line, i, j, "CHIL"))
        marr, div = node.first("MARR"), node.first("DIV")
        if marr is not None:
            fam.marr = True
            fam.start, fam.origin["start_date"] = date_of(marr, "MARR")
        if div is not None:
            fam.div = True
            fam.end, fam.origin["end_date"] = date_of(div, "DIV")
        for rule, origin, msg in bad_dates:
            problem(rule, origin.line, origin.column, origin.value, msg, "partnerships", "field")
        bad_dates.clear()

    # Parents from the families each child belongs to.
    links.sort()
    seen: set[tuple[int, int]] = set()
    for line, k, j, tag in links:
        has_children.add(j)
        if (k, j) in seen:
            continue
        seen.add((k, j))
        if pedigree.get((k, j), "birth") not in ("birth", ""):
            count("non_birth_links")
            continue
        p, fam = persons[k], families[j]
        for role, parent in (("father", fam.husb), ("mother", fam.wife)):
            if parent < 0:
                continue
            current = p.father if role == "father" else p.mother
            if current >= 0 and current != parent:
                previous = p.origin[f"{role}_id"]
                problem(
                    "gedcom.conflicting_parents",
                    line,
                    tag,
                    fam.node.xref or "",
                    f"{p.node.xref} is a child of {fam.node.xref} with {role} "
                    f"{persons[parent].node.xref} and, "
                    f"by line {previous.line}, has {role} {persons[current].node.xref}: famgraph records "
                    "one father and one mother (mark other links FAMC.PEDI adopted or foster)",
                )
                continue
            if current < 0:
                if role == "father":
                    p.father = parent
                else:
                    p.mother = parent
                p.origin[f"{role}_id"] = Origin(line, tag, persons[parent].node.xref or "")
    if any(e.rule == "gedcom.refn" for e in log.errors) or log.full:
        log.raise_if_errors()  # without usable ids (or past the limit) the famgraph rules cannot run

    n = len(persons)
    if person_ids == "refn":
        pid = np.array([v if v is not None else 0 for v in refn], dtype=np.int64)
    else:
        pid = np.arange(1, n + 1, dtype=np.int64)

    def id_column(index: list[int]) -> pd.Series:
        arr = pd.array([int(pid[i]) if i >= 0 else None for i in index], dtype="Int64")
        return pd.Series(arr)

    frame = pd.DataFrame(
        {
            "person_id": pid,
            "sex": pd.Series([p.sex for p in persons], dtype=object),
            "birth_date": pd.Series([p.birth for p in persons], dtype=object),
            "exit_date": pd.Series([p.exit for p in persons], dtype=object),
            "mother_id": id_column([p.mother for p in persons]),
            "father_id": id_column([p.father for p in persons]),
        }
    )
    couples = [
        f
        for j, f in enumerate(families)
        if f.husb >= 0 and f.wife >= 0 and (f.marr or f.div or j not in has_children)
    ]
    partnerships = pd.DataFrame(
        {
            "person_a": id_column([f.husb for f in couples]),
            "person_b": id_column([f.wife for f in couples]),
            "start_date": pd.Series([f.start for f in couples], dtype=object),
            "end_date": pd.Series([f.end for f in couples], dtype=object),
        }
    )
    index_of = {int(v): k for k, v in enumerate(pid)}

    def name_of(i: int) -> str | None:
        k = index_of.get(i)
        return persons[k].node.xref if k is not None else None

    def locate(table: str, row: int, column: str) -> Origin:
        if table == "persons" and 0 <= row < n:
            p = persons[row]
            key = column if column in p.origin else "person_id"
            if column == "mother_id/father_id":
                return Origin(p.node.line, "INDI", p.node.xref or "")
            return p.origin[key]
        if table == "partnerships" and 0 <= row < len(couples):
            f = couples[row]
            return f.origin.get(column, Origin(f.node.line, "FAM", f.node.xref or ""))
        return Origin(0, "", "")

    labels = {"persons": _PERSONS_LABEL, "partnerships": _PARTNERSHIPS_LABEL}
    back = {_PERSONS_LABEL: "persons", _PARTNERSHIPS_LABEL: "partnerships"}
    try:
        ds = Dataset.from_pandas(
            frame,
            partnerships,
            labels=labels,
            max_errors=max_errors,
            on_error=on_error,
            min_year=min_year,
            max_year=max_year,
        )
    except DataError as e:
        # Every problem in one pass: the reader's own and the core's, in the GEDCOM file's terms.
        remapped = remap_error(e, file=file, labels=back, locate=locate, name_of=name_of)
        raise merged_error(log.errors, remapped, log.truncated or log.full) from None
    if log.errors:
        raise merged_error(log.errors, None, log.truncated or log.full)
    ds.origin = file
    if q:
        located_quarantine(
            ds, own, labels=back, locate=locate, name_of=name_of, line_text=lambda k: text_of.get(k, "")
        )
    ids = pd.DataFrame(
        {
            "person_id": pid,
            "xref": pd.Series([p.node.xref for p in persons], dtype=object),
            "line": np.array([p.node.line for p in persons], dtype=np.int64),
            "added": np.zeros(n, dtype=bool),
        }
    )
    if q and len(ds.persons) < n:  # persons set aside are not in the dataset, nor in its mapping
        ids = ids[ids["person_id"].isin(ds.persons["person_id"])].reset_index(drop=True)
    extra = pd.DataFrame({"person_id": ids["person_id"].to_numpy()})
    return ImportResult(ds, ids, extra, {k: v for k, v in counts.items() if v})


# ------------------------------------------------------------------------------------------ write


def _xrefs(n: int, prefix: str, taken: set[str]) -> list[str]:
    """``@<prefix><k>@`` for k = 1..n, with the prefix lengthened until none is taken."""
    while True:
        out = [f"@{prefix}{k}@" for k in range(1, n + 1)]
        if not taken.intersection(out):
            return out
        prefix += "_"


def write(ds: Dataset, path: PathLike, *, ids: pd.DataFrame | None = None) -> Path:
    """Write the pedigree of ``ds`` as a GEDCOM 5.5.1 file (UTF-8, atomically), without names.

    The file has ``HEAD`` (``GEDC VERS 5.5.1``, ``FORM LINEAGE-LINKED``, ``CHAR UTF-8``), one
    ``SUBM`` record (named ``famgraph``), one ``INDI`` per person and ``TRLR``. Each ``INDI`` has a
    ``REFN`` with the ``person_id`` (``TYPE famgraph person_id``), ``SEX``, ``BIRT.DATE``, the exit
    date as ``EVEN`` of ``TYPE famgraph exit`` (famgraph does not know whether an exit is a death
    or an emigration), ``FAMC`` and ``FAMS``. Families: one ``FAM`` per partnership row (``HUSB`` =
    the male partner when the pair is male–female, else ``person_a``; ``MARR`` with the start date,
    or ``MARR Y`` without one; ``DIV`` with the end date), and one per pair of recorded parents
    (``HUSB`` = father, ``WIFE`` = mother) holding their common children — the partnership's
    ``FAM`` when it has the same ``HUSB`` and ``WIFE``, else a ``FAM`` without ``MARR``. Events and
    contacts are not written.

    ``ids`` (``person_id``, ``xref``, e.g. from :func:`read_full`) restores the original ``INDI``
    cross-reference ids — each as it was read, also one longer than the 22 characters GEDCOM 5.5.1
    allows (real files have them); by default person *k* in ``person_id`` order is ``@I<k>@``.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=200, seed=1, progress=False)
    >>> fg.formats.gedcom.write(ds, "population.ged")            # doctest: +SKIP
    """
    from .. import __version__

    persons = ds.persons
    pid = persons["person_id"].to_numpy(dtype=np.int64)
    n = len(pid)
    if ids is not None:
        if not {"person_id", "xref"} <= set(ids.columns):
            raise ValueError("ids: expected the columns person_id and xref")
        table = ids.drop_duplicates("person_id").set_index("person_id")
        absent = ~np.isin(pid, table.index.to_numpy())
        if absent.any():
            raise ValueError(f"ids: {int(absent.sum())} person(s) of the dataset have no row in ids")
        xref = [str(v) for v in table.loc[pid, "xref"]]
        # Every xref the reader accepts is written back as it was: GEDCOM 5.5.1 limits an xref
        # to 22 characters, but real files exceed it and ids= restores the file's own identifiers.
        for v in xref:
            if not _POINTER.fullmatch(v):
                raise ValueError(f"ids: {v!r} is not a GEDCOM cross-reference id (@XREF@)")
        if len(set(xref)) != n:
            raise ValueError("ids: the same xref is given to two persons")
    else:
        xref = _xrefs(n, "I", set())
    id_index = pd.Index(pid)

    def index(col: pd.Series) -> np.ndarray:
        known = col.notna().to_numpy()
        j = id_index.get_indexer(col.fillna(0).to_numpy(dtype=np.int64))
        return np.where(known, j, -1)

    mother, father = index(persons["mother_id"]), index(persons["father_id"])
    sex = persons["sex"].to_numpy(dtype=object)
    parts = ds.partnerships
    pa, pb = index(parts["person_a"]), index(parts["person_b"])

    # Families: partnerships first (in table order), then parent pairs (in order of first child).
    fam_husb: list[int] = []
    fam_wife: list[int] = []
    fam_marr: list[tuple[bool, str | None, str | None]] = []
    fam_children: list[list[int]] = []
    first_fam: dict[tuple[int, int], int] = {}
    for r in range(len(parts)):
        a, b = int(pa[r]), int(pb[r])
        if sex[a] == "F" and sex[b] == "M":
            a, b = b, a
        first_fam.setdefault((a, b), len(fam_husb))
        fam_husb.append(a)
        fam_wife.append(b)
        s, e = parts["start_date"].iloc[r], parts["end_date"].iloc[r]
        fam_marr.append((True, None if pd.isna(s) else str(s), None if pd.isna(e) else str(e)))
        fam_children.append([])
    for c in range(n):
        key = (int(father[c]), int(mother[c]))
        if key == (-1, -1):
            continue
        j = first_fam.get(key)
        if j is None:
            j = first_fam[key] = len(fam_husb)
            fam_husb.append(key[0])
            fam_wife.append(key[1])
            fam_marr.append((False, None, None))
            fam_children.append([])
        fam_children[j].append(c)
    fref = _xrefs(len(fam_husb), "F", set(xref))
    sref = _xrefs(1, "SUBM", set(xref) | set(fref))[0]
    famc: list[list[int]] = [[] for _ in range(n)]
    fams: list[list[int]] = [[] for _ in range(n)]
    for j in range(len(fam_husb)):
        for c in fam_children[j]:
            famc[c].append(j)
        for s_ in (fam_husb[j], fam_wife[j]):
            if s_ >= 0 and j not in fams[s_]:
                fams[s_].append(j)

    birth = persons["birth_date"].to_numpy(dtype=object)
    exit_ = persons["exit_date"].to_numpy(dtype=object)
    out = [
        "0 HEAD",
        "1 SOUR famgraph",
        f"2 VERS {__version__}",
        "2 NAME famgraph",
        f"1 SUBM {sref}",
        "1 GEDC",
        "2 VERS 5.5.1",
        "2 FORM LINEAGE-LINKED",
        "1 CHAR UTF-8",
        f"0 {sref} SUBM",
        "1 NAME famgraph",
    ]
    for k in range(n):
        out += [f"0 {xref[k]} INDI", f"1 REFN {pid[k]}", f"2 TYPE {REFN_TYPE}", f"1 SEX {sex[k]}"]
        if isinstance(birth[k], str):
            out += ["1 BIRT", f"2 DATE {format_date(birth[k])}"]
        if isinstance(exit_[k], str):
            out += ["1 EVEN", f"2 TYPE {EXIT_EVENT_TYPE}", f"2 DATE {format_date(exit_[k])}"]
        out += [f"1 FAMC {fref[j]}" for j in famc[k]]
        out += [f"1 FAMS {fref[j]}" for j in fams[k]]
    for j in range(len(fam_husb)):
        out.append(f"0 {fref[j]} FAM")
        if fam_husb[j] >= 0:
            out.append(f"1 HUSB {xref[fam_husb[j]]}")
        if fam_wife[j] >= 0:
            out.append(f"1 WIFE {xref[fam_wife[j]]}")
        out += [f"1 CHIL {xref[c]}" for c in fam_children[j]]
        married, start, end = fam_marr[j]
        if married:
            out += ["1 MARR", f"2 DATE {format_date(start)}"] if start else ["1 MARR Y"]
            if end:
                out += ["1 DIV", f"2 DATE {format_date(end)}"]
    out.append("0 TRLR")
    return write_atomic(path, "\n".join(out) + "\n")
