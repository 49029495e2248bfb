"""The aggregated counts (linear time, docs/performance.md) against brute-force enumeration.

Relatives are now counted by aggregation over sibships, parents and couples (relative_counts.hpp),
never pair by pair, with inclusion–exclusion wherever two paths can lead to the same relative. These
tests draw random pedigrees that stress exactly those places — large sibships, a placeholder
parent with many partners, a person with many partners, and matings between relatives (siblings,
half-siblings, parent × child, uncle × niece, cousins, so that double first cousins, a parent who
is also an aunt and parents who are siblings occur) — and compare, person by person and relation
by relation, with the naive oracle ``reference.pedigree.Pedigree``; then the indicator counts built
on them (λ_R per person, the transmission table and its strata, the strata of indicators 1 and 3)
with ``reference.indicators_reference`` / ``indicators_reference2`` summed by stratum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import famgraph as fg
from core_results import abcd, strata_rows
from famgraph import _core
from reference import indicators_reference as ref
from reference import indicators_reference2 as ref2
from reference.pedigree import RELATIONS, Pedigree

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EPOCH = dt.date(1970, 1, 1)
ROLES = ("victim", "perpetrator", "witness", "other")


@dataclass
class Family:
    persons: pd.DataFrame
    partnerships: pd.DataFrame | None
    events: pd.DataFrame | None
    ref: Pedigree

    def __repr__(self) -> str:
        return f"Family(persons={self.persons.to_dict('list')!r})"


@st.composite
def families(draw: st.DrawFn, max_persons: int = 150, with_events: bool = False) -> Family:
    """A random pedigree (ids 1..n, sexes F/M/U, birth years or none) with the adversarial shapes."""
    sex: list[str] = []
    year: list[int] = []
    mother: list[int | None] = []
    father: list[int | None] = []
    couples: list[tuple[int, int]] = []

    def add(s: str, y: int, m: int | None = None, f: int | None = None) -> int:
        sex.append(s)
        year.append(y)
        mother.append(m)
        father.append(f)
        return len(sex) - 1

    def may_mother(i: int) -> bool:
        return sex[i] in ("F", "U")

    def may_father(i: int) -> bool:
        return sex[i] in ("M", "U")

    def children(i: int) -> list[int]:
        return [c for c in range(len(sex)) if i in (mother[c], father[c])]

    def parents(i: int) -> list[int]:
        return [q for q in (mother[i], father[i]) if q is not None]

    def relatives_of(a: int, kind: str) -> list[int]:
        ps = parents(a)
        if kind == "sibling":
            return sorted({c for q in ps for c in children(q)} - {a})
        if kind == "child":
            return children(a)
        if kind == "parent":
            return ps
        if kind == "aunt_niece":  # a sibling of a parent: uncle × niece
            return sorted({s for q in ps for g in parents(q) for s in children(g)} - {a} - set(ps))
        if kind == "cousin":
            return sorted(
                {c for q in ps for g in parents(q) for s in children(g) if s != q for c in children(s)}
            )
        return []

    sexes = st.sampled_from(["F", "M", "F", "M", "U"])
    hub = add("U", 1900)  # a placeholder parent: mother or father of many, with many partners
    for _ in range(draw(st.integers(2, 8), label="founders")):
        add(draw(sexes), 1900 + draw(st.integers(0, 6)))
    for _ in range(draw(st.integers(3, 30), label="couples")):
        if len(sex) >= max_persons:
            break
        a = draw(st.integers(0, len(sex) - 1), label="first parent")
        kind = draw(
            st.sampled_from(
                ["new", "none", "hub", "existing", "sibling", "child", "parent", "aunt_niece", "cousin"]
            ),
            label="kind",
        )
        b: int | None = None
        if kind == "hub":
            a, b = hub, a if a != hub else None
        elif kind in ("sibling", "child", "parent", "aunt_niece", "cousin"):
            pool = relatives_of(a, kind)
            b = draw(st.sampled_from(pool)) if pool else None
        elif kind == "existing":
            b = draw(st.integers(0, len(sex) - 1))
            b = None if b == a else b
        if b is None and kind != "none":
            b = add(draw(sexes), year[a] + draw(st.integers(-6, 6)))
        if b is not None and not ((may_mother(a) and may_father(b)) or (may_father(a) and may_mother(b))):
            b = add("U", year[a])
        if b is None:
            m, f = (a, None) if may_mother(a) and (not may_father(a) or draw(st.booleans())) else (None, a)
        else:
            options = [(x, y) for x, y in ((a, b), (b, a)) if may_mother(x) and may_father(y)]
            m, f = draw(st.sampled_from(options))
        oldest = max(year[q] for q in (m, f) if q is not None) + 13
        big = draw(st.integers(0, 9), label="big sibship") == 0
        n_children = draw(st.integers(10, 40) if big else st.integers(0, 4), label="children")
        for _ in range(n_children):
            if len(sex) >= max_persons:
                break
            add(draw(sexes), oldest + draw(st.integers(0, 20)), m, f)
        if b is not None and draw(st.booleans(), label="partnership row"):
            couples.append((a, b))
    for _ in range(draw(st.integers(0, 3), label="extra partnerships")):
        x, y = draw(st.lists(st.integers(0, len(sex) - 1), min_size=2, max_size=2, unique=True))
        couples.append((x, y))

    n = len(sex)
    no_birth = draw(st.sets(st.integers(0, n - 1), max_size=max(1, n // 8)), label="no birth date")

    def ident(i: int | None) -> int | None:
        return None if i is None else i + 1

    persons = pd.DataFrame(
        {
            "person_id": np.arange(1, n + 1, dtype=np.int64),
            "sex": sex,
            "birth_date": [None if i in no_birth else f"{year[i]:04d}" for i in range(n)],
            "exit_date": [None] * n,
            "mother_id": pd.array([ident(m) for m in mother], dtype="Int64"),
            "father_id": pd.array([ident(f) for f in father], dtype="Int64"),
        }
    )
    partnerships = None
    if couples:
        partnerships = pd.DataFrame(
            {
                "person_a": [a + 1 for a, _ in couples],
                "person_b": [b + 1 for _, b in couples],
                "start_date": [None] * len(couples),
                "end_date": [None] * len(couples),
            }
        )
    events = None
    if with_events:
        rows = []
        for inc in range(draw(st.integers(1, 40), label="incidents")):
            who = draw(
                st.lists(st.integers(0, n - 1), min_size=1, max_size=6, unique=True), label="participants"
            )
            earliest = max([1960] + [year[i] + 1 for i in who if i not in no_birth])
            day = dt.date(earliest + draw(st.integers(0, 30)), 1 + draw(st.integers(0, 11)), 10)
            for i in who:
                rows.append((inc + 1, i + 1, draw(st.sampled_from(ROLES)), day.isoformat(), "assault", "org"))
        events = pd.DataFrame(rows, columns=["incident_id", "person_id", "role", "date", "kind", "source"])
    ped = Pedigree(
        {i + 1: ident(mother[i]) for i in range(n)},
        {i + 1: ident(father[i]) for i in range(n)},
        [(a + 1, b + 1) for a, b in couples],
    )
    return Family(persons, partnerships, events, ped)


def _dataset(fam: Family) -> fg.Dataset:
    return fg.Dataset.from_pandas(fam.persons, fam.partnerships, fam.events)


def test_strategy_produces_the_hard_shapes() -> None:
    seen = {"big_sibship": 0, "hub": 0, "inbred": 0, "parents_are_sibs": 0, "double_cousins": 0}

    @settings(SETTINGS, max_examples=40)
    @given(families())
    def collect(fam: Family) -> None:
        r = fam.ref
        seen["big_sibship"] += any(len(r.full_siblings(p)) >= 9 for p in r.persons)
        seen["hub"] += len(r.relatives(1, "partner")) >= 3
        seen["inbred"] += any(r.inbreeding(p) > 0 for p in r.persons)
        seen["parents_are_sibs"] += any(
            len(r.parents(p)) == 2 and r.mother[p] in r.siblings(r.father[p]) for p in r.persons
        )
        seen["double_cousins"] += any(
            len(r.parents(p)) == 2
            and any(r.relatives(q, "full_sibling") for q in r.parents(p))
            and all(r.relatives(q, "aunt_uncle") & r.relatives(p, "aunt_uncle") for q in r.parents(p))
            for p in r.persons
        )

    collect()
    assert all(v > 0 for v in seen.values()), seen


@SETTINGS
@given(families(), st.integers(0, 2**32 - 1))
def test_relative_counts_equal_brute_force(fam: Family, seed: int) -> None:
    ds = _dataset(fam)
    g = ds.graph._core
    n = ds.n_persons
    flags = np.random.default_rng(seed).integers(0, 256, n).astype(np.uint8)
    flags[: n // 3] |= 1  # many flagged persons, and some persons with every bit
    for relation in RELATIONS:
        got, work = g.relative_counts(relation, flags, 8)
        assert got.shape == (n, 8) and work > 0
        want = np.zeros((n, 8), dtype=np.int64)
        for p in fam.ref.persons:
            for j in fam.ref.relatives(p, relation):
                want[p - 1] += (int(flags[j - 1]) >> np.arange(8)) & 1
        assert np.array_equal(got, want), (relation, np.argwhere(got != want)[:5].tolist())


@SETTINGS
@given(families(), st.integers(1, 8))
def test_relative_counts_with_fewer_bits_are_the_first_columns(fam: Family, bits: int) -> None:
    ds = _dataset(fam)
    flags = (np.arange(ds.n_persons) * 37 % 256).astype(np.uint8)
    for relation in ("aunt_uncle", "niece_nephew", "first_cousin", "half_sibling"):
        full, _ = ds.graph._core.relative_counts(relation, flags, 8)
        part, _ = ds.graph._core.relative_counts(relation, flags, bits)
        assert np.array_equal(part, full[:, :bits])


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _window(fam: Family) -> tuple[dt.date, dt.date]:
    dates = [ref.parse_date(x) for x in fam.events["date"]]
    return min(dates), max(dates)  # type: ignore[type-var]


Row = tuple[int, str, bool, int, int, int, int]


def _strata(got: list[Row]) -> dict[tuple[int, str, bool], dict[str, int]]:
    out = {}
    for year, sex, known, a, b, c, d in got:
        out[(int(year), str(sex), bool(known))] = {"a": int(a), "b": int(b), "c": int(c), "d": int(d)}
    return out


def _check_sorted_nonempty(got: list[Row]) -> None:
    keys = [(y, "FMU".index(s), k) for y, s, k, *_ in got]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(a + b + c + d > 0 for *_, a, b, c, d in got)


@SETTINGS
@given(families(with_events=True))
def test_recurrence_person_counts_equal_brute_force_for_every_relation(fam: Family) -> None:
    ds = _dataset(fam)
    ws, we = _window(fam)
    got = _core.indicators.recurrence_person_counts(
        ds._core, None, None, ["perpetrator", "victim"], list(RELATIONS)
    )
    observed = got.observed.astype(bool)
    case = got.is_case.astype(bool)
    P = ref.Persons(fam.persons)
    rows = [r for r in ref.event_rows(fam.events) if ref.in_window(r.date, ws, we)]
    want_case = {r.person for r in rows if r.role in ("perpetrator", "victim")} & {
        p for p in P.ids if P.observed(p, ws, we)
    }
    assert {i + 1 for i in np.flatnonzero(case)} == want_case
    assert got.relations == list(RELATIONS)
    for k, relation in enumerate(RELATIONS):
        case_rel, rel = got.case_relatives[k], got.relatives[k]
        for p in fam.ref.persons:
            if p not in want_case:
                assert case_rel[p - 1] == 0 and rel[p - 1] == 0
                continue
            mine = {j for j in fam.ref.relatives(p, relation) if observed[j - 1]}
            assert rel[p - 1] == len(mine), (relation, p)
            assert case_rel[p - 1] == len(mine & want_case), (relation, p)


@SETTINGS
@given(families(with_events=True), st.sampled_from(list(RELATIONS)))
def test_relative_exposure_and_its_strata_equal_the_reference(fam: Family, relation: str) -> None:
    ds = _dataset(fam)
    w = _window(fam)
    pairs = [("victim", "perpetrator"), ("perpetrator", "victim"), ("witness", "other")]
    t = (fam.persons, fam.partnerships, fam.events, None)
    rx = _core.indicators.relative_exposure(ds._core, None, None, [relation], pairs)
    assert rx.window == (_day(w[0]), _day(w[1]))
    for cell in rx.cells:
        rel, a, b = cell.relation, cell.roles.relative_role, cell.roles.proband_role
        exposed, outcome = ref2.relative_exposure_classes(*t, w, rel, a, b)
        assert abcd(cell.counts) == ref2.relative_exposure(*t, w, rel, a, b)
        want, without = ref.strata_2x2(fam.persons, exposed, outcome)
        _check_sorted_nonempty(strata_rows(cell.strata))
        assert _strata(strata_rows(cell.strata)) == want, (rel, a, b)
        assert cell.strata.without_birth_date == without
        total = sum(sum(c.values()) for c in want.values()) + without
        assert total == sum(abcd(cell.counts).values())


@SETTINGS
@given(families(with_events=True))
def test_strata_of_indicators_1_and_3_equal_the_reference(fam: Family) -> None:
    ds = _dataset(fam)
    w = _window(fam)
    v = _core.indicators.victim_to_perpetrator(ds._core, None, None)
    exposed, outcome = ref.victim_to_perpetrator_classes(fam.persons, fam.events, w)
    want, without = ref.strata_2x2(fam.persons, exposed, outcome)
    _check_sorted_nonempty(strata_rows(v.strata))
    assert _strata(strata_rows(v.strata)) == want and without == 0 and v.strata.without_birth_date == 0
    ch = _core.indicators.chains(ds._core, None, None)
    exposed, outcome = ref.chains_continuation_classes(fam.persons, fam.events, w)
    want, without = ref.strata_2x2(fam.persons, exposed, outcome)
    _check_sorted_nonempty(strata_rows(ch.continuation_strata))
    assert _strata(strata_rows(ch.continuation_strata)) == want and without == 0


def test_strata_on_synthetic_population_add_up_and_match_the_reference() -> None:
    ds = fg.synth.generate(3000, 5, progress=False, maltreatment_rate=0.1, partner_violence_rate=0.08)
    t = (ds.persons, ds.partnerships, ds.events, ds.contacts)
    dates = [ref.parse_date(x) for x in ds.events.date]
    w = (min(dates), max(dates))  # type: ignore[type-var]
    v = _core.indicators.victim_to_perpetrator(ds._core, None, None)
    exposed, outcome = ref.victim_to_perpetrator_classes(ds.persons, ds.events, w)
    assert _strata(strata_rows(v.strata)) == ref.strata_2x2(ds.persons, exposed, outcome)[0]
    assert len(v.strata.strata) > 20
    by_sex: dict[str, list[int]] = {}
    for _, sex, _, a, b, c, d in strata_rows(v.strata):
        by_sex.setdefault(sex, [0, 0, 0, 0])
        by_sex[sex] = [x + y for x, y in zip(by_sex[sex], (a, b, c, d), strict=True)]
    for sex, cells in by_sex.items():
        assert tuple(cells) == tuple(abcd(v.by_sex[sex]).values())
    ch = _core.indicators.chains(ds._core, None, None)
    exposed, outcome = ref.chains_continuation_classes(ds.persons, ds.events, w)
    assert _strata(strata_rows(ch.continuation_strata)) == ref.strata_2x2(ds.persons, exposed, outcome)[0]
    rx = _core.indicators.relative_exposure(
        ds._core, None, None, ["parent", "first_cousin"], [("perpetrator", "victim")]
    )
    for cell in rx.cells:
        rel, a, b = cell.relation, cell.roles.relative_role, cell.roles.proband_role
        exposed, outcome = ref2.relative_exposure_classes(*t, w, rel, a, b)
        want, without = ref.strata_2x2(ds.persons, exposed, outcome)
        assert _strata(strata_rows(cell.strata)) == want and cell.strata.without_birth_date == without


@SETTINGS
@given(families())
def test_pairs_equal_brute_force_on_hard_shapes(fam: Family) -> None:
    g = _dataset(fam).graph
    for relation in RELATIONS:
        got = {(int(a), int(b)) for a, b in g.pairs(relation).itertuples(index=False)}
        assert got == fam.ref.pairs(relation), relation
