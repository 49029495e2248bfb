"""Loaders for national-statistics (CBS) microdata: person tables and the child–parent table.

CBS microdata identify a person by the pair (``RINPERSOONS``, ``RINPERSOON``): the *kind* of number
(``"R"`` for persons in the population register) and the number itself (9 digits, already a
pseudonym). This module reads

- the **child–parent table** (``KINDOUDERTAB``): ``RINPERSOONS``, ``RINPERSOON`` of the child,
  ``RINPERSOONSpa``/``RINPERSOONpa`` of the father and ``RINPERSOONSMa``/``RINPERSOONMa`` of the
  mother;
- a **person table** (e.g. ``GBAPERSOONTAB``): ``RINPERSOONS``, ``RINPERSOON``, the sex
  (``GBAGESLACHT``: 1 = man, 2 = vrouw) and the birth year and month (``GBAGEBOORTEJAAR``,
  ``GBAGEBOORTEMAAND``);

from CSV or SPSS ``.sav`` files (the latter needs ``pyreadstat``: ``pip install
famgraph[microdata]``) or from DataFrames, and turns them into the famgraph persons table.

The famgraph ``person_id`` of a pair is ``k · 10⁹ + RINPERSOON`` where ``k`` is the position of the
kind in ``kinds`` (default ``("R",)``, so a register person's id is their RINPERSOON as a number):
deterministic, the same in every load, and reversible (:func:`split_key`). A parent whose number is
missing or ``000000000``, or whose kind is not one of ``kinds``, is an *unknown* parent (counted).
The birth date is ``YYYY-MM`` (a famgraph partial date: the 15th) or ``YYYY`` when the month is
missing. Every bad row is reported (file, line, column, value), up to ``max_errors``, as one
:class:`famgraph.DataError`; a missing or renamed variable gives an error listing what was
expected, what was found and the closest matches. The rules are in ``docs/microdata.md``.

Example
-------
>>> import famgraph as fg
>>> ds = fg.microdata.load(child_parent="kindoudertab.csv", persons="persons.sav")  # doctest: +SKIP
>>> ds.graph.relatives("grandparent")                                               # doctest: +SKIP
"""

from __future__ import annotations

import calendar
import csv
import difflib
import io
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final, Literal

import numpy as np
import pandas as pd

from . import _files
from ._convert import TABLE_COLUMNS
from ._errors import CLIP_CHARS, DataError, DataIssue, shown

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = [
    "CHILD_PARENT_VARIABLES",
    "PERSON_VARIABLES",
    "SEX_CODES",
    "MicrodataTables",
    "load",
    "load_child_parent",
    "load_persons",
    "load_tables",
    "person_key",
    "split_key",
]

#: Role → variable name of the child–parent table (KINDOUDERTAB).
CHILD_PARENT_VARIABLES: Final[Mapping[str, str]] = {
    "kind": "RINPERSOONS",
    "number": "RINPERSOON",
    "father_kind": "RINPERSOONSpa",
    "father_number": "RINPERSOONpa",
    "mother_kind": "RINPERSOONSMa",
    "mother_number": "RINPERSOONMa",
}
#: Role → variable name of the person table (GBAPERSOONTAB). ``sex``, ``birth_year`` and
#: ``birth_month`` may be set to ``None`` when a table lacks them.
PERSON_VARIABLES: Final[Mapping[str, str]] = {
    "kind": "RINPERSOONS",
    "number": "RINPERSOON",
    "sex": "GBAGESLACHT",
    "birth_year": "GBAGEBOORTEJAAR",
    "birth_month": "GBAGEBOORTEMAAND",
}
#: Optional roles of the person table, off unless named: ``death_date`` (e.g. ``GBADatumOverlijden``
#: of GBAOVERLIJDENTAB joined to the person table; ``YYYYMMDD`` or ``YYYY-MM-DD``) becomes the
#: person's ``exit_date``, so that deaths end follow-up (docs/microdata.md).
PERSON_OPTIONAL_VARIABLES: Final[Mapping[str, str | None]] = {"death_date": None}
#: Codes of ``GBAGESLACHT``: 1 = man, 2 = vrouw. A missing value is sex ``U``.
SEX_CODES: Final[Mapping[str, str]] = {"1": "M", "2": "F"}

_OPTIONAL = frozenset({"sex", "birth_year", "birth_month", "death_date"})
_DEATH_RE = re.compile(r"([0-9]{4})-?([0-9]{2})-?([0-9]{2})")
_KIND_ROLES = frozenset({"kind", "father_kind", "mother_kind"})
_NUMBER_WIDTH: Final = 9
_BASE: Final = 10**_NUMBER_WIDTH
_NUMBER_RE = re.compile(r"[0-9]{1,9}")
_YEAR_RE = re.compile(r"[0-9]{4}")
_MONTH_RE = re.compile(r"[0-9]{1,2}")
_VALUE_CHARS: Final = CLIP_CHARS

Source = str | os.PathLike[str] | pd.DataFrame | BinaryIO
ParentSex = Literal["error", "unknown"]


# ---------------------------------------------------------------------------------------------- errors


class _Issues:
    """Collects findings up to a limit and raises them together as one DataError."""

    def __init__(self, max_errors: int) -> None:
        if isinstance(max_errors, bool) or not isinstance(max_errors, int) or max_errors < 1:
            raise ValueError(f"max_errors={max_errors!r} (expected an integer >= 1)")
        self.max = max_errors
        self.items: list[DataIssue] = []
        self.truncated = False

    @property
    def full(self) -> bool:
        return len(self.items) >= self.max

    def add(self, rule: str, file: str, line: int, column: str, value: object, message: str) -> None:
        if self.full:
            self.truncated = True
            return
        # escaped and clipped to 80 characters, as every value in a message (docs/data_formats.md)
        text = "" if value is None else shown(value, _VALUE_CHARS)
        # the message names the value, as the CSV loader's messages do ("13: not a birth month ...")
        if text and f"'{text}'" not in message:
            message = f"'{text}': {message}"
        self.items.append(DataIssue("error", rule, file, int(line), column, text, message))

    def extend(self, other: list[DataIssue], truncated: bool = False) -> None:
        for issue in other:
            if self.full:
                self.truncated = True
                return
            self.items.append(issue)
        self.truncated |= truncated

    def raise_if_any(self) -> None:
        if self.items:
            raise _error(self.items, self.truncated)


