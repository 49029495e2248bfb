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


# ---- one core for disclosure control (issue 16, docs/spec/disclosure.md "Patterns") -----------------

#: The names under which modules hold the disclosure threshold.
THRESHOLD_NAMES: frozenset[str] = frozenset({"m", "min_cell"})

#: The disclosure adapters: the only modules that may compare a count with min_cell.
DISCLOSURE_ADAPTERS: frozenset[str] = frozenset({"famgraph/disclosure.py", "famgraph/cell_key.py"})

#: Modules whose own comparisons are tolerated while their rules move into the core: whole modules,
#: or (module, function) pairs. Empty since the linked-table rules moved to disclosure_linked.hpp;
#: an entry that no longer compares fails test_the_being_moved_list_has_no_stale_entry.
BEING_MOVED: frozenset[str | tuple[str, str]] = frozenset()


def _mentions_threshold(node: ast.AST) -> bool:
    """Whether ``node`` uses the threshold as a number (``m``, ``m - 1``, ``max(m, 1)``,
    ``ctx.min_cell``); ``m[1]``, ``m.group()`` and ``len(m)`` use another ``m`` (a match, a list)."""
    if isinstance(node, ast.Name):
        return node.id in THRESHOLD_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr == "min_cell"  # ctx.min_cell, self.min_cell, policy.min_cell
    if isinstance(node, ast.Subscript):
        return False
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "len":
            return False
        return any(_mentions_threshold(a) for a in node.args)
    return any(_mentions_threshold(c) for c in ast.iter_child_nodes(node))


def _is_constant(node: ast.AST) -> bool:
    # `m > 0`, `min_cell == 0`, `m is None`: whether disclosure control is on, not a threshold test
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant)


