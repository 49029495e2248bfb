"""The pattern rules of famgraph.disclosure (famgraph/disclosure_patterns.hpp) against the Python
logic they replaced (issue 16, "one core").

The oracles below are the comparisons the call sites made before the rules moved into the core,
copied verbatim (quality.py ``_suppressed``/``_finish``, linkage.py ``LinkageReport._build``,
features.py ``_merge_small``, the one-line rules of the indicator, report, plot and dataset
modules). Every new function must give exactly what its oracle gives, on the shared cases of
tests/fixtures/disclosure_patterns_cases.json (read by tests/cpp/test_disclosure_patterns.cpp too)
and on random inputs.
"""

from __future__ import annotations

import doctest
import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

import pytest

from famgraph import disclosure as fd

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "disclosure_patterns_cases.json").read_text(encoding="utf-8")
)

# ---- the oracles: the old Python rules, verbatim -------------------------------------------------


def old_count(x: int, m: int, zero_is_small: bool = True) -> bool:
    if zero_is_small:
        return m > 0 and x < m  # report/_build.py, plot/population.py, _json.py, quality issues, ...
    return 0 < x < m  # dataset.py quarantine_block


def old_difference(whole: int, part: int, m: int, zero_is_small: bool = True) -> bool:
    if zero_is_small:
        return m > 0 and whole - part < m  # chains.py: links − chain_ge1
    return m > 0 and 0 < whole - part < m  # quality.py: rows − n


def old_proportion(k: int, n: int, m: int, zero_is_small: bool = True) -> bool:
    if zero_is_small:
        return m > 0 and (k < m or n - k < m)  # familiality.py, recurrence.py
    return m > 0 and (0 < k < m or 0 < n - k < m)  # quality.py shares


def old_nested(inner: int, x: int, outer: int, m: int) -> bool:
    return m > 0 and (x < m or x - inner < m or outer - x < m)  # signalling.py lead time


def old_merge(k: list[int], n: list[int], m: int) -> list[int]:
    """features.py ``_merge_small`` on levels 0 … len(k) − 1: the first level of each one's group."""
    k_of = dict(enumerate(k))
    n_of = dict(enumerate(n))
    groups = [[lv] for lv in range(len(k))]

    def counts(g: list[int]) -> tuple[int, int]:
        kk = sum(k_of.get(v, 0) for v in g)
        return kk, sum(n_of.get(v, 0) for v in g) - kk

    while len(groups) > 1:
        bad = [i for i, g in enumerate(groups) if min(counts(g)) < m]
        if not bad:
            break
        i = min(bad, key=lambda j: sum(counts(groups[j])))
        j = (
            i - 1
            if i == len(groups) - 1
            else (i + 1 if i == 0 else min((i - 1, i + 1), key=lambda t: sum(counts(groups[t]))))
        )
        a, b = sorted((i, j))
        groups[a : b + 1] = [groups[a] + groups[b]]
    out = {lv: g[0] for g in groups for lv in g}
    return [out[lv] for lv in range(len(k))]


def old_quality(
    n: int | None, k: int | None, kind: str, completeness: bool, total: int | None, m: int
) -> tuple[bool, bool]:
    """quality.py ``_suppressed`` and the row loop of ``_finish``: (value hidden, n hidden)."""

    def _suppressed() -> bool:
        if m == 0 or n is None:
            return False
        if n < m:
            return True
        if k is None:
            return False
        if kind == "linkability":
            return k < m or n - k < m
        if kind == "consistency":
            return 0 < n - k < m
        return 0 < k < m or 0 < n - k < m

    hidden = _suppressed()
    n_hidden = m > 0 and n is not None and total is not None and not completeness and 0 < total - n < m
    hidden = hidden or n_hidden
    n_gone = bool(hidden and n is not None and (n < m or n_hidden))
    return bool(hidden), n_gone