def _error(items: list[DataIssue], truncated: bool) -> DataError:
    n = len(items)
    head = f"{n}{'+' if truncated else ''} error{'s' if n != 1 else ''} in the input"
    if truncated:
        head += f" (stopped after the first {n})"
    return DataError(head + ":\n" + "\n".join(f"  {i}" for i in items), items, truncated)


def _listed(names: list[str], limit: int = 30) -> str:
    """Names for a message: each shown (escaped, clipped), at most ``limit`` of them."""
    out = ", ".join(shown(n) for n in names[:limit])
    return out + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _fail(rule: str, file: str, line: int, column: str, value: object, message: str) -> DataError:
    issues = _Issues(1)
    issues.add(rule, file, line, column, value, message)
    return _error(issues.items, False)


# ---------------------------------------------------------------------------------------------- reading


@dataclass
class _Table:
    """The raw text of the needed variables: one list per variable, ``None`` = missing."""

    label: str
    found: list[str]
    names: dict[str, str]  # role -> the variable's actual name
    columns: dict[str, list[str | None]]
    lines: np.ndarray  # int64, the line of each row (CSV) or position + 2

    def name(self, role: str) -> str:
        return self.names.get(role, role)


def _text(value: object) -> str | None:
    """One cell as stripped text; integral floats (SPSS numerics) lose their ``.0``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        x = float(value)
        if np.isnan(x):
            return None
        if np.isfinite(x) and x == np.floor(x) and abs(x) < 2.0**63:
            return str(int(x))
        return repr(x)
    if isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", "backslashreplace").strip()
    else:
        text = str(value).strip()
    return text if text else None


def _resolve_variables(
    label: str, found: list[str], wanted: Mapping[str, str | None], expected_order: list[str]
) -> dict[str, str]:
    """Role → the actual column name; exact match first, then a unique case-insensitive match."""
    by_lower: dict[str, list[str]] = {}
    for column in found:
        by_lower.setdefault(column.lower(), []).append(column)
    resolved: dict[str, str] = {}
    issues = _Issues(100)
    expected_names = [str(wanted[r]) for r in expected_order if wanted.get(r) is not None]
    for role in expected_order:
        name = wanted.get(role)
        if name is None:
            continue
        if name in found:
            resolved[role] = name
            continue
        candidates = by_lower.get(name.lower(), [])
        if len(candidates) == 1:
            resolved[role] = candidates[0]
            continue
        lower_found = {f.lower(): f for f in found}
        close = [lower_found[c] for c in difflib.get_close_matches(name.lower(), list(lower_found), n=3)]
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ";"
        issues.add(
            "microdata.missing_variable",
            label,
            0,
            name,
            "",
            f"variable {name!r} ({role.replace('_', ' ')}) not found{hint} expected variables: "
            f"{', '.join(expected_names)}; found: {_listed(found) if found else '(none)'}. "
            f"Pass variables={{{role!r}: 'ACTUAL_NAME'}} if it has another name"
            + (f" or {{{role!r}: None}} if the table has none." if role in _OPTIONAL else "."),
        )
    issues.raise_if_any()
    return resolved


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _read_csv(data: bytes, label: str, sep: str | None) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and the first line of each row; blank lines are not rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise _fail(
            "microdata.encoding",
            label,
            line,
            "",
            data[e.start : e.start + 8].hex(" "),
            f"the file is not valid UTF-8 (byte offset {e.start}); re-export it as UTF-8",
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = sep if sep is not None else _sniff_separator(first_line)
    if len(delimiter) != 1 or delimiter in '\r\n"':
        raise ValueError(f"sep={delimiter!r} (expected one character other than a quote or line break)")
    if '"' not in text:
        plain = text.replace("\r\n", "\n")
        if "\r" not in plain:
            # Fast path, same result as the csv module: without quotes every record is one line.
            return _split_plain(plain, delimiter, label)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if not record or (len(record) == 1 and record[0].strip() == ""):
                continue
            if header is None:
                header = [h.strip() for h in record]
                continue
            rows.append(record)
            lines.append(start)
    except csv.Error as e:
        raise _fail(
            "microdata.unreadable", label, reader.line_num, "", "", f"not a readable CSV file: {e}"
        ) from None
    if header is None:
        raise _fail("microdata.unreadable", label, 0, "", "", "the file is empty (no header row)")
    return header, rows, lines


def _split_plain(text: str, delimiter: str, label: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Records of a CSV text without quotes or lone CRs: one per non-blank line."""
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if header is None:
            header = [h.strip() for h in line.split(delimiter)]
            continue
        rows.append(line.split(delimiter))
        lines.append(number)
    if header is None:
        raise _fail("microdata.unreadable", label, 0, "", "", "the file is empty (no header row)")
    return header, rows, lines


