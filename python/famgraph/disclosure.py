"""Statistical disclosure control (docs/spec/disclosure.md), in pure Python for pandas results.

Every count below ``min_cell`` (default 10) and every estimate derived from a suppressed count is
suppressed, with secondary suppression so that no suppressed count can be recovered from what is
published. ``min_cell=0`` turns disclosure control off, which :func:`stamp` says on every output.

The rules are those of the C++ header ``famgraph/disclosure.hpp``; both are tested on the same
hand-made cases. The rules and the reasons for each are in the documentation page "Disclosure
control" (``docs/disclosure.md``).

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
import pandas as pd

__all__ = [
    "DEFAULT_MIN_CELL",
    "ESTIMATE_SOURCES_2X2",
    "FIELDS_2X2",
    "JSON_NAMES_2X2",
    "MARGIN_COLUMNS",
    "Policy",
    "Suppressed2x2",
    "SuppressedOneWay",
    "Suppression",
    "check_min_cell",
    "display",
    "estimate_suppressed",
    "estimate_suppressed_2x2",
    "format_value",
    "marker",
    "stamp",
    "suppress_2x2",
    "suppress_2x2_frame",
    "suppress_frequency_frame",
    "suppress_one_way",
    "to_json_2x2",
]

DEFAULT_MIN_CELL: Final = 10

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


def _invalid_min_cell_message(got: str) -> str:
    return (
        f"min_cell must be an integer >= 0 (0 turns disclosure control off; default "
        f"{DEFAULT_MIN_CELL}), got {got}"
    )


def check_min_cell(min_cell: object) -> int:
    """``min_cell`` as an ``int``, or an error naming the option and its allowed values.

    Raises ``TypeError`` for anything but an integer (``bool`` and ``10.0`` included) and
    ``ValueError`` for a negative integer.
    """
    if isinstance(min_cell, bool) or not isinstance(min_cell, numbers.Integral):
        raise TypeError(_invalid_min_cell_message(f"{min_cell!r} ({type(min_cell).__name__})"))
    value = int(min_cell)
    if value < 0:
        raise ValueError(_invalid_min_cell_message(str(value)))
    return value


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
    m = _min_cell_of(min_cell)
    if m == 0:
        return "disclosure control: OFF (min_cell = 0): small counts are shown; not for publication"
    return (
        f"disclosure control: on (min_cell = {m}): counts below {m} and every estimate derived "
        f"from a suppressed count are suppressed"
    )


def marker(min_cell: int | Policy = DEFAULT_MIN_CELL) -> str:
    """The text shown for every suppressed value, count or estimate, primary or secondary: ``<10``.

    It marks a value suppressed under the rule ``min_cell = 10``; it is not a bound on that value.
    """
    return f"<{_min_cell_of(min_cell)}"


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise ValueError(f"count {name} must be a non-negative integer, got {value!r}")
    return int(value)


def _below(count: int, m: int) -> bool:
    return m > 0 and count < m


# ---- 2×2 tables ------------------------------------------------------------------------------

#: The nine published numbers of a 2×2 table: cells, margins, total.
FIELDS_2X2: Final = ("a", "b", "c", "d", "exposed", "unexposed", "outcome", "no_outcome", "total")

#: Names in the JSON form of docs/spec/interfaces.md §json and in its ``"suppressed"`` list.
JSON_NAMES_2X2: Final[Mapping[str, str]] = {
    "a": "exposed.outcome",
    "b": "exposed.no_outcome",
    "c": "unexposed.outcome",
    "d": "unexposed.no_outcome",
    "exposed": "margins.exposed",
    "unexposed": "margins.unexposed",
    "outcome": "margins.outcome",
    "no_outcome": "margins.no_outcome",
    "total": "margins.total",
}

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
    "risk_exposed": ("a", "b", "exposed"),
    "risk_unexposed": ("c", "d", "unexposed"),
    "risk_ratio": ("a", "b", "c", "d", "exposed", "unexposed"),
    "odds_ratio": ("a", "b", "c", "d"),
    "risk_difference": ("a", "b", "c", "d", "exposed", "unexposed"),
}


def _values_2x2(a: int, b: int, c: int, d: int) -> dict[str, int]:
    return {
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "exposed": a + b,
        "unexposed": c + d,
        "outcome": a + c,
        "no_outcome": b + d,
        "total": a + b + c + d,
    }


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
    values = _values_2x2(
        _check_count(a, "a"), _check_count(b, "b"), _check_count(c, "c"), _check_count(d, "d")
    )
    if m == 0:
        return Suppressed2x2()
    s = {f: Suppression.PRIMARY if _below(v, m) else Suppression.NONE for f, v in values.items()}

    def close(group: tuple[str, ...]) -> None:
        if any(s[f].suppressed for f in group):
            for f in group:
                if not s[f].suppressed:
                    s[f] = Suppression.SECONDARY

    if s["total"].suppressed:
        close(FIELDS_2X2)  # every number is <= total < min_cell: all primary already
    else:
        close(("a", "b", "c", "d"))
        close(("exposed", "unexposed"))
        close(("outcome", "no_outcome"))
    return Suppressed2x2(**s)


def to_json_2x2(a: int, b: int, c: int, d: int, min_cell: int | Policy = DEFAULT_MIN_CELL) -> dict[str, Any]:
    """The JSON form of docs/spec/interfaces.md §json after disclosure control.

    ``{"exposed": {"outcome": a, "no_outcome": b}, "unexposed": {...}, "margins": {"exposed", …,
    "total"}, "suppressed": [...]}``: a suppressed number is ``None`` (``null``) and is named in
    ``"suppressed"`` (see :data:`JSON_NAMES_2X2`). The margins are included so that the published
    object is complete: a margin published elsewhere must follow the same status.
    """
    s = suppress_2x2(a, b, c, d, min_cell)
    values = _values_2x2(int(a), int(b), int(c), int(d))

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
    x = [_check_count(v, f"[{i}]") for i, v in enumerate(counts)]
    s = [Suppression.NONE] * len(x)
    if m == 0:
        return SuppressedOneWay(tuple(s))
    for i, v in enumerate(x):
        if _below(v, m):
            s[i] = Suppression.PRIMARY
    if not total_published:
        return SuppressedOneWay(tuple(s))
    if _below(sum(x), m):
        s = [Suppression.PRIMARY if _below(v, m) else Suppression.SECONDARY for v in x]
        return SuppressedOneWay(tuple(s), Suppression.PRIMARY)
    hidden = [i for i in range(len(x)) if s[i].suppressed]
    if not hidden:
        return SuppressedOneWay(tuple(s))
    hidden_sum = sum(x[i] for i in hidden)
    while len(hidden) < 2 or hidden_sum < m:
        rest = [i for i in range(len(x)) if not s[i].suppressed]
        if not rest:  # pragma: no cover - all suppressed means hidden_sum = total >= min_cell
            break
        pick = min(rest, key=lambda i: (x[i], i))
        s[pick] = Suppression.SECONDARY
        hidden.append(pick)
        hidden_sum += x[pick]
    return SuppressedOneWay(tuple(s))


# ---- estimates ---------------------------------------------------------------------------------


def estimate_suppressed(*sources: bool | Suppression) -> bool:
    """Whether an estimate must be suppressed, given the status of each count it is computed from.

    An estimate (risk, RR, OR, RD, a share, λ_R, …), its interval, p-value and any flag computed
    from the counts (e.g. "Haldane–Anscombe correction applied", which says that a cell is 0) is
    suppressed iff any of its counts is suppressed, for either reason. Each source is a flag or a
    :class:`Suppression`.
    """
    return any(s.suppressed if isinstance(s, Suppression) else bool(s) for s in sources)


def estimate_suppressed_2x2(status: Suppressed2x2, estimate: str) -> bool:
    """Whether an estimate of a 2×2 table (a key of :data:`ESTIMATE_SOURCES_2X2`) is suppressed."""
    if estimate not in ESTIMATE_SOURCES_2X2:
        raise ValueError(f"unknown 2x2 estimate {estimate!r}; one of {', '.join(ESTIMATE_SOURCES_2X2)}")
    return estimate_suppressed(*(status.at(f) for f in ESTIMATE_SOURCES_2X2[estimate]))


# ---- DataFrames ----------------------------------------------------------------------------------


def _count_column(frame: pd.DataFrame, column: str) -> list[int]:
    if column not in frame.columns:
        raise ValueError(f"column {column!r} not found; columns: {', '.join(map(str, frame.columns))}")
    out: list[int] = []
    for v in frame[column].to_numpy():
        count: int | None = None
        if isinstance(v, bool | np.bool_):
            count = None
        elif isinstance(v, numbers.Integral):
            count = int(v)
        elif isinstance(v, numbers.Real) and float(v).is_integer():  # 3.0 from a float column
            count = int(float(v))
        if count is None or count < 0:
            raise ValueError(f"column {column!r} must hold non-negative integer counts, got {v!r}")
        out.append(count)
    return out


def _blank(series: pd.Series, hide: Sequence[bool]) -> pd.Series:
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
    rows = [_values_2x2(*abcd) for abcd in zip(a, b, c, d, strict=True)]
    for field in ("exposed", "unexposed", "outcome", "no_outcome", "total"):
        column = column_of[field]
        if column in frame.columns:
            given = _count_column(frame, column)
            for i, (g, r) in enumerate(zip(given, rows, strict=True)):
                if g != r[field]:
                    raise ValueError(
                        f"column {column!r} (the {field} margin) is {g} in row {i}, but its cells sum to "
                        f"{r[field]}"
                    )
    status = [suppress_2x2(r["a"], r["b"], r["c"], r["d"], m) for r in rows]

    out = frame.copy()
    flags: dict[str, list[bool]] = {}
    for field in FIELDS_2X2:
        column = column_of[field]
        hide = [s.suppressed(field) for s in status]
        values = pd.Series([r[field] for r in rows], index=frame.index, dtype="int64")
        out[column] = _blank(values, hide)
        flags[column] = hide
    for column, src in sources.items():
        hide = [estimate_suppressed(*(s.at(f) for f in src)) for s in status]
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
    hidden: dict[str, list[bool]] = {}
    totals: dict[str, float] = {}
    for column in count_columns:
        x = _count_column(frame, column)
        s = suppress_one_way(x, m, total_published=total_published)
        hidden[column] = [v.suppressed for v in s.counts]
        out[column] = _blank(pd.Series(x, index=frame.index, dtype="int64"), hidden[column])
        totals[column] = math.nan if s.total.suppressed else float(sum(x))
    flags = dict(hidden)
    for column, src in sources.items():
        hide = [any(hidden[c][i] for c in src) for i in range(len(frame))]
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
        return "NA"
    if count and isinstance(value, numbers.Real):
        return str(int(float(value)))
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
        out[column] = [
            format_value(v, bool(h), m, count=column in counts, float_format=float_format)
            for v, h in zip(frame[column].to_numpy(dtype=object), hide, strict=True)
        ]
    out.attrs["min_cell"] = m
    out.attrs["disclosure_control"] = stamp(m)
    return out


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
