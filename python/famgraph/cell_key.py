"""The cell key method: consistent, unbiased noise on published counts (docs/disclosure.md).

Every published count *i* is replaced by *i + v*, where the noise *v* (−D ≤ v ≤ D, mean 0, variance
V) is read from a perturbation table (:class:`PTable`) at the position given by the cell's *cell
key*. A cell's key is computed from the keys of the records it counts
(:mod:`famgraph.privacy`: :func:`~famgraph.privacy.person_keys`, …, HMAC-SHA256 under a secret
:class:`~famgraph.privacy.Key`), so the same cell always gets the same noise: rerunning, or
publishing the same count in two tables, reveals nothing new, and averaging cannot remove the
noise. Zeros stay zero and no count becomes negative.

:class:`CellKey` holds the settings of one run — the secret, the p-table and the *scope*:

- ``scope="data"`` (default): the noise depends on the cell's records **and** on a digest of the
  run's input and options (:func:`~famgraph.privacy.content_digest`). Two runs on data that differ
  in one record draw independent noise for every cell, so the pattern of which published numbers
  changed does not point to the record (the one-record differencing attack); reruns on the same
  data give the same bytes.
- ``scope="records"`` (the ABS scheme): the noise depends on the cell's records only. A cell whose
  records did not change keeps its published value in every run, so two runs that differ in one
  record show *which* cells contain it.

The engine (the p-table, the lookup, key sums) is C++ (``famgraph/cell_key.hpp``); this module is
its typed adapter.

Example
-------
>>> import numpy as np
>>> from famgraph import cell_key, privacy
>>> secret = privacy.Key(b"a secret of 16+ bytes")
>>> keys = privacy.person_keys(secret, [11, 12, 13, 14, 15])      # one key per person
>>> counts, sums = cell_key.tabulate([0, 0, 1, 1, 1], keys, 2)      # two cells
>>> counts.tolist()
[2, 3]
>>> ck = cell_key.CellKey(secret, scope="data", digest=privacy.content_digest("example run"))
>>> out = ck.perturb(counts, sums)
>>> bool((np.abs(out.astype(np.int64) - counts.astype(np.int64)) <= 3).all())
True
>>> bool((ck.perturb(counts, sums) == out).all())                  # the same cells, the same noise
True
"""

from __future__ import annotations

import numbers
from typing import Any, Final, Literal, NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core, privacy

__all__ = [
    "DEFAULT_MAX_DEVIATION",
    "DEFAULT_VARIANCE",
    "CellKey",
    "PTable",
    "Scope",
    "key_sum",
    "tabulate",
]

_d = _core.disclosure

#: D, the largest noise, by default (docs/disclosure.md explains the choice).
DEFAULT_MAX_DEVIATION: Final[int] = int(_d.default_max_deviation)
#: V, the noise variance, by default.
DEFAULT_VARIANCE: Final[float] = float(_d.default_variance)

Scope = Literal["data", "records"]
U64 = npt.NDArray[np.uint64]


