"""The validated dataset: persons, partnerships, events and contacts (docs/spec/data_contract.md)."""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from . import _core, _files, _rules, disclosure
from ._convert import TABLE_COLUMNS, frame_to_columns
from ._errors import DataError, DataIssue, shown

if TYPE_CHECKING:
    from .graph import FamilyGraph

PathLike = str | os.PathLike[str]
MissingParents = Literal["strict", "add"]
OnError = Literal["raise", "quarantine"]
#: Default accepted years of register data (``min_year``/``max_year``; docs/data_formats.md).
MIN_YEAR, MAX_YEAR = _rules.MIN_YEAR, _rules.MAX_YEAR
QUARANTINE_COLUMNS = ("table", "action", "rule", "file", "line", "column", "value", "message", "record")
_SEPARATORS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "|": "|"}
TABLES = ("persons", "partnerships", "events", "contacts")
_KIND = {"csv": "CSV", "parquet": "Parquet"}
_SEX = np.array(_rules.SEXES, dtype=object)
_ROLES = np.array(_rules.ROLES, dtype=object)


def _check_missing_parents(value: str) -> None:
    if value not in ("strict", "add"):
        raise ValueError(f"missing_parents={value!r} (expected 'strict' or 'add')")


def _check_on_error(value: str) -> None:
    if value not in ("raise", "quarantine"):
        raise ValueError(f"on_error={value!r} (expected 'raise' or 'quarantine')")


def _check_years(min_year: int, max_year: int) -> None:
    for name, v in (("min_year", min_year), ("max_year", max_year)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name}={v!r} (expected an integer year)")
    if not 1 <= min_year <= max_year <= 9999:
        raise ValueError(
            f"min_year={min_year}, max_year={max_year} (expected 1 <= min_year <= max_year <= 9999)"
        )


def _sep(sep: str | None) -> str:
    if sep is None:
        return ""
    if sep not in _SEPARATORS:
        raise ValueError(f"sep={sep!r} (expected ',', ';', '\\t', '|' or None to detect it from the header)")
    return _SEPARATORS[sep]


def rename_columns(df: pd.DataFrame, table: str, columns: Mapping[str, str] | None) -> pd.DataFrame:
    """``df`` with its headers matched to the documented names: case-insensitively, after the
    ``columns`` mapping (file header -> famgraph column, also case-insensitive)."""
    if not isinstance(df, pd.DataFrame):
        return df  # frame_to_columns names the wrong type
    wanted = TABLE_COLUMNS[table]
    mapping = {str(k).strip().lower(): str(v).strip().lower() for k, v in (columns or {}).items()}
    rename: dict[Any, str] = {}
    for c in df.columns:
        key = str(c).strip().lower()
        key = mapping.get(key, key)
        if key in wanted and c != key:
            rename[c] = key
    return df.rename(columns=rename) if rename else df


def _resolve_paths(path: PathLike | None, ext: str, given: Mapping[str, PathLike | None]) -> dict[str, str]:
    """File per table: explicit arguments win, else `<path>/<table>.<ext>` where it exists.

    Each file must be a regular file (a broken link, a folder, a FIFO or a device is an OSError
    naming it); a table is absent only when nothing at all is at its path.
    """
    out: dict[str, str] = {}
    if path is not None:
        folder = _files.input_folder(path, f"a folder holding persons.{ext}")
        for t in TABLES:
            f = _files.optional_input(folder / f"{t}.{ext}", f"the {t} table, a {_KIND[ext]} file")
            if f is not None:
                out[t] = str(f)
    for t, p in given.items():
        if p is not None:
            out[t] = str(_files.input_file(p, f"the {t} table, a {_KIND[ext]} file"))
    if "persons" not in out:
        where = f" in {path}" if path is not None else ""
        raise FileNotFoundError(
            errno.ENOENT, f"persons.{ext} not found{where} (the persons table is required)"
        )
    return out


