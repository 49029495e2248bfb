"""Published tables as HTML-ready rows: column specs per indicator table, suppression as ``<10``.

A :class:`Table` is what the template renders. Every cell of a published count carries the CSS
class ``count`` (the tests parse those cells: each is ``<10`` or at least ``min_cell``); a
suppressed cell carries ``sup``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from .. import disclosure
from ..plot._style import label
from . import _format as F
from ._i18n import has, t

#: Columns that hold a person (or incident) identifier: never rendered, whatever the table.
ID_COLUMNS: Final = frozenset(
    {
        "person_id",
        "relative_id",
        "incident_id",
        "mother_id",
        "father_id",
        "person_a",
        "person_b",
        "pseudonym",
        "local_id",
        "famgraph_id",
    }
)


@dataclass
class Cell:
    text: str
    cls: str = ""
    sub: str = ""  # a second, smaller line (the confidence interval of an estimate)


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    scroll: bool = False


@dataclass(frozen=True)
class Col:
    """One rendered column: ``kind`` decides the format; ``name`` the source column."""

    kind: str  # key | count | int | num | pct | pp | p | ci_num | ci_pct | ci_pp | text | days
    name: str
    value_kind: str = ""  # for key columns: how to translate the value (role, relation, sex, ...)
    lower: str = ""
    upper: str = ""


def _ci(name: str, kind: str) -> Col:
    return Col(kind, name, lower=f"{name}_lower", upper=f"{name}_upper")


TWO_BY_TWO: Final = (
    Col("count", "n_exposed"),
    Col("count", "a"),
    Col("count", "b"),
    Col("count", "n_unexposed"),
    Col("count", "c"),
    Col("count", "d"),
    _ci("risk_exposed", "ci_pct"),
    _ci("risk_unexposed", "ci_pct"),
    _ci("risk_ratio", "ci_num"),
    _ci("odds_ratio", "ci_num"),
    _ci("risk_difference", "ci_pp"),
)

#: The matched columns of a table of 2×2 rows (the headline; the crude columns follow).
MATCHED: Final = (Col("key", "verdict", "value"), _ci("or_mh", "ci_num"))

#: The matched estimates of one comparison.
MATCHED_TABLE: Final = (
    Col("key", "estimand", "value"),
    Col("text", "method"),
    Col("ci_num", "estimate", lower="lower", upper="upper"),
    Col("int", "informative_strata"),
)

#: (indicator, table) → the columns shown, in order.
SPECS: Final[dict[tuple[str, str], tuple[Col, ...]]] = {
    ("victim_to_perpetrator", "matched"): MATCHED_TABLE,
    ("victim_to_perpetrator", "design"): (
        Col("int", "birth_year"),
        Col("num", "childhood_years"),
        Col("num", "adult_years"),
        Col("count", "persons"),
        Col("int", "person_years"),
        Col("key", "contributes", "value"),
    ),
    ("victim_to_perpetrator", "ages"): (
        Col("int", "oldest_eligible_age"),
        Col("count", "perpetrators"),
        Col("num", "age_q1"),
        Col("num", "age_median"),
        Col("num", "age_q3"),
    ),
    ("victim_to_perpetrator", "rates"): (
        Col("key", "group", "value"),
        Col("count", "events"),
        Col("int", "person_years"),
        Col("ci_num", "rate", lower="lower", upper="upper"),
    ),
    ("victim_to_perpetrator", "at_risk"): (
        Col("key", "group", "value"),
        Col("int", "time_years"),
        Col("count", "at_risk"),
    ),
    ("adjusted_association", "matched"): MATCHED_TABLE,
    ("victim_to_perpetrator", "table"): (
        Col("key", "stratum", "value"),
        Col("key", "level", "level"),
        *TWO_BY_TWO,
    ),
    ("victim_to_perpetrator", "logrank"): (
        Col("num", "chi2"),
        Col("p", "p_value"),
        Col("count", "observed_exposed"),
        Col("num", "expected_exposed"),
        Col("count", "observed_unexposed"),
        Col("num", "expected_unexposed"),
    ),
    ("relative_exposure", "table"): (
        Col("key", "relation", "relation"),
        Col("key", "relative_role", "role"),
        Col("key", "proband_role", "role"),
        *MATCHED,
        *TWO_BY_TWO,
    ),
    ("chains", "table"): (Col("key", "measure", "value"), Col("count", "count")),
    ("chains", "continuation"): (Col("key", "population", "value"), *MATCHED, *TWO_BY_TWO),
    ("recurrence_risk", "table"): (
        Col("key", "relation", "relation"),
        Col("count", "observed"),
        Col("count", "cases"),
        Col("pct", "K"),
        Col("count", "relatives"),
        Col("count", "case_relatives"),
        Col("pct", "K_R"),
        _ci("lambda", "ci_num"),
    ),
    ("repeat_incidents", "table"): (
        Col("key", "unit", "unit"),
        Col("count", "n"),
        Col("count", "repeat"),
        _ci("share", "ci_pct"),
    ),
    ("gif", "table"): (
        Col("num", "gif"),
        Col("num", "mean_sim"),
        Col("count", "n_cases"),
        Col("count", "n_pairs"),
        Col("p", "p_value"),
        Col("int", "n_sim"),
    ),
    ("fir", "table"): (
        Col("key", "group", "group"),
        Col("count", "n"),
        Col("num", "mean"),
        Col("num", "q1"),
        Col("num", "median"),
        Col("num", "q3"),
    ),
    ("early_signalling", "table"): (
        Col("key", "organisation", "organisation"),
        Col("int", "years"),
        Col("key", "population", "population"),
        Col("count", "n"),
        Col("count", "preceded"),
        _ci("share", "ci_pct"),
    ),
    ("early_signalling", "lead_time"): (
        Col("count", "n"),
        Col("days", "q1"),
        Col("days", "median"),
        Col("days", "q3"),
    ),
    ("agency_overlap", "table"): (
        Col("key", "unit", "unit"),
        Col("text", "combination"),
        Col("int", "n_organisations"),
        Col("count", "count"),
    ),
    ("agency_overlap", "pairs"): (
        Col("key", "unit", "unit"),
        Col("text", "organisation_a"),
        Col("text", "organisation_b"),
        Col("count", "either"),
        Col("count", "both"),
        Col("num", "jaccard"),
    ),
    ("agency_overlap", "known"): (
        Col("key", "unit", "unit"),
        Col("count", "known_1plus"),
        Col("count", "known_2plus"),
        _ci("share", "ci_pct"),
    ),
    ("adjusted_association", "table"): (
        Col("key", "term", "term"),
        Col("ci_num", "odds_ratio", lower="lower", upper="upper"),
        Col("num", "coef"),
        Col("num", "se"),
    ),
    ("adjusted_association", "crude"): (Col("key", "model", "value"), *TWO_BY_TWO),
}

#: Tables that are drawn, not listed (the KM curve, the simulated GIF values). Every indicator's
#: ``verdict`` table is said in words above its tables, never listed (SKIPPED_KEYS).
SKIPPED: Final = frozenset({("victim_to_perpetrator", "km"), ("gif", "null")})
SKIPPED_KEYS: Final = frozenset({"verdict"})


class _Frame:
    def __init__(self, frame: pd.DataFrame, lang: str, min_cell: int) -> None:
        self.frame = frame
        self.lang = lang
        self.marker = disclosure.marker(min_cell)

    def sup(self, i: int, col: str) -> bool:
        flag = f"{col}{disclosure.FLAG_SUFFIX}"
        return flag in self.frame.columns and bool(self.frame[flag].iloc[i])

    def num(self, i: int, col: str) -> float | None:
        if col not in self.frame.columns:
            return None
        v = pd.to_numeric(pd.Series([self.frame[col].iloc[i]]), errors="coerce").iloc[0]
        return None if pd.isna(v) else float(v)


def _key_text(value: Any, kind: str, lang: str) -> str:
    if kind == "value":
        return t(f"value.{value}", lang) if has(f"value.{value}", lang) else str(value)
    if kind == "level":
        if str(value) in ("F", "M", "U"):
            return label("sex", value, lang)
        return t(f"value.{value}", lang) if has(f"value.{value}", lang) else str(value)
    return label(kind, value, lang)


def _fmt(kind: str) -> Callable[[float, str], str]:
    return {
        "count": F.count,
        "int": F.count,
        "num": F.number,
        "pct": F.percent,
        "pp": F.points,
        "p": lambda v, lang: F.p_value(v, lang).removeprefix("p = "),
        "days": lambda v, lang: F.count(v, lang),
        "ci_num": F.number,
        "ci_pct": F.percent,
        "ci_pp": F.points,
    }[kind]


def cell(fr: _Frame, i: int, col: Col) -> Cell:
    """One formatted cell of row ``i``."""
    if col.kind == "key":
        return Cell(_key_text(fr.frame[col.name].iloc[i], col.value_kind, fr.lang), "key")
    if col.kind == "text":
        return Cell(str(fr.frame[col.name].iloc[i]).replace("+", " + "), "text")
    cls = "count" if col.kind == "count" else "num"
    if fr.sup(i, col.name):
        return Cell(fr.marker, f"{cls} sup")
    v = fr.num(i, col.name)
    if v is None:
        return Cell(F.NA, f"{cls} na")
    fn = _fmt(col.kind)
    text = fn(v, fr.lang)
    sub = ""
    if col.kind.startswith("ci_"):
        lo, hi = fr.num(i, col.lower), fr.num(i, col.upper)
        if lo is not None and hi is not None:
            bound = F.points_bare if col.kind == "ci_pp" else fn
            sub = F.interval(bound(lo, fr.lang), bound(hi, fr.lang))
        if col.name == "odds_ratio" and "or_corrected" in fr.frame.columns:
            flag = fr.frame["or_corrected"].iloc[i]
            if isinstance(flag, bool | np.bool_) and bool(flag):
                text += " †"
    return Cell(text, cls, sub)


def _header(col: Col, lang: str) -> str:
    return t(f"col.{col.name}", lang) if has(f"col.{col.name}", lang) else col.name


def safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without identifier columns (they are never published)."""
    drop = [c for c in frame.columns if str(c) in ID_COLUMNS]
    return frame.drop(columns=drop) if drop else frame


