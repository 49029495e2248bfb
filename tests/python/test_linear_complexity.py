"""Every indicator runs in linear time on the adversarial family shapes: measured by operation
counts, never by wall time.

Each counting function reports ``work``, the elementary steps it took (indicators/common.hpp). On a
small version of each shape of benchmarks/adversarial_shapes.py (a sibship of 1,000 children of one
couple, a placeholder parent with 1,000 children by different partners who have children
themselves, one incident with 1,000 participants, a person with 1,000 partners), doubling the
shape must at most about double the work (ratio ≤ 2.2). The pair-by-pair code these counts
replaced fails every one of these (its work quadruples: docs/performance.md, "Linear time").
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from famgraph import RELATIONS, _core

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from adversarial_shapes import SHAPES, shape_dataset

K = 1000
MAX_RATIO = 2.2
ALL_ROLES = ["victim", "perpetrator", "witness", "other"]


def works(ds) -> dict[str, int]:
    ind = _core.indicators
    core = ds._core
    out: dict[str, int] = {}
    rx = ind.relative_exposure(
        core, None, None, list(RELATIONS), [("victim", "victim"), ("perpetrator", "victim")]
    )
    out["relative_exposure"] = int(rx.work)
    out["recurrence_risk"] = int(ind.recurrence_risk(core, None, None, ALL_ROLES, list(RELATIONS)).work)
    out["recurrence_person_counts"] = int(
        ind.recurrence_person_counts(core, None, None, ["perpetrator"], list(RELATIONS)).work
    )
    out["victim_to_perpetrator"] = int(ind.victim_to_perpetrator(core, None, None).work)
    out["chains"] = int(ind.chains(core, None, None).work)
    out["repeat_incidents"] = int(ind.repeat_incidents(core, None, None, 365).work)
    out["early_signalling"] = int(ind.early_signalling(core, None, None, [1, 2, 5]).work)
    out["agency_overlap"] = int(ind.agency_overlap(core, None, None).work)
    flags = (np.arange(ds.n_persons) % 3 == 0).astype(np.uint8) | 2
    for relation in RELATIONS:
        out[f"relative_counts[{relation}]"] = int(ds.graph._core.relative_counts(relation, flags, 2)[1])
    out["kinship_setup"] = int(ds.graph._core.kinship_setup_work())
    return out


@pytest.fixture(scope="module")
def measured() -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    return {s: (works(shape_dataset(s, K)), works(shape_dataset(s, 2 * K))) for s in SHAPES}


@pytest.mark.parametrize("shape", SHAPES)
def test_work_at_most_doubles_when_the_shape_doubles(measured, shape: str) -> None:
    small, big = measured[shape]
    ratios = {name: big[name] / small[name] for name in small}
    assert all(v > 0 for v in small.values()), small
    bad = {name: round(r, 2) for name, r in ratios.items() if r > MAX_RATIO}
    assert not bad, f"{shape}: work more than doubles for {bad}"


def test_work_is_a_few_steps_per_input_item(measured) -> None:
    # Linear with a small constant, not merely sub-quadratic: at most 60 steps per person and event
    # row for any one count (relative_exposure counts 7 relations, λ_R 10).
    for shape in SHAPES:
        ds = shape_dataset(shape, 2 * K)
        items = ds.n_persons + ds.n_events
        for name, w in measured[shape][1].items():
            assert w <= 60 * items, (shape, name, w / items)
