"""Oracle: the pure-Python disclosure rules of linked tables as they were before the C++ core took
them over (famgraph/disclosure_linked.hpp), copied verbatim from famgraph.indicators._tables,
.overlap and .transmission at commit 14c408f (only renamed with an ``old_`` prefix; the status lines
of two_by_two_frame and share_frame as functions of their own). They call the basic rules
(suppress_2x2, suppress_one_way), which tests/python/test_disclosure*.py check on their own.
tests/python/test_disclosure_linked.py checks that the core gives exactly the same statuses on
thousands of random inputs. Do not "fix" this file: it is the record
of the old behaviour.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from famgraph import disclosure, stats
from famgraph.disclosure import Suppression

_CELLS = ("a", "b", "c", "d")
_PAIRS = (("exposed", "unexposed"), ("outcome", "no_outcome"))
_DAYS_PER_YEAR = 365.25

Combo = frozenset[str]
OTHER_SINGLE = "(other single organisations)"
OTHER_MULTI = "(other combinations of 2 or more)"
_POOL_SINGLE: Combo = frozenset({OTHER_SINGLE})
_POOL_MULTI: Combo = frozenset({OTHER_MULTI, OTHER_MULTI + " "})


def values_2x2(a: int, b: int, c: int, d: int) -> dict[str, int]:
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


def old_close_2x2(s: dict[str, Suppression]) -> bool:
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
        if any(s[f].suppressed for pair in _PAIRS for f in pair):
            for f in _CELLS:
                if not s[f].suppressed:
                    s[f] = Suppression.SECONDARY
                    changed = True
        hide(_CELLS)
        for pair in _PAIRS:
            hide(pair)
    return changed


def old_protect_linked(
    values: list[dict[str, int]],
    status: list[dict[str, Suppression]],
    linked: Sequence[tuple[int, Sequence[int]]],
    m: int,
) -> None:
    changed = True
    while changed:
        changed = False
        for st in status:
            changed |= old_close_2x2(st)
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
        changed |= old_bounded_strata(values, status, linked, m)


def old_bounded_strata(
    values: list[dict[str, int]],
    status: list[dict[str, Suppression]],
    linked: Sequence[tuple[int, Sequence[int]]],
    m: int,
) -> bool:
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


def old_linked_status(
    counts: Sequence[tuple[int, int, int, int]], linked: Sequence[tuple[int, Sequence[int]]], m: int
) -> list[dict[str, Suppression]]:
    """The statuses two_by_two_frame gave (its status lines, verbatim)."""
    values = [values_2x2(*(int(x) for x in abcd)) for abcd in counts]
    status = [
        {f: disclosure.suppress_2x2(v["a"], v["b"], v["c"], v["d"], m).at(f) for f in v} for v in values
    ]
    if m > 0:
        old_protect_linked(values, status, linked, m)
    return status


def old_nested_status(cumulative: Sequence[int], n: int, m: int) -> tuple[bool, list[bool]]:
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
    last = 0
    for k in range(len(cumulative)):
        publish = ok(last, k + 1) and ok(k + 1, len(inc))
        out.append(not publish)
        if publish:
            last = k + 1
    return False, out


def old_share_status(
    k: Sequence[int],
    n: Sequence[int],
    m: int,
    nested: Sequence[Sequence[int]] = (),
    siblings: Sequence[tuple[int, Sequence[int]]] = (),
) -> tuple[list[bool], list[bool]]:
    """The (hide_n, hide_k) of share_frame (its status lines, verbatim; the sibling rule as of
    decision 65)."""
    kk = [int(x) for x in k]
    nn = [int(x) for x in n]
    hide_n = [m > 0 and x < m for x in nn]
    hide_k = [m > 0 and (a < m or b - a < m) for a, b in zip(kk, nn, strict=True)]
    for group in nested:
        totals = {nn[r] for r in group}
        if len(totals) != 1:
            raise AssertionError("nested rows must share n")
        hn, hk = old_nested_status([kk[r] for r in group], nn[group[0]], m)
        for r, h in zip(group, hk, strict=True):
            hide_k[r] = h or hn
            hide_n[r] = hn
    hide_k = [a or b for a, b in zip(hide_k, hide_n, strict=True)]
    for whole, parts in siblings:
        # A lone hidden count is the whole minus the others; with the whole shown, the hidden
        # parts together are the whole minus the shown parts (assuming a partition; less when
        # they overlap), so they must also sum to at least m (decision 65).
        while m > 0:
            hidden_parts = [r for r in parts if hide_k[r]]
            shown = [r for r in parts if not hide_k[r]]
            if not shown:
                break
            if hide_k[whole]:
                more = not hidden_parts
            else:
                rest = max(0, kk[whole] - sum(kk[r] for r in shown))
                pinned = min(sum(kk[r] for r in hidden_parts), rest)
                more = len(hidden_parts) == 1 or (bool(hidden_parts) and pinned < m)
            if not more:
                break
            hide_k[min(shown, key=lambda r: (kk[r], r))] = True
    return hide_n, hide_k


def old_protect(
    keys: list[Combo], counts: dict[Combo, int], m: int
) -> tuple[dict[Combo, bool], bool, bool, list[list[Combo]]]:
    k1 = sum(counts.values())
    k2 = sum(v for k, v in counts.items() if len(k) >= 2)
    hide_k1 = m > 0 and k1 < m
    hide_k2 = m > 0 and (hide_k1 or k2 < m or k1 - k2 < m)
    groups = [keys] if hide_k2 else [[k for k in keys if len(k) == 1], [k for k in keys if len(k) >= 2]]
    hidden: dict[Combo, bool] = {}
    for group in groups:
        s = disclosure.suppress_one_way([counts[k] for k in group], m, total_published=True)
        hidden |= {k: x.suppressed for k, x in zip(group, s.counts, strict=True)}
    if hide_k2 and not hide_k1 and any(hidden.values()):
        for multi in (False, True):
            part = [k for k in keys if (len(k) >= 2) == multi]
            if part and not any(hidden[k] for k in part):
                hidden[min(part, key=lambda k: (counts[k], keys.index(k)))] = True
    return hidden, hide_k1, hide_k2, groups


def old_pooled(given: dict[Combo, int], m: int) -> tuple[list[Combo], dict[Combo, int], list[set[Combo]]]:
    keys: list[Combo] = []
    counts: dict[Combo, int] = {}
    pooled_members: list[set[Combo]] = []
    for multi in (False, True):
        group = sorted(
            ((k, v) for k, v in given.items() if (len(k) >= 2) == multi and v > 0),
            key=lambda kv: (-kv[1], sorted(kv[0])),
        )
        listed = [(k, v) for k, v in group if m == 0 or v >= m]
        rest = sum(v for k, v in group if not (m == 0 or v >= m))
        members = {k for k, v in group if not (m == 0 or v >= m)}
        while m > 0 and rest < m and listed:
            k, v = listed.pop()
            rest += v
            members.add(k)
        keys.extend(k for k, _ in listed)
        counts.update(dict(listed))
        other = _POOL_MULTI if multi else _POOL_SINGLE
        keys.append(other)
        counts[other] = rest
        pooled_members.append(members)
    return keys, counts, pooled_members


# ---- the pair rule of the multi-agency overlap (famgraph.indicators.overlap._unit) and the sums of
# perturbed combinations (overlap._perturbed), copied from commit e2912d1 before the pair rule moved
# to disclosure::overlap_pairs_hidden and the sums to indicators::overlap_from_combinations.

MAX_LISTED_ORGANISATIONS = 12


def old_overlap_keys(
    given: dict[Combo, int], orgs: Sequence[str], m: int
) -> tuple[list[Combo], dict[Combo, int], list[set[Combo]] | None]:
    """The rows of the combination table: every combination (<= 12 organisations) or the pooled ones."""
    pooled: list[set[Combo]] | None = None
    if len(orgs) <= MAX_LISTED_ORGANISATIONS:
        keys = [frozenset(c) for r in range(1, len(orgs) + 1) for c in itertools.combinations(orgs, r)]
        counts = {k: given.get(k, 0) for k in keys}
    else:
        keys, counts, pooled = old_pooled(given, m)
    return keys, counts, pooled


def old_overlap_pairs(
    given: dict[Combo, int], pairs: Sequence[tuple[str, str, int, int]], orgs: Sequence[str], m: int
) -> tuple[list[tuple[str, str, int, int]], list[bool], list[bool]]:
    """(ordered pairs (x, y, both, either), hide_both, hide_either) as _unit published them."""
    keys, counts, pooled = old_overlap_keys(given, orgs, m)
    hidden, hide_k1, _, groups = old_protect(keys, counts, m)

    def safe(pred: Callable[[Combo], object]) -> bool:
        """A sum of combinations tells nothing new if, within each group whose total is published,
        the hidden combinations it includes are none or all of them."""
        if pooled is not None and m > 0:
            # A pooled row stands for combinations that are not listed, empty ones included: a sum
            # that may include some of them but not the whole row is not a sum of published rows.
            # Pairs and larger combinations of more than 12 organisations are never all listed.
            if counts[_POOL_MULTI] > 0 or any(pred(k) for k in pooled[0]):
                return False
            if any(pred(frozenset({o})) for o in orgs if frozenset({o}) not in counts):
                return False
        for group in groups:
            h = [k for k in group if hidden[k]]
            inside = [k for k in h if pred(k)]
            if inside and (len(inside) < len(h) or hide_k1):
                return False
        return True

    pair_rows: list[tuple[str, str, int, int]] = []
    hide_both: list[bool] = []
    hide_either: list[bool] = []
    rank = {o: i for i, o in enumerate(orgs)}
    ordered = sorted(
        ((*sorted((x, y), key=rank.__getitem__), b, e) for x, y, b, e in pairs),
        key=lambda p: (rank[p[0]], rank[p[1]]),
    )
    for x, y, both, either in ordered:
        pair_rows.append((x, y, int(both), int(either)))
        xy = frozenset((x, y))
        hide_either.append(m > 0 and not safe(xy.intersection))
        hide_both.append(m > 0 and not safe(xy.issubset))
    return pair_rows, hide_both, hide_either


def old_perturbed_sums(
    combos: Sequence[tuple[tuple[str, ...], int]], pairs: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """The sums of _perturbed: the combinations kept (value > 0), both/either of each pair, the
    numbers known to >= 1 and >= 2 organisations (its lines after the perturbation)."""
    kept = [(o, v) for o, v in combos if v > 0]
    known: dict[str, int] = {}
    both: dict[tuple[str, str], int] = {}
    for o, v in kept:
        for i, x in enumerate(o):
            known[x] = known.get(x, 0) + v
            for y in o[i + 1 :]:
                both[(x, y)] = both.get((x, y), 0) + v
                both[(y, x)] = both.get((y, x), 0) + v
    out_pairs = []
    for x, y in pairs:
        b = both.get((x, y), 0)
        out_pairs.append((x, y, b, known.get(x, 0) + known.get(y, 0) - b))
    return {
        "combinations": kept,
        "pairs": out_pairs,
        "known_1plus": sum(v for _, v in kept),
        "known_2plus": sum(v for o, v in kept if len(o) >= 2),
    }


def exact_pairs(given: dict[Combo, int], orgs: Sequence[str]) -> list[tuple[str, str, int, int]]:
    """both/either of every pair x < y (in the order of `orgs`) from the combination counts."""
    out = []
    for i, x in enumerate(orgs):
        for y in orgs[i + 1 :]:
            both = sum(v for k, v in given.items() if x in k and y in k)
            either = sum(v for k, v in given.items() if x in k or y in k)
            out.append((x, y, both, either))
    return out


def old_km_curve(time: np.ndarray, event: np.ndarray, group: str, m: int, level: float) -> pd.DataFrame:
    cols = ["group", "time_years", "cumulative_incidence", "lower", "upper"]
    if len(time) == 0 or (m > 0 and len(time) < m):
        return pd.DataFrame({c: pd.Series(dtype=object if c == "group" else "float64") for c in cols})
    km = stats.kaplan_meier(time, event, level)
    rows = [(group, 0.0, 0.0, 0.0, 0.0)]
    pending = 0
    for t, at_risk, ev, ci, lo, hi in zip(
        km["time"],
        km["at_risk"],
        km["events"],
        km["cumulative_incidence"],
        km["cumulative_incidence_lower"],
        km["cumulative_incidence_upper"],
        strict=True,
    ):
        if ev == 0:
            continue
        pending += int(ev)
        if m == 0 or (pending >= m and at_risk >= m):
            rows.append((group, float(t) / _DAYS_PER_YEAR, float(ci), float(lo), float(hi)))
            pending = 0
    return pd.DataFrame(rows, columns=cols)


def old_at_risk_frame(
    time: np.ndarray, event: np.ndarray, exposed: np.ndarray, table: pd.DataFrame, m: int
) -> pd.DataFrame:
    FLAG_SUFFIX = disclosure.FLAG_SUFFIX
    years = time / _DAYS_PER_YEAR
    top = int(np.floor(years.max())) if len(years) else 0
    at = np.arange(1, top + 1, dtype=np.float64)
    parts = []
    for group, sel, margin in (("exposed", exposed, "n_exposed"), ("unexposed", ~exposed, "n_unexposed")):
        n = int(sel.sum())
        flag = f"{margin}{FLAG_SUFFIX}"
        hide_0 = bool(table.loc[0, flag]) if len(table) and flag in table else (m > 0 and n < m)
        values: list[int] = [n]
        hidden: list[bool] = [hide_0]
        if len(at):
            r = stats.number_at_risk(np.ascontiguousarray(years[sel]), np.ascontiguousarray(event[sel]), at)
            left = [n - int(v) for v in r["at_risk"]]
            hide_n, hide = old_nested_status(left, n, m)
            values += [int(v) for v in r["at_risk"]]
            hidden += [bool(h or hide_n or hide_0) for h in hide]
        frame = pd.DataFrame(
            {
                "group": group,
                "time_years": np.arange(len(values), dtype=np.float64),
                "at_risk": pd.array(
                    [None if h else v for h, v in zip(hidden, values, strict=True)], dtype="Int64"
                ),
            }
        )
        frame[f"at_risk{FLAG_SUFFIX}"] = hidden
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(min_cell=m, disclosure_control=disclosure.stamp(m), count_columns=["at_risk"])
    return out


# ---- random inputs (for tests/python/test_disclosure_linked.py and tests/python/_make_linked_cases.py)

MIN_CELLS = (0, 1, 5, 10)


def random_linked(
    rng: np.random.Generator,
) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, list[int]]], int]:
    """An overall table (row 0) with up to two stratifications of 0-6 strata that add up to it (as
    victim_to_perpetrator: sex and birth decade), sometimes a stratum split again, sometimes
    perturbed so that nothing adds up."""
    m = int(rng.choice(MIN_CELLS))
    hi = int(rng.choice([3, 12, 31]))
    tables: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)]
    linked: list[tuple[int, list[int]]] = []
    first = int(rng.integers(0, 7))
    cells = rng.integers(0, hi, size=(first, 4))
    overall = cells.sum(axis=0) if first else rng.integers(0, hi * 3, size=4)
    if first:
        linked.append((0, list(range(1, first + 1))))
        tables += [(int(a), int(b), int(c), int(d)) for a, b, c, d in cells]
    if rng.random() < 0.5:  # a second stratification of the same overall table
        k = int(rng.integers(1, 7))
        split = np.array([rng.multinomial(int(x), [1 / k] * k) for x in overall]).T
        linked.append((0, list(range(len(tables), len(tables) + k))))
        tables += [(int(a), int(b), int(c), int(d)) for a, b, c, d in split]
    tables[0] = (int(overall[0]), int(overall[1]), int(overall[2]), int(overall[3]))
    if linked and rng.random() < 0.25:  # a stratum split into sub-strata
        r = linked[0][1][0]
        a, b, c, d = tables[r]
        sa, sb, sc, sd = (int(rng.integers(0, x + 1)) for x in (a, b, c, d))
        linked.append((r, [len(tables), len(tables) + 1]))
        tables += [(sa, sb, sc, sd), (a - sa, b - sb, c - sc, d - sd)]
    if rng.random() < 0.1:  # perturbed cells: the strata need not add up
        noise = rng.integers(-2, 3, size=(len(tables), 4))
        tables = [
            (
                max(0, t[0] + int(e[0])),
                max(0, t[1] + int(e[1])),
                max(0, t[2] + int(e[2])),
                max(0, t[3] + int(e[3])),
            )
            for t, e in zip(tables, noise, strict=True)
        ]
    return tables, linked, m


def random_nested(rng: np.random.Generator) -> tuple[list[int], int, int]:
    m = int(rng.choice(MIN_CELLS))
    length = int(rng.integers(1, 7))
    inc = rng.integers(0, int(rng.choice([4, 12, 31])), size=length + 1)
    cumulative = [int(x) for x in np.cumsum(inc[:-1])]
    return cumulative, int(inc.sum()), m


def random_shares(rng: np.random.Generator) -> dict[str, Any]:
    m = int(rng.choice(MIN_CELLS))
    rows = int(rng.integers(1, 9))
    k = [int(x) for x in rng.integers(0, 40, size=rows)]
    n = [x + int(rng.integers(0, 40)) for x in k]
    nested: list[list[int]] = []
    free = list(range(rows))
    rng.shuffle(free)
    if rows >= 3 and rng.random() < 0.5:  # a nested group: rows with one n and ascending k
        size = int(rng.integers(1, min(4, rows) + 1))
        group = sorted(int(r) for r in free[:size])
        free = free[size:]
        total = int(rng.integers(0, 60))
        ks = sorted(int(x) for x in rng.integers(0, total + 1, size=size))
        for r, x in zip(group, ks, strict=True):
            k[r], n[r] = x, total
        nested.append(group)
    siblings: list[tuple[int, list[int]]] = []
    if len(free) >= 2 and rng.random() < 0.7:
        whole = int(free[0])
        parts = [int(r) for r in free[1 : 1 + int(rng.integers(1, len(free)))]]
        siblings.append((whole, parts))
        rest = [int(r) for r in free if r != whole and r not in parts]
        if len(rest) >= 2 and rng.random() < 0.5:
            siblings.append((rest[0], rest[1:]))
    return {"k": k, "n": n, "nested": nested, "siblings": siblings, "min_cell": m}


def random_combinations(
    rng: np.random.Generator,
) -> tuple[list[frozenset[str]], dict[frozenset[str], int], int]:
    m = int(rng.choice(MIN_CELLS))
    orgs = [f"o{i}" for i in range(int(rng.integers(1, 5)))]
    keys = [frozenset(c) for r in range(1, len(orgs) + 1) for c in itertools.combinations(orgs, r)]
    hi = int(rng.choice([3, 12, 31]))
    counts = {k: int(rng.integers(0, hi)) for k in keys}
    return keys, counts, m


def random_given(rng: np.random.Generator) -> tuple[dict[frozenset[str], int], int]:
    m = int(rng.choice(MIN_CELLS))
    orgs = [f"org{i:02d}" for i in range(13 + int(rng.integers(0, 3)))]
    given: dict[frozenset[str], int] = {}
    hi = int(rng.choice([3, 12, 31]))
    for _ in range(int(rng.integers(0, 25))):
        size = int(rng.choice([1, 1, 2, 3]))
        combo = frozenset(str(o) for o in rng.choice(orgs, size=size, replace=False))
        given[combo] = int(rng.integers(0, hi)) if rng.random() < 0.8 else int(rng.choice([5, 10, 12]))
    return given, m


def random_survival(rng: np.random.Generator, n_max: int = 60) -> tuple[np.ndarray, np.ndarray]:
    n = int(rng.integers(0, n_max))
    time = rng.integers(0, int(rng.choice([5, 400, 3000])), size=n).astype(np.float64)
    event = (rng.random(n) < rng.random()).astype(np.float64)
    return time, event


def random_overlap(rng: np.random.Generator) -> tuple[dict[frozenset[str], int], list[str], int]:
    """Combination counts of 1-5 organisations (every combination listed) or of 13-15 (pooled):
    zeros, small and large counts, as agency_overlap_counts gives them (empty ones left out)."""
    m = int(rng.choice(MIN_CELLS))
    many = rng.random() < 0.3
    k = 13 + int(rng.integers(0, 3)) if many else int(rng.integers(1, 6))
    orgs = [f"org{i:02d}" for i in range(k)]
    hi = int(rng.choice([3, 12, 31, 80]))
    given: dict[frozenset[str], int] = {}
    if many:
        sizes = [1] if rng.random() < 0.4 else [1, 1, 1, 2, 2, 3]  # only singles: no pooled multi row
        for _ in range(int(rng.integers(0, 30))):
            size = int(rng.choice(sizes))
            combo = frozenset(str(o) for o in rng.choice(orgs, size=size, replace=False))
            given[combo] = (
                int(rng.integers(1, hi)) if rng.random() < 0.7 else int(rng.choice([5, 10, 12, 40]))
            )
    else:
        for r in range(1, k + 1):
            for c in itertools.combinations(orgs, r):
                if rng.random() < 0.7:
                    given[frozenset(c)] = int(rng.integers(0, hi))
    return {c: v for c, v in given.items() if v > 0}, orgs, m
