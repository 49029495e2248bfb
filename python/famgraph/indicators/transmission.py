"""Indicators 1 and 2: the victim→perpetrator pathway and the relative-exposure transmission table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _core, _rules, disclosure, stats
from .. import disclosure as _dc  # the parameter `disclosure` shadows the module
from ..cell_key import CellKey
from ..disclosure import FLAG_SUFFIX
from ._base import context, core, matched_pathway_counts, window_key
from ._cellkey import CELL_KEY_NOTE, Disclosure, check_disclosure, prepare
from ._matched import add_matched_columns, matched_frame, matched_published, verdict_frame
from ._options import WindowLike, check_relations, check_roles
from ._result import Result
from ._tables import count_frame, two_by_two_frame

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["DEFAULT_RELATIONS", "DEFAULT_ROLE_PAIRS", "relative_exposure", "victim_to_perpetrator"]

DEFINITION_1 = (
    "Eligible: persons with a known birth date whose 18th birthday falls after the window start and "
    "on or before min(window end, exit), i.e. observed in part of childhood and into adulthood. "
    "Exposed: an in-window event in childhood with a role in exposure_roles. Outcome: an in-window "
    "event as perpetrator as an adult. Headline: the Mantel-Haenszel odds ratio over strata of single "
    "birth year x sex x childhood household recorded (persons of the same age compared), with its "
    "verdict; the overall 2x2 is crude. Kaplan-Meier and Cox: time from the 18th birthday to the first "
    "adult perpetration, censored at min(window end, exit)."
)

DEFINITION_2 = (
    "Probands: persons observed on at least one day of the window. For relation R and roles (a, b): "
    "exposed = some relative of the proband by R (observed or not) has an in-window event with role "
    "a; outcome = the proband has an in-window event with role b. One 2x2 table per (R, a, b): the "
    "counts and their ratios are crude; the matched columns (or_mh, rr_mh) compare probands of the "
    "same birth year, sex and childhood household recorded, with a verdict per row."
)

DEFAULT_RELATIONS: tuple[str, ...] = (
    "parent",
    "grandparent",
    "full_sibling",
    "half_sibling",
    "aunt_uncle",
    "first_cousin",
    "partner",
)
DEFAULT_ROLE_PAIRS: tuple[tuple[str, str], ...] = (
    ("victim", "victim"),
    ("victim", "perpetrator"),
    ("perpetrator", "victim"),
    ("perpetrator", "perpetrator"),
)

_DAYS_PER_YEAR = 365.25


def _abcd(t: core.Counts2x2) -> tuple[int, int, int, int]:
    return int(t.a), int(t.b), int(t.c), int(t.d)


def _km_curve(time: np.ndarray, event: np.ndarray, group: str, m: int, level: float) -> pd.DataFrame:
    """The published Kaplan–Meier curve of one group, coarsened for disclosure control.

    With min_cell m > 0 a point is published only where at least m events occurred since the
    previously published point and at least m persons were still at risk, so that no step reveals
    fewer than m events; a group of fewer than m persons has no curve.
    """
    cols = ["group", "time_years", "cumulative_incidence", "lower", "upper"]
    empty = pd.DataFrame({c: pd.Series(dtype=object if c == "group" else "float64") for c in cols})
    if len(time) == 0:
        return empty
    km = stats.kaplan_meier(time, event, level)
    # The rule: famgraph::disclosure::coarsen_curve.
    keep = _core.disclosure.coarsen_curve(
        len(time),
        np.asarray(km["events"], dtype=np.uint64),
        np.asarray(km["at_risk"], dtype=np.uint64),
        m,
    )
    if not keep.drawn:
        return empty
    rows = [(group, 0.0, 0.0, 0.0, 0.0)]
    t, ci = km["time"], km["cumulative_incidence"]
    lo, hi = km["cumulative_incidence_lower"], km["cumulative_incidence_upper"]
    for i in keep.points:
        rows.append((group, float(t[i]) / _DAYS_PER_YEAR, float(ci[i]), float(lo[i]), float(hi[i])))
    return pd.DataFrame(rows, columns=cols)


def victim_to_perpetrator(
    ds: Dataset,
    *,
    window: WindowLike = None,
    exposure_roles: Sequence[str] = _rules.DEFAULT_EXPOSURE_ROLES,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 1: does childhood exposure go with perpetration as an adult?

    Returns the 2×2 table (risks with Wilson intervals, Katz RR, Woolf OR, Newcombe RD) overall,
    by sex and by birth decade (``.table``, column ``stratum``), the Kaplan–Meier cumulative
    incidence of first adult perpetration since the 18th birthday (``.tables["km"]``) and the
    log-rank test (``.tables["logrank"]``), all after disclosure control.

    ``disclosure="cell_key"`` with ``cell_key=famgraph.cell_key.CellKey(secret)`` perturbs every
    cell (docs/disclosure.md, "Using it"); the Kaplan–Meier curves and the log-rank test, which are
    not counts, are then withheld.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=5000, seed=1)
    >>> r = fg.indicators.victim_to_perpetrator(ds)
    >>> r.table.loc[0, ["stratum", "level"]].tolist()
    ['overall', 'all']
    """
    ctx = context(ds, window, min_cell, level)
    roles = check_roles(exposure_roles, "exposure_roles")
    ck = check_disclosure(disclosure, cell_key, "victim_to_perpetrator")
    noise = None
    if ck is not None:
        noise = prepare(ck, ds, "victim_to_perpetrator", {"window": window_key(ctx), "exposure_roles": roles})
    c = matched_pathway_counts(ctx, roles, None if noise is None else noise.person_keys)

    def _published(t: core.Counts2x2, where: tuple[str, Any] = ("overall", 0)) -> tuple[int, int, int, int]:
        if noise is None:
            return _abcd(t)
        ks = c.keys.overall if where[0] == "overall" else getattr(c.keys, where[0])[where[1]]
        return noise.perturb_2x2(t, ks)

    keys: list[tuple[str, str]] = [("overall", "all")]
    counts = [_published(c.overall)]
    linked: list[tuple[int, list[int]]] = []
    # A stratum with nobody in it is structural, not a small count: it is left out (see
    # docs/disclosure.md), so it neither shows as "<10" nor forces secondary suppression.
    for stratum, items in (
        ("sex", [(s, c.by_sex[s], ("by_sex", s)) for s in ("F", "M", "U")]),
        ("birth_decade", [(str(d), c.by_decade[d], ("by_decade", d)) for d in sorted(c.by_decade)]),
    ):
        rows = []
        for name, t, where in items:
            if sum(_abcd(t)) == 0:
                continue
            rows.append(len(keys))
            keys.append((stratum, name))
            counts.append(_published(t, where))
        if rows:
            linked.append((0, rows))
    table = two_by_two_frame(
        pd.DataFrame(keys, columns=["stratum", "level"]),
        counts,
        level=ctx.level,
        min_cell=ctx.min_cell,
        linked=linked,
        perturbed=noise is not None,
    )
    time = np.asarray(c.time, dtype=np.float64)
    event = np.asarray(c.event, dtype=np.float64)
    exposed = np.asarray(c.exposed, dtype=bool)
    # A curve's steps count the events of its group (cell a or c): a curve is drawn only when
    # that cell is published, otherwise just its origin.
    curves = []
    for group, sel, cell in (("exposed", exposed, "a"), ("unexposed", ~exposed, "c")):
        curve = _km_curve(time[sel], event[sel], group, ctx.min_cell, ctx.level)
        # Under the cell key method the exact curves would undo the noise: origin only.
        if bool(table.loc[0, f"{cell}{FLAG_SUFFIX}"]) or noise is not None:
            curve = curve.iloc[:1]
        curves.append(curve)
    km = pd.concat(curves, ignore_index=True)
    km.attrs.update(min_cell=ctx.min_cell, disclosure_control=_dc.stamp(ctx.min_cell), count_columns=[])
    lr = stats.logrank(time[exposed], event[exposed], time[~exposed], event[~exposed])
    # The log-rank counts are the a and c cells of the overall table: published only with them.
    hidden = noise is not None or any(bool(table.loc[0, f"{x}{FLAG_SUFFIX}"]) for x in ("a", "b", "c", "d"))
    lr_row: dict[str, Any] = {
        "chi2": lr["chi2"],
        "p_value": lr["p_value"],
        "observed_exposed": lr["observed_a"],
        "expected_exposed": lr["expected_a"],
        "observed_unexposed": lr["observed_b"],
        "expected_unexposed": lr["expected_b"],
    }
    logrank = pd.DataFrame([{k: (np.nan if v is None or hidden else float(v)) for k, v in lr_row.items()}])
    for k in lr_row:
        logrank[k + FLAG_SUFFIX] = hidden
    logrank.attrs.update(
        min_cell=ctx.min_cell,
        disclosure_control=_dc.stamp(ctx.min_cell),
        count_columns=["observed_exposed", "observed_unexposed"],
    )
    n_eligible = sum(_abcd(c.overall))
    note = ""
    if n_eligible == 0:
        note = "no eligible persons: nobody had an 18th birthday inside the window while observed"
    elif noise is not None:
        note = CELL_KEY_NOTE + " The Kaplan-Meier curves and the log-rank test are withheld."
    mp = c.matched_pathway
    assert mp is not None  # asked for (matched=True)
    # Under the cell key method the published cells are perturbed while the strata behind the
    # matched estimates are not: the matched tables would undo the noise, so they are withheld
    # (docs/disclosure.md, "Using it").
    published = noise is None and matched_published(mp.matched, ctx.min_cell)
    matched = matched_frame(mp.matched, ctx.min_cell, mp.follow_up, withheld=noise is not None)
    verdict = verdict_frame(mp.verdict, published, ctx.min_cell)
    tables = {"table": table, "matched": matched, "verdict": verdict}
    if noise is None:  # exact counts of persons and events: not with the cell key method
        tables["design"] = _cohort_frame(mp.cohorts, n_eligible, ctx.min_cell)
        tables["ages"] = _ages_frame(mp.ages, mp.oldest_age, ctx.min_cell)
        tables["rates"] = _rates_frame(mp.follow_up, table, ctx.level, ctx.min_cell)
    tables["km"] = km
    if noise is None:
        tables["at_risk"] = _at_risk_frame(time, event, exposed, table, ctx.min_cell)
    tables["logrank"] = logrank
    params = ctx.parameters(c.window, exposure_roles=roles)
    if noise is not None:
        params.update(noise.parameters())
    return Result(
        "victim_to_perpetrator",
        tables,
        params,
        DEFINITION_1,
        note,
        {
            "empty": n_eligible == 0,
            "without_birth_date": int(c.without_birth_date),
            "window_days": tuple(c.window),
        },
    )


