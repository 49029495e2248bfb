"""Disclosure control of linked tables, now in the C++ core (famgraph/disclosure_linked.hpp).

1. Old versus new: the pure-Python rules as they were before the core took them over
   (tests/python/_linked_oracle.py, copied verbatim) against the adapters and the bindings on
   thousands of seeded random inputs (small counts 0-30, min_cell 0/1/5/10, 0-6 strata, ties,
   zeros, perturbed strata that do not add up; combination tables of 1-5 and of 13-15
   organisations for the pair rule and the perturbed sums of the overlap): every status,
   primary/secondary included, and every published frame must be identical.
2. The shared cases of tests/fixtures/disclosure_linked_cases.json, read here and by
   tests/cpp/test_disclosure_linked.cpp (produced by the oracle; see its "about").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import _linked_oracle as old
from _linked_oracle import (
    MIN_CELLS,
    random_combinations,
    random_given,
    random_linked,
    random_nested,
    random_overlap,
    random_shares,
    random_survival,
)
from famgraph import _core, disclosure
from famgraph.indicators import _tables, overlap, transmission
from famgraph.indicators._base import core

_dc = _core.disclosure
CODE = {
    disclosure.Suppression.NONE: ".",
    disclosure.Suppression.PRIMARY: "P",
    disclosure.Suppression.SECONDARY: "S",
}
CHAR = ".PS"
CASES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "disclosure_linked_cases.json").read_text(encoding="utf-8")
)


def new_linked_codes(
    tables: list[tuple[int, int, int, int]], linked: list[tuple[int, list[int]]], m: int
) -> list[str]:
    cols = [np.array([t[i] for t in tables], dtype=np.uint64) for i in range(4)]
    codes = _dc.suppress_linked_2x2(*cols, linked, m)
    return ["".join(CHAR[int(codes[f, i])] for f in range(9)) for i in range(len(tables))]


def old_linked_codes(
    tables: list[tuple[int, int, int, int]], linked: list[tuple[int, list[int]]], m: int
) -> list[str]:
    return [
        "".join(CODE[s[f]] for f in disclosure.FIELDS_2X2) for s in old.old_linked_status(tables, linked, m)
    ]


# ---- old versus new ----------------------------------------------------------------------------


def test_linked_2x2_statuses_match_the_old_rules() -> None:
    rng = np.random.default_rng(16)
    n_linked = n_hidden = n_bounded = 0
    for _ in range(3000):
        tables, linked, m = random_linked(rng)
        expected = old_linked_codes(tables, linked, m)
        assert new_linked_codes(tables, linked, m) == expected, (tables, linked, m)
        n_linked += bool(linked)
        n_hidden += any(c != "." for s in expected for c in s)
        n_bounded += any(s[4:8] == "SSSS" for s in expected[1:])
    assert n_linked > 1500 and n_hidden > 1000 and n_bounded > 25


def test_two_by_two_frame_flags_match_the_old_rules() -> None:
    rng = np.random.default_rng(17)
    for _ in range(120):
        tables, linked, m = random_linked(rng)
        adds_up = all(sum(tables[r][i] for r in rows) == tables[w][i] for w, rows in linked for i in range(4))
        frame = _tables.two_by_two_frame(
            pd.DataFrame({"row": range(len(tables))}),
            tables,
            level=0.95,
            min_cell=m,
            linked=linked,
            perturbed=not adds_up,
        )
        status = old.old_linked_status(tables, linked, m)
        for field, column in _tables.COLUMN_OF_FIELD.items():
            assert frame[f"{column}_suppressed"].tolist() == [s[field].suppressed for s in status]
            if m == 0:  # the margins of the core (values_2x2) are the old ones
                assert frame[column].tolist() == [old.values_2x2(*t)[field] for t in tables]
        for column, estimate in _tables.ESTIMATE_COLUMNS_2X2.items():
            sources = disclosure.ESTIMATE_SOURCES_2X2[estimate]
            want = [disclosure.estimate_suppressed(*(s[f] for f in sources)) for s in status]
            assert frame[f"{column}_suppressed"].tolist() == want


def test_nested_status_matches_the_old_rule() -> None:
    rng = np.random.default_rng(18)
    n_partly = 0
    for _ in range(6000):
        cumulative, n, m = random_nested(rng)
        want = old.old_nested_status(cumulative, n, m)
        assert _tables.nested_status(cumulative, n, m) == want, (cumulative, n, m)
        n_partly += not want[0] and any(want[1]) and not all(want[1])
    assert n_partly > 500


def test_share_statuses_match_the_old_rule() -> None:
    rng = np.random.default_rng(19)
    n_sibling_hides = 0
    for i in range(4000):
        case = random_shares(rng)
        m = case["min_cell"]
        want_n, want_k = old.old_share_status(case["k"], case["n"], m, case["nested"], case["siblings"])
        s = _dc.suppress_shares(case["k"], case["n"], case["nested"], case["siblings"], m)
        assert (list(s.n_hidden), list(s.k_hidden)) == (want_n, want_k), case
        if i % 20 == 0:  # and through the adapter, as published
            frame = _tables.share_frame(
                pd.DataFrame({"row": range(len(case["k"]))}),
                case["k"],
                case["n"],
                level=0.95,
                min_cell=m,
                nested=case["nested"],
                siblings=case["siblings"],
            )
            assert frame["n_suppressed"].tolist() == want_n, case
            assert frame["k_suppressed"].tolist() == want_k, case
            assert frame["share_suppressed"].tolist() == want_k
        _, no_siblings = old.old_share_status(case["k"], case["n"], m, case["nested"])
        n_sibling_hides += no_siblings != want_k
    assert n_sibling_hides > 100


def test_overlap_protect_matches_the_old_rule() -> None:
    rng = np.random.default_rng(20)
    n_k2_hidden = 0
    for _ in range(5000):
        keys, counts, m = random_combinations(rng)
        want = old.old_protect(keys, counts, m)
        got = overlap._protect(keys, counts, m)
        assert got[:3] == want[:3], (keys, counts, m)
        n_k2_hidden += want[2] and not want[1]
    assert n_k2_hidden > 300


def test_overlap_pooled_matches_the_old_rule() -> None:
    rng = np.random.default_rng(21)
    n_joined = 0
    for _ in range(2500):
        given, m = random_given(rng)
        want = old.old_pooled(given, m)
        assert overlap._pooled(given, m) == want, (given, m)
        n_joined += any(given[k] >= m > 0 for members in want[2] for k in members)
    assert n_joined > 150


def _overlap_counts(given: dict[frozenset[str], int], orgs: list[str]) -> core.OverlapCounts:
    """The core's OverlapCounts of combination counts (organisations in code order = ``orgs``)."""
    return core.overlap_from_combinations([(sorted(k), v) for k, v in given.items()], orgs)


