"""Indicator 5: early signalling — was the first incident preceded by a contact?"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import disclosure, stats
from .. import disclosure as _dc  # the parameter `disclosure` shadows the module
from ..cell_key import CellKey
from ._base import context, core
from ._cellkey import Disclosure, check_disclosure
from ._matched import count_verdict_frame
from ._options import WindowLike, check_int
from ._result import Result
from ._tables import _finish, _flagged, share_frame

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["early_signalling"]

DEFINITION = (
    "The first incident of a person is their earliest in-window event row (any role), at t0. A "
    "contact precedes it within N years if the contact starts in [t0 - 365 N days, t0 - 1 day] "
    "(contacts are not cut by the window). Shares of first incidents preceded by a contact of the "
    "person; for persons who were minors at t0 also by a contact of the person or a recorded "
    "parent; per organisation counting only its contacts. Lead time: t0 minus the start of the "
    "person's earliest contact before t0."
)


def early_signalling(
    ds: Dataset,
    *,
    window: WindowLike = None,
    years: Sequence[int] = (1, 2, 5),
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 5: could it have been seen earlier?

    ``.table``: organisation (``all`` or a code), years, population (``first_incidents`` or
    ``minors_self_or_parent``), n, preceded, share with a Wilson interval. Every organisation that
    is a source anywhere in the data is listed, also with zero counts. ``.tables["lead_time"]``: n,
    q1, median, q3 in days.

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.early_signalling(fg.synth.generate(persons=5000, seed=1))
    >>> sorted(set(r.table["years"]))
    [1, 2, 5]
    """
    ctx = context(ds, window, min_cell, level)
    check_disclosure(disclosure, cell_key, "early_signalling")  # cell_key: not available (refused)
    if isinstance(years, int | str) or not isinstance(years, Sequence) or not years:
        raise TypeError(f"years must be a non-empty list of whole years, e.g. [1, 2, 5], got {years!r}")
    ys = sorted({check_int(y, "years", 1, 200) for y in years})
    c = core.early_signalling(ctx.dataset, ctx.window_start, ctx.window_end, ys)
    keys: list[tuple[str, int, str]] = []
    k: list[int] = []
    n: list[int] = []
    nested: list[list[int]] = []
    # The organisations' rows of one look-back and population are parts of its overall row (with
    # overlaps, but other published tables can pin them): a hidden one among them gets a partner.
    wholes: dict[tuple[int, str], int] = {}
    parts: dict[tuple[int, str], list[int]] = {}
    groups = [("all", c.overall)] + [(org, c.by_org[org]) for org in ds.organisations]
    for g, (org, per_year) in enumerate(groups):
        for pop, idx, total in (
            ("first_incidents", 0, c.first_incidents),
            ("minors_self_or_parent", 1, c.minors),
        ):
            rows = []
            for y, counts in zip(ys, per_year, strict=True):
                if g == 0:  # by position: an organisation may itself be called "all"
                    wholes[(y, pop)] = len(keys)
                else:
                    parts.setdefault((y, pop), []).append(len(keys))
                rows.append(len(keys))
                keys.append((org, y, pop))
                k.append(int(counts.preceded_minor_self_or_parent if idx else counts.preceded))
                n.append(int(total))
            nested.append(rows)
    table = share_frame(
        pd.DataFrame(keys, columns=["organisation", "years", "population"]),
        k,
        n,
        level=ctx.level,
        min_cell=ctx.min_cell,
        count_name="preceded",
        nested=nested,
        siblings=[(wholes[g], rows) for g, rows in parts.items()],
    )
    lead = np.asarray(c.lead_times, dtype=np.float64)
    q = stats.quartiles(lead)
    lt = pd.DataFrame(
        {
            "n": [len(lead)],
            "q1": [q["q1"] if q else np.nan],
            "median": [q["median"] if q else np.nan],
            "q3": [q["q3"] if q else np.nan],
        }
    )
    # Persons with any earlier contact ⊇ those with one within the longest look-back: lead_n sits
    # between k(all, max years) and n, one more nested level. Published only when that row is and
    # both differences are at least min_cell.
    m = ctx.min_cell
    top = table[
        (table["organisation"] == "all")
        & (table["years"] == ys[-1])
        & (table["population"] == "first_incidents")
    ].index[0]
    k_top = int(k[top])
    n_first_all = int(c.first_incidents)
    hide = [
        _dc.Policy(m).enabled
        and (
            bool(table.loc[top, "preceded_suppressed"])
            or _dc.nested_count_hidden(k_top, len(lead), n_first_all, m)
        )
    ]
    flags: dict[str, list[bool]] = {}
    for col in ("n", "q1", "median", "q3"):
        _flagged(lt, col, hide, flags)
    lt = _finish(lt, flags, ctx.min_cell, ["n"])
    n_first = int(c.first_incidents)
    note = "" if n_first else "no first incidents inside the window"
    return Result(
        "early_signalling",
        {
            "table": table,
            "verdict": count_verdict_frame(n_first, "first incidents", ctx.min_cell),
            "lead_time": lt,
        },
        ctx.parameters(c.window, years=ys),
        DEFINITION,
        note,
        {"empty": n_first == 0, "window_days": tuple(c.window)},
    )
