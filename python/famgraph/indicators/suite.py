"""All indicators at once, and the JSON document of ``famgraph indicators``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import disclosure
from .._rules import VERSION as __version__
from ..cell_key import CellKey
from ._base import context, sharing_counts
from ._cellkey import CELL_KEY_INDICATORS, Disclosure, check_disclosure
from ._json import dataset_block, published_dataset
from ._options import WindowLike, check_int, check_n_boot, check_n_sim
from ._result import Result
from .registry import REGISTRY

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["NAMES", "SCHEMA_VERSION", "suite", "to_json"]

#: Published indicators in the order of docs/spec/interfaces.md §names: the names of
#: :data:`famgraph.indicators.registry.REGISTRY` (feature_table is person-level: never in the suite,
#: nor in the JSON).
NAMES: tuple[str, ...] = tuple(e.name for e in REGISTRY)

#: Version of the JSON layout (docs/indicators_json.md); bumped on any incompatible change.
SCHEMA_VERSION = "1.3"


def suite(
    ds: Dataset,
    *,
    window: WindowLike = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    n_boot: int = 1000,
    n_sim: int = 1000,
    seed: int = 1,
    include: Iterable[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> dict[str, Result]:
    """Every published indicator with the same window, ``min_cell``, level and seed.

    ``include`` picks a subset (names of :data:`NAMES`); ``progress(name, i, n)`` is called before
    each indicator. ``n_sim=0`` skips the GIF permutation test, ``n_boot=0`` the λ_R bootstrap.
    ``disclosure="cell_key"`` (with ``cell_key``) perturbs every count of the indicators that
    implement it (:data:`CELL_KEY_INDICATORS`); without ``include`` only those are computed, and
    naming another one in ``include`` is an error (docs/disclosure.md, "Using it").

    Example
    -------
    >>> import famgraph as fg
    >>> res = fg.indicators.suite(fg.synth.generate(persons=3000, seed=1), n_boot=50, n_sim=19)
    >>> list(res)[:3]
    ['victim_to_perpetrator', 'relative_exposure', 'chains']
    """
    context(ds, window, min_cell, level)  # validate once, before any work
    check_n_boot(n_boot)
    check_n_sim(n_sim)
    check_int(seed, "seed", 0, 2**63 - 1)
    ck = check_disclosure(disclosure, cell_key, CELL_KEY_INDICATORS[0])
    if include is None:
        names = list(NAMES) if ck is None else [n for n in NAMES if n in CELL_KEY_INDICATORS]
    else:
        names = list(dict.fromkeys(include))
    bad = [n for n in names if n not in NAMES]
    if bad:
        raise ValueError(f"include: unknown indicator {bad[0]!r}; allowed: {', '.join(NAMES)}")
    for n in names:
        check_disclosure(disclosure, cell_key, n)  # refuses an indicator without the cell key method
    options: dict[str, Any] = {"window": window, "min_cell": min_cell, "level": level, "n_boot": n_boot}
    options |= {"n_sim": n_sim, "seed": seed}
    if ck is not None:
        options |= {"disclosure": "cell_key", "cell_key": ck}
    out: dict[str, Result] = {}
    ordered = [e for e in REGISTRY if e.name in names]
    with sharing_counts():  # indicators 1 and 7 read one matched pathway
        for i, entry in enumerate(ordered):
            if progress is not None:
                progress(entry.name, i, len(ordered))
            out[entry.name] = entry.run(ds, **options)
    return out


def to_json(
    results: Mapping[str, Result], *, dataset: Dataset | Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The ``famgraph indicators`` JSON document (layout in docs/indicators_json.md).

    Top-level keys: ``famgraph_version``, ``schema_version``, ``parameters`` (those shared by all
    results: window, min_cell, level), ``disclosure_control``, optionally ``dataset`` (descriptive
    counts: pass the Dataset, whose :func:`dataset_block` with its fingerprint is then written, or
    a mapping of your own), then one key per indicator in the order of docs/spec/interfaces.md §names.
    :func:`load_json` reads it back; only a document with the Dataset's block can be matched to
    its data there.
    """
    if not results:
        raise ValueError("to_json needs at least one result")
    first = next(iter(results.values()))
    shared: dict[str, Any] = {k: first.parameters[k] for k in ("window", "min_cell") if k in first.parameters}
    shared["level"] = next((r.parameters["level"] for r in results.values() if "level" in r.parameters), None)
    for k in ("disclosure", "cell_key"):  # only in runs with the cell key method
        if k in first.parameters:
            shared[k] = first.parameters[k]
    doc: dict[str, Any] = {
        "famgraph_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "parameters": shared,
        "disclosure_control": first.stamp,
    }
    if dataset is not None:
        from ..dataset import Dataset as _Dataset

        m = int(first.parameters.get("min_cell", 0))
        raw = dataset_block(dataset, m) if isinstance(dataset, _Dataset) else dataset
        doc["dataset"] = published_dataset(raw, m)
    for name in NAMES:
        if name in results:
            d = results[name].to_dict()
            d.pop("famgraph_version", None)
            d.pop("name", None)
            doc[name] = d
    return doc
