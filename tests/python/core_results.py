"""The bound result structs of famgraph._core.indicators in the plain shapes the reference
implementations (tests/python/reference) return, for comparing the two."""

from __future__ import annotations

from typing import Any


def abcd(t: Any) -> dict[str, int]:
    """A Counts2x2 / KeySums2x2 as {a, b, c, d}."""
    return {"a": t.a, "b": t.b, "c": t.c, "d": t.d}


def strata_rows(s: Any) -> list[tuple[int, str, bool, int, int, int, int]]:
    """A StratifiedCounts2x2 as rows (birth_year, sex, parents_known, a, b, c, d)."""
    return [
        (x.birth_year, x.sex, x.parents_known, x.counts.a, x.counts.b, x.counts.c, x.counts.d)
        for x in s.strata
    ]


def repeat(u: Any) -> dict[str, int]:
    """A RepeatCounts as {n, repeat}."""
    return {"n": u.n, "repeat": u.repeat}


def signalling(s: Any) -> tuple[int, int]:
    """A SignallingCounts as (preceded, preceded_minor_self_or_parent)."""
    return s.preceded, s.preceded_minor_self_or_parent
