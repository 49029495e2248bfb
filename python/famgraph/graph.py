"""The family graph: generations, components, relatives and kinship (docs/spec/data_contract.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core

if TYPE_CHECKING:
    from .dataset import Dataset

RELATIONS: tuple[str, ...] = tuple(_core.RELATIONS)
_NONE = np.iinfo(np.uint32).max


class FamilyGraph:
    """Multi-generation family graph of a :class:`~famgraph.Dataset`, addressed by ``person_id``.

    Kinship φ(i, j) is the probability that alleles drawn at random from i and j are identical by
    descent; inbreeding F(i) = φ(mother, father). Both are exact and never build an n×n matrix.

    Example
    -------
    >>> g = ds.graph                                  # doctest: +SKIP
    >>> g.kinship(201, 202), g.relatives(403, "first_cousin")   # doctest: +SKIP
    """

    def __init__(self, dataset: Dataset) -> None:
        self._ds = dataset
        self._core = _core.FamilyGraph(dataset._core)
        self._ids: np.ndarray = dataset._core.persons_columns()["person_id"]

    # ------------------------------------------------------------------ id mapping
    def _index(self, person_id: int) -> int:
        idx = self._ds._core.index_of(np.asarray([person_id], dtype=np.int64))[0]
        if idx < 0:
            raise KeyError(f"person_id {person_id} is not in the dataset")
        return int(idx)

    def _indices(self, ids: Any, what: str) -> np.ndarray:
        arr = np.asarray(ids)
        if arr.dtype.kind not in "iu":
            try:
                arr = arr.astype(np.int64)
            except (TypeError, ValueError):
                raise TypeError(f"{what}: person ids must be integers") from None
        idx = self._ds._core.index_of(arr.astype(np.int64))
        bad = idx < 0
        if bad.any():
            unknown = arr[bad][:5].tolist()
            raise KeyError(f"{what}: {int(bad.sum())} person_id(s) not in the dataset, e.g. {unknown}")
        return idx.astype(np.uint32)

    def _series(self, values: np.ndarray, name: str) -> pd.Series:
        return pd.Series(values, index=pd.Index(self._ids, name="person_id"), name=name)

    @staticmethod
    def _check_relation(relation: str) -> None:
        if relation not in RELATIONS:
            raise ValueError(f"unknown relation {relation!r} (expected one of: {', '.join(RELATIONS)})")

    # ------------------------------------------------------------------ structure
    @property
    def n_components(self) -> int:
        """Number of family components (connected by parent–child links; partners not joined)."""
        return int(self._core.n_components)

    def generation(self) -> pd.Series:
        """Generation depth: the longest parent→child path from a founder (founders are 0)."""
        return self._series(self._core.generation().astype(np.int64), "generation")

    def component(self) -> pd.Series:
        """Family component number of each person (0.., in order of the lowest person_id)."""
        return self._series(self._core.component().astype(np.int64), "component")

    def topological_order(self) -> np.ndarray:
        """Every person_id, parents before children (by generation, then person_id)."""
        return self._ids[self._core.topological_order()]

    def ancestors(self, person_id: int, max_depth: int | None = None) -> np.ndarray:
        """Ancestors up to ``max_depth`` generations back (all if None), sorted, without the person."""
        return self._ids[self._core.ancestors(self._index(person_id), -1 if max_depth is None else max_depth)]

    def descendants(self, person_id: int, max_depth: int | None = None) -> np.ndarray:
        """Descendants up to ``max_depth`` generations down (all if None), sorted, without the person."""
        return self._ids[
            self._core.descendants(self._index(person_id), -1 if max_depth is None else max_depth)
        ]

    def relatives(self, person_id: int, relation: str) -> np.ndarray:
        """Relatives of one person by a named relation (see ``famgraph.RELATIONS``), sorted ids.

        >>> ds.graph.relatives(403, "first_cousin")     # doctest: +SKIP
        array([401, 402])
        """
        self._check_relation(relation)
        return self._ids[self._core.relatives(self._index(person_id), relation)]

    def pairs(self, relation: str) -> pd.DataFrame:
        """Every pair of persons related by ``relation`` as columns ``person_id``, ``relative_id``.

        Symmetric relations (siblings, cousins, partners) list each pair once with
        ``person_id < relative_id``; the others list every (person, relative) pair.
        """
        self._check_relation(relation)
        a, b = self._core.pairs(relation)
        return pd.DataFrame({"person_id": self._ids[a], "relative_id": self._ids[b]})

    # ------------------------------------------------------------------ kinship
    def inbreeding(self) -> pd.Series:
        """Inbreeding coefficient F of every person (computed once, then cached)."""
        return self._series(self._core.inbreeding(), "inbreeding")

    def kinship(self, a: int, b: int) -> float:
        """Kinship coefficient φ(a, b); φ(a, a) = ½(1 + F(a))."""
        return float(self._core.kinship(self._index(a), self._index(b)))

    def kinship_pairs(self, pairs: pd.DataFrame | Any, b: Any = None) -> pd.Series:
        """Kinship of many pairs at once (vectorised, parallel).

        ``pairs`` is a DataFrame whose first two columns hold person ids (or two id arrays
        ``pairs, b``). Returns a Series named ``kinship`` aligned with the input rows.
        """
        if b is None:
            if not isinstance(pairs, pd.DataFrame) or pairs.shape[1] < 2:
                raise TypeError("kinship_pairs: expected a DataFrame with two id columns, or two id arrays")
            index = pairs.index
            a_ids, b_ids = pairs.iloc[:, 0].to_numpy(), pairs.iloc[:, 1].to_numpy()
        else:
            a_ids, b_ids = np.asarray(pairs), np.asarray(b)
            if a_ids.shape != b_ids.shape or a_ids.ndim != 1:
                raise ValueError(
                    "kinship_pairs: the two id arrays must be one-dimensional and of equal length"
                )
            index = pd.RangeIndex(len(a_ids))
        ia = self._indices(a_ids, "kinship_pairs")
        ib = self._indices(b_ids, "kinship_pairs")
        return pd.Series(self._core.kinship_pairs(ia, ib), index=index, name="kinship")

    def relationship_times(self, x: pd.Series | np.ndarray) -> pd.Series:
        """The product A·x with A = 2Φ the additive relationship matrix, in two linear passes.

        ``x`` is a Series indexed by person_id (missing persons count as 0) or an array in
        person_id order.
        """
        if isinstance(x, pd.Series):
            vec = x.reindex(self._ids, fill_value=0.0).to_numpy(dtype=np.float64)
        else:
            vec = np.asarray(x, dtype=np.float64)
            if vec.shape != (len(self._ids),):
                raise ValueError(
                    f"relationship_times: expected {len(self._ids)} values, got shape {vec.shape}"
                )
        return self._series(self._core.relationship_times(vec), "relationship_times")

    def _summary(self) -> dict[str, Any]:
        """The core's descriptive counts (``DatasetSummary``) as the dict of :meth:`Dataset.summary`."""
        s = self._core.summary()
        return {
            "persons": s.persons,
            "founders": s.founders,
            "added_parents": s.added_parents,
            "without_birth_date": s.without_birth_date,
            "generations": s.generations,
            "family_components": s.family_components,
            "largest_component": s.largest_component,
            "partnerships": s.partnerships,
            "event_rows": s.event_rows,
            "incidents": s.incidents,
            "contacts": s.contacts,
            "organisations": s.organisations,
            "events_by_role": s.events_by_role,
            "inbred": s.inbred,
            "mean_inbreeding": s.mean_inbreeding,
            "max_inbreeding": s.max_inbreeding,
            "warnings": s.warnings,
        }

    def __repr__(self) -> str:
        return f"<famgraph.FamilyGraph: {len(self._ids)} persons, {self.n_components} family components>"
