"""A 5-seed version of the validity study (benchmarks/validity_study.py, docs/validity.md): on
synthetic populations with a planted transmission effect, the matched headline is judged against
the generator's own design truth (computed from the simulation state, not by famgraph.indicators)
and the verdicts against what the window holds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import validity_study as V

SEEDS = (1, 2, 3, 4, 5)
PERSONS = 20_000


@pytest.fixture(scope="module")
def runs() -> list[dict]:
    return [V.one_run(w, "default", s, PERSONS) for w in (15, 40) for s in SEEDS]


def test_fifteen_years_of_records_are_never_estimable_and_say_why(runs: list[dict]) -> None:
    short = [r for r in runs if r["window_years"] == 15]
    assert {r["verdict"] for r in short} == {"not estimable in this window"}
    assert {r["rule"] for r in short} == {2}  # the age rule: adults too young for the outcome
    # the artefact the verdict protects against: the crude odds ratio points the wrong way
    assert all(r["crude_or"] < 1 for r in short)


def test_forty_years_are_estimable_point_the_planted_way_and_cover_the_target(runs: list[dict]) -> None:
    long = [r for r in runs if r["window_years"] == 40]
    assert {r["verdict"] for r in long} == {"estimable"}
    (summary,) = [s for s in V.summarise(runs) if s["window_years"] == 40]
    target = summary["target_recorded"]
    assert target is not None and target > 1
    for r in long:
        assert r["or_mh_lower"] > 1, r
        assert r["or_mh_lower"] <= target <= r["or_mh_upper"], (r, target)
    # incomplete recording attenuates: the recorded target is below the complete one
    assert summary["target_complete"] > target
