"""Statistical disclosure control (docs/spec/disclosure.md) for pandas results.

Every count below ``min_cell`` (default 10) and every estimate derived from a suppressed count is
suppressed, with secondary suppression so that no suppressed count can be recovered from what is
published. ``min_cell=0`` turns disclosure control off, which :func:`stamp` says on every output.

A pandas adapter over the C++ core: every rule (thresholds, primary and secondary suppression, the
"estimate suppressed" rule, the marker, the stamp, the messages and the text of counts) is
``famgraph/disclosure.hpp`` through ``famgraph._core.disclosure``; this module validates Python
arguments and converts to and from numpy and pandas. Both are tested on the shared cases of
``tests/fixtures/disclosure_cases.json``. The rules and the reasons for each are in the
documentation page "Disclosure control" (``docs/disclosure.md``).

Published output marks every suppressed value the same way (``NaN`` with a ``True`` flag in a
DataFrame, ``null`` and a name in the JSON ``"suppressed"`` list, ``<10`` in text), whether it was
suppressed for being small (primary) or to protect a small one (secondary): telling the two apart
can reveal a suppressed count. The reason (:class:`Suppression`) is for checks inside the secure
environment only.

Example
-------
>>> from famgraph import disclosure
>>> s = disclosure.suppress_2x2(3, 30, 40, 50)
>>> s.suppressed_names()
['exposed.outcome', 'exposed.no_outcome', 'unexposed.outcome', 'unexposed.no_outcome']
>>> disclosure.to_json_2x2(3, 30, 40, 50)["exposed"]
{'outcome': None, 'no_outcome': None}
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core

__all__ = [
    "DEFAULT_MIN_CELL",
    "ESTIMATE_SOURCES_2X2",
    "FIELDS_2X2",
    "JSON_NAMES_2X2",
    "MARGIN_COLUMNS",
    "MatchRateStatus",
    "Policy",
    "QualityRowStatus",
    "Suppressed2x2",
    "SuppressedOneWay",
    "Suppression",
    "check_min_cell",
    "count_hidden",
    "difference_hidden",
    "display",
    "estimate_suppressed",
    "estimate_suppressed_2x2",
    "format_value",
    "marker",
    "merge_adjacent_levels",
    "nested_count_hidden",
    "proportion_hidden",
    "quality_row_status",
    "stamp",
    "suppress_2x2",
    "suppress_2x2_frame",
    "suppress_frequency_frame",
    "suppress_match_rates",
    "suppress_one_way",
    "to_json_2x2",
]

# The rules: famgraph::disclosure (famgraph/disclosure.hpp) through its bindings.
_dc = _core.disclosure

DEFAULT_MIN_CELL: Final[int] = int(_dc.default_min_cell)

# The largest count the core holds (counts are 64-bit unsigned integers there).
_MAX_COUNT: Final = 2**64 - 1

#: Suffix of the boolean flag column that goes with every suppressible column of a DataFrame.
FLAG_SUFFIX: Final = "_suppressed"


class Suppression(str, Enum):
    """Why a value is not published (``NONE``: it is published).

    ``PRIMARY``: the count itself is below ``min_cell``. ``SECONDARY``: suppressed so that a primary
    count cannot be recovered. Not to be published: see the module documentation.
    """

    NONE = "none"
    PRIMARY = "primary"
    SECONDARY = "secondary"

    @property
    def suppressed(self) -> bool:
        return self is not Suppression.NONE


# The core's status codes (famgraph::disclosure::Suppression): 0 none, 1 primary, 2 secondary.
_BY_CODE: Final = (Suppression.NONE, Suppression.PRIMARY, Suppression.SECONDARY)
_CODE: Final = {s: i for i, s in enumerate(_BY_CODE)}


def check_min_cell(min_cell: object) -> int:
    """``min_cell`` as an ``int``, or an error naming the option and its allowed values.

    Raises ``TypeError`` for anything but an integer (``bool`` and ``10.0`` included) and
    ``ValueError`` for a negative integer.
    """
    if isinstance(min_cell, bool) or not isinstance(min_cell, numbers.Integral):
        raise TypeError(_dc.invalid_min_cell_message(f"{min_cell!r} ({type(min_cell).__name__})"))
    return int(_dc.check_min_cell(int(min_cell)))


@dataclass(frozen=True)
class Policy:
    """The disclosure-control setting of one run; ``min_cell=0`` turns it off."""

    min_cell: int = DEFAULT_MIN_CELL

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_cell", check_min_cell(self.min_cell))

    @property
    def enabled(self) -> bool:
        return self.min_cell > 0


def _min_cell_of(min_cell: int | Policy) -> int:
    return min_cell.min_cell if isinstance(min_cell, Policy) else check_min_cell(min_cell)


def stamp(min_cell: int | Policy = DEFAULT_MIN_CELL) -> str:
    """The line every output carries; with ``min_cell=0`` it says that disclosure control is off."""
    return str(_dc.stamp(_min_cell_of(min_cell)))


def marker(min_cell: int | Policy = DEFAULT_MIN_CELL) -> str:
    """The text shown for every suppressed value, count or estimate, primary or secondary: ``<10``.

    It marks a value suppressed under the rule ``min_cell = 10``; it is not a bound on that value.
    """
    return str(_dc.marker(_min_cell_of(min_cell)))


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise ValueError(_dc.invalid_count_message(name, repr(value)))
    if int(value) > _MAX_COUNT:
        raise ValueError(_dc.count_too_large_message(name, repr(value)))
    return int(value)


def _column(values: Iterable[int]) -> npt.NDArray[np.uint64]:
    return np.fromiter(values, dtype=np.uint64)


# ---- 2×2 tables ------------------------------------------------------------------------------

#: The nine published numbers of a 2×2 table: cells, margins, total.
FIELDS_2X2: Final[tuple[str, ...]] = tuple(str(f) for f in _dc.fields_2x2)

#: Names in the JSON form of docs/spec/interfaces.md §json and in its ``"suppressed"`` list.
JSON_NAMES_2X2: Final[Mapping[str, str]] = dict(zip(FIELDS_2X2, map(str, _dc.json_names_2x2), strict=True))

#: Default DataFrame column of each margin in :func:`suppress_2x2_frame`.
MARGIN_COLUMNS: Final[Mapping[str, str]] = {
    "exposed": "n_exposed",
    "unexposed": "n_unexposed",
    "outcome": "n_outcome",
    "no_outcome": "n_no_outcome",
    "total": "n",
}

#: The counts each estimate of a 2×2 table (with its interval) is computed from.
ESTIMATE_SOURCES_2X2: Final[Mapping[str, tuple[str, ...]]] = {
    str(name): tuple(map(str, sources)) for name, sources in _dc.estimates_2x2
}

_FIELD_INDEX: Final = {f: i for i, f in enumerate(FIELDS_2X2)}


@dataclass(frozen=True)
class Suppressed2x2:
    """The suppression status of each of the nine numbers of a 2×2 table."""

    a: Suppression = Suppression.NONE
    b: Suppression = Suppression.NONE
    c: Suppression = Suppression.NONE
    d: Suppression = Suppression.NONE
    exposed: Suppression = Suppression.NONE
    unexposed: Suppression = Suppression.NONE
    outcome: Suppression = Suppression.NONE
    no_outcome: Suppression = Suppression.NONE
    total: Suppression = Suppression.NONE

    def at(self, field: str) -> Suppression:
        if field not in FIELDS_2X2:
            raise ValueError(f"unknown 2x2 field {field!r}; one of {', '.join(FIELDS_2X2)}")
        value: Suppression = getattr(self, field)
        return value

    def suppressed(self, field: str) -> bool:
        return self.at(field).suppressed

    def any(self) -> bool:
        return any(self.suppressed(f) for f in FIELDS_2X2)

    def suppressed_names(self) -> list[str]:
        """The JSON ``"suppressed"`` list (docs/spec/interfaces.md §json), in :data:`FIELDS_2X2` order."""
        return [JSON_NAMES_2X2[f] for f in FIELDS_2X2 if self.suppressed(f)]


def suppress_2x2(a: int, b: int, c: int, d: int, min_cell: int | Policy = DEFAULT_MIN_CELL) -> Suppressed2x2:
    """Disclosure control of one 2×2 table published with its four margins and its total.

    a = exposed & outcome, b = exposed & no outcome, c = unexposed & outcome, d = unexposed & no
    outcome (docs/spec/common_rules.md §two-by-two-tables).

    1. Primary: each of the nine numbers below ``min_cell`` (zeros included).
    2. A total below ``min_cell``: all nine are below it, so all are suppressed.
    3. If any cell is suppressed, all four cells are (the others as secondary): with the margins
       published, one published cell would give all four.
    4. If one row margin is suppressed, so is the other; likewise for the column margins. The total
       is never suppressed as secondary.
    """
    m = _min_cell_of(min_cell)
    cells = (_check_count(a, "a"), _check_count(b, "b"), _check_count(c, "c"), _check_count(d, "d"))
    ca, cb, cc, cd = (_column([v]) for v in cells)
    codes = _dc.suppress_2x2(ca, cb, cc, cd, m)[:, 0]
    return Suppressed2x2(**{f: _BY_CODE[int(code)] for f, code in zip(FIELDS_2X2, codes, strict=True)})


def to_json_2x2(a: int, b: int, c: int, d: int, min_cell: int | Policy = DEFAULT_MIN_CELL) -> dict[str, Any]:
    """The JSON form of docs/spec/interfaces.md §json after disclosure control.

    ``{"exposed": {"outcome": a, "no_outcome": b}, "unexposed": {...}, "margins": {"exposed", …,
    "total"}, "suppressed": [...]}``: a suppressed number is ``None`` (``null``) and is named in
    ``"suppressed"`` (see :data:`JSON_NAMES_2X2`). The margins are included so that the published
    object is complete: a margin published elsewhere must follow the same status.
    """
    s = suppress_2x2(a, b, c, d, min_cell)
    column = _dc.values_2x2(*(_column([int(v)]) for v in (a, b, c, d)))[:, 0]
    values = {f: int(v) for f, v in zip(FIELDS_2X2, column, strict=True)}

    def v(field: str) -> int | None:
        return None if s.suppressed(field) else values[field]

    return {
        "exposed": {"outcome": v("a"), "no_outcome": v("b")},
        "unexposed": {"outcome": v("c"), "no_outcome": v("d")},
        "margins": {f: v(f) for f in ("exposed", "unexposed", "outcome", "no_outcome", "total")},
        "suppressed": s.suppressed_names(),
    }


# ---- one-way frequency tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedOneWay:
    """The status of each count of a one-way table, in input order, and of its total."""

    counts: tuple[Suppression, ...]
    total: Suppression = Suppression.NONE

    def any(self) -> bool:
        return self.total.suppressed or any(x.suppressed for x in self.counts)


def suppress_one_way(
    counts: Iterable[int], min_cell: int | Policy = DEFAULT_MIN_CELL, *, total_published: bool = True
) -> SuppressedOneWay:
    """Disclosure control of a one-way frequency table (counts per organisation, per combination, …).

    1. Primary: every count below ``min_cell`` (zeros included).
    2. With ``total_published=True`` (the sum is published, here or anywhere else):

       - a total below ``min_cell`` is suppressed, and with it every count (all are smaller);
       - otherwise, while fewer than two counts are suppressed or the suppressed counts sum to less
         than ``min_cell``, the smallest published count is suppressed too (secondary; ties: the
         first in input order).
    3. With ``total_published=False``: primary suppression only.
    """
    m = _min_cell_of(min_cell)
    x = _column(_check_count(v, f"[{i}]") for i, v in enumerate(counts))
    codes, total = _dc.suppress_one_way(x, m, bool(total_published))
    return SuppressedOneWay(tuple(_BY_CODE[int(code)] for code in codes), _BY_CODE[int(total)])


# ---- estimates ---------------------------------------------------------------------------------


def estimate_suppressed(*sources: bool | Suppression) -> bool:
    """Whether an estimate must be suppressed, given the status of each count it is computed from.

    An estimate (risk, RR, OR, RD, a share, λ_R, …), its interval, p-value and any flag computed
    from the counts (e.g. "Haldane–Anscombe correction applied", which says that a cell is 0) is
    suppressed iff any of its counts is suppressed, for either reason. Each source is a flag or a
    :class:`Suppression`.
    """
    codes = [_CODE[s] if isinstance(s, Suppression) else int(bool(s)) for s in sources]
    return bool(_dc.estimate_suppressed(np.array(codes, dtype=np.uint8).reshape(len(codes), 1))[0])


def estimate_suppressed_2x2(status: Suppressed2x2, estimate: str) -> bool:
    """Whether an estimate of a 2×2 table (a key of :data:`ESTIMATE_SOURCES_2X2`) is suppressed."""
    if estimate not in ESTIMATE_SOURCES_2X2:
        raise ValueError(f"unknown 2x2 estimate {estimate!r}; one of {', '.join(ESTIMATE_SOURCES_2X2)}")
    return estimate_suppressed(*(status.at(f) for f in ESTIMATE_SOURCES_2X2[estimate]))


# ---- DataFrames ----------------------------------------------------------------------------------


def _object_count(v: object) -> int | None:
    """One value of an object column as a count, or None (a flag, a fraction, NaN, a string…)."""
    if isinstance(v, bool | np.bool_):
        return None
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real) and float(v).is_integer():  # 3.0 among objects
        return int(float(v))
    return None


def _count_column(frame: pd.DataFrame, column: str) -> npt.NDArray[np.uint64]:
    """A column of non-negative integer counts (3.0 in a float column is a count) as uint64."""
    if column not in frame.columns:
        raise ValueError(f"column {column!r} not found; columns: {', '.join(map(str, frame.columns))}")
    values = frame[column].to_numpy()
    kind = values.dtype.kind
    too_large = np.zeros(len(values), dtype=bool)
    if kind in "iu":
        bad = values < 0
    elif kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (values != np.floor(values)) | (values < 0)
            too_large = ~bad & (values >= 2.0**64)
    else:  # objects, flags: each value on its own (Python objects)
        ints = [_object_count(v) for v in values]
        bad = np.array([x is None or x < 0 for x in ints], dtype=bool)
        too_large = np.array([x is not None and x > _MAX_COUNT for x in ints], dtype=bool)
        values = np.array([x if x is not None and 0 <= x <= _MAX_COUNT else 0 for x in ints], dtype=object)
    first_bad = np.flatnonzero(bad)
    first_large = np.flatnonzero(too_large)
    if first_bad.size and (not first_large.size or first_bad[0] < first_large[0]):
        v = frame[column].to_numpy()[int(first_bad[0])]
        raise ValueError(_dc.invalid_count_column_message(repr(column), repr(v)))
    if first_large.size:
        v = frame[column].to_numpy()[int(first_large[0])]
        raise ValueError(_dc.count_too_large_message(f"in column {column!r}", repr(v)))
    return np.asarray(values).astype(np.uint64)


def _blank(series: pd.Series, hide: Sequence[bool] | npt.NDArray[np.bool_]) -> pd.Series:
    """The values with NaN where ``hide``: float64 for numbers, object otherwise (e.g. flags)."""
    mask = np.asarray(hide, dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        out = series.astype("float64")
    else:
        out = series.astype(object)
    return out.mask(mask, np.nan)


def _stamp_frame(out: pd.DataFrame, m: int, count_columns: list[str]) -> None:
    out.attrs["min_cell"] = m
    out.attrs["disclosure_control"] = stamp(m)
    out.attrs["count_columns"] = count_columns


def _estimate_sources(
    estimates: Mapping[str, str | Iterable[str]] | None, allowed: Iterable[str], resolve_2x2: bool
) -> dict[str, tuple[str, ...]]:
    allowed = tuple(allowed)
    out: dict[str, tuple[str, ...]] = {}
    for column, spec in (estimates or {}).items():
        if isinstance(spec, str):
            if resolve_2x2 and spec in ESTIMATE_SOURCES_2X2:
                sources: tuple[str, ...] = ESTIMATE_SOURCES_2X2[spec]
            else:
                sources = (spec,)
        else:
            sources = tuple(spec)
        for src in sources:
            if src not in allowed:
                raise ValueError(
                    f"estimate column {column!r} is derived from {src!r}, which is not one of "
                    f"{', '.join(allowed)}"
                    + (f" or an estimate name ({', '.join(ESTIMATE_SOURCES_2X2)})" if resolve_2x2 else "")
                )
        out[column] = sources
    return out


def suppress_2x2_frame(
    frame: pd.DataFrame,
    min_cell: int | Policy = DEFAULT_MIN_CELL,
    *,
    cells: Sequence[str] = ("a", "b", "c", "d"),
    margins: Mapping[str, str] | None = None,
    estimates: Mapping[str, str | Iterable[str]] | None = None,
) -> pd.DataFrame:
    """A DataFrame with one 2×2 table per row, after disclosure control.

    Parameters
    ----------
    frame
        One row per table; ``cells`` name the columns of a, b, c, d (non-negative integers).
    min_cell
        The threshold; 0 turns disclosure control off.
    cells
        The column names of a, b, c, d.
    margins
        The column of each margin (keys ``exposed``, ``unexposed``, ``outcome``, ``no_outcome``,
        ``total``; default :data:`MARGIN_COLUMNS`). A missing column is added; a present one must
        equal the sum of its cells.
    estimates
        Estimate columns to suppress with the counts they are computed from: column →
        an estimate name of :data:`ESTIMATE_SOURCES_2X2` (``"risk_ratio"``), one field of
        :data:`FIELDS_2X2`, or several fields. List every column computed from the cells:
        intervals, p-values and flags such as "corrected" included.

    Returns
    -------
    pandas.DataFrame
        A copy in which every count column (cells and margins) and every estimate column is
        float64 with NaN where suppressed (flag-like estimate columns become object), each with a
        boolean ``<column>_suppressed`` flag column appended. ``attrs`` holds ``min_cell``, the
        ``disclosure_control`` stamp and the ``count_columns``.
    """
    m = _min_cell_of(min_cell)
    if len(cells) != 4:
        raise ValueError(f"cells must name the 4 columns of a, b, c, d, got {list(cells)!r}")
    margin_columns = dict(MARGIN_COLUMNS if margins is None else margins)
    if set(margin_columns) != set(MARGIN_COLUMNS):
        raise ValueError(
            f"margins must map exactly {', '.join(MARGIN_COLUMNS)} to column names, got "
            f"{sorted(margin_columns)!r}"
        )
    column_of = dict(zip(("a", "b", "c", "d"), cells, strict=True)) | margin_columns
    sources = _estimate_sources(estimates, FIELDS_2X2, resolve_2x2=True)
    for column in sources:
        if column not in frame.columns:
            raise ValueError(f"estimate column {column!r} not found")

    a, b, c, d = (_count_column(frame, col) for col in cells)
    values = _dc.values_2x2(a, b, c, d)  # (9, n), FIELDS_2X2 order
    for field in ("exposed", "unexposed", "outcome", "no_outcome", "total"):
        column = column_of[field]
        if column in frame.columns:
            given = _count_column(frame, column)
            expected = values[_FIELD_INDEX[field]]
            wrong = np.flatnonzero(given != expected)
            if wrong.size:
                i = int(wrong[0])
                raise ValueError(
                    _dc.margin_mismatch_message(
                        repr(column), field, str(int(given[i])), i, str(int(expected[i]))
                    )
                )
    status = _dc.suppress_2x2(a, b, c, d, m)  # (9, n) status codes

    out = frame.copy()
    flags: dict[str, npt.NDArray[np.bool_]] = {}
    for k, field in enumerate(FIELDS_2X2):
        column = column_of[field]
        hide = status[k] != 0
        out[column] = _blank(pd.Series(values[k], index=frame.index), hide)
        flags[column] = hide
    for column, src in sources.items():
        hide = _dc.estimate_suppressed(status[[_FIELD_INDEX[f] for f in src]])
        out[column] = _blank(out[column], hide)
        flags[column] = hide
    for column, hide in flags.items():
        out[column + FLAG_SUFFIX] = pd.Series(hide, index=frame.index, dtype=bool)
    _stamp_frame(out, m, [column_of[f] for f in FIELDS_2X2])
    return out


def suppress_frequency_frame(
    frame: pd.DataFrame | pd.Series,
    min_cell: int | Policy = DEFAULT_MIN_CELL,
    *,
    columns: Sequence[str] | None = None,
    total_published: bool = True,
    estimates: Mapping[str, str | Iterable[str]] | None = None,
) -> pd.DataFrame:
    """A one-way frequency table (one row per category) after disclosure control.

    Parameters
    ----------
    frame
        One row per category; a Series is taken as one count column (its name, or ``count``).
    min_cell
        The threshold; 0 turns disclosure control off.
    columns
        The count columns (default: the Series' column, or ``["count"]``); each is a one-way
        table of its own.
    total_published
        Whether the sum of each count column is published (here or anywhere else). Only when it
        is certain that no such total is published may this be ``False``.
    estimates
        Estimate columns to suppress with the counts (of the same row) they are computed from:
        column → a count column or several.

    Returns
    -------
    pandas.DataFrame
        A copy in which every count and estimate column is float64 with NaN where suppressed, each
        with a boolean ``<column>_suppressed`` flag column appended. ``attrs`` holds ``min_cell``,
        the ``disclosure_control`` stamp, the ``count_columns`` and, with ``total_published``,
        ``totals``: the total of each count column (NaN when suppressed).
    """
    m = _min_cell_of(min_cell)
    default = "count"
    if isinstance(frame, pd.Series):
        default = str(frame.name) if frame.name is not None else "count"
        frame = frame.to_frame(name=default)
    count_columns = list(columns) if columns is not None else [default]
    sources = _estimate_sources(estimates, count_columns, resolve_2x2=False)
    for column in sources:
        if column not in frame.columns:
            raise ValueError(f"estimate column {column!r} not found")

    out = frame.copy()
    codes: dict[str, npt.NDArray[np.uint8]] = {}
    totals: dict[str, float] = {}
    for column in count_columns:
        x = _count_column(frame, column)
        codes[column], total = _dc.suppress_one_way(x, m, bool(total_published))
        out[column] = _blank(pd.Series(x, index=frame.index), codes[column] != 0)
        totals[column] = math.nan if _BY_CODE[int(total)].suppressed else float(sum(x.tolist()))
    flags = {column: c != 0 for column, c in codes.items()}
    for column, src in sources.items():
        stacked = np.stack([codes[c] for c in src]) if src else np.zeros((0, len(frame)), dtype=np.uint8)
        hide = _dc.estimate_suppressed(stacked)
        out[column] = _blank(out[column], hide)
        flags[column] = hide
    for column, hide in flags.items():
        out[column + FLAG_SUFFIX] = pd.Series(hide, index=frame.index, dtype=bool)
    _stamp_frame(out, m, count_columns)
    if total_published:
        out.attrs["totals"] = totals
    return out


def format_value(
    value: object,
    suppressed: bool,
    min_cell: int | Policy = DEFAULT_MIN_CELL,
    *,
    count: bool = False,
    float_format: str = "{:.3g}",
) -> str:
    """The text form of one value: :func:`marker` when suppressed, ``NA`` when missing."""
    if suppressed:
        return marker(min_cell)
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return str(_dc.missing_text)
    if count and isinstance(value, numbers.Real):
        return str(_dc.format_count(float(value)))
    if isinstance(value, float | np.floating):
        return float_format.format(float(value))
    return str(value)


def display(
    frame: pd.DataFrame, min_cell: int | Policy | None = None, *, float_format: str = "{:.3g}"
) -> pd.DataFrame:
    """The text form of a suppressed DataFrame: every suppressed value shown as ``<10``.

    ``frame`` is the result of :func:`suppress_2x2_frame` or :func:`suppress_frequency_frame`
    (``min_cell`` is taken from its ``attrs`` unless given). The flag columns are dropped; the
    stamp stays in ``attrs``.
    """
    if min_cell is None:
        if "min_cell" not in frame.attrs:
            raise ValueError(
                "display needs min_cell: pass it, or a frame from suppress_2x2_frame / "
                "suppress_frequency_frame"
            )
        min_cell = int(frame.attrs["min_cell"])
    m = _min_cell_of(min_cell)
    counts = set(frame.attrs.get("count_columns", []))
    flag_columns = {str(c) for c in frame.columns if str(c).endswith(FLAG_SUFFIX)}
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        if str(column) in flag_columns:
            continue
        flag = f"{column}{FLAG_SUFFIX}"
        hide = frame[flag].to_numpy(dtype=bool) if flag in frame.columns else np.zeros(len(frame), bool)
        dtype = frame[column].dtype
        if column in counts and dtype.kind in "iuf":  # a count column: one call for the column
            out[column] = _dc.format_counts(frame[column].to_numpy(dtype=np.float64), hide, m)
            continue
        out[column] = [
            format_value(v, bool(h), m, count=column in counts, float_format=float_format)
            for v, h in zip(frame[column].to_numpy(dtype=object), hide, strict=True)
        ]
    out.attrs["min_cell"] = m
    out.attrs["disclosure_control"] = stamp(m)
    return out


# ---- patterns of published numbers (famgraph/disclosure_patterns.hpp) ------------------------------
#
# Every module decides suppression through these functions: none compares a count with min_cell
# itself (tests/python/test_architecture.py checks it). ``zero_is_small``: whether a zero count is a
# small count (the default, as in the tables above) or is published (where a zero singles nobody
# out and the output leaves empty categories out: data-quality shares, the quarantine summary).


def count_hidden(
    count: int, min_cell: int | Policy = DEFAULT_MIN_CELL, *, zero_is_small: bool = True
) -> bool:
    """Whether a count published on its own is hidden: below ``min_cell`` (never with ``min_cell=0``).

    >>> count_hidden(3, 10), count_hidden(0, 10, zero_is_small=False), count_hidden(3, 0)
    (True, False, False)
    """
    return bool(_dc.count_hidden(_check_count(count, "count"), _min_cell_of(min_cell), bool(zero_is_small)))


def difference_hidden(
    whole: int, part: int, min_cell: int | Policy = DEFAULT_MIN_CELL, *, zero_is_small: bool = True
) -> bool:
    """Whether ``whole - part`` is hidden, where both are published (so is their difference).

    A part larger than the whole gives a negative difference: hidden when zeros are small, not
    hidden (no positive count) otherwise.

    >>> difference_hidden(100, 95, 10), difference_hidden(100, 100, 10, zero_is_small=False)
    (True, False)
    """
    return bool(
        _dc.difference_hidden(
            _check_count(whole, "whole"),
            _check_count(part, "part"),
            _min_cell_of(min_cell),
            bool(zero_is_small),
        )
    )


def proportion_hidden(
    k: int, n: int, min_cell: int | Policy = DEFAULT_MIN_CELL, *, zero_is_small: bool = True
) -> bool:
    """Whether a proportion ``k`` of ``n``, published with ``n``, is hidden: ``k`` or ``n - k`` small.

    >>> proportion_hidden(3, 50, 10), proportion_hidden(45, 50, 10), proportion_hidden(20, 50, 10)
    (True, True, False)
    >>> proportion_hidden(0, 50, 10, zero_is_small=False)
    False
    """
    return bool(
        _dc.proportion_hidden(
            _check_count(k, "k"), _check_count(n, "n"), _min_cell_of(min_cell), bool(zero_is_small)
        )
    )


def nested_count_hidden(inner: int, x: int, outer: int, min_cell: int | Policy = DEFAULT_MIN_CELL) -> bool:
    """Whether a count ``x`` published between two published counts ``inner <= x <= outer`` is hidden:
    ``x``, ``x - inner`` or ``outer - x`` small (zeros included).

    >>> nested_count_hidden(20, 35, 50, 10), nested_count_hidden(20, 25, 50, 10)
    (False, True)
    """
    return bool(
        _dc.nested_count_hidden(
            _check_count(inner, "inner"),
            _check_count(x, "x"),
            _check_count(outer, "outer"),
            _min_cell_of(min_cell),
        )
    )


def merge_adjacent_levels(
    k: Sequence[int], n: Sequence[int], min_cell: int | Policy = DEFAULT_MIN_CELL
) -> list[int]:
    """Merge adjacent ordered levels until each group has ``min_cell`` outcomes and non-outcomes.

    ``k[i]`` outcomes among ``n[i]`` persons at level ``i``. While more than one group is left and
    one has fewer than ``min_cell`` outcomes or non-outcomes, the smallest such group (fewest
    persons; the first) joins its smaller neighbour (the earlier one on a tie). Returns, per level,
    the index of the first level of its group.

    >>> merge_adjacent_levels([2, 30, 40], [5, 60, 80], 10)
    [0, 0, 2]
    """
    kk = [_check_count(v, f"k[{i}]") for i, v in enumerate(k)]
    nn = [_check_count(v, f"n[{i}]") for i, v in enumerate(n)]
    return [int(i) for i in _dc.merge_adjacent_levels(kk, nn, _min_cell_of(min_cell))]


@dataclass(frozen=True)
class QualityRowStatus:
    """What of a data-quality row is hidden: ``value`` (with its score; the row is marked
    suppressed) and ``n``.

    >>> quality_row_status(5, 2, "records", completeness=True, table_rows=None, min_cell=10)
    QualityRowStatus(value=True, n=True)
    """

    value: bool
    n: bool


_QUALITY_KINDS: Final[Mapping[str, str]] = {
    "records": "share",
    "share": "share",
    "linkability": "linkability",
    "consistency": "consistency",
}


def quality_row_status(
    n: int | None,
    k: int | None,
    kind: str,
    *,
    completeness: bool,
    table_rows: int | None,
    min_cell: int | Policy = DEFAULT_MIN_CELL,
) -> QualityRowStatus:
    """Disclosure control of one data-quality row (docs/data_quality.md).

    ``kind``: ``"records"`` (a share of records: a small non-zero ``k`` or ``n - k`` hides it),
    ``"linkability"`` (``k`` or ``n - k`` small, zeros included) or ``"consistency"`` (a small
    non-zero ``n - k``). An ``n`` below ``min_cell`` hides the value and ``n``. ``table_rows``: the
    rows of the row's table where its completeness rows publish them; then a small non-zero
    ``table_rows - n`` hides the value and ``n`` of a row that is not a completeness row.

    >>> quality_row_status(50, 47, "records", completeness=False, table_rows=None, min_cell=10)
    QualityRowStatus(value=True, n=False)
    """
    if kind not in _QUALITY_KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, _QUALITY_KINDS))}, got {kind!r}")
    s = _dc.quality_row_status(
        None if n is None else _check_count(n, "n"),
        None if k is None else _check_count(k, "k"),
        _QUALITY_KINDS[kind],
        bool(completeness),
        None if table_rows is None else _check_count(table_rows, "table_rows"),
        _min_cell_of(min_cell),
    )
    return QualityRowStatus(bool(s.value), bool(s.n))


@dataclass(frozen=True)
class MatchRateStatus:
    """Match-rate suppression: ``n_hidden[o]`` per organisation, ``found_hidden[(a, b)]`` per
    ordered pair, and whether every pair was hidden to protect the linked persons.

    >>> s = suppress_match_rates({"A": 100, "B": 40}, {("A", "B"): 20, ("B", "A"): 20},
    ...                          {"A": False, "B": False}, persons=120, unlinked_hidden=False, min_cell=10)
    >>> s.all_pairs_hidden, any(s.found_hidden.values()), any(s.n_hidden.values())
    (False, False, False)
    """

    n_hidden: dict[str, bool]
    found_hidden: dict[tuple[str, str], bool]
    all_pairs_hidden: bool


def suppress_match_rates(
    n: Mapping[str, int],
    found: Mapping[tuple[str, str], int],
    n_hidden: Mapping[str, bool],
    *,
    persons: int,
    unlinked_hidden: bool,
    min_cell: int | Policy = DEFAULT_MIN_CELL,
) -> MatchRateStatus:
    """Secondary suppression of the match rates of the linkage report (docs/linkage.md).

    ``n``: linked persons per organisation (in the order pairs are considered); ``found[(a, b)]``:
    persons in both, for every ordered pair; ``n_hidden``: whether each ``n`` is hidden already;
    ``persons``: the persons of the linked dataset; ``unlinked_hidden``: whether the unlinked
    persons are. See ``famgraph/disclosure_patterns.hpp`` for the rules.

    >>> s = suppress_match_rates({"A": 100, "B": 95}, {("A", "B"): 95, ("B", "A"): 95},
    ...                          {"A": False, "B": False}, persons=100, unlinked_hidden=False, min_cell=10)
    >>> s.found_hidden[("A", "B")], s.n_hidden["A"]  # two organisations leave no room: n hidden too
    (True, True)
    """
    names = list(n)
    for a in names:
        for b in names:
            if a != b and (a, b) not in found:
                raise ValueError(
                    f"found: no count for the pair {(a, b)!r}; expected one for every ordered pair"
                )
    for a in names:
        if a not in n_hidden:
            raise ValueError(f"n_hidden: no flag for {a!r}; expected one for every organisation")
    nn = [_check_count(n[o], f"n[{o!r}]") for o in names]
    ff = [0 if a == b else _check_count(found[(a, b)], f"found[{(a, b)!r}]") for a in names for b in names]
    s = _dc.suppress_match_rates(
        nn,
        ff,
        names,
        [bool(n_hidden[o]) for o in names],
        _check_count(persons, "persons"),
        bool(unlinked_hidden),
        _min_cell_of(min_cell),
    )
    k = len(names)
    fh = list(s.found_hidden)
    return MatchRateStatus(
        {o: bool(h) for o, h in zip(names, s.n_hidden, strict=True)},
        {(a, b): bool(fh[i * k + j]) for i, a in enumerate(names) for j, b in enumerate(names) if i != j},
        bool(s.all_pairs_hidden),
    )


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