def _cohort_frame(cohorts: list[core.PathwayCohort], n_eligible: int, m: int) -> pd.DataFrame:
    """The birth cohorts of the window: years of childhood and of adulthood inside it (the window's
    design), the eligible persons and their person-years (data, one-way protected with the total
    published in the main table), and whether the cohort contributes to the matched estimate."""
    keys = pd.DataFrame(
        {
            "birth_year": pd.array([int(r.birth_year) for r in cohorts], dtype="int64"),
            "childhood_years": [float(r.childhood_years) for r in cohorts],
            "adult_years": [float(r.adult_years) for r in cohorts],
        }
    )
    out = count_frame(
        keys, [int(r.persons) for r in cohorts], min_cell=m, column="persons", total_published=True
    )
    hidden = out[f"persons{FLAG_SUFFIX}"].to_numpy(bool) if m > 0 else np.zeros(len(out), bool)
    years = np.array([float(r.person_years) for r in cohorts], dtype=np.float64).round(0)
    out.insert(list(out.columns).index("persons") + 1, "person_years", np.where(hidden, np.nan, years))
    out[f"person_years{FLAG_SUFFIX}"] = hidden
    out["contributes"] = [bool(r.contributes) for r in cohorts]
    del n_eligible  # the total is the main table's n: count_frame protects against it
    return out