def test_overlap_pairs_match_the_old_rule() -> None:
    """The pair rule (disclosure::overlap_pairs_hidden) against the old _unit, through the adapter
    (the published pairs frame) on random combination tables of 1-5 and of 13-15 organisations."""
    rng = np.random.default_rng(24)
    n_partly = n_pooled = n_hidden = 0
    for i in range(4000):
        given, orgs, m = random_overlap(rng)
        rows, hide_both, hide_either = old.old_overlap_pairs(given, old.exact_pairs(given, orgs), orgs, m)
        pooled = len(orgs) > overlap.MAX_LISTED_ORGANISATIONS
        if pooled:
            keys, counts, _ = overlap._pooled(given, m)
        else:
            keys = old.old_overlap_keys(given, orgs, m)[0]
            counts = {k: given.get(k, 0) for k in keys}
        status = overlap._protect(keys, counts, m)[3]
        got = overlap._pair_status(keys, counts, status, orgs, pooled, m)
        assert got == (hide_both, hide_either), (given, orgs, m)
        if i % 10 == 0:  # and through the adapter, as published
            _, pairs, _ = overlap._unit("person", _overlap_counts(given, orgs), orgs, m, 0.95)
            assert pairs["both_suppressed"].tolist() == hide_both, (given, orgs, m)
            assert pairs["either_suppressed"].tolist() == hide_either, (given, orgs, m)
            assert list(zip(pairs["organisation_a"], pairs["organisation_b"], strict=True)) == [
                r[:2] for r in rows
            ]
            assert pairs["both"].isna().tolist() == hide_both
        n_hidden += any(hide_both) or any(hide_either)
        n_partly += (any(hide_either) and not all(hide_either)) or (any(hide_both) and not all(hide_both))
        n_pooled += len(orgs) > overlap.MAX_LISTED_ORGANISATIONS and m > 0 and not all(hide_either)
    assert n_hidden > 1500 and n_partly > 200 and n_pooled > 100


