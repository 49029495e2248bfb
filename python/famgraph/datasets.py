"""Data sets that ship inside the famgraph package, usable from any installed copy (no source
checkout needed).

``"example"`` is the hand-made example of docs/data_formats.md (26 persons in four generations,
16 incident rows, 6 contacts): small enough to check every number by hand, shaped to exercise
half siblings, children of first cousins and repeat incidents. It is invented; no real person.

Example
-------
>>> import famgraph as fg
>>> ds = fg.datasets.example()
>>> ds.n_persons
26
>>> sorted(p.name for p in fg.datasets.path("example").iterdir())
['contacts.csv', 'events.csv', 'partnerships.csv', 'persons.csv']
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["NAMES", "example", "path"]

#: Names of the bundled data sets.
NAMES: tuple[str, ...] = ("example",)

_PACKAGE_DATA = Path(__file__).resolve().parent / "data"
# A source checkout used without installing (PYTHONPATH=python, editable installs): the same files.
_SOURCE_DATA = {"example": Path(__file__).resolve().parents[2] / "examples" / "data"}


def path(name: str = "example") -> Path:
    """The folder of the bundled data set ``name`` (CSV tables; read it, never write into it).

    Example
    -------
    >>> import famgraph as fg
    >>> (fg.datasets.path("example") / "persons.csv").is_file()
    True
    """
    if name not in NAMES:
        raise ValueError(f"name={name!r}: no such bundled data set (expected one of {', '.join(NAMES)})")
    folder = _PACKAGE_DATA / name
    if folder.is_dir():
        return folder
    fallback = _SOURCE_DATA[name]
    if fallback.is_dir():  # pragma: no cover - source checkouts only
        return fallback
    raise FileNotFoundError(f"{folder}: the bundled data set {name!r} is missing (a broken installation?)")


def example() -> Dataset:
    """The hand-made example data set, loaded (``Dataset.from_csv(path("example"))``).

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.datasets.example()
    >>> float(ds.graph.inbreeding()[403])   # a child of first cousins: F = 1/16
    0.0625
    """
    from .dataset import Dataset

    return Dataset.from_csv(path("example"))


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
