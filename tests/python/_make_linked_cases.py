"""Writes tests/fixtures/disclosure_linked_cases.json from the old pure-Python rules
(tests/python/_linked_oracle.py): seeded random cases plus the hand cases of
tests/cpp/test_disclosure_linked.cpp. Run: /work/tools/wt-py tests/python/_make_linked_cases.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

import _linked_oracle as old
from famgraph import disclosure, stats

OUT = Path(__file__).parents[1] / "fixtures" / "disclosure_linked_cases.json"
CODE = {
    disclosure.Suppression.NONE: ".",
    disclosure.Suppression.PRIMARY: "P",
    disclosure.Suppression.SECONDARY: "S",
}


def linked_case(name: str, tables: list[Any], linked: list[Any], m: int) -> dict[str, Any]:
    status = old.old_linked_status(tables, linked, m)
    return {
        "name": name,
        "min_cell": m,
        "tables": [list(t) for t in tables],
        "linked": [[w, list(p)] for w, p in linked],
        "status": ["".join(CODE[s[f]] for f in disclosure.FIELDS_2X2) for s in status],
    }


def overlap_pairs_case(
    name: str, given: dict[frozenset[str], int], orgs: list[str], m: int
) -> dict[str, Any]:
    """One case of disclosure::overlap_pairs_hidden: the combination table as _unit built it (every
    combination, or the pooled rows with empty member lists) and the old rule's answers."""
    keys, counts, pooled = old.old_overlap_keys(given, orgs, m)
    rank = {o: i for i, o in enumerate(orgs)}
    _, hide_both, hide_either = old.old_overlap_pairs(given, old.exact_pairs(given, orgs), orgs, m)
    return {
        "name": name,
        "min_cell": m,
        "organisations": len(orgs),
        "pooled": pooled is not None,
        "members": [sorted(rank[o] for o in k if o in rank) for k in keys],
        "n_organisations": [len(k) for k in keys],
        "counts": [counts[k] for k in keys],
        "both_hidden": "".join("H" if h else "." for h in hide_both),
        "either_hidden": "".join("H" if h else "." for h in hide_either),
    }


