"""The synthetic population generator (docs/spec/synthetic.md): determinism, truth.json, realism, recording,
validation, bad input, atomic output and progress.

The complete-data values in ``truth.json`` are checked against ``reference/indicators_reference.py``
(written from docs/spec/common_rules.md and docs/spec/indicators.md, not from the C++) computed on the *output
tables* of a run with full observation (every coverage = 1, the window spanning the whole simulation).

Realism checks run on one 200,000-person population per module (``big``); measured values are put
in the assertion messages (run with ``-s`` to see them printed as well).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import subprocess
import sys
from itertools import pairwise, product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import _core
from reference import indicators_reference as ref

ORGS = ("police", "veilig_thuis", "youth_care", "gp", "school", "shelter")
KINDS = {"cm": "child_maltreatment", "pv": "partner_violence"}
FULL_COVERAGE = {f"coverage_{o}_{k}": 1.0 for o in ORGS for k in KINDS}
TABLES = ("persons", "partnerships", "events", "contacts")
BIG_N = 200_000
BIG_SEED = 2024


def full_observation(start_year: int = 1870, end_year: int = 2025, **extra: float) -> dict[str, float]:
    """Every organisation records every incident and the window spans the whole simulation."""
    return {
        **FULL_COVERAGE,
        "start_year": start_year,
        "end_year": end_year,
        "window_years": end_year - start_year + 1,
        **extra,
    }


def report(label: str, value: Any) -> str:
    text = f"{label}: {value}"
    print(text)
    return text


# ------------------------------------------------------------------------------------ helpers
def add_years_vec(birth: pd.Series, years: int) -> pd.Series:
    """Same month/day ``years`` later, 29 Feb → 28 Feb in a common year (vectorised)."""
    y = birth.dt.year.to_numpy() + years
    m = birth.dt.month.to_numpy()
    d = birth.dt.day.to_numpy()
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    d = np.where((m == 2) & (d == 29) & ~leap, 28, d)
    return pd.Series(
        pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d})).to_numpy(), index=birth.index
    )


def child_years(persons: pd.DataFrame, sim_start: str, sim_end: str) -> pd.Series:
    """Child-years at risk per person as the generator defines them: whole years of age y (from the
    y-th birthday to the day before the (y+1)-th) lying entirely inside [birth, min(exit, end)]
    and starting on or after the simulation start."""
    start, end = pd.Timestamp(sim_start), pd.Timestamp(sim_end)
    birth = pd.to_datetime(persons["birth_date"])
    last = pd.to_datetime(persons["exit_date"]).fillna(end).clip(upper=end)
    birthdays = [add_years_vec(birth, k) for k in range(19)]
    inside = np.ones(len(persons), dtype=bool)
    n = np.zeros(len(persons), dtype=np.int64)
    for y in range(18):
        year_start, year_end = birthdays[y], birthdays[y + 1] - pd.Timedelta(days=1)
        inside &= (year_end <= last).to_numpy()
        n += inside & (year_start >= start).to_numpy()
    return pd.Series(n, index=persons["person_id"].to_numpy())


def founders(persons: pd.DataFrame, partnerships: pd.DataFrame) -> set[int]:
    """The lowest id of each connected component of parent links and partnerships: the founding
    woman of each lineage (in-laws join a lineage through a partnership, children through parents)."""
    up: dict[int, int] = {int(p): int(p) for p in persons["person_id"]}

    def find(x: int) -> int:
        while up[x] != x:
            up[x] = up[up[x]]
            x = up[x]
        return x

    def join(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            up[max(ra, rb)] = min(ra, rb)

    for p, m, f in zip(persons["person_id"], persons["mother_id"], persons["father_id"], strict=True):
        for q in (m, f):
            if not pd.isna(q):
                join(int(p), int(q))
    for a, b in zip(partnerships["person_a"], partnerships["person_b"], strict=True):
        join(int(a), int(b))
    return {p for p in up if find(p) == p}


def file_hashes(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}


def assert_same_tables(a: fg.Dataset, b: fg.Dataset) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), obj=t)


def within_sd(observed: float, expected: float, sd: float, k: float = 4.0) -> bool:
    return abs(observed - expected) <= k * sd if sd > 0 else observed == expected


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def big() -> fg.Dataset:
    """One 200,000-person population with the default parameters."""
    return fg.synth.generate(BIG_N, seed=BIG_SEED, progress=False)


@pytest.fixture(scope="module")
def big_women(big: fg.Dataset) -> pd.DataFrame:
    """Women of ``big`` with their number of recorded children and the date of the first one."""
    p = big.persons
    birth = pd.to_datetime(p["birth_date"])
    exit_ = pd.to_datetime(p["exit_date"])
    kids = p[p["mother_id"].notna()].assign(birth=birth)
    n_kids = kids.groupby("mother_id").size()
    first = kids.groupby("mother_id")["birth"].min()
    w = p[p["sex"] == "F"].assign(birth=birth, exit=exit_).set_index("person_id")
    w["children"] = n_kids.reindex(w.index).fillna(0).astype(int)
    w["first_child"] = first.reindex(w.index)
    # lineage women (each lineage's founder and every woman born into it) vs women married in
    w["lineage"] = w["mother_id"].notna() | w.index.isin(list(founders(p, big.partnerships)))
    w["present_at_45"] = w["exit"].isna() | (w["exit"] >= add_years_vec(w["birth"], 45))
    return w


# ======================================================================================= the oracle
class TestReferenceOracle:
    """The reference pins the rules of docs/spec/common_rules.md on tiny hand-made tables."""

    @staticmethod
    def persons(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
        return pd.DataFrame(
            rows, columns=["person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"]
        )

    @staticmethod
    def events(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=["incident_id", "person_id", "role", "date", "kind", "source"])

    def test_dates(self) -> None:
        assert ref.parse_date("1985") == dt.date(1985, 7, 1)
        assert ref.parse_date("1985-03") == dt.date(1985, 3, 15)
        assert (
            ref.parse_date("") is None
            and ref.parse_date(float("nan")) is None
            and ref.parse_date(pd.NA) is None
        )
        assert ref.birthday18(dt.date(2000, 2, 29)) == dt.date(2018, 2, 28)
        assert ref.add_years(dt.date(2000, 2, 29), 4) == dt.date(2004, 2, 29)

    def test_victim_to_perpetrator_boundaries(self) -> None:
        ws, we = dt.date(2010, 1, 1), dt.date(2020, 12, 31)
        persons = self.persons(
            [
                (1, "F", "2000-02-29", "", None, None),  # 18 on 2018-02-28; exposed 02-27, outcome 02-28
                (2, "M", "1992-01-01", "", None, None),  # 18 on 2010-01-01 = ws: not eligible
                (3, "M", "1992-01-02", "2010-01-02", None, None),  # 18 on its exit day: eligible
                (4, "F", "2002-12-31", "", None, None),  # 18 on 2020-12-31 = we: eligible
                (5, "M", "2003-01-01", "", None, None),  # 18 after we: not eligible
                (6, "U", "", "", None, None),  # no birth date: never eligible
                (7, "F", "1995", "", None, None),  # 1 July 1995: 18 on 2013-07-01
            ]
        )
        events = self.events(
            [
                (1, 1, "victim", "2018-02-27", "cm", "x"),
                (2, 1, "perpetrator", "2018-02-28", "pv", "x"),
                (3, 3, "witness", "2009-12-31", "cm", "x"),  # before ws: does not count
                (4, 3, "perpetrator", "2010-01-02", "pv", "x"),  # on exit day and 18th birthday
                (5, 4, "perpetrator", "2020-12-31", "pv", "x"),  # adult on we
                (6, 7, "perpetrator", "2013-06-30", "pv", "x"),  # still a child: not an outcome
                (7, 7, "other", "2012-01-01", "cm", "x"),  # role other: not an exposure
            ]
        )
        t = ref.victim_to_perpetrator(persons, None, events, None, (ws, we))
        assert t == {"exposed": {"outcome": 1, "no_outcome": 0}, "unexposed": {"outcome": 2, "no_outcome": 1}}
        t = ref.victim_to_perpetrator(persons, None, events, None, (ws, we), exposure_roles=("other",))
        assert t == {"exposed": {"outcome": 0, "no_outcome": 1}, "unexposed": {"outcome": 3, "no_outcome": 0}}

    def test_chains(self) -> None:
        ws, we = dt.date(1950, 1, 1), dt.date(2020, 12, 31)
        persons = self.persons(
            [
                (1, "F", "1940-01-01", "", None, None),
                (2, "F", "1965-01-01", "", 1, None),
                (3, "M", "1990-01-01", "", 2, None),
                (4, "M", "1992-01-01", "", 2, None),
                (5, "F", "2010-01-01", "", None, 3),  # father 3
                (6, "M", "1960-01-01", "", None, None),  # not a parent of 4
            ]
        )
        events = self.events(
            [
                (1, 1, "perpetrator", "1970-01-01", "cm", "x"),
                (1, 2, "victim", "1970-01-01", "cm", "x"),  # link 1→2
                (2, 2, "perpetrator", "1995-01-01", "cm", "x"),
                (2, 3, "victim", "1995-01-01", "cm", "x"),  # link 2→3
                (2, 4, "victim", "1995-01-01", "cm", "x"),  # link 2→4 (two victims, one incident)
                (3, 3, "perpetrator", "2015-01-01", "cm", "x"),
                (3, 5, "victim", "2015-01-01", "cm", "x"),  # link 3→5
                (4, 2, "perpetrator", "2012-01-01", "pv", "x"),
                (4, 4, "victim", "2012-01-01", "pv", "x"),  # 4 is an adult: no link
                (5, 6, "perpetrator", "2000-01-01", "cm", "x"),
                (5, 4, "victim", "2000-01-01", "cm", "x"),  # 6 is not a recorded parent of 4
            ]
        )
        c = ref.chains(persons, None, events, None, (ws, we))
        assert (c["links"], c["ge1"], c["ge2"], c["ge3"]) == (4, 4, 3, 1)
        # a window starting in 1971 drops the link 1→2: chain 2→3→5 is then the longest
        c = ref.chains(persons, None, events, None, (dt.date(1971, 1, 1), we))
        assert (c["links"], c["ge1"], c["ge2"], c["ge3"]) == (3, 3, 1, 0)
        # continuation (window 1950–2020): persons 1, 2, 3 have a child observed in childhood,
        # 6 has none; 2 and 3 are victims of links, all three are perpetrators of links
        c = ref.chains(persons, None, events, None, (ws, we))
        assert c["continuation"] == {
            "exposed": {"outcome": 2, "no_outcome": 0},
            "unexposed": {"outcome": 1, "no_outcome": 0},
        }

    def test_recurrence_risk_relations(self) -> None:
        ws, we = dt.date(2000, 1, 1), dt.date(2020, 12, 31)
        persons = self.persons(
            [
                (1, "F", "1960-01-01", "", None, None),
                (2, "M", "1958-01-01", "", None, None),
                (3, "M", "1959-01-01", "1999-12-31", None, None),  # never observed
                (10, "F", "1985-01-01", "", 1, 2),
                (11, "M", "1987-01-01", "", 1, 2),  # full sibling of 10
                (12, "M", "1990-01-01", "", 1, 3),  # half sibling of 10, 11
                (13, "F", "1992-01-01", "", 1, None),  # half sibling of 10, 11, 12
                (14, "F", "1993-01-01", "", 1, None),  # half sibling of 13 too (unknown fathers)
            ]
        )
        events = self.events(
            [
                (1, 10, "perpetrator", "2010-01-01", "pv", "x"),
                (1, 11, "victim", "2010-01-01", "pv", "x"),
                (2, 1, "perpetrator", "2005-01-01", "cm", "x"),
                (2, 13, "victim", "2005-01-01", "cm", "x"),
                (3, 14, "perpetrator", "2021-01-01", "pv", "x"),  # outside the window
                (4, 3, "perpetrator", "1995-01-01", "cm", "x"),  # outside the window
            ]
        )
        args = (persons, None, events, None, (ws, we))
        parent = ref.recurrence_risk(*args, relation="parent")
        assert (parent["observed"], parent["cases"]) == (7, 2)
        assert (parent["relatives"], parent["case_relatives"]) == (2, 1)  # 10's parents 1 and 2
        full = ref.recurrence_risk(*args, relation="full_sibling")
        assert (full["relatives"], full["case_relatives"]) == (1, 0)
        half = ref.recurrence_risk(*args, relation="half_sibling")
        assert (half["relatives"], half["case_relatives"]) == (3, 0)  # 12, 13, 14
        assert parent["K"] == pytest.approx(2 / 7) and parent["lambda"] == pytest.approx(0.5 / (2 / 7))
        P = ref.Persons(persons)
        assert ref.relatives(P, 13, "half_sibling") == {10, 11, 12, 14}
        assert ref.relatives(P, 12, "full_sibling") == set()


# ======================================================================================= determinism
def _write_core(folder: Path, values: dict[str, float], threads: int, chunk: int) -> dict[str, str]:
    _core.synth_generate(values, threads, chunk, None).write_csv(str(folder))
    return file_hashes(folder)


def test_byte_identical_whatever_threads_chunking_and_run(tmp_path: Path) -> None:
    values = {"persons": 30_000.0, "seed": 77.0, "unknown_father": 0.1, "window_years": 40.0}
    runs = [(1, 2048), (2, 2048), (2, 2048), (1, 1), (2, 7), (2, 333), (0, 2048)]
    hashes = [_write_core(tmp_path / f"run{i}", values, t, c) for i, (t, c) in enumerate(runs)]
    assert set(hashes[0]) == {"persons.csv", "partnerships.csv", "events.csv", "contacts.csv", "truth.json"}
    for (t, c), h in zip(runs, hashes, strict=True):
        assert h == hashes[0], f"threads={t} lineages_per_chunk={c} changed the output"
    # the public writer gives the same bytes, whatever its thread count
    for threads in (1, 2):
        out = fg.synth.write(
            tmp_path / f"public{threads}",
            30_000,
            77,
            threads=threads,
            progress=False,
            unknown_father=0.1,
            window_years=40,
        )
        assert file_hashes(out) == hashes[0]
    other = _write_core(tmp_path / "other_seed", {**values, "seed": 78.0}, 2, 2048)
    assert other["persons.csv"] != hashes[0]["persons.csv"]


def test_in_memory_dataset_identical_for_1_and_2_threads() -> None:
    a = fg.synth.generate(20_000, seed=3, threads=1, progress=False)
    b = fg.synth.generate(20_000, seed=3, threads=2, progress=False)
    assert_same_tables(a, b)
    assert a.truth == b.truth


@pytest.mark.parametrize(("persons", "chunk"), [(1, 2048), (20, 2048), (100, 10_000)])
def test_small_populations_and_large_chunks(persons: int, chunk: int) -> None:
    pop = _core.synth_generate({"persons": float(persons), "seed": 1.0}, 0, chunk, None)
    assert pop.dataset().n_persons == persons


# ======================================================================================= truth.json
@pytest.mark.parametrize(
    ("persons", "seed", "extra"),
    [
        (2_000, 1, {}),
        (5_000, 17, {"unknown_father": 0.3, "separation": 0.8, "repartner": 0.9, "emigration": 0.02}),
        (20_000, 42, {}),
        (3_000, 8, {"start_year": 1900, "end_year": 2000, "witness": 0.9, "frailty_sd": 1.5}),
    ],
)
def test_truth_equals_reference_on_output_with_full_observation(
    persons: int, seed: int, extra: dict[str, float]
) -> None:
    extra = dict(extra)
    start, end = int(extra.pop("start_year", 1870)), int(extra.pop("end_year", 2025))
    ds = fg.synth.generate(persons, seed=seed, progress=False, **full_observation(start, end, **extra))
    truth = ds.truth
    assert truth is not None
    assert truth["window"] == truth["simulation"] == {"start": f"{start}-01-01", "end": f"{end}-12-31"}
    window = (ref.parse_date(truth["window"]["start"]), ref.parse_date(truth["window"]["end"]))
    # full coverage: every simulated incident is in the output
    cd = truth["complete_data"]
    assert ds.n_incidents == sum(cd["incidents"].values()) == truth["recording"]["recorded_incidents"]
    args = (ds.persons, ds.partnerships, ds.events, ds.contacts, window)

    assert ref.victim_to_perpetrator(*args) == cd["victim_to_perpetrator"]
    chains = ref.chains(*args)
    assert {k: chains[k] for k in ("ge1", "ge2", "ge3")} == cd["chains"]
    assert chains["ge1"] > 0 and chains["ge2"] > 0
    for relation in ref.LAMBDA_RELATIONS:
        mine = ref.recurrence_risk(*args, relation=relation)
        theirs = cd["recurrence_risk"][relation]
        for key in ("observed", "cases", "case_relatives", "relatives"):
            assert mine[key] == theirs[key], (relation, key, mine, theirs)
        assert mine["observed"] == persons
        for key in ("K", "K_R", "lambda"):
            assert mine[key] == pytest.approx(theirs[key], rel=1e-12), (relation, key)
    assert cd["recurrence_risk"]["half_sibling"]["relatives"] > 0


def test_truth_json_contents(tmp_path: Path) -> None:
    params = fg.synth.parameters()
    out = fg.synth.write(
        tmp_path / "pop",
        3_000,
        seed=123456789,
        progress=False,
        maltreatment_rate=0.04,
        coverage_gp_pv=0.5,
        window_years=20,
    )
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == 123456789
    assert truth["famgraph_version"] == fg.__version__
    assert set(truth["parameters"]) == set(params.index) - {"seed"}
    expected = params["default"].to_dict() | {
        "persons": 3000,
        "maltreatment_rate": 0.04,
        "coverage_gp_pv": 0.5,
        "window_years": 20,
    }
    for name, value in truth["parameters"].items():
        assert value == pytest.approx(expected[name]), name
    assert truth["window"] == {"start": "2006-01-01", "end": "2025-12-31"}
    assert truth["simulation"] == {"start": "1870-01-01", "end": "2025-12-31"}
    for key in ("victim_to_perpetrator", "chains", "recurrence_risk", "definition"):
        assert key in truth["complete_data"]
    assert set(truth["complete_data"]["recurrence_risk"]) == {"parent", "full_sibling", "half_sibling"}
    # the in-memory dataset carries the same truth
    ds = fg.synth.generate(
        3_000, seed=123456789, progress=False, maltreatment_rate=0.04, coverage_gp_pv=0.5, window_years=20
    )
    assert ds.truth == truth


# ======================================================================================= realism (200k)
def test_generations(big: fg.Dataset) -> None:
    P = ref.Persons(big.persons)
    gen: dict[int, int] = {}
    for p in sorted(P.ids, key=lambda q: P.birth[q]):  # parents are born before their children
        gen[p] = 1 + max((gen[q] for q in P.parents(p)), default=-1)
    n = max(gen.values()) + 1
    report("generations", n)
    assert n >= 4
    assert n == big.truth["complete_data"]["generations"] == big.summary()["generations"]


def test_half_sibling_share(big: fg.Dataset) -> None:
    P = ref.Persons(big.persons)
    children = [p for p in P.ids if P.parents(p)]
    with_half = [c for c in children if ref.relatives(P, c, "half_sibling")]
    share = len(with_half) / len(children)
    # half-siblings through a re-partnered parent, both parents of both known (no unknown fathers)
    both_known = [
        c
        for c in with_half
        if len(P.parents(c)) == 2 and any(len(P.parents(s)) == 2 for s in ref.relatives(P, c, "half_sibling"))
    ]
    msg = report(
        "share of children with a half-sibling",
        f"{share:.4f} ({len(with_half)}/{len(children)}); "
        f"through re-partnering with both parents known {len(both_known) / len(children):.4f}",
    )
    assert 0.02 <= share <= 0.30, msg
    assert len(both_known) > 0


def _mean_age_first_birth(w: pd.DataFrame) -> float:
    mothers = w[w["first_child"].notna()]
    return float(((mothers["first_child"] - mothers["birth"]).dt.days / 365.2425).mean())


def _completed(big: fg.Dataset, w: pd.DataFrame) -> pd.DataFrame:
    """Women of completed cohorts: born in a year Y whose members all turned 45 by the end
    (Y + 45 <= end_year)."""
    end_year = int(big.truth["parameters"]["end_year"])
    return w[w["birth"].dt.year + 45 <= end_year]


def test_mean_age_at_first_birth_all_mothers(big: fg.Dataset, big_women: pd.DataFrame) -> None:
    target = big.truth["parameters"]["mean_age_first_birth"]
    w = _completed(big, big_women)
    m = _mean_age_first_birth(w)
    msg = report("mean age at first birth, all mothers of completed cohorts", f"{m:.3f}")
    report(
        "  ... first births in the window (period measure)",
        f"{_mean_age_first_birth(big_women[big_women['first_child'] >= '2011-01-01']):.3f}",
    )
    assert abs(m - target) <= 1.0, msg


def test_mean_age_at_first_birth_lineage_mothers(big: fg.Dataset, big_women: pd.DataFrame) -> None:
    """Lineage women (founders and women born into a lineage; not married in) follow the planted schedule."""
    target = big.truth["parameters"]["mean_age_first_birth"]
    w = _completed(big, big_women)
    lineage = _mean_age_first_birth(w[w["lineage"]])
    married_in = _mean_age_first_birth(w[~w["lineage"]])
    msg = report(
        "mean age at first birth, completed cohorts",
        f"lineage women (founders and daughters) {lineage:.3f}, married in {married_in:.3f}",
    )
    assert abs(lineage - target) <= 1.0, msg


def test_completed_fertility(big: fg.Dataset, big_women: pd.DataFrame) -> None:
    """Completed cohort fertility: mean number of recorded children of the women of completed
    cohorts who were present (alive, not emigrated) on their 45th birthday — the register
    definition; the model stops births at 45. Lineage women (founders and daughters) and women married in
    are both counted (and reported separately)."""
    target = big.truth["parameters"]["fertility"]
    w = _completed(big, big_women)
    present = w[w["present_at_45"]]
    value = present["children"].mean()
    msg = report(
        "completed fertility (present at 45)",
        f"{value:.3f} (n={len(present)}; lineage women (founders and daughters) "
        f"{present[present['lineage']]['children'].mean():.3f}, married in "
        f"{present[~present['lineage']]['children'].mean():.3f}; all women of the cohorts "
        f"including those who died or left before 45 {w['children'].mean():.3f}; target {target})",
    )
    assert abs(value / target - 1) <= 0.10, msg
    assert abs(present[present["lineage"]]["children"].mean() / target - 1) <= 0.10, msg


@pytest.fixture(scope="module")
def incidence_run() -> fg.Dataset:
    """frailty 0 and transmission OR 1: the yearly probability is exactly maltreatment_rate; full
    observation, so every incident is in the output."""
    return fg.synth.generate(
        BIG_N, seed=BIG_SEED + 1, progress=False, frailty_sd=0, transmission_or=1, **full_observation()
    )


def _maltreated_years(ds: fg.Dataset) -> pd.Series:
    """Maltreatment incidents per victim; each is one maltreated child-year (one draw per year)."""
    e = ds.events
    v = e[(e["kind"] == "child_maltreatment") & (e["role"] == "victim")]
    assert v["incident_id"].is_unique
    return v.groupby("person_id").size()


def test_child_years_bookkeeping(incidence_run: fg.Dataset) -> None:
    truth = incidence_run.truth
    years = child_years(incidence_run.persons, truth["simulation"]["start"], truth["simulation"]["end"])
    assert int(years.sum()) == truth["complete_data"]["child_years"]
    victims = _maltreated_years(incidence_run)
    # every maltreatment victim row lies in a counted child-year of that person
    assert (victims <= years.reindex(victims.index)).all()


def test_maltreatment_incidence(incidence_run: fg.Dataset) -> None:
    truth = incidence_run.truth
    rate = truth["parameters"]["maltreatment_rate"]
    n = int(
        child_years(incidence_run.persons, truth["simulation"]["start"], truth["simulation"]["end"]).sum()
    )
    k = int(_maltreated_years(incidence_run).sum())
    sd = math.sqrt(n * rate * (1 - rate))
    msg = report(
        "maltreatment incidence per child-year",
        f"{k / n:.5f} ({k}/{n}; expected {rate}, z = {(k - n * rate) / sd:.1f})",
    )
    assert within_sd(k, n * rate, sd), msg


def test_maltreatment_incidence_excluding_founders(incidence_run: fg.Dataset) -> None:
    """The persons the model does put at risk (everyone but the lineage founders) are maltreated
    with probability maltreatment_rate per child-year."""
    truth = incidence_run.truth
    rate = truth["parameters"]["maltreatment_rate"]
    years = child_years(incidence_run.persons, truth["simulation"]["start"], truth["simulation"]["end"])
    f = founders(incidence_run.persons, incidence_run.partnerships)
    victims = _maltreated_years(incidence_run)
    keep = ~years.index.isin(list(f))
    n = int(years[keep].sum())
    k = int(victims[~victims.index.isin(list(f))].sum())
    sd = math.sqrt(n * rate * (1 - rate))
    msg = report(
        "maltreatment incidence per child-year without founders",
        f"{k / n:.5f} ({k}/{n}; z = {(k - n * rate) / sd:.2f}; {len(f)} founders, "
        f"{int(years[~keep].sum())} founder child-years)",
    )
    assert within_sd(k, n * rate, sd), msg


def _coverage(truth: dict[str, Any]) -> dict[tuple[str, str], float]:
    return {(o, kind): truth["parameters"][f"coverage_{o}_{k}"] for o in ORGS for k, kind in KINDS.items()}


def test_recording_per_organisation(big: fg.Dataset) -> None:
    truth = big.truth
    rec = truth["recording"]
    cov = _coverage(truth)
    lines = []
    for (o, kind), c in cov.items():
        n = rec["window_incidents"][kind]
        got = rec["recorded_by"][o][kind]
        sd = math.sqrt(n * c * (1 - c))
        lines.append(f"{o}/{kind}: {got}/{n} = {got / n:.4f} (coverage {c})")
        assert within_sd(got, n * c, sd), lines[-1]
    report("recorded by organisation", "; ".join(lines))


def test_recorded_share_and_sources_in_output(big: fg.Dataset) -> None:
    truth = big.truth
    rec = truth["recording"]
    cov = _coverage(truth)
    e = big.events
    ws, we = truth["window"]["start"], truth["window"]["end"]
    assert e["date"].between(ws, we).all()
    inc = e.drop_duplicates("incident_id")
    assert (e.groupby("incident_id")["source"].nunique() == 1).all()  # one source per incident
    assert len(inc) == rec["recorded_incidents"]
    lines = []
    for kind in KINDS.values():
        n = rec["window_incidents"][kind]
        cs = [cov[(o, kind)] for o in ORGS]
        p = 1 - math.prod(1 - c for c in cs)
        got = int((inc["kind"] == kind).sum())
        sd = math.sqrt(n * p * (1 - p))
        lines.append(f"{kind}: {got}/{n} = {got / n:.4f} appear (expected 1-prod(1-c) = {p:.4f})")
        assert within_sd(got, n * p, sd), lines[-1]
        # attributed source: uniform among the organisations that recorded it
        share = dict.fromkeys(ORGS, 0.0)
        for mask in product((0, 1), repeat=len(ORGS)):
            if not any(mask):
                continue
            pm = math.prod(c if b else 1 - c for c, b in zip(cs, mask, strict=True))
            for o, b in zip(ORGS, mask, strict=True):
                share[o] += b * pm / sum(mask) / p
        counts = inc[inc["kind"] == kind]["source"].value_counts()
        for o in ORGS:
            k = int(counts.get(o, 0))
            assert within_sd(k, got * share[o], math.sqrt(got * share[o] * (1 - share[o]))), (
                kind,
                o,
                k,
                share[o],
            )
    report("recorded share in output", "; ".join(lines))


def test_window_incidents_counted_independently(big: fg.Dataset) -> None:
    """Coverage only draws from the recording stream: the same seed with full coverage gives the
    same population, and its output holds every window incident."""
    full = fg.synth.generate(BIG_N, seed=BIG_SEED, progress=False, **FULL_COVERAGE)
    pd.testing.assert_frame_equal(full.persons, big.persons)
    pd.testing.assert_frame_equal(full.partnerships, big.partnerships)
    assert full.truth["complete_data"] == big.truth["complete_data"]
    inc = full.events.drop_duplicates("incident_id")["kind"].value_counts().to_dict()
    assert inc == big.truth["recording"]["window_incidents"]
    cols = ["person_id", "role", "date", "kind"]
    rows = big.events[cols].merge(full.events[cols].drop_duplicates(), how="left", indicator=True)
    assert (rows["_merge"] == "both").all()


def test_contacts(big: fg.Dataset) -> None:
    """Support contacts start 30 days to 5 years before the person's first recorded incident, with
    the organisation of that incident; advice contacts start inside the window and the life."""
    truth = big.truth
    c = big.contacts
    assert set(c["kind"]) == {"support", "advice"}
    e = big.events
    first_date = e.groupby("person_id")["date"].min()
    first = e.merge(first_date.rename("first"), left_on="person_id", right_index=True)
    first = first[first["date"] == first["first"]]
    sources = first.groupby("person_id")["source"].agg(set)
    s = c[c["kind"] == "support"]
    lead = (pd.to_datetime(s["person_id"].map(first_date)) - pd.to_datetime(s["start_date"])).dt.days
    assert s["person_id"].isin(first_date.index).all()
    assert ((lead >= 30) & (lead < 30 + 5 * 365)).all()
    assert all(src in sources[p] for p, src in zip(s["person_id"], s["source"], strict=True))
    a = c[c["kind"] == "advice"]
    assert a["start_date"].between(truth["window"]["start"], truth["window"]["end"]).all()
    share = s["person_id"].nunique() / e["person_id"].nunique()
    report("recorded persons with a prior support contact", f"{share:.3f}")
    assert 0 < share <= truth["parameters"]["contact_before"]


# ======================================================================================= validation
@pytest.mark.parametrize(("persons", "seed"), [(21, 4), (2_000, 5), (20_000, 6)])
def test_csv_round_trip_validates(tmp_path: Path, persons: int, seed: int) -> None:
    ds = fg.synth.generate(persons, seed=seed, progress=False)
    assert ds.n_persons == persons and ds.warning_counts == {}
    out = fg.synth.write(tmp_path / "pop", persons, seed, progress=False)
    back = fg.Dataset.from_csv(out)  # raises DataError on any validation error
    assert back.warning_counts == {}
    assert_same_tables(back, ds)


def test_big_csv_round_trip_validates(tmp_path: Path, big: fg.Dataset) -> None:
    assert big.n_persons == BIG_N and big.warning_counts == {}
    out = fg.synth.write(tmp_path / "big", BIG_N, BIG_SEED, progress=False)
    back = fg.Dataset.from_csv(out)
    assert back.warning_counts == {}
    assert_same_tables(back, big)
    assert json.loads((out / "truth.json").read_text(encoding="utf-8")) == big.truth


def test_csv_and_parquet_give_the_same_tables(tmp_path: Path) -> None:
    a = fg.synth.write(tmp_path / "csv", 5_000, 9, format="csv", progress=False, window_years=30)
    b = fg.synth.write(tmp_path / "pq", 5_000, 9, format="parquet", progress=False, window_years=30)
    assert sorted(os.listdir(b)) == [*sorted(f"{t}.parquet" for t in TABLES), "truth.json"]
    assert_same_tables(fg.Dataset.from_csv(a), fg.Dataset.from_parquet(b))
    assert (a / "truth.json").read_bytes() == (b / "truth.json").read_bytes()
    assert sorted(os.listdir(tmp_path)) == ["csv", "pq"]  # no temporary folders left


def test_parquet_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = pd.DataFrame.to_parquet

    def failing(self: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full (simulated)")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", failing)
    with pytest.raises(OSError, match="disk full"):
        fg.synth.write(tmp_path / "pop", 2_000, 1, format="parquet", progress=False)
    assert len(calls) == 3
    assert os.listdir(tmp_path) == []
    # an existing empty target folder is allowed, and stays (empty) after a failure
    (tmp_path / "empty").mkdir()
    calls.clear()
    with pytest.raises(OSError, match="disk full"):
        fg.synth.write(tmp_path / "empty", 2_000, 1, format="parquet", progress=False)
    assert os.listdir(tmp_path) == ["empty"] and os.listdir(tmp_path / "empty") == []
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    out = fg.synth.write(tmp_path / "empty", 2_000, 1, format="parquet", progress=False)
    assert len(os.listdir(out)) == 5 and os.listdir(tmp_path) == ["empty"]


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "pop"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    for fmt in ("csv", "parquet"):
        with pytest.raises(FileExistsError, match="refusing to overwrite"):
            fg.synth.write(out, 100, 1, format=fmt, progress=False)  # type: ignore[arg-type]
    assert os.listdir(out) == ["keep.txt"] and os.listdir(tmp_path) == ["pop"]


# ======================================================================================= bad input
BAD = [
    ({"persons": 0}, "persons", "0", "[1, 2e+09]"),
    ({"persons": -5}, "persons", "-5", "[1, 2e+09]"),
    ({"persons": 2.5}, "persons", "2.5", "[1, 2e+09]"),
    ({"maltreatment_rate": -0.1}, "maltreatment_rate", "-0.1", "[0, 0.5]"),
    ({"emigration": -0.001}, "emigration", "-0.001", "[0, 0.2]"),
    ({"coverage_police_cm": 1.5}, "coverage_police_cm", "1.5", "[0, 1]"),
    ({"witness": -0.2}, "witness", "-0.2", "[0, 1]"),
    ({"transmission_or": 0}, "transmission_or", "0", "[0.01, 100]"),
    ({"window_years": 200}, "window_years", "200", "[1, 156]"),
    ({"window_years": 0}, "window_years", "0", "[1, 400]"),
    ({"bogus": 1}, "bogus", None, "valid: persons, seed"),
]


@pytest.mark.parametrize(("bad", "name", "value", "allowed"), BAD)
def test_invalid_parameters_python(
    tmp_path: Path, bad: dict[str, float], name: str, value: str | None, allowed: str
) -> None:
    params = dict(bad)
    persons = params.pop("persons", 1_000)
    with pytest.raises(ValueError) as info:
        fg.synth.generate(persons, seed=1, progress=False, **params)  # type: ignore[arg-type]
    msg = str(info.value)
    assert name in msg and allowed in msg, msg
    if value is not None:
        assert f"= {value} " in msg, msg
    with pytest.raises(ValueError):
        fg.synth.write(tmp_path / "pop", persons, 1, progress=False, **params)  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == []


def test_non_numeric_parameter_python() -> None:
    with pytest.raises(TypeError, match="fertility"):
        fg.synth.generate(100, seed=1, progress=False, fertility="high")  # type: ignore[arg-type]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "famgraph"
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


CLI_BAD = [
    (["--persons", "0"], "persons", "0", "[1, 2e+09]"),
    (["--persons", "1000", "--set", "maltreatment_rate=-0.1"], "maltreatment_rate", "-0.1", "[0, 0.5]"),
    (["--persons", "1000", "--set", "coverage_shelter_pv=1.01"], "coverage_shelter_pv", "1.01", "[0, 1]"),
    (["--persons", "1000", "--set", "window_years=157"], "window_years", "157", "[1, 156]"),
    (
        ["--persons", "1000", "--set", "end_year=1950", "--set", "window_years=90"],
        "window_years",
        "90",
        "[1, 81]",
    ),
    (["--persons", "1000", "--set", "no_such_thing=3"], "no_such_thing", None, "valid: persons"),
    (["--persons", "1000", "--format", "parquet", "--set", "partnered=2"], "partnered", "2", "[0, 1]"),
    (["--persons", "1000", "--set", "fertility=lots"], "fertility", "lots", "not a number"),
]


@pytest.mark.parametrize(("args", "name", "value", "allowed"), CLI_BAD)
def test_invalid_parameters_cli(
    tmp_path: Path, args: list[str], name: str, value: str | None, allowed: str
) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    out = parent / "pop"
    r = _cli("synth", *args, "--out", str(out), cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr  # one clear error, no traceback
    assert name in lines[0] and allowed in lines[0], lines[0]
    if value is not None:
        assert value in lines[0], lines[0]
    assert r.stdout == ""
    assert not out.exists()
    assert os.listdir(parent) == []  # no temporary folders left behind


def test_cli_set_persons_is_explained(tmp_path: Path) -> None:
    r = _cli("synth", "--persons", "100", "--set", "persons=5", "--out", str(tmp_path / "pop"), cwd=tmp_path)
    assert r.returncode == 2 and not (tmp_path / "pop").exists()
    assert "--persons" in r.stderr, r.stderr


def test_cli_writes_the_same_bytes(tmp_path: Path) -> None:
    a = _cli(
        "synth",
        "--persons",
        "3000",
        "--seed",
        "5",
        "--out",
        "a",
        "--threads",
        "1",
        "--set",
        "unknown_father=0.05",
        cwd=tmp_path,
    )
    assert a.returncode == 0 and a.stderr == "", a.stderr  # stderr is not a terminal: no progress bar
    assert "3,000 persons" in a.stdout
    b = _cli(
        "synth",
        "--persons",
        "3000",
        "--seed",
        "5",
        "--out",
        "b",
        "--threads",
        "2",
        "--set",
        "unknown_father=0.05",
        cwd=tmp_path,
    )
    assert b.returncode == 0 and b.stderr == ""
    assert file_hashes(tmp_path / "a") == file_hashes(tmp_path / "b")
    c = _cli(
        "synth",
        "--persons",
        "3000",
        "--seed",
        "5",
        "--out",
        "c",
        "--format",
        "parquet",
        "--set",
        "unknown_father=0.05",
        cwd=tmp_path,
    )
    assert c.returncode == 0 and c.stderr == ""
    assert_same_tables(fg.Dataset.from_csv(tmp_path / "a"), fg.Dataset.from_parquet(tmp_path / "c"))
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "c"]


# ======================================================================================= progress
def test_progress_callable_receives_increasing_fractions() -> None:
    seen: list[float] = []
    fg.synth.generate(50_000, seed=2, progress=seen.append)
    assert len(seen) >= 2
    assert all(0.0 < f <= 1.0 for f in seen), seen
    assert all(b > a for a, b in pairwise(seen)), seen
    assert seen[-1] == 1.0
    low: list[float] = []
    _core.synth_generate({"persons": 5_000.0, "seed": 1.0}, 2, 16, low.append)
    assert low[-1] == 1.0 and all(b > a for a, b in pairwise(low)), low


def test_no_output_without_terminal(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fg.synth.generate(5_000, seed=1)  # progress=None, stderr captured (not a terminal)
    fg.synth.write(tmp_path / "pop", 5_000, 1)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    code = (
        "import famgraph as fg; fg.synth.generate(5000, seed=1); "
        "fg.synth.generate(5000, seed=2, progress=True)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stderr


def test_parameters_table() -> None:
    p = fg.synth.parameters()
    assert list(p.columns) == ["default", "min", "max", "integer", "doc"]
    assert {"persons", "seed", "fertility", "transmission_or", "window_years"} <= set(p.index)
    assert {f"coverage_{o}_{k}" for o in ORGS for k in KINDS} <= set(p.index)
    assert ((p["min"] <= p["default"]) & (p["default"] <= p["max"])).all()
    assert p["doc"].str.len().gt(10).all()
