"""The typed binding boundary (docs/architecture.md §binding-boundary, docs/development.md §stubs).

Results of famgraph._core.stats, the graph, the generator and the GIF/FIR/design functions are
bound C++ structs: read-only, under their C++ field names, with a repr; their generated stubs hold
no ``Any`` and no bare ``dict``/``list``; the Python adapters rename once (``observed1`` →
``observed_a``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import famgraph as fg
from famgraph import _core

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
    return [line for line in text.splitlines() if not line.lstrip().startswith(("#", '"'))]


@pytest.mark.parametrize("name", ["stats.pyi"])
def test_owned_stub_files_have_no_any_and_no_bare_containers(name: str) -> None:
    text = "\n".join(_signatures((STUBS / name).read_text(encoding="utf-8")))
    assert "Any" not in text
    assert not re.search(r"(->|:)\s*(dict|list|tuple)\s*[:=,)\n]", text)


def test_typed_functions_of_the_shared_stubs() -> None:
    """The top-level and indicators stubs mix typed functions with others' untyped ones: check ours."""
    top = (STUBS / "__init__.pyi").read_text(encoding="utf-8")
    for fn in ("def summary(self) -> DatasetSummary", "def synth_parameters() -> list[ParamInfo]"):
        assert fn in top
    ind = (STUBS / "indicators.pyi").read_text(encoding="utf-8")
    for ret in ("GifResult", "FirResult", "PerpetrationAges", "list[CohortDesign]", "dict[str, str | int]"):
        assert f") -> {ret}" in ind, ret
    assert "-> dict[str, typing.Any]" not in ind
