"""The typed binding boundary (docs/architecture.md §binding-boundary, docs/development.md §stubs).

Results of famgraph._core.stats, the graph, the generator, the indicator counts and the
GIF/FIR/design functions are bound C++ structs: read-only, under their C++ field names, with a
repr; their generated stubs hold no ``Any`` and no bare ``dict``/``list``; the Python adapters
rename once (``observed1`` → ``observed_a``).
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

import famgraph as fg
from famgraph import _core, cell_key, privacy

STUBS = Path(fg.__file__).parent / "_core"


def test_results_are_bound_structs_with_cpp_names() -> None:
    r = _core.stats.logrank(
        np.array([1.0, 2, 3, 4]), np.array([1.0, 1, 0, 1]), np.array([2.0, 3, 5, 6]), np.array([1.0, 1, 0, 1])
    )
    assert isinstance(r, _core.stats.LogRankResult)
    public = fg.stats.logrank([1, 2, 3, 4], [1, 1, 0, 1], [2, 3, 5, 6], [1, 1, 0, 1])
    assert (public["observed_a"], public["observed_b"]) == (r.observed1, r.observed2)
    assert public["expected_a"] == r.expected1 and public["chi2"] == r.chi2
    assert repr(r).startswith("LogRankResult(observed1=")
    with pytest.raises(AttributeError):
        r.observed1 = 5  # type: ignore[misc]


def test_optional_fields_and_nested_structs() -> None:
    t = _core.stats.two_by_two(0, 5, 3, 2)
    assert isinstance(t.table, _core.stats.Table2x2) and (t.table.a, t.table.d) == (0, 2)
    assert t.risk_ratio is not None and t.risk_ratio.value == 0.0 and t.risk_ratio.ci is None
    assert t.or_raw == 0.0
    e = _core.stats.two_by_two(0, 0, 3, 2)
    assert e.risk_exposed is None and e.odds_ratio is None and e.or_raw is None
    km = _core.stats.kaplan_meier(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    assert km.at_risk.dtype == np.uint64 and km.survival.tolist() == [0.5, 0.0]
    assert np.isnan(km.lower[1])  # nullopt in C++ is NaN in a column


def test_graph_summary_and_generator_types() -> None:
    ds = fg.synth.generate(persons=400, seed=3, progress=False)
    s = ds.graph._core.summary()
    assert isinstance(s, _core.DatasetSummary) and s.persons == ds.n_persons
    assert ds.summary()["events_by_role"] == s.events_by_role
    p = _core.synth_parameters()
    assert all(isinstance(x, _core.ParamInfo) for x in p)
    assert fg.synth.parameters().loc["persons", "max"] == next(x.hi for x in p if x.name == "persons")


def _signatures(text: str) -> list[str]:
    text = re.sub(r'"""(.*?)"""', '""', text, flags=re.S)  # docstrings are prose, not types
    return [line for line in text.splitlines() if not line.lstrip().startswith(("#", '"'))]


STUB_FILES = ["__init__.pyi", "stats.pyi", "indicators.pyi", "disclosure.pyi"]


def test_every_stub_file_is_checked() -> None:
    assert sorted(str(f.relative_to(STUBS)) for f in STUBS.rglob("*.pyi")) == sorted(STUB_FILES)


@pytest.mark.parametrize("name", STUB_FILES)
def test_owned_stub_files_have_no_any_and_no_bare_containers(name: str) -> None:
    text = "\n".join(_signatures((STUBS / name).read_text(encoding="utf-8")))
    assert "Any" not in text
    # nor a dict of untyped values (a result that should be a bound struct)
    assert not re.search(r"dict\[str,\s*(builtins\.)?object\]", text)
    assert not re.search(r"(->|:)\s*(dict|list|tuple)\s*[:=,)\n\]|]", text)
    assert not re.search(r"[\[ ](dict|list|tuple)\s*[,\]]", text)  # nor one inside another type


def test_dataset_and_disclosure_stubs_are_precise() -> None:
    top = "\n".join(_signatures((STUBS / "__init__.pyi").read_text(encoding="utf-8")))
    for t in ("persons", "partnerships", "events", "contacts"):
        assert f"def {t}_columns(self) -> dict[str, numpy.ndarray]" in top
    assert "def quarantine(self) -> list[tuple[str, str, str, str, int, str, str, str, str]]" in top
    assert "def warnings(self) -> list[famgraph._errors.DataIssue]" in top
    assert "labels: dict[str, str]" in top
    assert "rejects: dict[str, list[tuple[int, str, str, str, str]]]" in top
    assert "values: list[builtins.object]" in top and ") -> list[str | None]:" in top
    dc = "\n".join(_signatures((STUBS / "disclosure.pyi").read_text(encoding="utf-8")))
    assert "def options(self) -> dict[str, int | float | bool]" in dc
    assert "def __eq__(self, arg0: builtins.object) -> bool" in dc
    assert "def __reduce__(self) -> typing.NoReturn" in dc
    assert "fields_2x2: tuple[str, ...]\n" in dc and "json_names_2x2: tuple[str, ...]\n" in dc
    assert "estimates_2x2: tuple[tuple[str, tuple[str, ...]], ...]\n" in dc


def test_typed_dataset_and_disclosure_values() -> None:
    """What the typed signatures promise is what the core returns."""
    ds = fg.synth.generate(persons=300, seed=5, progress=False)
    for t in ("persons", "partnerships", "events", "contacts"):
        cols = getattr(ds._core, f"{t}_columns")()
        assert cols and all(isinstance(k, str) and isinstance(v, np.ndarray) for k, v in cols.items())
    d = ds._core.persons_columns()
    shown = _core.format_dates(d["birth_day"][:3], d["birth_precision"][:3])
    assert shown == ds.persons["birth_date"][:3].tolist()
    assert all(isinstance(w, fg.DataIssue) for w in ds._core.warnings)
    t = _core.disclosure.make_ptable()
    o = t.options
    assert o == {"max_deviation": 3, "variance": 2.0, "js": 0, "monotone": True}
    assert [type(o[k]) for k in ("max_deviation", "variance", "js", "monotone")] == [int, float, int, bool]
    dc = _core.disclosure
    assert all(isinstance(f, str) for f in dc.fields_2x2 + dc.json_names_2x2)
    assert all(isinstance(n, str) and set(src) <= set(dc.fields_2x2) for n, src in dc.estimates_2x2)


def test_ptable_equality_and_hash_are_as_before() -> None:
    """__eq__ is bound on any object (typed as object.__eq__); it behaves as pybind11's operator did."""
    mk = _core.disclosure.make_ptable
    a, b, c = mk(), mk(), mk(max_deviation=2)
    assert a == b and a != c and not (a == 3) and a != "x"
    assert (a == mock.ANY) and (mock.ANY == a)  # NotImplemented: the other operand decides
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)
    with pytest.raises(TypeError, match="not picklable"):
        a.__reduce__()


