"""The indicator registry (famgraph.indicators.registry) is the one list every consumer loops over."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import famgraph as fg
from famgraph.indicators import registry

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "python" / "famgraph"


def test_names_and_order_follow_the_spec() -> None:
    spec = (ROOT / "docs" / "spec" / "indicators.md").read_text(encoding="utf-8")
    headings = [h for h in re.findall(r"^## (\w+)$", spec, flags=re.M) if h != "feature_table"]
    assert registry.names() == tuple(headings)
    assert fg.indicators.NAMES == registry.names()
    for e in registry.REGISTRY:
        assert e.spec == f"docs/spec/indicators.md §{e.name}"


@pytest.mark.parametrize("entry", registry.REGISTRY, ids=lambda e: e.name)
def test_every_function_resolves_and_takes_the_declared_options(entry: registry.Indicator) -> None:
    compute = entry.function("compute")
    assert callable(compute) and compute.__name__ == entry.name
    params = inspect.signature(compute).parameters
    for option in registry.OPTIONS:
        assert (option in params) == (option in entry.options), (entry.name, option)
    assert "disclosure" in params or not entry.cell_key
    for role in ("plot", "reading", "sweep"):
        fn = entry.function(role)
        assert (fn is None) == (not getattr(entry, role)), (entry.name, role)
        assert fn is None or callable(fn)


def test_consumers_are_built_from_the_registry() -> None:
    from famgraph import distributed
    from famgraph.plot import indicators as plots
    from famgraph.report import _reading

    assert fg.indicators.CELL_KEY_INDICATORS == tuple(e.name for e in registry.REGISTRY if e.cell_key)
    assert list(plots.PLOTS) == [e.name for e in registry.REGISTRY if e.plot]
    assert list(_reading._READINGS) == [e.name for e in registry.REGISTRY if e.reading]
    assert dict(distributed.INDICATORS) == {e.name: e.sweep_columns for e in registry.REGISTRY if e.sweep}
    assert set(distributed.DEFAULT_INDICATORS) <= set(distributed.INDICATORS)


def _dispatch_literals(tree: ast.AST, names: set[str]) -> list[int]:
    """Lines of dict literals mapping three or more indicator names to functions (a second registry)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keyed = [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value in names
            ]
            if len(keyed) >= 3 and all(isinstance(v, ast.Name | ast.Attribute | ast.Lambda) for v in keyed):
                lines.append(node.lineno)
        if isinstance(node, ast.Tuple | ast.List):
            listed = [e for e in node.elts if isinstance(e, ast.Constant) and e.value in names]
            if len(listed) >= 3 and len(listed) == len(node.elts):
                lines.append(node.lineno)
    return lines


def test_no_module_keeps_its_own_list_of_indicators() -> None:
    """Adding an indicator touches one registry entry: no other module lists the indicators.

    Per-indicator texts (translations, table layouts) are keyed by name and are not lists of
    indicators; the benchmark peers are an independent implementation and keep their own list.
    """
    names = set(registry.names())
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "indicators/registry.py" or rel.startswith("bench/"):
            continue
        lines = _dispatch_literals(ast.parse(path.read_text(encoding="utf-8")), names)
        if lines:
            found[rel] = lines
    assert not found, f"lists of indicators outside the registry: {found}"


def test_the_detector_finds_a_second_list() -> None:
    names = set(registry.names())
    assert _dispatch_literals(ast.parse('X = ("chains", "gif", "fir")'), names) == [1]
    assert _dispatch_literals(ast.parse('X = {"chains": f, "gif": g, "fir": h}'), names) == [1]
    assert _dispatch_literals(ast.parse('X = {"chains": "text", "gif": "t", "fir": "t"}'), names) == []


def test_run_passes_only_the_options_an_indicator_takes() -> None:
    ds = fg.datasets.example()
    options = {"window": None, "min_cell": 10, "level": 0.9, "n_boot": 0, "n_sim": 0, "seed": 3}
    fir = registry.get("fir").run(ds, **options)
    assert fir.name == "fir" and "level" not in fir.parameters
    vtp = registry.get("victim_to_perpetrator").run(ds, **options)
    assert vtp.parameters["level"] == 0.9
    assert vtp.to_dict() == fg.indicators.victim_to_perpetrator(ds, level=0.9).to_dict()


def test_entries_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown option 'alpha'"):
        registry.Indicator("x", "m:f", "s", options=("alpha",), cell_key_note="n")
    with pytest.raises(ValueError, match="cell_key_note exactly when"):
        registry.Indicator("x", "m:f", "s")
    with pytest.raises(ValueError, match="sweep and sweep_columns"):
        registry.Indicator("x", "m:f", "s", cell_key=True, sweep="m:g")
    with pytest.raises(ValueError, match="unknown indicator 'nope'; allowed: victim_to_perpetrator"):
        registry.get("nope")
    with pytest.raises(ValueError, match="role='draw'"):
        registry.get("gif").function("draw")