def _ages_frame(ages: core.PerpetrationAges, oldest: int, m: int) -> pd.DataFrame:
    """The oldest age the eligible reach inside the window, and the quartiles of the age at the
    first in-window adult perpetration (published with at least min_cell persons)."""
    n = int(ages.persons)
    hide = disclosure.count_hidden(n, m)
    nan = float("nan")

    def q(v: float | None) -> float:
        return nan if hide or v is None else float(v)

    out = pd.DataFrame(
        {
            "oldest_eligible_age": pd.array([oldest], dtype="int64"),
            "perpetrators": pd.array([None if hide else n], dtype="Int64"),
            "age_q1": [q(ages.q1)],
            "age_median": [q(ages.median)],
            "age_q3": [q(ages.q3)],
        }
    )
    for col in ("perpetrators", "age_q1", "age_median", "age_q3"):
        out[col + FLAG_SUFFIX] = hide
    out.attrs.update(min_cell=m, disclosure_control=disclosure.stamp(m), count_columns=["perpetrators"])
    return out


def _rates_frame(fu: core.PathwayFollowUp, table: pd.DataFrame, level: float, m: int) -> pd.DataFrame:
    """First adult perpetration per 1,000 person-years of adult follow-up inside the window. The
    events are the a and c cells of the overall table and share their disclosure status."""
    # index 1 = exposed, 0 = unexposed (PathwayFollowUp)
    events = [int(fu.events[1]), int(fu.events[0])]
    years = [float(fu.person_years[1]), float(fu.person_years[0])]
    out = stats.incidence_rates(events, years, level=level)
    out.insert(0, "group", ["exposed", "unexposed"])
    out["person_years"] = out["person_years"].round(0)
    for i, cell in enumerate(("a", "c")):
        hide = bool(table.loc[0, f"{cell}{FLAG_SUFFIX}"]) if len(table) else False
        for col in ("events", "rate", "lower", "upper"):
            if hide:
                out.loc[i, col] = np.nan
    flags = [bool(table.loc[0, f"{cell}{FLAG_SUFFIX}"]) if len(table) else False for cell in ("a", "c")]
    out["events"] = pd.array([None if f else e for f, e in zip(flags, events, strict=True)], dtype="Int64")
    for col in ("events", "rate", "lower", "upper"):
        out[col + FLAG_SUFFIX] = flags
    out.attrs.update(min_cell=m, disclosure_control=disclosure.stamp(m), count_columns=["events"])
    return out