#: Threshold tests order a value against min_cell; equality and membership (``got != m``) do not.
_ORDER = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def threshold_comparisons(path: Path) -> list[tuple[str, int, str]]:
    """(enclosing function, line, source) of every comparison of a value with the threshold: an
    operand mentions ``m``/``min_cell``/``x.min_cell`` and another operand is not a constant."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[str, int, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Compare) and all(isinstance(o, _ORDER) for o in node.ops):
            operands = [node.left, *node.comparators]
            for i, op in enumerate(operands):
                if _mentions_threshold(op) and any(
                    not _is_constant(o) for j, o in enumerate(operands) if j != i
                ):
                    out.append((function, node.lineno, ast.unparse(node)))
                    break
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return out


def disclosure_decisions_outside_the_core() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE.parent).as_posix()
        if name in DISCLOSURE_ADAPTERS or name in BEING_MOVED:
            continue
        hits = [
            f"line {line} in {fn}: {src}"
            for fn, line, src in threshold_comparisons(path)
            if (name, fn) not in BEING_MOVED
        ]
        if hits:
            found[name] = hits
    return found


def test_no_module_compares_with_min_cell() -> None:
    """Suppression is decided by famgraph.disclosure (the core's rules), never by a module's own
    comparison with min_cell (issue 16)."""
    found = disclosure_decisions_outside_the_core()
    assert not found, f"comparisons with min_cell outside famgraph.disclosure (use its functions): {found}"


def test_the_being_moved_list_has_no_stale_entry() -> None:
    stale = []
    for entry in BEING_MOVED:
        name, fn = (entry, None) if isinstance(entry, str) else entry
        hits = threshold_comparisons(PACKAGE.parent / name)
        if not any(fn is None or f == fn for f, _, _ in hits):
            stale.append(entry)
    assert not stale, f"entries that no longer compare with min_cell (remove them): {stale}"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("def f(n, m):\n    return m > 0 and n < m\n", True),
        ("def f(k, n, m):\n    return 0 < n - k < m\n", True),
        ("def f(ctx, x):\n    return x >= ctx.min_cell\n", True),
        ("def f(g, m):\n    return min(g) < max(m, 1)\n", True),
        ("def f(min_cell, v):\n    return int(v) < min_cell\n", True),
        ("def f(m):\n    return m > 0\n", False),
        ("def f(min_cell):\n    return min_cell == 0 or min_cell is None or min_cell < -1\n", False),
        ("def f(m, n):\n    return disclosure.count_hidden(n, m)\n", False),
        ("def f(n, k):\n    return n < k\n", False),
        ("def f(m, host):\n    return m[1] < host or len(m) <= host or m.start() > host\n", False),
        ("def f(m, theirs):\n    return theirs != m\n", False),
        ("def f(n, m):\n    return n < m - 1\n", True),
    ],
)
def test_the_threshold_scanner_catches_a_planted_comparison(tmp_path: Path, source: str, found: bool) -> None:
    p = tmp_path / "m.py"
    p.write_text(source)
    assert bool(threshold_comparisons(p)) is found


def test_the_threshold_scanner_names_the_function(tmp_path: Path) -> None:
    p = tmp_path / "m.py"
    p.write_text("def outer(n, m):\n    def inner():\n        return n < m\n    return inner\n")
    assert threshold_comparisons(p) == [("inner", 3, "n < m")]


# ---- no date, decade, margin or pair rule restated outside the core (issue 16) --------------------

INDICATORS = PACKAGE / "indicators"

#: Methods of Python sets that decide which combinations a sum includes: the pair rule of the
#: multi-agency overlap (disclosure::overlap_pairs_hidden) used them in Python.
_SET_PREDICATES = frozenset({"issubset", "issuperset", "intersection", "isdisjoint"})
#: The nine numbers of a 2x2 table: a dict that derives these margins restates values_2x2.
_MARGINS = frozenset({"exposed", "unexposed", "outcome", "no_outcome"})


def restated_rules(path: Path, *, indicator_module: bool) -> list[str]:
    """Where the module at ``path`` restates a rule of the core: date arithmetic with pandas
    (``to_datetime``), decade arithmetic (``// 10``), set predicates over organisation
    combinations (indicator modules), or a dict that derives the margins of a 2x2 table."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[str] = []
    for node in ast.walk(tree):
        if indicator_module and isinstance(node, ast.Attribute) and node.attr == "to_datetime":
            out.append(f"line {node.lineno}: {ast.unparse(node)} (dates: famgraph._rules / date.hpp)")
        elif (
            indicator_module
            and isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.FloorDiv)
            and isinstance(node.right, ast.Constant)
            and node.right.value == 10
        ):
            out.append(f"line {node.lineno}: {ast.unparse(node)} (birth decades: date.hpp decade_of)")
        elif indicator_module and isinstance(node, ast.Attribute) and node.attr in _SET_PREDICATES:
            out.append(
                f"line {node.lineno}: {ast.unparse(node)} (pair rule: disclosure::overlap_pairs_hidden)"
            )
        elif isinstance(node, ast.Dict):
            derived = {
                k.value
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value in _MARGINS and isinstance(v, ast.BinOp)
            }
            if len(derived) >= 2:
                out.append(
                    f"line {node.lineno}: 2x2 margins {sorted(derived)} (disclosure::values_2x2_columns)"
                )
    return out


def test_no_module_restates_dates_decades_margins_or_the_pair_rule() -> None:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        hits = restated_rules(path, indicator_module=INDICATORS in path.parents)
        if hits:
            found[path.relative_to(PACKAGE.parent).as_posix()] = hits
    assert not found, f"rules of the core restated in Python: {found}"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        # the old adjusted_association (birth decades with pandas)
        ('decade = (pd.to_datetime(birth, unit="D").year.to_numpy() // 10) * 10\n', True),
        ("d = y // 10 * 10\n", True),
        ("d = y // 7\n", False),
        # the old pair rule of overlap._unit
        ("hide.append(not safe(xy.issubset))\n", True),
        ("hide.append(not safe(frozenset((x, y)).intersection))\n", True),
        ("n = len(k & set(orgs))\n", False),
        # the old _tables._values
        ('v = {"a": a, "exposed": a + b, "unexposed": c + d, "outcome": a + c}\n', True),
        ('v = {"exposed": {"outcome": a, "no_outcome": b}}\n', False),
    ],
)
def test_the_rule_scanner_catches_a_planted_restatement(tmp_path: Path, source: str, found: bool) -> None:
    p = tmp_path / "m.py"
    p.write_text(source)
    assert bool(restated_rules(p, indicator_module=True)) is found
