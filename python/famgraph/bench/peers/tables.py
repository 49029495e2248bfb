"""Reading the four tables with pandas, and the date rules of docs/spec/common_rules.md §dates.

Dates become float day numbers since 1970-01-01 (NaN = missing), so every rule is a vectorised
comparison: ``YYYY-MM-DD`` is that day, ``YYYY-MM`` the 15th, ``YYYY`` 1 July; the 18th birthday is
the same month and day 18 years later (29 February → 28 February, which is what
``pd.DateOffset(years=18)`` does).

Example
-------
>>> t = load("/tmp/pop/csv", "csv")                              # doctest: +SKIP
>>> t.persons[["person_id", "birth", "exit", "b18"]].head()       # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

EPOCH = pd.Timestamp("1970-01-01")

DATE_COLUMNS: dict[str, dict[str, str]] = {
    "persons": {"birth_date": "birth", "exit_date": "exit"},
    "partnerships": {"start_date": "start", "end_date": "end"},
    "events": {"date": "day"},
    "contacts": {"start_date": "start", "end_date": "end"},
}
CSV_DTYPES: dict[str, dict[str, str]] = {
    "persons": {
        "person_id": "int64",
        "sex": "string",
        "birth_date": "string",
        "exit_date": "string",
        "mother_id": "Int64",
        "father_id": "Int64",
    },
    "partnerships": {"person_a": "int64", "person_b": "int64", "start_date": "string", "end_date": "string"},
    "events": {
        "incident_id": "int64",
        "person_id": "int64",
        "role": "string",
        "date": "string",
        "kind": "string",
        "source": "string",
    },
    "contacts": {
        "person_id": "int64",
        "source": "string",
        "start_date": "string",
        "end_date": "string",
        "kind": "string",
    },
}


@dataclass
class Tables:
    """The four tables; date columns replaced by day numbers (``birth``, ``exit``, ``b18``, ``day``,
    ``start``, ``end``)."""

    persons: pd.DataFrame
    partnerships: pd.DataFrame
    events: pd.DataFrame
    contacts: pd.DataFrame

    def window(self) -> tuple[float, float]:
        """The default window: first to last event date over all rows."""
        return float(self.events["day"].min()), float(self.events["day"].max())

    def memory_bytes(self) -> dict[str, int]:
        return {
            name: int(getattr(self, name).memory_usage(deep=True).sum())
            for name in ("persons", "partnerships", "events", "contacts")
        }


def to_days(text: pd.Series) -> pd.Series:
    """ISO dates at day, month or year precision → float day numbers (NaN when empty)."""
    s = text.astype("string")
    n = s.str.len()
    full = s.where(n != 7, s + "-15").where(n != 4, s + "-07-01")
    d = pd.to_datetime(full, format="%Y-%m-%d")
    return (d - EPOCH) / pd.Timedelta(days=1)


def eighteenth_birthday(birth: pd.Series) -> pd.Series:
    """Day number of the 18th birthday (NaN when the birth date is unknown)."""
    d = EPOCH + pd.to_timedelta(birth, unit="D")
    return (d + pd.DateOffset(years=18) - EPOCH) / pd.Timedelta(days=1)


def read_table(folder: Path, name: str, fmt: str) -> pd.DataFrame | None:
    path = folder / f"{name}.{fmt}"
    if not path.exists():
        return None
    if fmt == "csv":
        return pd.read_csv(path, dtype=CSV_DTYPES[name])
    df = pd.read_parquet(path)
    for col in ("mother_id", "father_id"):
        if col in df:
            df[col] = df[col].astype("Int64")
    return df


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in CSV_DTYPES[name].items()})


def prepare(frames: dict[str, pd.DataFrame | None]) -> Tables:
    """Parse the dates of raw tables (as read from CSV/Parquet) into day numbers."""
    out: dict[str, pd.DataFrame] = {}
    for name, cols in DATE_COLUMNS.items():
        df = frames.get(name)
        df = _empty(name) if df is None else df
        for col, new in cols.items():
            df[new] = to_days(df[col])
        out[name] = df.drop(columns=list(cols))
    out["persons"]["b18"] = eighteenth_birthday(out["persons"]["birth"])
    return Tables(out["persons"], out["partnerships"], out["events"], out["contacts"])


def load(folder: str | Path, fmt: str = "csv") -> Tables:
    """Read ``persons``, ``partnerships``, ``events``, ``contacts`` (``.csv`` or ``.parquet``)."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt={fmt!r} (expected 'csv' or 'parquet')")
    folder = Path(folder)
    if not (folder / f"persons.{fmt}").exists():
        raise FileNotFoundError(f"{folder / f'persons.{fmt}'}: not found (the persons table is required)")
    return prepare({name: read_table(folder, name, fmt) for name in DATE_COLUMNS})


def in_window(events: pd.DataFrame, ws: float, we: float) -> pd.DataFrame:
    """Event rows dated in [ws, we] (both ends inclusive)."""
    return events[(events["day"] >= ws) & (events["day"] <= we)]


def last_day(persons: pd.DataFrame) -> pd.Series:
    """Exit date, +inf when still observed (exit is inclusive)."""
    return persons["exit"].fillna(np.inf)


def observed(persons: pd.DataFrame, ws: float, we: float) -> pd.Series:
    """Observed on at least one day of the window; no birth date counts as born before ws."""
    start = persons["birth"].fillna(-np.inf).clip(lower=ws)
    return start <= np.minimum(last_day(persons), we)


def parent_links(persons: pd.DataFrame) -> pd.DataFrame:
    """One row per recorded (child, parent): columns ``person_id``, ``parent``."""
    parts = []
    for col in ("mother_id", "father_id"):
        known = persons.loc[persons[col].notna(), ["person_id", col]]
        parts.append(pd.DataFrame({"person_id": known["person_id"], "parent": known[col].astype("int64")}))
    return pd.concat(parts, ignore_index=True)
