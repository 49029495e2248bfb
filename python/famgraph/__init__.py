"""famgraph: intergenerational family-graph analytics for domestic-violence and child-maltreatment data.

>>> import famgraph as fg
>>> ds = fg.datasets.example()                         # the hand-made example, shipped in the package
>>> int(ds.graph.generation().max()) + 1
4
>>> results = fg.indicators.suite(ds, n_boot=0, n_sim=0)   # doctest: +SKIP
"""

import importlib as _importlib
import typing as _typing

from . import datasets, disclosure, formats, indicators, linkage, microdata, privacy, quality, stats, synth
from ._errors import DataError, DataIssue
from ._rules import VERSION as __version__
from .dataset import Dataset
from .graph import RELATIONS, FamilyGraph
from .linkage import link
from .report import report

if _typing.TYPE_CHECKING:
    from . import bench, distributed, plot
    from .distributed import sweep

__all__ = [
    "RELATIONS",
    "DataError",
    "DataIssue",
    "Dataset",
    "FamilyGraph",
    "__version__",
    "bench",
    "datasets",
    "disclosure",
    "distributed",
    "formats",
    "indicators",
    "link",
    "linkage",
    "microdata",
    "plot",
    "privacy",
    "quality",
    "report",
    "stats",
    "sweep",
    "synth",
]

# Loaded on first use, not with the package: plot (matplotlib), distributed and sweep (Dask only
# when a client is made), bench (the benchmark harness).
_LAZY = {"plot": ".plot", "distributed": ".distributed", "sweep": ".distributed", "bench": ".bench"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        module = _importlib.import_module(_LAZY[name], __name__)
        return module.sweep if name == "sweep" else module
    raise AttributeError(f"module 'famgraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    # Tab completion shows the public API, the lazily loaded modules included, and no helpers.
    return sorted(__all__)
