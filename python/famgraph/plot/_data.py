"""Day numbers and the observation window, read from a dataset for the dataset-level plots.

No rule lives here: the "no date" marker, date parsing and formatting, ages and the default window
are the core's (famgraph._rules, ``Dataset.resolve_window``; docs/architecture.md).
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from .. import _rules

if TYPE_CHECKING:
    from ..dataset import Dataset

#: The stored "no date" day number (the core's marker).
NO_DAY: Final = _rules.NO_DAY


def day_of(value: object, what: str) -> int:
    """A day number (days since 1970-01-01) from an ISO ``YYYY-MM-DD`` text or a date."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        value = value.isoformat()
    if isinstance(value, str):
        day = _rules.day_number(value)
        if day is not None:
            return day
    raise ValueError(f"{what}: {value!r} is not a date (expected YYYY-MM-DD or a datetime.date)")


def iso(day: int) -> str:
    """``YYYY-MM-DD`` of a day number."""
    return _rules.iso_day(day)


def resolve_window(ds: Dataset, window: Any) -> tuple[int, int] | None:
    """The window as inclusive day numbers, parsed and resolved as the indicators do.

    ``window`` is ``None``, a ``(start, end)`` pair or ``"START:END"`` (ISO dates, ``YYYY`` and
    ``YYYY-MM`` allowed, either end may be empty); a missing end is the first / last event date.
    Returns ``None`` when an end is missing and the dataset has no events.
    """
    from ..indicators import parse_window

    ws, we = parse_window(window)
    if (ws is None or we is None) and ds.n_events == 0:
        return None
    try:
        return ds.resolve_window(ws, we)
    except ValueError as e:
        raise ValueError(f"window={window!r}: {e}") from None


def completed_years(birth: np.ndarray, at: int) -> np.ndarray:
    """Age in completed years on day ``at`` of each birth day number (the core's calendar rule)."""
    return _rules.completed_years(birth, at)
