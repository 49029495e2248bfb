"""A whole-output attacker: every number one famgraph run publishes, against every hidden count.

The per-result attacker (``sdc_attack``) writes the linear relations *within* an indicator result.
A reader of one run has more: the overview, the data-quality scan, the loader's warnings, the
linkage report, every indicator table, the readings, the figures and the JSON of
``famgraph indicators`` — all about the same persons. This module

1. maps every published number (:mod:`published` reads them as shown) to its meaning, a linear
   function of the per-record coefficients of :mod:`whole_output_oracle` (a count: ``Σ coef``; a
   share k/n shown to d decimals: ``lo·n ≤ k ≤ hi·n``), and lists every number it cannot map
   with the reason (:class:`Unmapped`: a model coefficient, a Kaplan–Meier value, a quartile, a
   parameter, a date …);
2. groups the records of each universe by *signature* (their coefficients in every mapped count)
   into atoms, whose counts are the unknowns (>= 0), adds the atoms of a *corpus* of other
   populations' records (count 0 here: the reader cannot rule such records out, and more atoms
   only widen the ranges), writes every published number as an (in)equality, checks every one
   against the true atom counts (:class:`sdc_attack.AttackerError` when one is false), and
3. solves min / max of every hidden count with HiGHS (integrality relaxed: ranges are, if
   anything, too wide). A hidden count is *disclosed* when its range is narrower than min_cell,
   *recovered* when it is pinned to one value. Each finding names the published numbers that pin
   it (the non-zero duals of the LP): a certificate a person can check by hand.

A hidden count that no record of any population counts toward cannot be assessed (every atom has
coefficient 0 in it: it would look pinned at 0 only because the support is unknown); it is
reported as ``unassessed``, never as a leak.

Example
-------
>>> s = AtomSystem("doc", 10)
>>> s.add_universe("P", [{("k", "a"): 1, ("k", "t"): 1}] * 3 + [{("k", "b"): 1, ("k", "t"): 1}] * 20,
...                corpus=[])
>>> s.publish({("k", "t"): 1.0}, 23, 23, "total")
>>> s.publish({("k", "b"): 1.0}, 20, 20, "b")
>>> s.hide({("k", "a"): 1.0}, "a")
>>> [(f.target, f.lo, f.hi, f.disclosed) for f in s.solve()]
[('a', 3.0, 3.0, True)]
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .published import FigureCapture, HtmlTable, Page, Shown, TextBlock, flatten_json, numbers_in, shown
from .sdc_attack import AttackerError
from .whole_output_oracle import K, Key, Universe

Expr = dict[Key, float]
EXACT = 1e-6
TOL = 1e-6


# ---- what is published -----------------------------------------------------------------------------


@dataclass
class Item:
    """A published count (``lo``..``hi``: exact or a rounding interval), or a hidden one."""

    expr: Expr
    lo: float
    hi: float
    hidden: bool
    where: str
    text: str
    source: str


@dataclass
class Ratio:
    """A published share num/den shown with rounding: lo <= num/den <= hi."""

    num: Expr
    den: Expr
    lo: float
    hi: float
    where: str
    text: str
    source: str


@dataclass
class Unmapped:
    where: str
    text: str
    reason: str
    source: str


@dataclass
class Published:
    items: list[Item] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    #: numbers not accounted for at all (a test failure: every number is mapped or listed)
    unaccounted: list[Unmapped] = field(default_factory=list)
    #: disjunctive facts (for the record; not used by the LP)
    facts: list[str] = field(default_factory=list)

    def count(self, expr: Expr, s: Shown, where: str, source: str) -> None:
        if s.hidden:
            self.items.append(Item(expr, -math.inf, math.inf, True, where, s.text, source))
        elif s.value is None:
            self.unmapped.append(Unmapped(where, s.text, "NA: undefined, no value", source))
        else:
            self.items.append(Item(expr, s.lo, s.hi, False, where, s.text, source))

    def ratio(self, num: Expr, den: Expr, s: Shown, where: str, source: str) -> None:
        if s.hidden:
            return  # a hidden estimate adds no relation; its counts are targets on their own
        if s.value is None:
            self.unmapped.append(Unmapped(where, s.text, "NA: undefined share (empty denominator)", source))
            return
        self.ratios.append(Ratio(num, den, s.lo, s.hi, where, s.text, source))

    def skip(self, where: str, text: str, reason: str, source: str) -> None:
        self.unmapped.append(Unmapped(where, text, reason, source))

    def unknown(self, where: str, text: str, reason: str, source: str) -> None:
        self.unaccounted.append(Unmapped(where, text, reason, source))


def _sum(*exprs: Expr, sign: Sequence[float] | None = None) -> Expr:
    out: Expr = defaultdict(float)
    for i, e in enumerate(exprs):
        s = 1.0 if sign is None else sign[i]
        for k, v in e.items():
            out[k] += s * v
    return {k: v for k, v in out.items() if v}


def _one(key: Key) -> Expr:
    return {key: 1.0}


# ---- labels of the English report (as printed; a change here fails the coverage test) ------------

SEX_LABEL = {"female": "F", "male": "M", "unknown": "U"}
ROLE_LABEL = {r: r for r in ("victim", "perpetrator", "witness", "other")}
RELATION_LABEL = {
    "parent": "parent",
    "grandparent": "grandparent",
    "full sibling": "full_sibling",
    "half sibling": "half_sibling",
    "aunt/uncle": "aunt_uncle",
    "first cousin": "first_cousin",
    "partner": "partner",
    "child": "child",
    "grandchild": "grandchild",
    "niece/nephew": "niece_nephew",
}
UNIT_LABEL = {"persons": "person", "nuclear families": "family"}
GROUP_LABEL = {"cases": "case", "non-cases": "non_case"}
POP_LABEL = {"own contacts": "first_incidents", "minors: own or a parent's contacts": "minors_self_or_parent"}
STRATUM_LABEL = {"overall": "overall", "by sex": "sex", "by birth decade": "birth_decade"}
MEASURE_LABEL = {
    "links (parent → child)": "links",
    "persons at the end of a chain of ≥ 1 link": "chain_ge1",
    "persons at the end of a chain of ≥ 2 links": "chain_ge2",
    "persons at the end of a chain of ≥ 3 links": "chain_ge3",
}
KIND_LABEL = {
    "child maltreatment": "child_maltreatment",
    "partner violence": "partner_violence",
    "elder abuse": "elder_abuse",
}
HEADER = {  # English header → column of the result table
    "Exposed": "n_exposed",
    "Exposed with outcome": "a",
    "Exposed without outcome": "b",
    "Not exposed": "n_unexposed",
    "Not exposed with outcome": "c",
    "Not exposed without outcome": "d",
    "Risk if exposed": "risk_exposed",
    "Risk if not exposed": "risk_unexposed",
    "Risk ratio": "risk_ratio",
    "Odds ratio": "odds_ratio",
    "Crude risk ratio": "risk_ratio",
    "Crude odds ratio": "odds_ratio",
    "Risk difference": "risk_difference",
    "Stratum": "stratum",
    "Level": "level",
    "Relation": "relation",
    "Relative's role": "relative_role",
    "Own role": "proband_role",
    "Measure": "measure",
    "Count": "count",
    "Population": "population",
    "Observed persons": "observed",
    "Cases": "cases",
    "K (share of cases)": "K",
    "Relatives of cases": "relatives",
    "Relatives who are cases": "case_relatives",
    "K_R": "K_R",
    "λ_R": "lambda",
    "Unit": "unit",
    "Total": "n",
    "With a repeat": "repeat",
    "Share": "share",
    "GIF": "gif",
    "Mean control GIF": "mean_sim",
    "Case pairs": "n_pairs",
    "p-value": "p_value",
    "Control sets": "n_sim",
    "Group": "group",
    "Mean": "mean",
    "First quartile": "q1",
    "Median": "median",
    "Third quartile": "q3",
    "Organisation": "organisation",
    "Look-back (years)": "years",
    "Preceded by a contact": "preceded",
    "Combination": "combination",
    "Organisations": "n_organisations",
    "Organisation A": "organisation_a",
    "Organisation B": "organisation_b",
    "Known to either": "either",
    "Known to both": "both",
    "Jaccard": "jaccard",
    "Known to ≥ 1": "known_1plus",
    "Known to ≥ 2": "known_2plus",
    "Model": "model",
    "Term": "term",
    "Coefficient": "coef",
    "Standard error": "se",
    "χ²": "chi2",
    "Observed (exposed)": "observed_exposed",
    "Expected (exposed)": "expected_exposed",
    "Observed (not exposed)": "observed_unexposed",
    "Expected (not exposed)": "expected_unexposed",
    "Valid bootstrap samples": "n_boot_valid",
}
TABLE_CAPTION = {
    "Table": "table",
    "Kaplan–Meier estimates": "km",
    "Log-rank test": "logrank",
    "Continuation: link victims who later became link perpetrators": "continuation",
    "Control-set GIF values": "null",
    "Lead time from the earliest own contact to the first incident (days)": "lead_time",
    "Pairs of organisations (Jaccard index)": "pairs",
    "Known to two or more organisations": "known",
    "Crude 2×2 table": "crude",
}

#: Why each non-count column of an indicator table is not mapped (non-linear in the counts).
NONLINEAR = {
    "risk_ratio": "ratio of two shares (non-linear in the counts)",
    "odds_ratio": "odds ratio (non-linear in the counts)",
    "odds_ratio_raw": "odds ratio (non-linear in the counts)",
    "risk_difference": "difference of two shares (non-linear in the counts)",
    "or_corrected": "a flag of the odds ratio (a zero cell: Haldane–Anscombe), shown with published cells",
    "lambda": "λ_R = K_R / K (non-linear)",
    "n_boot_valid": "bootstrap replicates, not a count of records",
    "gif": "kinship-weighted mean over case pairs (non-linear)",
    "mean_sim": "mean GIF of random control sets (non-linear)",
    "p_value": "permutation p-value (non-linear)",
    "n_sim": "a parameter (control sets drawn)",
    "mean": "mean FIR (non-linear)",
    "q1": "a quartile (can be one record's value; non-linear)",
    "median": "a median (can be one record's value; non-linear)",
    "q3": "a quartile (can be one record's value; non-linear)",
    "chi2": "log-rank statistic (non-linear)",
    "coef": "model coefficient (non-linear)",
    "se": "standard error (non-linear)",
    "lower": "confidence bound (non-linear)",
    "upper": "confidence bound (non-linear)",
    "n_organisations": "the number of organisations in the combination's name, not a count of records",
    "years": "a parameter (look-back)",
    "time_years": "Kaplan–Meier time (non-linear; the per-result audit bounds its steps)",
    "cumulative_incidence": "Kaplan–Meier estimate (non-linear; the per-result audit bounds its steps)",
}


def _ci_reason(col: str) -> str | None:
    for suffix in ("_lower", "_upper"):
        if col.endswith(suffix):
            return "confidence bound (non-linear in the counts)"
    return None


# ---- the meaning of each indicator number ---------------------------------------------------------


class Meaning:
    """Expressions of the published numbers over the oracle's keys (needs the oracle's key set:
    "every key like this" is a sum over the keys it has)."""

    def __init__(
        self,
        universes: Mapping[str, Universe],
        min_cell: int,
        vtp_levels: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.keys = {k for u in universes.values() for k in u.cols}
        self.m = min_cell
        levels = vtp_levels or {}
        self.vtp_sexes = list(levels.get("sex", ())) or sorted(
            {k[2] for k in self.keys if k[:2] == ("P", "vtp")}
        )
        self.vtp_decades = list(levels.get("birth_decade", ())) or sorted(
            {k[3] for k in self.keys if k[:2] == ("P", "vtp")}
        )

    def has(self, key: Key) -> bool:
        return key in self.keys or key[:3] in (("P", "lk", "conflict"),)

    # 2×2 tables: the four cell expressions of a row
    def cells(self, indicator: str, table: str, row: Mapping[str, Any]) -> dict[str, Expr] | None:
        if indicator in ("victim_to_perpetrator", "adjusted_association") and table in ("table", "crude"):
            stratum = str(row.get("stratum", "overall"))
            level = str(row.get("level", "all"))
            sexes = [level] if stratum == "sex" else self.vtp_sexes
            decades = [level] if stratum == "birth_decade" else self.vtp_decades
            # every sex × decade of the published strata (a cell nobody is in is a zero count)
            return {c: {K.vtp(s, d, c): 1.0 for s in sexes for d in decades} for c in "abcd"}
        if indicator == "relative_exposure" and table == "table":
            rel, ra, rb = str(row["relation"]), str(row["relative_role"]), str(row["proband_role"])
            return {c: _one(K.re(rel, ra, rb, c)) for c in "abcd"}
        if indicator == "chains" and table == "continuation":
            return {c: _one(K.ch("cont_" + c)) for c in "abcd"}
        return None

    def two_by_two(self, cells: Mapping[str, Expr]) -> dict[str, Expr]:
        a, b, c, d = (cells[x] for x in "abcd")
        return {
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            "n_exposed": _sum(a, b),
            "n_unexposed": _sum(c, d),
            "n_outcome": _sum(a, c),
            "n_no_outcome": _sum(b, d),
            "n": _sum(a, b, c, d),
        }

    def ov_sum(self, unit: str, pred: Callable[[frozenset[str]], bool]) -> Expr:
        u = "F" if unit == "family" else "P"
        return {k: 1.0 for k in self.keys if k[:2] == (u, "ov") and pred(frozenset(str(k[2]).split("+")))}


#: JSON paths of the 2×2 numbers → column names
JSON_2X2 = {
    ("exposed", "outcome"): "a",
    ("exposed", "no_outcome"): "b",
    ("unexposed", "outcome"): "c",
    ("unexposed", "no_outcome"): "d",
    ("margins", "exposed"): "n_exposed",
    ("margins", "unexposed"): "n_unexposed",
    ("margins", "outcome"): "n_outcome",
    ("margins", "no_outcome"): "n_no_outcome",
    ("margins", "total"): "n",
}


def map_indicator_value(
    pub: Published,
    mean: Meaning,
    indicator: str,
    table: str,
    row: Mapping[str, Any],
    column: str,
    s: Shown,
    where: str,
    source: str,
) -> None:
    """One published number of an indicator table (``row``: the row's key columns)."""
    cells = mean.cells(indicator, table, row)
    if cells is not None:
        f = mean.two_by_two(cells)
        if column in f:
            pub.count(f[column], s, where, source)
            return
        if column == "risk_exposed":
            pub.ratio(f["a"], f["n_exposed"], s, where, source)
            return
        if column == "risk_unexposed":
            pub.ratio(f["c"], f["n_unexposed"], s, where, source)
            return
    reason = _ci_reason(column) or NONLINEAR.get(column)
    if indicator == "victim_to_perpetrator" and table == "logrank":
        overall = mean.two_by_two(mean.cells(indicator, "table", {"stratum": "overall"}) or {})
        if column == "observed_exposed":
            pub.count(overall["a"], s, where, source)
            return
        if column == "observed_unexposed":
            pub.count(overall["c"], s, where, source)
            return
        if column in ("expected_exposed", "expected_unexposed"):
            pub.skip(where, s.text, "log-rank expected count (non-linear; their sum is a + c, used)", source)
            return
    if indicator == "victim_to_perpetrator" and table == "km":
        pub.skip(where, s.text, reason or "Kaplan–Meier curve (non-linear)", source)
        return
    if indicator == "chains" and table == "table" and column == "count":
        pub.count(
            _one(
                K.ch({"links": "links"}.get(str(row["measure"]), str(row["measure"]).replace("chain_", "")))
            ),
            s,
            where,
            source,
        )
        return
    if indicator == "recurrence_risk" and table == "table":
        rel = str(row["relation"])
        e = {
            "observed": _one(K.rec("observed")),
            "cases": _one(K.rec("cases")),
            "relatives": _one(K.rec("relatives", rel)),
            "case_relatives": _one(K.rec("case_relatives", rel)),
        }
        if column in e:
            pub.count(e[column], s, where, source)
            return
        if column == "K":
            pub.ratio(e["cases"], e["observed"], s, where, source)
            return
        if column == "K_R":
            pub.ratio(e["case_relatives"], e["relatives"], s, where, source)
            return
    if indicator == "repeat_incidents" and table == "table":
        unit = str(row["unit"])
        n, k = _one(K.rep(unit, "n")), _one(K.rep(unit, "repeat"))
        if column == "n":
            pub.count(n, s, where, source)
            return
        if column == "repeat":
            pub.count(k, s, where, source)
            return
        if column == "share":
            pub.ratio(k, n, s, where, source)
            return
    if indicator == "gif" and table == "table":
        if column == "n_cases":
            pub.count(_one(K.rec("cases")), s, where, source)
            return
        if column == "n_pairs":
            if s.hidden:
                return
            if s.value is not None and s.exact:
                n = (1 + math.sqrt(1 + 8 * s.value)) / 2
                pub.count(
                    _one(K.rec("cases")),
                    Shown(s.text, "count", n, n, n),
                    where + " (n_pairs = n(n−1)/2)",
                    source,
                )
            else:
                pub.skip(where, s.text, "n(n−1)/2 shown rounded", source)
            return
    if indicator == "gif" and table == "null":
        pub.skip(where, s.text, "a simulated GIF (non-linear)", source)
        return
    if indicator == "fir" and table == "table" and column == "n":
        pub.count(_one(K.fir(str(row["group"]))), s, where, source)
        return
    if indicator == "early_signalling" and table == "table":
        pop = str(row["population"])
        n = _one(K.es_n(pop))
        k = _one(K.es_k(str(row["organisation"]), int(float(row["years"])), pop))
        if column == "n":
            pub.count(n, s, where, source)
            return
        if column == "preceded":
            pub.count(k, s, where, source)
            return
        if column == "share":
            pub.ratio(k, n, s, where, source)
            return
    if indicator == "early_signalling" and table == "lead_time" and column == "n":
        pub.count(_one(K.lead()), s, where, source)
        return
    if indicator == "agency_overlap":
        unit = str(row["unit"])
        if table == "table" and column == "count":
            combo = str(row["combination"]).replace(" + ", "+").split("+")
            pub.count(_one(K.ov(unit, combo)), s, where, source)
            return
        if table == "pairs":
            a, b = str(row["organisation_a"]), str(row["organisation_b"])
            both = mean.ov_sum(unit, lambda c: a in c and b in c)
            either = mean.ov_sum(unit, lambda c: a in c or b in c)
            if column == "both":
                pub.count(both, s, where, source)
                return
            if column == "either":
                pub.count(either, s, where, source)
                return
            if column == "jaccard":
                pub.ratio(both, either, s, where, source)
                return
        if table == "known":
            one = mean.ov_sum(unit, lambda c: True)
            two = mean.ov_sum(unit, lambda c: len(c) >= 2)
            if column == "known_1plus":
                pub.count(one, s, where, source)
                return
            if column == "known_2plus":
                pub.count(two, s, where, source)
                return
            if column == "share":
                pub.ratio(two, one, s, where, source)
                return
    if reason:
        pub.skip(where, s.text, reason, source)
        return
    pub.unknown(where, s.text, f"no meaning for {indicator}.{table}.{column}", source)


# ---- the indicators JSON -----------------------------------------------------------------------------

#: key columns of each table (row identity), per indicator table
KEY_COLUMNS = {
    ("victim_to_perpetrator", "table"): ("stratum", "level"),
    ("victim_to_perpetrator", "km"): ("group",),
    ("relative_exposure", "table"): ("relation", "relative_role", "proband_role"),
    ("chains", "table"): ("measure",),
    ("chains", "continuation"): ("population",),
    ("recurrence_risk", "table"): ("relation",),
    ("repeat_incidents", "table"): ("unit",),
    ("fir", "table"): ("group",),
    ("early_signalling", "table"): ("organisation", "years", "population"),
    ("agency_overlap", "table"): ("unit", "combination"),
    ("agency_overlap", "pairs"): ("unit", "organisation_a", "organisation_b"),
    ("agency_overlap", "known"): ("unit",),
    ("adjusted_association", "table"): ("term",),
    ("adjusted_association", "crude"): ("model",),
}
TEXT_FIELDS = {"definition", "disclosure_control", "note", "famgraph_version", "schema_version"}


def _json_shown(v: Any, *, count: bool) -> Shown:
    if v is None:
        return Shown("null", "hidden", None, -math.inf, math.inf, hidden=True)
    x = float(v)
    if count:
        return Shown(str(v), "count", x, x, x)
    h = 1e-12 * max(1.0, abs(x))
    return Shown(repr(v), "number", x, x - h, x + h)


COUNT_COLUMNS = frozenset(
    {
        "a",
        "b",
        "c",
        "d",
        "n_exposed",
        "n_unexposed",
        "n_outcome",
        "n_no_outcome",
        "n",
        "count",
        "observed",
        "cases",
        "relatives",
        "case_relatives",
        "repeat",
        "n_cases",
        "preceded",
        "either",
        "both",
        "known_1plus",
        "known_2plus",
        "observed_exposed",
        "observed_unexposed",
        "n_pairs",
    }
)


def map_indicators_json(pub: Published, mean: Meaning, doc: Mapping[str, Any], source: str = "json") -> None:
    """Every leaf of the document of ``famgraph indicators --json``."""
    for path, v in flatten_json(
        {k: v for k, v in doc.items() if not isinstance(v, dict) or k in ("parameters", "dataset")}
    ):
        where = "/".join(path)
        _json_top(pub, path, v, where, source)
    for name, res in doc.items():
        if not isinstance(res, dict) or name in ("parameters", "dataset"):
            continue
        for key in ("definition", "disclosure_control", "note", "empty"):
            if key in res:
                _text_numbers(pub, f"{name}/{key}", str(res[key]), source, kind="json_text")
        for path, v in flatten_json(res.get("parameters", {})):
            _parameter(pub, f"{name}/parameters/" + "/".join(path), v, source)
        for table, records in res.get("tables", {}).items():
            if name == "gif" and table == "null":
                for i, rec in enumerate(records):
                    for k, v in rec.items():
                        if k != "suppressed" and v is not None:
                            pub.skip(
                                f"{name}/{table}/[{i}]/{k}",
                                str(v),
                                "a simulated GIF value (non-linear)",
                                source,
                            )
                continue
            if table in NOT_MODELLED_JSON:
                for i, rec in enumerate(records):
                    for p, v in flatten_json(rec):
                        if p[0] != "suppressed" and v is not None:
                            pub.skip(
                                f"{name}/{table}/[{i}]/" + "/".join(p),
                                str(v),
                                f"not modelled yet: {NOT_MODELLED_JSON[table]}",
                                source,
                            )
                continue
            for i, rec in enumerate(records):
                row = {c: rec.get(c) for c in KEY_COLUMNS.get((name, table), ())}
                for p, v in flatten_json(rec):
                    col = JSON_2X2.get(p) if len(p) == 2 else p[0]
                    where = f"{name}/{table}/[{i}]/" + "/".join(p)
                    if p == ("suppressed",) or (len(p) == 2 and p[0] == "suppressed"):
                        continue
                    if col in MATCHED_JSON_COLUMNS:
                        if v is not None:
                            pub.skip(
                                where, str(v), "matched estimate or verdict of the row (issue #12)", source
                            )
                        continue
                    if col is None or col in row or col in ("group", "model", "term"):
                        _text_numbers(pub, where, str(v), source, kind="json_key")
                        continue
                    if isinstance(v, bool):
                        pub.skip(where, str(v), NONLINEAR.get(col, "a flag"), source)
                        continue
                    if isinstance(v, str):
                        _text_numbers(pub, where, v, source, kind="json_key")
                        continue
                    s = _json_shown(v, count=col in COUNT_COLUMNS)
                    map_indicator_value(pub, mean, name, table, row, col, s, where, source)


def _json_top(pub: Published, path: tuple[str, ...], v: Any, where: str, source: str) -> None:
    if path[0] == "dataset":
        e = {
            "persons": _one(K.all()),
            "incidents": _one(K.incidents()),
            "event_rows": _one(K.rows()),
            "contacts": _one(K.contacts()),
        }.get(path[1])
        if e is not None:
            pub.count(e, _json_shown(v, count=True), where, source)
        elif path[1] == "generations":
            pub.skip(where, str(v), "levels of the family graph (a maximum, not a count of records)", source)
        elif path[1] == "organisations":
            pub.skip(where, str(v), "the number of organisations, each named in the results", source)
        elif path[1] == "fingerprint":
            pub.skip(where, str(v), "SHA-256 of the whole loaded dataset (schema 1.3), not a count", source)
        else:
            pub.unknown(where, str(v), "unknown dataset field", source)
        return
    if path[0] == "parameters":
        _parameter(pub, where, v, source)
        return
    _text_numbers(pub, where, str(v), source, kind="json_text")


def _parameter(pub: Published, where: str, v: Any, source: str) -> None:
    if v is None or isinstance(v, bool):
        return
    if isinstance(v, int | float):
        pub.skip(where, str(v), "a parameter of the run", source)
        return
    for tok in numbers_in(str(v)):
        pub.skip(where, tok, "a parameter of the run", source)


_DATE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")  # a day, or a month (window ends read off the data)
_VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")


def _text_numbers(
    pub: Published, where: str, text: str, source: str, *, kind: str, allowed: Iterable[str] = ()
) -> None:
    """Numbers in running text: dates, versions and the listed constants are accounted for; any
    other number is left unaccounted (a failure of the coverage check) unless ``kind`` allows it."""
    t = _DATE.sub(" ", text)
    t = _VERSION.sub(" ", t)
    ok = set(allowed)
    for tok in numbers_in(t):
        if re.fullmatch(r"<\d+", tok):
            pub.skip(where, tok, "the suppression mark", source)
        elif kind in ("json_text", "json_definition"):
            pub.skip(
                where,
                tok,
                "fixed wording of the library (a definition, the disclosure stamp, a version)",
                source,
            )
        elif tok in ok or (kind == "json_key"):
            pub.skip(where, tok, "a label, key or constant of the text", source)
        else:
            pub.unknown(where, tok, f"a number in {kind} text", source)


# ---- the HTML report -----------------------------------------------------------------------------


def _table_where(t: HtmlTable, i: int, j: int) -> str:
    return t.where(i, j)


def map_html(
    pub: Published,
    mean: Meaning,
    page: Page,
    *,
    m: int,
    organisations: Sequence[str],
    json_doc: Mapping[str, Any] | None,
    allowed_text: Mapping[str, Iterable[str]],
) -> None:
    """Every number of the page: tables (mapped), texts (accounted for), images (alt text)."""
    for t in page.tables:
        if t.section == "overview":
            _overview_table(pub, t, organisations)
        elif t.section == "quality":
            _quality_table(pub, t, page)
        elif t.section == "indicators":
            _indicator_table(pub, mean, t)
        else:
            for i, row in enumerate(t.rows):
                for j, c in enumerate(row):
                    for tok in numbers_in(c.text + " " + c.sub):
                        pub.unknown(_table_where(t, i, j), tok, "table outside the known sections", "html")
    for tb in page.texts:
        _html_text(pub, tb, m, json_doc, allowed_text)
    for img in page.images:
        if img.section == "pedigree":
            for tok in numbers_in(img.alt):
                pub.skip(
                    "pedigree/img alt",
                    tok,
                    "the example pedigree (individual-level, synthetic data only)",
                    "html",
                )
            continue
        _text_numbers(
            pub,
            f"{img.section}/{img.article}/img alt",
            img.alt,
            "html",
            kind="alt",
            allowed=allowed_text.get("alt", ()),
        )


def _cell_shown(c: Any, kind: str | None = None) -> Shown:
    return shown(c.text, kind=kind)


def _overview_table(pub: Published, t: HtmlTable, organisations: Sequence[str]) -> None:
    src = "html"
    if t.caption == "Key figures":
        keys = {
            "Persons": K.all(),
            "Persons without a birth date": K.no_birth(),
            "Family components (connected by parent–child links)": K.components(),
            "Partnerships": K.partnerships(),
            "Incidents": K.incidents(),
            "Incident participations (event rows)": K.rows(),
            "Contacts with organisations": K.contacts(),
        }
        for i, row in enumerate(t.rows):
            label, cell = row[0].text, row[1]
            where = _table_where(t, i, 1)
            if label in keys:
                pub.count(_one(keys[label]), _cell_shown(cell, "count"), where, src)
            elif label.startswith("Generations"):
                pub.skip(
                    where,
                    cell.text,
                    "levels of the family graph (a maximum; the generation table lists them)",
                    src,
                )
            elif label.startswith("Organisations"):
                pub.skip(
                    where,
                    cell.text,
                    "the number of organisations, each named in the table per organisation",
                    src,
                )
            else:
                pub.unknown(where, cell.text, f"unknown key figure {label!r}", src)
        return
    one_way: dict[str, tuple[Callable[[str], Key | None], Key | None, Iterable[str] | None]] = {
        "Persons by sex": (
            lambda x: K.sex(SEX_LABEL[x]) if x in SEX_LABEL else None,
            K.all(),
            SEX_LABEL.values(),
        ),
        "Persons by generation (0 = founders)": (
            lambda x: K.gen(int(x)) if x.isdigit() else None,
            K.all(),
            None,
        ),
        "Incident participations by role": (
            lambda x: K.rows_role(ROLE_LABEL[x]) if x in ROLE_LABEL else None,
            K.rows(),
            ROLE_LABEL.values(),
        ),
        "Incidents by kind": (lambda x: K.kind(KIND_LABEL.get(x, x)), None, None),
        "Incidents by year (date of the incident)": (
            lambda x: K.year(int(x)) if x.isdigit() else None,
            K.incidents(),
            None,
        ),
    }
    if t.caption in one_way:
        key_of, total, categories = one_way[t.caption]
        seen: set[Key] = set()
        for i, row in enumerate(t.rows):
            label, cell = row[0].text, row[1]
            where = _table_where(t, i, 1)
            if label == "Total" and total is not None:
                pub.count(_one(total), _cell_shown(cell, "count"), where, src)
                continue
            key = key_of(label)
            if key is None:
                pub.unknown(where, cell.text, f"unknown category {label!r}", src)
                continue
            seen.add(key)
            pub.count(_one(key), _cell_shown(cell, "count"), where, src)
        if categories is not None:  # a category left out has nobody in it (decisions, entry 27)
            for c in categories:
                key = key_of({v: k for k, v in (SEX_LABEL | ROLE_LABEL).items()}.get(c, c))
                if key is not None and key not in seen:
                    pub.count(
                        _one(key),
                        Shown("(left out)", "count", 0, 0, 0),
                        f"{t.where()} / {c} left out: empty",
                        src,
                    )
        return
    if t.caption == "Records per organisation":
        seen_orgs = set()
        for i, row in enumerate(t.rows):
            org = row[0].text
            seen_orgs.add(org)
            pub.count(_one(K.rows_org(org)), _cell_shown(row[1], "count"), _table_where(t, i, 1), src)
            pub.count(_one(K.contacts_org(org)), _cell_shown(row[2], "count"), _table_where(t, i, 2), src)
        for org in organisations:  # every organisation is named elsewhere (indicator 5 and 6)
            if org not in seen_orgs:
                z = Shown("(left out)", "count", 0, 0, 0)
                pub.count(_one(K.rows_org(org)), z, f"{t.where()} / {org} left out: empty", src)
                pub.count(_one(K.contacts_org(org)), z, f"{t.where()} / {org} left out: empty", src)
        return
    for i, row in enumerate(t.rows):
        for j, c in enumerate(row):
            for tok in numbers_in(c.text):
                pub.unknown(_table_where(t, i, j), tok, "unknown overview table", src)


#: (table, field) of the quality scan → the fields famgraph scans (docs/data_quality.md)
def _quality_table(pub: Published, t: HtmlTable, page: Page) -> None:
    src = "html"
    if t.caption.startswith("Lowest scored share"):
        # each cell is the lowest scored share of an (organisation, table, dimension) of "All
        # metrics" at one decimal of a percent: checked against it, not a number of its own
        full = next((x for x in page.tables if x.section == "quality" and x.caption == "All metrics"), None)
        for i, row in enumerate(t.rows):
            org, tab = row[0].text, row[1].text
            for j, c in enumerate(row[2:], start=2):
                where = _table_where(t, i, j)
                m_ = re.fullmatch(r"([\d.]+%) · (\w+)", c.text)
                if re.fullmatch(r"<\d+", c.text):
                    pub.skip(where, c.text, "the suppression mark (a suppressed metric of All metrics)", src)
                    continue
                if not m_:
                    for tok in numbers_in(c.text):
                        pub.unknown(where, tok, "quality summary cell", src)
                    continue
                s = shown(m_[1])
                dim = t.header[j]
                vals = []
                if full is not None:
                    for r in full.rows:
                        if (
                            r[0].text == org
                            and r[1].text == tab
                            and r[3].text == dim
                            and r[7].text in ("green", "amber", "red")
                        ):
                            vals.append(shown(r[5].text, kind="number"))
                if vals and any(v.lo - 5e-4 <= s.value <= v.hi + 5e-4 for v in vals if v.value is not None):  # type: ignore[operator]
                    pub.skip(where, c.text, "the lowest scored share of All metrics (checked)", src)
                else:
                    pub.unknown(where, c.text, "a summary share not found among All metrics", src)
        return
    if t.caption == "All metrics":
        for i, row in enumerate(t.rows):
            org, tab, fld, dim, _metric = (c.text for c in row[:5])
            value, n, score = row[5], row[6], row[7]
            wv, wn = _table_where(t, i, 5), _table_where(t, i, 6)
            if dim == "completeness":
                rows_, present = _one(K.q(org, tab, fld, "rows")), _one(K.q(org, tab, fld, "present"))
                pub.count(rows_, _cell_shown(n, "count"), wn, src)
                pub.ratio(present, rows_, _cell_shown(value, "number"), wv, src)
            elif dim == "validity":
                present = _one(K.q(org, tab, fld, "present"))
                pub.count(present, _cell_shown(n, "count"), wn, src)
                if value.text not in ("NA",) and not shown(value.text, kind="number").hidden:
                    s = shown(value.text, kind="number")
                    if not (s.lo <= 1.0 <= s.hi):
                        pub.unknown(wv, value.text, "validity of a Dataset below 1", src)
                    else:
                        pub.skip(
                            wv, value.text, "validity of a loaded Dataset: every present value is valid", src
                        )
            elif dim == "linkability":
                nn, kk = _one(K.q(org, "all", "person_id", "n")), _one(K.q(org, "all", "person_id", "k"))
                pub.count(nn, _cell_shown(n, "count"), wn, src)
                pub.ratio(kk, nn, _cell_shown(value, "number"), wv, src)
            elif dim in ("timeliness", "consistency"):
                for c, w in ((value, wv), (n, wn)):
                    if c.text != "NA":
                        pub.unknown(
                            w,
                            c.text,
                            f"{dim} measured (the oracle has no recorded_date / no second persons table)",
                            src,
                        )
            else:
                pub.unknown(wv, value.text, f"unknown dimension {dim}", src)
            if (
                score.text not in ("green", "amber", "red", "not scored", "not measurable")
                and not shown(score.text).hidden
                if re.match(r"^<\d+$", score.text)
                else score.text not in ("green", "amber", "red", "not scored", "not measurable")
            ):
                pub.unknown(_table_where(t, i, 7), score.text, "unknown score", src)
        return
    if t.caption in ("Validator findings", ""):
        # the loader's warnings (the scan's issues repeat them per organisation "(all)")
        hdr = t.header
        rule_col = hdr.index("rule") if "rule" in hdr else hdr.index("Check")
        count_col = hdr.index("Count") if "Count" in hdr else len(hdr) - 1
        for i, row in enumerate(t.rows):
            rule = row[rule_col].text
            where = _table_where(t, i, count_col)
            if "severity" in hdr and row[hdr.index("severity")].text != "warning":
                pub.unknown(where, row[count_col].text, "validator errors in a loaded Dataset", src)
                continue
            pub.count(_one(K.warn(rule)), _cell_shown(row[count_col], "count"), where, src)
        return
    if t.section == "quality" and t.caption in (
        "persons",
        "match_rates",
        "conflicts",
        "refinements",
        "totals",
    ):
        _linkage_html_table(pub, t)
        return
    for i, row in enumerate(t.rows):
        for j, c in enumerate(row):
            for tok in numbers_in(c.text):
                pub.unknown(_table_where(t, i, j), tok, "unknown quality table", src)


LINK_TOTALS = {
    "persons": K.all(),
    "linked_persons": K.lk("linked_any"),
    "unlinked_persons": K.lk("unlinked"),
    "persons_in_several_organisations": K.lk("several"),
    "partnerships_dropped_same_person": K.lk("pt_dropped"),
}


def linkage_value(
    pub: Published, table: str, row: Mapping[str, str], column: str, s: Shown, where: str, source: str
) -> None:
    """One number of the linkage report (any of its outputs)."""
    if table == "persons":
        org = row["organisation"]
        e = {
            "linked_persons": "linked",
            "records_without_pseudonym": "unlinked_rec",
            "duplicate_records": "dup",
        }.get(column)
        if e:
            pub.count(_one(K.lk(e, org)), s, where, source)
            return
    if table == "match_rates":
        a, b = row["organisation"], row["other"]
        n, both = _one(K.lk("linked", a)), _one(K.lk("both", *sorted((a, b))))
        if column == "n":
            pub.count(n, s, where, source)
            return
        if column == "found":
            pub.count(both, s, where, source)
            return
        if column == "not_found":
            pub.count(_sum(n, both, sign=[1, -1]), s, where, source)
            return
        if column == "share":
            pub.ratio(both, n, s, where, source)
            return
    if table == "conflicts" and column == "persons":
        pub.count(_one(K.lk("conflict", row["field"], row["resolution"])), s, where, source)
        return
    if table == "refinements" and column == "persons":
        pub.count(_one(K.lk("refined", row["field"])), s, where, source)
        return
    if table == "totals" and column == "count" and row["what"] in LINK_TOTALS:
        pub.count(_one(LINK_TOTALS[row["what"]]), s, where, source)
        return
    pub.unknown(where, s.text, f"no meaning for linkage {table}.{column}", source)


_LINK_HEADER = {"Organisation": "organisation", "Total": "n", "Share": "share", "Count": "count"}


def _linkage_html_table(pub: Published, t: HtmlTable) -> None:
    cols = [_LINK_HEADER.get(h, h) for h in t.header]
    keys = {"organisation", "other", "field", "resolution", "what"}
    for i, r in enumerate(t.rows):
        row = {c: cell.text for c, cell in zip(cols, r, strict=True) if c in keys}
        for j, (c, cell) in enumerate(zip(cols, r, strict=True)):
            if c in keys:
                continue
            kind = "number" if c == "share" else "count"
            linkage_value(pub, t.caption, row, c, shown(cell.text, kind=kind), _table_where(t, i, j), "html")


#: Tables of the matched headline (issue #12) that the LP does not model yet: pooled ratios and
#: quartiles are non-linear, and the cohort, rates and number-at-risk counts are not yet written as
#: relations over the atoms (docs/disclosure.md, "Whole-output audit": open items).
NOT_MODELLED = {
    "Matched estimates (same birth year, sex and recorded childhood household)": "matched estimates",
    "Birth cohorts in the window": "cohort table",
    "Ages at first recorded adult perpetration": "ages at first perpetration",
    "First adult perpetration per 1,000 person-years": "rates",
    "Number at risk under the Kaplan–Meier curves": "number at risk",
}
#: The same tables in the JSON, and the matched columns of 2×2 rows.
NOT_MODELLED_JSON = {
    "matched": "matched estimates",
    "verdict": "the verdict",
    "design": "cohort table",
    "ages": "ages at first perpetration",
    "rates": "rates",
    "at_risk": "number at risk",
}
MATCHED_JSON_COLUMNS = {
    "or_mh",
    "or_mh_lower",
    "or_mh_upper",
    "rr_mh",
    "rr_mh_lower",
    "rr_mh_upper",
    "informative_strata",
    "verdict",
    "verdict_reason",
}
#: Text columns of the matched headline: no number is published in them.
TEXT_COLUMNS = {"What the window can show", "Method", "Estimand", "Contributes"}


def _indicator_table(pub: Published, mean: Meaning, t: HtmlTable) -> None:
    if t.caption in NOT_MODELLED:
        for i, row in enumerate(t.rows):
            for j, c in enumerate(row):
                for tok in numbers_in(c.text):
                    pub.skip(
                        _table_where(t, i, j), tok, f"not modelled yet: {NOT_MODELLED[t.caption]}", "html"
                    )
        return
    table = TABLE_CAPTION.get(t.caption)
    if table is None:
        for i, row in enumerate(t.rows):
            for j, c in enumerate(row):
                for tok in numbers_in(c.text):
                    pub.unknown(_table_where(t, i, j), tok, f"unknown table {t.caption!r}", "html")
        return
    cols = [("n_cases" if (t.article, h) == ("gif", "Cases") else HEADER.get(h, h)) for h in t.header]
    keycols = KEY_COLUMNS.get((t.article, table), ())
    for i, r in enumerate(t.rows):
        row: dict[str, Any] = {}
        for c, cell in zip(cols, r, strict=True):
            if c in keycols or c in ("stratum", "level", "population", "model", "term"):
                row[c] = _html_key(c, cell.text)
        if (t.article, table) == ("victim_to_perpetrator", "table") and row.get("stratum") == "sex":
            row["level"] = SEX_LABEL.get(row["level"], row["level"])
        for j, (c, cell) in enumerate(zip(cols, r, strict=True)):
            where = _table_where(t, i, j)
            if c in row or c in keycols:
                continue
            if c in ("organisation_a", "organisation_b", "combination"):
                continue
            if t.header[j] in TEXT_COLUMNS:
                continue
            if c in ("or_mh", "Matched odds ratio"):
                for tok in numbers_in(cell.text + " " + (cell.sub or "")):
                    pub.skip(where, tok, "matched odds ratio (non-linear in the strata)", "html")
                continue
            kind = "count" if c in COUNT_COLUMNS or "count" in cell.cls else "number"
            s = shown(cell.text, kind=kind)
            if s.kind == "share" or s.kind == "pp":
                pass
            map_indicator_value(pub, mean, t.article, table, row, c, s, where, "html")
            if cell.sub:
                for tok in numbers_in(cell.sub):
                    pub.skip(
                        where + " (interval)", tok, "confidence bound (non-linear in the counts)", "html"
                    )
        for c, cell in zip(cols, r, strict=True):
            if c in ("organisation_a", "organisation_b", "combination", "organisation"):
                row[c] = cell.text.replace(" + ", "+")


def _html_key(col: str, text: str) -> str:
    for table in (STRATUM_LABEL, RELATION_LABEL, UNIT_LABEL, GROUP_LABEL, POP_LABEL, MEASURE_LABEL):
        if text in table:
            return table[text]
    if col in ("relative_role", "proband_role"):
        return ROLE_LABEL.get(text, text)
    if col == "organisation" and text == "any organisation":
        return "all"
    if col == "model" and text == "crude":
        return "crude"
    return text


def _html_text(
    pub: Published,
    tb: TextBlock,
    m: int,
    json_doc: Mapping[str, Any] | None,
    allowed: Mapping[str, Iterable[str]],
) -> None:
    where = f"{tb.section}/{tb.article}/{tb.path[-1] if tb.path else ''}"
    syn = re.search(r"synthetic population \(([\d,]+) persons, seed (\d+)\)", tb.text)
    if syn:  # the dataset label of synthetic data: its number of persons, not controlled
        pub.count(_one(K.all()), shown(syn[1], kind="count"), f"{where} (dataset label)", "html")
        pub.skip(where, syn[2], "the generator's seed", "html")
        text = tb.text.replace(syn[0], " ")
        tb = TextBlock(tb.section, tb.article, tb.path, text)
    if tb.section == "pedigree":
        for tok in numbers_in(tb.text):
            pub.skip(
                where, tok, "the example pedigree (individual-level, drawn for synthetic data only)", "html"
            )
        return
    if tb.section == "findings" or "headline" in tb.path[-1:] or tb.inside("p.headline"):
        # "Findings first" and each section's headline repeat the indicator's headline number
        # (a matched ratio, λ_R, a share, the GIF: non-linear or mapped in the section's table),
        # the section numbers ("4a.") and the verdict's ages; not modelled as new relations.
        for tok in numbers_in(tb.text):
            pub.skip(where, tok, "repeats a headline number of an indicator section (issue #12)", "html")
        return
    if tb.inside("div.reading"):
        _reading(pub, tb, where, json_doc)
        return
    ok = set(allowed.get("*", ())) | {str(m)}
    for name, values in allowed.items():
        if tb.inside(name):
            ok |= set(values)
    _text_numbers(pub, where, tb.text, "html", kind="/".join(tb.path[-2:]), allowed=ok)


def _formats(v: float) -> set[str]:
    out = {f"{round(v):,}"}  # counts, and days shown with F.count (rounded)
    for d in (1,):
        out.add(f"{v * 100:.{d}f}%")
    s = f"{v:#.3g}"
    out.add(s.rstrip(".") if "e" not in s else f"{v:.3g}")
    out.add(f"{v:.3f}")
    return out


def _reading(pub: Published, tb: TextBlock, where: str, json_doc: Mapping[str, Any] | None) -> None:
    """A plain-language paragraph: each number must be a published value of the same indicator
    (the JSON of the run has it) or a constant of the template."""
    res = (json_doc or {}).get(tb.article, {})
    shown_values: set[str] = set()
    for _, v in flatten_json(res.get("tables", {})):
        if isinstance(v, int | float) and not isinstance(v, bool):
            shown_values |= _formats(float(v))
    for _, v in flatten_json(res.get("parameters", {})):
        if isinstance(v, int | float) and not isinstance(v, bool):
            shown_values.add(str(v))
    level = res.get("parameters", {}).get("level")
    if isinstance(level, int | float):
        shown_values.add(f"{level * 100:.0f}%")
    templates = {
        "relative_exposure": (
            r"Of the (\d+) combinations of relation and roles, (\d+) could be published\. For (\d+) of them "
            r"the odds ratio is clearly above 1 \(the whole interval above 1\) and for (\d+) clearly below 1"
        ),
    }
    text = tb.text
    tpl = templates.get(tb.article)
    if tpl:
        mm = re.search(tpl, text)
        if mm:
            for g in mm.groups():
                pub.skip(where, g, "a number of tables of the indicator (their rows are on the page)", "html")
            text = text[: mm.start()] + text[mm.end() :]
    constants = {"1", "2", "5", "18", "0.05", "0.001", "1,000"}
    for tok in numbers_in(text):
        if re.fullmatch(r"<\d+", tok):
            pub.skip(where, tok, "the suppression mark", "html")
        elif tok in shown_values or tok.lstrip("+") in shown_values:
            pub.skip(where, tok, "a value published in this indicator's tables (JSON)", "html")
        elif tok in constants:
            pub.skip(where, tok, "a constant of the reading's wording (above 1, within 2 / 5 years)", "html")
        else:
            pub.unknown(
                where, tok, "a number in a reading that is not a published value of the indicator", "html"
            )


# ---- figures ---------------------------------------------------------------------------------------


def map_figures(
    pub: Published, figures: Sequence[FigureCapture], json_doc: Mapping[str, Any] | None, m: int
) -> None:
    """The pyramid's bars are counts shown nowhere else (read to half a pixel); every other
    figure draws values of its indicator's published tables (checked by value)."""
    published_values: set[str] = set()
    for _, v in flatten_json(
        {k: v.get("tables", {}) for k, v in (json_doc or {}).items() if isinstance(v, dict)}
    ):
        if isinstance(v, int | float) and not isinstance(v, bool):
            published_values |= _formats(float(v))
            published_values.add(f"{v:g}")
    for fi, fig in enumerate(figures):
        where = f"figure {fi} ({fig.title})"
        if fig.title.startswith("Persons by sex and age on"):
            _pyramid(pub, fig, where, m)
            continue
        if fig.title.lower().startswith(("example pedigree", "pedigree")):
            for what, text in fig.texts:
                for tok in numbers_in(text):
                    pub.skip(
                        f"{where} {what}",
                        tok,
                        "the example pedigree (individual-level, synthetic data only)",
                        "figure",
                    )
            continue
        for what, text in fig.texts:
            for tok in numbers_in(_VERSION.sub(" ", _DATE.sub(" ", text))):
                if tok in published_values or tok.replace(",", "") in published_values:
                    pub.skip(f"{where} {what}", tok, "a published value of the indicator, drawn", "figure")
                elif what in ("Text",) and re.fullmatch(r"<\d+", tok):
                    pub.skip(f"{where} {what}", tok, "the suppression mark", "figure")
                else:
                    pub.skip(
                        f"{where} {what}", tok, "an axis tick, legend or title constant (no count)", "figure"
                    )


def _pyramid(pub: Published, fig: FigureCapture, where: str, m: int) -> None:
    groups = [t for w, t in fig.texts if w == "ytick"]
    # the y tick labels are the age groups bottom-up; bars are drawn at y = 0, 1, ...
    order = []
    for g in groups:
        if g not in order:
            order.append(g)
    sex_of = {"female": "F", "male": "M"}
    for b in fig.bars:
        if b["container"] < 0 or b["label"] not in sex_of:
            continue
        sex = sex_of[b["label"]]
        gi = round(float(b["y"]) + float(b["height"]) / 2)
        if not 0 <= gi < len(order):
            pub.unknown(where, f"{b['width']:g}", "a bar outside the age groups", "figure")
            continue
        grp = order[gi]
        value = abs(float(b["width"]))
        half = 0.5 / b["px_per_x"] if b["px_per_x"] and math.isfinite(b["px_per_x"]) else 0.5
        w = f"{where} bar {sex} {grp}"
        if value == 0 and m > 0:  # a zero is suppressed (it is below min_cell): not drawn
            pub.count(
                _one(K.pyr(sex, grp)),
                Shown("<bar not drawn>", "hidden", None, -math.inf, math.inf, True),
                w,
                "figure",
            )
        else:
            pub.count(
                _one(K.pyr(sex, grp)),
                Shown(f"{value:g}", "count", value, value - half, value + half),
                w,
                "figure",
            )
    for what, text in fig.texts:
        mm = re.search(r"not shown: (\S+) of unknown sex, (\S+) without a birth date", text)
        if mm:
            pub.count(
                _one(K.pyr_unknown_sex()), shown(mm[1], kind="count"), f"{where} note: unknown sex", "figure"
            )
            pub.count(
                _one(K.pyr_no_birth()), shown(mm[2], kind="count"), f"{where} note: no birth date", "figure"
            )
            continue
        for tok in numbers_in(_DATE.sub(" ", text)):
            if re.fullmatch(r"\d+–\d+|\d+\+", text) or tok.startswith("<") or what == "Text":
                pub.skip(f"{where} {what}", tok, "an age group, axis tick or the suppression mark", "figure")
            else:
                pub.skip(f"{where} {what}", tok, "an axis tick or title constant", "figure")


# ---- linkage outputs ------------------------------------------------------------------------------


def map_linkage_dict(pub: Published, d: Mapping[str, Any], source: str) -> None:
    for k, v in d.get("totals", {}).items():
        s = (
            Shown("null", "hidden", None, -math.inf, math.inf, True)
            if v is None
            else Shown(str(v), "count", float(v), float(v), float(v))
        )
        linkage_value(pub, "totals", {"what": k}, "count", s, f"totals/{k}", source)
    for table in ("persons", "match_rates", "conflicts", "refinements"):
        for i, rec in enumerate(d.get(table, [])):
            row = {c: str(rec[c]) for c in ("organisation", "other", "field", "resolution") if c in rec}
            for c, v in rec.items():
                if c in row or c == "suppressed":
                    continue
                if v is None:
                    s = Shown("null", "hidden", None, -math.inf, math.inf, True)
                elif c == "share":
                    x = float(v)
                    s = Shown(repr(v), "number", x, x - 1e-12, x + 1e-12)
                else:
                    s = Shown(str(v), "count", float(v), float(v), float(v))
                linkage_value(pub, table, row, c, s, f"{table}/[{i}]/{c}", source)
    for path, v in flatten_json(d.get("parameters", {})):
        _parameter(pub, "parameters/" + "/".join(path), v, source)
    _text_numbers(
        pub,
        "disclosure_control",
        str(d.get("disclosure_control", "")),
        source,
        kind="stamp",
        allowed=[str(d.get("parameters", {}).get("min_cell", 10))],
    )


def map_linkage_summary(pub: Published, text: str, source: str, m: int) -> None:
    """The text of ``LinkageReport.summary()`` (and of ``famgraph link``)."""
    section = ""
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith(("famgraph linkage report", "disclosure control")):
            _text_numbers(pub, "summary", s, source, kind="stamp", allowed=[str(m)])
            continue
        if s.startswith("persons per organisation"):
            section = "persons"
            continue
        if s.startswith("match rates"):
            section = "match_rates"
            continue
        if s.startswith("conflicts resolved"):
            section = "conflicts"
            continue
        if s.startswith("dates differing"):
            section = "refinements"
            continue
        if section == "":
            mm = re.fullmatch(r"(.+?)\s+(\S+)", s)
            if mm:
                what = mm[1].strip().replace(" ", "_")
                linkage_value(
                    pub,
                    "totals",
                    {"what": what},
                    "count",
                    shown(mm[2], kind="count"),
                    f"summary/{what}",
                    source,
                )
                continue
        if section == "persons":
            mm = re.fullmatch(r"(\S+)\s+(\S+) / (\S+) / (\S+)", s)
            if mm:
                for c, v in zip(
                    ("linked_persons", "records_without_pseudonym", "duplicate_records"),
                    mm.groups()[1:],
                    strict=True,
                ):
                    linkage_value(
                        pub,
                        "persons",
                        {"organisation": mm[1]},
                        c,
                        shown(v, kind="count"),
                        f"summary/persons/{mm[1]}/{c}",
                        source,
                    )
                continue
        if section == "match_rates":
            mm = re.fullmatch(r"(\S+) in (\S+): (\S+) of (\S+) \((\S+)\)", s)
            if mm:
                row = {"organisation": mm[1], "other": mm[2]}
                linkage_value(
                    pub, "match_rates", row, "found", shown(mm[3], kind="count"), f"summary/{s}", source
                )
                linkage_value(
                    pub, "match_rates", row, "n", shown(mm[4], kind="count"), f"summary/{s}", source
                )
                linkage_value(pub, "match_rates", row, "share", shown(mm[5]), f"summary/{s}", source)
                continue
        if section == "conflicts":
            mm = re.fullmatch(r"(\S+)\s+(\S+)\s+(\S+)", s)
            if mm:
                linkage_value(
                    pub,
                    "conflicts",
                    {"field": mm[1], "resolution": mm[2]},
                    "persons",
                    shown(mm[3], kind="count"),
                    f"summary/conflicts/{mm[1]}/{mm[2]}",
                    source,
                )
                continue
        if section == "refinements":
            mm = re.fullmatch(r"(\S+)\s+(\S+)", s)
            if mm:
                linkage_value(
                    pub,
                    "refinements",
                    {"field": mm[1]},
                    "persons",
                    shown(mm[2], kind="count"),
                    f"summary/refinements/{mm[1]}",
                    source,
                )
                continue
        for tok in numbers_in(s):
            pub.unknown(f"summary: {s}", tok, "a line of the linkage summary not understood", source)


# ---- the linear system over atoms ----------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """The feasible range of one hidden count given everything published."""

    component: str
    target: str
    true: float
    lo: float
    hi: float
    min_cell: int
    certificate: tuple[tuple[str, float], ...] = ()
    screened: bool = False
    unassessed: bool = False
    #: the hidden count equals a linear combination of published counts on every record of the
    #: population, of the corpus and every hypothetical record (``identity``: the combination)
    identity: tuple[tuple[str, float], ...] = ()

    @property
    def width(self) -> float:
        return self.hi - self.lo

    @property
    def recovered(self) -> bool:
        return not self.unassessed and self.width < 1.0 - EXACT

    @property
    def disclosed(self) -> bool:
        """Pinned to an interval narrower than min_cell (docs/disclosure.md: at least min_cell + 1
        possible values)."""
        return not self.unassessed and self.width < self.min_cell - EXACT

    @property
    def leak(self) -> bool:
        """Recovered by an identity of published counts: a verified leak (see the module doc)."""
        return self.recovered and bool(self.identity)

    def __str__(self) -> str:
        rng = f"spread >= {self.width:.6g}" if self.screened else f"feasible=[{self.lo:.6g}, {self.hi:.6g}]"
        if self.identity:
            terms = " ".join(f"{c:+g}·[{w}]" for w, c in self.identity[:12])
            return f"{self.component}: {self.target} true={self.true:g} {rng}\n    = {terms}"
        cert = "; ".join(f"{c:+g}·[{w}]" for w, c in self.certificate[:8])
        return f"{self.component}: {self.target} true={self.true:g} {rng}" + (
            f"\n    bounded by: {cert}" if cert else ""
        )


class AtomSystem:
    """Atoms (distinct record signatures) per universe, published (in)equalities and targets.

    Rows are ranged: ``lo <= expr <= hi`` (an equality when lo == hi). The LPs are solved with
    HiGHS: through ``highspy`` when it is installed (one model, the objective changed per target
    and re-solved from the previous basis: tens of milliseconds each), else ``scipy.optimize.linprog``
    (the same solver, built anew for every LP).
    """

    def __init__(self, component: str, min_cell: int) -> None:
        self.component = component
        self.m = min_cell
        self.atoms: dict[str, list[dict[Key, int]]] = {}
        self.truth: dict[str, list[int]] = {}
        self.rows: list[tuple[Expr, float, float, str]] = []
        self.targets: list[tuple[str, Expr]] = []

    def add_universe(
        self, name: str, signatures: Iterable[Mapping[Key, int]], corpus: Iterable[Mapping[Key, int]]
    ) -> None:
        counts: dict[tuple[tuple[Key, int], ...], int] = defaultdict(int)
        for sig in signatures:
            counts[tuple(sorted(sig.items(), key=repr))] += 1
        extra = {tuple(sorted(sig.items(), key=repr)) for sig in corpus} - set(counts)
        self.atoms[name] = [dict(k) for k in counts] + [dict(k) for k in sorted(extra, key=repr)]
        self.truth[name] = list(counts.values()) + [0] * len(extra)

    def publish(self, expr: Expr, lo: float, hi: float, why: str) -> None:
        self.rows.append((expr, lo, hi, why))

    def ratio(self, num: Expr, den: Expr, lo: float, hi: float, why: str) -> None:
        # lo·den <= num <= hi·den
        self.rows.append((_sum(num, den, sign=[1.0, -hi]), -math.inf, 0.0, why + " (upper)"))
        self.rows.append((_sum(num, den, sign=[1.0, -lo]), 0.0, math.inf, why + " (lower)"))

    def hide(self, expr: Expr, name: str) -> None:
        self.targets.append((name, expr))

    # -- the matrices
    def _build(self) -> None:
        self.offset: dict[str, int] = {}
        off = 0
        for u, atoms in self.atoms.items():
            self.offset[u] = off
            off += len(atoms)
        self.n = off
        self.key_vec: dict[Key, dict[int, float]] = defaultdict(dict)
        for u, atoms in self.atoms.items():
            o = self.offset[u]
            for j, sig in enumerate(atoms):
                for k, v in sig.items():
                    self.key_vec[k][o + j] = float(v)
        self.x_true = np.array([float(t) for u in self.atoms for t in self.truth[u]])

    def row(self, expr: Expr) -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for k, c in expr.items():
            for j, v in self.key_vec.get(k, {}).items():
                out[j] += c * v
        return {j: v for j, v in out.items() if v}

    def _matrix(self) -> tuple[Any, Any, Any, list[str]]:
        """The rows over atoms, rows with the same atom coefficients merged (their intervals
        intersected): the same count printed in several places, or counts that are the same
        records (a table's total and the number of observed persons)."""
        merged: dict[tuple[tuple[int, float], ...], list[Any]] = {}
        for expr, lo, hi, why in self.rows:
            r = tuple(sorted(self.row(expr).items()))
            if not r:
                continue
            if r in merged:
                e = merged[r]
                e[0], e[1] = max(e[0], lo), min(e[1], hi)
                e[2].append(why)
            else:
                merged[r] = [lo, hi, [why]]
        data, ri, ci = [], [], []
        los, his, whys = [], [], []
        for i, (r, (lo, hi, ws)) in enumerate(merged.items()):
            for j, v in r:
                data.append(v)
                ri.append(i)
                ci.append(j)
            los.append(lo)
            his.append(hi)
            whys.append(ws[0] + (f" (= {len(ws) - 1} more)" if len(ws) > 1 else ""))
        a = sp.csr_matrix((data, (ri, ci)), shape=(len(merged), self.n))
        return a, np.array(los, dtype=float), np.array(his, dtype=float), whys

    def check_truth(self) -> None:
        """Every published relation must hold for the true atom counts."""
        for expr, lo, hi, why in self.rows:
            r = self.row(expr)
            lhs = sum(v * self.x_true[j] for j, v in r.items())
            scale = max(
                1.0,
                *(abs(v * self.x_true[j]) for j, v in r.items()),
                *(abs(x) for x in (lo, hi) if math.isfinite(x)),
            )
            if lhs < lo - TOL * scale or lhs > hi + TOL * scale:
                raise AttackerError(
                    f"{self.component}: relation '{why}' false for the truth: {lhs} not in [{lo}, {hi}]"
                )

    def solve(self, *, samples: int = 0, seed: int = 0) -> list[Finding]:
        """The feasible range of every target; a target whose values at feasible points found so far
        (the truth, and the optimal vertices of the LPs solved before) already spread over at least
        min_cell is reported with that spread (``screened``, a lower bound of its range)."""
        self._build()
        self.check_truth()
        self._a, self._lo, self._hi, self._why = self._matrix()
        self._solver = _Solver(self._a, self._lo, self._hi, self.n)
        screen = float(max(self.m, 1))
        points = [self.x_true]
        rng = np.random.default_rng(seed)
        for _ in range(samples if self.targets else 0):
            st, _, x, _ = self._solver.solve(
                rng.normal(size=self.n), box=10.0 * (float(self.x_true.max(initial=0.0)) + 100.0)
            )
            if st == "optimal":
                points.append(x)
        out: list[Finding] = []
        seen: dict[tuple[tuple[int, float], ...], Finding] = {}
        for name, expr in self.targets:
            r = self.row(expr)
            c = np.zeros(self.n)
            for j, v in r.items():
                c[j] = v
            true = float(c @ self.x_true)
            sig = tuple(sorted(r.items()))
            if sig in seen:
                f0 = seen[sig]
                out.append(
                    Finding(
                        self.component,
                        name,
                        true,
                        f0.lo,
                        f0.hi,
                        self.m,
                        f0.certificate,
                        f0.screened,
                        f0.unassessed,
                    )
                )
                continue
            if not r:
                f = Finding(self.component, name, true, 0.0, 0.0, self.m, unassessed=True)
                seen[sig] = f
                out.append(f)
                continue
            vals = [float(c @ p) for p in points]
            lo, hi = min(vals), max(vals)
            cert: dict[str, float] = defaultdict(float)
            screened = hi - lo >= screen
            if not screened:
                ends = []
                for sense in (1.0, -1.0):
                    st, obj, x, duals = self._solver.solve(sense * c)
                    if st == "unbounded":
                        ends.append(-sense * math.inf)
                    elif st != "optimal":
                        raise AttackerError(f"{self.component}: LP for {name} failed: {st}")
                    else:
                        ends.append(sense * obj)
                        points.append(x)
                        for i in np.flatnonzero(np.abs(duals) > 1e-9):
                            cert[self._why[i]] += float(duals[i])
                lo, hi = ends
            if not (lo - 1e-5 * max(1.0, abs(true)) <= true <= hi + 1e-5 * max(1.0, abs(true))):
                raise AttackerError(f"{self.component}: truth of {name} ({true}) outside [{lo}, {hi}]")
            identity = self._identity(c) if hi - lo < 1.0 - EXACT else ()
            f = Finding(
                self.component,
                name,
                true,
                lo,
                hi,
                self.m,
                tuple(sorted(((w, v) for w, v in cert.items() if abs(v) > 1e-9), key=lambda x: -abs(x[1]))),
                screened,
                identity=identity,
            )
            seen[sig] = f
            out.append(f)
        return out

    def _identity(self, c: Any) -> tuple[tuple[str, float], ...]:
        """A combination y of the exactly published counts with c = Aᵀy on every atom, or ()."""
        if not hasattr(self, "_eq_dense"):
            eq = np.isfinite(self._lo) & (self._lo == self._hi)
            self._eq_rows = np.flatnonzero(eq)
            self._eq_dense = self._a[self._eq_rows].toarray()
        if not len(self._eq_rows):
            return ()
        y, *_ = np.linalg.lstsq(self._eq_dense.T, c, rcond=None)
        if np.max(np.abs(self._eq_dense.T @ y - c)) > 1e-6:
            return ()
        y = np.where(np.abs(y) < 1e-9, 0.0, y)
        terms = [(self._why[self._eq_rows[i]], float(y[i])) for i in np.flatnonzero(y)]
        return tuple(sorted(terms, key=lambda t: -abs(t[1])))


def _quiet(make: Callable[[], Any]) -> Any:
    """``make()`` with the process's stdout closed (HiGHS prints a banner from C++ on creation)."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return make()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class _Solver:
    """min c·x subject to lo <= A x <= hi, x >= 0 (HiGHS)."""

    def __init__(self, a: Any, lo: Any, hi: Any, n: int) -> None:
        self.a, self.lo, self.hi, self.n = a, lo, hi, n
        try:
            import highspy
        except ImportError:  # pragma: no cover - the scipy path
            self.h = None
            return
        self.hs = highspy
        h = _quiet(highspy.Highs)
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")  # keeps the basis between objectives
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = a.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, inf)
        lp.row_lower_ = np.where(np.isfinite(lo), lo, -inf)
        lp.row_upper_ = np.where(np.isfinite(hi), hi, inf)
        csc = a.tocsc()
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = csc.indptr
        lp.a_matrix_.index_ = csc.indices
        lp.a_matrix_.value_ = csc.data
        h.passModel(lp)
        self.h = h
        self.idx = np.arange(n, dtype=np.int32)
        self.boxed = False
        self.times: list[float] = []

    def solve(self, c: Any, box: float | None = None) -> tuple[str, float, Any, Any]:
        """(status, objective, x, row duals): status optimal / unbounded / other text."""
        if self.h is None:
            return self._scipy(c, box)
        h = self.h
        if (box is not None) != self.boxed:
            upper = np.full(self.n, box if box is not None else self.hs.kHighsInf)
            h.changeColsBounds(self.n, self.idx, np.zeros(self.n), upper)
            self.boxed = box is not None
        h.changeColsCost(self.n, self.idx, np.asarray(c, dtype=float))
        import time as _t

        t0 = _t.perf_counter()
        h.run()
        self.times.append(_t.perf_counter() - t0)
        st = h.getModelStatus()
        if st == self.hs.HighsModelStatus.kOptimal:
            sol = h.getSolution()
            return (
                "optimal",
                float(h.getInfo().objective_function_value),
                np.asarray(sol.col_value),
                np.asarray(sol.row_dual),
            )
        if st == self.hs.HighsModelStatus.kUnbounded:
            return "unbounded", -math.inf, None, None
        return str(st), math.nan, None, None

    def _scipy(self, c: Any, box: float | None) -> tuple[str, float, Any, Any]:
        eq = np.isfinite(self.lo) & (self.lo == self.hi)
        up = ~eq & np.isfinite(self.hi)
        low = ~eq & np.isfinite(self.lo)
        a_ub = sp.vstack([self.a[up], -self.a[low]]) if (up.any() or low.any()) else None
        b_ub = np.concatenate([self.hi[up], -self.lo[low]]) if a_ub is not None else None
        res = linprog(
            c,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=self.a[eq] if eq.any() else None,
            b_eq=self.lo[eq] if eq.any() else None,
            bounds=(0, box),
            method="highs",
        )
        if res.status == 3:
            return "unbounded", -math.inf, None, None
        if res.status != 0:
            return res.message, math.nan, None, None
        duals = np.zeros(len(self.lo))
        if eq.any():
            duals[eq] = res.eqlin.marginals
        if a_ub is not None:
            m = res.ineqlin.marginals
            duals[up] += m[: int(up.sum())]
            duals[low] -= m[int(up.sum()) :]
        return "optimal", float(res.fun), np.asarray(res.x), duals


def signatures(u: Universe, keys: set[Key]) -> list[dict[Key, int]]:
    """The coefficients of each record of ``u`` in ``keys``."""
    out: list[dict[Key, int]] = [{} for _ in range(u.n)]
    for k in keys:
        for i, v in u.cols.get(k, {}).items():
            out[i][k] = v
    return out
