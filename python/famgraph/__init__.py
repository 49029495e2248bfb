"""famgraph: intergenerational family-graph analytics for domestic-violence and child-maltreatment data.

>>> import famgraph as fg
>>> ds = fg.Dataset.from_csv("examples/data")          # doctest: +SKIP
>>> ds.graph.inbreeding().describe()                    # doctest: +SKIP
"""

from __future__ import annotations

from . import disclosure, indicators, stats, synth
from ._core import __version__
from ._errors import DataError, DataIssue
from .dataset import Dataset
from .graph import RELATIONS, FamilyGraph

__all__ = [
    "RELATIONS",
    "DataError",
    "DataIssue",
    "Dataset",
    "FamilyGraph",
    "__version__",
    "disclosure",
    "indicators",
    "stats",
    "synth",
]
