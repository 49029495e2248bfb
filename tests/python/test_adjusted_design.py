"""Indicator 7's model design in the core (famgraph/indicators/adjusted.hpp, issue 16).

The rows, levels and merged birth decades of the adjusted association used to be derived in
Python (pandas dates, numpy). The old code is kept here as the oracle (``old_design``, copied from
famgraph/indicators/features.py at commit e2912d1) and compared with the core's
``adjusted_design`` on synthetic populations whose birth years reach back before 1970 (negative day
numbers) and across decade boundaries, for several thresholds, so that dropped sexes and merged
decades occur.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import _core, _rules
from famgraph import disclosure as _dc

_SEX = np.array(_rules.SEXES, dtype=object)


def old_design(ds: fg.Dataset, v: Any, m: int) -> dict[str, Any]:
    """The design lines of the old adjusted_association (verbatim, returned instead of fitted)."""
    idx = np.asarray(v.person, dtype=np.int64)
    y = np.asarray(v.event, dtype=np.int64)
    x = np.asarray(v.exposed, dtype=np.int64)
    p = ds.columns("persons")
    sex = np.asarray(p["sex"], dtype=np.int64)[idx]
    birth = np.asarray(_core.indicators.person_dates(ds._core).birth, dtype=np.int64)[idx]
    decade = (pd.to_datetime(birth, unit="D").year.to_numpy() // 10) * 10
    a, b = int((x * y).sum()), int((x * (1 - y)).sum())
    c_, d_ = int(((1 - x) * y).sum()), int(((1 - x) * (1 - y)).sum())
    keep = np.ones(len(y), dtype=bool)
    dropped_sex = []
    for s in (0, 1, 2):
        sel = sex == s
        if sel.any() and _dc.proportion_hidden(int(y[sel].sum()), int(sel.sum()), max(m, 1)):
            keep &= ~sel
            dropped_sex.append(str(_SEX[s]))
    y_k, dec_k = y[keep], decade[keep]
    groups: dict[int, int] = {}
    if len(y_k):
        ordered = sorted(set(dec_k.tolist()))
        lv_arr, inverse = np.unique(dec_k, return_inverse=True)
        k_of = dict(
            zip(lv_arr.tolist(), np.bincount(inverse, weights=y_k).astype(np.int64).tolist(), strict=True)
        )
        n_of = dict(zip(lv_arr.tolist(), np.bincount(inverse).astype(np.int64).tolist(), strict=True))
        first = _dc.merge_adjacent_levels(
            [k_of.get(lv, 0) for lv in ordered], [n_of.get(lv, 0) for lv in ordered], max(m, 1)
        )
        groups = {lv: ordered[f] for lv, f in zip(ordered, first, strict=True)}
    grp = np.array([groups[int(d)] for d in dec_k], dtype=np.int64)
    return {
        "sex": sex,
        "decade": decade,
        "crude": (a, b, c_, d_),
        "keep": keep,
        "group": grp,
        "dropped_sex": dropped_sex,
        "merged": {str(k): str(vv) for k, vv in groups.items() if k != vv},
    }


@pytest.mark.parametrize(
    ("persons", "seed", "years"), [(3000, 1, 15), (8000, 4, 30), (20000, 3, 50), (12000, 7, 60), (600, 9, 15)]
)
def test_the_core_design_is_the_old_one(persons: int, seed: int, years: int) -> None:
    ds = fg.synth.generate(persons=persons, seed=seed, window_years=years, progress=False)
    v = _core.indicators.victim_to_perpetrator(ds._core)
    birth = np.asarray(_core.indicators.person_dates(ds._core).birth)[np.asarray(v.person)]
    seen = {"merged": 0, "dropped": 0}
    for m in (0, 1, 5, 10, 20, 50):
        want = old_design(ds, v, m)
        d = _core.indicators.adjusted_design(ds._core, v, m)
        assert np.array_equal(d.sex, want["sex"]) and np.array_equal(d.birth_decade, want["decade"])
        assert np.array_equal(d.outcome, v.event) and np.array_equal(d.exposed, v.exposed)
        assert (d.crude.a, d.crude.b, d.crude.c, d.crude.d) == want["crude"]
        kept = np.asarray(d.kept, dtype=bool)
        assert np.array_equal(kept, want["keep"]) and d.rows_kept == int(want["keep"].sum())
        assert np.array_equal(np.asarray(d.decade_group)[kept], want["group"])
        assert list(d.dropped_sexes) == want["dropped_sex"]
        assert {str(k): str(x) for k, x in d.merged_decades.items()} == want["merged"]
        seen["merged"] += bool(want["merged"])
        seen["dropped"] += bool(want["dropped_sex"])
    if years >= 50:  # births before 1970: negative day numbers, decades 1940-1960
        assert (birth < 0).any() and seen["merged"] > 0
    if persons <= 3000:
        assert seen["dropped"] > 0


def test_adjusted_association_publishes_the_core_design() -> None:
    ds = fg.synth.generate(persons=20000, seed=3, window_years=50, progress=False)
    r = fg.indicators.adjusted_association(ds, min_cell=50)
    v = _core.indicators.victim_to_perpetrator(ds._core)
    d = _core.indicators.adjusted_design(ds._core, v, 50)
    assert r.parameters["merged_decades"] == {str(k): str(x) for k, x in d.merged_decades.items()}
    assert r.extra["n_model"] == d.rows_kept
    terms = [t for t in r.table["term"] if t.startswith("birth_decade[")]
    groups = sorted({int(g) for g, k in zip(d.decade_group, d.kept, strict=True) if k})
    assert terms == [f"birth_decade[{g}]" for g in groups[1:]]


def test_counts_of_another_dataset_are_refused() -> None:
    big = fg.synth.generate(persons=3000, seed=1, progress=False)
    small = fg.synth.generate(persons=50, seed=2, progress=False)
    v = _core.indicators.victim_to_perpetrator(big._core)
    with pytest.raises(ValueError, match="not of this dataset"):
        _core.indicators.adjusted_design(small._core, v, 10)
