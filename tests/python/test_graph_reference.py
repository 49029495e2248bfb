"""Property tests: famgraph's family graph against the naive pure-Python oracle.

Random valid pedigrees (10–80 persons, 3–5 generations) are built by a hypothesis strategy with
single parents, unknown fathers (and mothers), persons of sex U acting as mother of one child and
father of another, re-partnering (half-siblings), matings between relatives (sibs, half-sibs,
cousins, uncle × niece, parent × child) so that inbreeding loops occur, and partnerships rows
with and without children. Every graph answer is compared with ``reference.pedigree.Pedigree``,
which is written straight from docs/spec/data_contract.md §family-graph and
docs/spec/common_rules.md §relations; kinship is compared with the
exact ``fractions.Fraction`` recursion.

The runs are derandomised (fixed seed derived from the test) and use no example database, so CI
sees the same examples every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import famgraph as fg
from reference.pedigree import RELATIONS as REF_RELATIONS
from reference.pedigree import SYMMETRIC, Pedigree

TOL = 1e-12

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------------------------------------
# strategy
# ---------------------------------------------------------------------------------------------
@dataclass
class Person:
    sex: str
    year: int
    layer: int
    mother: int | None = None
    father: int | None = None


@dataclass
class Case:
    persons: pd.DataFrame
    partnerships: pd.DataFrame | None
    ref: Pedigree
    seed: int

    def __repr__(self) -> str:  # shown by hypothesis on failure: enough to rebuild the case
        parts = "None" if self.partnerships is None else self.partnerships.to_dict("list")
        return f"Case(persons={self.persons.to_dict('list')!r},\n     partnerships={parts!r})"


def _may_mother(sex: str) -> bool:
    return sex in ("F", "U")


def _may_father(sex: str) -> bool:
    return sex in ("M", "U")


def _compatible(a: str, b: str) -> bool:
    """Can persons of sexes a and b be the mother and father of a child (in some order)?"""
    return (_may_mother(a) and _may_father(b)) or (_may_father(a) and _may_mother(b))


def _internal_pedigree(people: list[Person]) -> Pedigree:
    idx = range(len(people))
    return Pedigree({i: people[i].mother for i in idx}, {i: people[i].father for i in idx})


@st.composite
def pedigrees(draw: st.DrawFn, min_persons: int = 10, max_persons: int = 80) -> Case:
    n_layers = draw(st.integers(3, 5), label="layers")
    people: list[Person] = []
    couples: list[tuple[int, int]] = []  # (person_a, person_b) rows of the partnerships table
    sexes = st.sampled_from(["F", "M", "F", "M", "U"])

    def add(sex: str, year: int, layer: int, mother: int | None = None, father: int | None = None) -> int:
        people.append(Person(sex, year, layer, mother, father))
        return len(people) - 1

    for _ in range(draw(st.integers(2, 10), label="founders")):
        add(draw(sexes), 1900 + draw(st.integers(0, 12)), 0)

    for layer in range(1, n_layers):
        previous = [i for i, p in enumerate(people) if p.layer == layer - 1]
        born_in = [i for i in previous if people[i].mother is not None or people[i].father is not None]
        for k in range(draw(st.integers(1, 8), label="couples")):
            if len(people) >= max_persons:
                break
            # the first couple of a layer descends from the last one and has a child, so the
            # pedigree really spans n_layers generations
            a = draw(st.sampled_from(born_in if k == 0 and born_in else previous))
            pa = people[a]
            kind = draw(st.sampled_from(["new", "none", "existing", "relative", "relative", "repartner"]))
            b: int | None = None
            if kind == "existing":
                pool = [
                    i
                    for i, p in enumerate(people)
                    if i != a
                    and p.layer >= layer - 2
                    and abs(p.year - pa.year) <= 20
                    and _compatible(pa.sex, p.sex)
                ]
                b = draw(st.sampled_from(pool)) if pool else None
            elif kind == "relative":
                ref = _internal_pedigree(people)
                rel = draw(
                    st.sampled_from(
                        ["first_cousin", "half_sibling", "full_sibling", "aunt_uncle", "niece_nephew"]
                    )
                )
                pool = sorted(
                    i
                    for i in ref.relatives(a, rel)
                    if abs(people[i].year - pa.year) <= 25 and _compatible(pa.sex, people[i].sex)
                )
                b = draw(st.sampled_from(pool)) if pool else None
            elif kind == "repartner":
                # a second partner for someone who already has children: half-siblings
                pool = sorted({x for c in couples for x in c if abs(people[x].year - pa.year) <= 20})
                pool = [i for i in pool if i != a and _compatible(pa.sex, people[i].sex)]
                b = draw(st.sampled_from(pool)) if pool else None
            if b is None and kind != "none":
                # a partner who marries into the family
                sex = draw(st.sampled_from([s for s in ("F", "M", "U") if _compatible(pa.sex, s)]))
                b = add(sex, pa.year + draw(st.integers(-8, 8)), layer - 1)

            # roles: the column decides, so a person of sex U may be a mother here, a father there
            if b is None:
                if pa.sex == "U":
                    as_mother = draw(st.booleans(), label="U role")
                else:
                    as_mother = pa.sex == "F"
                mother, father = (a, None) if as_mother else (None, a)
            else:
                pb = people[b]
                options = []
                if _may_mother(pa.sex) and _may_father(pb.sex):
                    options.append((a, b))
                if _may_father(pa.sex) and _may_mother(pb.sex):
                    options.append((b, a))
                mother, father = draw(st.sampled_from(options))

            parents = [q for q in (mother, father) if q is not None]
            oldest_ok = max(people[q].year for q in parents) + 13  # ≥ 12 years whatever the day
            n_children = draw(st.integers(1 if k == 0 else 0, 4), label="children")
            for _ in range(n_children):
                if len(people) >= max_persons:
                    break
                add(draw(sexes), oldest_ok + draw(st.integers(0, 25)), layer, mother, father)
            if b is not None:
                if n_children == 0 or draw(st.booleans(), label="record partnership"):
                    row = (a, b) if draw(st.booleans(), label="column order") else (b, a)
                    couples.append(row)
                    if draw(st.integers(0, 9), label="duplicate") == 0:
                        couples.append(row[::-1])

    # some partnerships between arbitrary persons (no children, no sex rule)
    for _ in range(draw(st.integers(0, 3), label="extra partnerships")):
        a, b = draw(st.lists(st.integers(0, len(people) - 1), min_size=2, max_size=2, unique=True))
        couples.append((a, b))

    while len(people) < min_persons:  # isolated founders: singleton components
        add(draw(sexes), 1900 + draw(st.integers(0, 100)), 0)

    n = len(people)
    ids = draw(
        st.lists(
            st.one_of(st.integers(1, 999), st.integers(-(2**62), 2**62)), min_size=n, max_size=n, unique=True
        ),
        label="person ids",
    )
    order = draw(st.permutations(range(n)), label="row order")

    def birth(p: Person) -> str | None:
        fmt = draw(st.sampled_from(["day", "day", "day", "month", "year", "none"]), label="date format")
        if fmt == "none":
            return None
        if fmt == "year":
            return f"{p.year:04d}"
        month = draw(st.integers(1, 12))
        if fmt == "month":
            return f"{p.year:04d}-{month:02d}"
        return f"{p.year:04d}-{month:02d}-{draw(st.integers(1, 28)):02d}"

    def ext(i: int | None) -> int | None:
        return None if i is None else ids[i]

    id_repr = draw(st.sampled_from(["Int64", "object"]), label="id column dtype")

    def id_column(values: list[int | None]) -> pd.Series:
        if id_repr == "Int64":
            return pd.Series(pd.array(values, dtype="Int64"))
        return pd.Series(values, dtype=object)

    persons = pd.DataFrame(
        {
            "person_id": np.array([ids[i] for i in order], dtype=np.int64),
            "sex": [people[i].sex for i in order],
            "birth_date": [birth(people[i]) for i in order],
            "exit_date": [None] * n,
            "mother_id": id_column([ext(people[i].mother) for i in order]),
            "father_id": id_column([ext(people[i].father) for i in order]),
        }
    )
    partnerships = None
    if couples:
        starts = [max(people[a].year, people[b].year) + 18 for a, b in couples]
        partnerships = pd.DataFrame(
            {
                "person_a": np.array([ids[a] for a, _ in couples], dtype=np.int64),
                "person_b": np.array([ids[b] for _, b in couples], dtype=np.int64),
                "start_date": [f"{y:04d}" for y in starts],
                "end_date": [None] * len(couples),
            }
        )

    ref = Pedigree(
        {ids[i]: ext(p.mother) for i, p in enumerate(people)},
        {ids[i]: ext(p.father) for i, p in enumerate(people)},
        [(ids[a], ids[b]) for a, b in couples],
    )
    return Case(persons, partnerships, ref, draw(st.integers(0, 2**32 - 1), label="seed"))


def _load(case: Case) -> fg.FamilyGraph:
    ds = fg.Dataset.from_pandas(case.persons, case.partnerships)
    assert ds.n_persons == len(case.ref.persons)
    return ds.graph


def _ids(arr: np.ndarray) -> list[int]:
    return [int(v) for v in arr]


# ---------------------------------------------------------------------------------------------
# the strategy itself produces what it promises (so the properties below are not vacuous)
# ---------------------------------------------------------------------------------------------
def test_strategy_covers_the_interesting_shapes() -> None:
    seen = {
        "single_parent": 0,
        "unknown_mother": 0,
        "half_sib": 0,
        "inbred": 0,
        "u_both_roles": 0,
        "childless_partnership": 0,
        "depth3": 0,
    }

    @settings(SETTINGS, max_examples=60)
    @given(pedigrees())
    def collect(case: Case) -> None:
        ref = case.ref
        moms = {ref.mother[p] for p in ref.persons} - {None}
        dads = {ref.father[p] for p in ref.persons} - {None}
        seen["single_parent"] += any(len(ref.parents(p)) == 1 for p in ref.persons)
        seen["unknown_mother"] += any(
            ref.mother[p] is None and ref.father[p] is not None for p in ref.persons
        )
        seen["half_sib"] += any(ref.relatives(p, "half_sibling") for p in ref.persons)
        seen["inbred"] += any(ref.inbreeding(p) > 0 for p in ref.persons)
        seen["u_both_roles"] += bool(moms & dads)
        seen["childless_partnership"] += any(
            not (ref.children(a) & ref.children(b)) for a, b in ref.partnerships
        )
        seen["depth3"] += max(ref.generation(p) for p in ref.persons) >= 3
        assert 10 <= len(ref.persons) <= 90

    collect()
    assert all(v > 0 for v in seen.values()), seen


# ---------------------------------------------------------------------------------------------
# relations
# ---------------------------------------------------------------------------------------------
def test_relation_names_are_the_documented_ones() -> None:
    assert set(fg.RELATIONS) == set(REF_RELATIONS)
    assert len(fg.RELATIONS) == len(REF_RELATIONS)


@SETTINGS
@given(pedigrees())
def test_relatives_of_every_person_match_reference(case: Case) -> None:
    g = _load(case)
    for relation in REF_RELATIONS:
        for p in case.ref.persons:
            got = _ids(g.relatives(p, relation))
            want = sorted(case.ref.relatives(p, relation))
            assert got == want, f"{relation} of {p}: got {got}, want {want}"


@SETTINGS
@given(pedigrees())
def test_pairs_match_reference(case: Case) -> None:
    g = _load(case)
    for relation in REF_RELATIONS:
        df = g.pairs(relation)
        assert list(df.columns) == ["person_id", "relative_id"]
        got = list(zip(_ids(df["person_id"].to_numpy()), _ids(df["relative_id"].to_numpy()), strict=True))
        assert len(got) == len(set(got)), f"{relation}: duplicate pair rows"
        if relation in SYMMETRIC:
            assert all(a < b for a, b in got), f"{relation}: symmetric pairs need person_id < relative_id"
        assert set(got) == case.ref.pairs(relation), relation


# ---------------------------------------------------------------------------------------------
# structure
# ---------------------------------------------------------------------------------------------
@SETTINGS
@given(pedigrees())
def test_generation_components_and_order_match_reference(case: Case) -> None:
    g = _load(case)
    ref = case.ref

    gen = g.generation()
    assert sorted(_ids(gen.index.to_numpy())) == ref.persons
    assert {int(k): int(v) for k, v in gen.items()} == {p: ref.generation(p) for p in ref.persons}

    comp = g.component()
    assert sorted(_ids(comp.index.to_numpy())) == ref.persons
    blocks: dict[int, set[int]] = {}
    for pid, c in comp.items():
        blocks.setdefault(int(c), set()).add(int(pid))
    assert {frozenset(b) for b in blocks.values()} == ref.components()
    assert g.n_components == len(ref.components())
    # documented numbering: 0.. in order of each component's lowest person_id
    lowest_first = sorted(blocks.items(), key=lambda kv: min(kv[1]))
    assert [k for k, _ in lowest_first] == list(range(len(blocks)))

    order = _ids(g.topological_order())
    assert sorted(order) == ref.persons, "topological order must be a permutation of all persons"
    position = {p: k for k, p in enumerate(order)}
    for c in ref.persons:
        for q in ref.parents(c):
            assert position[q] < position[c], f"parent {q} after child {c}"
    # documented tie-break: by generation, then person_id
    assert order == sorted(ref.persons, key=lambda p: (ref.generation(p), p))


@SETTINGS
@given(pedigrees())
def test_ancestors_and_descendants_match_reference(case: Case) -> None:
    g = _load(case)
    ref = case.ref
    for p in ref.persons:
        for depth in (1, 2, None):
            assert _ids(g.ancestors(p, depth)) == sorted(ref.ancestors(p, depth)), (p, depth)
            assert _ids(g.descendants(p, depth)) == sorted(ref.descendants(p, depth)), (p, depth)
        assert _ids(g.ancestors(p)) == sorted(ref.ancestors(p))
        assert _ids(g.descendants(p)) == sorted(ref.descendants(p))


# ---------------------------------------------------------------------------------------------
# kinship
# ---------------------------------------------------------------------------------------------
def _pairs_to_check(case: Case) -> list[tuple[int, int]]:
    persons = case.ref.persons
    every = [(a, b) for k, a in enumerate(persons) for b in persons[k:]]
    if len(every) <= 1200:
        return every
    rng = random.Random(case.seed)
    sample = rng.sample(every, 600)
    return sample + [(p, p) for p in persons]  # every self-pair, too


@SETTINGS
@given(pedigrees())
def test_inbreeding_and_kinship_match_exact_recursion(case: Case) -> None:
    g = _load(case)
    ref = case.ref

    f = g.inbreeding()
    assert sorted(_ids(f.index.to_numpy())) == ref.persons
    for pid, value in f.items():
        assert abs(value - float(ref.inbreeding(int(pid)))) < TOL, f"F({pid})"

    pairs = _pairs_to_check(case)
    single = {}
    g = _load(case)  # a fresh graph: kinship() before anything else has been computed
    for a, b in pairs:
        want = ref.kinship(a, b)
        got_ab, got_ba = g.kinship(a, b), g.kinship(b, a)
        assert abs(got_ab - float(want)) < TOL, f"phi({a},{b}) = {got_ab}, want {want}"
        assert got_ab == got_ba, f"phi not symmetric for ({a},{b})"
        single[(a, b)] = got_ab
    for p in ref.persons:
        assert abs(g.kinship(p, p) - float(Fraction(1, 2) * (1 + ref.inbreeding(p)))) < TOL

    # bulk API: aligned with the input rows (shuffled, with a non-default index), equal to kinship()
    rng = random.Random(case.seed)
    rng.shuffle(pairs)
    df = pd.DataFrame(
        {"x": [a for a, _ in pairs], "y": [b for _, b in pairs]},
        index=pd.Index(range(1000, 1000 + len(pairs))),
    )
    bulk = g.kinship_pairs(df)
    assert bulk.name == "kinship"
    assert list(bulk.index) == list(df.index)
    for (a, b), value in zip(pairs, bulk.to_numpy(), strict=True):
        assert abs(value - float(ref.kinship(a, b))) < TOL, (a, b)
        assert abs(value - single[(a, b)]) < TOL, (a, b)
    two_arrays = g.kinship_pairs(df["y"].to_numpy(), df["x"].to_numpy())
    np.testing.assert_allclose(two_arrays.to_numpy(), bulk.to_numpy(), rtol=0, atol=TOL)


@SETTINGS
@given(pedigrees(), st.data())
def test_relationship_times_is_two_phi_x(case: Case, data: st.DataObject) -> None:
    g = _load(case)
    ref = case.ref
    # x on a random subset of persons, in random order; persons left out count as 0
    n = len(ref.persons)
    chosen = data.draw(st.lists(st.sampled_from(ref.persons), unique=True, max_size=n), label="x support")
    k = len(chosen)
    values = data.draw(st.lists(st.integers(-4, 4), min_size=k, max_size=k), label="x values")
    x = pd.Series(values, index=chosen, dtype=np.float64)
    want = ref.relationship_times(dict(zip(chosen, values, strict=True)))
    got = g.relationship_times(x)
    assert sorted(_ids(got.index.to_numpy())) == ref.persons
    for pid, value in got.items():
        w = want[int(pid)]
        assert abs(value - float(w)) < 1e-10 * max(1.0, abs(float(w))), f"(A x)[{pid}] = {value}, want {w}"

    # the array form (person_id order) gives the same
    dense = x.reindex(sorted(ref.persons), fill_value=0.0).to_numpy()
    np.testing.assert_allclose(g.relationship_times(dense).to_numpy(), got.to_numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("relation", ["cousin", "sibling", ""])
def test_unknown_relation_is_rejected(relation: str) -> None:
    persons = pd.DataFrame(
        {
            "person_id": [1],
            "sex": ["F"],
            "birth_date": ["1950"],
            "exit_date": [None],
            "mother_id": [None],
            "father_id": [None],
        }
    )
    g = fg.Dataset.from_pandas(persons).graph
    with pytest.raises(ValueError):
        g.relatives(1, relation)
    with pytest.raises(ValueError):
        g.pairs(relation)


# ---------------------------------------------------------------------------------------------
# missing_parents="add": parents absent from persons become founders; the graph is unchanged
# ---------------------------------------------------------------------------------------------
@settings(SETTINGS, max_examples=25)
@given(pedigrees(), st.data())
def test_added_founders_give_the_same_graph(case: Case, data: st.DataObject) -> None:
    ref = case.ref
    in_partnerships = {x for pair in ref.partnerships for x in pair}
    droppable = sorted(
        p for p in ref.persons if not ref.parents(p) and ref.children(p) and p not in in_partnerships
    )
    dropped = set(
        data.draw(st.lists(st.sampled_from(droppable), unique=True, min_size=1), label="dropped")
        if droppable
        else []
    )
    persons = case.persons[~case.persons["person_id"].isin(dropped)].reset_index(drop=True)
    if dropped:
        with pytest.raises(fg.DataError):
            fg.Dataset.from_pandas(persons, case.partnerships)
    ds = fg.Dataset.from_pandas(persons, case.partnerships, missing_parents="add")
    assert ds.n_persons == len(ref.persons)
    added = ds.persons.set_index("person_id").loc[sorted(dropped)]
    assert (added["sex"] == "U").all()
    assert added["birth_date"].isna().all()
    g = ds.graph
    for relation in REF_RELATIONS:
        for p in ref.persons:
            assert _ids(g.relatives(p, relation)) == sorted(ref.relatives(p, relation)), (relation, p)
    assert {int(k): int(v) for k, v in g.generation().items()} == {p: ref.generation(p) for p in ref.persons}
    for pid, value in g.inbreeding().items():
        assert abs(value - float(ref.inbreeding(int(pid)))) < TOL
    rng = random.Random(case.seed)
    for a, b in rng.sample(_pairs_to_check(case), min(200, len(_pairs_to_check(case)))):
        assert abs(g.kinship(a, b) - float(ref.kinship(a, b))) < TOL, (a, b)


# ---------------------------------------------------------------------------------------------
# hand-written corner cases of docs/spec/common_rules.md §relations (expected sets written out, not computed)
# ---------------------------------------------------------------------------------------------
def _graph(rows: list[tuple[int, str, int | None, int | None]], partnerships=()) -> fg.FamilyGraph:
    """rows: (person_id, sex, mother_id, father_id); birth years from the depth in the table order."""
    years: dict[int, int] = {}
    for pid, _, m, f in rows:
        years[pid] = 1900 + 20 * max([0] + [(years[q] - 1900) // 20 + 1 for q in (m, f) if q is not None])
    persons = pd.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "sex": [r[1] for r in rows],
            "birth_date": [f"{years[r[0]]}-01-01" for r in rows],
            "exit_date": [None] * len(rows),
            "mother_id": pd.array([r[2] for r in rows], dtype="Int64"),
            "father_id": pd.array([r[3] for r in rows], dtype="Int64"),
        }
    )
    parts = None
    if partnerships:
        parts = pd.DataFrame(
            {
                "person_a": [a for a, _ in partnerships],
                "person_b": [b for _, b in partnerships],
                "start_date": [None] * len(partnerships),
                "end_date": [None] * len(partnerships),
            }
        )
    return fg.Dataset.from_pandas(persons, parts).graph


def test_full_siblings_compare_parents_as_sets_not_roles() -> None:
    # 1 and 2 (both sex U) are mother and father of 3 and, the other way round, of 4
    g = _graph([(1, "U", None, None), (2, "U", None, None), (3, "F", 1, 2), (4, "M", 2, 1)])
    assert _ids(g.relatives(3, "full_sibling")) == [4]
    assert _ids(g.relatives(3, "half_sibling")) == []
    assert _ids(g.relatives(1, "partner")) == [2]
    assert sorted(g.pairs("partner").values.tolist()) == [[1, 2]]
    assert abs(g.kinship(3, 4) - 0.25) < TOL


def test_half_siblings_with_unknown_parents_and_swapped_roles() -> None:
    g = _graph(
        [
            (1, "U", None, None),
            (2, "M", None, None),
            (5, "F", None, None),
            (3, "F", 1, 2),  # 1 as mother, 2 as father
            (4, "M", 5, 1),  # 1 as father
            (6, "F", 1, None),  # 1 alone, father unknown
            (7, "F", None, 2),  # 2 alone, mother unknown
            (8, "M", None, 1),
        ]  # 1 alone as father
    )
    assert _ids(g.relatives(3, "half_sibling")) == [4, 6, 7, 8]
    assert _ids(g.relatives(6, "half_sibling")) == [3, 4, 8]
    assert _ids(g.relatives(7, "half_sibling")) == [3]
    assert _ids(g.relatives(6, "full_sibling")) == []  # both parents must be known for both
    assert _ids(g.relatives(8, "full_sibling")) == []
    # the mother and father of a common child are partners; a single parent has none
    assert _ids(g.relatives(1, "partner")) == [2, 5]
    assert sorted(g.pairs("half_sibling").values.tolist()) == [
        [3, 4],
        [3, 6],
        [3, 7],
        [3, 8],
        [4, 6],
        [4, 8],
        [6, 8],
    ]


def test_half_cousins_are_not_first_cousins_but_half_aunts_are_aunts() -> None:
    g = _graph(
        [
            (1, "F", None, None),
            (2, "M", None, None),
            (9, "F", None, None),
            (3, "F", 1, 2),
            (4, "M", 9, 2),  # half sibs (common father 2)
            (5, "F", 1, 2),  # full sib of 3
            (6, "F", 3, None),
            (7, "M", None, 4),
            (8, "F", 5, None),
        ]
    )
    assert _ids(g.relatives(6, "first_cousin")) == [8]  # 7 is a half cousin only
    assert _ids(g.relatives(6, "aunt_uncle")) == [4, 5]  # half and full siblings of the mother
    assert _ids(g.relatives(4, "niece_nephew")) == [6, 8]
    assert _ids(g.relatives(7, "aunt_uncle")) == [3, 5]
    assert _ids(g.relatives(6, "grandparent")) == [1, 2]
    assert _ids(g.relatives(2, "grandchild")) == [6, 7, 8]


def test_partner_from_the_table_in_either_order_once_and_never_self() -> None:
    g = _graph(
        [(1, "F", None, None), (2, "M", None, None), (3, "U", None, None), (4, "F", 1, 2)],
        partnerships=[(2, 1), (1, 2), (1, 3), (3, 1)],
    )
    assert _ids(g.relatives(1, "partner")) == [2, 3]
    assert _ids(g.relatives(3, "partner")) == [1]
    assert sorted(g.pairs("partner").values.tolist()) == [[1, 2], [1, 3]]


def test_relatives_exclude_self_in_a_parent_child_mating() -> None:
    # 4 is the child of 3 and 3's father 2: 4 is a half sibling of its own mother
    g = _graph([(1, "F", None, None), (2, "M", None, None), (3, "F", 1, 2), (4, "M", 3, 2)])
    assert _ids(g.relatives(4, "half_sibling")) == [3]
    assert _ids(g.relatives(4, "aunt_uncle")) == []  # 4 itself is the only sibling of its mother
    assert _ids(g.relatives(4, "grandparent")) == [1, 2]
    assert _ids(g.relatives(2, "partner")) == [1, 3]
    assert _ids(g.relatives(3, "niece_nephew")) == []  # child of half sib 4? 4 has none
    assert _ids(g.relatives(2, "grandchild")) == [4]
    assert abs(g.inbreeding()[4] - 0.25) < TOL


def test_unknown_person_id_is_a_key_error() -> None:
    g = _graph([(1, "F", None, None)])
    for call in (
        lambda: g.relatives(2, "parent"),
        lambda: g.ancestors(2),
        lambda: g.kinship(1, 2),
        lambda: g.kinship_pairs(pd.DataFrame({"a": [1], "b": [2]})),
    ):
        with pytest.raises(KeyError):
            call()


# ---------------------------------------------------------------------------------------------
# a larger pedigree (parallel / per-component code paths) against the dense tabular method
# ---------------------------------------------------------------------------------------------
def _big_pedigree(seed: int, n_generations: int = 9, per_generation: int = 350):
    """A random multi-generation population with single parents, re-partnering and cousin matings."""
    rng = random.Random(seed)
    rows: list[tuple[int, str, int, int | None, int | None]] = []  # id, sex, year, mother, father
    ids = rng.sample(range(-(10**12), 10**12), n_generations * per_generation * 2)
    it = iter(ids)
    layer = [
        (next(it), rng.choice("FFMMU"), 1800 + rng.randrange(10), None, None) for _ in range(per_generation)
    ]
    rows += layer
    for gen in range(1, n_generations):
        moms = [r for r in layer if r[1] in "FU"]
        dads = [r for r in layer if r[1] in "MU"]
        new = []
        while len(new) < per_generation:
            m = rng.choice(moms) if rng.random() > 0.03 else None
            f = rng.choice(dads) if rng.random() > 0.08 else None
            if m is not None and f is not None and m[0] == f[0]:
                continue
            if m is None and f is None:
                new.append((next(it), rng.choice("FFMMU"), 1800 + 25 * gen + rng.randrange(10), None, None))
                continue
            year = max(p[2] for p in (m, f) if p is not None) + 13 + rng.randrange(15)
            for _ in range(rng.choice([1, 1, 2, 3])):
                new.append(
                    (
                        next(it),
                        rng.choice("FFMMU"),
                        year + rng.randrange(5),
                        None if m is None else m[0],
                        None if f is None else f[0],
                    )
                )
        layer = new
        rows += layer
    return rows


def _tabular_relationship_matrix(order: list[int], mother: dict, father: dict) -> np.ndarray:
    """A = 2Φ by the tabular method (Emik & Terrill 1949) over a parents-first order."""
    pos = {p: k for k, p in enumerate(order)}
    n = len(order)
    a = np.zeros((n, n))
    for k, p in enumerate(order):
        m, f = pos.get(mother[p]), pos.get(father[p])
        row = np.zeros(k)
        if m is not None:
            row += 0.5 * a[m, :k]
        if f is not None:
            row += 0.5 * a[f, :k]
        a[k, :k] = row
        a[:k, k] = row
        a[k, k] = 1.0 + (0.5 * a[m, f] if m is not None and f is not None else 0.0)
    return a


def test_large_pedigree_against_tabular_method() -> None:
    rows = _big_pedigree(seed=20240501)
    persons = pd.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "sex": [r[1] for r in rows],
            "birth_date": [f"{r[2]}-03-01" for r in rows],
            "exit_date": [None] * len(rows),
            "mother_id": pd.array([r[3] for r in rows], dtype="Int64"),
            "father_id": pd.array([r[4] for r in rows], dtype="Int64"),
        }
    )
    g = fg.Dataset.from_pandas(persons).graph
    mother = {r[0]: r[3] for r in rows}
    father = {r[0]: r[4] for r in rows}
    order = [r[0] for r in rows]  # generated parents first
    a = _tabular_relationship_matrix(order, mother, father)
    pos = {p: k for k, p in enumerate(order)}

    # the oracle itself agrees with the exact recursion on a sample
    ref = Pedigree(mother, father)
    rng = random.Random(7)
    sample = [(rng.choice(order), rng.choice(order)) for _ in range(300)]
    for x, y in sample[:100]:
        assert abs(a[pos[x], pos[y]] / 2 - float(ref.kinship(x, y))) < TOL

    f = g.inbreeding()
    want_f = pd.Series({p: a[pos[p], pos[p]] - 1.0 for p in order}).reindex(f.index)
    assert (want_f > 0).sum() > 50, "the test pedigree should be inbred"
    np.testing.assert_allclose(f.to_numpy(), want_f.to_numpy(), rtol=0, atol=TOL)

    # many pairs at once: every child-parent pair and 60,000 random pairs (parallel path)
    pairs = [(p, q) for p in order for q in (mother[p], father[p]) if q is not None]
    pairs += [(rng.choice(order), rng.choice(order)) for _ in range(60_000)]
    firsts, seconds = [p for p, _ in pairs], [q for _, q in pairs]
    bulk = g.kinship_pairs(np.array(firsts), np.array(seconds)).to_numpy()
    want = a[[pos[p] for p in firsts], [pos[q] for q in seconds]] / 2
    np.testing.assert_allclose(bulk, want, rtol=0, atol=TOL)
    for x, y in sample:
        assert abs(g.kinship(x, y) - a[pos[x], pos[y]] / 2) < TOL

    xs = pd.Series(np.random.default_rng(3).normal(size=len(order)), index=order)
    got = g.relationship_times(xs).reindex(order).to_numpy()
    np.testing.assert_allclose(got, a @ xs.to_numpy(), rtol=1e-10, atol=1e-9)
    # relatives, generation and ancestry of a sample of persons, against the reference
    gen = g.generation()
    for p in rng.sample(order, 60):
        assert gen[p] == ref.generation(p)
        for relation in REF_RELATIONS:
            assert _ids(g.relatives(p, relation)) == sorted(ref.relatives(p, relation)), (relation, p)
        for depth in (2, None):
            assert _ids(g.ancestors(p, depth)) == sorted(ref.ancestors(p, depth)), (p, depth)
            assert _ids(g.descendants(p, depth)) == sorted(ref.descendants(p, depth)), (p, depth)
