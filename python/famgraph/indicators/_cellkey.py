"""``disclosure="cell_key"`` for the indicators: record keys, the run's digest, perturbed cells.

The counting core returns, next to every count, the key sum of the records it counts
(``famgraph/cell_key.hpp``); this module turns the published counts into perturbed ones
(docs/disclosure.md, "Using it"). Only the finest cells are perturbed; margins, totals and
estimates are computed from them by the callers, and ``min_cell`` then applies to the perturbed
numbers (docs/decisions.md, 42 and 45).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import numpy as np
import numpy.typing as npt

from .. import privacy
from ..cell_key import CellKey
from .registry import REGISTRY

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = [
    "CELL_KEY_INDICATORS",
    "CELL_KEY_NOTE",
    "DISCLOSURE_METHODS",
    "Disclosure",
    "Noise",
    "check_disclosure",
    "dataset_digest",
    "prepare",
]

Disclosure = Literal["suppression", "cell_key"]
#: ``suppression`` (the default): exact counts, small ones suppressed (``min_cell``).
#: ``cell_key``: every count perturbed by the cell key method, then the same suppression.
DISCLOSURE_METHODS: Final[tuple[str, ...]] = ("suppression", "cell_key")

#: The indicators that implement ``disclosure="cell_key"`` (the registry's ``cell_key`` entries).
CELL_KEY_INDICATORS: Final[tuple[str, ...]] = tuple(e.name for e in REGISTRY if e.cell_key)

#: Why the others do not (yet): what their published numbers count.
_NOT_YET: Final[Mapping[str, str]] = {e.name: e.cell_key_note for e in REGISTRY if not e.cell_key} | {
    "feature_table": "it is person-level output, never published",
}

U64 = npt.NDArray[np.uint64]

#: The note of every result published with the cell key method.
CELL_KEY_NOTE: Final = (
    "Counts are perturbed by the cell key method (noise of mean 0, at most +-D); margins and totals "
    "are sums of the perturbed cells, and estimates and intervals are computed from them, without "
    "the noise variance."
)


def check_disclosure(disclosure: Any, cell_key: Any, indicator: str) -> CellKey | None:
    """The validated pair (``disclosure``, ``cell_key``): the CellKey of a cell-key run, else None."""
    if disclosure not in DISCLOSURE_METHODS:
        raise ValueError(
            f"disclosure must be one of {', '.join(repr(m) for m in DISCLOSURE_METHODS)}, got {disclosure!r}"
        )
    if disclosure == "suppression":
        if cell_key is not None:
            raise ValueError(
                "cell_key is given but disclosure='suppression': pass disclosure='cell_key' to perturb "
                "the counts, or leave cell_key out"
            )
        return None
    if indicator not in CELL_KEY_INDICATORS:
        raise ValueError(
            f"disclosure='cell_key' is not available for {indicator}: "
            f"{_NOT_YET.get(indicator, 'no key sums')}. "
            f"It is available for {', '.join(CELL_KEY_INDICATORS)} (docs/disclosure.md, 'Using it')"
        )
    if not isinstance(cell_key, CellKey):
        raise TypeError(
            "disclosure='cell_key' needs cell_key=famgraph.cell_key.CellKey(<secret>) (the secret of "
            f"the cell key method, held by the data holder), got {type(cell_key).__name__}"
        )
    return cell_key


def dataset_digest(ds: Dataset) -> bytes:
    """The content digest of a dataset's tables (:func:`famgraph.privacy.content_digest` of the
    compiled columns, organisation and kind names); computed once per Dataset object."""
    cached = getattr(ds, "_famgraph_content_digest", None)
    if isinstance(cached, bytes):
        return cached
    digest = privacy.content_digest(
        "famgraph/dataset/v1",
        ds.columns("persons"),
        ds.columns("partnerships"),
        ds.columns("events"),
        ds.columns("contacts"),
        ds.source_codes,
        ds.kind_codes,
    )
    ds._famgraph_content_digest = digest  # type: ignore[attr-defined]
    return digest


class Cells2x2(Protocol):
    """The cells a, b, c, d of a 2×2 table (the core's Counts2x2 and KeySums2x2)."""

    @property
    def a(self) -> int: ...
    @property
    def b(self) -> int: ...
    @property
    def c(self) -> int: ...
    @property
    def d(self) -> int: ...


@dataclass(frozen=True)
class Noise:
    """The cell-key settings of one indicator run: the CellKey (with the run's digest for scope
    ``"data"``) and the record keys of the dataset's persons (by person index)."""

    cell_key: CellKey
    person_keys: U64

    def perturb(self, counts: Sequence[int], key_sums: Sequence[int]) -> list[int]:
        """Perturbed counts (zeros stay zero; never negative)."""
        if len(counts) == 0:
            return []
        c = np.array([int(x) for x in counts], dtype=np.uint64)
        k = np.array([int(x) for x in key_sums], dtype=np.uint64)
        return [int(x) for x in self.cell_key.perturb(c, k)]

    def perturb_2x2(self, t: Cells2x2, keys: Cells2x2) -> tuple[int, int, int, int]:
        """The four perturbed cells of a 2×2 table from the core's counts and key sums
        (``Counts2x2``, ``KeySums2x2``)."""
        a, b, c, d = self.perturb([t.a, t.b, t.c, t.d], [keys.a, keys.b, keys.c, keys.d])
        return a, b, c, d

    def parameters(self) -> dict[str, Any]:
        """What a result publishes about the method (never the secret or the digest)."""
        t = self.cell_key.ptable
        return {
            "disclosure": "cell_key",
            "cell_key": {
                "max_deviation": t.max_deviation,
                "variance": t.variance,
                "js": t.js,
                "scope": self.cell_key.scope,
                # schema 1.3: which secret perturbed the counts (a fingerprint, never the secret)
                "fingerprint": self.cell_key.fingerprint,
            },
        }


def prepare(ck: CellKey, ds: Dataset, indicator: str, options: Mapping[str, Any]) -> Noise:
    """The Noise of one run: person keys (cached in the CellKey per set of person ids) and, for
    scope ``"data"``, the digest of the dataset, the indicator and the options that select records."""
    ids = np.asarray(ds.columns("persons")["person_id"], dtype=np.int64)
    keys = ck._cached_person_keys(ids)
    if ck.scope == "data":
        ck = ck.with_digest(privacy.content_digest(dataset_digest(ds), indicator, dict(options)))
    return Noise(ck, keys)
