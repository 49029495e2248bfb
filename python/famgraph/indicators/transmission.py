"""Indicators 1 and 2: the victim→perpetrator pathway and the relative-exposure transmission table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import disclosure, stats
from .. import disclosure as _dc  # the parameter `disclosure` shadows the module
from ..cell_key import CellKey
from ..disclosure import FLAG_SUFFIX
from ._base import context, core, window_key
from ._cellkey import CELL_KEY_NOTE, Disclosure, check_disclosure, prepare
from ._options import WindowLike, check_relations, check_roles
from ._result import Result
from ._tables import two_by_two_frame

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["DEFAULT_RELATIONS", "DEFAULT_ROLE_PAIRS", "relative_exposure", "victim_to_perpetrator"]

DEFINITION_1 = (
    "Eligible: persons with a known birth date whose 18th birthday falls after the window start and "
    "on or before min(window end, exit), i.e. observed in part of childhood and into adulthood. "
    "Exposed: an in-window event in childhood with a role in exposure_roles. Outcome: an in-window "
    "event as perpetrator as an adult. Kaplan-Meier: time from the 18th birthday to the first adult "
    "perpetration, censored at min(window end, exit)."
)

DEFINITION_2 = (
    "Probands: persons observed on at least one day of the window. For relation R and roles (a, b): "
    "exposed = some relative of the proband by R (observed or not) has an in-window event with role "
    "a; outcome = the proband has an in-window event with role b. One 2x2 table per (R, a, b)."
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


def _abcd(t: dict[str, int]) -> tuple[int, int, int, int]:
    return int(t["a"]), int(t["b"]), int(t["c"]), int(t["d"])


def _km_curve(time: np.ndarray, event: np.ndarray, group: str, m: int, level: float) -> pd.DataFrame:
    """The published Kaplan–Meier curve of one group, coarsened for disclosure control.

    With min_cell m > 0 a point is published only where at least m events occurred since the
    previously published point and at least m persons were still at risk, so that no step reveals
    fewer than m events; a group of fewer than m persons has no curve.
    """
    cols = ["group", "time_years", "cumulative_incidence", "lower", "upper"]
    if len(time) == 0 or (m > 0 and len(time) < m):
        return pd.DataFrame({c: pd.Series(dtype=object if c == "group" else "float64") for c in cols})
    km = stats.kaplan_meier(time, event, level)
    rows = [(group, 0.0, 0.0, 0.0, 0.0)]
    pending = 0
    for t, at_risk, ev, ci, lo, hi in zip(
        km["time"],
        km["at_risk"],
        km["events"],
        km["cumulative_incidence"],
        km["cumulative_incidence_lower"],
        km["cumulative_incidence_upper"],
        strict=True,
    ):
        if ev == 0:
            continue
        pending += int(ev)
        if m == 0 or (pending >= m and at_risk >= m):
            rows.append((group, float(t) / _DAYS_PER_YEAR, float(ci), float(lo), float(hi)))
            pending = 0
    return pd.DataFrame(rows, columns=cols)


def victim_to_perpetrator(
    ds: Dataset,
    *,
    window: WindowLike = None,
    exposure_roles: Sequence[str] = ("victim", "witness"),
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
    c = core.victim_to_perpetrator(
        ctx.dataset, ctx.window_start, ctx.window_end, roles, None if noise is None else noise.person_keys
    )

    def _published(t: dict[str, int], where: tuple[str, Any] = ("overall", 0)) -> tuple[int, int, int, int]:
        if noise is None:
            return _abcd(t)
        ks = c["key_sums"]["overall"] if where[0] == "overall" else c["key_sums"][where[0]][where[1]]
        return noise.perturb_2x2(t, ks)

    keys: list[tuple[str, str]] = [("overall", "all")]
    counts = [_published(c["overall"])]
    linked: list[tuple[int, list[int]]] = []
    # A stratum with nobody in it is structural, not a small count: it is left out (see
    # docs/disclosure.md), so it neither shows as "<10" nor forces secondary suppression.
    for stratum, items in (
        ("sex", [(s, c["by_sex"][s], ("by_sex", s)) for s in ("F", "M", "U")]),
        ("birth_decade", [(str(d), c["by_decade"][d], ("by_decade", d)) for d in sorted(c["by_decade"])]),
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
    time = np.asarray(c["time"], dtype=np.float64)
    event = np.asarray(c["event"], dtype=np.float64)
    exposed = np.asarray(c["exposed"], dtype=bool)
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
    n_eligible = sum(_abcd(c["overall"]))
    note = ""
    if n_eligible == 0:
        note = "no eligible persons: nobody had an 18th birthday inside the window while observed"
    elif noise is not None:
        note = CELL_KEY_NOTE + " The Kaplan-Meier curves and the log-rank test are withheld."
    params = ctx.parameters(c["window"], exposure_roles=roles)
    if noise is not None:
        params.update(noise.parameters())
    return Result(
        "victim_to_perpetrator",
        {"table": table, "km": km, "logrank": logrank},
        params,
        DEFINITION_1,
        note,
        {
            "empty": n_eligible == 0,
            "without_birth_date": int(c["without_birth_date"]),
            "window_days": tuple(c["window"]),
        },
    )


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
    win, cells = core.relative_exposure(
        ctx.dataset,
        ctx.window_start,
        ctx.window_end,
        rels,
        pairs,
        person_keys=None if noise is None else noise.person_keys,
    )
    keys = pd.DataFrame(
        [(r, a, b) for r, a, b, _ in cells], columns=["relation", "relative_role", "proband_role"]
    )
    published = [_abcd(t) if noise is None else noise.perturb_2x2(t, t["key_sums"]) for *_, t in cells]
    table = two_by_two_frame(keys, published, level=ctx.level, min_cell=ctx.min_cell)
    n = sum(_abcd(cells[0][3])) if cells else 0
    params = ctx.parameters(win, relations=rels, role_pairs=[list(p) for p in pairs])
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
        {"empty": n == 0, "window_days": tuple(win)},
    )
