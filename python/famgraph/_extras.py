"""Optional dependencies (the extras of ``pip install famgraph[...]``) and the one-line error that
names the extra to install when one is missing.

The base install (numpy, pandas) loads CSV, computes every indicator and writes JSON. The
extras: ``report`` (matplotlib, Jinja2: the HTML report and the plots), ``parquet`` (pyarrow),
``dask`` (famgraph.distributed), ``microdata`` (pyreadstat), ``bench`` (the peers of
``famgraph bench``), ``all``.

>>> from famgraph._extras import require
>>> require("report", "json", feature="an example")   # present: returns quietly
"""

from __future__ import annotations

import importlib

__all__ = ["EXTRAS", "MissingExtraError", "require"]

#: Import names each extra provides (pyproject.toml [project.optional-dependencies]).
EXTRAS: dict[str, tuple[str, ...]] = {
    "report": ("matplotlib", "jinja2"),
    "parquet": ("pyarrow",),
    "dask": ("dask", "distributed"),
    "microdata": ("pyreadstat",),
    "bench": ("networkx", "psutil", "pyarrow"),
}


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message (one line) names the extra to install.

    >>> from famgraph._extras import MissingExtraError
    >>> issubclass(MissingExtraError, ImportError)
    True
    """


def require(extra: str, *modules: str, feature: str) -> None:
    """Import ``modules`` (default: every module of ``extra``) or raise :class:`MissingExtraError`.

    >>> try:
    ...     require("report", "no_such_module_xyz", feature="famgraph.report")
    ... except MissingExtraError as e:
    ...     print(str(e).split(": ")[1])
    install famgraph[report] (pip install 'famgraph[report]')
    """
    missing = []
    for name in modules or EXTRAS[extra]:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        what = " and ".join(missing)
        verb = "is" if len(missing) == 1 else "are"
        raise MissingExtraError(
            f"{feature} needs {what}, which {verb} not installed: "
            f"install famgraph[{extra}] (pip install 'famgraph[{extra}]')"
        )


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
