"""The self-contained HTML report: every indicator with its plot, table and plain-language reading.

This module is light to import; matplotlib and Jinja2 (the ``report`` extra:
``pip install 'famgraph[report]'``) are loaded only when a report is built.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..disclosure import DEFAULT_MIN_CELL

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["report"]


def report(
    ds: Dataset,
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    window: Any = None,
    min_cell: int = DEFAULT_MIN_CELL,
    results: Mapping[str, Any] | None = None,
    quality: Any = None,
    linkage: Any = None,
    pedigree: bool | None = None,
    date: Any = None,
) -> Path:
    """Write one self-contained HTML page with the data overview, data quality and every indicator.

    The page needs no network: plots are inline PNG images, the style sheet is inline, there are
    no scripts and no web fonts. It holds no person id. Every published count is disclosure-
    controlled (``min_cell``; ``0`` turns control off and the page says so in a banner). The file
    is written atomically (a temporary file renamed into place).

    Parameters
    ----------
    ds
        The dataset.
    path
        The HTML file to write (its folder must exist; an existing file is replaced).
    lang
        ``"en"`` (English) or ``"nl"`` (Dutch): every heading, label, reading and plot text.
    window
        ``None`` (first to last event date), ``(start, end)`` or ``"START:END"`` (ISO dates).
    min_cell
        Disclosure control: counts below it (and estimates from them) are suppressed.
    results
        Indicator results already computed (``famgraph.indicators.suite(...)``) with the same
        ``min_cell``; by default the report computes them with ``window`` and ``min_cell``.
    quality
        A ``famgraph.quality.QualityReport``; by default :func:`famgraph.quality.scan` is run.
        The loader's warning counts are always shown.
    linkage
        A ``famgraph.linkage.LinkageReport`` to include (counts only), or ``None``.
    pedigree
        Draw an example pedigree: ``None`` (default) only for synthetic data (``ds.truth`` set);
        ``True`` also for real data (individual-level: for internal use only); ``False`` never.
    date
        The date printed as the generation date (``YYYY-MM-DD`` or a ``datetime.date``); default
        ``$SOURCE_DATE_EPOCH`` if set, else today. With a fixed date the same inputs give the same
        bytes.

    Returns
    -------
    pathlib.Path
        The path written.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=20_000, seed=1, progress=False)
    >>> fg.report(ds, "report.html", lang="nl")                # doctest: +SKIP
    PosixPath('report.html')
    """
    from .._extras import require

    require("report", feature="famgraph.report (the HTML report)")
    from ._build import build

    return build(
        ds,
        path,
        lang=lang,
        window=window,
        min_cell=min_cell,
        results=results,
        quality=quality,
        linkage=linkage,
        pedigree=pedigree,
        date=date,
    )


def _default_path(folder: str | os.PathLike[str]) -> Path:
    """``<folder>/report.html`` (used by the command line)."""
    return Path(folder) / "report.html"


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