def test_typed_functions_of_the_shared_stubs() -> None:
    """The top-level stub mixes typed functions with others' untyped ones: check ours."""
    top = (STUBS / "__init__.pyi").read_text(encoding="utf-8")
    for fn in ("def summary(self) -> DatasetSummary", "def synth_parameters() -> list[ParamInfo]"):
        assert fn in top
    ind = (STUBS / "indicators.pyi").read_text(encoding="utf-8")
    for ret in (
        "GifResult",
        "FirResult",
        "PerpetrationAges",
        "list[CohortDesign]",
        "VerdictResult",
        "MatchedResult",
    ):
        assert f") -> {ret}" in ind, ret
    assert "-> dict[str, typing.Any]" not in ind
    assert "def matched_pathway(self) -> MatchedPathway | None" in ind
    assert "def clr(self) -> famgraph._core.stats.PooledEstimate | None" in ind


def test_the_matched_estimate_is_a_bound_struct() -> None:
    """The matched pathway and the matched estimate cross as the core's structs (matched.hpp),
    nested ones included: no dict on the way (issue 16)."""
    ds = fg.synth.generate(persons=1500, seed=11, progress=False)
    ind = _core.indicators
    mp = ind.victim_to_perpetrator(ds._core, matched=True).matched_pathway
    assert isinstance(mp, ind.MatchedPathway)
    assert isinstance(mp.matched, ind.MatchedEstimate) and isinstance(mp.verdict, ind.VerdictResult)
    assert isinstance(mp.matched.mh, _core.stats.MantelHaenszelResult)
    assert isinstance(mp.follow_up, ind.PathwayFollowUp) and len(mp.follow_up.events) == 2
    assert all(isinstance(c, ind.PathwayCohort) for c in mp.cohorts)
    assert mp.verdict.verdict in ("estimable", "imprecise", "not estimable in this window")
    assert repr(mp).startswith("MatchedPathway(matched=MatchedEstimate(strata=")
    with pytest.raises(AttributeError):
        mp.oldest_age = 3  # type: ignore[misc]
    v = ind.count_verdict(5, "cases")
    assert (v.verdict, v.rule, v.reason) == ("not estimable in this window", 3, "fewer than 10 cases")
    w = ind.verdict(30, 25, 25, 1.5, 2.5)
    assert isinstance(w, ind.VerdictResult) and (w.verdict, w.rule, w.reason) == ("estimable", 0, "")


