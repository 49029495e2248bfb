"""Data-maturity scan: how fit each organisation's data is for family-graph analytics.

:func:`scan` measures, per organisation and table, five dimensions of data quality (after the DAMA
dimensions; definitions, thresholds and their reasons in ``docs/data_quality.md``):

completeness
    the share of records in which a field is present (``sex`` ``U`` counts as absent);
validity
    the share of present values that pass the famgraph validator (docs/spec/data_contract.md §validation): the
    raw tables are validated and every error is counted against its row and field, by rule;
linkability
    the share of the organisation's persons found in another organisation's data: by
    ``person_id``, or through a pseudonym column of the persons tables when the exports are in the
    layout :func:`famgraph.link` takes (local ids + ``pseudonym``; ``on=``);
timeliness
    the share of events (contacts) recorded within ``timely_days`` of their date, and the median
    lag, where the table has a ``recorded_date`` column (else "not measurable");
consistency
    the share of the organisation's persons, also recorded by another organisation, whose sex and
    birth date agree with every other organisation's record.

Each share is scored ``green``, ``amber`` or ``red`` against documented thresholds. Disclosure
control (docs/spec/disclosure.md) applies: every share over fewer than ``min_cell`` records is suppressed;
the person-level shares (linkability, consistency) also when the persons they count or leave out
are fewer than ``min_cell``. No output holds a person id.

Example
-------
>>> import famgraph as fg
>>> ds = fg.synth.generate(persons=5_000, seed=1, progress=False)
>>> report = fg.quality.scan(ds)
>>> sorted(report.table.dimension.unique())
['completeness', 'consistency', 'linkability', 'timeliness', 'validity']
"""

from __future__ import annotations

import errno
import html
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from . import _files, _rules, disclosure
from ._convert import TABLE_COLUMNS
from ._errors import DataError, DataIssue, shown
from .dataset import TABLES, Dataset, _read_parquet

__all__ = [
    "DEFAULT_THRESHOLDS",
    "DIMENSIONS",
    "SCORED_FIELDS",
    "QualityReport",
    "read_folder",
    "scan",
]

DIMENSIONS: Final = ("completeness", "validity", "linkability", "timeliness", "consistency")

#: (green, amber) lower bounds of each dimension's scored share: ≥ green is green, ≥ amber amber,
#: else red. Reasons in docs/data_quality.md; override with ``scan(..., thresholds=...)``.
DEFAULT_THRESHOLDS: Final[Mapping[str, tuple[float, float]]] = {
    "completeness": (0.95, 0.80),
    "validity": (0.99, 0.95),
    "linkability": (0.50, 0.10),
    "timeliness": (0.90, 0.70),
    "consistency": (0.98, 0.95),
}

#: Fields whose absence is a defect (scored); the others may be empty by design (an unknown parent,
#: a person still observed, an ongoing contact) and their completeness is reported, not scored.
SCORED_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "persons": frozenset({"person_id", "sex", "birth_date"}),
    "partnerships": frozenset({"person_a", "person_b", "start_date"}),
    "events": frozenset({"incident_id", "person_id", "role", "date", "kind", "source"}),
    "contacts": frozenset({"person_id", "source", "start_date", "kind"}),
}

#: The column of the event's own date, for timeliness.
_EVENT_DATE: Final = {"events": "date", "contacts": "start_date"}
_ID_FIELDS: Final = {
    "persons": ("person_id",),
    "partnerships": ("person_a", "person_b"),
    "events": ("person_id",),
    "contacts": ("person_id",),
}
#: Label of the persons and partnerships of a single dataset split by ``source``.
ALL: Final = "(all)"
#: Organisation of event/contact rows without a ``source``.
NO_SOURCE: Final = "(no source)"
_COLUMNS: Final = [
    "organisation",
    "table",
    "field",
    "dimension",
    "metric",
    "value",
    "n",
    "score",
    "suppressed",
]
_ISSUE_COLUMNS: Final = ["organisation", "table", "rule", "severity", "column", "count", "suppressed"]
_WARNING_TABLE: Final = {"person": "persons", "parent": "persons", "incident": "events"}


# ---------------------------------------------------------------------------------------- helpers


def _text(s: pd.Series) -> pd.Series:
    """The column as text (object dtype), None where missing; ids without a trailing ``.0``."""
    missing = s.isna().to_numpy()
    if pd.api.types.is_bool_dtype(s.dtype):
        out = s.astype(object).map(str)
    elif pd.api.types.is_integer_dtype(s.dtype):
        out = s.astype("Int64").astype(str)
    elif pd.api.types.is_float_dtype(s.dtype):
        out = s.map(
            lambda x: str(int(x)) if np.isfinite(x) and float(x).is_integer() and abs(x) < 2**63 else repr(x)
        )
    elif pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = s.dt.strftime("%Y-%m-%d")
    else:

        def one(v: Any) -> str | None:
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
                return None
            if isinstance(v, pd.Timestamp):
                return str(v.strftime("%Y-%m-%d"))
            if hasattr(v, "isoformat") and not isinstance(v, str):
                return str(v.isoformat())[:10]
            if isinstance(v, bytes | bytearray):
                return bytes(v).decode("utf-8", errors="backslashreplace")
            return str(v)

        out = s.map(one)
    out = out.astype(object)
    out[missing] = None
    return out.reset_index(drop=True)