def test_perturbed_overlap_sums_match_the_old_ones() -> None:
    """indicators::overlap_from_combinations against the sums of the old _perturbed, on random
    (perturbed-like: zeros included) combination counts, organisations in a code order that is
    not their name order."""
    rng = np.random.default_rng(25)
    for _ in range(3000):
        given, orgs, _ = random_overlap(rng)
        codes = list(reversed(orgs)) if rng.random() < 0.5 else list(orgs)
        combos = [(tuple(sorted(k, key=codes.index)), int(rng.integers(0, 3)) * v) for k, v in given.items()]
        pairs = [(codes[i], codes[j]) for i in range(len(codes)) for j in range(i + 1, len(codes))]
        want = old.old_perturbed_sums(combos, pairs)
        got = core.overlap_from_combinations([(list(c), v) for c, v in combos], codes)
        assert sorted(got.combinations) == sorted(want["combinations"])
        assert got.pairs == want["pairs"]
        assert (got.known_1plus, got.known_2plus) == (want["known_1plus"], want["known_2plus"])


def test_overlap_from_combinations_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="organisation 'x' is not one of organisations"):
        core.overlap_from_combinations([(["x"], 3)], ["a", "b"])
    with pytest.raises(ValueError, match="listed twice"):
        core.overlap_from_combinations([(["a", "a"], 3)], ["a", "b"])
    with pytest.raises(ValueError, match="combination is listed twice"):
        core.overlap_from_combinations([(["a", "b"], 3), (["b", "a"], 1)], ["a", "b"])


def test_km_curve_matches_the_old_coarsening() -> None:
    rng = np.random.default_rng(22)
    n_coarsened = 0
    for _ in range(800):
        time, event = random_survival(rng)
        m = int(rng.choice(MIN_CELLS))
        want = old.old_km_curve(time, event, "exposed", m, 0.95)
        got = transmission._km_curve(time, event, "exposed", m, 0.95)
        pd.testing.assert_frame_equal(got, want)
        n_coarsened += m > 0 and 1 < len(want) < 1 + int(event.sum())
    assert n_coarsened > 100


def test_at_risk_frame_matches_the_old_rule() -> None:
    rng = np.random.default_rng(23)
    for i in range(600):
        time, event = random_survival(rng, 80)
        exposed = rng.random(len(time)) < 0.5
        m = int(rng.choice(MIN_CELLS))
        if i % 3 == 0:
            table = pd.DataFrame()
        else:
            table = pd.DataFrame(
                {
                    "n_exposed_suppressed": [bool(rng.random() < 0.3)],
                    "n_unexposed_suppressed": [bool(rng.random() < 0.3)],
                }
            )
        want = old.old_at_risk_frame(time, event, exposed, table, m)
        got = transmission._at_risk_frame(time, event, exposed, table, m)
        pd.testing.assert_frame_equal(got, want)
        assert got.attrs == want.attrs


# ---- the shared fixture -------------------------------------------------------------------------


def test_fixture_linked_2x2() -> None:
    assert len(CASES["linked_2x2"]) >= 50
    for case in CASES["linked_2x2"]:
        tables = [tuple(t) for t in case["tables"]]
        linked = [(w, list(p)) for w, p in case["linked"]]
        assert new_linked_codes(tables, linked, case["min_cell"]) == case["status"], case["name"]  # type: ignore[arg-type]