def _sav_worker(path: str, out: str) -> None:  # pragma: no cover - runs in the child process
    """Read a .sav file and pickle ``("ok", frame)`` or ``("error", message)`` to ``out``."""
    import pickle
    import signal

    # A crash must end this child only: drop inherited handlers (e.g. a fuzzer's) for these.
    for sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGABRT):
        signal.signal(sig, signal.SIG_DFL)
    try:
        import warnings

        import pyreadstat

        with warnings.catch_warnings():
            # e.g. "column X is duplicated, renamed to X_duplicated1": an error, as in a CSV header
            warnings.simplefilter("error")
            _, meta = pyreadstat.read_sav(path, metadataonly=True)
            rows, cols = meta.number_rows or 0, meta.number_columns or 0
            with open(path, "rb") as f:
                zlib_compressed = f.read(4) == b"$FL3"
            # A case of an uncompressed or bytecode-compressed file takes at least one byte per
            # variable. A damaged header claiming more cases than that makes pyreadstat allocate
            # for all of them before it fails (found by fuzzing: 33 million cases in 2.6 kB).
            if not zlib_compressed and rows * max(cols, 1) > os.path.getsize(path):
                raise ValueError(
                    f"the header claims {rows} cases of {cols} variables, more than the file's "
                    f"{os.path.getsize(path)} bytes can hold; the file is damaged or truncated"
                )
            frame, _meta = pyreadstat.read_sav(path, apply_value_formats=False, user_missing=False)
        if not isinstance(frame, pd.DataFrame):
            frame = pd.DataFrame(frame)
        result: tuple[str, Any] = ("ok", frame)
    except Exception as e:  # pyreadstat raises its own error types for every malformed file
        result = ("error", f"{type(e).__name__}: {e}")
    with open(out, "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)


def _read_sav(path: Path, label: str) -> pd.DataFrame:
    """The whole .sav file as a DataFrame, read in a child process.

    pyreadstat's C reader (ReadStat) can crash on a damaged file (found by fuzzing: a segmentation
    fault on a mutated header). Reading in a child process turns such a crash into a DataError
    instead of ending the user's session. The child is forked where possible (cheap: pyreadstat
    is already loaded), spawned elsewhere.
    """
    import importlib.util
    import multiprocessing
    import pickle
    import tempfile
    import warnings

    if importlib.util.find_spec("pyreadstat") is None:  # pragma: no cover - a dev requirement
        raise ImportError("reading SPSS .sav files needs pyreadstat: pip install 'famgraph[microdata]'")
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    with tempfile.TemporaryDirectory(prefix="famgraph-sav-") as tmp:
        out = os.path.join(tmp, "frame.pickle")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (Python >= 3.12)
            child = ctx.Process(target=_sav_worker, args=(str(path), out), daemon=True)  # type: ignore[attr-defined]
            child.start()
        child.join()
        if not os.path.exists(out):
            how = f"signal {-child.exitcode}" if (child.exitcode or 0) < 0 else f"exit {child.exitcode}"
            raise _fail(
                "microdata.unreadable",
                label,
                0,
                "",
                "",
                f"not a readable SPSS .sav file: the SPSS reader (pyreadstat) crashed on it ({how}); "
                "the file is probably damaged",
            )
        with open(out, "rb") as f:
            status, payload = pickle.load(f)
    if status != "ok":
        raise _fail("microdata.unreadable", label, 0, "", "", f"not a readable SPSS .sav file: {payload}")
    frame: pd.DataFrame = payload
    return frame


def _duplicate_header(label: str, found: list[str]) -> None:
    seen: dict[str, int] = {}
    issues = _Issues(100)
    for i, name in enumerate(found):
        key = name.lower()
        if key in seen:
            issues.add(
                "microdata.duplicate_variable",
                label,
                1,
                name,
                name,
                f"variable '{shown(name)}' appears more than once (columns {seen[key] + 1} and {i + 1}; "
                "names are compared without regard to case)",
            )
        else:
            seen[key] = i
    issues.raise_if_any()


def _read(
    source: Source,
    *,
    wanted: Mapping[str, str | None],
    order: list[str],
    sep: str | None,
    format: str | None,
    label: str | None,
    issues: _Issues,
) -> _Table:
    """The needed variables of a table, as text; field-count errors go to ``issues``."""
    if format not in (None, "csv", "sav"):
        raise ValueError(f"format={format!r} (expected None, 'csv' or 'sav')")
    if isinstance(source, pd.DataFrame):
        name = label or "DataFrame"
        found = [str(c) for c in source.columns]
        _duplicate_header(name, found)
        resolved = _resolve_variables(name, found, wanted, order)
        columns = {role: [_text(v) for v in source[col].tolist()] for role, col in resolved.items()}
        return _Table(name, found, resolved, columns, np.arange(len(source), dtype=np.int64) + 2)
    if hasattr(source, "read"):
        if format == "sav":
            raise ValueError("a .sav file must be given by its path (pyreadstat reads from a path)")
        raw = source.read()
        if not isinstance(raw, bytes | bytearray):
            raise TypeError("a file object must be opened in binary mode ('rb')")
        name = label or str(getattr(source, "name", "<stream>"))
        _files.check_text(bytes(raw), name)
        return _from_csv_bytes(bytes(raw), name, wanted, order, sep, issues)
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"expected a path, a binary file or a DataFrame, got {type(source).__name__}")
    path = Path(source)
    name = label or str(path)
    kind = format or ("sav" if path.suffix.lower() in (".sav", ".zsav") else "csv")
    if kind == "sav":
        _files.input_file(path, "a microdata file (.sav)")
        frame = _read_sav(path, name)
        return _read(frame, wanted=wanted, order=order, sep=sep, format=None, label=name, issues=issues)
    data = _files.read_input(path, "a microdata file (CSV)", label=name)
    return _from_csv_bytes(data, name, wanted, order, sep, issues)


def _from_csv_bytes(
    data: bytes,
    name: str,
    wanted: Mapping[str, str | None],
    order: list[str],
    sep: str | None,
    issues: _Issues,
) -> _Table:
    header, rows, lines = _read_csv(data, name, sep)
    _duplicate_header(name, header)
    resolved = _resolve_variables(name, header, wanted, order)
    index = {role: header.index(col) for role, col in resolved.items()}
    keep: list[int] = []
    for i, row in enumerate(rows):
        if len(row) != len(header):
            issues.add(
                "microdata.fields",
                name,
                lines[i],
                "",
                "",
                f"{len(row)} field{'s' if len(row) != 1 else ''}, expected {len(header)} (as in the header)",
            )
        else:
            keep.append(i)
    if len(keep) != len(rows):
        rows = [rows[i] for i in keep]
        lines = [lines[i] for i in keep]
    columns: dict[str, list[str | None]] = {}
    for role, j in index.items():
        raw = [r[j] for r in rows]
        if role.endswith("number"):
            columns[role] = [v.strip() or None for v in raw]
        else:  # few distinct values (kinds, codes, years): strip each once, share the objects
            clean = {v: (v.strip() or None) for v in set(raw)}
            columns[role] = [clean[v] for v in raw]
    return _Table(name, header, resolved, columns, np.asarray(lines, dtype=np.int64))