def _text_frame(df: pd.DataFrame, table: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{table}: expected a pandas DataFrame, got {type(df).__name__}")
    if df.columns.duplicated().any():
        dup = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise ValueError(f"{table}: column(s) {', '.join(dup)} appear more than once")
    return pd.DataFrame({str(c): _text(df[c]) for c in df.columns}, index=pd.RangeIndex(len(df)))


def _present(s: pd.Series, column: str) -> np.ndarray:
    """Whether each value is present (not None, not blank; ``sex`` ``U`` counts as absent)."""
    stripped = s.map(lambda v: v.strip() if isinstance(v, str) else None)
    ok = stripped.map(lambda v: bool(v)).to_numpy(dtype=bool)
    if column == "sex":
        ok &= (stripped != "U").to_numpy(dtype=bool)
    return ok


def _dates(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """famgraph dates: (valid, first day, last day, imputed day) per value (days since 1970), by
    the core's rules (famgraph._rules: ``YYYY-MM-DD``, ``YYYY-MM`` imputed to the 15th, ``YYYY`` to
    1 July, years 1800–2200, surrounding spaces ignored)."""
    return _rules.date_bounds(s.tolist())


_INT = re.compile(r"[+-]?[0-9]{1,19}")


def _ids(values: pd.Series) -> np.ndarray:
    """The distinct int64 person ids among the values (text that is not an id is left out)."""
    out: set[int] = set()
    for v in pd.unique(values.dropna()):
        t = str(v).strip(" \t")
        if _INT.fullmatch(t):
            x = int(t)
            if -(2**63) < x < 2**63:
                out.add(x)
    return np.array(sorted(out), dtype=np.int64)


def _score(value: float, dimension: str, thresholds: Mapping[str, tuple[float, float]]) -> str:
    green, amber = thresholds[dimension]
    return "green" if value >= green else "amber" if value >= amber else "red"


# ------------------------------------------------------------------------------------------ units


@dataclass
class _Unit:
    """Tables validated together; each row belongs to one organisation."""

    frames: dict[str, pd.DataFrame]
    org_of: dict[str, np.ndarray]
    default_org: str
    validate: bool
    warning_counts: dict[str, int] = field(default_factory=dict)
    errors: list[DataIssue] = field(default_factory=list)
    truncated: bool = False
    missing_columns: dict[str, list[str]] = field(default_factory=dict)


def _unit_of(obj: Dataset | Mapping[str, Any], what: str, org: str | None) -> _Unit:
    """The unit of one dataset: rows owned by ``org``, or split by ``source`` when it is None."""
    frames, validated = _frames_of(obj, what)
    if org is None:
        org_of = _split_by_source(frames)
    else:
        org_of = {t: np.full(len(df), org, dtype=object) for t, df in frames.items()}
    unit = _Unit(frames, org_of, org or ALL, validate=not validated)
    if validated:
        assert isinstance(obj, Dataset)
        unit.warning_counts = dict(obj.warning_counts)
    return unit


def _frames_of(obj: Dataset | Mapping[str, Any], what: str) -> tuple[dict[str, pd.DataFrame], bool]:
    """Text frames of the tables, and whether they come from a (validated) Dataset."""
    if isinstance(obj, Dataset):
        return {t: _text_frame(getattr(obj, t), t) for t in TABLES}, True
    if not isinstance(obj, Mapping):
        raise TypeError(f"{what}: expected a Dataset or a mapping of table name to DataFrame")
    unknown = sorted(set(obj) - set(TABLES))
    if unknown:
        raise ValueError(
            f"{what}: unknown table(s) {', '.join(map(str, unknown))} (expected {', '.join(TABLES)})"
        )
    return {t: _text_frame(df, t) for t, df in obj.items() if df is not None}, False


def _split_by_source(frames: dict[str, pd.DataFrame]) -> dict[str, np.ndarray]:
    org_of: dict[str, np.ndarray] = {}
    for t, df in frames.items():
        if t in ("events", "contacts") and "source" in df.columns:
            src = df["source"].map(lambda v: v.strip() if isinstance(v, str) and v.strip() else NO_SOURCE)
            org_of[t] = src.to_numpy(dtype=object)
        else:
            org_of[t] = np.full(len(df), ALL, dtype=object)
    return org_of


def _run_validator(unit: _Unit, max_errors: int) -> None:
    frames = {t: df.copy() for t, df in unit.frames.items()}
    for t, df in frames.items():
        absent = [c for c in TABLE_COLUMNS[t] if c not in df.columns]
        if absent:
            unit.missing_columns[t] = absent
            for c in absent:  # validated as empty, so that the other fields are still checked
                df[c] = pd.Series([None] * len(df), dtype=object)
    synthetic_persons = "persons" not in frames
    if synthetic_persons:
        ids = [_ids(df[c]) for t, df in frames.items() for c in _ID_FIELDS[t] if c in df.columns]
        every = np.unique(np.concatenate(ids)) if ids else np.empty(0, np.int64)
        frames["persons"] = pd.DataFrame(
            {"person_id": every, **{c: [None] * len(every) for c in TABLE_COLUMNS["persons"][1:]}}
        )
    try:
        ds = Dataset.from_pandas(
            frames["persons"],
            frames.get("partnerships"),
            frames.get("events"),
            frames.get("contacts"),
            labels={t: t for t in TABLES},
            max_errors=max_errors,
        )
    except DataError as e:
        unit.errors = [i for i in e.errors if not (synthetic_persons and i.file == "persons")]
        unit.truncated = e.truncated
        return
    unit.warning_counts = dict(ds.warning_counts)


def _units(datasets: Dataset | Mapping[str, Any], max_errors: int) -> tuple[list[_Unit], list[str], bool]:
    """The validation units, notes, and whether organisations come from ``source`` (split)."""
    notes: list[str] = []
    units: list[_Unit] = []
    split = isinstance(datasets, Dataset) or (
        isinstance(datasets, Mapping)
        and len(datasets) > 0
        and all(isinstance(v, pd.DataFrame) or v is None for v in datasets.values())
    )
    if split:
        units.append(_unit_of(datasets, "dataset", None))
        notes.append(
            "one dataset: organisations are the sources of events and contacts; persons and "
            f"partnerships are reported as {ALL}"
        )
    else:
        if not isinstance(datasets, Mapping) or not datasets:
            raise TypeError(
                "datasets: expected a Dataset, a mapping of table name to DataFrame, or a non-empty "
                "mapping of organisation to Dataset (or to a mapping of table name to DataFrame)"
            )
        for org, obj in datasets.items():
            if not isinstance(org, str) or not org.strip():
                raise ValueError(f"organisation names must be non-empty text, got {org!r}")
            units.append(_unit_of(obj, f"organisation {org!r}", org))
    for unit in units:
        if unit.validate:
            _run_validator(unit, max_errors)
            if unit.truncated:
                notes.append(
                    f"{unit.default_org}: validation stopped at {max_errors} errors; "
                    "validity is an upper bound"
                )
            if "persons" not in unit.frames:
                notes.append(
                    f"{unit.default_org}: no persons table; references to persons and dates against "
                    "birth and exit were not checked"
                )
            for t, cols in unit.missing_columns.items():
                notes.append(f"{unit.default_org}: {t} has no column(s) {', '.join(cols)}")
    return units, notes, split


# ------------------------------------------------------------------------------------------- scan


@dataclass(frozen=True)
class QualityReport:
    """The result of :func:`scan`.

    Attributes
    ----------
    table
        One row per organisation, table, field, dimension and metric: ``value`` (a share in
        [0, 1], or days for ``median_lag_days``), ``n`` (the records or persons it is over),
        ``score`` (``green``/``amber``/``red``, ``not scored``, ``not measurable``) and
        ``suppressed`` (value, n where small, and score are NaN/None).
    issues
        Validator findings per organisation, table, rule, severity and column: ``count`` (NaN
        and ``suppressed`` when below ``min_cell``).
    min_cell, thresholds, timely_days
        The parameters.
    notes
        What could not be measured, and why.
    """

    table: pd.DataFrame
    issues: pd.DataFrame
    min_cell: int
    thresholds: dict[str, tuple[float, float]]
    timely_days: int
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: parameters, the disclosure stamp, metrics, issues and notes.

        A suppressed number is ``None`` and named in the entry's ``"suppressed"`` list.
        """
        from . import __version__

        def clean(v: Any) -> Any:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return None
            if isinstance(v, np.integer):
                return int(v)
            if isinstance(v, np.floating):
                return float(v)
            return v

        metrics = []
        for row in self.table.to_dict("records"):
            entry = {k: clean(row[k]) for k in _COLUMNS if k != "suppressed"}
            if entry["n"] is not None:
                entry["n"] = int(entry["n"])
            hidden = []
            if row["suppressed"]:
                hidden = [k for k in ("value", "n", "score") if entry[k] is None]
            entry["suppressed"] = hidden
            metrics.append(entry)
        issues = []
        for row in self.issues.to_dict("records"):
            entry = {k: clean(row[k]) for k in _ISSUE_COLUMNS if k != "suppressed"}
            if entry["count"] is not None:
                entry["count"] = int(entry["count"])
            entry["suppressed"] = ["count"] if row["suppressed"] else []
            issues.append(entry)
        return {
            "famgraph_version": __version__,
            "parameters": {
                "min_cell": self.min_cell,
                "timely_days": self.timely_days,
                "thresholds": {d: {"green": g, "amber": a} for d, (g, a) in self.thresholds.items()},
            },
            "disclosure_control": disclosure.stamp(self.min_cell),
            "metrics": metrics,
            "issues": issues,
            "notes": list(self.notes),
        }

    def _display(self) -> pd.DataFrame:
        marker = disclosure.marker(self.min_cell)
        rows = []
        for r in self.table.to_dict("records"):
            v, n = float(r["value"]), float(r["n"])
            if math.isnan(v):
                value = marker if r["suppressed"] else "NA"
            elif r["metric"] == "median_lag_days":
                value = f"{v:g} d"
            else:
                value = f"{100 * v:.1f}%"
            count = (marker if r["suppressed"] else "NA") if math.isnan(n) else str(int(n))
            score = marker if r["score"] is None else str(r["score"])
            rows.append(
                [r["organisation"], r["table"], r["field"], r["dimension"], r["metric"], value, count, score]
            )
        return pd.DataFrame(rows, columns=_COLUMNS[:-1])

    def summary(self) -> str:
        """The report as text: stamp, thresholds, one line per metric, then issues and notes."""
        lines = [
            f"famgraph data-maturity scan: {self.table.organisation.nunique()} organisation(s)",
            disclosure.stamp(self.min_cell),
            "thresholds (green / amber): "
            + "; ".join(f"{d} {100 * g:g}% / {100 * a:g}%" for d, (g, a) in self.thresholds.items())
            + f"; timely = recorded within {self.timely_days} days",
            "",
        ]
        if len(self.table):
            lines.append(self._display().to_string(index=False))
        if len(self.issues):
            shown = self.issues.copy()
            shown["count"] = [
                disclosure.marker(self.min_cell) if s else str(int(c))
                for c, s in zip(shown["count"], shown["suppressed"], strict=True)
            ]
            lines += ["", "validator findings:", shown.drop(columns="suppressed").to_string(index=False)]
        if self.notes:
            lines += ["", "notes:", *(f"- {n}" for n in self.notes)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colours = {"green": "#c8e6c9", "amber": "#ffe0b2", "red": "#ffcdd2"}
        shown = self._display()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in shown.columns)
        body = []
        for row in shown.itertuples(index=False):
            cells = []
            for c, v in zip(shown.columns, row, strict=True):
                style = f' style="background:{colours[v]}"' if c == "score" and v in colours else ""
                cells.append(f"<td{style}>{html.escape(str(v))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><p><b>famgraph data-maturity scan</b> — {html.escape(disclosure.stamp(self.min_cell))}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )

    def __repr__(self) -> str:
        return (
            f"<famgraph.quality.QualityReport: {self.table.organisation.nunique()} organisations, "
            f"{len(self.table)} metrics, min_cell={self.min_cell}>"
        )


def _check_thresholds(thresholds: Mapping[str, tuple[float, float]] | None) -> dict[str, tuple[float, float]]:
    out = dict(DEFAULT_THRESHOLDS)
    for dim, pair in (thresholds or {}).items():
        if dim not in DIMENSIONS:
            raise ValueError(
                f"thresholds: unknown dimension {dim!r} (expected one of {', '.join(DIMENSIONS)})"
            )
        try:
            green, amber = (float(x) for x in pair)
        except (TypeError, ValueError):
            raise ValueError(f"thresholds[{dim!r}]: expected (green, amber), got {pair!r}") from None
        if not 0.0 <= amber <= green <= 1.0:
            raise ValueError(f"thresholds[{dim!r}] = {pair!r}: expected 0 <= amber <= green <= 1")
        out[dim] = (green, amber)
    return out


def scan(
    datasets: Dataset | Mapping[str, Any],
    *,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    thresholds: Mapping[str, tuple[float, float]] | None = None,
    timely_days: int = 30,
    max_errors: int = 1_000_000,
    on: str | None = "auto",
) -> QualityReport:
    """Scan the data of one or more organisations for completeness, validity, linkability,
    timeliness and consistency.

    Parameters
    ----------
    datasets
        A mapping organisation → :class:`~famgraph.Dataset`, or organisation → mapping of table
        name (``persons``, ``partnerships``, ``events``, ``contacts``) to DataFrame in the famgraph
        layout (raw: not yet validated; extra columns such as ``recorded_date`` are used). Or one
        dataset — a :class:`~famgraph.Dataset` or a mapping of table name to DataFrame — whose
        events and contacts are split into organisations by ``source`` (persons and partnerships
        are then reported as ``(all)``).
    min_cell
        Disclosure control (docs/spec/disclosure.md): shares over fewer than ``min_cell`` records, and
        person-level shares whose counted or left-out persons are fewer, are suppressed; 0 turns it
        off (stamped on every output).
    thresholds
        ``{dimension: (green, amber)}`` overriding :data:`DEFAULT_THRESHOLDS`.
    timely_days
        An event is timely when ``0 <= recorded_date - date <= timely_days`` (days).
    max_errors
        Stop validating after this many errors (validity is then an upper bound; noted).
    on
        How persons of different organisations are matched for linkability and consistency:
        ``None`` by ``person_id`` (linked data); a column name of the persons tables holding a
        pseudonym (exports as delivered, local ids: the layout :func:`famgraph.link` takes; the
        other tables' ``person_id`` are mapped through their own persons table); ``"auto"``
        (default): ``"pseudonym"`` when every organisation's persons table has that column, else
        by ``person_id`` (stated in the notes).

    Returns
    -------
    QualityReport

    Example
    -------
    >>> import pandas as pd, famgraph as fg
    >>> police = {"persons": pd.DataFrame({"person_id": [1, 2], "sex": ["F", "M"],
    ...     "birth_date": ["1980", None], "exit_date": [None, None],
    ...     "mother_id": [None, None], "father_id": [None, None]})}
    >>> r = fg.quality.scan({"police": police}, min_cell=0)
    >>> r.table.query("field == 'birth_date' and dimension == 'completeness'").value.item()
    0.5
    """
    m, th = _check_options(min_cell, thresholds, timely_days, max_errors)
    if on is not None and (not isinstance(on, str) or not on.strip()):
        raise ValueError(f"on={on!r} (expected None, 'auto' or the name of a pseudonym column)")
    if _all_datasets(datasets) and on in ("auto", None):  # validated: measured on the compiled columns
        return _scan_columns(datasets, m, th, timely_days)
    return _scan_text(datasets, m, th, timely_days, max_errors, on)


def _check_options(
    min_cell: int,
    thresholds: Mapping[str, tuple[float, float]] | None,
    timely_days: int,
    max_errors: int,
) -> tuple[int, dict[str, tuple[float, float]]]:
    m = disclosure.check_min_cell(min_cell)
    th = _check_thresholds(thresholds)
    if isinstance(timely_days, bool) or not isinstance(timely_days, int) or timely_days < 0:
        raise ValueError(f"timely_days={timely_days!r} (expected an integer >= 0)")
    if isinstance(max_errors, bool) or not isinstance(max_errors, int) or max_errors < 1:
        raise ValueError(f"max_errors={max_errors!r} (expected an integer >= 1)")
    return m, th


def _scan_frames(
    datasets: Dataset | Mapping[str, Any],
    *,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    thresholds: Mapping[str, tuple[float, float]] | None = None,
    timely_days: int = 30,
    max_errors: int = 1_000_000,
) -> QualityReport:
    """:func:`scan` through text frames for every input, Datasets included (their tables are
    converted to text and re-parsed): the reference the column path of Datasets is tested against."""
    m, th = _check_options(min_cell, thresholds, timely_days, max_errors)
    return _scan_text(datasets, m, th, timely_days, max_errors)


def _pseudonym_column(units: list[_Unit], split: bool, on: str | None) -> str | None:
    """The persons column that matches persons across organisations (None: ``person_id``)."""
    if on is None or split:
        return None
    with_persons = [u for u in units if "persons" in u.frames]
    if on == "auto":
        ok = len(with_persons) >= 2 and all("pseudonym" in u.frames["persons"].columns for u in with_persons)
        return "pseudonym" if ok else None
    missing = [u.default_org for u in with_persons if on not in u.frames["persons"].columns]
    if missing or not with_persons:
        raise ValueError(
            f"on={on!r}: no such column in the persons table of {', '.join(missing) or 'any organisation'}"
        )
    return on


def _local_to_key(df: pd.DataFrame, column: str) -> dict[int, str]:
    """Local person id -> pseudonym of one persons table (rows without either are left out; a
    local id with two pseudonyms keeps its first)."""
    out: dict[int, str] = {}
    for pid, key in zip(df["person_id"].tolist(), df[column].tolist(), strict=True):
        if not isinstance(pid, str) or not isinstance(key, str) or not key.strip():
            continue
        t = pid.strip(" \t")
        if _INT.fullmatch(t):
            out.setdefault(int(t), key.strip())
    return out


def _scan_text(
    datasets: Dataset | Mapping[str, Any],
    m: int,
    th: dict[str, tuple[float, float]],
    timely_days: int,
    max_errors: int,
    on: str | None = None,
) -> QualityReport:
    """The scan of raw tables (validated here) through their text."""
    units, notes, split = _units(datasets, max_errors)
    key = _pseudonym_column(units, split, on)
    if key is not None:
        notes.append(
            f"persons of different organisations are matched by the {key!r} column of their persons "
            "tables (local person_id mapped through each organisation's own persons table)"
        )
    rows = _Rows()
    issue_counts: dict[tuple[str, str, str, str, str], int] = {}
    persons_of: dict[str, list[np.ndarray]] = {}
    person_tables: dict[str, pd.DataFrame] = {}
    for unit in units:
        bad = _count_issues(unit, issue_counts)
        for table in TABLES:
            df = unit.frames.get(table)
            if df is None or len(df) == 0:
                continue
            _record_metrics(rows, unit, table, df, bad, timely_days)
            owners = unit.org_of[table]
            for org in pd.unique(owners):
                sel = owners == org
                for c in _ID_FIELDS[table]:
                    if c in df.columns:
                        persons_of.setdefault(str(org), []).append(_ids(df[c][sel]))
                if table == "persons":
                    person_tables[str(org)] = df[sel]
    if key is None:
        _linkability(rows, persons_of)
    else:
        linkable: dict[str, np.ndarray] = {}
        for org, arrays in persons_of.items():
            own = person_tables.get(org)
            to_key = _local_to_key(own, key) if own is not None and "person_id" in own.columns else {}
            local = np.unique(np.concatenate(arrays)) if arrays else np.empty(0, np.int64)
            # A person without a pseudonym is one of the organisation's persons that cannot link:
            # a marker no other organisation has.
            keys = sorted({to_key.get(int(x), f"\x00{org}:{int(x)}") for x in local})
            linkable[org] = np.array(keys, dtype=object)
        _linkability_of(rows, linkable)
    _consistency(rows, person_tables, split, key)
    if not split and any(not u.validate for u in units):
        notes.append(
            "Dataset inputs passed validation when they were built: validity is 1 for every present "
            "value; timeliness needs a recorded_date column, which a Dataset does not keep"
        )
    return QualityReport(_finish(rows.rows, m, th), _issues_frame(issue_counts, m), m, th, timely_days, notes)


class _Rows:
    """The metric rows before scoring and disclosure control."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        key: tuple[str, str, str, str, str],
        value: float | None,
        n: int | None,
        *,
        scored: bool = True,
        kind: str = "records",
        k: int | None = None,
    ) -> None:
        """``key`` = (organisation, table, field, dimension, metric); ``k`` the numerator;
        ``kind`` the disclosure rule (records, linkability, consistency)."""
        org, table, fld, dim, metric = key
        self.rows.append(
            {
                "organisation": org,
                "table": table,
                "field": fld,
                "dimension": dim,
                "metric": metric,
                "value": value,
                "n": n,
                "scored": scored,
                "kind": kind,
                "k": k,
            }
        )


def _count_issues(
    unit: _Unit, counts: dict[tuple[str, str, str, str, str], int]
) -> dict[tuple[str, str], set[int]]:
    """Adds the unit's findings to ``counts``; returns the rows with an error per (table, field)."""
    bad: dict[tuple[str, str], set[int]] = {}
    for issue in unit.errors:
        table = issue.file if issue.file in TABLES else "?"
        row = issue.line - 2
        if table in unit.org_of and 0 <= row < len(unit.org_of[table]):
            org = str(unit.org_of[table][row])
            if issue.rule != "missing.required":  # an absent value is completeness, not validity
                for col in issue.column.split("/"):  # a cycle names mother_id/father_id
                    bad.setdefault((table, col), set()).add(row)
        else:
            org = unit.default_org
        key = (org, table, issue.rule, "error", issue.column)
        counts[key] = counts.get(key, 0) + 1
    _count_warnings(unit.default_org, unit.warning_counts, counts)
    return bad


def _count_warnings(
    org: str, warning_counts: Mapping[str, int], counts: dict[tuple[str, str, str, str, str], int]
) -> None:
    for rule, count in warning_counts.items():
        key = (org, _WARNING_TABLE.get(rule.split(".")[0], "?"), rule, "warning", "")
        counts[key] = counts.get(key, 0) + count


def _record_metrics(
    rows: _Rows,
    unit: _Unit,
    table: str,
    df: pd.DataFrame,
    bad: Mapping[tuple[str, str], set[int]],
    timely_days: int,
) -> None:
    """Completeness, validity and timeliness of one table, per organisation owning its rows."""
    n_all = len(df)
    fields = list(TABLE_COLUMNS[table])
    date_col = _EVENT_DATE.get(table)
    has_recorded = date_col is not None and "recorded_date" in df.columns
    if has_recorded:
        fields.append("recorded_date")
    present = {c: _present(df[c], c) if c in df.columns else np.zeros(n_all, bool) for c in fields}
    invalid: dict[str, np.ndarray] = {}
    for c in fields:
        if c == "recorded_date":
            invalid[c] = present[c] & ~_dates(df[c])[0]
        else:
            mask = np.zeros(n_all, bool)
            mask[sorted(bad.get((table, c), ()))] = True
            invalid[c] = mask & present[c]
    lag_ok = np.zeros(n_all, bool)
    lag = np.zeros(n_all, np.int64)
    if has_recorded and date_col in df.columns:
        ok_e, _, _, mid_e = _dates(df[date_col])
        ok_r, _, _, mid_r = _dates(df["recorded_date"])
        lag_ok, lag = ok_e & ok_r, mid_r - mid_e
    owners = unit.org_of[table]
    for owner in pd.unique(owners):
        sel = owners == owner
        org = str(owner)
        n_rows = int(sel.sum())
        for c in fields:
            k_present = int(present[c][sel].sum())
            rows.add(
                (org, table, c, "completeness", "share_present"),
                k_present / n_rows,
                n_rows,
                scored=c in SCORED_FIELDS[table],
                k=k_present,
            )
            key = (org, table, c, "validity", "share_valid")
            if k_present == 0:
                rows.add(key, None, 0)
            elif unit.validate or c == "recorded_date":
                k_valid = k_present - int(invalid[c][sel].sum())
                rows.add(key, k_valid / k_present, k_present, k=k_valid)
            else:  # a Dataset passed every rule when it was built
                rows.add(key, 1.0, k_present, k=k_present)
        if date_col is None:
            continue
        key = (org, table, "recorded_date", "timeliness", "share_timely")
        if not has_recorded:
            rows.add(key, None, None)
            continue
        lags = lag[sel & lag_ok]
        n_lag = len(lags)
        k_timely = int(((lags >= 0) & (lags <= timely_days)).sum())
        rows.add(key, k_timely / n_lag if n_lag else None, n_lag, k=k_timely)
        rows.add(
            (org, table, "recorded_date", "timeliness", "median_lag_days"),
            float(np.median(lags)) if n_lag else None,
            n_lag,
            scored=False,
        )


def _linkability(rows: _Rows, persons_of: Mapping[str, list[np.ndarray]]) -> None:
    """The share of each organisation's persons found in any other organisation's data."""
    linkable = {o: np.unique(np.concatenate(v)) for o, v in persons_of.items() if o != ALL}
    _linkability_of(rows, linkable)


def _linkability_of(rows: _Rows, linkable: Mapping[str, np.ndarray]) -> None:
    """:func:`_linkability` of each organisation's distinct person ids (``(all)`` left out)."""
    if not linkable:
        return
    ids, n_orgs = np.unique(np.concatenate(list(linkable.values())), return_counts=True)
    for org, mine in linkable.items():
        key = (org, "all", "person_id", "linkability", "share_linked")
        if len(linkable) < 2:
            rows.add(key, None, None)
            continue
        # Each organisation's ids are distinct, so an id counted twice is in another organisation.
        k_linked = int((n_orgs[np.searchsorted(ids, mine)] >= 2).sum())
        share = k_linked / len(mine) if len(mine) else None
        rows.add(key, share, len(mine), kind="linkability", k=k_linked)


def _person_facts(org: str, df: pd.DataFrame, key: str | None = None) -> pd.DataFrame:
    """One row per valid person id (or pseudonym ``key``) of a persons table: known sex (F/M) and
    birth period."""
    column = key or "person_id"
    if column not in df.columns:
        return pd.DataFrame(columns=["org", "pid", "sex", "lo", "hi", "birth_ok"])
    pid = df[column].map(lambda v: v.strip(" \t") if isinstance(v, str) else None)
    if key is None:
        keep = pid.map(lambda v: v is not None and bool(_INT.fullmatch(v))).to_numpy(dtype=bool)
    else:
        keep = pid.map(lambda v: bool(v)).to_numpy(dtype=bool)
    sub = df[keep]
    n = len(sub)
    if "birth_date" in sub.columns:
        ok, lo, hi, _ = _dates(sub["birth_date"])
    else:
        ok, lo, hi = np.zeros(n, bool), np.zeros(n, np.int64), np.zeros(n, np.int64)
    if "sex" in sub.columns:
        sex = sub["sex"].map(lambda v: v.strip() if isinstance(v, str) else None)
    else:
        sex = pd.Series([None] * n, dtype=object)
    return pd.DataFrame(
        {
            "org": org,
            "pid": [int(v) for v in pid[keep]] if key is None else pid[keep].tolist(),
            "sex": sex.where(sex.isin(["F", "M"]), None).to_numpy(dtype=object),
            "lo": np.where(ok, lo, 0),
            "hi": np.where(ok, hi, 0),
            "birth_ok": ok,
        }
    ).drop_duplicates("pid")


def _consistency(
    rows: _Rows, person_tables: Mapping[str, pd.DataFrame], split: bool, match: str | None = None
) -> None:
    """The share of each organisation's persons whose sex (birth date) agrees with every other
    organisation's record of them."""
    if not person_tables:
        return
    if split or len(person_tables) < 2:
        for org in person_tables:
            for fld in ("sex", "birth_date"):
                rows.add((org, "persons", fld, "consistency", "share_consistent"), None, None)
        return
    facts = pd.concat([_person_facts(o, df, match) for o, df in person_tables.items()], ignore_index=True)
    pairs = facts.merge(facts, on="pid", suffixes=("", "_o"))
    pairs = pairs[pairs["org"] != pairs["org_o"]]
    for fld in ("sex", "birth_date"):
        if fld == "sex":
            cmp = pairs[pairs["sex"].notna() & pairs["sex_o"].notna()]
            differ = cmp["sex"] != cmp["sex_o"]
        else:  # two periods agree when they overlap (1980 and 1980-05-01 agree)
            cmp = pairs[pairs["birth_ok"] & pairs["birth_ok_o"]]
            differ = (cmp["lo"] > cmp["hi_o"]) | (cmp["hi"] < cmp["lo_o"])
        per = (
            pd.DataFrame({"org": cmp["org"], "pid": cmp["pid"], "differ": differ.to_numpy(dtype=bool)})
            .groupby(["org", "pid"])["differ"]
            .any()
            .groupby(level="org")
            .agg(["size", "sum"])
        )
        compared = {str(o): (int(a), int(b)) for o, a, b in per.reset_index().itertuples(index=False)}
        for org in person_tables:
            key = (org, "persons", fld, "consistency", "share_consistent")
            if org in compared:
                n_cmp, n_differ = compared[org]
                rows.add(key, (n_cmp - n_differ) / n_cmp, n_cmp, kind="consistency", k=n_cmp - n_differ)
            else:
                rows.add(key, None, 0)


# ------------------------------------------------------------------ Datasets: the compiled columns
#
# A Dataset passed validation when it was built, so its scan needs no text: presence is "precision
# != missing" or "index != NONE" per field, validity is 1 for every present value, and the
# organisations, persons and birth periods come straight from the enum, index and day columns. The
# result is the one of the text path (_scan_frames; tests/python/test_quality.py checks it).

_NONE_INDEX: Final = np.iinfo(np.uint32).max
_SEX_F, _SEX_M = 0, 1
_PRECISION_YEAR, _PRECISION_MONTH = 1, 2


def _all_datasets(datasets: object) -> bool:
    """Whether the input is a Dataset, or a non-empty mapping whose values are all Datasets."""
    if isinstance(datasets, Dataset):
        return True
    return (
        isinstance(datasets, Mapping)
        and len(datasets) > 0
        and all(isinstance(v, Dataset) for v in datasets.values())
    )


@dataclass
class _Columns:
    """One table of a Dataset: its rows, which fields are present (None: every row) and the
    source index of each row (events and contacts)."""

    n: int
    present: dict[str, np.ndarray | None]
    source: np.ndarray | None = None


def _named(names: list[str], idx: np.ndarray) -> np.ndarray | None:
    """Whether each row's name (a kind or source, by index) is not blank; None when all are not."""
    ok = np.array([bool(v.strip()) for v in names], dtype=bool)
    if ok.all():
        return None
    out: np.ndarray = ok[idx]
    return out


def _column_tables(ds: Dataset) -> tuple[dict[str, _Columns], dict[str, np.ndarray]]:
    """The tables of a Dataset as presence masks, and the person indices each table refers to."""
    kinds, sources = ds.kind_codes, ds.source_codes
    p = ds.columns("persons")
    n_p = len(p["person_id"])
    tables = {
        "persons": _Columns(
            n_p,
            {
                "person_id": None,
                "sex": p["sex"] != 2,  # U counts as absent
                "birth_date": p["birth_precision"] != 0,
                "exit_date": p["exit_precision"] != 0,
                "mother_id": p["mother"] != _NONE_INDEX,
                "father_id": p["father"] != _NONE_INDEX,
            },
        )
    }
    refs = {"persons": np.arange(n_p, dtype=np.int64)}
    c = ds.columns("partnerships")
    tables["partnerships"] = _Columns(
        len(c["a"]),
        {
            "person_a": None,
            "person_b": None,
            "start_date": c["start_precision"] != 0,
            "end_date": c["end_precision"] != 0,
        },
    )
    refs["partnerships"] = np.concatenate([c["a"], c["b"]])
    c = ds.columns("events")
    tables["events"] = _Columns(
        len(c["person"]),
        {
            "incident_id": None,
            "person_id": None,
            "role": None,
            "date": c["precision"] != 0,
            "kind": _named(kinds, c["kind"]),
            "source": _named(sources, c["source"]),
        },
        c["source"],
    )
    refs["events"] = c["person"]
    c = ds.columns("contacts")
    tables["contacts"] = _Columns(
        len(c["person"]),
        {
            "person_id": None,
            "source": _named(sources, c["source"]),
            "start_date": c["start_precision"] != 0,
            "end_date": c["end_precision"] != 0,
            "kind": _named(kinds, c["kind"]),
        },
        c["source"],
    )
    refs["contacts"] = c["person"]
    return tables, refs


def _source_orgs(sources: list[str]) -> tuple[list[str], np.ndarray]:
    """The organisations of a dataset split by source, and each source index's organisation."""
    names: list[str] = []
    lut = np.zeros(max(len(sources), 1), dtype=np.int64)
    for i, s in enumerate(sources):
        name = s.strip() or NO_SOURCE
        if name not in names:
            names.append(name)
        lut[i] = names.index(name)
    return names, lut


def _column_metrics(
    rows: _Rows, table: str, cols: _Columns, names: list[str], codes: np.ndarray | None
) -> list[int]:
    """Completeness, validity and timeliness of one Dataset table per organisation (``codes``: the
    organisation of each row, index into ``names``; None: all rows are ``names[0]``). Returns the
    organisations in the order of their first row (the text path's order)."""
    if codes is None:
        order = [0]
        n_by = np.array([cols.n])
        k_by = {c: n_by if m is None else np.array([np.count_nonzero(m)]) for c, m in cols.present.items()}
    else:
        seen, first = np.unique(codes, return_index=True)
        order = [int(o) for o in seen[np.argsort(first)]]
        n_by = np.bincount(codes, minlength=len(names))
        k_by = {
            c: n_by if m is None else np.bincount(codes[m], minlength=len(names))
            for c, m in cols.present.items()
        }
    for o in order:
        org, n_rows = names[o], int(n_by[o])
        for c in TABLE_COLUMNS[table]:
            k_present = int(k_by[c][o])
            rows.add(
                (org, table, c, "completeness", "share_present"),
                k_present / n_rows,
                n_rows,
                scored=c in SCORED_FIELDS[table],
                k=k_present,
            )
            key = (org, table, c, "validity", "share_valid")
            if k_present == 0:
                rows.add(key, None, 0)
            else:  # a Dataset passed every rule when it was built
                rows.add(key, 1.0, k_present, k=k_present)
        if table in _EVENT_DATE:  # a Dataset keeps no recorded_date
            rows.add((org, table, "recorded_date", "timeliness", "share_timely"), None, None)
    return order


def _linkable_ids(ids: np.ndarray) -> np.ndarray:
    """The ids the text path can read back (it leaves out -2**63)."""
    out: np.ndarray = ids[ids != np.iinfo(np.int64).min]
    return out


def _birth_periods(day: np.ndarray, precision: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(known, first day, last day) of each birth date at its precision (days since 1970)."""
    ok = precision != 0
    lo = np.where(ok, day, 0).astype(np.int64)
    hi = lo.copy()
    for prec, unit in ((_PRECISION_YEAR, "datetime64[Y]"), (_PRECISION_MONTH, "datetime64[M]")):
        at = np.flatnonzero(precision == prec)  # few: most dates are exact days
        period = lo[at].astype("datetime64[D]").astype(unit)
        lo[at] = period.astype("datetime64[D]").astype(np.int64)
        hi[at] = (period + 1).astype("datetime64[D]").astype(np.int64) - 1
    return ok, lo, hi


def _column_consistency(rows: _Rows, persons: Mapping[str, Dataset]) -> None:
    """:func:`_consistency` of organisations' Datasets, vectorised: a person's record disagrees
    when another organisation's known sex differs, or its birth period does not overlap."""
    orgs = list(persons)
    parts = []
    for o, name in enumerate(orgs):
        p = persons[name].columns("persons")
        ok, lo, hi = _birth_periods(p["birth_day"], p["birth_precision"])
        parts.append((np.full(len(ok), o, np.int64), p["person_id"], p["sex"], ok, lo, hi))
    org, pid, sex, ok, lo, hi = (np.concatenate([part[i] for part in parts]) for i in range(6))
    order = np.argsort(pid, kind="stable")
    org, pid, sex, ok, lo, hi = org[order], pid[order], sex[order], ok[order], lo[order], hi[order]
    new = np.ones(len(pid), dtype=bool)
    new[1:] = pid[1:] != pid[:-1]
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    n_groups = len(starts)
    is_f, is_m = sex == _SEX_F, sex == _SEX_M
    n_f = np.bincount(group[is_f], minlength=n_groups)[group]
    n_m = np.bincount(group[is_m], minlength=n_groups)[group]
    compared_sex = (is_f | is_m) & (n_f + n_m >= 2)
    differ_sex = compared_sex & ((is_f & (n_m > 0)) | (is_m & (n_f > 0)))
    if n_groups:
        # a period overlaps itself, so the extremes over all records equal those over the others
        max_lo = np.maximum.reduceat(np.where(ok, lo, np.iinfo(np.int64).min), starts)[group]
        min_hi = np.minimum.reduceat(np.where(ok, hi, np.iinfo(np.int64).max), starts)[group]
    else:
        max_lo = min_hi = np.zeros(0, np.int64)
    compared_birth = ok & (np.bincount(group[ok], minlength=n_groups)[group] >= 2)
    differ_birth = compared_birth & ((max_lo > hi) | (min_hi < lo))
    for fld, compared, differ in (
        ("sex", compared_sex, differ_sex),
        ("birth_date", compared_birth, differ_birth),
    ):
        n_cmp = np.bincount(org[compared], minlength=len(orgs))
        n_differ = np.bincount(org[differ], minlength=len(orgs))
        for o, name in enumerate(orgs):
            key = (name, "persons", fld, "consistency", "share_consistent")
            if n_cmp[o]:
                n, k = int(n_cmp[o]), int(n_cmp[o] - n_differ[o])
                rows.add(key, k / n, n, kind="consistency", k=k)
            else:
                rows.add(key, None, 0)


def _distinct(persons_of: Mapping[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
    """The (already distinct) ids of each organisation but ``(all)``, as :func:`_linkability` takes."""
    return {o: np.concatenate(v) for o, v in persons_of.items() if o != ALL}


def _scan_columns(
    datasets: Dataset | Mapping[str, Dataset],
    m: int,
    th: dict[str, tuple[float, float]],
    timely_days: int,
) -> QualityReport:
    """:func:`scan` of a Dataset (split by source) or of organisations' Datasets, on their columns."""
    rows = _Rows()
    issue_counts: dict[tuple[str, str, str, str, str], int] = {}
    persons_of: dict[str, list[np.ndarray]] = {}
    if isinstance(datasets, Dataset):
        ds = datasets
        notes = [
            "one dataset: organisations are the sources of events and contacts; persons and "
            f"partnerships are reported as {ALL}"
        ]
        _count_warnings(ALL, ds.warning_counts, issue_counts)
        tables, refs = _column_tables(ds)
        names, lut = _source_orgs(ds.source_codes)
        n_p = tables["persons"].n
        ids = ds.columns("persons")["person_id"]
        keys = []
        for table, cols in tables.items():
            if cols.n == 0:
                continue
            if cols.source is None:
                _column_metrics(rows, table, cols, [ALL], None)
                continue
            codes = lut[cols.source]
            for o in _column_metrics(rows, table, cols, names, codes):
                persons_of.setdefault(names[o], [])
            keys.append(codes * n_p + refs[table])
        # each organisation's distinct persons: distinct (organisation, person) pairs
        pairs = np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
        bounds = np.searchsorted(pairs, np.arange(len(names) + 1, dtype=np.int64) * n_p)
        for name, mine in persons_of.items():
            o = names.index(name)
            mine.append(_linkable_ids(ids[pairs[bounds[o] : bounds[o + 1]] - o * n_p]))
        _linkability_of(rows, _distinct(persons_of))
        for fld in ("sex", "birth_date"):
            if tables["persons"].n:
                rows.add((ALL, "persons", fld, "consistency", "share_consistent"), None, None)
    else:
        notes = []
        with_persons: dict[str, Dataset] = {}
        for org, ds in datasets.items():
            if not isinstance(org, str) or not org.strip():
                raise ValueError(f"organisation names must be non-empty text, got {org!r}")
            _count_warnings(org, ds.warning_counts, issue_counts)
            tables, refs = _column_tables(ds)
            referred = np.zeros(tables["persons"].n, dtype=bool)
            for table, cols in tables.items():
                if cols.n:
                    _column_metrics(rows, table, cols, [org], None)
                    referred[refs[table]] = True
                    persons_of.setdefault(org, [])
            if org in persons_of:
                ids = ds.columns("persons")["person_id"]
                persons_of[org].append(_linkable_ids(ids[referred]))
            if tables["persons"].n:
                with_persons[org] = ds
        _linkability_of(rows, _distinct(persons_of))
        if len(with_persons) >= 2:
            _column_consistency(rows, with_persons)
        else:
            for org in with_persons:
                for fld in ("sex", "birth_date"):
                    rows.add((org, "persons", fld, "consistency", "share_consistent"), None, None)
        notes.append(
            "Dataset inputs passed validation when they were built: validity is 1 for every present "
            "value; timeliness needs a recorded_date column, which a Dataset does not keep"
        )
    return QualityReport(_finish(rows.rows, m, th), _issues_frame(issue_counts, m), m, th, timely_days, notes)


def _finish(rows: list[dict[str, Any]], m: int, th: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    # The rows of each table (the n of its completeness metrics) are published, so the n of any
    # other metric — the rows with a present value — gives the rows without one: an n with a
    # small non-zero complement is hidden with its share. A share with its n gives both the records
    # that pass and those that fail: a small non-zero number of either is hidden (a zero is not:
    # "every record has it" singles nobody out, and the report's overview leaves empty categories
    # out too). The rules are disclosure.quality_row_status (docs/data_quality.md).
    rows_of: dict[tuple[Any, Any], int] = {}
    for r in rows:
        if r["dimension"] == "completeness" and r["n"] is not None:
            key = (r["organisation"], r["table"])
            rows_of[key] = max(rows_of.get(key, 0), int(r["n"]))
    out = []
    for r in rows:
        status = disclosure.quality_row_status(
            None if r["n"] is None else int(r["n"]),
            None if r["k"] is None else int(r["k"]),
            r["kind"],
            completeness=r["dimension"] == "completeness",
            table_rows=rows_of.get((r["organisation"], r["table"])),
            min_cell=m,
        )
        hidden = status.value
        value = r["value"]
        if value is None:
            score: str | None = "not measurable"
        elif not r["scored"]:
            score = "not scored"
        else:
            score = _score(float(value), r["dimension"], th)
        n = r["n"]
        if hidden:
            value, score = None, None
            if status.n:
                n = None
        out.append(
            {
                "organisation": r["organisation"],
                "table": r["table"],
                "field": r["field"],
                "dimension": r["dimension"],
                "metric": r["metric"],
                "value": np.nan if value is None else float(value),
                "n": np.nan if n is None else float(n),
                "score": score,
                "suppressed": hidden,
            }
        )
    frame = pd.DataFrame(out, columns=_COLUMNS)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    frame.attrs["min_cell"] = m
    frame.attrs["disclosure_control"] = disclosure.stamp(m)
    return frame


def _issues_frame(counts: Mapping[tuple[str, str, str, str, str], int], m: int) -> pd.DataFrame:
    rows = []
    for (org, table, rule, severity, column), c in sorted(counts.items()):
        hidden = disclosure.count_hidden(c, m)
        rows.append([org, table, rule, severity, column, np.nan if hidden else float(c), hidden])
    frame = pd.DataFrame(rows, columns=_ISSUE_COLUMNS)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    frame.attrs["min_cell"] = m
    frame.attrs["disclosure_control"] = disclosure.stamp(m)
    return frame


def read_folder(path: str | Path) -> dict[str, pd.DataFrame]:
    """The tables of a dataset folder as raw text DataFrames (for :func:`scan`; not validated).

    Reads ``<table>.csv`` (UTF-8, BOM allowed, every value as text, empty = missing), or
    ``<table>.parquet`` where there is no CSV. Raises ``FileNotFoundError`` when the folder
    holds neither for any table.
    """
    folder = _files.input_folder(path, "a dataset folder")
    frames: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        csv = _files.optional_input(folder / f"{t}.csv", f"the {t} table, a CSV file")
        if csv is not None:
            data = _files.read_input(csv, f"the {t} table, a CSV file")
            try:
                df = pd.read_csv(
                    io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
                )
            except pd.errors.EmptyDataError:
                df = pd.DataFrame()
            except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
                issue = DataIssue(
                    "error", "parse.csv", str(csv), 0, "", "", f"not a readable CSV file: {shown(e, 300)}"
                )
                raise DataError(f"1 error in the input:\n  {issue}", [issue]) from None
            frames[t] = df
            continue
        parquet = _files.optional_input(folder / f"{t}.parquet", f"the {t} table, a Parquet file")
        if parquet is not None:
            frames[t] = _read_parquet(str(parquet), t)
    if not frames:
        raise FileNotFoundError(
            errno.ENOENT, f"{folder}: no persons, partnerships, events or contacts table (.csv or .parquet)"
        )
    return frames


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
