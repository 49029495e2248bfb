"""Population pyramid: persons by sex and five-year age group on one day, disclosure-controlled."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import disclosure
from ._data import NO_DAY, completed_years, day_of, iso, resolve_window
from ._style import (
    HATCHES,
    OKABE_ITO,
    figure_and_axes,
    fmt_count,
    is_suppressed,
    label,
    no_data_panel,
    text,
    values,
)

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["population_pyramid", "pyramid_table"]

_SEX_CODES = {"F": 0, "M": 1, "U": 2}


def pyramid_table(
    ds: Dataset,
    *,
    at: Any = None,
    window: Any = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    width: int = 5,
    top: int = 90,
) -> pd.DataFrame:
    """Persons alive and observed on day ``at`` by sex and age group, after disclosure control.

    A person counts on ``at`` when born on or before it and not exited before it (exit is
    inclusive). ``at`` defaults to the end of ``window`` (whose default is the last event date).
    Age is in completed years; groups are ``width`` years wide, the last one open (``top`` years and older).

    Returns
    -------
    pandas.DataFrame
        Columns ``age_group`` (text), ``age_from``, ``F``, ``M`` and flag columns ``F_suppressed``,
        ``M_suppressed``: each sex is a one-way table suppressed with
        :func:`famgraph.disclosure.suppress_frequency_frame` (its total treated as published).
        ``attrs``: ``min_cell``, ``disclosure_control``, ``at`` (ISO date), and ``not_shown`` with
        the (suppressed) numbers of persons of unknown sex and without a birth date.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=5_000, seed=3, progress=False)
    >>> t = fg.plot.pyramid_table(ds)
    >>> list(t.columns[:4])
    ['age_group', 'age_from', 'F', 'M']
    """
    m = disclosure.check_min_cell(min_cell)
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"width={width!r}: expected a whole number of years >= 1")
    if isinstance(top, bool) or not isinstance(top, int) or top < width or top % width:
        raise ValueError(f"top={top!r}: expected a multiple of width={width}")
    window_end_given = False
    if at is None:
        from ..indicators._options import parse_window

        window_end_given = parse_window(window)[1] is not None
        w = resolve_window(ds, window)
        if w is None:
            raise ValueError("pyramid_table: the dataset has no events; pass at=YYYY-MM-DD")
        at_day = w[1]
    else:
        at_day = day_of(at, "at")
    c = ds.columns("persons")
    birth = c["birth_day"].astype(np.int64)
    exit_ = c["exit_day"].astype(np.int64)
    sex = c["sex"].astype(np.int64)
    known = birth != NO_DAY
    alive = (exit_ == NO_DAY) | (exit_ >= at_day)
    present = known & (birth <= at_day) & alive
    ages = completed_years(birth[present], at_day)
    groups = np.minimum(ages // width, top // width)
    n_groups = top // width + 1
    counts = {
        s: np.bincount(groups[sex[present] == code], minlength=n_groups)
        for s, code in _SEX_CODES.items()
        if s != "U"
    }
    frame = pd.DataFrame(
        {
            "age_group": [f"{g * width}–{g * width + width - 1}" for g in range(n_groups - 1)] + [f"{top}+"],
            "age_from": np.arange(n_groups) * width,
            "F": counts["F"],
            "M": counts["M"],
        }
    )
    out = disclosure.suppress_frequency_frame(frame, m, columns=["F", "M"])
    n_unknown_sex = int(np.count_nonzero(present & (sex == _SEX_CODES["U"])))
    # Persons without a birth date who may be alive on `at` (they are not placed in an age group).
    n_no_birth = int(np.count_nonzero(~known & alive))
    # A default `at` is the last event date, the date of a real incident: published as its month.
    out.attrs["at"] = iso(at_day) if at is not None or window_end_given else iso(at_day)[:7]
    # None of unknown sex or without a birth date is a fact about the data that the overview and
    # the data-quality scan publish anyway (docs/decisions.md, entry 27): a zero is shown.
    out.attrs["not_shown"] = {
        "unknown_sex": math.nan
        if disclosure.count_hidden(n_unknown_sex, m, zero_is_small=False)
        else float(n_unknown_sex),
        "no_birth_date": math.nan
        if disclosure.count_hidden(n_no_birth, m, zero_is_small=False)
        else float(n_no_birth),
    }
    return out


def population_pyramid(
    ds: Dataset | pd.DataFrame,
    *,
    at: Any = None,
    window: Any = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    lang: str = "en",
    ax: Axes | None = None,
    at_label: str | None = None,
) -> Figure:
    """Population pyramid (women left, men right) by five-year age group, disclosure-controlled.

    ``ds`` is a :class:`~famgraph.Dataset` (the table is built with :func:`pyramid_table`) or a
    table from it. Suppressed bars are not drawn; their age group is marked ``<10``. ``at_label``
    replaces the date in the title (the report shows a data-derived date as its month).

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=5_000, seed=3, progress=False)
    >>> fig = fg.plot.population_pyramid(ds, lang="nl")
    """
    table = ds if isinstance(ds, pd.DataFrame) else pyramid_table(ds, at=at, window=window, min_cell=min_cell)
    m = int(table.attrs.get("min_cell", min_cell))
    marker = disclosure.marker(m)
    date = at_label if at_label is not None else str(table.attrs.get("at", ""))
    fig, ax = figure_and_axes(ax, 7.0, 5.2)
    title = text("pyramid.title", lang, date=date)
    f, mm = values(table, "F"), values(table, "M")
    f_sup, m_sup = is_suppressed(table, "F"), is_suppressed(table, "M")
    if len(table) == 0 or (
        np.nan_to_num(f).sum() + np.nan_to_num(mm).sum() == 0 and not (f_sup | m_sup).any()
    ):
        no_data_panel(ax, title, text("no_data", lang))
        return fig
    if (f_sup | np.isnan(f)).all() and (m_sup | np.isnan(mm)).all():
        no_data_panel(ax, title, text("all_suppressed", lang, m=m))
        return fig
    y = np.arange(len(table))
    biggest = float(np.nanmax(np.concatenate([f, mm, [1.0]])))
    ax.barh(
        y,
        -np.nan_to_num(f),
        height=0.85,
        color=OKABE_ITO["reddish_purple"],
        hatch=HATCHES[1],
        edgecolor="white",
        linewidth=0.5,
        label=label("sex", "F", lang),
    )
    ax.barh(
        y,
        np.nan_to_num(mm),
        height=0.85,
        color=OKABE_ITO["blue"],
        hatch=HATCHES[0],
        edgecolor="white",
        linewidth=0.5,
        label=label("sex", "M", lang),
    )
    for i in range(len(table)):
        if f_sup[i]:
            ax.text(-biggest * 0.02, y[i], marker, ha="right", va="center", fontsize=7, color="#404040")
        if m_sup[i]:
            ax.text(biggest * 0.02, y[i], marker, ha="left", va="center", fontsize=7, color="#404040")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [str(g) for g in table["age_group"]], fontsize=8)
    ax.set_xlim(-biggest * 1.12, biggest * 1.12)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [fmt_count(abs(t), lang) for t in ticks])
    ax.set_xlim(-biggest * 1.12, biggest * 1.12)
    ax.set_xlabel(text("pyramid.xlabel", lang))
    ax.set_ylabel(text("pyramid.ylabel", lang))
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    not_shown = table.attrs.get("not_shown")
    if isinstance(not_shown, dict):

        def show(v: float) -> str:
            return marker if math.isnan(v) else fmt_count(v, lang)

        ax.annotate(
            text(
                "pyramid.note_unknown",
                lang,
                u=show(float(not_shown.get("unknown_sex", math.nan))),
                b=show(float(not_shown.get("no_birth_date", math.nan))),
            )
            + ("; " + text("suppressed_note", lang, marker=marker) if (f_sup | m_sup).any() else ""),
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -34),
            textcoords="offset points",
            fontsize=7,
            color="#404040",
        )
    return fig