def _read_parquet(path: str, table: str) -> pd.DataFrame:
    """A Parquet file as a DataFrame; a file pyarrow cannot read is a DataError naming it."""
    from ._extras import require

    require("parquet", feature="reading Parquet files")
    import pyarrow as pa
    import pyarrow.parquet as pq

    with _files.open_input(path, f"the {table} table, a Parquet file") as f:
        try:
            frame: pd.DataFrame = pq.read_table(f).to_pandas()
            return frame
        except (pa.ArrowException, ValueError, EOFError) as e:
            issue = DataIssue(
                "error",
                "parse.parquet",
                Path(path).name,
                0,
                "",
                "",
                f"not a readable Parquet file: {shown(e, 300)}",
            )
            raise DataError(f"1 error in the input:\n  {issue}", [issue]) from None


def quarantine_block(counts: Mapping[str, int], min_cell: int = 10) -> dict[str, int | str]:
    """Quarantined entries by rule and in ``total``, each count below ``min_cell`` (and above
    zero) shown as ``"<min_cell>"``: the shape of the ``quarantined`` entries of
    :meth:`Dataset.summary`, the JSON ``dataset`` block and the report overview."""

    def cell(n: int) -> int | str:
        # a zero is shown: no entry was quarantined under that rule
        return f"<{min_cell}" if disclosure.count_hidden(n, min_cell, zero_is_small=False) else int(n)

    out: dict[str, int | str] = {rule: cell(n) for rule, n in sorted(counts.items())}
    out["total"] = cell(sum(counts.values()))
    return out