def _at_risk_frame(
    time: np.ndarray, event: np.ndarray, exposed: np.ndarray, table: pd.DataFrame, m: int
) -> pd.DataFrame:
    """The number-at-risk table under the Kaplan–Meier curves, at whole years since the 18th
    birthday. At year 0 everybody of the group is at risk (the group's margin in the main table,
    with its disclosure status). The persons who left the risk set by each later year are nested
    counts with the group size as total: published under :func:`nested_status`, so no difference
    of two published numbers is a small count."""
    years = time / _DAYS_PER_YEAR
    top = int(np.floor(years.max())) if len(years) else 0
    at = np.arange(1, top + 1, dtype=np.float64)
    parts = []
    for group, sel, margin in (("exposed", exposed, "n_exposed"), ("unexposed", ~exposed, "n_unexposed")):
        n = int(sel.sum())
        flag = f"{margin}{FLAG_SUFFIX}"
        group_hidden = bool(table.loc[0, flag]) if len(table) and flag in table else None
        values: list[int] = [n]
        at_risk = np.zeros(0, dtype=np.uint64)
        if len(at):
            r = stats.number_at_risk(np.ascontiguousarray(years[sel]), np.ascontiguousarray(event[sel]), at)
            at_risk = np.asarray(r["at_risk"], dtype=np.uint64)
            values += [int(v) for v in at_risk]
        # The rule (year 0 as the main table says; later years nested): famgraph::disclosure::at_risk_hidden.
        hidden = [bool(h) for h in _core.disclosure.at_risk_hidden(n, at_risk, group_hidden, m)]
        frame = pd.DataFrame(
            {
                "group": group,
                "time_years": np.arange(len(values), dtype=np.float64),
                "at_risk": pd.array(
                    [None if h else v for h, v in zip(hidden, values, strict=True)], dtype="Int64"
                ),
            }
        )
        frame[f"at_risk{FLAG_SUFFIX}"] = hidden
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(min_cell=m, disclosure_control=disclosure.stamp(m), count_columns=["at_risk"])
    return out