def _counts(values: Any, name: str = "counts") -> U64:
    """Non-negative integer counts as a one-dimensional uint64 array."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a one-dimensional array, got {arr.ndim} dimensions")
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuO":
        raise TypeError(f"{name}: expected non-negative integers, got dtype {arr.dtype}")
    if arr.dtype.kind == "O":
        items = arr.tolist()
        if not all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in items):
            raise TypeError(f"{name}: expected non-negative integers")
        arr = np.array([int(x) for x in items], dtype=object)
    if arr.size and int(arr.min()) < 0:
        raise ValueError(f"{name}: counts must be >= 0, got {int(arr.min())}")
    return np.asarray(arr, dtype=np.uint64)


class PTable:
    """A perturbation table: the noise distribution p(i → i + v) of each original count i.

    ``PTable(max_deviation, variance, js=0, monotone=True)`` is the maximum-entropy table of
    Giessing (2016) and the R package *ptable*: row i maximises the entropy over v = −D..D subject
    to mean 0, variance ≤ V, i + v = 0 or i + v > js, and (``monotone``) probabilities that do not
    decrease towards v = 0 on the left. Rows i ≥ :attr:`i_max` are all the same symmetric
    distribution with variance exactly V (when V < D(D+1)/3, the variance of the uniform
    distribution); small counts can have a smaller variance, shown by :meth:`moments`. Row 0 is
    p(0 → 0) = 1. :meth:`from_probabilities` takes a table from elsewhere (e.g. an agency's).

    Example
    -------
    >>> from famgraph.cell_key import PTable
    >>> t = PTable(2, 1.0)
    >>> t.probabilities.round(4).loc[2].tolist()     # the vignette of ptable: 0.0638 … 0.383
    [0.0638, 0.2447, 0.383, 0.2447, 0.0638]
    >>> round(float(t.moments().loc[2, "variance"]), 12)
    1.0
    """

    __slots__ = ("_options", "_probabilities", "_t")

    def __init__(
        self,
        max_deviation: int = DEFAULT_MAX_DEVIATION,
        variance: float = DEFAULT_VARIANCE,
        *,
        js: int = 0,
        monotone: bool = True,
    ) -> None:
        for name, value in (("max_deviation", max_deviation), ("js", js)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{name} must be an integer, got {value!r}")
        if isinstance(variance, bool) or not isinstance(variance, numbers.Real):
            raise TypeError(f"variance must be a number, got {variance!r}")
        if not isinstance(monotone, bool):
            raise TypeError(f"monotone must be True or False, got {monotone!r}")
        self._t: Any = _d.make_ptable(int(max_deviation), float(variance), int(js), bool(monotone))
        self._options: dict[str, Any] | None = {
            "max_deviation": int(max_deviation),
            "variance": float(variance),
            "js": int(js),
            "monotone": bool(monotone),
        }
        self._probabilities: npt.NDArray[np.float64] | None = None

    @classmethod
    def from_probabilities(cls, probabilities: pd.DataFrame | npt.ArrayLike) -> PTable:
        """A table from given probabilities: one row per count 0, 1, …, i_max (the last row serves
        every larger count), one column per v = −D..D (2D + 1 columns, or a DataFrame with integer
        columns −D..D). Row 0 must be {v = 0: 1}; rows must sum to 1 (within 1e−9); no count may
        become negative. Mean 0 is not required: check :meth:`moments`.
        """
        if isinstance(probabilities, pd.DataFrame):
            cols = [int(c) for c in probabilities.columns]
            d = (len(cols) - 1) // 2
            if cols != list(range(-d, d + 1)):
                raise ValueError(f"probabilities: columns must be v = -D..D in order, got {cols}")
            arr = probabilities.to_numpy(dtype=np.float64)
        else:
            arr = np.asarray(probabilities, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] % 2 != 1:
            raise ValueError(
                f"probabilities: expected a 2-D array with an odd number of columns (v = -D..D), "
                f"got shape {arr.shape}"
            )
        self = cls.__new__(cls)
        self._t = _d.ptable_from_probabilities(arr.shape[1] // 2, arr)
        self._options = None
        self._probabilities = None
        return self

    # -- parameters ------------------------------------------------------------------------------

    @property
    def max_deviation(self) -> int:
        """D: no noise exceeds D in absolute value."""
        return int(self._t.max_deviation)

    @property
    def variance(self) -> float:
        """V: the variance of the noise of counts ≥ :attr:`i_max` (for a table from
        probabilities: the largest row variance)."""
        return float(self._t.options["variance"]) if self._options is None else self._options["variance"]

    @property
    def js(self) -> int:
        """Perturbed counts 1..js never occur (0 for a table from probabilities)."""
        return int(self._t.options["js"])

    @property
    def monotone(self) -> bool:
        return bool(self._t.options["monotone"])

    @property
    def i_max(self) -> int:
        """The first count whose row applies to every larger count."""
        return int(self._t.i_max)

    @property
    def probabilities(self) -> pd.DataFrame:
        """p(i → i + v): index ``count`` = 0..i_max, columns v = −D..D (a copy)."""
        if self._probabilities is None:
            self._probabilities = np.asarray(self._t.probabilities())
        d = self.max_deviation
        return pd.DataFrame(
            self._probabilities.copy(),
            index=pd.RangeIndex(self.i_max + 1, name="count"),
            columns=pd.Index(range(-d, d + 1), name="v"),
        )

    def moments(self) -> pd.DataFrame:
        """Per row: ``mean`` and ``variance`` of the noise, and ``p_stay`` = p(i → i)."""
        rows = range(self.i_max + 1)
        p = self.probabilities
        return pd.DataFrame(
            {
                "mean": [float(self._t.mean(i)) for i in rows],
                "variance": [float(self._t.variance(i)) for i in rows],
                "p_stay": p[0].to_numpy(),
            },
            index=pd.RangeIndex(self.i_max + 1, name="count"),
        )

    def to_frame(self) -> pd.DataFrame:
        """The table in the long form of ptable's ``pTable``: ``i``, ``j`` = i + v, ``v``, ``p``
        and the lookup interval [``p_int_lb``, ``p_int_ub``) of the cell key (as fractions of 1;
        the engine compares integer keys with the exact bounds of :meth:`intervals`)."""
        out = []
        p = self.probabilities.to_numpy()
        d = self.max_deviation
        for i in range(self.i_max + 1):
            lower, v = self.intervals(i)
            lb = lower.astype(np.float64) * 2.0**-64
            ub = np.append(lb[1:], 1.0)
            for k in range(len(v)):
                vk = int(v[k])
                out.append((i, i + vk, vk, float(p[i, vk + d]), float(lb[k]), float(ub[k])))
        return pd.DataFrame(out, columns=["i", "j", "v", "p", "p_int_lb", "p_int_ub"]).astype(
            {"i": "int64", "j": "int64", "v": "int64"}
        )

    def intervals(self, count: int) -> tuple[U64, npt.NDArray[np.int32]]:
        """The lookup of ``count``'s row: noise ``v[k]`` for cell keys in ``[lower[k], lower[k+1])``
        (the last up to 2⁶⁴)."""
        lower, v = self._t.intervals(int(count))
        return np.asarray(lower, dtype=np.uint64), np.asarray(v, dtype=np.int32)

    # -- perturbation ----------------------------------------------------------------------------

    def noise(self, counts: npt.ArrayLike, cell_keys: npt.ArrayLike) -> npt.NDArray[np.int32]:
        """The noise of each cell (perturbed − original) for the given final cell keys."""
        c = _counts(counts)
        k = privacy._as_u64(cell_keys, "cell_keys")
        return np.asarray(_d.noise(self._t, c, k), dtype=np.int32)

    def perturb(self, counts: npt.ArrayLike, cell_keys: npt.ArrayLike) -> U64:
        """The perturbed counts (``counts + noise``, never negative; zeros stay zero)."""
        c = _counts(counts)
        k = privacy._as_u64(cell_keys, "cell_keys")
        return np.asarray(_d.perturb(self._t, c, k), dtype=np.uint64)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PTable):
            return NotImplemented
        return bool(self._t == other._t)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._options is None:
            return f"PTable.from_probabilities(<{self.i_max + 1} rows, max_deviation={self.max_deviation}>)"
        o = self._options
        return (
            f"PTable(max_deviation={o['max_deviation']}, variance={o['variance']!r}, js={o['js']}, "
            f"monotone={o['monotone']})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        if self._options is None:
            return (PTable.from_probabilities, (self.probabilities,))
        return (_rebuild_ptable, (self._options,))


def _rebuild_ptable(options: dict[str, Any]) -> PTable:
    return PTable(
        options["max_deviation"], options["variance"], js=options["js"], monotone=options["monotone"]
    )


def tabulate(cells: npt.ArrayLike, record_keys: npt.ArrayLike, n_cells: int | None = None) -> tuple[U64, U64]:
    """Counts and key sums per cell: record r is in cell ``cells[r]`` (0 ≤ cells[r] < n_cells).

    The key sum of a cell is the sum of its records' keys modulo 2⁶⁴ (exact; independent of the
    order of the records). ``n_cells`` defaults to ``max(cells) + 1``.

    Example
    -------
    >>> from famgraph.cell_key import tabulate
    >>> counts, sums = tabulate([0, 1, 0], [2**63, 7, 2**63], 3)
    >>> counts.tolist(), sums.tolist()
    ([2, 1, 0], [0, 7, 0])
    """
    c = np.asarray(cells)
    if c.ndim != 1 or (c.size and c.dtype.kind not in "iu"):
        raise TypeError(f"cells: expected a one-dimensional array of integer cell codes, got dtype {c.dtype}")
    if c.size and (int(c.min()) < 0 or int(c.max()) >= 2**32):
        raise ValueError("cells: cell codes must be from 0 to 2**32 - 1")
    k = privacy._as_u64(record_keys, "record_keys")
    n = (int(c.max()) + 1 if c.size else 0) if n_cells is None else int(n_cells)
    if n < 0:
        raise ValueError(f"n_cells must be >= 0, got {n}")
    counts, sums = _d.tabulate(c.astype(np.uint32), k, n)
    return np.asarray(counts, dtype=np.uint64), np.asarray(sums, dtype=np.uint64)


def key_sum(record_keys: npt.ArrayLike) -> int:
    """The key sum of one set of records: Σ keys mod 2⁶⁴."""
    return int(_d.key_sum(privacy._as_u64(record_keys, "record_keys")))


class CellKey:
    """The settings of ``disclosure="cell_key"`` for one run: the secret, the p-table, the scope.

    Parameters
    ----------
    key
        The secret :class:`~famgraph.privacy.Key` (or bytes/str of at least 16 bytes). Use a key of
        its own, held by the data holder, not the pseudonymisation key. It never appears in any
        output, ``repr``, log or pickle: a CellKey cannot be pickled.
    ptable
        The perturbation table; default ``PTable()`` (D = 3, V = 2).
    scope
        ``"data"`` (default) or ``"records"``; see the module documentation.
    digest
        For ``scope="data"``: :func:`famgraph.privacy.content_digest` of the run's input tables and
        options. Leave it out when the CellKey is given to the indicators
        (``disclosure="cell_key"``): each of them computes the digest of its dataset and options.
        Not allowed with ``scope="records"``.

    Disclosure control by ``min_cell`` applies on top, to the perturbed counts
    (docs/disclosure.md explains why the perturbed and not the original counts).

    Example
    -------
    >>> from famgraph import cell_key, privacy
    >>> ck = cell_key.CellKey(privacy.Key(b"0123456789abcdef"), scope="records")
    >>> ck.scope, ck.ptable
    ('records', PTable(max_deviation=3, variance=2.0, js=0, monotone=True))
    >>> print(ck)  # doctest: +ELLIPSIS
    CellKey(scope='records', ptable=PTable(...), key=<redacted>)
    >>> ck.perturb([0, 5, 500], [0, 2**62, 2**63]).tolist()
    [0, 4, 500]
    """

    __slots__ = ("__key", "_digest", "_person_keys", "_ptable", "_scope")

    def __init__(
        self,
        key: privacy.Key | bytes | str,
        *,
        ptable: PTable | None = None,
        scope: Scope = "data",
        digest: bytes | None = None,
    ) -> None:
        if scope not in ("data", "records"):
            raise ValueError(f"scope must be 'data' or 'records', got {scope!r}")
        if ptable is not None and not isinstance(ptable, PTable):
            raise TypeError(f"ptable must be a famgraph.cell_key.PTable, got {type(ptable).__name__}")
        if scope == "data" and digest is not None and (not isinstance(digest, bytes) or len(digest) != 32):
            raise ValueError(
                "digest: scope='data' needs the 32-byte digest of the run's input and options, "
                "famgraph.privacy.content_digest(<input tables>, <options>)"
            )
        if scope == "records" and digest is not None:
            raise ValueError("digest: scope='records' uses no digest (the noise depends on the records only)")
        self.__key = key if isinstance(key, privacy.Key) else privacy.Key(key)
        self._ptable = ptable if ptable is not None else PTable()
        self._scope: Scope = scope
        self._digest = digest
        # person ids (as bytes) → their record keys, kept for the last dataset (an indicator run
        # needs them every time; computing them is the dominant cost of the method)
        self._person_keys: tuple[bytes, U64] | None = None

    @property
    def ptable(self) -> PTable:
        return self._ptable

    @property
    def scope(self) -> Scope:
        return self._scope

    @property
    def digest(self) -> bytes | None:
        return self._digest

    @property
    def fingerprint(self) -> str:
        """A public fingerprint of the secret: the first 16 bytes of HMAC-SHA256(secret,
        ``"famgraph/cell-key/fingerprint/v1"``) in hex. Two runs with the same secret give the same
        fingerprint; it reveals nothing of the secret (HMAC is a pseudo-random function), so the
        JSON may carry it to tell whether a saved result was perturbed under this secret.

        Example
        -------
        >>> a = CellKey(b"0123456789abcdef0123456789abcdef")
        >>> len(a.fingerprint), a.fingerprint == CellKey(b"0123456789abcdef0123456789abcdef").fingerprint
        (32, True)
        """
        return self.__key.digest(b"famgraph/cell-key/fingerprint/v1")[:16].hex()

    def with_digest(self, digest: bytes) -> CellKey:
        """The same settings (scope ``"data"``) for a run with another content digest."""
        out = CellKey(self.__key, ptable=self._ptable, scope="data", digest=digest)
        out._person_keys = self._person_keys
        return out

    def _cached_person_keys(self, person_id: npt.NDArray[np.int64]) -> U64:
        """:meth:`person_keys` of an int64 array of ids, remembered for the last array given."""
        raw = np.ascontiguousarray(person_id, dtype=np.int64).tobytes()
        if self._person_keys is None or self._person_keys[0] != raw:
            self._person_keys = (raw, self.person_keys(person_id))
        return self._person_keys[1]

    def record_keys(self, kind: str, *columns: Any) -> U64:
        """Record keys under this secret (see :func:`famgraph.privacy.record_keys`)."""
        return privacy.record_keys(self.__key, kind, *columns)

    def person_keys(self, person_id: Any) -> U64:
        """Record keys of persons under this secret (:func:`famgraph.privacy.person_keys`)."""
        return privacy.person_keys(self.__key, person_id)

    def cell_keys(self, key_sums: npt.ArrayLike) -> U64:
        """The cell keys of this scope for the given key sums (:func:`famgraph.privacy.cell_keys`)."""
        if self._scope == "data" and self._digest is None:
            raise ValueError(
                "digest: scope='data' needs the 32-byte digest of the run's input and options, "
                "famgraph.privacy.content_digest(<input tables>, <options>): use with_digest(), or pass "
                "this CellKey to an indicator (disclosure='cell_key'), which supplies it"
            )
        return privacy.cell_keys(self.__key, key_sums, scope=self._scope, digest=self._digest)

    def noise(self, counts: npt.ArrayLike, key_sums: npt.ArrayLike) -> npt.NDArray[np.int32]:
        """The noise of each cell from its original count and key sum."""
        c = _counts(counts)
        return self._ptable.noise(c, self.cell_keys(_sums_like(key_sums, len(c))))

    def perturb(self, counts: npt.ArrayLike, key_sums: npt.ArrayLike) -> U64:
        """The perturbed counts from the original counts and the cells' key sums."""
        c = _counts(counts)
        return self._ptable.perturb(c, self.cell_keys(_sums_like(key_sums, len(c))))

    def __repr__(self) -> str:
        d = "" if self._digest is None else f", digest='{self._digest.hex()[:12]}…'"
        return f"CellKey(scope={self._scope!r}, ptable={self._ptable!r}{d}, key=<redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("a famgraph.cell_key.CellKey cannot be pickled: it holds the secret key")

    def __copy__(self) -> CellKey:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> CellKey:
        return self


def _sums_like(key_sums: npt.ArrayLike, n: int) -> U64:
    k = privacy._as_u64(key_sums, "key_sums")
    if len(k) != n:
        raise ValueError(f"key_sums has {len(k)} values but counts has {n}")
    return k


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