def indicator_table(
    indicator: str, key: str, frame: pd.DataFrame, caption: str, lang: str, min_cell: int
) -> Table | None:
    """The rendered table ``key`` of an indicator result (None for tables that are only drawn)."""
    if (indicator, key) in SKIPPED or key in SKIPPED_KEYS:
        return None
    frame = safe(frame.reset_index(drop=True))
    fr = _Frame(frame, lang, min_cell)
    spec = SPECS.get((indicator, key))
    if spec is None:
        return generic_table(frame, caption, lang, min_cell)
    cols = [c for c in spec if c.name in frame.columns]
    rows = [[cell(fr, i, c) for c in cols] for i in range(len(frame))]
    notes = []
    if "or_corrected" in frame.columns:
        flags = [v for v in frame["or_corrected"] if isinstance(v, bool | np.bool_)]
        if any(bool(v) for v in flags):
            notes.append(t("label.corrected", lang))
    return Table(caption, [_header(c, lang) for c in cols], rows, notes, scroll=len(frame) > 20)


#: In tables without a spec, columns holding counts of persons/records (beside attrs["count_columns"]).
_GENERIC_COUNTS: Final = frozenset({"n", "count", "found", "not_found", "persons", "linked_persons"})


def generic_table(frame: pd.DataFrame, caption: str, lang: str, min_cell: int) -> Table:
    """Any published frame: its value columns, suppressed values as ``<10``, counts marked."""
    frame = safe(frame)
    counts = set(frame.attrs.get("count_columns", [])) | _GENERIC_COUNTS
    fr = _Frame(frame, lang, min_cell)
    shown = [c for c in frame.columns if not str(c).endswith(disclosure.FLAG_SUFFIX)]
    rows = []
    for i in range(len(frame)):
        row = []
        for c in shown:
            v = frame[c].iloc[i]
            if (
                isinstance(v, str)
                or not isinstance(v, float | int | np.number)
                or isinstance(v, bool | np.bool_)
            ):
                row.append(
                    cell(fr, i, Col("text", str(c))) if not fr.sup(i, str(c)) else Cell(fr.marker, "sup")
                )
                continue
            kind = "count" if str(c) in counts else "num"
            row.append(cell(fr, i, Col(kind, str(c))))
        rows.append(row)
    header = [t(f"col.{c}", lang) if has(f"col.{c}", lang) else str(c) for c in shown]
    return Table(caption, header, rows, scroll=len(frame) > 20)


