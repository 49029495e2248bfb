"""Indicator 6: multi-agency overlap — which organisations know the same persons and families."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import disclosure
from ._base import context, core
from ._options import WindowLike
from ._result import Result
from ._tables import _finish, _flagged, share_frame

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["agency_overlap"]

DEFINITION = (
    "A person is known to an organisation if it is the source of one of their in-window event rows "
    "or of a contact overlapping the window; a nuclear family if any member is. Counts per exact "
    "combination of organisations (each person in one combination), pairwise Jaccard = both / "
    "either, and the share known to at least two among those known to at least one."
)


def _combination_status(combos: list[tuple[tuple[str, ...], int]], m: int) -> list[bool]:
    """One-way rule within the single- and within the multi-organisation combinations: the totals
    of both groups are published (known to ≥ 1 and known to ≥ 2)."""
    hide = [False] * len(combos)
    for multi in (False, True):
        idx = [i for i, (orgs, _) in enumerate(combos) if (len(orgs) >= 2) == multi]
        s = disclosure.suppress_one_way([combos[i][1] for i in idx], m, total_published=True)
        for i, st in zip(idx, s.counts, strict=True):
            hide[i] = st.suppressed
    return hide


def _unit(
    unit: str, d: dict[str, Any], m: int, level: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    combos = [(tuple(orgs), int(n)) for orgs, n in d["combinations"]]
    combos.sort(key=lambda x: (-x[1], x[0]))
    comb = pd.DataFrame(
        {
            "unit": [unit] * len(combos),
            "combination": ["+".join(o) for o, _ in combos],
            "n_organisations": [len(o) for o, _ in combos],
            "count": pd.Series([n for _, n in combos], dtype="int64"),
        }
    )
    hide_c = _combination_status(combos, m)
    flags: dict[str, list[bool]] = {}
    _flagged(comb, "count", hide_c, flags)
    comb = _finish(comb, flags, m, ["count"])
    # both(x, y) and either(x, y) are sums of combination counts: publish one only if the
    # suppressed combinations it contains are none, or at least two summing to >= min_cell.
    pair_rows = []
    hide_both, hide_either = [], []
    for x, y, both, either in d["pairs"]:
        pair_rows.append((unit, x, y, int(both), int(either)))

        def exposed(pred: Any) -> bool:
            h = [n for (orgs, n), hc in zip(combos, hide_c, strict=True) if hc and pred(orgs)]
            return bool(h) and (len(h) < 2 or sum(h) < m)

        hide_both.append(exposed(lambda o, x=x, y=y: x in o and y in o))
        hide_either.append(exposed(lambda o, x=x, y=y: x in o or y in o))
    keys = pd.DataFrame([r[:3] for r in pair_rows], columns=["unit", "organisation_a", "organisation_b"])
    pairs = share_frame(
        keys, [r[3] for r in pair_rows], [r[4] for r in pair_rows], level=level, min_cell=m, count_name="both"
    )
    pairs = pairs.rename(
        columns={
            "n": "either",
            "n_suppressed": "either_suppressed",
            "share": "jaccard",
            "share_suppressed": "jaccard_suppressed",
        }
    )
    pairs = pairs.drop(columns=[c for c in pairs.columns if c.startswith("share_")])
    for i, (hb, he) in enumerate(zip(hide_both, hide_either, strict=True)):
        if hb or he:
            pairs.loc[i, ["both", "jaccard"]] = float("nan")
            pairs.loc[i, ["both_suppressed", "jaccard_suppressed"]] = True
        if he:
            pairs.loc[i, "either"] = float("nan")
            pairs.loc[i, "either_suppressed"] = True
    pairs.attrs["count_columns"] = ["either", "both"]
    known = share_frame(
        pd.DataFrame({"unit": [unit]}),
        [int(d["known_2plus"])],
        [int(d["known_1plus"])],
        level=level,
        min_cell=m,
        count_name="known_2plus",
    ).rename(columns={"n": "known_1plus", "n_suppressed": "known_1plus_suppressed"})
    known.attrs["count_columns"] = ["known_1plus", "known_2plus"]
    return comb, pairs, known


def agency_overlap(
    ds: Dataset,
    *,
    window: WindowLike = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
) -> Result:
    """Indicator 6: persons and nuclear families known to several organisations.

    ``.table``: unit (person, family), combination (``"police+veilig_thuis"``), n_organisations,
    count — one row per exact combination (an UpSet table). ``.tables["pairs"]``: organisation_a,
    organisation_b, both, either, jaccard. ``.tables["known"]``: known_1plus, known_2plus and the
    share known to ≥ 2 with a Wilson interval.

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.agency_overlap(fg.synth.generate(persons=5000, seed=1))
    >>> r.tables["known"]["unit"].tolist()
    ['person', 'family']
    """
    ctx = context(ds, window, min_cell, level)
    c = core.agency_overlap(ctx.dataset, ctx.window_start, ctx.window_end)
    parts = [
        _unit(u, c[key], ctx.min_cell, ctx.level)
        for u, key in (("person", "persons"), ("family", "families"))
    ]
    tables = {
        name: pd.concat([p[i] for p in parts], ignore_index=True)
        for i, name in enumerate(("table", "pairs", "known"))
    }
    for i, t in enumerate(tables.values()):
        t.attrs.update(parts[0][i].attrs)
    n = int(c["persons"]["known_1plus"])
    note = "" if n else "nobody is known to any organisation inside the window"
    return Result("agency_overlap", tables, ctx.parameters(c["window"]), DEFINITION, note, {"empty": n == 0})
