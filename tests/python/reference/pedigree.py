"""A deliberately naive pedigree oracle.

Written straight from docs/spec/data_contract.md §family-graph and docs/spec/common_rules.md §relations.

Everything here is plain dicts and sets (no famgraph, no numpy) so it can be read and checked by
eye. It is far too slow for real data and is meant only for small random pedigrees in tests.

Conventions
-----------
* Persons are addressed by their external ``person_id`` (any hashable, ints in the tests).
* ``mother`` / ``father`` map a person to the recorded parent id or ``None`` (unknown). The
  column decides the role, whatever the parent's recorded sex (docs/spec/common_rules.md §relations).
* ``partnerships`` is an iterable of ``(person_a, person_b)`` pairs (dates are ignored by the
  ``partner`` relation).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction

PersonId = Hashable

RELATIONS = (
    "parent",
    "child",
    "full_sibling",
    "half_sibling",
    "grandparent",
    "grandchild",
    "aunt_uncle",
    "niece_nephew",
    "first_cousin",
    "partner",
)
SYMMETRIC = frozenset({"full_sibling", "half_sibling", "first_cousin", "partner"})

HALF = Fraction(1, 2)


class Pedigree:
    """The family graph of a small population, computed by brute force."""

    def __init__(
        self,
        mother: Mapping[PersonId, PersonId | None],
        father: Mapping[PersonId, PersonId | None],
        partnerships: Iterable[tuple[PersonId, PersonId]] = (),
    ) -> None:
        self.persons: list[PersonId] = sorted(set(mother) | set(father))
        self.mother: dict[PersonId, PersonId | None] = {p: mother.get(p) for p in self.persons}
        self.father: dict[PersonId, PersonId | None] = {p: father.get(p) for p in self.persons}
        self.partnerships: list[tuple[PersonId, PersonId]] = [(a, b) for a, b in partnerships]
        for p in self.persons:
            for q in (self.mother[p], self.father[p]):
                if q is not None and q not in self.mother:
                    raise ValueError(f"parent {q} of {p} is not a person")
        self._children: dict[PersonId, set[PersonId]] = {p: set() for p in self.persons}
        for c in self.persons:
            for q in self.parents(c):
                self._children[q].add(c)
        self._generation: dict[PersonId, int] = {}
        self._kin: dict[tuple[PersonId, PersonId], Fraction] = {}
        self._relatives: dict[tuple[PersonId, str], frozenset[PersonId]] = {}

    # ------------------------------------------------------------------ elementary sets
    def parents(self, p: PersonId) -> set[PersonId]:
        """The recorded parents of ``p`` as a set of persons (0, 1 or 2 elements)."""
        return {q for q in (self.mother[p], self.father[p]) if q is not None}

    def children(self, p: PersonId) -> set[PersonId]:
        """Every person who records ``p`` as mother or father."""
        return set(self._children[p])

    # ------------------------------------------------------------------ named relations
    def full_siblings(self, p: PersonId) -> set[PersonId]:
        """Both parents known for both and the same two persons (compared as sets)."""
        mine = self.parents(p)
        if len(mine) != 2:
            return set()
        return {q for q in self.persons if q != p and self.parents(q) == mine}

    def half_siblings(self, p: PersonId) -> set[PersonId]:
        """Exactly one recorded parent in common (sets of persons; unknown parents never match)."""
        mine = self.parents(p)
        return {q for q in self.persons if q != p and len(mine & self.parents(q)) == 1}

    def siblings(self, p: PersonId) -> set[PersonId]:
        return self.full_siblings(p) | self.half_siblings(p)

    def relatives(self, p: PersonId, relation: str) -> set[PersonId]:
        """Relatives of ``p`` by a named relation, without ``p`` itself, each once."""
        key = (p, relation)
        if key not in self._relatives:
            self._relatives[key] = frozenset(self._relatives_uncached(p, relation))
        return set(self._relatives[key])

    def _relatives_uncached(self, p: PersonId, relation: str) -> set[PersonId]:
        if relation == "parent":
            out = self.parents(p)
        elif relation == "child":
            out = self.children(p)
        elif relation == "full_sibling":
            out = self.full_siblings(p)
        elif relation == "half_sibling":
            out = self.half_siblings(p)
        elif relation == "grandparent":
            out = {g for q in self.parents(p) for g in self.parents(q)}
        elif relation == "grandchild":
            out = {g for c in self.children(p) for g in self.children(c)}
        elif relation == "aunt_uncle":
            out = {s for q in self.parents(p) for s in self.siblings(q)}
        elif relation == "niece_nephew":
            out = {c for s in self.siblings(p) for c in self.children(s)}
        elif relation == "first_cousin":
            out = {c for q in self.parents(p) for s in self.full_siblings(q) for c in self.children(s)}
        elif relation == "partner":
            out = set()
            for a, b in self.partnerships:
                if a == p:
                    out.add(b)
                if b == p:
                    out.add(a)
            for c in self.persons:
                m, f = self.mother[c], self.father[c]
                if m is not None and f is not None:
                    if m == p:
                        out.add(f)
                    if f == p:
                        out.add(m)
        else:
            raise ValueError(f"unknown relation {relation!r}")
        out = set(out)
        out.discard(p)
        return out

    def pairs(self, relation: str) -> set[tuple[PersonId, PersonId]]:
        """(person, relative) pairs; symmetric relations once with person < relative."""
        out = set()
        for p in self.persons:
            for r in self.relatives(p, relation):
                if relation in SYMMETRIC:
                    out.add((min(p, r), max(p, r)))
                else:
                    out.add((p, r))
        return out

    # ------------------------------------------------------------------ structure
    def generation(self, p: PersonId) -> int:
        """Longest parent→child path from a founder; founders (no recorded parent) are 0."""
        if p not in self._generation:
            ps = self.parents(p)
            self._generation[p] = 0 if not ps else 1 + max(self.generation(q) for q in ps)
        return self._generation[p]

    def components(self) -> set[frozenset[PersonId]]:
        """Connected components of the undirected parent–child links (partners not joined)."""
        nbrs: dict[PersonId, set[PersonId]] = {p: set() for p in self.persons}
        for c in self.persons:
            for q in self.parents(c):
                nbrs[c].add(q)
                nbrs[q].add(c)
        seen: set[PersonId] = set()
        out: set[frozenset[PersonId]] = set()
        for start in self.persons:
            if start in seen:
                continue
            comp = {start}
            stack = [start]
            while stack:
                x = stack.pop()
                for y in nbrs[x]:
                    if y not in comp:
                        comp.add(y)
                        stack.append(y)
            seen |= comp
            out.add(frozenset(comp))
        return out

    def _within(self, p: PersonId, step, max_depth: int | None) -> set[PersonId]:
        """Persons reachable from p in 1..max_depth steps (breadth-first: shortest distance)."""
        frontier = {p}
        found: set[PersonId] = set()
        depth = 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            nxt = set()
            for x in frontier:
                nxt |= step(x)
            nxt -= found
            nxt.discard(p)
            found |= nxt
            frontier = nxt
        return found

    def ancestors(self, p: PersonId, max_depth: int | None = None) -> set[PersonId]:
        return self._within(p, self.parents, max_depth)

    def descendants(self, p: PersonId, max_depth: int | None = None) -> set[PersonId]:
        return self._within(p, self.children, max_depth)

    # ------------------------------------------------------------------ kinship
    def kinship(self, i: PersonId, j: PersonId) -> Fraction:
        """Textbook recursion (exact, memoised).

        φ(i, i) = ½(1 + φ(m, f)); φ(i, j) = ½(φ(m_i, j) + φ(f_i, j)) where i is not an ancestor
        of j — guaranteed by expanding the person of the larger generation (an ancestor always
        has a strictly smaller generation). An unknown parent contributes 0.
        """
        if i is None or j is None:
            return Fraction(0)
        key = (i, j) if (self.generation(i), i) <= (self.generation(j), j) else (j, i)
        if key in self._kin:
            return self._kin[key]
        a, b = key  # generation(b) >= generation(a): b is not an ancestor of a
        if a == b:
            value = HALF * (1 + self.kinship(self.mother[a], self.father[a]))
        else:
            value = HALF * (self.kinship(self.mother[b], a) + self.kinship(self.father[b], a))
        self._kin[key] = value
        return value

    def inbreeding(self, p: PersonId) -> Fraction:
        return self.kinship(self.mother[p], self.father[p])

    def relationship_times(self, x: Mapping[PersonId, Fraction | int]) -> dict[PersonId, Fraction]:
        """(A·x)_i = Σ_j 2 φ(i, j) x_j, persons absent from x counting as 0."""
        return {
            i: sum((2 * self.kinship(i, j) * Fraction(x[j]) for j in self.persons if j in x), Fraction(0))
            for i in self.persons
        }