def frequency_frame(
    categories: Sequence[str], columns: dict[str, Sequence[int]], min_cell: int
) -> tuple[list[str], pd.DataFrame]:
    """The categories a frequency table shows and its counts after disclosure control (one row per
    shown category; :func:`famgraph.disclosure.suppress_frequency_frame`, totals published).

    The report's other sections take the suppression of a count they repeat from here, so that a
    count hidden in one place is hidden everywhere (docs/disclosure.md, "One run, one decision").
    """
    names = list(columns)
    # A category with nobody in it (no person of unknown sex) is structural, not a small count:
    # it is left out, as in the indicator tables (docs/decisions.md, entry 27), so that it does
    # not force the secondary suppression of a populated category.
    keep = [i for i in range(len(categories)) if any(int(columns[n][i]) for n in names)]
    shown = [str(categories[i]) for i in keep]
    frame = (
        pd.DataFrame({n: [int(columns[n][i]) for i in keep] for n in names})
        if shown
        else pd.DataFrame({n: pd.Series([], dtype="int64") for n in names})
    )
    return shown, disclosure.suppress_frequency_frame(frame, min_cell, columns=names)


def frequency_table(
    caption: str,
    category_header: str,
    categories: Sequence[str],
    columns: dict[str, Sequence[int]],
    lang: str,
    min_cell: int,
    *,
    total_label: str | None = None,
) -> Table:
    """A one-way table (or several count columns side by side) after disclosure control.

    Each count column is suppressed with :func:`famgraph.disclosure.suppress_frequency_frame`
    (its total treated as published); with ``total_label`` a total row is added (suppressed when
    the total itself is below ``min_cell``).
    """
    names = list(columns)
    categories, out = frequency_frame(categories, columns, min_cell)
    fr = _Frame(out, lang, min_cell)
    rows = [
        [Cell(str(c), "key")] + [cell(fr, i, Col("count", n)) for n in names]
        for i, c in enumerate(categories)
    ]
    if total_label is not None and len(categories):
        totals = out.attrs.get("totals", {})
        row = [Cell(total_label, "key total")]
        for n in names:
            v = float(totals.get(n, math.nan))
            row.append(
                Cell(disclosure.marker(min_cell), "count sup")
                if math.isnan(v)
                else Cell(F.count(v, lang), "count")
            )
        rows.append(row)
    header = [category_header] + [t(f"col.{n}", lang) if has(f"col.{n}", lang) else n for n in names]
    return Table(caption, header, rows, scroll=len(categories) > 25)