def test_the_suite_computes_the_matched_pathway_once() -> None:
    """Indicators 1 and 7 of one suite run read one matched pathway (indicators._base.sharing_counts):
    the core function is called once; outside a suite, each call computes its own."""
    ds = fg.synth.generate(persons=1500, seed=11, progress=False)
    real = _core.indicators.victim_to_perpetrator
    with mock.patch.object(_core.indicators, "victim_to_perpetrator", side_effect=real) as spy:
        fg.indicators.suite(ds, include=["victim_to_perpetrator", "adjusted_association"], min_cell=0)
        assert spy.call_count == 1
        fg.indicators.victim_to_perpetrator(ds)
        fg.indicators.adjusted_association(ds)
        assert spy.call_count == 3


def test_indicator_counts_are_bound_structs() -> None:
    ds = fg.synth.generate(persons=1500, seed=11, progress=False)
    ind = _core.indicators
    v = ind.victim_to_perpetrator(ds._core, matched=True)
    assert isinstance(v, ind.VictimToPerpetratorCounts) and isinstance(v.overall, ind.Counts2x2)
    assert repr(v.overall).startswith("Counts2x2(a=")
    assert sum(s.counts.a for s in v.strata.strata) == v.overall.a  # every eligible person has a stratum
    assert v.time.dtype == np.int32 and len(v.time) == len(v.person) == len(v.event)
    assert v.matched_pathway is not None and ind.victim_to_perpetrator(ds._core).matched_pathway is None
    direct = ind.matched(v.strata)
    assert isinstance(direct, ind.MatchedResult) and isinstance(direct.matched, ind.MatchedEstimate)
    assert repr(direct) == repr(
        ind.matched(
            [
                (x.birth_year, x.sex, x.parents_known, x.counts.a, x.counts.b, x.counts.c, x.counts.d)
                for x in v.strata.strata
            ]
        )
    )
    with pytest.raises(AttributeError):
        v.overall.a = 5  # type: ignore[misc]
    rr = ind.recurrence_risk(ds._core)
    assert [r.relation for r in rr.by_relation] == list(ind.DEFAULT_RECURRENCE_RELATIONS)
    x = rr.by_relation[0]
    assert x.lambda_ == pytest.approx(x.K_R / x.K) and x.K == x.cases / x.observed
    es = ind.early_signalling(ds._core)
    assert sorted(es.by_org) == ds.organisations and all(len(v) == 3 for v in es.by_org.values())


def test_the_datasets_graph_is_used_and_checked() -> None:
    ds = fg.synth.generate(persons=1500, seed=11, progress=False)
    other = fg.synth.generate(persons=300, seed=2, progress=False)
    ind = _core.indicators
    own = ind.chains(ds._core)
    given = ind.chains(ds._core, graph=ds.graph._core)
    assert (own.ge1, own.ge2, own.ge3, own.work) == (given.ge1, given.ge2, given.ge3, given.work)
    np.testing.assert_array_equal(own.links[0], given.links[0])
    np.testing.assert_array_equal(
        ind.recurrence_person_counts(ds._core, graph=ds.graph._core).component, ds.graph._core.component()
    )
    with pytest.raises(ValueError, match="graph: the FamilyGraph of another dataset"):
        ind.chains(ds._core, graph=other.graph._core)
    with pytest.raises(ValueError, match="graph: the FamilyGraph of another dataset"):
        ind.feature_table(ds._core, graph=other.graph._core)


def _digest(doc: dict[str, object]) -> str:
    doc = dict(doc)
    doc.pop("famgraph_version")
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def test_suite_json_is_unchanged_by_the_typed_boundary() -> None:
    """The JSON of the whole suite, pinned when the indicator counts still crossed as dicts (byte
    for byte the same after the change to bound structs). A change of any published number, or of
    the JSON layout, changes it: update the pins only for a deliberate change of the outputs."""
    ds = fg.synth.generate(persons=1500, seed=11, progress=False)
    doc = fg.indicators.to_json(fg.indicators.suite(ds, n_boot=20, n_sim=9, seed=3, min_cell=0), dataset=ds)
    assert _digest(doc) == "135cc404ab4102033c954fafd3451ef0122ef04bbcd946562169a2fe2ed47fed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test secret is short
        ck = cell_key.CellKey(privacy.Key(b"boundary pin secret, 32 bytes!!!"), scope="records")
    res = fg.indicators.suite(ds, n_boot=20, n_sim=9, seed=3, disclosure="cell_key", cell_key=ck)
    assert (
        _digest(fg.indicators.to_json(res))
        == "552343dbd2110ab5e86140addf624d47900608e0e632d5748c0f214e023733cb"
    )