def main() -> None:
    rng = np.random.default_rng(2026)
    out: dict[str, Any] = {
        "about": (
            "Disclosure control of linked tables (famgraph/disclosure_linked.hpp, docs/disclosure.md "
            "'Linked tables'), read by tests/cpp/test_disclosure_linked.cpp and "
            "tests/python/test_disclosure_linked.py. Expected values produced by the pure-Python rules "
            "of commit 14c408f (tests/python/_linked_oracle.py) with tests/python/_make_linked_cases.py; "
            "the first cases of each list are the hand cases of the C++ test. Status strings: 'P' primary, "
            "'S' secondary, '.' published; 2x2 order a b c d exposed unexposed outcome no_outcome total. "
            "linked/siblings: [whole, [parts]]. pooled: indices into the input (in name order), "
            "'pooled' sorted. overlap_pairs: the combination table's rows (members: organisation "
            "indices, empty for a pooled 'other' row), per pair (0,1), (0,2), ..., (1,2), ... 'H' "
            "hidden, '.' published, for both and either (the old rule of "
            "famgraph.indicators.overlap._unit, commit e2912d1)."
        ),
        "linked_2x2": [
            linked_case(
                "hand: small stratum cell",
                [(20, 20, 20, 20), (3, 10, 10, 10), (17, 10, 10, 10)],
                [(0, [1, 2])],
                10,
            ),
            linked_case(
                "hand: hidden overall cell",
                [(5, 20, 20, 20), (2, 10, 10, 10), (3, 10, 10, 10)],
                [(0, [1, 2])],
                10,
            ),
        ],
        "nested": [],
        "shares": [],
        "combinations": [],
        "pooled": [],
        "curves": [],
        "at_risk": [],
        "overlap_pairs": [],
    }
    for i in range(120):
        tables, linked, m = old.random_linked(rng)
        out["linked_2x2"].append(linked_case(f"random {i}", tables, linked, m))
    for cumulative, n, m in [([3, 15], 30, 5), ([3, 15], 30, 0), ([2], 4, 5), ([10, 20], 30, 10)] + [
        old.random_nested(rng) for _ in range(60)
    ]:
        hn, h = old.old_nested_status(cumulative, n, m)
        out["nested"].append(
            {"min_cell": m, "cumulative": cumulative, "n": n, "total_hidden": hn, "hidden": h}
        )
    hand_shares = [
        {"k": [3, 50, 20], "n": [100, 100, 100], "nested": [], "siblings": [(1, [0, 2])], "min_cell": 10},
        {"k": [95], "n": [100], "nested": [], "siblings": [], "min_cell": 10},
        {"k": [3, 15], "n": [30, 30], "nested": [[0, 1]], "siblings": [], "min_cell": 5},
    ]
    for i, case in enumerate(hand_shares + [old.random_shares(rng) for _ in range(80)]):
        hn, hk = old.old_share_status(
            case["k"], case["n"], case["min_cell"], case["nested"], case["siblings"]
        )
        out["shares"].append(
            {
                "name": f"shares {i}",
                **case,
                "siblings": [[w, list(p)] for w, p in case["siblings"]],
                "n_hidden": hn,
                "k_hidden": hk,
            }
        )
    hand_comb = [
        (
            [frozenset({"a"}), frozenset({"b"}), frozenset({"a", "b"}), frozenset({"a", "c"})],
            [20, 3, 15, 12],
            10,
        ),
        (
            [frozenset({"a"}), frozenset({"b"}), frozenset({"a", "b"}), frozenset({"a", "c"})],
            [30, 40, 5, 0],
            10,
        ),
    ]
    combos = [(k, [c[x] for x in k], m) for k, c, m in (old.random_combinations(rng) for _ in range(80))]
    for i, (keys, counts, m) in enumerate(hand_comb + combos):
        hidden, h1, h2, _ = old.old_protect(keys, dict(zip(keys, counts, strict=True)), m)
        out["combinations"].append(
            {
                "name": f"combinations {i}",
                "min_cell": m,
                "counts": counts,
                "n_organisations": [len(k) for k in keys],
                # the old rule told hidden from published only; the reason follows from the one-way
                # rule it called: primary where the count itself is small, else secondary
                "status": "".join(
                    ("P" if c < m else "S") if hidden[k] else "." for k, c in zip(keys, counts, strict=True)
                ),
                "known_1plus_hidden": h1,
                "known_2plus_hidden": h2,
            }
        )
    hand_pool = [
        {
            frozenset({"a"}): 5,
            frozenset({"b"}): 20,
            frozenset({"c"}): 12,
            frozenset({"a", "b"}): 3,
            frozenset({"a", "c"}): 0,
        },
    ]
    for given, m in [(g, 10) for g in hand_pool] + [old.random_given(rng) for _ in range(60)]:
        names = sorted(given, key=sorted)
        keys, counts, members = old.old_pooled(given, m)
        groups = {}
        for name, multi, other in (("single", False, old._POOL_SINGLE), ("multi", True, old._POOL_MULTI)):
            listed = [k for k in keys if k in given and (len(k) >= 2) == multi]
            groups[name] = {
                "listed": [names.index(k) for k in listed],
                "pooled": sorted(names.index(k) for k in members[int(multi)]),
                "pooled_count": counts[other],
            }
        out["pooled"].append(
            {
                "min_cell": m,
                "counts": [given[k] for k in names],
                "n_organisations": [len(k) for k in names],
                **groups,
            }
        )
    out["curves"].append(
        {
            "min_cell": 5,
            "n_persons": 30,
            "events": [0, 4, 3, 5, 2],
            "at_risk": [30, 28, 20, 15, 8],
            "drawn": True,
            "points": [2, 3],
        }
    )
    for _ in range(60):
        time, event = old.random_survival(rng)
        if len(time) == 0:
            continue
        m = int(rng.choice(old.MIN_CELLS))
        km = stats.kaplan_meier(time, event, 0.95)
        frame = old.old_km_curve(time, event, "g", m, 0.95)
        times = [float(t) / old._DAYS_PER_YEAR for t in km["time"]]
        points = [times.index(t) for t in frame["time_years"].iloc[1:]]
        out["curves"].append(
            {
                "min_cell": m,
                "n_persons": len(time),
                "events": [int(x) for x in km["events"]],
                "at_risk": [int(x) for x in km["at_risk"]],
                "drawn": len(frame) > 0,
                "points": points,
            }
        )
    for _ in range(60):
        m = int(rng.choice(old.MIN_CELLS))
        n = int(rng.integers(0, 60))
        at_risk = sorted((int(x) for x in rng.integers(0, n + 1, size=int(rng.integers(0, 6)))), reverse=True)
        group_hidden = [None, True, False][int(rng.integers(0, 3))]
        # the lines of the old _at_risk_frame
        hide_0 = group_hidden if group_hidden is not None else (m > 0 and n < m)
        hidden = [hide_0]
        if at_risk:
            hn, h = old.old_nested_status([n - v for v in at_risk], n, m)
            hidden += [bool(x or hn or hide_0) for x in h]
        out["at_risk"].append(
            {"min_cell": m, "n": n, "at_risk": at_risk, "group_hidden": group_hidden, "hidden": hidden}
        )
    # The pair rule of the multi-agency overlap (a separate generator: the cases above stay as they were).
    rng_pairs = np.random.default_rng(2027)
    hand_pairs: list[tuple[dict[frozenset[str], int], list[str], int]] = [
        (
            {
                frozenset({"a"}): 20,
                frozenset({"b"}): 3,
                frozenset({"c"}): 15,
                frozenset({"a", "b"}): 12,
                frozenset({"b", "c"}): 25,
                frozenset({"a", "b", "c"}): 30,
            },
            ["a", "b", "c"],
            10,
        ),
    ]
    for i, (given, orgs, m) in enumerate(hand_pairs + [old.random_overlap(rng_pairs) for _ in range(120)]):
        out["overlap_pairs"].append(overlap_pairs_case(f"overlap pairs {i}", given, orgs, m))
    OUT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(OUT, {k: len(v) for k, v in out.items() if isinstance(v, list)})


if __name__ == "__main__":
    main()