def test_fixture_nested_shares_curves_at_risk() -> None:
    for case in CASES["nested"]:
        want = (case["total_hidden"], case["hidden"])
        assert _tables.nested_status(case["cumulative"], case["n"], case["min_cell"]) == want
    for case in CASES["shares"]:
        s = _dc.suppress_shares(
            case["k"], case["n"], case["nested"], [(w, p) for w, p in case["siblings"]], case["min_cell"]
        )
        assert list(s.n_hidden) == case["n_hidden"], case["name"]
        assert list(s.k_hidden) == case["k_hidden"], case["name"]
    for case in CASES["curves"]:
        c = _dc.coarsen_curve(case["n_persons"], case["events"], case["at_risk"], case["min_cell"])
        assert (c.drawn, list(c.points)) == (case["drawn"], case["points"])
    for case in CASES["at_risk"]:
        h = _dc.at_risk_hidden(case["n"], case["at_risk"], case["group_hidden"], case["min_cell"])
        assert list(h) == case["hidden"]


def test_fixture_combinations_and_pooling() -> None:
    for case in CASES["combinations"]:
        s = _dc.suppress_combinations(case["counts"], case["n_organisations"], case["min_cell"])
        assert "".join(CHAR[int(c)] for c in s.counts) == case["status"], case["name"]
        assert (s.known_1plus_hidden, s.known_2plus_hidden) == (
            case["known_1plus_hidden"],
            case["known_2plus_hidden"],
        )
    for case in CASES["pooled"]:
        p = _dc.pool_combinations(case["counts"], case["n_organisations"], case["min_cell"])
        for name, group in (("single", p.single), ("multi", p.multi)):
            want = case[name]
            assert list(group.listed) == want["listed"]
            assert sorted(group.pooled) == want["pooled"]
            assert group.pooled_count == want["pooled_count"]


def test_fixture_overlap_pairs() -> None:
    assert len(CASES["overlap_pairs"]) >= 100
    for case in CASES["overlap_pairs"]:
        m = case["min_cell"]
        status = _dc.suppress_combinations(case["counts"], case["n_organisations"], m)
        p = _dc.overlap_pairs_hidden(
            case["members"],
            case["n_organisations"],
            case["counts"],
            case["organisations"],
            case["pooled"],
            status,
            m,
        )
        assert "".join("H" if h else "." for h in p.both_hidden) == case["both_hidden"], case["name"]
        assert "".join("H" if h else "." for h in p.either_hidden) == case["either_hidden"], case["name"]


# ---- the bindings: errors and the additive constraint -------------------------------------------


def test_additive_constraints_across_sections() -> None:
    # 40 = 25 + 15 and 25 = 4 + 21 (tests/cpp/test_disclosure_linked.cpp, hand-derived).
    codes = _dc.suppress_additive([40, 25, 15, 4, 21], [(0, [1, 2]), (1, [3, 4])], 10)
    assert "".join(CHAR[int(c)] for c in codes) == "...PS"


@pytest.mark.parametrize(
    ("call", "error", "text"),
    [
        (lambda: _dc.suppress_additive([1, 2], [(0, [2])], 10), IndexError, "part 2 is not below"),
        (lambda: _dc.suppress_additive([1, 2], [(0, [1, 1])], 10), ValueError, "listed twice"),
        (lambda: _dc.suppress_nested([5, 3], 20, 10), ValueError, "nested counts must satisfy"),
        (lambda: _dc.at_risk_hidden(5, [6], None, 10), ValueError, "exceeds the group size"),
        (lambda: _dc.coarsen_curve(5, [1], [], 10), ValueError, "event counts"),
        (lambda: _dc.suppress_shares([1], [1, 2], [], [], 10), ValueError, "k has 1 rows"),
        (
            lambda: _dc.overlap_pairs_hidden(
                [[0], [2]], [1, 1], [5, 5], 2, False, _dc.suppress_combinations([5, 5], [1, 1], 10), 10
            ),
            ValueError,
            "organisation 2 is not below",
        ),
        (
            lambda: _dc.overlap_pairs_hidden(
                [[0]], [1, 1], [5, 5], 2, False, _dc.suppress_combinations([5, 5], [1, 1], 10), 10
            ),
            ValueError,
            "2 counts but 1 member lists",
        ),
    ],
)
def test_bad_input_is_a_clear_error(call: Any, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        call()


def test_two_by_two_frame_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match=r"count a\[0\] must be a non-negative integer"):
        _tables.two_by_two_frame(pd.DataFrame({"k": [0]}), [(-1, 2, 3, 4)], level=0.95, min_cell=10)