def old_match_rates(
    n_of: dict[str, int],
    found_of: dict[tuple[str, str], int],
    hidden0: dict[str, bool],
    persons: int,
    unlinked_hidden: bool,
    m: int,
) -> tuple[dict[str, bool], dict[tuple[str, str], bool], bool]:
    """linkage.py ``LinkageReport._build``, from ``below`` to ``any_found_hidden``."""
    hidden_n = dict(hidden0)
    names = list(n_of)

    def below(x: int) -> bool:
        return m > 0 and x < m

    hide_all_pairs = False

    def hide_found(a: str, b: str) -> bool:
        f = found_of[(a, b)]
        return bool(
            hide_all_pairs
            or hidden_n[a]
            or hidden_n[b]
            or below(f)
            or below(n_of[a] - f)
            or below(n_of[b] - f)
        )

    def outside(c: str, a: str) -> float:
        if hidden_n[c]:
            return math.inf
        return n_of[c] if hide_found(c, a) else n_of[c] - found_of[(c, a)]

    def protect_pairs() -> None:
        while True:
            more = False
            for a, b in itertools.combinations(names, 2):
                if not hide_found(a, b) or (hidden_n[a] and hidden_n[b]):
                    continue
                room = 0.0
                for c in names:
                    if c not in (a, b) and not hidden_n[c]:
                        room += min(outside(c, a), outside(c, b))
                if room < m:
                    hidden_n[a] = hidden_n[b] = more = True
            if not more:
                return

    if m > 0:
        protect_pairs()
        if unlinked_hidden and len(names) >= 2:

            def u_room() -> float:
                lo_u, hi_u = 0.0, float(persons)
                for b in names:
                    if hidden_n[b]:
                        continue
                    others = [a for a in names if a != b]
                    exact = [n_of[a] - found_of[(a, b)] for a in others if not hide_found(a, b)]
                    lo_u = max(lo_u, n_of[b] + max(exact, default=0))
                    hi_u = min(hi_u, n_of[b] + sum(outside(a, b) for a in others))
                shown_n = [o for o in names if not hidden_n[o]]
                for r in range(2, min(len(shown_n), 12) + 1):
                    for sub in itertools.combinations(shown_n, r):
                        pairs_s = list(itertools.combinations(sub, 2))
                        if any(hide_found(a, b) for a, b in pairs_s):
                            continue
                        lo_u = max(lo_u, sum(n_of[o] for o in sub) - sum(found_of[p] for p in pairs_s))
                return hi_u - lo_u

            while u_room() < m:
                if not hide_all_pairs:
                    hide_all_pairs = True
                else:
                    shown_n = [o for o in names if not hidden_n[o]]
                    if not shown_n:
                        break
                    hidden_n[max(shown_n, key=lambda o: (n_of[o], o))] = True
                protect_pairs()
    found_hidden = {(a, b): hide_found(a, b) for a, b in itertools.permutations(names, 2)}
    return hidden_n, found_hidden, hide_all_pairs


# ---- random inputs -------------------------------------------------------------------------------