# ---------------------------------------------------------------------------------------------- keys


def _check_kinds(kinds: Collection[str]) -> tuple[str, ...]:
    if isinstance(kinds, str):
        kinds = (kinds,)
    out = tuple(kinds)
    if not out or any(not isinstance(k, str) or not k.strip() for k in out) or len(set(out)) != len(out):
        raise ValueError(f"kinds={kinds!r} (expected distinct non-empty codes, e.g. ('R',))")
    return out


def person_key(kind: object, number: object, kinds: Collection[str] = ("R",)) -> pd.Series:
    """The famgraph ``person_id`` of (RINPERSOONS, RINPERSOON) pairs: ``k · 10⁹ + number``.

    ``k`` is the position of the kind in ``kinds``. Use it to put the same key into organisation
    exports that CBS linked to RINPERSOON, so that :func:`famgraph.link` matches them with
    microdata persons. Unknown kinds, missing, null (0) or malformed numbers give ``<NA>``.

    Example
    -------
    >>> from famgraph.microdata import person_key
    >>> person_key(["R", "R", "S"], ["000012345", "000000000", "000000007"]).tolist()
    [12345, <NA>, <NA>]
    """
    ks = _check_kinds(kinds)
    kind_s = pd.Series(kind) if not isinstance(kind, pd.Series) else kind
    num_s = pd.Series(number) if not isinstance(number, pd.Series) else number
    if len(kind_s) != len(num_s):
        raise ValueError(f"kind and number differ in length ({len(kind_s)} and {len(num_s)})")
    k_text = [_text(v) for v in kind_s.tolist()]
    n_text = [_text(v) for v in num_s.tolist()]
    n_int, state = _parse_numbers(n_text)
    k_idx = np.array([ks.index(k) if k in ks else -1 for k in k_text], dtype=np.int64)
    ok = (k_idx >= 0) & (state == _OK)
    out = pd.array(np.where(ok, k_idx * _BASE + n_int, 0), dtype="Int64")
    out[~ok] = pd.NA
    return pd.Series(out, index=num_s.index)


def split_key(person_id: int, kinds: Collection[str] = ("R",)) -> tuple[str, str]:
    """The (RINPERSOONS, RINPERSOON) pair of a famgraph ``person_id`` made by this module.

    Example
    -------
    >>> from famgraph.microdata import split_key
    >>> split_key(12345)
    ('R', '000012345')
    """
    ks = _check_kinds(kinds)
    k, n = divmod(int(person_id), _BASE)
    if not 0 <= k < len(ks) or n == 0:
        raise ValueError(f"{person_id} is not a microdata person id for kinds {ks}")
    return ks[k], str(n).zfill(_NUMBER_WIDTH)


_OK, _MISSING, _NULL, _BAD = 0, 1, 2, 3


def _parse_numbers(values: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """RINPERSOON texts → (int64 values, state: ok / missing / null 0 / malformed)."""
    n = len(values)
    out = np.zeros(n, dtype=np.int64)
    state = np.full(n, _OK, dtype=np.int8)
    if n == 0:
        return out, state
    obj = np.array(values, dtype=object)
    missing = np.array([v is None for v in values], dtype=bool)
    obj[missing] = ""
    try:
        # ASCII only (anything else is malformed anyway): vectorised checks on bytes.
        raw = obj.astype("S")
    except UnicodeEncodeError:
        raw = None
    if raw is not None and raw.dtype.itemsize > 0:
        length = np.char.str_len(raw)
        ok = ~missing & (length >= 1) & (length <= _NUMBER_WIDTH) & np.char.isdigit(raw)
        out[ok] = raw[ok].astype(np.int64)
    else:
        fullmatch = _NUMBER_RE.fullmatch
        ok = np.array([v is not None and fullmatch(v) is not None for v in values], dtype=bool)
        out[ok] = [int(values[i]) for i in np.flatnonzero(ok)]  # type: ignore[arg-type]
    state[~ok] = _BAD
    state[missing] = _MISSING
    state[ok & (out == 0)] = _NULL
    return out, state


def _kind_index(values: list[str | None], kinds: tuple[str, ...], default: bool) -> np.ndarray:
    """Position of each kind in ``kinds``; -1 = not accepted, -2 = missing. ``default``: no variable."""
    if default:
        return np.zeros(len(values), dtype=np.int64)
    lookup = {k: i for i, k in enumerate(kinds)}
    return np.array([-2 if v is None else lookup.get(v, -1) for v in values], dtype=np.int64)


def _person_ids(
    table: _Table, role_kind: str, role_number: str, kinds: tuple[str, ...], issues: _Issues
) -> np.ndarray:
    """Ids of the row persons (children / persons); a bad row gets -1 and an error."""
    numbers = table.columns[role_number]
    number_col = table.name(role_number)
    has_kind = role_kind in table.columns
    kind_values = table.columns.get(role_kind, [])
    k = _kind_index(kind_values, kinds, default=not has_kind)
    n, state = _parse_numbers(numbers)
    ids = np.where((k >= 0) & (state == _OK), k * _BASE + n, -1)
    for i in np.flatnonzero(ids < 0):
        if issues.full:
            issues.truncated = True
            break
        line = int(table.lines[i])
        if k[i] < 0:
            kind_col = table.name(role_kind)
            value = kind_values[i]
            issues.add(
                "microdata.kind",
                table.label,
                line,
                kind_col,
                value,
                (
                    "missing kind of number"
                    if value is None
                    else f"kind of number '{shown(value)}' is not accepted"
                )
                + f" (accepted: {', '.join(kinds)}; pass kinds=... to accept others)",
            )
        elif state[i] == _MISSING:
            issues.add("microdata.missing_number", table.label, line, number_col, "", "the number is missing")
        elif state[i] == _NULL:
            issues.add(
                "microdata.null_number",
                table.label,
                line,
                number_col,
                numbers[i],
                "the null number 000000000 cannot identify the person of a row",
            )
        else:
            issues.add(
                "microdata.bad_number",
                table.label,
                line,
                number_col,
                numbers[i],
                f"not a RINPERSOON (expected 1 to {_NUMBER_WIDTH} digits)",
            )
    return ids


def _duplicates(table: _Table, ids: np.ndarray, column: str, issues: _Issues) -> None:
    valid = np.flatnonzero(ids >= 0)
    if len(valid) == 0:
        return
    order = valid[np.argsort(ids[valid], kind="stable")]
    sorted_ids = ids[order]
    dup = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1]) + 1
    if len(dup) == 0:
        return
    first_of: dict[int, int] = {}
    for j in range(len(order)):
        first_of.setdefault(int(sorted_ids[j]), int(order[j]))
    for d in dup.tolist():
        j = int(d)
        if issues.full:
            issues.truncated = True
            return
        row = int(order[j])
        pid = int(sorted_ids[j])
        issues.add(
            "microdata.duplicate_person",
            table.label,
            int(table.lines[row]),
            column,
            table.columns["number"][row],
            f"the same person appears again (first on line {int(table.lines[first_of[pid]])})",
        )


