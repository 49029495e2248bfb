"""A deliberately naive oracle for indicators 4c (GIF) and 4d (FIR).

Written from docs/spec/indicators.md §gif and §fir.

Nothing here uses famgraph or the A = TDTᵀ algebra of the library: kinship is the textbook
recursion in exact fractions (``reference.pedigree.Pedigree.kinship``), sums are explicit loops
over pairs of persons, and the rules of docs/spec/common_rules.md (observed, in-window event rows, partial
dates) come from ``reference.indicators_reference``. It is slow and meant for populations of a few thousand.

Definitions implemented
-----------------------
* case: an observed person with an in-window event row whose role is in ``case_roles``;
* GIF = 10⁵ · Σ_{i<j} φ_ij / (n(n−1)/2) over the unordered pairs of distinct observed cases
  (undefined, NaN, with fewer than 2 cases);
* FIR_i = Σ_{j≠i} φ_ij·case_j / Σ_{j≠i} φ_ij·observed_j for every observed person i (NaN when the
  denominator is 0, and for persons not observed);
* strata: birth decade ⌊year/10⌋·10 of the (imputed) birth date, ``None`` when unknown, × sex;
* p = (1 + #{GIF_sim ≥ GIF_obs}) / (n_sim + 1).

Pairs without a common ancestor (each person counting as their own ancestor) have φ = 0 by the
definition of kinship; the loops skip the recursion for them (it would return 0 after walking both
ancestries), which is what keeps the oracle fast enough for tests.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from typing import Any, cast

from reference.indicators_reference import Date, PersonId, Persons, event_rows, in_window, parse_date
from reference.pedigree import Pedigree

CASE_ROLES = ("perpetrator",)
Stratum = tuple[int | None, str]


class Population:
    """Persons with observation and case status for one window, and exact kinship."""

    def __init__(
        self,
        persons: Any,
        events: Any,
        window: tuple[Date, Date],
        case_roles: Iterable[str] = CASE_ROLES,
    ) -> None:
        ws, we = window
        self.P = Persons(persons)
        self.sex: dict[PersonId, str] = {
            int(p): str(s) for p, s in zip(persons["person_id"], persons["sex"], strict=True)
        }
        roles = set(case_roles)
        self.observed: set[PersonId] = {p for p in self.P.ids if self.P.observed(p, ws, we)}
        in_window_case = {
            r.person for r in event_rows(events) if in_window(r.date, ws, we) and r.role in roles
        }
        self.cases: set[PersonId] = self.observed & in_window_case
        parents = (
            cast(Mapping[Hashable, Hashable | None], self.P.mother),
            cast(Mapping[Hashable, Hashable | None], self.P.father),
        )
        self.pedigree = Pedigree(*parents)
        # Each person with their ancestors: φ(i, j) > 0 needs a common member.
        self.lineage: dict[PersonId, frozenset[PersonId]] = {
            p: frozenset(cast(set[PersonId], self.pedigree.ancestors(p)) | {p}) for p in self.P.ids
        }
        members: dict[PersonId, set[PersonId]] = defaultdict(set)
        for p, anc in self.lineage.items():
            for a in anc:
                members[a].add(p)
        # Everyone who shares an ancestor with p (p included): the only possible relatives.
        self._kin_candidates: dict[PersonId, set[PersonId]] = {
            p: set().union(*(members[a] for a in anc)) for p, anc in self.lineage.items()
        }

    def kinship(self, i: PersonId, j: PersonId) -> Fraction:
        if self.lineage[i].isdisjoint(self.lineage[j]):
            return Fraction(0)
        return self.pedigree.kinship(i, j)

    def relatives(self, i: PersonId) -> set[PersonId]:
        """Persons j ≠ i with a common ancestor (φ may be > 0); everyone else has φ = 0."""
        return self._kin_candidates[i] - {i}

    # ------------------------------------------------------------------ 4c
    def pair_sum(self, s: Iterable[PersonId]) -> Fraction:
        """Σ over unordered pairs {i, j} of distinct members of s of φ_ij (explicit pair loop)."""
        members = sorted(set(s))
        total = Fraction(0)
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                total += self.kinship(members[a], members[b])
        return total

    def gif_of(self, s: Iterable[PersonId]) -> float:
        members = set(s)
        n = len(members)
        if n < 2:
            return math.nan
        return float(100_000 * self.pair_sum(members) / Fraction(n * (n - 1), 2))

    def gif(self) -> dict[str, Any]:
        n = len(self.cases)
        return {
            "n_cases": n,
            "n_pairs": n * (n - 1) / 2,
            "kinship_sum": self.pair_sum(self.cases) if n >= 2 else None,
            "gif": self.gif_of(self.cases),
        }

    def birth_decade(self, p: PersonId) -> int | None:
        b = self.P.birth[p]
        return None if b is None else (b.year // 10) * 10

    def stratum(self, p: PersonId) -> Stratum:
        return (self.birth_decade(p), self.sex[p])

    def strata(self) -> dict[Stratum, tuple[int, int]]:
        """(decade or None, sex) → (observed cases, observed persons), over strata with a person."""
        cases: dict[Stratum, int] = defaultdict(int)
        observed: dict[Stratum, int] = defaultdict(int)
        for p in self.observed:
            observed[self.stratum(p)] += 1
            cases[self.stratum(p)] += p in self.cases
        return {k: (cases[k], observed[k]) for k in observed}

    # ------------------------------------------------------------------ 4d
    def fir(self) -> dict[PersonId, tuple[Fraction, Fraction, float]]:
        """Observed person → (Σ_{j≠i} φ·case_j, Σ_{j≠i} φ·observed_j, FIR or NaN)."""
        out: dict[PersonId, tuple[Fraction, Fraction, float]] = {}
        for i in self.observed:
            num = Fraction(0)
            den = Fraction(0)
            for j in self.relatives(i):
                if j not in self.observed:
                    continue
                phi = self.kinship(i, j)
                den += phi
                if j in self.cases:
                    num += phi
            out[i] = (num, den, float(num / den) if den else math.nan)
        return out


def p_value(gif_obs: float, sims: Iterable[float], tolerance: float = 1e-12) -> float:
    """(1 + #{sim ≥ obs}) / (n + 1); ≥ with the relative tolerance documented by famgraph."""
    values = list(sims)
    ge = sum(1 for s in values if s >= gif_obs * (1 - tolerance))
    return (1 + ge) / (len(values) + 1)


__all__ = ["CASE_ROLES", "Population", "p_value", "parse_date"]
