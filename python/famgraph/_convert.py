"""Conversion of pandas DataFrames into the column tuples the C++ loader validates.

Numeric id columns and datetime columns take a fast typed path; everything else is handed over
as text and parsed by the same C++ field parsers as CSV input, so errors read the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

ID_COLUMNS = {"person_id", "mother_id", "father_id", "person_a", "person_b", "incident_id"}
DATE_COLUMNS = {"birth_date", "exit_date", "start_date", "end_date", "date"}
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"),
    "partnerships": ("person_a", "person_b", "start_date", "end_date"),
    "events": ("incident_id", "person_id", "role", "date", "kind", "source"),
    "contacts": ("person_id", "source", "start_date", "end_date", "kind"),
}
_I64_MAX = float(2**63)


def _as_text(s: pd.Series) -> tuple[str, list[str | None]]:
    out: list[str | None] = []
    for v in s.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            out.append(None)
        elif isinstance(v, pd.Timestamp):
            out.append(v.strftime("%Y-%m-%d"))
        elif hasattr(v, "isoformat") and not isinstance(v, str):
            out.append(v.isoformat()[:10])
        elif isinstance(v, (bytes, bytearray)):
            out.append(bytes(v).decode("utf-8", errors="backslashreplace"))
        else:
            out.append(str(v))
    return ("str", out)


def _float_text(x: float) -> str | None:
    if np.isnan(x):
        return None
    if np.isfinite(x) and x == np.floor(x) and abs(x) < _I64_MAX:
        return str(int(x))
    return repr(x)


def _id_column(s: pd.Series) -> tuple[Any, ...]:
    if pd.api.types.is_bool_dtype(s.dtype):
        return _as_text(s)
    if pd.api.types.is_unsigned_integer_dtype(s.dtype):
        present = ~s.isna().to_numpy()
        big = s.to_numpy(dtype=np.float64, na_value=0) >= _I64_MAX
        if big[present].any():
            # Ids beyond int64: hand them over as text so the loader reports each one.
            return _as_text(s.astype("object"))
    if pd.api.types.is_integer_dtype(s.dtype):
        mask = ~s.isna().to_numpy()
        values = s.to_numpy(dtype=np.int64, na_value=0)
        return ("int", values, mask)
    if pd.api.types.is_float_dtype(s.dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        present = ~np.isnan(v)
        finite = v[present]
        if (
            np.all(np.isfinite(finite))
            and np.all(finite == np.floor(finite))
            and np.all(np.abs(finite) < _I64_MAX)
        ):
            return ("int", np.where(present, v, 0).astype(np.int64), present)
        # Let the C++ parser report the offending values row by row.
        return ("str", [_float_text(float(x)) for x in v])
    return _as_text(s)


def _date_column(s: pd.Series) -> tuple[Any, ...]:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        nat = s.isna().to_numpy()
        days = s.to_numpy(dtype="datetime64[D]").astype("int64")
        days = np.where(nat, 0, days).astype(np.int32)
        prec = np.where(nat, 0, 3).astype(np.uint8)
        return ("days", days, prec)
    return _as_text(s)


def frame_to_columns(table: str, df: Any) -> dict[str, tuple[Any, ...]]:
    """Column tuples for one table; extra columns are ignored, missing ones reported by C++."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{table}: expected a pandas DataFrame, got {type(df).__name__}")
    cols: dict[str, tuple[Any, ...]] = {}
    for name in TABLE_COLUMNS[table]:
        if name not in df.columns:
            continue
        s = df[name]
        if isinstance(s, pd.DataFrame):
            raise ValueError(f"{table}: column '{name}' appears more than once")
        if name in ID_COLUMNS:
            cols[name] = _id_column(s)
        elif name in DATE_COLUMNS:
            cols[name] = _date_column(s)
        else:
            cols[name] = _as_text(s)
    return cols
