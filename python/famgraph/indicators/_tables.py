"""Published tables: statistics on exact counts, then disclosure control (docs/spec/disclosure.md).

Tables that are linked by addition (strata that sum to an overall table; cumulative counts that
nest; parts of a published count) are protected *jointly*, so that no suppressed count can be
recovered by subtracting published numbers of the same result (see docs/disclosure.md, "Linked
tables"). The rules are the C++ core's (famgraph/disclosure_linked.hpp, through
famgraph._core.disclosure); this module converts to and from pandas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _core, disclosure, stats
from ..disclosure import FLAG_SUFFIX

__all__ = [
    "COUNT_COLUMNS_2X2",
    "ESTIMATE_COLUMNS_2X2",
    "nested_status",
    "share_frame",
    "two_by_two_frame",
]

#: Column of each of the nine published numbers of a 2×2 table.
COLUMN_OF_FIELD: Mapping[str, str] = {
    "a": "a",
    "b": "b",
    "c": "c",
    "d": "d",
    "exposed": "n_exposed",
    "unexposed": "n_unexposed",
    "outcome": "n_outcome",
    "no_outcome": "n_no_outcome",
    "total": "n",
}
COUNT_COLUMNS_2X2: tuple[str, ...] = tuple(COLUMN_OF_FIELD.values())

#: Estimate columns of a 2×2 table → the estimate (of disclosure.ESTIMATE_SOURCES_2X2) they derive from.
ESTIMATE_COLUMNS_2X2: Mapping[str, str] = {
    **{f"risk_exposed{s}": "risk_exposed" for s in ("", "_lower", "_upper")},
    **{f"risk_unexposed{s}": "risk_unexposed" for s in ("", "_lower", "_upper")},
    **{f"risk_ratio{s}": "risk_ratio" for s in ("", "_lower", "_upper")},
    **{f"odds_ratio{s}": "odds_ratio" for s in ("", "_lower", "_upper", "_raw")},
    "or_corrected": "odds_ratio",
    **{f"risk_difference{s}": "risk_difference" for s in ("", "_lower", "_upper")},
}

_CELLS = ("a", "b", "c", "d")

# The rules of linked tables: famgraph::disclosure (famgraph/disclosure_linked.hpp).
_dc = _core.disclosure


def _counts(values: Sequence[int], name: str) -> npt.NDArray[np.uint64]:
    """A count column for the core, with the error of famgraph.disclosure for a bad count."""
    return disclosure._column(disclosure._check_count(v, f"{name}[{i}]") for i, v in enumerate(values))


def _constraints(pairs: Sequence[tuple[int, Sequence[int]]]) -> list[tuple[int, list[int]]]:
    return [(int(whole), [int(r) for r in parts]) for whole, parts in pairs]


def _flagged(out: pd.DataFrame, column: str, hide: Sequence[bool], flags: dict[str, list[bool]]) -> None:
    mask = np.asarray(hide, dtype=bool)
    series = out[column]
    if pd.api.types.is_bool_dtype(series.dtype) or series.dtype == object:
        series = series.astype(object)
    else:
        series = series.astype("float64")
    out[column] = series.mask(mask, np.nan) if len(series) else series
    flags[column] = list(map(bool, mask))


def _finish(
    out: pd.DataFrame, flags: Mapping[str, list[bool]], m: int, counts: Sequence[str]
) -> pd.DataFrame:
    for column, hide in flags.items():
        out[column + FLAG_SUFFIX] = pd.Series(hide, index=out.index, dtype=bool)
    out.attrs["min_cell"] = m
    out.attrs["disclosure_control"] = disclosure.stamp(m)
    out.attrs["count_columns"] = list(counts)
    return out


def _est(r: dict[str, Any], key: str) -> tuple[float, float, float]:
    e = r.get(key)
    if e is None:
        return math.nan, math.nan, math.nan

    def f(v: Any) -> float:
        return math.nan if v is None else float(v)

    return f(e["estimate"]), f(e["lower"]), f(e["upper"])


def two_by_two_frame(
    keys: pd.DataFrame,
    counts: Sequence[tuple[int, int, int, int]],
    *,
    level: float,
    min_cell: int,
    linked: Sequence[tuple[int, Sequence[int]]] = (),
    perturbed: bool = False,
) -> pd.DataFrame:
    """One published 2×2 table per row: key columns, counts, estimates, suppression flags.

    ``linked`` lists (overall row, stratum rows) whose cells add up; they are protected jointly.
    ``perturbed``: the counts are perturbed cells (the cell key method), which need not add up
    across linked rows; the rules apply to them unchanged (docs/decisions.md, 42 and 45).
    """
    m = disclosure.check_min_cell(min_cell)
    if len(keys) != len(counts):
        raise ValueError("keys and counts differ in length")
    a, b, c, d = (_counts([int(t[i]) for t in counts], f) for i, f in enumerate(_CELLS))
    # The nine published numbers (cells and margins) and the rules (each table, then jointly with
    # its strata): famgraph::disclosure::values_2x2_columns and suppress_linked_2x2.
    values = _dc.values_2x2(a, b, c, d)  # (9, n), FIELDS_2X2 order
    field_index = {f: i for i, f in enumerate(disclosure.FIELDS_2X2)}
    for overall, strata in () if perturbed else linked:
        for i, field in enumerate(_CELLS):
            if sum(int(values[i, r]) for r in strata) != int(values[i, overall]):
                raise AssertionError(f"strata of row {overall} do not add up in cell {field}")
    codes = _dc.suppress_linked_2x2(a, b, c, d, _constraints(linked), m)

    out = keys.reset_index(drop=True).copy()
    for field, column in COLUMN_OF_FIELD.items():
        out[column] = pd.Series(values[field_index[field]], dtype="int64")
    estimates: dict[str, list[Any]] = {c: [] for c in ESTIMATE_COLUMNS_2X2}
    for va, vb, vc, vd in zip(*(values[i].tolist() for i in range(4)), strict=True):
        r = stats.two_by_two(va, vb, vc, vd, level)
        for name in ("risk_exposed", "risk_unexposed", "risk_ratio", "odds_ratio", "risk_difference"):
            e, lo, hi = _est(r, name)
            estimates[name].append(e)
            estimates[f"{name}_lower"].append(lo)
            estimates[f"{name}_upper"].append(hi)
        estimates["odds_ratio_raw"].append(math.nan if r["or_raw"] is None else float(r["or_raw"]))
        estimates["or_corrected"].append(bool(r["or_corrected"]))
    for column, vals in estimates.items():
        out[column] = pd.Series(vals, dtype=bool if column == "or_corrected" else "float64")

    flags: dict[str, list[bool]] = {}
    for field, column in COLUMN_OF_FIELD.items():
        _flagged(out, column, list(codes[field_index[field]] != 0), flags)
    for column, estimate in ESTIMATE_COLUMNS_2X2.items():
        sources = [field_index[f] for f in disclosure.ESTIMATE_SOURCES_2X2[estimate]]
        _flagged(out, column, list(_dc.estimate_suppressed(codes[sources])), flags)
    return _finish(out, flags, m, COUNT_COLUMNS_2X2)


def nested_status(cumulative: Sequence[int], n: int, m: int) -> tuple[bool, list[bool]]:
    """Disclosure control of nested counts k_1 ≤ k_2 ≤ … ≤ n published with their total n.

    Differences of published counts are counts too, so the rule works on the increments
    (k_1, k_2 − k_1, …, n − k_last) as a one-way table with total n (secondary suppression as in
    :func:`famgraph.disclosure.suppress_one_way`). A cumulative count is then published only if the
    suppressed increments on each side of it — between it and the previous published count, and
    after it — are none, or at least two that sum to at least ``min_cell``. Returns (n suppressed,
    each k suppressed). The rule is ``famgraph::disclosure::suppress_nested``.

    >>> nested_status([3, 15], 30, 5)
    (False, [True, False])
    """
    s = _dc.suppress_nested(_counts(cumulative, "cumulative"), disclosure._check_count(n, "n"), m)
    return bool(s.total_hidden), [bool(h) for h in s.hidden]


def share_frame(
    keys: pd.DataFrame,
    k: Sequence[int],
    n: Sequence[int],
    *,
    level: float,
    min_cell: int,
    count_name: str = "k",
    nested: Sequence[Sequence[int]] = (),
    siblings: Sequence[tuple[int, Sequence[int]]] = (),
) -> pd.DataFrame:
    """Shares k/n with Wilson intervals, one per row: key columns, ``n``, ``count_name``, ``share``,
    ``share_lower``, ``share_upper`` and flags.

    A share and its count are published only when both k and n − k are at least ``min_cell`` (k is
    a one-way table (k, n − k) with a published total n); n itself when it is at least min_cell.
    ``nested`` lists groups of rows with the same n whose counts nest (k ascending); they are
    protected with :func:`nested_status`. ``siblings`` lists ``(whole, parts)``: rows whose counts
    are parts of the count of row ``whole`` (the organisations of one "any organisation" row; they
    may overlap, but other published tables can show that they do not, so the rule assumes they
    partition it). Where exactly one count of a whole and its parts is hidden, the smallest
    published part is hidden with it, so that no published count minus the published others gives
    it. Hiding more of a nested group keeps its rule (the increments around a published count only
    grow).
    """
    m = disclosure.check_min_cell(min_cell)
    kk = [int(x) for x in k]
    nn = [int(x) for x in n]
    for group in nested:
        if len({nn[r] for r in group}) != 1:
            raise AssertionError("nested rows must share n")
    # The rules: famgraph::disclosure::suppress_shares.
    s = _dc.suppress_shares(
        _counts(kk, count_name),
        _counts(nn, "n"),
        [[int(r) for r in g] for g in nested],
        _constraints(siblings),
        m,
    )
    hide_n, hide_k = [bool(h) for h in s.n_hidden], [bool(h) for h in s.k_hidden]
    out = keys.reset_index(drop=True).copy()
    out["n"] = pd.Series(nn, dtype="int64")
    out[count_name] = pd.Series(kk, dtype="int64")
    est, lo, hi = [], [], []
    for a, b in zip(kk, nn, strict=True):
        w = stats.wilson(a, b, level)
        est.append(a / b if b else math.nan)
        lo.append(math.nan if w is None or w["lower"] is None else float(w["lower"]))
        hi.append(math.nan if w is None or w["upper"] is None else float(w["upper"]))
    out["share"] = pd.Series(est, dtype="float64")
    out["share_lower"] = pd.Series(lo, dtype="float64")
    out["share_upper"] = pd.Series(hi, dtype="float64")
    flags: dict[str, list[bool]] = {}
    _flagged(out, "n", hide_n, flags)
    for column in (count_name, "share", "share_lower", "share_upper"):
        _flagged(out, column, hide_k, flags)
    return _finish(out, flags, m, ["n", count_name])


def count_frame(
    keys: pd.DataFrame, counts: Sequence[int], *, min_cell: int, column: str = "count", total_published: bool
) -> pd.DataFrame:
    """A one-way frequency table after :func:`famgraph.disclosure.suppress_one_way`."""
    m = disclosure.check_min_cell(min_cell)
    out = keys.reset_index(drop=True).copy()
    out[column] = pd.Series([int(x) for x in counts], dtype="int64")
    s = disclosure.suppress_one_way(list(out[column]), m, total_published=total_published)
    flags: dict[str, list[bool]] = {}
    _flagged(out, column, [x.suppressed for x in s.counts], flags)
    return _finish(out, flags, m, [column])
