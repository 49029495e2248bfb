"""Plots of the indicator results (one public function per indicator, each returning a Figure).

Each function takes a :class:`famgraph.indicators.Result` or its main DataFrame (the documented
schema, after disclosure control). Suppressed values (NaN with a ``<col>_suppressed`` flag) are
never drawn: they are marked ``<10``. An empty result or one that is entirely suppressed gives a
labelled panel that says so, never an empty axes or an exception.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import blended_transform_factory

from .. import disclosure
from ..indicators import registry as _registry
from ._style import (
    HATCHES,
    LIGHT,
    LINE_STYLES,
    MARKERS,
    NEUTRAL,
    OKABE_ITO,
    SERIES_COLOURS,
    ResultLike,
    figure_and_axes,
    fmt_count,
    fmt_number,
    fmt_percent,
    is_suppressed,
    label,
    level_of,
    level_text,
    localise,
    min_cell_of,
    new_figure,
    no_data_figure,
    no_data_panel,
    table_of,
    text,
    values,
)

__all__ = [
    "PLOTS",
    "adjusted_forest",
    "agency_upset",
    "chains_flow",
    "early_signalling_plot",
    "fir_plot",
    "gif_plot",
    "km_curves",
    "plot_result",
    "recurrence_plot",
    "repeat_plot",
    "transmission_forest",
]

ResultInput = ResultLike | pd.DataFrame


def _empty_reason(result: ResultInput | None, frame: pd.DataFrame | None, lang: str) -> str | None:
    """Why nothing can be drawn (no table, no eligible persons, nothing published), or None."""
    if frame is not None and len(frame) > 0:
        return None
    if frame is None or result is None or isinstance(result, pd.DataFrame):
        return text("no_data", lang)
    if bool(getattr(result, "empty", True)) and not getattr(result, "note", ""):
        return text("empty_result", lang)
    note = str(getattr(result, "note", "") or "")
    base = text("not_published", lang)
    return f"{base}\n({note})" if note and lang == "en" else base


def _p_text(p: float) -> str:
    """``p = 0.232`` or ``p < 0.001``."""
    if math.isnan(p):
        return "p = NA"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _ci_text(est: float, lo: float, hi: float, lang: str) -> str:
    return f"{fmt_number(est, lang=lang)} ({fmt_number(lo, lang=lang)}–{fmt_number(hi, lang=lang)})"


def _plain_log_ticks(ax: Axes, lang: str) -> None:
    """Tick labels 0.1, 1, 10 instead of 10⁻¹, 10⁰, 10¹ on a log axis."""
    ax.xaxis.set_major_formatter(lambda v, _pos: localise(f"{v:g}", lang))
    ax.xaxis.set_minor_formatter(lambda v, _pos: "")


# ---- 1. victim → perpetrator: Kaplan–Meier ---------------------------------------------------------


def km_curves(result: ResultInput, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """Cumulative incidence of first adult perpetration, exposed vs unexposed, with CI bands.

    ``result`` is the ``victim_to_perpetrator`` result (its ``tables["km"]`` is drawn, and the
    log-rank p-value from ``tables["logrank"]``) or the KM table itself (columns ``group``,
    ``time_years``, ``cumulative_incidence``, ``lower``, ``upper``).

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=20_000, seed=1, progress=False)   # doctest: +SKIP
    >>> fg.plot.km_curves(fg.indicators.victim_to_perpetrator(ds))      # doctest: +SKIP
    """
    km = result if isinstance(result, pd.DataFrame) else table_of(result, "km")
    title = text("km.title", lang)
    reason = _empty_reason(result, km, lang)
    if reason is not None or km is None:
        return no_data_figure(title, reason or text("no_data", lang), ax)
    m = min_cell_of(km, min_cell_of(table_of(result)))
    level = level_text(level_of(result))
    fig, ax = figure_and_axes(ax, 7.0, 4.6)
    missing: list[str] = []
    drawn = 0
    for i, group in enumerate(("exposed", "unexposed")):
        rows = km[km["group"] == group].sort_values("time_years", kind="stable")
        t = values(rows, "time_years")
        ci = values(rows, "cumulative_incidence")
        lo, hi = values(rows, "lower"), values(rows, "upper")
        ok = ~np.isnan(t) & ~np.isnan(ci)
        name = label("group", group, lang)
        if not ok.any():
            missing.append(text("km.group_suppressed", lang, group=name))
            continue
        t, ci, lo, hi = t[ok], ci[ok], lo[ok], hi[ok]
        if t[0] > 0:  # the curve starts at 0 on the 18th birthday
            t, ci = np.r_[0.0, t], np.r_[0.0, ci]
            lo, hi = np.r_[0.0, lo], np.r_[0.0, hi]
        colour = SERIES_COLOURS[i]
        ax.step(
            t,
            ci,
            where="post",
            color=colour,
            linestyle=LINE_STYLES[i],
            linewidth=2,
            marker=MARKERS[i] if len(t) < 3 else None,  # a curve without events is a single point
            label=name,
        )
        band = ~np.isnan(lo) & ~np.isnan(hi)
        if band.any():
            ax.fill_between(
                t,
                np.where(band, lo, np.nan),
                np.where(band, hi, np.nan),
                step="post",
                facecolor=colour,
                alpha=0.18,
                hatch=HATCHES[2] if i else None,
                edgecolor=colour if i else "none",
                linewidth=0,
                label=f"{name}: {text('ci', lang, level=level)}",
            )
        drawn += 1
    if drawn == 0:
        ax.clear()
        no_data_panel(ax, title, text("all_suppressed", lang, m=m))
        return fig
    logrank = None if isinstance(result, pd.DataFrame) else table_of(result, "logrank")
    notes = list(missing)
    if logrank is not None and len(logrank) and "p_value" in logrank.columns:
        p = float(values(logrank, "p_value")[0])
        if is_suppressed(logrank, "p_value")[0]:
            notes.append(text("km.logrank", lang, p=f"p {disclosure.marker(m)}"))
        elif not math.isnan(p):
            notes.append(text("km.logrank", lang, p=localise(_p_text(p), lang)))
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.set_xlabel(text("km.xlabel", lang))
    ax.set_ylabel(text("km.ylabel", lang))
    ax.set_title(title)
    ax.grid(True, color=LIGHT, linewidth=0.6)
    # cumulative incidence rises to the right: the upper left is free for the legend and the test
    ax.legend(
        loc="upper left",
        fontsize=8,
        frameon=False,
        title="\n".join(notes) or None,
        title_fontsize=8,
        alignment="left",
    )
    return fig


# ---- 2. relative exposure: forest plot -------------------------------------------------------------


def _forest(
    ax: Axes,
    labels: Sequence[str],
    est: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    suppressed: np.ndarray,
    *,
    marker: str,
    lang: str,
    shade: Sequence[int] | None = None,
) -> None:
    """Rows top to bottom: a point with its interval on a log axis, or ``<10``/``NA`` as text."""
    n = len(labels)
    y = np.arange(n)[::-1].astype(float)
    finite = np.isfinite(est) & (est > 0) & ~suppressed
    bounds = np.concatenate(
        [est[finite], lo[finite & np.isfinite(lo) & (lo > 0)], hi[finite & np.isfinite(hi)]]
    )
    if len(bounds):
        xmin, xmax = float(bounds.min()), float(bounds.max())
        xmin, xmax = min(xmin, 1.0) / 1.4, max(xmax, 1.0) * 1.4
    else:
        xmin, xmax = 0.5, 2.0
    ax.set_xscale("log")
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(-0.7, n - 0.3)
    if shade is not None:
        for i, g in enumerate(shade):
            if g % 2:
                ax.axhspan(y[i] - 0.5, y[i] + 0.5, color=LIGHT, zorder=0, linewidth=0)
    ax.axvline(1.0, color="black", linewidth=0.8, linestyle="--", zorder=1)
    right = blended_transform_factory(ax.transAxes, ax.transData)
    for i in range(n):
        if suppressed[i]:
            ax.text(
                1.0,
                y[i],
                marker,
                ha="center",
                va="center",
                fontsize=8,
                color="#404040",
                style="italic",
                zorder=3,
            )
            ax.text(1.02, y[i], marker, transform=right, va="center", fontsize=8)
            continue
        if not finite[i]:
            ax.text(1.0, y[i], text("undefined", lang), ha="center", va="center", fontsize=7, color=NEUTRAL)
            ax.text(1.02, y[i], "NA", transform=right, va="center", fontsize=8)
            continue
        low = lo[i] if np.isfinite(lo[i]) and lo[i] > 0 else xmin
        high = hi[i] if np.isfinite(hi[i]) else xmax
        ax.plot([max(low, xmin), min(high, xmax)], [y[i], y[i]], color="black", linewidth=1.2, zorder=2)
        ax.plot(est[i], y[i], marker="s", color=OKABE_ITO["vermillion"], markeredgecolor="black", zorder=3)
        ax.text(1.02, y[i], _ci_text(est[i], lo[i], hi[i], lang), transform=right, va="center", fontsize=8)
    _plain_log_ticks(ax, lang)
    ax.set_yticks(y, list(labels), fontsize=8)
    ax.tick_params(axis="y", length=0)


def transmission_forest(
    result: ResultInput, *, measure: str = "odds_ratio", lang: str = "en", ax: Axes | None = None
) -> Figure:
    """Forest plot of the transmission table (``relative_exposure``): OR or RR with CIs, log scale.

    One row per (relation, relative's role, proband's role); suppressed rows are written ``<10``
    and not plotted; undefined estimates are written ``NA``.

    Example
    -------
    >>> fg.plot.transmission_forest(fg.indicators.relative_exposure(ds), lang="nl")  # doctest: +SKIP
    """
    if measure not in ("odds_ratio", "risk_ratio"):
        raise ValueError(f"measure={measure!r} (expected 'odds_ratio' or 'risk_ratio')")
    frame = table_of(result)
    mname = text(f"measure.{measure}", lang)
    title = text("forest.title", lang, measure=mname)
    reason = _empty_reason(result, frame, lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang), ax)
    n = len(frame)
    fig, ax = figure_and_axes(ax, 8.0, 1.3 + 0.26 * n)
    labels = [
        text(
            "forest.row",
            lang,
            relation=label("relation", r.get("relation", ""), lang),
            relative_role=label("role", r.get("relative_role", ""), lang),
            proband_role=label("role", r.get("proband_role", ""), lang),
        )
        for r in frame.to_dict("records")
    ]
    relations = list(frame["relation"]) if "relation" in frame.columns else [""] * n
    groups: list[int] = []
    for i, rel in enumerate(relations):
        groups.append(0 if i == 0 else groups[-1] + (rel != relations[i - 1]))
    m = min_cell_of(frame)
    _forest(
        ax,
        labels,
        values(frame, measure),
        values(frame, f"{measure}_lower"),
        values(frame, f"{measure}_upper"),
        is_suppressed(frame, measure),
        marker=disclosure.marker(m),
        lang=lang,
        shade=groups,
    )
    ax.set_xlabel(text("forest.xlabel", lang, measure=mname, level=level_text(level_of(result))))
    ax.set_ylabel(text("forest.ylabel", lang), fontsize=8)
    ax.set_title(title)
    if is_suppressed(frame, measure).any():
        ax.annotate(
            text("suppressed_note", lang, marker=disclosure.marker(m)),
            xy=(0, 0),
            xycoords="figure fraction",
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7,
            color="#404040",
        )
    return fig


# ---- 3. chains: flow -----------------------------------------------------------------------------


def chains_flow(result: ResultInput, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """Flow of intergenerational chains: persons at the end of chains of ≥ 1, ≥ 2, ≥ 3 links.

    Bars are nested groups (every person with ≥ 2 links also has ≥ 1); the bands show the part of
    each group that continues to the next. Suppressed counts are written ``<10``, not drawn.

    Example
    -------
    >>> fg.plot.chains_flow(fg.indicators.chains(ds))    # doctest: +SKIP
    """
    frame = table_of(result)
    title = text("chains.title", lang)
    reason = _empty_reason(result, frame, lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang), ax)
    m = min_cell_of(frame)
    marker = disclosure.marker(m)
    counts = dict(zip(frame["measure"], values(frame, "count"), strict=True))
    flags = dict(zip(frame["measure"], is_suppressed(frame, "count"), strict=True))
    stages = ["chain_ge1", "chain_ge2", "chain_ge3"]
    h = np.array([counts.get(s, math.nan) for s in stages])
    sup = np.array([bool(flags.get(s, False)) or math.isnan(counts.get(s, math.nan)) for s in stages])
    fig, ax = figure_and_axes(ax, 7.0, 4.4)
    if sup.all():
        no_data_panel(ax, title, text("all_suppressed", lang, m=m))
        return fig
    top = float(np.nanmax(np.where(sup, np.nan, h)))
    if top <= 0:
        no_data_panel(ax, title, text("no_data", lang))
        return fig
    width = 0.5
    x = np.arange(3, dtype=float)
    colours = (SERIES_COLOURS[0], SERIES_COLOURS[3], SERIES_COLOURS[1])
    for i in range(3):
        if sup[i]:
            ax.text(x[i], top * 0.04, marker, ha="center", va="bottom", fontsize=11, color="#404040")
            continue
        ax.bar(
            x[i],
            h[i],
            bottom=-h[i] / 2,
            width=width,
            color=colours[i],
            hatch=HATCHES[i],
            edgecolor="black",
            linewidth=0.8,
        )
        ax.text(x[i], h[i] / 2 + top * 0.02, fmt_count(h[i], lang), ha="center", va="bottom", fontsize=9)
    for i in range(2):
        if sup[i] or sup[i + 1]:
            continue
        # the continuing part: the top h[i+1] of bar i flows into the whole of bar i+1
        x0, x1 = x[i] + width / 2, x[i + 1] - width / 2
        a_top, a_bot = h[i] / 2, h[i] / 2 - h[i + 1]
        b_top, b_bot = h[i + 1] / 2, -h[i + 1] / 2
        xm = (x0 + x1) / 2
        verts = [
            (x0, a_top),
            (xm, a_top),
            (xm, b_top),
            (x1, b_top),
            (x1, b_bot),
            (xm, b_bot),
            (xm, a_bot),
            (x0, a_bot),
            (x0, a_top),
        ]
        codes = [
            MplPath.MOVETO,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.LINETO,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CLOSEPOLY,
        ]
        ax.add_patch(
            PathPatch(MplPath(verts, codes), facecolor=colours[i + 1], alpha=0.3, edgecolor="none", zorder=0)
        )
    ax.set_xticks(x, [text(f"chains.stage{i + 1}", lang) for i in range(3)], fontsize=9)
    ax.set_yticks([])
    ax.set_ylim(-top * 0.62, top * 0.68)
    ax.set_xlim(-0.5, 2.5)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_ylabel(text("chains.ylabel", lang))
    ax.set_title(title)
    if "links" in counts:
        links = counts["links"]
        shown = marker if flags.get("links", False) or math.isnan(links) else fmt_count(links, lang)
        ax.text(
            0.99,
            0.02,
            text("chains.links", lang, links=shown),
            transform=ax.transAxes,
            ha="right",
            fontsize=8,
        )
    if sup.any():
        ax.text(
            0.01,
            0.02,
            text("suppressed_note", lang, marker=marker),
            transform=ax.transAxes,
            fontsize=7,
            color="#404040",
        )
    return fig


# ---- 4a. recurrence risk λ_R ---------------------------------------------------------------------


def recurrence_plot(result: ResultInput, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """λ_R by relation with bootstrap CIs; the dashed line λ = 1 is no familial clustering.

    Example
    -------
    >>> fg.plot.recurrence_plot(fg.indicators.recurrence_risk(ds))     # doctest: +SKIP
    """
    frame = table_of(result)
    title = text("recurrence.title", lang)
    reason = _empty_reason(result, frame, lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang), ax)
    m = min_cell_of(frame)
    marker = disclosure.marker(m)
    lam = values(frame, "lambda")
    lo, hi = values(frame, "lambda_lower"), values(frame, "lambda_upper")
    sup = is_suppressed(frame, "lambda")
    fig, ax = figure_and_axes(ax, 6.4, 4.2)
    x = np.arange(len(frame), dtype=float)
    ok = ~sup & np.isfinite(lam)
    if not ok.any():
        no_data_panel(ax, title, text("all_suppressed", lang, m=m) if sup.any() else text("no_data", lang))
        return fig
    for i in range(len(frame)):
        if not ok[i]:
            ax.text(
                x[i], 1.0, marker if sup[i] else "NA", ha="center", va="bottom", fontsize=10, color="#404040"
            )
            continue
        yerr = None
        if np.isfinite(lo[i]) and np.isfinite(hi[i]):
            yerr = np.array([[lam[i] - lo[i]], [hi[i] - lam[i]]])
        ax.errorbar(
            x[i],
            lam[i],
            yerr=yerr,
            fmt=MARKERS[i % len(MARKERS)],
            color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
            markeredgecolor="black",
            markersize=8,
            capsize=5,
            linewidth=1.5,
        )
        ax.text(x[i] + 0.08, lam[i], fmt_number(lam[i], lang=lang), va="center", fontsize=8)
    ax.axhline(1.0, color="black", linestyle="--", linewidth=0.8)
    ax.set_xticks(x, [label("relation", r, lang) for r in frame["relation"]])
    finite = np.concatenate([lam[ok], lo[ok & np.isfinite(lo)], hi[ok & np.isfinite(hi)], [1.0]])
    ax.set_ylim(0, float(finite.max()) * 1.15)
    ax.set_xlim(-0.6, len(frame) - 0.4)
    ax.set_ylabel(text("recurrence.ylabel", lang, level=level_text(level_of(result))))
    ax.set_xlabel(text("recurrence.xlabel", lang))
    ax.set_title(title)
    ax.grid(True, axis="y", color=LIGHT, linewidth=0.6)
    return fig


# ---- 4b. repeat incidents ------------------------------------------------------------------------


def _share_bars(
    ax: Axes,
    names: Sequence[str],
    share: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    sup: np.ndarray,
    marker: str,
    lang: str,
) -> None:
    x = np.arange(len(names), dtype=float)
    for i in range(len(names)):
        if sup[i] or not np.isfinite(share[i]):
            ax.text(
                x[i], 0.02, marker if sup[i] else "NA", ha="center", va="bottom", fontsize=10, color="#404040"
            )
            continue
        ax.bar(
            x[i],
            share[i],
            width=0.55,
            color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black",
            linewidth=0.8,
        )
        if np.isfinite(lo[i]) and np.isfinite(hi[i]):
            ax.errorbar(
                x[i], share[i], yerr=[[share[i] - lo[i]], [hi[i] - share[i]]], color="black", capsize=5
            )
        ax.text(x[i] + 0.3, share[i], fmt_percent(share[i], lang=lang), va="bottom", fontsize=8)
    ax.set_xticks(x, list(names))
    ax.set_xlim(-0.6, len(names) - 0.4)


def repeat_plot(result: ResultInput, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """Share of persons and of nuclear families with a repeat incident, with Wilson CIs.

    Example
    -------
    >>> fg.plot.repeat_plot(fg.indicators.repeat_incidents(ds))   # doctest: +SKIP
    """
    frame = table_of(result)
    T = 365
    if not isinstance(result, pd.DataFrame) and result is not None:
        T = int(result.parameters.get("T", 365))
    title = text("repeat.title", lang, T=T)
    reason = _empty_reason(result, frame, lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang), ax)
    m = min_cell_of(frame)
    share, sup = values(frame, "share"), is_suppressed(frame, "share")
    fig, ax = figure_and_axes(ax, 5.6, 4.0)
    if (sup | ~np.isfinite(share)).all():
        no_data_panel(ax, title, text("all_suppressed", lang, m=m) if sup.any() else text("no_data", lang))
        return fig
    _share_bars(
        ax,
        [label("unit", u, lang) for u in frame["unit"]],
        share,
        values(frame, "share_lower"),
        values(frame, "share_upper"),
        sup,
        disclosure.marker(m),
        lang,
    )
    top = np.nanmax(np.concatenate([share[~sup], values(frame, "share_upper")[~sup], [0.05]]))
    ax.set_ylim(0, min(1.0, float(top) * 1.25))
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_ylabel(text("repeat.ylabel", lang))
    ax.set_title(title)
    ax.grid(True, axis="y", color=LIGHT, linewidth=0.6)
    return fig


# ---- 4c. GIF ------------------------------------------------------------------------------------


def gif_plot(result: ResultInput, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """The observed GIF against its distribution over matched control sets (``tables["null"]``).

    Example
    -------
    >>> fg.plot.gif_plot(fg.indicators.gif(ds))   # doctest: +SKIP
    """
    frame = table_of(result)
    title = text("gif.title", lang)
    reason = _empty_reason(result, frame, lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang), ax)
    m = min_cell_of(frame)
    gif = float(values(frame, "gif")[0])
    if is_suppressed(frame, "gif")[0] or math.isnan(gif):
        msg = text("all_suppressed", lang, m=m) if is_suppressed(frame, "gif")[0] else text("no_data", lang)
        return no_data_figure(title, msg, ax)
    p = float(values(frame, "p_value")[0])
    null = None if isinstance(result, pd.DataFrame) else table_of(result, "null")
    fig, ax = figure_and_axes(ax, 6.4, 4.0)
    sims = values(null, "gif_sim") if null is not None and len(null) else np.empty(0)
    sims = sims[np.isfinite(sims)]
    if len(sims):
        ax.hist(
            sims,
            bins=min(40, max(5, len(sims) // 20)),
            color=OKABE_ITO["sky_blue"],
            edgecolor="black",
            linewidth=0.4,
            hatch=HATCHES[1],
            label=text("gif.null", lang, n=fmt_count(len(sims), lang)),
        )
    ax.axvline(
        gif,
        color=OKABE_ITO["vermillion"],
        linewidth=2.5,
        linestyle="-",
        label=text("gif.observed", lang, gif=fmt_number(gif, lang=lang), p=localise(_p_text(p), lang)),
    )
    ax.set_xlabel(text("gif.xlabel", lang))
    ax.set_ylabel(text("gif.ylabel", lang))
    ax.set_title(title)
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    return fig


# ---- 4d. FIR ------------------------------------------------------------------------------------


def fir_plot(result: ResultInput, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """FIR of cases and non-cases: median and quartiles (boxes; no whiskers are published).

    Example
    -------
    >>> fg.plot.fir_plot(fg.indicators.fir(ds))    # doctest: +SKIP
    """
    frame = table_of(result)
    title = text("fir.title", lang)
    reason = _empty_reason(result, frame, lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang), ax)
    m = min_cell_of(frame)
    marker = disclosure.marker(m)
    med, q1, q3, mean = (values(frame, c) for c in ("median", "q1", "q3", "mean"))
    sup = is_suppressed(frame, "median") | is_suppressed(frame, "n")
    fig, ax = figure_and_axes(ax, 5.6, 4.0)
    ok = ~sup & np.isfinite(med) & np.isfinite(q1) & np.isfinite(q3)
    if not ok.any():
        no_data_panel(ax, title, text("all_suppressed", lang, m=m) if sup.any() else text("no_data", lang))
        return fig
    names = [label("group", g, lang) for g in frame["group"]]
    stats: list[dict[str, Any]] = []
    positions: list[int] = []
    for i in range(len(frame)):
        if not ok[i]:
            ax.text(
                i + 1, 0, marker if sup[i] else "NA", ha="center", va="bottom", fontsize=10, color="#404040"
            )
            continue
        stats.append(
            {
                "med": med[i],
                "q1": q1[i],
                "q3": q3[i],
                "whislo": q1[i],
                "whishi": q3[i],
                "mean": mean[i] if np.isfinite(mean[i]) else med[i],
                "fliers": [],
                "label": names[i],
            }
        )
        positions.append(i + 1)
    boxes = ax.bxp(
        stats,
        positions=positions,
        showmeans=True,
        showfliers=False,
        showcaps=False,
        patch_artist=True,
        widths=0.5,
        meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "black"},
        medianprops={"color": "black", "linewidth": 2},
    )
    for k, patch in enumerate(boxes["boxes"]):
        patch.set_facecolor(SERIES_COLOURS[k % len(SERIES_COLOURS)])
        patch.set_hatch(HATCHES[k % len(HATCHES)])
    ax.set_xticks(np.arange(1, len(frame) + 1), names)
    ax.set_xlim(0.4, len(frame) + 0.6)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(text("fir.ylabel", lang))
    ax.set_title(title)
    ax.legend(
        handles=[
            Line2D([], [], color="black", linewidth=2, label=text("fir.median", lang)),
            Line2D([], [], marker="D", color="white", markeredgecolor="black", label=text("fir.mean", lang)),
        ],
        fontsize=8,
        frameon=False,
    )
    return fig


# ---- 5. early signalling ------------------------------------------------------------------------


def early_signalling_plot(result: ResultInput, *, lang: str = "en") -> Figure:
    """Share of first incidents preceded by a contact within 1, 2, 5 years, overall and per organisation.

    Left: any organisation, for first incidents (own contacts) and for minors (own or a parent's
    contacts). Right: per organisation, own contacts, one marker per look-back period.

    Example
    -------
    >>> fg.plot.early_signalling_plot(fg.indicators.early_signalling(ds))   # doctest: +SKIP
    """
    frame = table_of(result)
    title = text("early.title", lang)
    reason = _empty_reason(result, frame, lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang))
    m = min_cell_of(frame)
    marker = disclosure.marker(m)
    share, lo, hi = values(frame, "share"), values(frame, "share_lower"), values(frame, "share_upper")
    sup = is_suppressed(frame, "share")
    if (sup | ~np.isfinite(share)).all():
        return no_data_figure(
            title, text("all_suppressed", lang, m=m) if sup.any() else text("no_data", lang)
        )
    orgs = [o for o in dict.fromkeys(frame["organisation"]) if o != "all"]
    fig = new_figure(11.0, max(3.8, 1.6 + 0.34 * len(orgs)))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    fig.suptitle(title)
    years = sorted({int(y) for y in frame["years"]})
    # left panel
    overall = frame["organisation"] == "all"
    for k, pop in enumerate(("first_incidents", "minors_self_or_parent")):
        sel = np.flatnonzero(overall.to_numpy() & (frame["population"] == pop).to_numpy())
        if len(sel) == 0:
            continue
        sel = sel[np.argsort(frame["years"].to_numpy()[sel], kind="stable")]
        xs = frame["years"].to_numpy(dtype=float)[sel] + (k - 0.5) * 0.12
        ok = ~sup[sel] & np.isfinite(share[sel])
        if ok.any():
            err = np.vstack([share[sel] - lo[sel], hi[sel] - share[sel]])
            left.errorbar(
                xs[ok],
                share[sel][ok],
                yerr=np.where(np.isfinite(err[:, ok]), err[:, ok], 0),
                fmt=MARKERS[k],
                linestyle=LINE_STYLES[k],
                color=SERIES_COLOURS[k],
                markeredgecolor="black",
                capsize=4,
                label=label("population", pop, lang),
            )
        for j in np.flatnonzero(~ok):
            left.text(xs[j], 0.01, marker if sup[sel][j] else "NA", ha="center", fontsize=8, color="#404040")
    left.set_xticks(years)
    left.set_xlabel(text("early.xlabel", lang))
    left.set_ylabel(text("early.ylabel", lang))
    shown = np.concatenate([hi[np.isfinite(hi) & ~sup & overall.to_numpy()], [0.05]])
    left.set_ylim(0, min(1.0, float(shown.max()) * 1.15))
    left.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    left.set_title(text("early.panel_all", lang), fontsize=10)
    left.grid(True, axis="y", color=LIGHT, linewidth=0.6)
    if left.get_legend_handles_labels()[0]:
        left.legend(fontsize=8, frameon=False, loc="upper left")
    # right panel
    if not orgs:
        no_data_panel(right, text("early.panel_org", lang), text("no_data", lang))
        return fig
    own = (frame["population"] == "first_incidents").to_numpy()
    ypos = {o: len(orgs) - 1 - i for i, o in enumerate(orgs)}
    for k, yr in enumerate(years):
        sel = np.flatnonzero(own & (frame["years"] == yr).to_numpy() & ~overall.to_numpy())
        offset = (k - (len(years) - 1) / 2) * 0.22
        ys = np.array([ypos[o] for o in frame["organisation"].to_numpy()[sel]], dtype=float) + offset
        ok = ~sup[sel] & np.isfinite(share[sel])
        if ok.any():
            err = np.vstack([share[sel] - lo[sel], hi[sel] - share[sel]])[:, ok]
            right.errorbar(
                share[sel][ok],
                ys[ok],
                xerr=np.where(np.isfinite(err), err, 0),
                fmt=MARKERS[k % len(MARKERS)],
                color=SERIES_COLOURS[k % len(SERIES_COLOURS)],
                markeredgecolor="black",
                linestyle="none",
                capsize=3,
                label=text("early.years_one" if yr == 1 else "early.years", lang, n=yr),
            )
        for j in np.flatnonzero(~ok):
            right.text(
                0.005, ys[j], marker if sup[sel][j] else "NA", va="center", fontsize=7, color="#404040"
            )
    right.set_yticks(list(ypos.values()), list(ypos.keys()), fontsize=8)
    right.set_ylim(-0.6, len(orgs) - 0.4)
    mine = own & ~overall.to_numpy() & ~sup
    upper = np.concatenate([hi[np.isfinite(hi) & mine], share[np.isfinite(share) & mine]])
    right.set_xlim(0, min(1.0, max(0.05, float(upper.max()) * 1.15 if len(upper) else 1.0)))
    right.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    right.set_xlabel(text("early.ylabel", lang))
    right.set_title(text("early.panel_org", lang), fontsize=10)
    right.grid(True, axis="x", color=LIGHT, linewidth=0.6)
    if right.get_legend_handles_labels()[0]:
        right.legend(fontsize=8, frameon=False, loc="lower right")
    if sup.any():
        fig.supxlabel(
            text("suppressed_note", lang, marker=marker), fontsize=7, color="#404040", x=0.01, ha="left"
        )
    return fig


# ---- 6. multi-agency overlap: UpSet --------------------------------------------------------------


def agency_upset(
    result: ResultInput, *, unit: str = "person", max_combinations: int = 15, lang: str = "en"
) -> Figure:
    """UpSet plot of multi-agency overlap: count per exact combination of organisations.

    Bars (top) are the counts per combination, largest first; the dot matrix (bottom) shows which
    organisations form the combination. Suppressed counts are written ``<10`` and placed last.

    Example
    -------
    >>> fg.plot.agency_upset(fg.indicators.agency_overlap(ds), unit="family")   # doctest: +SKIP
    """
    if unit not in ("person", "family"):
        raise ValueError(f"unit={unit!r} (expected 'person' or 'family')")
    if isinstance(max_combinations, bool) or not isinstance(max_combinations, int) or max_combinations < 1:
        raise ValueError(f"max_combinations={max_combinations!r}: expected a whole number >= 1")
    frame = table_of(result)
    title = text("upset.title", lang, unit=label("unit", unit, lang))
    reason = _empty_reason(result, frame, lang)
    if reason is None and frame is not None and "unit" in frame.columns:
        frame = frame[frame["unit"] == unit]
        if len(frame) == 0:
            reason = text("no_data", lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang))
    m = min_cell_of(frame)
    marker = disclosure.marker(m)
    # With more than 12 organisations the rare combinations are pooled in "(other …)" rows: not a
    # combination of named organisations, so not a column of the dot matrix.
    frame = frame[~frame["combination"].astype(str).str.startswith("(")]
    counts, sup = values(frame, "count"), is_suppressed(frame, "count")
    combos = [str(c) for c in frame["combination"]]
    if (sup | ~np.isfinite(counts)).all():
        return no_data_figure(title, text("all_suppressed", lang, m=m))
    # published first (largest first), then suppressed (fewest organisations first); stable
    order = sorted(
        range(len(combos)),
        key=lambda i: (1, combos[i].count("+"), i) if sup[i] else (0, -counts[i], i),
    )
    hidden = max(0, len(order) - max_combinations)
    order = order[:max_combinations]
    members = [[o for o in combos[i].split("+") if o] for i in order]
    freq: dict[str, int] = {}
    for ms in members:
        for o in ms:
            freq[o] = freq.get(o, 0) + 1
    orgs = sorted(freq, key=lambda o: (-freq[o], o))
    fig = new_figure(max(6.4, 1.8 + 0.5 * len(order)), 3.6 + 0.3 * len(orgs))
    top, bottom = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3, max(1.2, 0.35 * len(orgs))]}
    )
    x = np.arange(len(order), dtype=float)
    biggest = float(np.nanmax(np.where(sup[order], np.nan, counts[order])))
    for j, i in enumerate(order):
        if sup[i] or not np.isfinite(counts[i]):
            top.text(x[j], biggest * 0.02, marker, ha="center", va="bottom", fontsize=8, color="#404040")
            continue
        top.bar(x[j], counts[i], width=0.6, color=OKABE_ITO["blue"], edgecolor="black", linewidth=0.6)
        top.text(
            x[j], counts[i], fmt_count(counts[i], lang), ha="center", va="bottom", fontsize=7, rotation=90
        )
    top.set_ylim(0, biggest * 1.3)
    top.set_ylabel(text("upset.ylabel", lang))
    top.set_title(title, fontsize=10)
    for side in ("right", "top"):
        top.spines[side].set_visible(False)
    yo = {o: len(orgs) - 1 - k for k, o in enumerate(orgs)}
    for k in range(len(orgs)):
        if k % 2:
            bottom.axhspan(k - 0.5, k + 0.5, color=LIGHT, zorder=0, linewidth=0)
    for j, ms in enumerate(members):
        bottom.scatter(x[j] * np.ones(len(orgs)), list(yo.values()), s=40, color="#cccccc", zorder=1)
        ys = [yo[o] for o in ms]
        if ys:
            bottom.plot([x[j], x[j]], [min(ys), max(ys)], color="black", linewidth=2, zorder=2)
            bottom.scatter([x[j]] * len(ys), ys, s=48, color="black", zorder=3)
    bottom.set_yticks(list(yo.values()), list(yo.keys()), fontsize=8)
    bottom.set_ylim(-0.6, len(orgs) - 0.4)
    bottom.set_xticks([])
    bottom.set_xlim(-0.6, len(order) - 0.4)
    for side in ("right", "top", "bottom"):
        bottom.spines[side].set_visible(False)
    notes = []
    if hidden:
        notes.append(text("upset.more", lang, n=hidden))
    if sup[order].any():
        notes.append(text("suppressed_note", lang, marker=marker))
    if notes:
        fig.supxlabel("; ".join(notes), fontsize=7, color="#404040", x=0.01, ha="left")
    return fig


# ---- 7. adjusted association ------------------------------------------------------------------


def adjusted_forest(result: ResultInput, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """Odds ratios of the adjusted logistic regression (the intercept left out), log scale.

    Example
    -------
    >>> fg.plot.adjusted_forest(fg.indicators.adjusted_association(ds))   # doctest: +SKIP
    """
    frame = table_of(result)
    title = text("adjusted.title", lang)
    reason = _empty_reason(result, frame, lang)
    if reason is None and frame is not None and "term" in frame.columns:
        frame = frame[~frame["term"].astype(str).str.lower().isin(["intercept", "(intercept)", "const"])]
        if len(frame) == 0:
            reason = text("no_data", lang)
    if reason is not None or frame is None:
        return no_data_figure(title, reason or text("no_data", lang), ax)
    m = min_cell_of(frame)
    fig, ax = figure_and_axes(ax, 7.0, 1.3 + 0.3 * len(frame))
    sup = is_suppressed(frame, "odds_ratio")
    _forest(
        ax,
        [label("term", t, lang) for t in frame["term"]],
        values(frame, "odds_ratio"),
        values(frame, "lower"),
        values(frame, "upper"),
        sup,
        marker=disclosure.marker(m),
        lang=lang,
    )
    ax.set_xlabel(text("adjusted.xlabel", lang, level=level_text(level_of(result))))
    ax.set_title(title)
    return fig


# ---- dispatch -------------------------------------------------------------------------------------

#: The standard plot of each indicator, from the registry (famgraph.indicators.registry).
PLOTS: dict[str, Callable[..., Figure]] = {
    e.name: fn for e in _registry.REGISTRY if (fn := e.function("plot")) is not None
}


def plot_result(result: ResultLike, *, lang: str = "en", **kwargs: Any) -> Figure:
    """The standard plot of an indicator result (what ``Result.plot()`` draws).

    Raises ``ValueError`` for a result without a plot (e.g. ``feature_table``).

    Example
    -------
    >>> fig = fg.plot.plot_result(fg.indicators.chains(ds), lang="nl")   # doctest: +SKIP
    """
    fn = PLOTS.get(result.name)
    if fn is None:
        raise ValueError(f"no plot for the result {result.name!r} (plots exist for: {', '.join(PLOTS)})")
    return fn(result, lang=lang, **kwargs)
