"""Day numbers and the observation window, read from a dataset for the dataset-level plots."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from ..dataset import Dataset

#: The stored "no date" day number.
NO_DAY: Final = int(np.iinfo(np.int32).min)
_EPOCH: Final = _dt.date(1970, 1, 1)


def day_of(value: object, what: str) -> int:
    """A day number (days since 1970-01-01) from an ISO ``YYYY-MM-DD`` text or a date."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return (value - _EPOCH).days
    if isinstance(value, str):
        try:
            return (_dt.date.fromisoformat(value.strip()) - _EPOCH).days
        except ValueError:
            pass
    raise ValueError(f"{what}: {value!r} is not a date (expected YYYY-MM-DD or a datetime.date)")


def iso(day: int) -> str:
    """``YYYY-MM-DD`` of a day number."""
    return (_EPOCH + _dt.timedelta(days=int(day))).isoformat()


def resolve_window(ds: Dataset, window: Any) -> tuple[int, int] | None:
    """The window as inclusive day numbers, parsed as the indicators parse it.

    ``window`` is ``None``, a ``(start, end)`` pair or ``"START:END"`` (ISO dates, ``YYYY`` and
    ``YYYY-MM`` allowed, either end may be empty); a missing end is the first / last event date.
    Returns ``None`` when an end is missing and the dataset has no events.
    """
    from ..indicators import parse_window

    ws, we = parse_window(window)
    if ws is None or we is None:
        days = ds._core.events_columns()["day"]
        if len(days) == 0:
            return None
        ws = int(days.min()) if ws is None else ws
        we = int(days.max()) if we is None else we
    if we < ws:
        raise ValueError(f"window={window!r}: the end {iso(we)} is before the start {iso(ws)}")
    return int(ws), int(we)


def completed_years(birth: np.ndarray, at: int) -> np.ndarray:
    """Age in completed years on day ``at`` of each birth day number (vectorised, calendar exact)."""
    b = np.asarray(birth, dtype="int64").astype("datetime64[D]")
    a = np.datetime64(int(at), "D")
    by = b.astype("datetime64[Y]").astype(np.int64) + 1970
    bm = b.astype("datetime64[M]").astype(np.int64) % 12
    bd = (b - b.astype("datetime64[M]")).astype(np.int64)
    ay = int(a.astype("datetime64[Y]").astype(np.int64)) + 1970
    am = int(a.astype("datetime64[M]").astype(np.int64)) % 12
    ad = int((a - a.astype("datetime64[M]")).astype(np.int64))
    before = (bm > am) | ((bm == am) & (bd > ad))
    out: np.ndarray = ay - by - before.astype(np.int64)
    return out
