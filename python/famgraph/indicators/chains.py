"""Indicator 3: intergenerational chains and their continuation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import disclosure
from .. import disclosure as _dc  # the parameter `disclosure` shadows the module
from ..cell_key import CellKey
from ..disclosure import FLAG_SUFFIX
from ._base import context, core, window_key
from ._cellkey import CELL_KEY_NOTE, Disclosure, check_disclosure, prepare
from ._matched import add_matched_columns
from ._options import WindowLike
from ._result import Result
from ._tables import _finish, nested_status, two_by_two_frame

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["chains"]

DEFINITION = (
    "A link (p, c): in one incident p is perpetrator and c victim, p is c's recorded mother or "
    "father, c's birth date is known, both rows are in the window and the victim row is in c's "
    "childhood. The chain ending at c is the longest path of links ending at c. Continuation: among "
    "persons whose childhood overlaps the window and who have a recorded child observed in that "
    "child's childhood, exposed = victim of a link, outcome = perpetrator of a link."
)


def chains(
    ds: Dataset,
    *,
    window: WindowLike = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 3: how many persons stand at the end of a chain of ≥ 1, ≥ 2, ≥ 3 links.

    ``.table`` has one row per ``measure``: ``links`` (number of links), ``chain_ge1``,
    ``chain_ge2``, ``chain_ge3`` (persons whose longest incoming chain has at least that many
    links); ``.tables["continuation"]`` is the 2×2 table of continuation. Counts carry no
    confidence interval (docs/spec/common_rules.md §intervals). ``disclosure="cell_key"`` perturbs the number
    of links, the persons whose longest chain has exactly 1, exactly 2 and at least 3 links (the published ≥ 1
    and ≥ 2 are their sums) and the continuation cells (docs/disclosure.md, "Using it").

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.chains(fg.synth.generate(persons=5000, seed=1))
    >>> r.table["measure"].tolist()
    ['links', 'chain_ge1', 'chain_ge2', 'chain_ge3']
    """
    ctx = context(ds, window, min_cell, level)
    ck = check_disclosure(disclosure, cell_key, "chains")
    noise = None if ck is None else prepare(ck, ds, "chains", {"window": window_key(ctx)})
    c = core.chains(
        ctx.dataset,
        ctx.window_start,
        ctx.window_end,
        None if noise is None else noise.person_keys,
        graph=ctx.graph(),
    )
    m = ctx.min_cell
    n_links = len(c.links[0])
    ge1, ge2, ge3 = int(c.ge1), int(c.ge2), int(c.ge3)
    t = c.continuation
    continuation = (int(t.a), int(t.b), int(t.c), int(t.d))
    if noise is not None:
        # the finest cells: links, and persons with exactly 1, exactly 2, >= 3 links (decision 45)
        n_links, e1, e2, ge3 = noise.perturb(
            [n_links, ge1 - ge2, ge2 - ge3, ge3], [c.links_key_sum, *c.chain_key_sums]
        )
        ge2 = e2 + ge3
        ge1 = e1 + ge2
        continuation = noise.perturb_2x2(t, c.continuation_keys)
    # ge3 ≤ ge2 ≤ ge1: nested counts with total ge1 (exactly 1 and exactly 2 are differences).
    hide_ge1, hide_nested = nested_status([ge3, ge2], ge1, m)
    table = pd.DataFrame(
        {
            "measure": ["links", "chain_ge1", "chain_ge2", "chain_ge3"],
            "count": pd.Series([n_links, ge1, ge2, ge3], dtype="int64"),
        }
    )
    # links − chain_ge1 counts children with two linked parents: a small difference is a small count
    hide_links = _dc.count_hidden(n_links, m) or (not hide_ge1 and _dc.difference_hidden(n_links, ge1, m))
    hide = [hide_links, hide_ge1, hide_nested[1], hide_nested[0]]
    table["count"] = table["count"].astype("float64").mask(pd.Series(hide), float("nan"))
    table = _finish(table, {"count": hide}, m, ["count"])
    cont = two_by_two_frame(
        pd.DataFrame({"population": ["continuation"]}), [continuation], level=ctx.level, min_cell=m
    )
    add_matched_columns(cont, [core.matched(c.continuation_strata, ctx.level)], m, withheld=noise is not None)
    assert f"count{FLAG_SUFFIX}" in table.columns
    exact_links = len(c.links[0])
    note = "" if exact_links else "no links: no parent-to-child incident inside the window"
    params = ctx.parameters(c.window)
    if noise is not None:
        params.update(noise.parameters())
        note = note or CELL_KEY_NOTE
    return Result(
        "chains",
        {"table": table, "continuation": cont},
        params,
        DEFINITION,
        note,
        {
            "empty": exact_links == 0 and t.a + t.b + t.c + t.d == 0,
            "window_days": tuple(c.window),
        },
    )
