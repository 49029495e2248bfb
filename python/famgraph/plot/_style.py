"""Shared look of every famgraph plot: palette, line styles, hatches, texts, the "no data" panel.

Every plot is drawn on a :class:`matplotlib.figure.Figure` made without pyplot, so that building
many figures (a report) neither touches a global figure registry nor needs a display. Colours are
the Okabe–Ito palette (safe for the common forms of colour blindness) and every series also
differs in line style, marker or hatch, so that a grey-scale print stays readable.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._text import TEXTS

#: Okabe & Ito (2008), "Color Universal Design": safe for deuteranopia, protanopia, tritanopia.
OKABE_ITO: Final[Mapping[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Series colours in order of use (the black is kept for reference lines and outlines).
SERIES_COLOURS: Final = (
    OKABE_ITO["vermillion"],
    OKABE_ITO["blue"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
)
LINE_STYLES: Final = ("-", "--", ":", "-.")
MARKERS: Final = ("o", "s", "^", "D", "v", "P")
HATCHES: Final = ("", "///", "...", "xx", "\\\\", "++")
NEUTRAL: Final = "#7f7f7f"
LIGHT: Final = "#e8e8e8"

LANGS: Final = ("en", "nl")


def check_lang(lang: object) -> str:
    """``lang`` if it is a supported language code, else a ``ValueError`` naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang={lang!r} (expected one of: {', '.join(repr(x) for x in LANGS)})")
    return str(lang)


def text(key: str, lang: str, /, **fields: Any) -> str:
    """The label ``key`` in ``lang``, formatted with ``fields``."""
    return TEXTS[check_lang(lang)][key].format(**fields)


def label(kind: str, value: object, lang: str) -> str:
    """A data value (a role, relation, sex, unit...) in ``lang``; unknown values are shown as is."""
    key = f"{kind}.{value}"
    table = TEXTS[check_lang(lang)]
    return table[key] if key in table else str(value)


def new_figure(width: float, height: float) -> Figure:
    """A figure with constrained layout, not registered with pyplot."""
    return Figure(figsize=(width, height), layout="constrained")


def figure_and_axes(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    """The figure of ``ax`` (drawing into a caller's axes), or a new figure with one axes."""
    if ax is not None:
        fig = ax.get_figure()
        if not isinstance(fig, Figure):
            raise TypeError("ax must belong to a matplotlib Figure")
        return fig, ax
    fig = new_figure(width, height)
    fig.set_gid(_OWNED)  # made here: no_data_panel may shrink it
    return fig, fig.add_subplot()


_OWNED: Final = "famgraph-figure"
_PANEL_SIZE: Final = (6.4, 2.6)


def no_data_panel(ax: Axes, title: str, message: str) -> None:
    """Turn ``ax`` into a framed, labelled panel saying why nothing is drawn.

    A one-axes figure made by famgraph shrinks to a small panel; a caller's figure keeps its size.
    """
    fig = ax.get_figure()
    if isinstance(fig, Figure) and fig.get_gid() == _OWNED and len(fig.axes) == 1:
        fig.set_size_inches(*_PANEL_SIZE)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    for spine in ax.spines.values():
        spine.set_linestyle(":")
        spine.set_edgecolor(NEUTRAL)
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        wrap=True,
        fontsize=11,
        color="#404040",
        transform=ax.transAxes,
        gid="famgraph-no-data",
    )


def no_data_figure(title: str, message: str, ax: Axes | None = None) -> Figure:
    """A small figure (or the given axes) holding only a :func:`no_data_panel`."""
    fig, ax = figure_and_axes(ax, *_PANEL_SIZE)
    no_data_panel(ax, title, message)
    return fig


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes, without a software/date stamp (the same figure gives the same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


@runtime_checkable
class ResultLike(Protocol):
    """What the plots read from a :class:`famgraph.indicators.Result`."""

    @property
    def name(self) -> str: ...
    @property
    def table(self) -> pd.DataFrame: ...
    @property
    def tables(self) -> Mapping[str, pd.DataFrame]: ...
    @property
    def parameters(self) -> Mapping[str, Any]: ...


def table_of(result: ResultLike | pd.DataFrame | None, key: str = "table") -> pd.DataFrame | None:
    """The table ``key`` of a result, or the DataFrame itself; ``None`` when absent."""
    if result is None:
        return None
    if isinstance(result, pd.DataFrame):
        return result if key == "table" else None
    if key == "table":
        return result.table
    return result.tables.get(key)


def level_of(result: ResultLike | pd.DataFrame | None, default: float = 0.95) -> float:
    """The confidence level of a result (its ``level`` parameter), else ``default``."""
    if result is None or isinstance(result, pd.DataFrame):
        return default
    value = result.parameters.get("level", default)
    try:
        out = float(value)
    except (TypeError, ValueError):
        return default
    return out if 0 < out < 1 else default


def level_text(level: float) -> str:
    """``0.95`` → ``95%``."""
    pct = level * 100
    return f"{pct:.0f}%" if math.isclose(pct, round(pct)) else f"{pct:g}%"


def min_cell_of(frame: pd.DataFrame | None, default: int = 10) -> int:
    """The ``min_cell`` a suppressed frame was made with (its ``attrs``), else ``default``."""
    if frame is None:
        return default
    value = frame.attrs.get("min_cell", default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def is_suppressed(frame: pd.DataFrame, column: str) -> np.ndarray:
    """The boolean flag column ``<column>_suppressed`` (all False when it is absent)."""
    flag = f"{column}_suppressed"
    if flag in frame.columns:
        return frame[flag].fillna(False).to_numpy(dtype=bool)
    return np.zeros(len(frame), dtype=bool)


def values(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric column as float64 (NaN for missing or suppressed; all NaN when it is absent)."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)


def localise(s: str, lang: str) -> str:
    """English number text in ``lang``: Dutch swaps the separators (12,345.6 → 12.345,6)."""
    if lang != "nl":
        return s
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_number(value: float, digits: int = 3, lang: str = "en") -> str:
    """A short number for an annotation, trailing zeros kept (``3.20``); ``NA`` for NaN, ``∞``."""
    if math.isnan(value):
        return "NA"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == 0:
        return "0"
    out = f"{value:#.{digits}g}"  # keeps trailing zeros: 3.20, not 3.2
    out = out.rstrip(".") if "e" not in out else f"{value:.{digits}g}"
    return localise(out, lang)


def fmt_count(value: float, lang: str = "en") -> str:
    """A count with a thousands separator (``NA`` for NaN)."""
    if math.isnan(value):
        return "NA"
    return localise(f"{round(value):,}", lang)


def fmt_percent(value: float, decimals: int = 1, lang: str = "en") -> str:
    """A share as a percentage (``12.3%``)."""
    if math.isnan(value):
        return "NA"
    return localise(f"{value * 100:.{decimals}f}", lang) + "%"
