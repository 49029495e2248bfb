"""Which Python modules may touch the C++ core directly (issue 16, docs/architecture.md).

The core is reached through a short list of adapter modules; every other module goes through
their public or package-private functions (``Dataset`` methods, ``famgraph._rules``, the
indicator adapter ``indicators/_base.py``). A module reaches the core when it imports
``famgraph._core`` (or a name from it), imports the ``core`` handle of ``indicators._base``, or
reads the ``_core`` attribute of another object (``ds._core``, ``self._ds._core``). This test
lists them by reading the source (``ast``), and fails both for a new module that reaches the core
and for an allow-list entry that no longer does (so that the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "python" / "famgraph"

#: The adapters: the only modules that may reach famgraph._core (keep it short; docs/architecture.md).
ALLOWED: frozenset[str] = frozenset(
    {
        "famgraph/_rules.py",  # the core's shared rules, names, defaults and dates
        "famgraph/dataset.py",  # Dataset (columns, source_codes, resolve_window, ... for the others)
        "famgraph/graph.py",  # FamilyGraph
        "famgraph/stats.py",  # statistics
        "famgraph/synth.py",  # the generator
        "famgraph/cell_key.py",  # the cell key method
        # the indicator adapter and the modules that call their counting function through it
        "famgraph/indicators/_base.py",
        "famgraph/indicators/_matched.py",
        "famgraph/indicators/_tables.py",  # published tables: the rules of linked tables
        "famgraph/indicators/chains.py",
        "famgraph/indicators/familiality.py",
        "famgraph/indicators/features.py",
        "famgraph/indicators/overlap.py",
        "famgraph/indicators/recurrence.py",
        "famgraph/indicators/signalling.py",
        "famgraph/indicators/transmission.py",
        "famgraph/distributed.py",  # the sweep: the same counting functions, in slices
        # the benchmark measures the counting core alone, without the pandas conversion
        "famgraph/bench/peers/famgraph_side.py",
        "famgraph/bench/peers/worker.py",
    }
)
#: Adapters being written (issue 16: disclosure control bound as famgraph._core.disclosure): allowed,
#: but not yet required to reach the core.
PENDING: frozenset[str] = frozenset({"famgraph/disclosure.py"})


def _reasons(path: Path) -> list[str]:
    """How the module at ``path`` reaches the core (empty: it does not)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.endswith("._core")]
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if mod.split(".")[-1] == "_core":
                out.append(f"line {node.lineno}: from {'.' * node.level}{mod} import ...")
            out += [
                f"line {node.lineno}: from {'.' * node.level}{mod} import {a.name}"
                for a in node.names
                if a.name == "_core" or (a.name == "core" and mod.split(".")[-1] == "_base")
            ]
        elif isinstance(node, ast.Attribute) and node.attr == "_core":
            if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                out.append(f"line {node.lineno}: {ast.unparse(node)}")
    return out


def core_users() -> dict[str, list[str]]:
    users = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        reasons = _reasons(path)
        if reasons:
            users[path.relative_to(PACKAGE.parent).as_posix()] = reasons
    return users


def test_only_the_adapters_reach_the_core() -> None:
    users = core_users()
    extra = {m: r[:3] for m, r in users.items() if m not in ALLOWED | PENDING}
    assert not extra, f"modules outside the adapter allow-list reach famgraph._core: {extra}"


def test_the_allow_list_has_no_stale_entry() -> None:
    stale = sorted(ALLOWED - set(core_users()))
    assert not stale, f"allow-list entries that no longer reach the core (remove them): {stale}"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from . import _core\n", True),
        ("from .._core import indicators\n", True),
        ("import famgraph._core\n", True),
        ("from ._base import core\n", True),
        ("x = ds._core.persons_columns()\n", True),
        ("x = self._ds._core\n", True),
        ("x = self._core\n", False),
        ("from . import _rules\n", False),
    ],
)
def test_the_scanner_sees_each_way_in(tmp_path: Path, source: str, found: bool) -> None:
    p = tmp_path / "m.py"
    p.write_text(source)
    assert bool(_reasons(p)) is found
