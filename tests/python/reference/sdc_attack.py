"""A linear-programming attacker for auditing famgraph's disclosure control (docs/spec/disclosure.md).

The attacker sees a published result (``NaN`` + flag where suppressed) and knows every exact linear
relation among the underlying counts that follows from the definitions: strata add up to the
overall table, cells add up to margins, nested counts nest, combination counts add up to the
"known to >= 1 / >= 2" totals, ``both``/``either`` are sums of combination counts, a published
share k/n next to a published n gives k (``k - s*n = 0`` is linear), and so on. For every
suppressed count (and for some *derived* counts that are never tabulated, e.g. a difference of two
published nested counts) it solves

    min / max  target(x)   subject to   published equalities and inequalities, x >= 0

with scipy's HiGHS (integrality relaxed, so the ranges are, if anything, too wide: a leak found
here is a real leak). A suppressed count is *recovered* when min == max (within 1e-6) and
*narrow* when the range is shorter than 1 (then the only integer in it is the value).

Every relation is checked against the true (unsuppressed) counts before solving
(:meth:`LinearSystem.check_truth`): a relation that the truth violates is a bug of the attacker, not
a finding, and fails loudly. This module imports nothing from famgraph; it reads published and
true DataFrames (``Result.tables``) and plain dicts of counts.

Example
-------
>>> s = LinearSystem("doc example", min_cell=10)
>>> for v, t in (("a1", 12), ("b1", 0), ("a2", 12), ("b2", 15)):
...     _ = s.var(v, true=t)
>>> s.eq({"a1": 1, "b1": 1}, 12, "stratum 1 exposed margin")
>>> s.eq({"a2": 1, "b2": 1}, 27, "stratum 2 exposed margin")
>>> s.eq({"a1": 1, "a2": 1}, 24, "strata add up to the overall a")
>>> s.le({"a2": 1}, 12, "stratum 2 outcome margin bounds a2")
>>> s.target("a1", {"a1": 1})
>>> [(f.target, f.lo, f.hi) for f in s.solve()]
[('a1', 12.0, 12.0)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog

__all__ = [
    "CELLS",
    "FLAG",
    "SYSTEMS",
    "AttackerError",
    "Finding",
    "LinearSystem",
    "add_2x2_rows",
    "add_counts",
    "add_shares",
    "add_strata",
    "audit_results",
    "fields_2x2",
    "overlap_system",
]

FLAG = "_suppressed"
CELLS = ("a", "b", "c", "d")
EXACT = 1e-6
#: A relation holds for the truth when |lhs - rhs| <= TOL * max(1, |rhs|).
TOL = 1e-7

Expr = Mapping[str, float]


class AttackerError(RuntimeError):
    """The attacker model itself is wrong (a relation false for the truth, an LP that fails):
    a bug to fix here, never a disclosure finding."""


# ---- the linear system ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """The feasible range of one suppressed (or derived) count given everything published."""

    component: str
    target: str
    kind: str  # "suppressed": a published table's value shown as NaN; "derived": never tabulated
    true: float
    lo: float
    hi: float
    min_cell: int
    screened: bool = False  # range not solved: [lo, hi] is a feasible spread of at least the screen

    @property
    def width(self) -> float:
        return self.hi - self.lo

    @property
    def exact(self) -> bool:
        return self.width < EXACT

    @property
    def narrow(self) -> bool:
        """Range shorter than 1: at most one integer, the true value, is possible."""
        return self.width < 1.0 - EXACT

    @property
    def leak(self) -> bool:
        """A suppressed count pinned to < 1 of range; a derived count pinned and below min_cell.

        A derived count (e.g. links - chain_ge1) that is pinned is *published in effect*, which is
        harmless only when it is at least min_cell.
        """
        if self.kind == "suppressed":
            return self.narrow
        return self.narrow and self.true < self.min_cell

    def __str__(self) -> str:
        rng = f"spread >= {self.width:.6g}" if self.screened else f"feasible=[{self.lo:.6g}, {self.hi:.6g}]"
        return f"{self.component}: {self.target} ({self.kind}) true={self.true:g} {rng}"


@dataclass
class LinearSystem:
    """Variables (non-negative unless told), linear equalities / inequalities, targets."""

    component: str
    min_cell: int
    names: list[str] = field(default_factory=list)
    lb: list[float] = field(default_factory=list)
    ub: list[float | None] = field(default_factory=list)
    truth: dict[str, float] = field(default_factory=dict)
    rows_eq: list[tuple[dict[str, float], float, str]] = field(default_factory=list)
    rows_le: list[tuple[dict[str, float], float, str]] = field(default_factory=list)
    targets: list[tuple[str, dict[str, float], str]] = field(default_factory=list)
    _a_eq: Any = None
    _b_eq: Any = None
    _a_ub: Any = None
    _b_ub: Any = None

    def var(self, name: str, *, true: float, lb: float = 0.0, ub: float | None = None) -> str:
        if name in self.truth:
            raise ValueError(f"variable {name} defined twice")
        self.names.append(name)
        self.lb.append(lb)
        self.ub.append(ub)
        self.truth[name] = float(true)
        return name

    @staticmethod
    def _clean(expr: Expr) -> dict[str, float]:
        return {k: float(v) for k, v in expr.items() if v != 0}

    def eq(self, expr: Expr, rhs: float, why: str) -> None:
        self.rows_eq.append((self._clean(expr), float(rhs), why))

    def le(self, expr: Expr, rhs: float, why: str) -> None:
        self.rows_le.append((self._clean(expr), float(rhs), why))

    def ge(self, expr: Expr, rhs: float, why: str) -> None:
        self.le({k: -v for k, v in expr.items()}, -rhs, why)

    def target(self, name: str, expr: Expr, kind: str = "suppressed") -> None:
        self.targets.append((name, self._clean(expr), kind))

    def value(self, expr: Expr) -> float:
        return float(sum(c * self.truth[k] for k, c in expr.items()))

    def check_truth(self) -> None:
        """Every relation must hold for the true counts, else the attacker model is wrong."""
        for expr, rhs, why in self.rows_eq:
            lhs = self.value(expr)
            if abs(lhs - rhs) > TOL * max(1.0, abs(rhs), *(abs(c * self.truth[k]) for k, c in expr.items())):
                raise AttackerError(f"{self.component}: relation '{why}' false for the truth: {lhs} != {rhs}")
        for expr, rhs, why in self.rows_le:
            lhs = self.value(expr)
            if lhs > rhs + TOL * max(1.0, abs(rhs)):
                raise AttackerError(f"{self.component}: relation '{why}' false for the truth: {lhs} > {rhs}")
        for name, lo, hi in zip(self.names, self.lb, self.ub, strict=True):
            t = self.truth[name]
            if t < lo - TOL or (hi is not None and t > hi + TOL):
                raise AttackerError(f"{self.component}: bound of {name} false for the truth ({t})")

    def _matrix(self, rows: list[tuple[dict[str, float], float, str]]) -> tuple[Any, Any]:
        if not rows:
            return None, None
        index = {n: i for i, n in enumerate(self.names)}
        a = np.zeros((len(rows), len(self.names)))
        for r, (expr, _, _) in enumerate(rows):
            for k, c in expr.items():
                a[r, index[k]] += c
        return a, np.array([rhs for _, rhs, _ in rows])

    def _lp(self, c: Any, bounds: Sequence[tuple[float, float | None]]) -> Any:
        return linprog(
            c,
            A_ub=self._a_ub,
            b_ub=self._b_ub,
            A_eq=self._a_eq,
            b_eq=self._b_eq,
            bounds=bounds,
            method="highs",
        )

    def solve(
        self,
        *,
        screen: float | None = None,
        samples: int | None = None,
        seed: int = 0,
        stop_on_leak: bool = False,
    ) -> list[Finding]:
        """The feasible range of every target (after :meth:`check_truth`).

        Exact ranges cost two LPs per target, so targets are screened first: the truth and the
        vertices of ``samples`` LPs with random objectives (inside a generous box) are feasible
        points; a target whose values at these points already spread over at least ``screen``
        (default ``max(min_cell, 1)``) is reported with that spread, a lower bound of its true
        range (``lo``/``hi`` then bound the range from inside). Every other target gets its two
        LPs (min and max), whose optimal vertices join the feasible points. (No LAPACK here: on a
        busy machine a threaded SVD costs more than all the LPs.) ``samples`` defaults to 2 for
        systems of up to 8 variables, else 6. ``stop_on_leak`` returns at the first leak.
        """
        self.check_truth()
        if not self.targets:
            return []
        screen = float(max(self.min_cell, 1)) if screen is None else screen
        self._a_eq, self._b_eq = self._matrix(self.rows_eq)
        self._a_ub, self._b_ub = self._matrix(self.rows_le)
        n = len(self.names)
        if samples is None:
            samples = 2 if n <= 8 else 6
        bounds = list(zip(self.lb, self.ub, strict=True))
        index = {v: i for i, v in enumerate(self.names)}
        truth = np.array([self.truth[v] for v in self.names])
        points = [truth]
        if samples:
            big = 10.0 * (float(truth.max(initial=0.0)) + 100.0)
            box = [(lo, big if hi is None else min(hi, big)) for lo, hi in bounds]
            rng = np.random.default_rng(seed)
            for _ in range(samples):
                res = self._lp(rng.normal(size=n), box)
                if res.status == 0:
                    points.append(np.asarray(res.x))
        out: list[Finding] = []
        for name, expr, kind in self.targets:
            c = np.zeros(n)
            for k, v in expr.items():
                c[index[k]] += v
            true = float(c @ truth)
            vals = [float(c @ p) for p in points]
            lo, hi = min(vals), max(vals)
            screened = hi - lo >= screen
            if not screened:
                if not c.any():
                    lo = hi = 0.0
                else:
                    ends = []
                    for sense in (1.0, -1.0):
                        res = self._lp(sense * c, bounds)
                        if res.status == 3:
                            ends.append(-sense * math.inf)
                        elif res.status != 0:
                            raise AttackerError(f"{self.component}: LP for {name} failed: {res.message}")
                        else:
                            ends.append(sense * float(res.fun))
                            points.append(np.asarray(res.x))
                    lo, hi = ends
            if not (lo - 1e-5 <= true <= hi + 1e-5):
                raise AttackerError(f"{self.component}: truth of {name} ({true}) outside [{lo}, {hi}]")
            out.append(Finding(self.component, name, kind, true, lo, hi, self.min_cell, screened))
            if stop_on_leak and out[-1].leak:
                break
        return out


# ---- published tables → relations ------------------------------------------------------------------


def _published(frame: pd.DataFrame | Mapping[str, Any], row: int, column: str) -> bool:
    """Whether ``column`` of ``row`` is published (its flag column, if any, is False); a flagged
    value must be NaN. ``frame`` may be :func:`_columns` of a DataFrame (faster)."""
    cols = _columns(frame) if isinstance(frame, pd.DataFrame) else frame
    flag = column + FLAG
    hidden = bool(cols[flag][row]) if flag in cols else False
    value = cols[column][row]
    if hidden and not (isinstance(value, float) and math.isnan(value)):
        raise AssertionError(f"{column} row {row} is flagged suppressed but shows {value!r}")
    return not hidden


def _columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    return {str(c): frame[c].tolist() for c in frame.columns}


def _plus(*exprs: Expr, sign: Sequence[float] | None = None) -> dict[str, float]:
    out: dict[str, float] = {}
    for i, e in enumerate(exprs):
        s = 1.0 if sign is None else sign[i]
        for k, v in e.items():
            out[k] = out.get(k, 0.0) + s * v
    return out


def fields_2x2(cells: Mapping[str, Expr]) -> dict[str, dict[str, float]]:
    """The nine published numbers of a 2×2 table as expressions of its cell expressions."""
    a, b, c, d = (cells[x] for x in CELLS)
    return {
        "a": dict(a),
        "b": dict(b),
        "c": dict(c),
        "d": dict(d),
        "n_exposed": _plus(a, b),
        "n_unexposed": _plus(c, d),
        "n_outcome": _plus(a, c),
        "n_no_outcome": _plus(b, d),
        "n": _plus(a, b, c, d),
    }


def add_2x2_rows(
    s: LinearSystem, frame: pd.DataFrame, rows: Sequence[tuple[str, Mapping[str, Expr]]]
) -> None:
    """Relations of published 2×2 rows (frame row i ↔ ``rows[i]`` = (label, cell expressions)).

    Published counts are fixed; published risks give ``a - r (a + b) = 0`` and ``c - r (c + d) = 0``
    (the ratio estimates RR, OR, RD and the intervals are nonlinear and not used); hidden counts
    become targets.
    """
    tab = _columns(frame)
    for i, (label, cells) in enumerate(rows):
        f = fields_2x2(cells)
        for column, expr in f.items():
            if _published(tab, i, column):
                s.eq(expr, float(tab[column][i]), f"{label}: published {column}")
            else:
                s.target(f"{label}.{column}", expr)
        for risk, num, den in (
            ("risk_exposed", "a", "n_exposed"),
            ("risk_unexposed", "c", "n_unexposed"),
        ):
            if risk in tab and _published(tab, i, risk):
                r = float(tab[risk][i])
                if not math.isnan(r):
                    s.eq(
                        _plus(f[num], f[den], sign=[1.0, -r]), 0.0, f"{label}: published {risk} = {num}/{den}"
                    )


def add_shares(
    s: LinearSystem,
    frame: pd.DataFrame,
    rows: Sequence[tuple[str, Expr, Expr]],
    *,
    k: str,
    n: str,
    share: str | None,
) -> None:
    """Relations of published shares k/n: fixed counts, ``k - share * n = 0``; hidden ones targets."""
    tab = _columns(frame)
    for i, (label, ke, ne) in enumerate(rows):
        for column, expr in ((n, ne), (k, ke)):
            if _published(tab, i, column):
                s.eq(expr, float(tab[column][i]), f"{label}: published {column}")
            else:
                s.target(f"{label}.{column}", expr)
        if share is not None and _published(tab, i, share):
            v = float(tab[share][i])
            if not math.isnan(v):
                s.eq(_plus(ke, ne, sign=[1.0, -v]), 0.0, f"{label}: published {share} = {k}/{n}")


def add_counts(s: LinearSystem, frame: pd.DataFrame, column: str, rows: Sequence[tuple[str, Expr]]) -> None:
    tab = _columns(frame)
    for i, (label, expr) in enumerate(rows):
        if _published(tab, i, column):
            s.eq(expr, float(tab[column][i]), f"{label}: published {column}")
        else:
            s.target(f"{label}.{column}", expr)


def _v(name: str) -> dict[str, float]:
    return {name: 1.0}


# ---- real Results: one system per group of linked tables --------------------------------------------
#
# ``truth`` is a plain dict of the true counts, taken by the caller from the counting core (not from
# the published tables):
#   vtp: joint {(sex, decade, cell): n}, km_events {"exposed"/"unexposed": sorted event days}
#   relative_exposure: {(relation, relative_role, proband_role): (a, b, c, d)}
#   recurrence: observed, cases, relatives {rel: n}, case_relatives {rel: n}
#   fir: {"case": n, "non_case": n}  (observed persons with an observed relative)
#   chains: ge1, ge2, ge3, two_link_children, continuation (a, b, c, d)
#   signalling: n {population: n}, k {(organisation, years, population): n}, lead_n
#   overlap: {"person"/"family": {frozenset(organisations): n}}, organisations [...]
#   repeat: {"person"/"family": (n, repeat)}


def _levels(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    sexes = [str(x) for x in table.loc[table["stratum"] == "sex", "level"]]
    decades = [str(x) for x in table.loc[table["stratum"] == "birth_decade", "level"]]
    return (sexes, decades) if sexes and decades else (["*"], ["*"])


def add_strata(s: LinearSystem, table: pd.DataFrame, joint: Mapping[tuple[str, str, str], int]) -> Any:
    """Variables and relations of a 2×2 table published overall, by sex and by birth decade
    (rows keyed by ``stratum`` ∈ overall / sex / birth_decade and ``level``, as indicator 1).

    The variables are the joint sex × decade × cell counts ``joint`` (true values), so that both
    sets of strata are margins of one joint table; strata that are not listed are empty (the
    caller leaves out empty strata, so they are known zeros and not variables). Returns
    ``cells(sexes, decades)``: the cell expressions of any union of strata.
    """
    sexes, decades = _levels(table)
    if not sexes or not decades:  # nobody eligible: only the overall row
        if any(joint.values()) or set(table["stratum"]) != {"overall"}:
            raise AttackerError("strata missing from a non-empty stratified table")
        sexes, decades = ["*"], ["*"]
    for key, value in joint.items():
        if value and (key[0] not in sexes or key[1] not in decades):
            raise AttackerError(f"non-empty joint cell {key} in a stratum that was left out")
    for sx in sexes:
        for dc in decades:
            for cell in CELLS:
                s.var(f"x[{sx},{dc}].{cell}", true=joint.get((sx, dc, cell), 0))

    def cells(sel_sex: Iterable[str], sel_dec: Iterable[str]) -> dict[str, dict[str, float]]:
        ss, dd = list(sel_sex), list(sel_dec)
        return {c: {f"x[{a},{b}].{c}": 1.0 for a in ss for b in dd} for c in CELLS}

    rows: list[tuple[str, Mapping[str, Expr]]] = []
    for stratum, level in zip(table["stratum"], table["level"], strict=True):
        if stratum == "overall":
            rows.append(("overall", cells(sexes, decades)))
        elif stratum == "sex":
            rows.append((f"sex={level}", cells([str(level)], decades)))
        elif stratum == "birth_decade":
            rows.append((f"decade={level}", cells(sexes, [str(level)])))
        else:
            raise ValueError(f"unknown stratum {stratum!r}")
    add_2x2_rows(s, table, rows)
    return cells


def _vtp_system(pub: Mapping[str, Any], truth: Mapping[str, Any], m: int) -> LinearSystem:
    """Indicator 1 with everything linked to its overall table.

    Variables: the joint sex × birth-decade × cell counts (each eligible person has one sex and one
    decade), so the by-sex and by-decade strata are two margins of one joint table. Relations: all
    published numbers and risks of the overall/sex/decade rows; left-out strata are empty (known 0:
    not variables); the crude table of adjusted_association (the same population); log-rank observed
    = a and c, expected_exposed + expected_unexposed = a + c; the Kaplan–Meier curve as published
    (a curve, if only its origin, exists iff its group has at least min_cell persons; each
    published step adds at least min_cell events, at least min_cell at risk, the estimate is at
    least the naive events / group size); a sex kept in the fitted adjusted model has at least
    max(min_cell, 1) outcomes and non-outcomes.
    """
    s = LinearSystem("victim_to_perpetrator (+ crude table, KM, log-rank)", m)
    table = pub["victim_to_perpetrator"].tables["table"]
    cells = add_strata(s, table, truth["vtp"]["joint"])
    sexes, decades = _levels(table)
    overall = fields_2x2(cells(sexes, decades))

    crude = pub["adjusted_association"].tables["crude"]
    add_2x2_rows(s, crude, [("crude", cells(sexes, decades))])

    lr = pub["victim_to_perpetrator"].tables["logrank"]
    for column, expr in (("observed_exposed", overall["a"]), ("observed_unexposed", overall["c"])):
        if _published(lr, 0, column):
            s.eq(expr, float(lr[column].iloc[0]), f"log-rank {column}")
    if _published(lr, 0, "expected_exposed") and _published(lr, 0, "expected_unexposed"):
        e = float(lr["expected_exposed"].iloc[0]) + float(lr["expected_unexposed"].iloc[0])
        s.eq(overall["n_outcome"], e, "log-rank: sum of expected = sum of observed")

    km = pub["victim_to_perpetrator"].tables["km"]
    for group, n_expr, ev_expr in (
        ("exposed", overall["n_exposed"], overall["a"]),
        ("unexposed", overall["n_unexposed"], overall["c"]),
    ):
        g = km[km["group"] == group]
        if len(g) and m > 0:
            s.ge(n_expr, m, f"KM: a {group} curve exists only for >= min_cell persons")
        elif m > 0:
            s.le(n_expr, m - 1, f"KM: no {group} curve, not even its origin: < min_cell persons")
        prev: dict[str, float] = {}
        times = np.asarray(truth["vtp"]["km_events"][group])
        for j, (t, ci) in enumerate(zip(g["time_years"], g["cumulative_incidence"], strict=True)):
            if j == 0:
                continue  # the origin (0, 0)
            dj = s.var(f"KM[{group}].D{j}", true=int(np.sum(times <= round(float(t) * 365.25))))
            s.ge(_plus(_v(dj), n_expr, sign=[-1.0, float(ci)]), 0.0, "KM: cum. incidence >= events / n")
            if m > 0:
                s.ge(_plus(_v(dj), prev, sign=[1.0, -1.0]), m, "KM: >= min_cell events per published step")
                s.ge(_plus(n_expr, prev, sign=[1.0, -1.0]), m, "KM: >= min_cell at risk at a published step")
            prev = _v(dj)
        if prev:
            s.le(_plus(prev, ev_expr, sign=[1.0, -1.0]), 0.0, f"KM: events so far <= all {group} events")

    dropped = set(pub["adjusted_association"].parameters.get("dropped_sex", []))
    if len(pub["adjusted_association"].tables["table"]):  # the model was fitted
        for sx in sexes:
            if sx not in dropped:
                f = fields_2x2(cells([sx], decades))
                s.ge(f["n_outcome"], max(m, 1), f"adjusted model kept sex {sx}")
                s.ge(f["n_no_outcome"], max(m, 1), f"adjusted model kept sex {sx}")
    return s


def _relative_exposure_systems(
    pub: Mapping[str, Any], truth: Mapping[str, Any], m: int
) -> list[LinearSystem]:
    """One 2×2 per (relation, roles); no linear relation joins their cells (different exposures),
    but they share margins (n = observed persons, n_outcome = persons with the proband role), which
    are published in other results too (recurrence_risk.observed / cases, gif.n_cases): all tables
    in one system, the shared numbers as equalities."""
    t = pub["relative_exposure"].tables["table"]
    rec = pub["recurrence_risk"].tables["table"]
    gif = pub["gif"].tables["table"]
    s = LinearSystem("relative_exposure", m)
    n_exprs: list[dict[str, float]] = []
    outcome_exprs: dict[str, list[dict[str, float]]] = {}
    rows: list[tuple[str, Mapping[str, Expr]]] = []
    for i in range(len(t)):
        key = (str(t["relation"].iloc[i]), str(t["relative_role"].iloc[i]), str(t["proband_role"].iloc[i]))
        label = f"{key[0]}:{key[1]}->{key[2]}"
        abcd = truth["relative_exposure"][key]
        cells = {c: _v(s.var(f"{label}.{c}", true=v)) for c, v in zip(CELLS, abcd, strict=True)}
        rows.append((label, cells))
        f = fields_2x2(cells)
        n_exprs.append(f["n"])
        outcome_exprs.setdefault(key[2], []).append(f["n_outcome"])
    add_2x2_rows(s, t, rows)
    for e in n_exprs[1:]:
        s.eq(_plus(e, n_exprs[0], sign=[1.0, -1.0]), 0.0, "the same probands in every table")
    for es in outcome_exprs.values():
        for e in es[1:]:
            s.eq(_plus(e, es[0], sign=[1.0, -1.0]), 0.0, "the same outcome for the same proband role")
    if n_exprs and len(rec) and _published(rec, 0, "observed"):
        s.eq(n_exprs[0], float(rec["observed"].iloc[0]), "recurrence_risk.observed = probands")
    if "perpetrator" in outcome_exprs:
        e = outcome_exprs["perpetrator"][0]
        if len(rec) and _published(rec, 0, "cases"):
            s.eq(e, float(rec["cases"].iloc[0]), "recurrence_risk.cases = perpetrators")
        if _published(gif, 0, "n_cases"):
            s.eq(e, float(gif["n_cases"].iloc[0]), "gif.n_cases = perpetrators")
    return [s]


def _population_system(pub: Mapping[str, Any], truth: Mapping[str, Any], m: int) -> LinearSystem:
    """Observed persons and cases, as published by recurrence_risk, gif, fir and relative_exposure.

    Variables: cases and non-cases, each split into with / without an observed relative (the FIR
    groups are the ones with one); per relation, case relatives and other relatives. Derived targets:
    the cases and non-cases *without* an observed relative (never tabulated: cases − fir.n[case]).
    """
    s = LinearSystem("population (recurrence_risk, gif, fir, relative_exposure margins)", m)
    r = truth["recurrence"]
    observed, cases = float(r["observed"]), float(r["cases"])
    fir_case, fir_non = (float(truth["fir"][g]) for g in ("case", "non_case"))
    cs = s.var("cases_with_relative", true=fir_case)
    cw = s.var("cases_without_relative", true=cases - fir_case)
    ns = s.var("noncases_with_relative", true=fir_non)
    nw = s.var("noncases_without_relative", true=observed - cases - fir_non)
    e_cases = {cs: 1.0, cw: 1.0}
    e_obs = {cs: 1.0, cw: 1.0, ns: 1.0, nw: 1.0}
    rec = pub["recurrence_risk"].tables["table"]
    for i, rel in enumerate(rec["relation"]):
        cr = s.var(f"case_relatives[{rel}]", true=float(r["case_relatives"][rel]))
        ot = s.var(f"other_relatives[{rel}]", true=float(r["relatives"][rel] - r["case_relatives"][rel]))
        row = rec.iloc[[i]].reset_index(drop=True)
        add_shares(s, row, [(f"recurrence[{rel}]", e_cases, e_obs)], k="cases", n="observed", share="K")
        add_shares(
            s,
            row,
            [(f"recurrence[{rel}]", _v(cr), {cr: 1.0, ot: 1.0})],
            k="case_relatives",
            n="relatives",
            share="K_R",
        )
    gif = pub["gif"].tables["table"]
    if _published(gif, 0, "n_cases"):
        s.eq(e_cases, float(gif["n_cases"].iloc[0]), "gif: published n_cases")
    else:
        s.target("gif.n_cases", e_cases)
    if _published(gif, 0, "n_pairs"):  # n (n - 1) / 2 pins n
        p = float(gif["n_pairs"].iloc[0])
        s.eq(e_cases, (1 + math.sqrt(1 + 8 * p)) / 2, "gif: n_pairs = n_cases (n_cases - 1) / 2")
    fir = pub["fir"].tables["table"]
    add_counts(s, fir, "n", [("fir[case]", _v(cs)), ("fir[non_case]", _v(ns))])
    re = pub["relative_exposure"].tables["table"]
    perp = np.flatnonzero((re["proband_role"] == "perpetrator").to_numpy())
    if len(perp):
        i = int(perp[0])
        for column, expr in (("n", e_obs), ("n_outcome", e_cases), ("n_no_outcome", {ns: 1.0, nw: 1.0})):
            if _published(re, i, column):
                s.eq(expr, float(re[column].iloc[i]), f"relative_exposure: published {column}")
    s.target("cases without an observed relative (cases - fir.n[case])", _v(cw), kind="derived")
    s.target("non-cases without an observed relative", _v(nw), kind="derived")
    return s


def _chains_system(pub: Mapping[str, Any], truth: Mapping[str, Any], m: int) -> LinearSystem:
    """Chains: ge1 >= ge2 >= ge3 nest; links = ge1 + (children with two linked parents), since each
    child has at most two recorded parents; the continuation 2×2: exposed (victims of a link) <= ge1,
    outcome (perpetrators of a link) <= links, a <= 2 ge2 (a victim who is a perpetrator of a link
    has a child with a chain of 2, shared by at most two parents)."""
    s = LinearSystem("chains (+ continuation)", m)
    ch = truth["chains"]
    i1 = s.var("exactly1", true=ch["ge1"] - ch["ge2"])
    i2 = s.var("exactly2", true=ch["ge2"] - ch["ge3"])
    i3 = s.var("ge3", true=ch["ge3"])
    x2 = s.var("two_link_children", true=ch["two_link_children"])
    e = {
        "links": {i1: 1.0, i2: 1.0, i3: 1.0, x2: 1.0},
        "chain_ge1": {i1: 1.0, i2: 1.0, i3: 1.0},
        "chain_ge2": {i2: 1.0, i3: 1.0},
        "chain_ge3": {i3: 1.0},
    }
    s.le(_plus(_v(x2), e["chain_ge1"], sign=[1.0, -1.0]), 0.0, "two-link children are chain_ge1 persons")
    t = pub["chains"].tables["table"]
    add_counts(s, t, "count", [(f"chains.{mm}", e[str(mm)]) for mm in t["measure"]])
    cells = {c: _v(s.var(f"cont.{c}", true=v)) for c, v in zip(CELLS, ch["continuation"], strict=True)}
    add_2x2_rows(s, pub["chains"].tables["continuation"], [("continuation", cells)])
    f = fields_2x2(cells)
    s.le(_plus(f["n_exposed"], e["chain_ge1"], sign=[1.0, -1.0]), 0.0, "exposed victims of links <= ge1")
    s.le(_plus(f["n_outcome"], e["links"], sign=[1.0, -1.0]), 0.0, "perpetrators of links <= links")
    s.le(_plus(f["a"], e["chain_ge2"], sign=[1.0, -2.0]), 0.0, "a <= 2 ge2")
    s.target("children with two linked parents (links - chain_ge1)", _v(x2), kind="derived")
    s.target("longest chain exactly 1 (chain_ge1 - chain_ge2)", _v(i1), kind="derived")
    s.target("longest chain exactly 2 (chain_ge2 - chain_ge3)", _v(i2), kind="derived")
    return s


def _signalling_system(pub: Mapping[str, Any], truth: Mapping[str, Any], m: int) -> LinearSystem:
    """Early signalling: k(org, pop, N) nested over N and bounded by n(pop); a first incident is
    preceded by a contact of some organisation iff by one of the listed organisations, so
    max_org k(org) <= k(all) <= sum_org k(org); the lead-time n (first incidents with any earlier own
    contact) is between k(all, first_incidents, max N) and n(first_incidents). Derived targets: the
    first incidents whose contacts all start more than max N years before (lead n − k(all, max N)),
    and the differences of nested counts of 'all'."""
    s = LinearSystem("early_signalling (+ lead_time)", m)
    tr = truth["signalling"]
    t = pub["early_signalling"].tables["table"]
    n_vars = {pop: s.var(f"n[{pop}]", true=v) for pop, v in tr["n"].items()}
    k_vars = {key: s.var(f"k{key}", true=v) for key, v in tr["k"].items()}
    rows = []
    for i in range(len(t)):
        key = (str(t["organisation"].iloc[i]), int(t["years"].iloc[i]), str(t["population"].iloc[i]))
        rows.append((f"signalling{key}", _v(k_vars[key]), _v(n_vars[key[2]])))
    add_shares(s, t, rows, k="preceded", n="n", share="share")
    orgs = list(dict.fromkeys(k[0] for k in tr["k"]))
    years = sorted({k[1] for k in tr["k"]})
    for org in orgs:
        for pop in n_vars:
            for y0, y1 in itertools.pairwise(years):
                s.le(
                    _plus(_v(k_vars[(org, y0, pop)]), _v(k_vars[(org, y1, pop)]), sign=[1, -1]), 0.0, "nested"
                )
            s.le(_plus(_v(k_vars[(org, years[-1], pop)]), _v(n_vars[pop]), sign=[1, -1]), 0.0, "k <= n")
    others = [o for o in orgs if o != "all"]
    for pop in n_vars:
        for y in years:
            total = _v(k_vars[("all", y, pop)])
            s.le(
                _plus(total, *(_v(k_vars[(o, y, pop)]) for o in others), sign=[1.0] + [-1.0] * len(others)),
                0.0,
                "all <= sum of organisations",
            )
            for o in others:
                s.le(_plus(_v(k_vars[(o, y, pop)]), total, sign=[1, -1]), 0.0, "organisation <= all")
    lead = s.var("lead_n", true=tr["lead_n"])
    k_max = _v(k_vars[("all", years[-1], "first_incidents")])
    s.le(_plus(k_max, _v(lead), sign=[1, -1]), 0.0, "preceded within max N <= has a lead time")
    s.le(_plus(_v(lead), _v(n_vars["first_incidents"]), sign=[1, -1]), 0.0, "lead n <= first incidents")
    add_counts(s, pub["early_signalling"].tables["lead_time"], "n", [("lead_time", _v(lead))])
    s.target(
        f"first incidents with contacts only more than {years[-1]} years before (lead_time.n - preceded)",
        _plus(_v(lead), k_max, sign=[1, -1]),
        kind="derived",
    )
    for pop in n_vars:
        for y0, y1 in itertools.pairwise(years):
            s.target(
                f"all/{pop}: first contact in ({y0}, {y1}] years (difference of nested counts)",
                _plus(_v(k_vars[("all", y1, pop)]), _v(k_vars[("all", y0, pop)]), sign=[1, -1]),
                kind="derived",
            )
    return s


def overlap_system(
    comb: pd.DataFrame,
    pairs: pd.DataFrame,
    known: pd.DataFrame,
    truth: Mapping[frozenset[str], int],
    organisations: Sequence[str],
    unit: str,
    m: int,
) -> LinearSystem:
    """Indicator 6 for one unit.

    Variables: the count of each non-empty combination of the organisations, >= 0. The table lists
    every combination, empty ones included, so a listed suppressed combination may be 0; a
    combination that is *not* listed is read as known to be empty (a fixed 0: what a table that
    lists combinations tells by leaving one out; famgraph lists them all). Relations: published
    counts; known_1plus = sum of all, known_2plus = sum of the multi-organisation ones, share =
    known_2plus / known_1plus; both(x, y) = sum over combinations holding x and y, either(x, y) =
    sum over those holding x or y, jaccard = both / either. Derived targets (sums of combinations,
    never tabulated): the number known to each organisation, to exactly one of each pair (either −
    both) and to exactly one organisation (known_1plus − known_2plus).
    """
    s = LinearSystem(f"agency_overlap[{unit}]", m)
    c = comb[comb["unit"] == unit].reset_index(drop=True)
    listed = [frozenset(str(name).split("+")) for name in c["combination"]]
    if len(set(listed)) != len(listed):
        raise AttackerError(f"agency_overlap[{unit}]: a combination is listed twice")
    var: dict[frozenset[str], str] = {}
    for r in range(1, len(organisations) + 1):
        for combo in itertools.combinations(organisations, r):
            key = frozenset(combo)
            var[key] = s.var(f"[{'+'.join(combo)}]", true=float(truth.get(key, 0)))
            if key not in listed:
                s.eq(_v(var[key]), 0.0, f"combination {'+'.join(combo)} not listed: empty")
    for key in itertools.chain(listed, truth):
        if key not in var:
            raise AttackerError(f"combination {sorted(key)} of unknown organisations")
    add_counts(
        s,
        c,
        "count",
        [(f"combination {name}", _v(var[key])) for key, name in zip(listed, c["combination"], strict=True)],
    )
    k = known[known["unit"] == unit].reset_index(drop=True)
    all_ = {v: 1.0 for v in var.values()}
    multi = {v: 1.0 for key, v in var.items() if len(key) >= 2}
    add_shares(s, k, [("known", multi, all_)], k="known_2plus", n="known_1plus", share="share")
    p = pairs[pairs["unit"] == unit].reset_index(drop=True)
    rows = []
    for x, y in zip(p["organisation_a"], p["organisation_b"], strict=True):
        both = {v: 1.0 for key, v in var.items() if x in key and y in key}
        either = {v: 1.0 for key, v in var.items() if x in key or y in key}
        rows.append((f"pair {x}&{y}", both, either))
    add_shares(s, p, rows, k="both", n="either", share="jaccard")
    for o in organisations:
        s.target(f"known to {o}", {v: 1.0 for key, v in var.items() if o in key}, kind="derived")
    for x, y in itertools.combinations(organisations, 2):
        s.target(
            f"known to exactly one of {x}, {y} (either - both)",
            {v: 1.0 for key, v in var.items() if (x in key) != (y in key)},
            kind="derived",
        )
    s.target(
        "known to exactly one (known_1plus - known_2plus)",
        {var[k]: 1.0 for k in var if len(k) == 1},
        kind="derived",
    )
    return s


def _overlap_systems(pub: Mapping[str, Any], truth: Mapping[str, Any], m: int) -> list[LinearSystem]:
    r = pub["agency_overlap"]
    return [
        overlap_system(
            r.tables["table"],
            r.tables["pairs"],
            r.tables["known"],
            truth["overlap"][unit],
            truth["overlap"]["organisations"],
            unit,
            m,
        )
        for unit in ("person", "family")
    ]


def _repeat_system(pub: Mapping[str, Any], truth: Mapping[str, Any], m: int) -> LinearSystem:
    s = LinearSystem("repeat_incidents", m)
    t = pub["repeat_incidents"].tables["table"]
    rows = []
    for unit in t["unit"]:
        n, k = truth["repeat"][str(unit)]
        kv = s.var(f"repeat[{unit}]", true=k)
        ov = s.var(f"no_repeat[{unit}]", true=n - k)
        rows.append((f"repeat[{unit}]", _v(kv), {kv: 1.0, ov: 1.0}))
    add_shares(s, t, rows, k="repeat", n="n", share="share")
    return s


#: The groups of linked published tables, by name (each a list of independent linear systems).
SYSTEMS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any], int], list[LinearSystem]]] = {
    "victim_to_perpetrator": lambda pub, truth, m: [_vtp_system(pub, truth, m)],
    "relative_exposure": _relative_exposure_systems,
    "population": lambda pub, truth, m: [_population_system(pub, truth, m)],
    "chains": lambda pub, truth, m: [_chains_system(pub, truth, m)],
    "early_signalling": lambda pub, truth, m: [_signalling_system(pub, truth, m)],
    "agency_overlap": _overlap_systems,
    "repeat_incidents": lambda pub, truth, m: [_repeat_system(pub, truth, m)],
}


def audit_results(
    pub: Mapping[str, Any],
    truth: Mapping[str, Any],
    m: int,
    *,
    only: Iterable[str] | None = None,
    stop_on_leak: bool = False,
    screen: float | None = None,
) -> dict[str, list[Finding]]:
    """Every group of linked published tables of one run (``pub``: name → Result) against the true
    counts (``truth``, see above). Returns the findings per group (``screen``: see
    :meth:`LinearSystem.solve`; 1 suffices to find leaks, the default min_cell also measures
    every range narrower than min_cell exactly)."""
    out: dict[str, list[Finding]] = {}
    for name in only if only is not None else SYSTEMS:
        out[name] = [
            f for s in SYSTEMS[name](pub, truth, m) for f in s.solve(stop_on_leak=stop_on_leak, screen=screen)
        ]
    return out
