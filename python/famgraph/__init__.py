"""famgraph: intergenerational family-graph analytics for domestic-violence and child-maltreatment data.

>>> import famgraph as fg
>>> ds = fg.Dataset.from_csv("examples/data")          # doctest: +SKIP
>>> ds.graph.inbreeding().describe()                    # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import disclosure, formats, indicators, linkage, microdata, privacy, quality, stats, synth
from ._core import __version__
from ._errors import DataError, DataIssue
from .dataset import Dataset
from .graph import RELATIONS, FamilyGraph
from .linkage import link
from .report import report

if TYPE_CHECKING:
    from . import distributed, plot
    from .distributed import sweep

__all__ = [
    "RELATIONS",
    "DataError",
    "DataIssue",
    "Dataset",
    "FamilyGraph",
    "__version__",
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


def __getattr__(name: str) -> Any:
    # famgraph.plot needs matplotlib: imported on first use, not with the package
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    # famgraph.distributed (Dask runs) and fg.sweep: on first use; Dask only when a client is made
    if name in ("distributed", "sweep"):
        import importlib

        module = importlib.import_module(".distributed", __name__)
        return module if name == "distributed" else module.sweep
    raise AttributeError(f"module 'famgraph' has no attribute {name!r}")