class Dataset:
    """Persons, their family links, incidents and organisation contacts, validated.

    Build one with :meth:`from_csv`, :meth:`from_pandas`, :meth:`from_parquet` (or, later,
    ``famgraph.synth.generate``). Loading validates every rule of the data contract and raises
    :class:`famgraph.DataError` listing every problem (file, line, column, value); nothing is
    half-loaded. Warnings (e.g. persons without a birth date) are kept in :attr:`warnings`.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.Dataset.from_csv("examples/data")          # doctest: +SKIP
    >>> ds.graph.kinship(201, 202)                          # doctest: +SKIP
    0.25
    """

    def __init__(self, core: _core.Dataset, *, origin: str = "") -> None:
        self._core = core
        self.origin = origin
        #: How the loader treated invalid records: "raise" or "quarantine".
        self.on_error: str = "raise"
        # A format reader (GEDCOM, PED) replaces the core's quarantine by one located in its file.
        self._quarantine_frame: pd.DataFrame | None = None
        #: For synthetic datasets: planted parameters and complete-data values (truth.json).
        self.truth: dict[str, Any] | None = None
        #: For synthetic datasets generated with ``design_detail=True``: one row per eligible
        #: person of the matched pathway design, from the simulation state (docs/validity.md).
        self.truth_design: Any = None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_csv(
        cls,
        path: PathLike | None = None,
        *,
        persons: PathLike | None = None,
        partnerships: PathLike | None = None,
        events: PathLike | None = None,
        contacts: PathLike | None = None,
        missing_parents: MissingParents = "strict",
        max_errors: int = 100,
        on_error: OnError = "raise",
        min_year: int = MIN_YEAR,
        max_year: int = MAX_YEAR,
        sep: str | None = None,
        encoding: str = "utf-8",
        date_format: str = "ISO",
        columns: Mapping[str, str] | None = None,
    ) -> Dataset:
        """Load the tables from CSV files.

        ``path`` is a folder with ``persons.csv`` and optionally ``partnerships.csv``,
        ``events.csv`` and ``contacts.csv``; or give each file explicitly. ``missing_parents="add"``
        turns parent ids that are not in persons into founders of unknown sex and birth date.

        ``on_error="quarantine"`` keeps every valid record and sets aside each invalid one and
        what depends on it (:attr:`quarantine`); the default ``"raise"`` loads nothing and raises
        :class:`~famgraph.DataError` with every problem (docs/data_quality.md). ``min_year`` and
        ``max_year`` bound the accepted years. The dialect of an export (docs/data_formats.md):
        ``sep`` (``,`` ``;`` ``\\t`` ``|``; detected from the header when None), ``encoding``
        (``utf-8``, ``utf-8-sig``, or the explicit opt-in ``cp1252``/``latin-1``), ``date_format``
        (``ISO``, ``%d-%m-%Y``, ``%d/%m/%Y``, ``%Y%m%d``) and ``columns`` (file header -> famgraph
        column, e.g. ``{"CLIENT_ID": "person_id"}``; headers match case-insensitively anyway).

        Example
        -------
        >>> import famgraph as fg
        >>> ds = fg.Dataset.from_csv("export", sep=";", date_format="%d-%m-%Y",
        ...                          columns={"CLIENT_ID": "person_id"},
        ...                          on_error="quarantine")                   # doctest: +SKIP
        >>> ds.quarantine[["rule", "file", "line", "column", "value"]]       # doctest: +SKIP
        """
        _check_missing_parents(missing_parents)
        _check_on_error(on_error)
        _check_years(min_year, max_year)
        files = _resolve_paths(
            path,
            "csv",
            {"persons": persons, "partnerships": partnerships, "events": events, "contacts": contacts},
        )
        core = _core.load_csv(
            files["persons"],
            files.get("partnerships"),
            files.get("events"),
            files.get("contacts"),
            missing_parents,
            max_errors,
            on_error=on_error,
            min_year=int(min_year),
            max_year=int(max_year),
            date_format=date_format,
            sep=_sep(sep),
            encoding=encoding,
            columns={str(k): str(v) for k, v in (columns or {}).items()},
        )
        ds = cls(core, origin=str(path if path is not None else files["persons"]))
        ds.on_error = on_error
        return ds

    @classmethod
    def from_pandas(
        cls,
        persons: pd.DataFrame,
        partnerships: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        contacts: pd.DataFrame | None = None,
        *,
        missing_parents: MissingParents = "strict",
        max_errors: int = 100,
        labels: Mapping[str, str] | None = None,
        on_error: OnError = "raise",
        min_year: int = MIN_YEAR,
        max_year: int = MAX_YEAR,
        date_format: str = "ISO",
        columns: Mapping[str, str] | None = None,
        rejects: Mapping[str, list[tuple[int, str, str, str, str]]] | None = None,
    ) -> Dataset:
        """Build from DataFrames with the documented column names (extra columns are ignored).

        Ids may be integer, nullable ``Int64`` or text columns; dates ``datetime64`` or text
        (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, or ``date_format``). Errors name the table, the
        row (position + 2, as the line of a CSV export), the column and the value. ``on_error``,
        ``min_year``, ``max_year`` and ``columns`` as in :meth:`from_csv`. ``rejects`` (for format
        readers) names rows already found invalid: ``{table: [(row, rule, column, value,
        message)]}``; they are set aside (quarantine) or reported (raise) like any other problem.

        Example
        -------
        >>> import pandas as pd, famgraph as fg
        >>> persons = pd.DataFrame({"person_id": [1, 2, 3], "sex": ["F", "M", "F"],
        ...     "birth_date": ["1960", "1958", "1990-04-02"], "exit_date": [None] * 3,
        ...     "mother_id": [None, None, 1], "father_id": [None, None, 2]})
        >>> fg.Dataset.from_pandas(persons).graph.kinship(1, 3)
        0.25
        """
        _check_missing_parents(missing_parents)
        _check_on_error(on_error)
        _check_years(min_year, max_year)
        frames = {"persons": persons, "partnerships": partnerships, "events": events, "contacts": contacts}
        tables: dict[str, Any] = {}
        names: dict[str, str] = {}
        for t, df in frames.items():
            if df is None:
                continue
            tables[t] = frame_to_columns(t, rename_columns(df, t, columns))
            names[t] = (labels or {}).get(t, f"{t} (DataFrame)")
        core = _core.build_from_columns(
            tables,
            names,
            missing_parents,
            max_errors,
            on_error=on_error,
            min_year=int(min_year),
            max_year=int(max_year),
            date_format=date_format,
            rejects={t: list(r) for t, r in (rejects or {}).items() if t in tables},
        )
        ds = cls(core, origin="pandas")
        ds.on_error = on_error
        return ds

    @classmethod
    def from_parquet(
        cls,
        path: PathLike | None = None,
        *,
        persons: PathLike | None = None,
        partnerships: PathLike | None = None,
        events: PathLike | None = None,
        contacts: PathLike | None = None,
        missing_parents: MissingParents = "strict",
        max_errors: int = 100,
        on_error: OnError = "raise",
        min_year: int = MIN_YEAR,
        max_year: int = MAX_YEAR,
        date_format: str = "ISO",
        columns: Mapping[str, str] | None = None,
    ) -> Dataset:
        """Load the tables from Parquet files (a folder with ``persons.parquet`` etc., or explicit files).

        ``on_error``, ``min_year``, ``max_year``, ``date_format`` and ``columns`` as in :meth:`from_csv`.
        """
        _check_missing_parents(missing_parents)
        files = _resolve_paths(
            path,
            "parquet",
            {"persons": persons, "partnerships": partnerships, "events": events, "contacts": contacts},
        )
        frames = {t: _read_parquet(f, t) for t, f in files.items()}
        labels = {t: Path(f).name for t, f in files.items()}
        ds = cls.from_pandas(
            frames["persons"],
            frames.get("partnerships"),
            frames.get("events"),
            frames.get("contacts"),
            missing_parents=missing_parents,
            max_errors=max_errors,
            labels=labels,
            on_error=on_error,
            min_year=min_year,
            max_year=max_year,
            date_format=date_format,
            columns=columns,
        )
        ds.origin = str(path if path is not None else files["persons"])
        return ds

    # ------------------------------------------------------------------ exports
    def to_csv(self, folder: PathLike) -> Path:
        """Write the four tables as CSV into ``folder`` (created; each file written atomically)."""
        return self._write(folder, "csv")

    def to_parquet(self, folder: PathLike) -> Path:
        """Write the four tables as Parquet into ``folder`` (created; each file written atomically)."""
        return self._write(folder, "parquet")

    def _write(self, folder: PathLike, fmt: str) -> Path:
        if fmt == "parquet":
            from ._extras import require

            require("parquet", feature="writing Parquet files")
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for t in TABLES:
            df: pd.DataFrame = getattr(self, t)
            with _files.output_file(out / f"{t}.{fmt}") as f:
                if fmt == "csv":
                    df.to_csv(f, index=False)
                else:
                    df.to_parquet(f, index=False)
        return out

    # ------------------------------------------------------------------ tables
    def _ids(self, idx: np.ndarray) -> pd.Series:
        ids = self._core.persons_columns()["person_id"]
        none = idx == np.iinfo(np.uint32).max
        out = pd.array(np.where(none, 0, ids[np.where(none, 0, idx)]), dtype="Int64")
        out[none] = pd.NA
        return pd.Series(out)

    @cached_property
    def persons(self) -> pd.DataFrame:
        """The persons table (sorted by ``person_id``); dates as ISO text at their recorded precision."""
        c = self._core.persons_columns()
        return pd.DataFrame(
            {
                "person_id": c["person_id"],
                "sex": _SEX[c["sex"]],
                "birth_date": _core.format_dates(c["birth_day"], c["birth_precision"]),
                "exit_date": _core.format_dates(c["exit_day"], c["exit_precision"]),
                "mother_id": self._ids(c["mother"]),
                "father_id": self._ids(c["father"]),
            }
        )

    @cached_property
    def partnerships(self) -> pd.DataFrame:
        """The partnerships table."""
        c = self._core.partnerships_columns()
        ids = self._core.persons_columns()["person_id"]
        return pd.DataFrame(
            {
                "person_a": ids[c["a"]],
                "person_b": ids[c["b"]],
                "start_date": _core.format_dates(c["start_day"], c["start_precision"]),
                "end_date": _core.format_dates(c["end_day"], c["end_precision"]),
            },
            columns=list(TABLE_COLUMNS["partnerships"]),
        )

    @cached_property
    def events(self) -> pd.DataFrame:
        """One row per participant of an incident, sorted by person and date."""
        c = self._core.events_columns()
        ids = self._core.persons_columns()["person_id"]
        kinds = np.array(self._core.kinds, dtype=object)
        sources = np.array(self._core.sources, dtype=object)
        return pd.DataFrame(
            {
                "incident_id": c["incident_id"][c["incident"]]
                if len(c["incident"])
                else np.empty(0, np.int64),
                "person_id": ids[c["person"]],
                "role": _ROLES[c["role"]],
                "date": _core.format_dates(c["day"], c["precision"]),
                "kind": kinds[c["kind"]] if len(kinds) else np.empty(0, object),
                "source": sources[c["source"]] if len(sources) else np.empty(0, object),
            },
            columns=list(TABLE_COLUMNS["events"]),
        )

    @cached_property
    def contacts(self) -> pd.DataFrame:
        """Contacts with organisations, sorted by person and start date."""
        c = self._core.contacts_columns()
        ids = self._core.persons_columns()["person_id"]
        kinds = np.array(self._core.kinds, dtype=object)
        sources = np.array(self._core.sources, dtype=object)
        return pd.DataFrame(
            {
                "person_id": ids[c["person"]],
                "source": sources[c["source"]] if len(sources) else np.empty(0, object),
                "start_date": _core.format_dates(c["start_day"], c["start_precision"]),
                "end_date": _core.format_dates(c["end_day"], c["end_precision"]),
                "kind": kinds[c["kind"]] if len(kinds) else np.empty(0, object),
            },
            columns=list(TABLE_COLUMNS["contacts"]),
        )

    # ------------------------------------------------------------------ graph & metadata
    @cached_property
    def graph(self) -> FamilyGraph:
        """The family graph over the persons (built on first use)."""
        from .graph import FamilyGraph

        return FamilyGraph(self)

    def resolve_window(self, start: int | None = None, end: int | None = None) -> tuple[int, int]:
        """The indicator window as inclusive day numbers: a missing end is the first / last event
        date (the core's rule, docs/spec/common_rules.md). ``ValueError`` when an end is missing
        and there are no events, or when the end is before the start.

        Example
        -------
        >>> import famgraph as fg
        >>> ds = fg.synth.generate(persons=500, seed=1)
        >>> ws, we = ds.resolve_window()
        >>> ws <= we
        True
        """
        ws, we = _core.indicators.resolve_window(self._core, start, end)
        return int(ws), int(we)

    @property
    def n_persons(self) -> int:
        return int(self._core.n_persons)

    @property
    def n_events(self) -> int:
        return int(self._core.n_events)

    @property
    def n_incidents(self) -> int:
        return int(self._core.n_incidents)

    @property
    def organisations(self) -> list[str]:
        """Organisation codes found in events and contacts, sorted (outputs must not depend on the
        order of the input rows)."""
        return sorted(self._core.sources)

    @property
    def source_codes(self) -> list[str]:
        """Organisation names in the order of their codes in :meth:`columns` (``source``).

        Example
        -------
        >>> import famgraph as fg
        >>> ds = fg.synth.generate(persons=500, seed=1)
        >>> sorted(ds.source_codes) == ds.organisations
        True
        """
        return list(self._core.sources)

    @property
    def kind_codes(self) -> list[str]:
        """Event and contact kinds in the order of their codes in :meth:`columns` (``kind``)."""
        return list(self._core.kinds)

    def columns(self, table: str) -> dict[str, np.ndarray]:
        """The stored columns of one table (``persons``, ``partnerships``, ``events`` or
        ``contacts``) as NumPy arrays: person *indices* (not ids; ``famgraph._rules.NO_INDEX`` for
        none), day numbers with their precision (``famgraph._rules.NO_DAY`` when missing), and
        codes for sex, role and organisation. The tables as users read them are :attr:`persons`,
        :attr:`events`, ….

        Example
        -------
        >>> import famgraph as fg
        >>> ds = fg.synth.generate(persons=500, seed=1)
        >>> len(ds.columns("persons")["person_id"]) == ds.n_persons
        True
        """
        if table not in TABLES:
            raise ValueError(f"table={table!r} (expected one of {', '.join(TABLES)})")
        cols: dict[str, np.ndarray] = getattr(self._core, f"{table}_columns")()
        return cols

    @property
    def warning_issues(self) -> list[DataIssue]:
        """The examples of :attr:`warnings` as :class:`~famgraph.DataIssue` objects."""
        return list(self._core.warnings)

    @property
    def warnings(self) -> pd.DataFrame:
        """Examples of each warning found while loading (the first 100 per rule)."""
        cols = ["severity", "rule", "file", "line", "column", "value", "message"]
        return pd.DataFrame([w.to_dict() for w in self._core.warnings], columns=cols)

    @property
    def warning_counts(self) -> dict[str, int]:
        """Number of occurrences of each warning rule."""
        return dict(self._core.warning_counts)

    @cached_property
    def quarantine(self) -> pd.DataFrame:
        """Records set aside by ``on_error="quarantine"`` (empty otherwise), one row per record.

        Columns: ``table``; ``action`` (``"record"``: the row was left out; ``"link"``: a
        ``mother_id``/``father_id`` was dropped and the person kept); ``rule``, ``file``, ``line``,
        ``column``, ``value`` and ``message`` of the record's first problem (a record that only
        depends on a quarantined one has the rule ``cascade.person_quarantined`` or
        ``cascade.parent_quarantined``); ``record``, the record's fields as read, comma-separated in
        the documented column order. Sorted by table, then line. **Secure environment only**: the
        rows are the input's own records.

        Example
        -------
        >>> import famgraph as fg
        >>> ds = fg.Dataset.from_csv("tests/fixtures/invalid/parse_date",
        ...                          on_error="quarantine")                   # doctest: +SKIP
        >>> ds.quarantine.rule.tolist()                                      # doctest: +SKIP
        ['parse.date']
        """
        if self._quarantine_frame is not None:
            return self._quarantine_frame
        rows = self.quarantine_rows()
        df = pd.DataFrame(rows, columns=list(QUARANTINE_COLUMNS))
        for c in QUARANTINE_COLUMNS:
            if c != "line":
                df[c] = df[c].astype(object)
        df["line"] = df["line"].astype(np.int64)
        return df

    def quarantine_rows(self) -> list[tuple[Any, ...]]:
        """The core's quarantine entries as tuples in the order of ``QUARANTINE_COLUMNS`` (the rows
        of :attr:`quarantine` before a format reader maps them to its own file)."""
        return list(self._core.quarantine)

    @property
    def quarantine_counts(self) -> dict[str, int]:
        """Number of quarantined entries by rule (empty when nothing was set aside)."""
        if self._quarantine_frame is not None:
            return {
                str(k): int(v) for k, v in self._quarantine_frame["rule"].value_counts().sort_index().items()
            }
        return dict(self._core.quarantine_counts)

    @property
    def n_quarantined(self) -> int:
        """Number of quarantined entries (records left out plus parent links dropped)."""
        return int(sum(self.quarantine_counts.values()))

    def memory_bytes(self) -> int:
        """Bytes held by the C++ tables."""
        return int(self._core.memory_bytes())

    def summary(self) -> dict[str, Any]:
        """Descriptive counts: persons, generations, components, inbreeding, incidents by role.

        These describe the data for its holder; they are not disclosure-controlled indicator cells.
        After ``on_error="quarantine"``, the key ``quarantined`` gives the number of entries set aside by
        rule, with counts below ``min_cell`` shown as ``"<10"`` (the default threshold of
        docs/disclosure.md), so that the summary can be shown as it is.
        """
        out = self.graph._summary()
        if self.on_error == "quarantine":
            out["quarantined"] = quarantine_block(self.quarantine_counts)
        return out

    def __len__(self) -> int:
        return self.n_persons

    def __repr__(self) -> str:
        return (
            f"<famgraph.Dataset: {self.n_persons} persons, {self.n_incidents} incidents "
            f"({self.n_events} event rows), {len(self.organisations)} organisations>"
        )