# ---------------------------------------------------------------------------------------------- loaders


def _wanted(
    defaults: Mapping[str, str | None], variables: Mapping[str, str | None] | None
) -> dict[str, str | None]:
    out: dict[str, str | None] = dict(defaults)
    for role, name in (variables or {}).items():
        if role not in defaults:
            raise ValueError(f"variables: unknown role {role!r} (roles: {', '.join(defaults)})")
        if name is None and role not in _OPTIONAL and role not in _KIND_ROLES:
            raise ValueError(f"variables: {role!r} is required and cannot be None")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"variables: {role!r} must name a variable (str), got {type(name).__name__}")
        out[role] = name
    return out


@dataclass
class _ChildParent:
    frame: pd.DataFrame
    label: str
    lines: np.ndarray
    mother_column: str
    father_column: str
    counts: dict[str, int]


def _load_child_parent(
    source: Source,
    variables: Mapping[str, str | None] | None,
    kinds: tuple[str, ...],
    sep: str | None,
    format: str | None,
    label: str | None,
    issues: _Issues,
) -> _ChildParent:
    wanted = _wanted(CHILD_PARENT_VARIABLES, variables)
    table = _read(
        source,
        wanted=wanted,
        order=list(CHILD_PARENT_VARIABLES),
        sep=sep,
        format=format,
        label=label,
        issues=issues,
    )
    ids = _person_ids(table, "kind", "number", kinds, issues)
    _duplicates(table, ids, table.name("number"), issues)
    counts: dict[str, int] = {"child_parent_rows": len(ids)}
    parents: dict[str, np.ndarray] = {}
    for parent in ("mother", "father"):
        numbers = table.columns[f"{parent}_number"]
        has_kind = f"{parent}_kind" in table.columns
        k = _kind_index(table.columns.get(f"{parent}_kind", []), kinds, default=not has_kind)
        n, state = _parse_numbers(numbers)
        known = (k >= 0) & (state == _OK)
        bad = (k >= 0) & (state == _BAD)
        col = table.name(f"{parent}_number")
        for i in np.flatnonzero(bad):
            if issues.full:
                issues.truncated = True
                break
            issues.add(
                "microdata.bad_number",
                table.label,
                int(table.lines[i]),
                col,
                numbers[i],
                f"not a RINPERSOON (expected 1 to {_NUMBER_WIDTH} digits, or 000000000 / empty "
                f"for an unknown {parent})",
            )
        counts[f"{parent}_known"] = int(known.sum())
        counts[f"{parent}_unknown_missing"] = int(((k >= 0) & (state == _MISSING)).sum())
        counts[f"{parent}_unknown_null"] = int(((k >= 0) & (state == _NULL)).sum())
        counts[f"{parent}_unknown_kind"] = int((k < 0).sum())
        parents[parent] = np.where(known, k * _BASE + n, -1)
        same = known & (parents[parent] == ids) & (ids >= 0)
        for i in np.flatnonzero(same):
            issues.add(
                "microdata.parent_is_self",
                table.label,
                int(table.lines[i]),
                col,
                numbers[i],
                f"the {parent} is the child themself",
            )
    both = (parents["mother"] >= 0) & (parents["mother"] == parents["father"])
    for i in np.flatnonzero(both):
        issues.add(
            "microdata.same_parent",
            table.label,
            int(table.lines[i]),
            table.name("father_number"),
            table.columns["father_number"][i],
            "the same person is recorded as mother and father",
        )
    frame = pd.DataFrame(
        {
            "person_id": ids,
            "mother_id": _nullable(parents["mother"]),
            "father_id": _nullable(parents["father"]),
        }
    )
    return _ChildParent(
        frame,
        table.label,
        table.lines,
        table.name("mother_number"),
        table.name("father_number"),
        counts,
    )


def _nullable(ids: np.ndarray) -> pd.arrays.IntegerArray:
    out = pd.array(np.where(ids >= 0, ids, 0), dtype="Int64")
    out[ids < 0] = pd.NA
    return out


