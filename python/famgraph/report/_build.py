"""Building the self-contained HTML report (see :func:`famgraph.report.report`)."""

from __future__ import annotations

import base64
import datetime as _dt
import importlib.util
import os
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import __version__, _files, disclosure
from .. import plot as fplot
from ..indicators._options import parse_window, published_window
from ..plot._data import NO_DAY, iso, resolve_window
from ..plot._style import ResultLike, check_lang, label
from . import _format as F
from ._i18n import DEFINITIONS_NL, has, t
from ._reading import executive, headline, reading
from ._tables import Cell, Table, frequency_frame, frequency_table, generic_table, indicator_table

if TYPE_CHECKING:
    from ..dataset import Dataset

_TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Figures are rendered at 200 dpi (sharp when projected or printed) and shown at their size in
#: CSS pixels (96 per inch).
_DPI = 200
_CSS_DPI = 96


@dataclass
class Image:
    src: str  # data: URI
    alt: str
    width: int
    height: int


@dataclass
class Section:
    id: str
    title: str
    definition: str = ""
    image: Image | None = None
    reading: str = ""
    tables: list[Table] = field(default_factory=list)
    extra: list[Table] = field(default_factory=list)
    parameters: list[tuple[str, str]] = field(default_factory=list)
    stamp: str = ""
    note: str = ""
    empty: bool = False
    verdict: str = ""  # the verdict word, when the indicator has one (docs/estimands.md)
    headline: str = ""  # the verdict sentence, then the matched estimate if estimable


def _image(fig: Figure, alt: str) -> Image:
    png = fplot.to_png(fig, dpi=_DPI)
    w, h = fig.get_size_inches() * _CSS_DPI
    return Image("data:image/png;base64," + base64.b64encode(png).decode("ascii"), alt, int(w), int(h))


def _title_of(fig: Figure) -> str:
    """The figure's title (its suptitle, else the first axes title): the image's alt text."""
    sup = fig.get_suptitle()
    if sup:
        return str(sup)
    for ax in fig.axes:
        title = ax.get_title()
        if title:
            return str(title)
    return ""


def _date_text(date: Any) -> str:
    """The generation date: given, or $SOURCE_DATE_EPOCH (reproducible builds), or today."""
    if date is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch:
            try:
                return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date().isoformat()
            except ValueError:
                raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds") from None
        return _dt.date.today().isoformat()
    if isinstance(date, _dt.datetime):
        return date.date().isoformat()
    if isinstance(date, _dt.date):
        return date.isoformat()
    if isinstance(date, str):
        try:
            return _dt.date.fromisoformat(date.strip()).isoformat()
        except ValueError:
            pass
    raise ValueError(f"date={date!r}: expected None, a datetime.date or YYYY-MM-DD")


def _key_value(value: float, lang: str, m: int, *, zero_is_small: bool = True) -> Cell:
    """A single published count: primary suppression only (it is a total of its own).

    ``zero_is_small=False`` for a count of missing or unknown values: none missing is a fact about
    the data that the data-quality scan publishes anyway (every value valid), not about a person
    (docs/decisions.md, entry 27)."""
    if disclosure.count_hidden(int(value), m, zero_is_small=zero_is_small):
        return Cell(disclosure.marker(m), "count sup")
    if int(value) == 0 and disclosure.Policy(m).enabled:
        return Cell(F.count(0, lang), "count zero")  # a published structural zero
    return Cell(F.count(value, lang), "count")


# ---- data overview --------------------------------------------------------------------------------


#: Most rows of the persons-by-generation table; deeper pedigrees are shown in ranges of generations.
MAX_GENERATION_ROWS = 25


