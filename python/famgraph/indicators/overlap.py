"""Indicator 6: multi-agency overlap — which organisations know the same persons and families."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .. import _core, disclosure
from ..cell_key import CellKey
from ._base import context, core, window_key
from ._cellkey import CELL_KEY_NOTE, Disclosure, Noise, check_disclosure, prepare
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

Combo = frozenset[str]

#: Up to this many organisations every combination is listed (2^k − 1 rows per unit, empty ones
#: included); with more, the combinations that are large enough are listed and the rest are pooled
#: in "other" rows (docs/disclosure.md, "Multi-agency overlap with many organisations").
MAX_LISTED_ORGANISATIONS = 12

#: The combination column of the pooled rows: the combinations not listed on their own.
OTHER_SINGLE = "(other single organisations)"
OTHER_MULTI = "(other combinations of 2 or more)"
#: Their keys: the multi one has two members, so that it falls in the group of 2 or more.
_POOL_SINGLE: Combo = frozenset({OTHER_SINGLE})
_POOL_MULTI: Combo = frozenset({OTHER_MULTI, OTHER_MULTI + " "})


def _protect(
    keys: list[Combo], counts: dict[Combo, int], m: int
) -> tuple[dict[Combo, bool], bool, bool, _core.disclosure.CombinationStatus]:
    """Suppression of the combination table with its two totals (docs/disclosure.md, "Linked tables").

    Every combination is listed, zeros included (an absent row would publish a zero). known_1plus
    (k1) and known_2plus (k2) are published like a share (k2 hidden when k2 or k1 − k2 is small).
    With both totals published, the one-way rule runs within the single- and within the
    multi-organisation combinations; with k2 hidden, over all combinations with total k1, and at
    least one single and one multi are hidden (else k2 = k1 − the published singles). The rule:
    famgraph::disclosure::suppress_combinations; returns its status as well, for the pair rule.
    """
    s = _core.disclosure.suppress_combinations(
        [counts[k] for k in keys], [len(k) for k in keys], disclosure.check_min_cell(m)
    )
    hidden = {k: bool(code) for k, code in zip(keys, s.counts, strict=True)}
    return hidden, bool(s.known_1plus_hidden), bool(s.known_2plus_hidden), s


def _pooled(given: dict[Combo, int], m: int) -> tuple[list[Combo], dict[Combo, int], list[set[Combo]]]:
    """With many organisations: the combinations listed on their own and the pooled rest.

    Within the single-organisation and the multi-organisation combinations separately, a
    combination is listed when it has at least ``min_cell`` units; the others (the small ones,
    and every empty one, of which there are up to 2^k) are pooled in one "other" row per group.
    While that row would be below ``min_cell`` — also when it is 0, which would say that every
    combination not listed is empty — the smallest listed combination of the group joins it. So
    every combination not listed can take any value from 0 to the pooled count, which is at least
    ``min_cell`` (or the whole group is one row, protected with its published total).
    Returns the listed keys followed by the pooled keys, the counts, and per group the members
    of its pooled row (listed combinations that joined it included).
    """
    # The rule: famgraph::disclosure::pool_combinations, on the combinations in name order (its
    # tie-break among equal counts).
    combos = sorted(given, key=sorted)
    p = _core.disclosure.pool_combinations(
        [given[k] for k in combos], [len(k) for k in combos], disclosure.check_min_cell(m)
    )
    keys: list[Combo] = []
    counts: dict[Combo, int] = {}
    pooled_members: list[set[Combo]] = []
    for group, other in ((p.single, _POOL_SINGLE), (p.multi, _POOL_MULTI)):
        listed = [combos[i] for i in group.listed]
        keys.extend(listed)
        counts.update({k: given[k] for k in listed})
        keys.append(other)
        counts[other] = int(group.pooled_count)
        pooled_members.append({combos[i] for i in group.pooled})
    return keys, counts, pooled_members


def _pair_status(
    keys: list[Combo],
    counts: dict[Combo, int],
    status: _core.disclosure.CombinationStatus,
    orgs: Sequence[str],
    pooled: bool,
    m: int,
) -> tuple[list[bool], list[bool]]:
    """(both hidden, either hidden) per organisation pair (a, b), a before b in ``orgs``, pairs in
    the order (0, 1), (0, 2), …, (1, 2), …: famgraph::disclosure::overlap_pairs_hidden on the rows
    of the combination table (a pooled row names no organisation)."""
    rank = {o: i for i, o in enumerate(orgs)}
    members = [[] if k in (_POOL_SINGLE, _POOL_MULTI) else sorted(rank[o] for o in k) for k in keys]
    p = _core.disclosure.overlap_pairs_hidden(
        members, [len(k) for k in keys], [counts[k] for k in keys], len(orgs), pooled, status, m
    )
    return [bool(h) for h in p.both_hidden], [bool(h) for h in p.either_hidden]


def _unit(
    unit: str, o: core.OverlapCounts, orgs: Sequence[str], m: int, level: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    given = {frozenset(c): int(n) for c, n in o.combinations}
    pooled = len(orgs) > MAX_LISTED_ORGANISATIONS
    if not pooled:
        keys = [frozenset(c) for r in range(1, len(orgs) + 1) for c in itertools.combinations(orgs, r)]
        counts = {k: given.get(k, 0) for k in keys}
    else:
        keys, counts, _ = _pooled(given, m)
    hidden, _, hide_k2, status = _protect(keys, counts, m)

    def name_of(k: Combo) -> str:
        if k == _POOL_SINGLE:
            return OTHER_SINGLE
        if k == _POOL_MULTI:
            return OTHER_MULTI
        return "+".join(x for x in orgs if x in k)

    comb = pd.DataFrame(
        {
            "unit": [unit] * len(keys),
            "combination": [name_of(k) for k in keys],
            "n_organisations": [
                (1 if OTHER_SINGLE in k else 2) if pooled and len(k) == 1 and not (k & set(orgs)) else len(k)
                for k in keys
            ],
            "count": pd.Series([counts[k] for k in keys], dtype="int64"),
        }
    )
    flags: dict[str, list[bool]] = {}
    _flagged(comb, "count", [hidden[k] for k in keys], flags)
    comb = _finish(comb, flags, m, ["count"])

    # A pair count is published exactly when it is a sum of published numbers (the core's rule):
    # then it is at least min_cell, and so is either − both, because published combinations and
    # whole hidden groups are; a share rule on top would only hide numbers anyone can add up.
    hide_both, hide_either = _pair_status(keys, counts, status, orgs, pooled, m)
    of_pair = {frozenset((x, y)): (int(b), int(e)) for x, y, b, e in o.pairs}
    pair_rows = [(unit, x, y, *of_pair[frozenset((x, y))]) for i, x in enumerate(orgs) for y in orgs[i + 1 :]]
    pairs = pd.DataFrame([r[:3] for r in pair_rows], columns=["unit", "organisation_a", "organisation_b"])
    both_v = [float(r[3]) for r in pair_rows]
    either_v = [float(r[4]) for r in pair_rows]
    hide_j = [hb or he for hb, he in zip(hide_both, hide_either, strict=True)]
    pairs["either"] = pd.Series(either_v, dtype="float64").mask(pd.Series(hide_either, dtype=bool))
    pairs["both"] = pd.Series(both_v, dtype="float64").mask(pd.Series(hide_both, dtype=bool))
    jac = [b / e if e else float("nan") for b, e in zip(both_v, either_v, strict=True)]
    pairs["jaccard"] = pd.Series(jac, dtype="float64").mask(pd.Series(hide_j, dtype=bool))
    pairs["either_suppressed"] = pd.Series(hide_either, dtype=bool)
    pairs["both_suppressed"] = pd.Series(hide_both, dtype=bool)
    pairs["jaccard_suppressed"] = pd.Series(hide_j, dtype=bool)
    pairs.attrs.update(min_cell=m, disclosure_control=disclosure.stamp(m))
    pairs.attrs["count_columns"] = ["either", "both"]
    k1, k2 = int(o.known_1plus), int(o.known_2plus)
    known = share_frame(
        pd.DataFrame({"unit": [unit]}), [k2], [k1], level=level, min_cell=m, count_name="known_2plus"
    ).rename(columns={"n": "known_1plus", "n_suppressed": "known_1plus_suppressed"})
    assert bool(known["known_2plus_suppressed"].iloc[0]) == hide_k2 or m == 0
    known.attrs["count_columns"] = ["known_1plus", "known_2plus"]
    return comb, pairs, known


def _perturbed(o: core.OverlapCounts, organisations: Sequence[str], noise: Noise) -> core.OverlapCounts:
    """The counts of one unit with every combination perturbed (the finest cells, decision 45);
    the pair counts and the numbers known to ≥ 1 and ≥ 2 organisations are their sums
    (famgraph::indicators::overlap_from_combinations). ``organisations``: in code order."""
    combos = [(list(c), int(n)) for c, n in o.combinations]
    values = noise.perturb([n for _, n in combos], list(o.combination_key_sums))
    return core.overlap_from_combinations(
        [(c, int(v)) for (c, _), v in zip(combos, values, strict=True)], list(organisations)
    )


def agency_overlap(
    ds: Dataset,
    *,
    window: WindowLike = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> Result:
    """Indicator 6: persons and nuclear families known to several organisations.

    ``.table``: unit (person, family), combination (``"police+veilig_thuis"``), n_organisations,
    count — one row per combination of the organisations in the data, empty ones included (an
    UpSet table). ``.tables["pairs"]``: organisation_a, organisation_b, both, either, jaccard
    (published only where they are sums of published combinations). ``.tables["known"]``:
    known_1plus, known_2plus and the share known to ≥ 2 with a Wilson interval.
    ``disclosure="cell_key"`` perturbs every combination; pairs and the ``known`` counts are sums
    of the perturbed combinations (docs/disclosure.md, "Using it").

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.indicators.agency_overlap(fg.synth.generate(persons=5000, seed=1))
    >>> r.tables["known"]["unit"].tolist()
    ['person', 'family']
    """
    ctx = context(ds, window, min_cell, level)
    ck = check_disclosure(disclosure, cell_key, "agency_overlap")
    noise = None if ck is None else prepare(ck, ds, "agency_overlap", {"window": window_key(ctx)})
    c = core.agency_overlap(
        ctx.dataset, ctx.window_start, ctx.window_end, None if noise is None else noise.person_keys
    )
    orgs = ds.organisations
    codes = ctx.dataset.sources  # the organisations in code order
    parts = [
        _unit(u, o if noise is None else _perturbed(o, codes, noise), orgs, ctx.min_cell, ctx.level)
        for u, o in (("person", c.persons), ("family", c.families))
    ]
    tables = {
        name: pd.concat([p[i] for p in parts], ignore_index=True)
        for i, name in enumerate(("table", "pairs", "known"))
    }
    for i, t in enumerate(tables.values()):
        t.attrs.update(parts[0][i].attrs)
    n = int(c.persons.known_1plus)
    note = "" if n else "nobody is known to any organisation inside the window"
    params = ctx.parameters(c.window)
    if noise is not None:
        params.update(noise.parameters())
        note = note or CELL_KEY_NOTE
    return Result(
        "agency_overlap",
        tables,
        params,
        DEFINITION,
        note,
        {"empty": n == 0, "window_days": tuple(c.window)},
    )
