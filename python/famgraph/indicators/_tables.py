"""Published tables: statistics on exact counts, then disclosure control (docs/spec/disclosure.md).

Tables that are linked by addition (strata that sum to an overall table; cumulative counts that
nest) are protected *jointly*, so that no suppressed count can be recovered by subtracting
published numbers of the same result (see docs/disclosure.md, "Linked tables").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import disclosure, stats
from ..disclosure import FLAG_SUFFIX, Suppression

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
_PAIRS = (("exposed", "unexposed"), ("outcome", "no_outcome"))


def _values(a: int, b: int, c: int, d: int) -> dict[str, int]:
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


def _close_2x2(s: dict[str, Suppression]) -> bool:
    """The within-table rules of :func:`famgraph.disclosure.suppress_2x2`; True if anything changed."""
    changed = False

    def hide(group: Sequence[str]) -> None:
        nonlocal changed
        if any(s[f].suppressed for f in group):
            for f in group:
                if not s[f].suppressed:
                    s[f] = Suppression.SECONDARY
                    changed = True

    if s["total"].suppressed:
        hide(list(s))
    else:
        # a hidden margin would follow from two published cells: hide the cells with it
        if any(s[f].suppressed for pair in _PAIRS for f in pair):
            for f in _CELLS:
                if not s[f].suppressed:
                    s[f] = Suppression.SECONDARY
                    changed = True
        hide(_CELLS)
        for pair in _PAIRS:
            hide(pair)
    return changed


def _protect_linked(
    values: list[dict[str, int]],
    status: list[dict[str, Suppression]],
    linked: Sequence[tuple[int, Sequence[int]]],
    m: int,
) -> None:
    """Joint protection of strata that add up to an overall table.

    For each (overall row, stratum rows) and each of the nine numbers whose overall value is
    published, the strata values form a one-way table with a published total, so the one-way rule
    applies: the suppressed strata values must be at least two and sum to at least ``min_cell``
    (otherwise the smallest published stratum value is suppressed too). The within-table rules are
    then re-applied, until nothing changes.
    """
    changed = True
    while changed:
        changed = False
        for st in status:
            changed |= _close_2x2(st)
        for overall, strata in linked:
            for field in values[overall]:
                if status[overall][field].suppressed:
                    continue
                hidden = [r for r in strata if status[r][field].suppressed]
                if not hidden:
                    continue
                hidden_sum = sum(values[r][field] for r in hidden)
                while len(hidden) < 2 or hidden_sum < m:
                    rest = [r for r in strata if not status[r][field].suppressed]
                    if not rest:
                        break
                    pick = min(rest, key=lambda r: (values[r][field], r))
                    status[pick][field] = Suppression.SECONDARY
                    hidden.append(pick)
                    hidden_sum += values[pick][field]
                    changed = True
        changed |= _bounded_strata(values, status, linked, m)


def _bounded_strata(
    values: list[dict[str, int]],
    status: list[dict[str, Suppression]],
    linked: Sequence[tuple[int, Sequence[int]]],
    m: int,
) -> bool:
    """Close the gap the one-way rule leaves: each hidden stratum cell a_s is also bounded by its
    own margins (max(0, outcome − unexposed) ≤ a_s ≤ min(exposed, outcome)), so a sum of hidden
    cells that sits near the sum of those bounds pins every one of them (docs/disclosure.md,
    "Linked tables"). When the slack below m, every stratum's cells and margins are hidden; each
    cell is then bounded only by its stratum total and the overall cell. Conservative: it assumes
    every stratum margin is known. True if anything changed."""
    changed = False
    for overall, strata in linked:
        if status[overall]["a"].suppressed:
            continue
        hidden = [r for r in strata if status[r]["a"].suppressed]
        if not hidden:
            continue
        lo = {r: max(0, values[r]["outcome"] - values[r]["unexposed"]) for r in hidden}
        width = {r: min(values[r]["exposed"], values[r]["outcome"]) - lo[r] for r in hidden}
        total_width = sum(width.values())
        slack = sum(values[r]["a"] - lo[r] for r in hidden)
        tight = min(slack, total_width - slack, *(min(width[r], total_width - width[r]) for r in hidden))
        if tight < m:
            for r in strata:
                for f in (*_CELLS, "exposed", "unexposed", "outcome", "no_outcome"):
                    if not status[r][f].suppressed:
                        status[r][f] = Suppression.SECONDARY
                        changed = True
    return changed


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
    values = [_values(*(int(x) for x in abcd)) for abcd in counts]
    for overall, strata in () if perturbed else linked:
        for field in _CELLS:
            total = sum(values[r][field] for r in strata)
            if total != values[overall][field]:
                raise AssertionError(f"strata of row {overall} do not add up in cell {field}")
    status = [
        {f: disclosure.suppress_2x2(v["a"], v["b"], v["c"], v["d"], m).at(f) for f in v} for v in values
    ]
    if m > 0:
        _protect_linked(values, status, linked, m)

    out = keys.reset_index(drop=True).copy()
    for field, column in COLUMN_OF_FIELD.items():
        out[column] = pd.Series([v[field] for v in values], dtype="int64")
    estimates: dict[str, list[Any]] = {c: [] for c in ESTIMATE_COLUMNS_2X2}
    for v in values:
        r = stats.two_by_two(v["a"], v["b"], v["c"], v["d"], level)
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
        _flagged(out, column, [st[field].suppressed for st in status], flags)
    for column, estimate in ESTIMATE_COLUMNS_2X2.items():
        sources = disclosure.ESTIMATE_SOURCES_2X2[estimate]
        hide = [disclosure.estimate_suppressed(*(st[f] for f in sources)) for st in status]
        _flagged(out, column, hide, flags)
    return _finish(out, flags, m, COUNT_COLUMNS_2X2)


def nested_status(cumulative: Sequence[int], n: int, m: int) -> tuple[bool, list[bool]]:
    """Disclosure control of nested counts k_1 ≤ k_2 ≤ … ≤ n published with their total n.

    Differences of published counts are counts too, so the rule works on the increments
    (k_1, k_2 − k_1, …, n − k_last) as a one-way table with total n (secondary suppression as in
    :func:`famgraph.disclosure.suppress_one_way`). A cumulative count is then published only if the
    suppressed increments on each side of it — between it and the previous published count, and
    after it — are none, or at least two that sum to at least ``min_cell``. Returns (n suppressed,
    each k suppressed).
    """
    if m == 0:
        return False, [False] * len(cumulative)
    if n < m:
        return True, [True] * len(cumulative)
    inc = [cumulative[0]] + [cumulative[i] - cumulative[i - 1] for i in range(1, len(cumulative))]
    inc.append(n - cumulative[-1])
    s = disclosure.suppress_one_way(inc, m, total_published=True)
    hidden = [x.suppressed for x in s.counts]

    def ok(lo: int, hi: int) -> bool:  # increments lo..hi-1
        h = [inc[i] for i in range(lo, hi) if hidden[i]]
        return not h or (len(h) >= 2 and sum(h) >= m)

    out: list[bool] = []
    last = 0  # increments before `last` are closed off by a published count
    for k in range(len(cumulative)):
        publish = ok(last, k + 1) and ok(k + 1, len(inc))
        out.append(not publish)
        if publish:
            last = k + 1
    return False, out


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
    hide_n = [m > 0 and x < m for x in nn]
    hide_k = [m > 0 and (a < m or b - a < m) for a, b in zip(kk, nn, strict=True)]
    for group in nested:
        totals = {nn[r] for r in group}
        if len(totals) != 1:
            raise AssertionError("nested rows must share n")
        hn, hk = nested_status([kk[r] for r in group], nn[group[0]], m)
        for r, h in zip(group, hk, strict=True):
            hide_k[r] = h or hn
            hide_n[r] = hn
    hide_k = [a or b for a, b in zip(hide_k, hide_n, strict=True)]
    for whole, parts in siblings:
        hidden = [r for r in (whole, *parts) if hide_k[r]]
        shown = [r for r in parts if not hide_k[r]]
        if m > 0 and len(hidden) == 1 and shown:
            hide_k[min(shown, key=lambda r: (kk[r], r))] = True
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