def _check_sex_codes(sex_codes: Mapping[Any, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, sex in sex_codes.items():
        text = _text(code)
        if text is None or sex not in ("F", "M", "U"):
            raise ValueError(f"sex_codes: {code!r} -> {sex!r} (codes map to 'F', 'M' or 'U')")
        out[text] = sex
    return out


def _factorize(values: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 = missing) and the distinct values, for checking low-cardinality columns once."""
    code, uniq = pd.factorize(np.array(values, dtype=object), use_na_sentinel=True)
    return code.astype(np.int64), [str(u) for u in uniq]


def _birth_dates(table: _Table, n: int, issues: _Issues) -> np.ndarray:
    """``YYYY-MM`` (``YYYY`` without a month, None without a year); bad values go to ``issues``."""
    birth = np.full(n, None, dtype=object)
    if "birth_year" not in table.columns:
        return birth
    y_code, y_uniq = _factorize(table.columns["birth_year"])
    y_ok = np.array([_YEAR_RE.fullmatch(y) is not None and int(y) > 0 for y in y_uniq] + [False])
    if "birth_month" in table.columns:
        m_code, m_uniq = _factorize(table.columns["birth_month"])
    else:
        m_code, m_uniq = np.full(n, -1, dtype=np.int64), []
    m_ok = np.array([_MONTH_RE.fullmatch(m) is not None and 1 <= int(m) <= 12 for m in m_uniq] + [False])
    has_y, has_m = y_code >= 0, m_code >= 0
    year_ok = has_y & y_ok[y_code]
    month_ok = has_m & m_ok[m_code]
    label, lines = table.label, table.lines
    for i in np.flatnonzero(~has_y & has_m):
        issues.add(
            "microdata.month_without_year",
            label,
            int(lines[i]),
            table.name("birth_month"),
            m_uniq[m_code[i]],
            "a birth month without a birth year",
        )
    for i in np.flatnonzero(has_y & ~year_ok):
        issues.add(
            "microdata.birth_year",
            label,
            int(lines[i]),
            table.name("birth_year"),
            y_uniq[y_code[i]],
            "not a birth year (expected 4 digits, e.g. 1985)",
        )
    for i in np.flatnonzero(year_ok & has_m & ~month_ok):
        issues.add(
            "microdata.birth_month",
            label,
            int(lines[i]),
            table.name("birth_month"),
            m_uniq[m_code[i]],
            "not a birth month (expected 1 to 12)",
        )
    only_year = year_ok & ~has_m
    birth[only_year] = np.array([*y_uniq, ""], dtype=object)[y_code[only_year]]
    full = np.flatnonzero(year_ok & month_ok)
    if len(full):
        pair = y_code[full] * (len(m_uniq) + 1) + m_code[full]
        inverse, pairs = pd.factorize(pair)
        text = np.array(
            [
                f"{y_uniq[p // (len(m_uniq) + 1)]}-{int(m_uniq[p % (len(m_uniq) + 1)]):02d}"
                for p in pairs.tolist()
            ],
            dtype=object,
        )
        birth[full] = text[inverse.reshape(-1)]
    return birth


def _death_dates(table: _Table, n: int, issues: _Issues) -> np.ndarray:
    """``YYYY-MM-DD`` of the ``death_date`` role (None where empty or without the role); a value
    that is not a date goes to ``issues``."""
    out = np.full(n, None, dtype=object)
    if "death_date" not in table.columns:
        return out
    code, uniq = _factorize(table.columns["death_date"])
    iso: list[str | None] = []
    for u in uniq:
        m = _DEATH_RE.fullmatch(u)
        ok = (
            m is not None
            and 1 <= int(m[2]) <= 12
            and 1 <= int(m[3]) <= calendar.monthrange(int(m[1]), int(m[2]))[1]
        )
        iso.append(f"{m[1]}-{m[2]}-{m[3]}" if ok and m is not None else None)
    for i in np.flatnonzero(code >= 0):
        v = iso[code[i]]
        if v is None:
            issues.add(
                "microdata.death_date",
                table.label,
                int(table.lines[i]),
                table.name("death_date"),
                uniq[code[i]],
                "not a death date (expected YYYYMMDD or YYYY-MM-DD)",
            )
        out[i] = v
    return out


@dataclass
class _Persons:
    frame: pd.DataFrame
    label: str
    lines: np.ndarray
    sex_column: str


def _load_persons(
    source: Source,
    variables: Mapping[str, str | None] | None,
    kinds: tuple[str, ...],
    sex_codes: Mapping[Any, str],
    sep: str | None,
    format: str | None,
    label: str | None,
    issues: _Issues,
) -> _Persons:
    codes = _check_sex_codes(sex_codes)
    roles = {**PERSON_VARIABLES, **PERSON_OPTIONAL_VARIABLES}
    wanted = _wanted(roles, variables)
    table = _read(
        source,
        wanted=wanted,
        order=list(roles),
        sep=sep,
        format=format,
        label=label,
        issues=issues,
    )
    ids = _person_ids(table, "kind", "number", kinds, issues)
    _duplicates(table, ids, table.name("number"), issues)
    n = len(ids)
    sex = np.full(n, "U", dtype=object)
    if "sex" in table.columns:
        col = table.name("sex")
        allowed = ", ".join(f"{c} = {s}" for c, s in codes.items())
        code, uniq = _factorize(table.columns["sex"])
        known = np.array([codes.get(u) is not None for u in uniq] + [True], dtype=bool)
        sex_of = np.array([codes.get(u, "U") for u in uniq] + ["U"], dtype=object)
        sex = sex_of[code]  # code -1 (missing) takes the last entry, U
        for i in np.flatnonzero(~known[code]):
            issues.add(
                "microdata.sex",
                table.label,
                int(table.lines[i]),
                col,
                uniq[code[i]],
                f"unknown sex code (expected {allowed} or empty; pass sex_codes=... for others)",
            )
    birth = _birth_dates(table, n, issues)
    frame = pd.DataFrame(
        {
            "person_id": ids,
            "sex": sex,
            "birth_date": birth,
            "exit_date": _death_dates(table, n, issues),
            "mother_id": _missing_ids(n),
            "father_id": _missing_ids(n),
        }
    )
    return _Persons(frame, table.label, table.lines, table.name("sex"))


def load_child_parent(
    source: Source,
    *,
    variables: Mapping[str, str | None] | None = None,
    kinds: Collection[str] = ("R",),
    sep: str | None = None,
    format: str | None = None,
    label: str | None = None,
    max_errors: int = 100,
) -> pd.DataFrame:
    """Read the child–parent table: one row per child with ``person_id``, ``mother_id``, ``father_id``.

    Parameters
    ----------
    source
        A CSV or ``.sav`` path, a binary CSV stream, or a DataFrame.
    variables
        Role → variable name, overriding :data:`CHILD_PARENT_VARIABLES` (e.g.
        ``{"mother_number": "RINPERSOONMA"}``). Names match exactly, else without regard to case.
        A ``*_kind`` role set to ``None`` means every number is of the first kind of ``kinds``.
    kinds
        The kinds of number (``RINPERSOONS``) that identify persons; a child of another kind is an
        error, a parent of another kind is an unknown parent.
    sep
        The CSV delimiter (default: guessed from the header among ``,``, ``;``, tab and ``|``).
    format
        ``"csv"`` or ``"sav"`` (default: from the file name: ``.sav``/``.zsav`` are SPSS).
    label
        The name of the table in error messages (default: the path).
    max_errors
        Stop collecting errors after this many.

    Returns
    -------
    pandas.DataFrame
        ``person_id`` (int64) and ``mother_id``, ``father_id`` (``Int64``, ``<NA>`` = unknown), in
        file order.

    Example
    -------
    >>> import pandas as pd
    >>> from famgraph.microdata import load_child_parent
    >>> t = pd.DataFrame({"RINPERSOONS": ["R"], "RINPERSOON": ["000000003"],
    ...     "RINPERSOONSpa": ["R"], "RINPERSOONpa": ["000000000"],
    ...     "RINPERSOONSMa": ["R"], "RINPERSOONMa": ["000000001"]})
    >>> load_child_parent(t).iloc[0].tolist()
    [3, 1, <NA>]
    """
    issues = _Issues(max_errors)
    result = _load_child_parent(source, variables, _check_kinds(kinds), sep, format, label, issues)
    issues.raise_if_any()
    return result.frame


def load_persons(
    source: Source,
    *,
    variables: Mapping[str, str | None] | None = None,
    kinds: Collection[str] = ("R",),
    sex_codes: Mapping[Any, str] = SEX_CODES,
    sep: str | None = None,
    format: str | None = None,
    label: str | None = None,
    max_errors: int = 100,
) -> pd.DataFrame:
    """Read a person table into famgraph persons columns (no parents; see :func:`load_tables`).

    Parameters are those of :func:`load_child_parent`, with the roles of
    :data:`PERSON_VARIABLES` and ``sex_codes`` (code → ``F``/``M``/``U``; default
    :data:`SEX_CODES`; an empty value is ``U``, any other code an error).

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``sex``, ``birth_date`` (``YYYY-MM``, ``YYYY`` without a month, ``None``
        without a year), ``exit_date`` (the ``death_date`` role when named, else empty),
        ``mother_id``, ``father_id`` (empty), in file order.

    Example
    -------
    >>> import pandas as pd
    >>> from famgraph.microdata import load_persons
    >>> t = pd.DataFrame({"RINPERSOONS": ["R", "R"], "RINPERSOON": ["000000001", "2"],
    ...     "GBAGESLACHT": ["2", "1"], "GBAGEBOORTEJAAR": ["1960", "1958"],
    ...     "GBAGEBOORTEMAAND": ["03", None]})
    >>> load_persons(t)[["person_id", "sex", "birth_date"]].values.tolist()
    [[1, 'F', '1960-03'], [2, 'M', '1958']]
    """
    issues = _Issues(max_errors)
    result = _load_persons(source, variables, _check_kinds(kinds), sex_codes, sep, format, label, issues)
    issues.raise_if_any()
    return result.frame


@dataclass
class MicrodataTables:
    """The famgraph persons table built from microdata, with descriptive counts.

    ``persons`` holds every person of the person table, every child of the child–parent table
    and every known parent, sorted by ``person_id``. ``counts`` (rows read, known and unknown
    parents by reason, persons added) describe the load for the data holder; they are not
    disclosure-controlled and must not be published from real data.
    """

    persons: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)

    def to_dataset(self) -> Dataset:
        """The :class:`famgraph.Dataset` of these persons (validated)."""
        from .dataset import Dataset

        return Dataset.from_pandas(self.persons, labels={"persons": "microdata persons (merged)"})


def load_tables(
    child_parent: Source | None = None,
    persons: Source | None = None,
    *,
    child_parent_variables: Mapping[str, str | None] | None = None,
    person_variables: Mapping[str, str | None] | None = None,
    kinds: Collection[str] = ("R",),
    sex_codes: Mapping[Any, str] = SEX_CODES,
    parent_sex: ParentSex = "error",
    sep: str | None = None,
    max_errors: int = 100,
) -> MicrodataTables:
    """Read and merge a child–parent table and a person table into one famgraph persons table.

    Persons of the person table keep their sex and birth date; children and parents that are not
    in it are added with sex ``U`` and no birth date (counted in ``counts``). A recorded mother of
    sex ``M`` or father of sex ``F`` (e.g. two legal mothers, one in the ``pa`` variables)
    contradicts the famgraph data contract: with ``parent_sex="error"`` (default) each such link
    is an error naming the child–parent row; with ``parent_sex="unknown"`` that parent's sex
    becomes ``U`` (the column still decides the role) and the number is counted.
    Errors of both files are reported together.

    Example
    -------
    >>> import famgraph as fg
    >>> tables = fg.microdata.load_tables("kindoudertab.csv", "persons.csv")   # doctest: +SKIP
    >>> tables.counts["mother_known"]                                          # doctest: +SKIP
    """
    if child_parent is None and persons is None:
        raise ValueError("give child_parent=..., persons=... or both")
    if parent_sex not in ("error", "unknown"):
        raise ValueError(f"parent_sex={parent_sex!r} (expected 'error' or 'unknown')")
    ks = _check_kinds(kinds)
    issues = _Issues(max_errors)
    cp: _ChildParent | None = None
    ps: _Persons | None = None
    for which in ("child_parent", "persons"):
        try:
            if which == "child_parent" and child_parent is not None:
                cp = _load_child_parent(child_parent, child_parent_variables, ks, sep, None, None, issues)
            elif which == "persons" and persons is not None:
                ps = _load_persons(persons, person_variables, ks, sex_codes, sep, None, None, issues)
        except DataError as e:  # unreadable file or missing variables: report with the other file's
            issues.extend(e.errors, e.truncated)
    issues.raise_if_any()

    counts: dict[str, int] = {}
    frames: list[pd.DataFrame] = []
    known: np.ndarray = np.empty(0, dtype=np.int64)
    if ps is not None:
        counts["person_rows"] = len(ps.frame)
        frames.append(ps.frame)
        known = _unique(ps.frame["person_id"].to_numpy(dtype=np.int64))
    if cp is not None:
        counts.update(cp.counts)
        children = _unique(cp.frame["person_id"].to_numpy(dtype=np.int64))
        new_children = _without(children, known)
        counts["children_not_in_persons"] = len(new_children)
        parent_ids = np.concatenate(
            [
                cp.frame["mother_id"].to_numpy(dtype=np.int64, na_value=-1),
                cp.frame["father_id"].to_numpy(dtype=np.int64, na_value=-1),
            ]
        )
        parent_ids = _unique(parent_ids[parent_ids >= 0])
        outside = _without(parent_ids, known)
        counts["parents_not_in_persons"] = len(outside)
        new_parents = _without(outside, children)
        added = _unique(np.concatenate([new_children, new_parents]))
        counts["persons_added"] = len(added)
        if len(added):
            frames.append(
                pd.DataFrame(
                    {
                        "person_id": added,
                        "sex": np.full(len(added), "U", dtype=object),
                        "birth_date": np.full(len(added), None, dtype=object),
                        "exit_date": np.full(len(added), None, dtype=object),
                        "mother_id": _missing_ids(len(added)),
                        "father_id": _missing_ids(len(added)),
                    }
                )
            )
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    table = table.sort_values("person_id", kind="stable").reset_index(drop=True)
    if cp is not None:
        pos = np.searchsorted(table["person_id"].to_numpy(), cp.frame["person_id"].to_numpy())
        mother = table["mother_id"].to_numpy(dtype=np.int64, na_value=-1)
        father = table["father_id"].to_numpy(dtype=np.int64, na_value=-1)
        mother[pos] = cp.frame["mother_id"].to_numpy(dtype=np.int64, na_value=-1)
        father[pos] = cp.frame["father_id"].to_numpy(dtype=np.int64, na_value=-1)
        table["mother_id"] = _nullable(mother)
        table["father_id"] = _nullable(father)
        _check_parent_sex(table, cp, ps, parent_sex, counts, issues)
        issues.raise_if_any()
    counts["persons"] = len(table)
    return MicrodataTables(table[list(TABLE_COLUMNS["persons"])], counts)


def _unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an int64 array."""
    a = np.sort(a)
    if len(a) == 0:
        return a
    out: np.ndarray = a[np.r_[True, a[1:] != a[:-1]]]
    return out


def _without(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values of sorted-unique ``a`` that are not in sorted-unique ``b``."""
    if len(b) == 0 or len(a) == 0:
        return a
    idx = np.minimum(np.searchsorted(b, a), len(b) - 1)
    out: np.ndarray = a[b[idx] != a]
    return out


def _missing_ids(n: int) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))


def _check_parent_sex(
    table: pd.DataFrame,
    cp: _ChildParent,
    ps: _Persons | None,
    parent_sex: ParentSex,
    counts: dict[str, int],
    issues: _Issues,
) -> None:
    ids = table["person_id"].to_numpy()
    sex = table["sex"].to_numpy(dtype=object)
    changed: set[int] = set()
    for parent, wrong, column in (("mother", "M", cp.mother_column), ("father", "F", cp.father_column)):
        refs = cp.frame[f"{parent}_id"].to_numpy(dtype=np.int64, na_value=-1)
        rows = np.flatnonzero(refs >= 0)
        pos = np.searchsorted(ids, refs[rows])
        bad = rows[sex[pos] == wrong]
        if parent_sex == "unknown":
            changed.update(int(x) for x in refs[bad])
            continue
        person_line: dict[int, int] = {}
        if ps is not None and len(bad):
            person_line = dict(zip(ps.frame["person_id"].tolist(), (int(x) for x in ps.lines), strict=True))
        for i in bad:
            if issues.full:
                issues.truncated = True
                break
            pid = int(refs[i])
            where = f" ({ps.label} line {person_line[pid]})" if ps is not None and pid in person_line else ""
            issues.add(
                "microdata.parent_sex",
                cp.label,
                int(cp.lines[i]),
                column,
                str(pid % _BASE).zfill(_NUMBER_WIDTH),
                f"the {parent} has sex {wrong}{where}; famgraph requires a mother not of sex M and a "
                f"father not of sex F (pass parent_sex='unknown' to set such a parent's sex to U)",
            )
    if parent_sex == "unknown":
        counts["parent_sex_set_unknown"] = len(changed)
        if changed:
            pos = np.searchsorted(ids, np.array(sorted(changed), dtype=np.int64))
            sex = sex.copy()
            sex[pos] = "U"
            table["sex"] = sex


def load(
    child_parent: Source | None = None,
    persons: Source | None = None,
    **options: Any,
) -> Dataset:
    """A validated :class:`famgraph.Dataset` from microdata (see :func:`load_tables` for options).

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.microdata.load(child_parent="tests/fixtures/microdata/kindoudertab.csv",
    ...                        persons="tests/fixtures/microdata/gbapersoontab.csv")  # doctest: +SKIP
    >>> ds.n_persons                                                                   # doctest: +SKIP
    """
    return load_tables(child_parent, persons, **options).to_dataset()


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