def _check_role_pairs(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(
            f"role_pairs must be a list of (relative_role, proband_role) pairs, e.g. "
            f"[('victim', 'perpetrator')], got {value!r}"
        )
    out: list[tuple[str, str]] = []
    for pair in value:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(
                f"role_pairs: each entry must be a (relative_role, proband_role) pair, got {pair!r}"
            )
        a = check_roles([pair[0]], "role_pairs (relative role)")[0]
        b = check_roles([pair[1]], "role_pairs (proband role)")[0]
        out.append((a, b))
    if not out:
        raise ValueError("role_pairs must hold at least one (relative_role, proband_role) pair")
    return list(dict.fromkeys(out))


def relative_exposure(
    ds: Dataset,
    *,
    window: WindowLike = None,
    relations: Sequence[str] | None = None,
    role_pairs: Sequence[tuple[str, str]] | None = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 2: the transmission table — a 2×2 table per relation and pair of roles.

    ``relations`` default: parent, grandparent, full_sibling, half_sibling, aunt_uncle,
    first_cousin, partner; ``role_pairs`` default: (victim, perpetrator)² as (relative role,
    proband role). Key columns ``relation``, ``relative_role``, ``proband_role``.
    ``disclosure="cell_key"`` perturbs every cell (docs/disclosure.md, "Using it").

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=5000, seed=1)
    >>> r = fg.indicators.relative_exposure(ds, relations=["parent"], role_pairs=[("victim", "perpetrator")])
    >>> r.table[["relation", "relative_role", "proband_role"]].values.tolist()
    [['parent', 'victim', 'perpetrator']]
    """
    ctx = context(ds, window, min_cell, level)
    rels = check_relations(DEFAULT_RELATIONS if relations is None else relations)
    pairs = _check_role_pairs(DEFAULT_ROLE_PAIRS if role_pairs is None else role_pairs)
    ck = check_disclosure(disclosure, cell_key, "relative_exposure")
    noise = None
    if ck is not None:
        options = {"window": window_key(ctx), "relations": rels, "role_pairs": [list(p) for p in pairs]}
        noise = prepare(ck, ds, "relative_exposure", options)
    rx = core.relative_exposure(
        ctx.dataset,
        ctx.window_start,
        ctx.window_end,
        rels,
        pairs,
        person_keys=None if noise is None else noise.person_keys,
    )
    keys = pd.DataFrame(
        [(t.relation, t.roles.relative_role, t.roles.proband_role) for t in rx.cells],
        columns=["relation", "relative_role", "proband_role"],
    )
    published = [_abcd(t.counts) if noise is None else noise.perturb_2x2(t.counts, t.keys) for t in rx.cells]
    table = two_by_two_frame(keys, published, level=ctx.level, min_cell=ctx.min_cell)
    add_matched_columns(
        table,
        [core.matched(t.strata, ctx.level) for t in rx.cells],
        ctx.min_cell,
        withheld=noise is not None,
    )
    n = sum(_abcd(rx.cells[0].counts)) if rx.cells else 0
    params = ctx.parameters(rx.window, relations=rels, role_pairs=[list(p) for p in pairs])
    note = "" if n else "no probands: nobody was observed inside the window"
    if noise is not None:
        params.update(noise.parameters())
        note = note or CELL_KEY_NOTE
    return Result(
        "relative_exposure",
        {"table": table},
        params,
        DEFINITION_2,
        note,
        {"empty": n == 0, "window_days": tuple(rx.window)},
    )
