"""Indicator 7: the per-person feature table and the adjusted association (logistic regression).

The feature table is person-level data for the user's own models inside the secure environment:
it carries ``person_id`` and is never published as such. The library computes population
indicators and does not score individual families (docs/spec/disclosure.md §population-indicators-only); any
model built on these features is research-only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import disclosure, stats
from ..cell_key import CellKey
from ._base import context, core
from ._cellkey import Disclosure, check_disclosure
from ._matched import matched_frame, matched_published, verdict_frame
from ._options import ROLES, WindowLike, check_roles
from ._result import Result
from ._tables import _finish, _flagged, two_by_two_frame

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["adjusted_association", "feature_table"]

NO_DAY = -(2**31)
_SEX = np.array(["F", "M", "U"], dtype=object)

DEFINITION_7 = (
    "Logistic regression (IRLS, Wald intervals) of the victim-to-perpetrator outcome on childhood "
    "exposure, sex and birth decade, over the persons eligible for indicator 1. Birth decades (and "
    "sexes) with fewer than min_cell outcomes or non-outcomes are merged with the neighbouring "
    "decade (dropped, for sex) so that no coefficient rests on a small cell."
)


def _window(ds: Dataset, ws: int | None, we: int | None) -> tuple[int, int]:
    w = core.repeat_incidents(ds._core, ws, we, 0)["window"]  # resolves the default window
    return int(w[0]), int(w[1])


def feature_table(ds: Dataset, *, window: WindowLike = None) -> pd.DataFrame:
    """One row per person, for the user's own models (research-only; contains ``person_id``).

    Columns: person_id, sex, birth_year (NA when unknown), generation, observed (on ≥ 1 day of
    the window); per role r in victim, perpetrator, witness, other: ``r_child``, ``r_adult`` (in-window
    event rows in childhood / adulthood; persons without a birth date have both NA) and ``r_total``;
    ``mother_victim``, ``mother_perpetrator``, ``father_victim``, ``father_perpetrator`` (the parent
    has an in-window event with that role; NA when the parent is unknown);
    ``grandparents_known`` and ``grandparent_victim``, ``grandparent_perpetrator`` (any recorded
    grandparent); ``n_organisations`` (organisations the person is known to, as in indicator 6);
    ``lead_time_days`` (indicator 5's lead time of the person's first incident; NA without one);
    ``pathway_eligible``, ``pathway_exposed``, ``pathway_outcome`` (indicator 1, exposure roles
    victim and witness).

    Example
    -------
    >>> import famgraph as fg
    >>> ft = fg.indicators.feature_table(fg.synth.generate(persons=2000, seed=1))
    >>> int(ft["perpetrator_total"].sum()) >= int(ft["perpetrator_adult"].sum())
    True
    """
    ctx = context(ds, window, 0)
    ws, we = _window(ds, ctx.window_start, ctx.window_end)
    p = ds._core.persons_columns()
    n = len(p["person_id"])
    dates = core.person_dates(ds._core)
    birth = np.asarray(dates["birth"], dtype=np.int64)
    adult = np.asarray(dates["adult"], dtype=np.int64)
    last = np.asarray(dates["last"], dtype=np.int64)
    known = birth != NO_DAY
    e = ds._core.events_columns()
    person = np.asarray(e["person"], dtype=np.int64)
    day = np.asarray(e["day"], dtype=np.int64)
    role = np.asarray(e["role"], dtype=np.int64)
    inw = (day >= ws) & (day <= we)
    person, day, role, esource = (
        person[inw],
        day[inw],
        role[inw],
        np.asarray(e["source"], dtype=np.int64)[inw],
    )
    child = known[person] & (day < adult[person])
    out: dict[str, Any] = {
        "person_id": np.asarray(p["person_id"], dtype=np.int64),
        "sex": pd.Categorical(_SEX[np.asarray(p["sex"], dtype=np.int64)], categories=["F", "M", "U"]),
    }
    years = pd.to_datetime(np.where(known, birth, 0), unit="D").year.to_numpy()
    out["birth_year"] = pd.array(np.where(known, years, 0), dtype="Int64")
    out["birth_year"][~known] = pd.NA
    out["generation"] = ds.graph._core.generation().astype(np.int64)
    first = np.maximum(np.where(known, birth, ws), ws)
    out["observed"] = first <= np.minimum(last, we)
    any_role = {}
    for r, name in enumerate(ROLES):
        sel = role == r
        c_child = np.bincount(person[sel & child], minlength=n)
        c_adult = np.bincount(person[sel & ~child & known[person]], minlength=n)
        total = np.bincount(person[sel], minlength=n)
        out[f"{name}_child"] = pd.array(c_child, dtype="Int64")
        out[f"{name}_adult"] = pd.array(c_adult, dtype="Int64")
        out[f"{name}_child"][~known] = pd.NA
        out[f"{name}_adult"][~known] = pd.NA
        out[f"{name}_total"] = total.astype(np.int64)
        any_role[name] = total > 0
    mother = np.asarray(p["mother"], dtype=np.int64)
    father = np.asarray(p["father"], dtype=np.int64)
    none = 2**32 - 1
    for parent, idx in (("mother", mother), ("father", father)):
        has = idx != none
        safe = np.where(has, idx, 0)
        for name in ("victim", "perpetrator"):
            col = pd.array(any_role[name][safe], dtype="boolean")
            col[~has] = pd.NA
            out[f"{parent}_{name}"] = col
    gp_known = np.zeros(n, dtype=np.int64)
    gp_any = {"victim": np.zeros(n, dtype=bool), "perpetrator": np.zeros(n, dtype=bool)}
    seen: list[npt.NDArray[np.int64]] = []
    for idx in (mother, father):
        has = idx != none
        safe = np.where(has, idx, 0)
        for gp_idx in (mother[safe], father[safe]):
            g_has = has & (gp_idx != none)
            g_safe = np.where(g_has, gp_idx, 0)
            # a grandparent reached along two paths (parents who are relatives) counts once
            dup = np.zeros(n, dtype=bool)
            for prev in seen:
                dup |= g_has & (prev == g_safe)
            seen.append(np.where(g_has, g_safe, -1))
            gp_known += (g_has & ~dup).astype(np.int64)
            for name in gp_any:
                gp_any[name] |= g_has & any_role[name][g_safe]
    out["grandparents_known"] = gp_known
    for name, v in gp_any.items():
        col = pd.array(v, dtype="boolean")
        col[gp_known == 0] = pd.NA
        out[f"grandparent_{name}"] = col
    c = ds._core.contacts_columns()
    cp = np.asarray(c["person"], dtype=np.int64)
    cstart = np.asarray(c["start_day"], dtype=np.int64)
    cend_missing = np.asarray(c["end_precision"], dtype=np.int64) == 0
    cend = np.asarray(c["end_day"], dtype=np.int64)
    overlap = (cstart <= we) & (cend_missing | (cend >= ws))
    n_src = max(1, len(ds._core.sources))
    pairs = np.unique(
        np.concatenate(
            [person * n_src + esource, cp[overlap] * n_src + np.asarray(c["source"], dtype=np.int64)[overlap]]
        )
    )
    out["n_organisations"] = np.bincount(pairs // n_src, minlength=n).astype(np.int64)
    t0 = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(t0, person, day)
    earliest = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(earliest, cp, cstart)
    has_lead = (t0 != np.iinfo(np.int64).max) & (earliest < t0)
    lead = pd.array(np.where(has_lead, t0 - np.where(has_lead, earliest, 0), 0), dtype="Int64")
    lead[~has_lead] = pd.NA
    out["lead_time_days"] = lead
    v = core.victim_to_perpetrator(ds._core, ws, we, ["victim", "witness"])
    elig = np.zeros(n, dtype=bool)
    idx = np.asarray(v["person"], dtype=np.int64)
    elig[idx] = True
    exp = pd.array(np.zeros(n, dtype=bool), dtype="boolean")
    outc = pd.array(np.zeros(n, dtype=bool), dtype="boolean")
    exp[idx] = np.asarray(v["exposed"], dtype=bool)
    outc[idx] = np.asarray(v["event"], dtype=bool)
    exp[~elig] = pd.NA
    outc[~elig] = pd.NA
    out["pathway_eligible"] = elig
    out["pathway_exposed"] = exp
    out["pathway_outcome"] = outc
    frame = pd.DataFrame(out)
    frame.attrs["window"] = [ws, we]
    frame.attrs["note"] = "person-level data: research-only, not for publication (docs/spec/disclosure.md)"
    return frame


def _merge_small(
    levels: Sequence[int], y: npt.NDArray[np.int64], x: npt.NDArray[np.int64], m: int
) -> dict[int, int]:
    """Map each birth decade to a merged group so that every group has ≥ m outcomes and ≥ m
    non-outcomes: the smallest offending group joins its smaller neighbour, repeatedly."""
    groups = [[lv] for lv in sorted(levels)]
    # outcomes and persons per level, once: merging then works on these small tables
    lv_arr, inverse = np.unique(x, return_inverse=True)
    k_of = dict(zip(lv_arr.tolist(), np.bincount(inverse, weights=y).astype(np.int64).tolist(), strict=True))
    n_of = dict(zip(lv_arr.tolist(), np.bincount(inverse).astype(np.int64).tolist(), strict=True))

    def counts(g: list[int]) -> tuple[int, int]:
        k = sum(k_of.get(v, 0) for v in g)
        return k, sum(n_of.get(v, 0) for v in g) - k

    while len(groups) > 1:
        bad = [i for i, g in enumerate(groups) if min(counts(g)) < m]
        if not bad:
            break
        i = min(bad, key=lambda j: sum(counts(groups[j])))
        j = (
            i - 1
            if i == len(groups) - 1
            else (i + 1 if i == 0 else min((i - 1, i + 1), key=lambda t: sum(counts(groups[t]))))
        )
        a, b = sorted((i, j))
        groups[a : b + 1] = [groups[a] + groups[b]]
    return {lv: g[0] for g in groups for lv in g}


def adjusted_association(
    ds: Dataset,
    *,
    window: WindowLike = None,
    exposure_roles: Sequence[str] = ("victim", "witness"),
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 7: the victim→perpetrator odds ratio adjusted for sex and birth decade.

    ``.tables["matched"]``: the headline, the conditional logistic odds ratio over strata of single
    birth year × sex × childhood household recorded (with the Mantel–Haenszel odds and risk
    ratios), and ``.tables["verdict"]`` (docs/estimands.md); ``.table``: the unconditional
    logistic model (term, odds_ratio, lower, upper (Wald), coef, se) with sex and birth decade,
    which compares persons of different ages within a decade; ``.tables["crude"]``: the crude 2×2
    table. Research-only: a population association, not a risk score for anyone.

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.adjusted_association(fg.synth.generate(persons=20000, seed=1))
    >>> r.table["term"].iloc[0]
    'exposed'
    """
    ctx = context(ds, window, min_cell, level)
    check_disclosure(disclosure, cell_key, "adjusted_association")  # cell_key: not available (refused)
    roles = check_roles(exposure_roles, "exposure_roles")
    v = core.victim_to_perpetrator(
        ctx.dataset, ctx.window_start, ctx.window_end, roles, matched=True, level=ctx.level
    )
    mp = v["matched_pathway"]
    published = matched_published(mp["matched"], ctx.min_cell)
    matched = matched_frame(mp["matched"], ctx.min_cell)
    verdict = verdict_frame(mp["verdict"], published, ctx.min_cell)
    idx = np.asarray(v["person"], dtype=np.int64)
    y = np.asarray(v["event"], dtype=np.int64)
    x = np.asarray(v["exposed"], dtype=np.int64)
    p = ds._core.persons_columns()
    sex = np.asarray(p["sex"], dtype=np.int64)[idx]
    birth = np.asarray(core.person_dates(ds._core)["birth"], dtype=np.int64)[idx]
    decade = (pd.to_datetime(birth, unit="D").year.to_numpy() // 10) * 10
    m = ctx.min_cell
    a, b = int((x * y).sum()), int((x * (1 - y)).sum())
    c_, d_ = int(((1 - x) * y).sum()), int(((1 - x) * (1 - y)).sum())
    crude = two_by_two_frame(
        pd.DataFrame({"model": ["crude"]}), [(a, b, c_, d_)], level=ctx.level, min_cell=m
    )
    keep = np.ones(len(y), dtype=bool)
    dropped_sex = []
    for s in (0, 1, 2):
        sel = sex == s
        if sel.any() and min(int(y[sel].sum()), int(sel.sum() - y[sel].sum())) < max(m, 1):
            keep &= ~sel
            dropped_sex.append(str(_SEX[s]))
    y_k, x_k, sex_k, dec_k = y[keep], x[keep], sex[keep], decade[keep]
    groups = _merge_small(sorted(set(dec_k.tolist())), y_k, dec_k, max(m, 1)) if len(y_k) else {}
    if len(dec_k):
        keys = np.array(sorted(groups), dtype=np.int64)
        grp = np.array([groups[int(k)] for k in keys], dtype=np.int64)[np.searchsorted(keys, dec_k)]
    else:
        grp = np.zeros(0, dtype=np.int64)
    cols: dict[str, npt.NDArray[np.float64]] = {"exposed": x_k.astype(np.float64)}
    sexes = sorted(set(sex_k.tolist()))
    for s in sexes[1:]:
        cols[f"sex[{_SEX[s]}]"] = (sex_k == s).astype(np.float64)
    levels = sorted(set(grp.tolist()))
    for g in levels[1:]:
        cols[f"birth_decade[{g}]"] = (grp == g).astype(np.float64)
    empty_cols = ["term", "odds_ratio", "lower", "upper", "coef", "se"]
    note = ""
    table = pd.DataFrame({c: pd.Series(dtype=object if c == "term" else "float64") for c in empty_cols})
    hidden = bool(crude.loc[0, "a_suppressed"])
    if len(y_k) == 0:
        note = "no eligible persons"
    elif hidden:
        note = "not published: the crude table has a suppressed cell"
    else:
        try:
            fit = stats.logistic(pd.DataFrame(cols), y_k, add_intercept=True, level=ctx.level)
            t = fit["table"].drop(index="intercept")
            table = pd.DataFrame(
                {
                    "term": t.index.astype(str),
                    "odds_ratio": t["odds_ratio"].to_numpy(),
                    "lower": t["or_lower"].to_numpy(),
                    "upper": t["or_upper"].to_numpy(),
                    "coef": t["coef"].to_numpy(),
                    "se": t["se"].to_numpy(),
                }
            )
        except RuntimeError as err:
            note = f"model not estimable: {err}"
    flags: dict[str, list[bool]] = {}
    for col in empty_cols[1:]:
        _flagged(table, col, [False] * len(table), flags)
    table = _finish(table, flags, m, [])
    merged = {str(k): str(vv) for k, vv in groups.items() if k != vv}
    params = ctx.parameters(
        v["window"],
        exposure_roles=roles,
        reference="sex F, earliest birth decade",
        merged_decades=merged,
        dropped_sex=dropped_sex,
    )
    if dropped_sex:
        note = (note + "; " if note else "") + f"sex {', '.join(dropped_sex)} left out (too few outcomes)"
    return Result(
        "adjusted_association",
        {"table": table, "matched": matched, "verdict": verdict, "crude": crude},
        params,
        DEFINITION_7,
        note,
        {
            "empty": len(y) == 0,
            "n_model": len(y_k) if not math.isnan(len(y_k)) else 0,
            "window_days": tuple(v["window"]),
        },
    )