def _generation_rows(gen: np.ndarray, n_gen: int) -> tuple[list[str], list[int]]:
    """Rows of the persons-by-generation table: one per generation, or, for a pedigree deeper than
    MAX_GENERATION_ROWS generations (a data error or a one-name study), 20 equal ranges "a–b", so
    that the page stays readable whatever the depth."""
    counts = np.bincount(gen, minlength=n_gen) if n_gen else np.zeros(0, np.int64)
    if n_gen <= MAX_GENERATION_ROWS:
        return [str(g) for g in range(n_gen)], [int(c) for c in counts]
    width = -(-n_gen // 20)
    labels, sums = [], []
    for lo in range(0, n_gen, width):
        hi = min(lo + width, n_gen) - 1
        labels.append(f"{lo}–{hi}")
        sums.append(int(counts[lo : hi + 1].sum()))
    return labels, sums


def _overview(
    ds: Dataset, lang: str, m: int, window: tuple[int, int] | None, window_end: str = ""
) -> tuple[list[Table], Image | None, set[tuple[str, str]]]:
    """The overview tables, the population pyramid and the (organisation, table) pairs whose row
    count the overview hides."""
    persons = ds.columns("persons")
    ev = ds.columns("events")
    co = ds.columns("contacts")
    summary = ds.summary()
    gen = ds.graph.generation().to_numpy(dtype=np.int64)
    n_gen = int(gen.max()) + 1 if len(gen) else 0

    key_rows = [
        [Cell(t("key.persons", lang), "key"), _key_value(ds.n_persons, lang, m)],
        [
            Cell(t("key.without_birth_date", lang), "key"),
            _key_value(int(np.count_nonzero(persons["birth_day"] == NO_DAY)), lang, m, zero_is_small=False),
        ],
        [Cell(t("key.generations", lang), "key"), Cell(F.count(n_gen, lang), "num")],
        [Cell(t("key.components", lang), "key"), _key_value(ds.graph.n_components, lang, m)],
        [Cell(t("key.partnerships", lang), "key"), _key_value(int(summary["partnerships"]), lang, m)],
        [Cell(t("key.incidents", lang), "key"), _key_value(ds.n_incidents, lang, m)],
        [Cell(t("key.event_rows", lang), "key"), _key_value(ds.n_events, lang, m)],
        [Cell(t("key.contacts", lang), "key"), _key_value(len(co["person"]), lang, m)],
        [Cell(t("key.organisations", lang), "key"), Cell(F.count(len(ds.organisations), lang), "num")],
    ]
    if getattr(ds, "on_error", "raise") == "quarantine":
        # Records set aside while loading (docs/data_quality.md): results are judged with them.
        q_counts = ds.quarantine_counts
        q_total = sum(q_counts.values())
        value = _key_value(q_total, lang, m, zero_is_small=False)
        key_rows.append([Cell(t("key.quarantined", lang), "key"), value])
        for rule in sorted(q_counts):
            key_rows.append([Cell(f"  {rule}", "key"), _key_value(q_counts[rule], lang, m)])
    tables = [Table(t("overview.key", lang), [t("col.item", lang), t("col.value", lang)], key_rows)]
    total = "Totaal" if lang == "nl" else "Total"

    sex_counts = np.bincount(persons["sex"].astype(np.int64), minlength=3)
    tables.append(
        frequency_table(
            t("overview.by_sex", lang),
            t("col.sex", lang),
            [label("sex", s, lang) for s in ("F", "M", "U")],
            {"count": sex_counts.tolist()},
            lang,
            m,
            total_label=total,
        )
    )
    gen_labels, gen_counts = _generation_rows(gen, n_gen)
    tables.append(
        frequency_table(
            t("overview.by_generation", lang),
            t("col.generation", lang),
            gen_labels,
            {"count": gen_counts},
            lang,
            m,
            total_label=total,
        )
    )
    roles = ("victim", "perpetrator", "witness", "other")
    role_counts = np.bincount(ev["role"].astype(np.int64), minlength=4)
    tables.append(
        frequency_table(
            t("overview.by_role", lang),
            t("col.role", lang),
            [label("role", r, lang) for r in roles],
            {"count": role_counts.tolist()},
            lang,
            m,
            total_label=total,
        )
    )
    kinds = ds.kind_codes
    sources = ds.source_codes
    inc = ev["incident"].astype(np.int64)
    if len(inc):
        n_inc = int(inc.max()) + 1
        first_day = np.full(n_inc, np.iinfo(np.int64).max)
        np.minimum.at(first_day, inc, ev["day"].astype(np.int64))
        # an incident counts once per kind among its rows
        pairs = np.unique(np.stack([inc, ev["kind"].astype(np.int64)]), axis=1)
        kind_counts = np.bincount(pairs[1], minlength=len(kinds))
        years = first_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        uy, year_counts = np.unique(years, return_counts=True)
    else:
        kind_counts = np.zeros(len(kinds), np.int64)
        uy, year_counts = np.zeros(0, np.int64), np.zeros(0, np.int64)
    # kinds are shared with contacts: list only the kinds that occur in events
    event_kinds = sorted(set(ev["kind"].astype(np.int64).tolist()))
    kind_names = [label("kind", kinds[k], lang) for k in event_kinds]
    kind_counts = kind_counts[event_kinds] if event_kinds else np.zeros(0, np.int64)
    tables.append(
        frequency_table(
            t("overview.by_kind", lang),
            t("col.kind", lang),
            kind_names,
            {"count": kind_counts.tolist()},
            lang,
            m,
        )
    )
    tables.append(
        frequency_table(
            t("overview.by_year", lang),
            t("col.year", lang),
            [str(y) for y in uy.tolist()],
            {"count": year_counts.tolist()},
            lang,
            m,
            total_label=total,
        )
    )
    by_org = {
        "event_rows": np.bincount(ev["source"].astype(np.int64), minlength=len(sources)).tolist(),
        "contacts": np.bincount(co["source"].astype(np.int64), minlength=len(sources)).tolist(),
    }
    tables.append(
        frequency_table(t("overview.by_org", lang), t("col.organisation", lang), sources, by_org, lang, m)
    )
    # The data-quality section repeats these counts as the n of each organisation's rows: it must
    # hide exactly what is hidden here (a secondary suppression undone there would give the
    # primary one away by subtraction from the published total).
    shown, frame = frequency_frame(sources, by_org, m)
    hidden: set[tuple[str, str]] = set()
    for column, table in (("event_rows", "events"), ("contacts", "contacts")):
        flags = frame[column + disclosure.FLAG_SUFFIX].tolist()
        hidden |= {(org, table) for org, flag in zip(shown, flags, strict=True) if flag}
    image = None
    if window is not None:
        fig = fplot.population_pyramid(
            ds, at=iso(window[1]), min_cell=m, lang=lang, at_label=window_end or None
        )
        image = _image(fig, t("overview.pyramid", lang, date=window_end or iso(window[1]), m=m))
    return tables, image, hidden


# ---- data quality ---------------------------------------------------------------------------------

_DIMENSIONS_NL = {
    "completeness": "volledigheid",
    "validity": "geldigheid",
    "linkability": "koppelbaarheid",
    "timeliness": "tijdigheid",
    "consistency": "consistentie",
}
_SCORES_NL = {
    "green": "groen",
    "amber": "oranje",
    "red": "rood",
    "not scored": "niet beoordeeld",
    "not measurable": "niet meetbaar",
}
_SCORE_ORDER = {"red": 0, "amber": 1, "green": 2}


def _tr(mapping: Mapping[str, str], value: object, lang: str) -> str:
    return mapping.get(str(value), str(value)) if lang == "nl" else str(value)


def _overlap_hidden(result: Any) -> set[tuple[str, str]]:
    """The organisations whose linkability (in the data-quality scan) the agency overlap decides.

    The scan's linkability of an organisation publishes its persons (n) and the share of them
    known to another organisation; the persons known to it alone are n − k, and n is the sum of
    the overlap's combinations that contain it. Where the overlap hides one of those combinations,
    the scan's linkability of the organisation (table ``all``) is hidden too (docs/disclosure.md,
    "One run, one decision").
    """
    table = getattr(result, "tables", {}).get("table") if result is not None else None
    if not isinstance(table, pd.DataFrame) or "count_suppressed" not in table:
        return set()
    rows = table[(table["unit"] == "person") & table["count_suppressed"].astype(bool)]
    return {(org, "all") for combo in rows["combination"] for org in str(combo).split("+")}


def _quality_tables(
    report: Any,
    lang: str,
    m: int,
    hidden: AbstractSet[tuple[str, str]] = frozenset(),
) -> tuple[list[Table], list[str]]:
    """The scan (famgraph.quality.QualityReport) as a summary matrix and its full metric table.

    ``hidden``: the (organisation, table) pairs whose number of rows the overview hides; their
    metrics are hidden here too (value, n and score), whatever the scan itself published.
    """
    table = getattr(report, "table", None)
    if not isinstance(table, pd.DataFrame):
        raise TypeError("quality: expected a famgraph.quality.QualityReport (with a .table DataFrame)")
    if hidden and m > 0:
        table = table.copy()
        in_hidden = [
            (str(o), str(t_)) in hidden for o, t_ in zip(table["organisation"], table["table"], strict=True)
        ]
        mask = pd.Series(in_hidden, index=table.index, dtype=bool) & table["n"].notna()
        table.loc[mask, ["value", "n"]] = np.nan
        table.loc[mask, "score"] = None
        table.loc[mask, "suppressed"] = True
    marker = disclosure.marker(m)
    dims = [
        d
        for d in ("completeness", "validity", "linkability", "timeliness", "consistency")
        if d in set(table.get("dimension", []))
    ]
    units = list(dict.fromkeys(zip(table["organisation"], table["table"], strict=True)))
    rows = []
    for org, tab in units:
        row = [Cell(str(org), "key"), Cell(str(tab), "key")]
        part = table[(table["organisation"] == org) & (table["table"] == tab)]
        for d in dims:
            sub = part[part["dimension"] == d]
            scored = sub[sub["score"].isin(list(_SCORE_ORDER))]
            if len(scored):
                score, value = min(
                    zip(scored["score"], scored["value"], strict=True),
                    key=lambda sv: (_SCORE_ORDER[sv[0]], float(sv[1])),
                )
                row.append(
                    Cell(
                        f"{F.percent(float(value), lang)} · {_tr(_SCORES_NL, score, lang)}",
                        f"num score-{score}",
                    )
                )
            elif len(sub) and bool(sub["suppressed"].any()):
                row.append(Cell(marker, "num sup"))
            elif len(sub):
                row.append(Cell(_tr(_SCORES_NL, sub["score"].iloc[0], lang), "num na"))
            else:
                row.append(Cell("–", "num na"))
        rows.append(row)
    header = [t("col.organisation", lang), "Tabel" if lang == "nl" else "Table"] + [
        _tr(_DIMENSIONS_NL, d, lang) for d in dims
    ]
    caption = (
        "Laagste beoordeelde aandeel per organisatie, tabel en dimensie, met de score"
        if lang == "nl"
        else "Lowest scored share per organisation, table and dimension, with its score"
    )
    out = [Table(caption, header, rows, scroll=len(rows) > 20)]
    full = table.copy()
    for c in ("dimension",):
        full[c] = [_tr(_DIMENSIONS_NL, v, lang) for v in full[c]]
    full["score"] = [marker if s is None else _tr(_SCORES_NL, s, lang) for s in full["score"]]
    for col in ("value", "n"):
        full[f"{col}{disclosure.FLAG_SUFFIX}"] = full["suppressed"].astype(bool) & full[col].isna()
    full = full.drop(columns=["suppressed"])
    full.attrs["count_columns"] = ["n"]
    out.append(generic_table(full, "Alle maten" if lang == "nl" else "All metrics", lang, m))
    issues = getattr(report, "issues", None)
    if isinstance(issues, pd.DataFrame) and len(issues):
        iss = issues.copy()
        iss["count" + disclosure.FLAG_SUFFIX] = iss["suppressed"].astype(bool)
        iss = iss.drop(columns=["suppressed"])
        out.append(
            generic_table(
                iss, "Bevindingen van de validatie" if lang == "nl" else "Validator findings", lang, m
            )
        )
    notes = [str(n) for n in getattr(report, "notes", [])]
    return out, notes


def _warnings_table(ds: Dataset, lang: str, m: int) -> Table | None:
    counts = ds.warning_counts
    if not counts:
        return None
    rules = sorted(counts)
    meaning = [t(f"warn.{r}", lang) if has(f"warn.{r}", lang) else r for r in rules]
    tab = frequency_table("", t("col.rule", lang), rules, {"count": [counts[r] for r in rules]}, lang, m)
    tab.header.insert(1, t("col.meaning", lang))
    for row, text in zip(tab.rows, meaning, strict=True):
        row.insert(1, Cell(text, "text"))
    return tab


def _linkage_tables(linkage: Any, lang: str, m: int) -> list[Table]:
    tables = getattr(linkage, "tables", None)
    if not isinstance(tables, Mapping):
        raise TypeError("linkage: expected a famgraph.linkage.LinkageReport (with .tables)")
    lm = int(getattr(linkage, "min_cell", m))
    out = []
    for name, frame in tables.items():
        if isinstance(frame, pd.DataFrame):
            f = frame.reset_index() if frame.index.name is not None else frame
            out.append(generic_table(f, str(name), lang, lm))
    return out


# ---- indicators -----------------------------------------------------------------------------------


def _parameters(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for k, v in params.items():
        if isinstance(v, list | tuple):
            if len(v) == 2 and k == "window":
                text = f"{v[0]} – {v[1]}"
            else:
                text = ", ".join("–".join(map(str, x)) if isinstance(x, list | tuple) else str(x) for x in v)
        elif isinstance(v, dict):
            text = ", ".join(f"{a}: {b}" for a, b in v.items()) or "–"
        else:
            text = str(v)
        out.append((str(k), text))
    return out


def _indicator_section(name: str, result: ResultLike, lang: str) -> Section:
    m = int(result.parameters.get("min_cell", disclosure.DEFAULT_MIN_CELL))
    title = t(f"ind.{name}", lang) if has(f"ind.{name}", lang) else name
    definition = str(getattr(result, "definition", "")) if lang == "en" else DEFINITIONS_NL.get(name, "")
    sec = Section(id=name, title=title, definition=definition)
    sec.stamp = str(getattr(result, "stamp", disclosure.stamp(m)))
    if lang == "nl":
        sec.stamp = _stamp_nl(m)
    note = str(getattr(result, "note", "") or "")
    sec.note = note
    sec.empty = bool(getattr(result, "empty", False))
    fn = fplot.PLOTS.get(name)
    if fn is not None:
        fig = fn(result, lang=lang)
        sec.image = _image(fig, _title_of(fig) or title)
    sec.reading = reading(result, lang) if not sec.empty else t("label.empty", lang)
    lead = headline(result, lang)
    if lead is not None and not sec.empty:
        sec.verdict, sec.headline = lead
    for key, frame in result.tables.items():
        caption = (
            t("label.table", lang)
            if key == "table"
            else (t(f"table.{key}", lang) if has(f"table.{key}", lang) else key)
        )
        tab = indicator_table(name, key, frame, caption, lang, m)
        if tab is None or not tab.rows:
            continue
        (sec.tables if key == "table" else sec.extra).append(tab)
    sec.parameters = _parameters(result.parameters)
    return sec


def _stamp_nl(m: int) -> str:
    if m == 0:
        return (
            "onthullingsbeveiliging: UIT (min_cell = 0): kleine aantallen worden getoond; "
            "niet voor publicatie"
        )
    return (
        f"onthullingsbeveiliging: aan (min_cell = {m}): aantallen onder {m} en elke schatting die op een "
        f"onderdrukt aantal berust, zijn onderdrukt"
    )


def _compute_results(ds: Dataset, window: Any, m: int) -> dict[str, ResultLike]:
    from .. import indicators

    results: dict[str, ResultLike] = dict(indicators.suite(ds, window=window, min_cell=m))
    return results


def _check_results(results: Mapping[str, Any], m: int) -> dict[str, ResultLike]:
    out: dict[str, ResultLike] = {}
    for name, r in results.items():
        if not isinstance(r, ResultLike):
            raise TypeError(
                f"results[{name!r}] is a {type(r).__name__}, not an indicator result "
                "(expected the values of famgraph.indicators.suite(); the person-level feature_table "
                "is never part of a report)"
            )
        got = int(r.parameters.get("min_cell", m))
        if got != m:
            raise ValueError(
                f"results[{name!r}] was computed with min_cell={got}, but the report was asked for "
                f"min_cell={m}; pass min_cell={got} (or recompute the results)"
            )
        out[name] = r
    return out


# ---- the page -------------------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _dataset_label(ds: Dataset, lang: str) -> str:
    truth = ds.truth
    if truth is not None:
        return t("meta.synthetic", lang, persons=F.count(ds.n_persons, lang), seed=truth.get("seed", "?"))
    origin = str(ds.origin or "")
    # a folder path: only its last part (the rest may say where the secure data live)
    name = re.split(r"[\\/]", origin.rstrip("/\\"))[-1] if origin else ""
    return name or "–"


def build(
    ds: Dataset,
    path: str | os.PathLike[str],
    *,
    lang: str,
    window: Any,
    min_cell: int,
    results: Mapping[str, Any] | None,
    quality: Any,
    linkage: Any,
    pedigree: bool | None,
    date: Any,
) -> Path:
    lang = check_lang(lang)
    m = disclosure.check_min_cell(min_cell)
    if pedigree is not None and not isinstance(pedigree, bool):
        raise TypeError(f"pedigree={pedigree!r}: expected None (synthetic data only), True or False")
    target = Path(path)
    _files.check_output_file(target)  # before the work: a folder, an input, a missing folder, ...
    generated = _date_text(date)

    res = _compute_results(ds, window, m) if results is None else _check_results(results, m)
    first = next(iter(res.values()), None)
    days = getattr(first, "window_days", None) if first is not None else None
    win = (int(days[0]), int(days[1])) if days is not None else resolve_window(ds, window)
    # An end of the window read off the data is the date of a real incident: the page shows its
    # month (as the results' parameters do); the exact days are used only to compute.
    shown = first.parameters.get("window") if first is not None else None
    if first is not None and days is None and win is not None and shown is not None:
        # Results read back from JSON carry no exact days: the overview uses the window asked for
        # here, so it must be the one the results were computed with.
        ws_given, we_given = parse_window(window)
        ours = published_window(win, ws_given is not None, we_given is not None)
        if list(shown) != ours:
            raise ValueError(
                f"window={window!r} gives the window {ours[0]} – {ours[1]}, but the results were computed "
                f"with {shown[0]} – {shown[1]}; pass the window they were computed with"
            )
    if not (isinstance(shown, list | tuple) and len(shown) == 2) and win is not None:
        ws_given, we_given = parse_window(window)
        shown = published_window(win, ws_given is not None, we_given is not None)
    win_text = (str(shown[0]), str(shown[1])) if win is not None and shown is not None else ("–", "–")

    overview, pyramid, hidden_units = _overview(ds, lang, m, win, win_text[1])

    # data quality: the scan when available, always the loader's warning counts
    quality_tables: list[Table] = []
    quality_notes: list[str] = []
    quality_error = ""
    if quality is None and importlib.util.find_spec("famgraph.quality") is not None:
        try:
            from .. import quality as _quality

            quality = _quality.scan(ds, min_cell=m)
        except Exception as e:  # the scan is an optional extra: report why it is missing
            quality_error = t("quality.scan_failed", lang, error=f"{type(e).__name__}: {e}")
    if quality is not None:
        quality_tables, quality_notes = _quality_tables(
            quality, lang, m, set(hidden_units) | _overlap_hidden(res.get("agency_overlap"))
        )
    warnings = _warnings_table(ds, lang, m)
    linkage_tables = _linkage_tables(linkage, lang, m) if linkage is not None else []

    sections = [_indicator_section(name, r, lang) for name, r in res.items()]
    exec_findings, exec_limits = executive(
        [(sec.id, sec.title, res[sec.id]) for sec in sections if not sec.empty], lang
    )

    draw_pedigree = ds.truth is not None if pedigree is None else pedigree
    ped_image: Image | None = None
    ped_text = ""
    if draw_pedigree:
        ped_text = t("pedigree.synthetic" if ds.truth is not None else "pedigree.allowed", lang)
        try:
            fig = fplot.pedigree(ds, window=(iso(win[0]), iso(win[1])) if win else None, lang=lang)
            ped_image = _image(fig, _title_of(fig))
        except ValueError as e:
            ped_text += " " + t("pedigree.failed", lang, error=str(e))

    window_text = (
        t("meta.window_value", lang, start=win_text[0], end=win_text[1])
        if win
        else t("meta.window_none", lang)
    )
    global_params = [
        (t("param.window", lang), window_text),
        (t("param.min_cell", lang), str(m)),
    ]
    for key in ("level", "n_boot", "n_sim", "seed", "exposure_roles", "case_roles"):
        for r in res.values():
            if key in r.parameters:
                v = r.parameters[key]
                shown = (
                    ", ".join(label("role", x, lang) for x in v) if isinstance(v, list | tuple) else str(v)
                )
                global_params.append((t(f"param.{key}", lang), shown))
                break
    stamp = disclosure.stamp(m) if lang == "en" else _stamp_nl(m)
    keyed = next((r for r in res.values() if r.parameters.get("disclosure") == "cell_key"), None)
    if keyed is not None:  # the cell key method: the indicators' counts carry noise
        ck = keyed.parameters["cell_key"]
        stamp += (
            f"; cell key method (indicators): counts perturbed by noise of at most +-{ck['max_deviation']} "
            "before suppression"
            if lang == "en"
            else f"; celsleutelmethode (indicatoren): aantallen verstoord met ruis van hoogstens "
            f"+-{ck['max_deviation']} vóór onderdrukking"
        )
    marker = disclosure.marker(m)
    truth = ds.truth or {}
    context = {
        "lang": lang,
        "T": lambda key, **kw: t(key, lang, **kw),
        "title": t("title", lang),
        "dataset": _dataset_label(ds, lang),
        "window_text": window_text,
        "stamp": stamp,
        # the header says it on one line and links to the full statement at the end
        "stamp_short": (
            ("on" if lang == "en" else "aan") + f", min_cell = {m}"
            if m > 0
            else ("OFF" if lang == "en" else "UIT")
        ),
        "disclosure_off": m == 0,
        "generated": generated,
        "version": __version__,
        "overview_intro": t("overview.intro", lang, m=m, marker=marker),
        "synthetic_note": t(
            "overview.synthetic",
            lang,
            generator=truth.get("generator", "famgraph.synth"),
            seed=truth.get("seed", "?"),
        )
        if ds.truth is not None
        else "",
        "overview": overview,
        "pyramid": pyramid,
        "pyramid_caption": t("overview.pyramid", lang, date=win_text[1], m=m) if win else "",
        "quality_tables": quality_tables,
        "quality_notes": quality_notes,
        "quality_error": quality_error,
        "warnings": warnings,
        "linkage_tables": linkage_tables,
        "indicators_intro": t("indicators.intro", lang, start=win_text[0], end=win_text[1]),
        "sections": sections,
        # Findings first (docs/estimands.md): what the data support, each with its number and a
        # one-line caveat; then what this window cannot show, and why.
        "findings": exec_findings,
        "limits": exec_limits,
        "pedigree": {"image": ped_image, "text": ped_text} if draw_pedigree else None,
        "global_params": global_params,
        "glossary": [t(f"glossary.{k}", lang) for k in ("risk", "rr", "or", "rd", "ci", "lambda", "km")],
        "disclosure_text": t("disclosure.off", lang)
        if m == 0
        else t("disclosure.text", lang, m=m, marker=marker),
        "footer": t("footer", lang, version=__version__, date=generated),
    }
    page = _environment().get_template("report.html.j2").render(**context)
    _write_atomically(target, page)
    return target


def _write_atomically(target: Path, text: str) -> None:
    _files.write_output(target, text)