def random_overlap(
    rng: random.Random, k: int, scale: int
) -> tuple[dict[str, int], dict[tuple[str, str], int], int]:
    """Linked persons of k organisations drawn as sets: n per organisation, found per ordered pair,
    and the persons (the union plus some unlinked)."""
    universe = rng.randint(1, scale)
    names = rng.sample(["A", "B", "C", "D", "E", "F", "Z"], k)
    sets = {o: {p for p in range(universe) if rng.random() < rng.random()} for o in names}
    n_of = {o: len(s) for o, s in sets.items()}
    found = {(a, b): len(sets[a] & sets[b]) for a in names for b in names if a != b}
    union = len(set().union(*sets.values()))
    return n_of, found, union + rng.randint(0, scale // 4)


def match_case(rng: random.Random) -> dict[str, Any]:
    k = rng.randint(0, 5)
    n_of, found, persons = random_overlap(rng, k, rng.choice([12, 40, 200]))
    m = rng.choice([0, 1, 3, 5, 10, 20])
    hidden0 = {o: rng.random() < 0.15 or old_count(v, m) for o, v in n_of.items()}
    return {
        "n": n_of,
        "found": found,
        "hidden0": hidden0,
        "persons": persons,
        "unlinked_hidden": rng.random() < 0.5,
        "m": m,
    }


def check_match(case: dict[str, Any]) -> None:
    want = old_match_rates(
        case["n"], case["found"], case["hidden0"], case["persons"], case["unlinked_hidden"], case["m"]
    )
    got = fd.suppress_match_rates(
        case["n"],
        case["found"],
        case["hidden0"],
        persons=case["persons"],
        unlinked_hidden=case["unlinked_hidden"],
        min_cell=case["m"],
    )
    assert (got.n_hidden, got.found_hidden, got.all_pairs_hidden) == want, case


# ---- the shared cases ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["count"], ids=repr)
def test_count_cases(case: dict[str, Any]) -> None:
    args = (case["count"], case["min_cell"], case["zero_is_small"])
    assert old_count(*args) is case["hidden"]  # the fixture holds the old rule's answer
    assert (
        fd.count_hidden(case["count"], case["min_cell"], zero_is_small=case["zero_is_small"])
        is case["hidden"]
    )


@pytest.mark.parametrize("case", CASES["difference"], ids=repr)
def test_difference_cases(case: dict[str, Any]) -> None:
    w, p, m, z = case["whole"], case["part"], case["min_cell"], case["zero_is_small"]
    assert old_difference(w, p, m, z) is case["hidden"]
    assert fd.difference_hidden(w, p, m, zero_is_small=z) is case["hidden"]


@pytest.mark.parametrize("case", CASES["proportion"], ids=repr)
def test_proportion_cases(case: dict[str, Any]) -> None:
    k, n, m, z = case["k"], case["n"], case["min_cell"], case["zero_is_small"]
    assert old_proportion(k, n, m, z) is case["hidden"]
    assert fd.proportion_hidden(k, n, m, zero_is_small=z) is case["hidden"]


@pytest.mark.parametrize("case", CASES["nested"], ids=repr)
def test_nested_cases(case: dict[str, Any]) -> None:
    args = (case["inner"], case["x"], case["outer"], case["min_cell"])
    assert old_nested(*args) is case["hidden"]
    assert fd.nested_count_hidden(*args) is case["hidden"]


@pytest.mark.parametrize("case", CASES["merge"], ids=repr)
def test_merge_cases(case: dict[str, Any]) -> None:
    assert old_merge(case["k"], case["n"], case["min_cell"]) == case["first"]
    assert fd.merge_adjacent_levels(case["k"], case["n"], case["min_cell"]) == case["first"]


@pytest.mark.parametrize("case", CASES["quality"], ids=repr)
def test_quality_cases(case: dict[str, Any]) -> None:
    c = case
    want = (c["value_hidden"], c["n_hidden"])
    assert old_quality(c["n"], c["k"], c["kind"], c["completeness"], c["table_rows"], c["min_cell"]) == want
    got = fd.quality_row_status(
        c["n"],
        c["k"],
        c["kind"],
        completeness=c["completeness"],
        table_rows=c["table_rows"],
        min_cell=c["min_cell"],
    )
    assert (got.value, got.n) == want


def _pairs(names: list[str], matrix: list[list[Any]]) -> dict[tuple[str, str], Any]:
    return {(a, b): matrix[i][j] for i, a in enumerate(names) for j, b in enumerate(names) if i != j}


@pytest.mark.parametrize("case", CASES["match_rates"], ids=lambda c: str(c["name"]))
def test_match_rate_cases(case: dict[str, Any]) -> None:
    names = case["names"]
    n = dict(zip(names, case["n"], strict=True))
    found = _pairs(names, case["found"])
    hidden0 = dict(zip(names, case["n_hidden"], strict=True))
    want = (
        dict(zip(names, case["expect_n_hidden"], strict=True)),
        _pairs(names, case["expect_found_hidden"]),
        case["all_pairs_hidden"],
    )
    assert (
        old_match_rates(n, found, hidden0, case["persons"], case["unlinked_hidden"], case["min_cell"]) == want
    )
    got = fd.suppress_match_rates(
        n,
        found,
        hidden0,
        persons=case["persons"],
        unlinked_hidden=case["unlinked_hidden"],
        min_cell=case["min_cell"],
    )
    assert (got.n_hidden, got.found_hidden, got.all_pairs_hidden) == want


# ---- old against new on random inputs --------------------------------------------------------------


def test_simple_rules_match_the_old_comparisons_exhaustively() -> None:
    for m in (0, 1, 2, 5, 10):
        for z in (True, False):
            for x in range(0, 14):
                assert fd.count_hidden(x, m, zero_is_small=z) is old_count(x, m, z), (x, m, z)
            for whole in range(0, 14):
                for part in range(0, 14):  # part > whole: the negative differences the sites could meet
                    assert fd.difference_hidden(whole, part, m, zero_is_small=z) is old_difference(
                        whole, part, m, z
                    )
                    assert fd.proportion_hidden(part, whole, m, zero_is_small=z) is old_proportion(
                        part, whole, m, z
                    )
        for inner, x, outer in itertools.product(range(0, 13, 2), range(0, 13), range(0, 26, 3)):
            assert fd.nested_count_hidden(inner, x, outer, m) is old_nested(inner, x, outer, m)


def test_quality_rows_match_the_old_rule_on_random_rows() -> None:
    rng = random.Random(16)
    for _ in range(4000):
        m = rng.choice([0, 1, 5, 10, 11])
        n = None if rng.random() < 0.1 else rng.randint(0, 40)
        k = None if n is None or rng.random() < 0.2 else rng.randint(0, n)
        total = None if rng.random() < 0.3 else (n or 0) + rng.randint(-3, 15)
        total = None if total is not None and total < 0 else total
        kind = rng.choice(["records", "linkability", "consistency"])
        completeness = rng.random() < 0.3
        got = fd.quality_row_status(n, k, kind, completeness=completeness, table_rows=total, min_cell=m)
        assert (got.value, got.n) == old_quality(n, k, kind, completeness, total, m), (n, k, kind, total, m)


def test_merged_levels_match_the_old_merge_on_random_tables() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        levels = rng.randint(0, 9)
        n = [rng.choice([0, 1, 3, 8, 15, 40, rng.randint(0, 60)]) for _ in range(levels)]
        k = [rng.randint(0, v) for v in n]
        m = rng.choice([1, 2, 5, 10])
        assert fd.merge_adjacent_levels(k, n, m) == old_merge(k, n, m), (k, n, m)


def test_match_rates_match_the_old_rule_on_random_overlaps() -> None:
    rng = random.Random(2026)
    hidden_pairs = all_pairs = 0
    for _ in range(1500):
        case = match_case(rng)
        check_match(case)
        want = old_match_rates(
            case["n"], case["found"], case["hidden0"], case["persons"], case["unlinked_hidden"], case["m"]
        )
        hidden_pairs += any(want[1].values())
        all_pairs += want[2]
    # the random cases reach every branch: hidden pairs, and every pair hidden to protect U
    assert hidden_pairs > 100
    assert all_pairs > 20


# ---- bad input --------------------------------------------------------------------------------------


def test_bad_inputs_name_the_argument() -> None:
    with pytest.raises(ValueError, match="min_cell"):
        fd.count_hidden(3, -1)
    with pytest.raises(ValueError, match="count k must"):
        fd.proportion_hidden(-1, 10, 10)
    with pytest.raises(ValueError, match="kind"):
        fd.quality_row_status(10, 3, "share of what", completeness=False, table_rows=None)
    with pytest.raises(ValueError, match="at most as many outcomes"):
        fd.merge_adjacent_levels([5], [3], 10)
    with pytest.raises(ValueError, match="outcome counts"):
        fd.merge_adjacent_levels([1, 2], [3], 10)
    with pytest.raises(ValueError, match="pair"):
        fd.suppress_match_rates(
            {"A": 10, "B": 10}, {("A", "B"): 3}, {"A": False, "B": False}, persons=20, unlinked_hidden=False
        )


def test_the_adapter_examples_run() -> None:
    assert doctest.testmod(fd, raise_on_error=False).failed == 0
