"""The core's shared rules and names for the Python layers (an adapter: the C++ core decides).

The "no value" markers, role, sex and relation names, the defaults every indicator shares, and the
date rules (include/famgraph/date.hpp, indicators/common.hpp) are read from ``famgraph._core``
here, once; no other module restates them (tests/python/test_architecture.py).

famgraph dates are ``YYYY-MM-DD``, ``YYYY-MM`` (imputed to the 15th) or ``YYYY`` (imputed to 1
July), as day numbers since 1970-01-01; docs/spec/common_rules.md §dates. Every module that reads
or checks a date in text goes through here, so that the rule exists once, in C++.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np
import numpy.typing as npt

from . import _core

__all__ = [
    "DEFAULT_CASE_ROLES",
    "DEFAULT_EXPOSURE_ROLES",
    "DEFAULT_RECURRENCE_RELATIONS",
    "MAX_YEAR",
    "MAX_YEAR_LIMIT",
    "MIN_YEAR",
    "MIN_YEAR_LIMIT",
    "NO_DAY",
    "NO_INDEX",
    "RELATIONS",
    "ROLES",
    "SEXES",
    "VERSION",
    "completed_years",
    "date_bounds",
    "date_status",
    "day_number",
    "iso_day",
]

#: The version of the compiled core (famgraph.__version__).
VERSION: Final[str] = str(_core.__version__)
#: The stored "no date" day number.
NO_DAY: Final[int] = int(_core.indicators.NO_DAY)
#: The "no person" index (an unknown mother or father in the core's columns).
NO_INDEX: Final[int] = int(_core.indicators.NO_INDEX)
#: Event roles, in the core's code order.
ROLES: Final[tuple[str, ...]] = tuple(_core.indicators.ROLES)
#: Sex codes, in the core's code order.
SEXES: Final[tuple[str, ...]] = tuple(_core.indicators.SEXES)
#: Named relations (famgraph/relations.hpp), in the core's order.
RELATIONS: Final[tuple[str, ...]] = tuple(_core.RELATIONS)
#: Roles that count as childhood exposure by default (indicators 1 and 7, the feature table).
DEFAULT_EXPOSURE_ROLES: Final[tuple[str, ...]] = tuple(_core.indicators.DEFAULT_EXPOSURE_ROLES)
#: Roles that make a case by default (indicator 4).
DEFAULT_CASE_ROLES: Final[tuple[str, ...]] = tuple(_core.indicators.DEFAULT_CASE_ROLES)
#: Relations of indicator 4 by default.
DEFAULT_RECURRENCE_RELATIONS: Final[tuple[str, ...]] = tuple(_core.indicators.DEFAULT_RECURRENCE_RELATIONS)
#: Years accepted in register input by default.
MIN_YEAR: Final[int] = int(_core.MIN_YEAR)
MAX_YEAR: Final[int] = int(_core.MAX_YEAR)
#: The widest years any date may have (a four-digit year).
MIN_YEAR_LIMIT: Final[int] = int(_core.MIN_YEAR_LIMIT)
MAX_YEAR_LIMIT: Final[int] = int(_core.MAX_YEAR_LIMIT)


def date_bounds(
    values: Iterable[object], min_year: int = MIN_YEAR, max_year: int = MAX_YEAR
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(valid, first day, last day, imputed day) of each value; a value that is not a ``str`` holding
    a famgraph date (surrounding spaces and tabs ignored) is not valid and has days 0.

    Example
    -------
    >>> ok, lo, hi, day = date_bounds(["1970-02", "x", None])
    >>> ok.tolist(), int(lo[0]), int(hi[0]), int(day[0])
    ([True, False, False], 31, 58, 45)
    """
    ok, lo, hi, day = _core.date_bounds(list(values), min_year, max_year)
    return ok, lo, hi, day


def date_status(iso: str, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> str:
    """``'valid'``, ``'out_of_range'`` (a calendar date, year outside [min_year, max_year]) or
    ``'invalid'``.

    Example
    -------
    >>> date_status("2023-02-29"), date_status("1500-01-01"), date_status("2024-02-29")
    ('invalid', 'out_of_range', 'valid')
    """
    return str(_core.date_status(iso, min_year, max_year))


def day_number(text: str) -> int | None:
    """The day number of a full ``YYYY-MM-DD`` date (any year 1–9999; spaces around ignored), or
    None.

    Example
    -------
    >>> day_number("1970-01-02"), day_number("1970-01"), day_number("1970-02-30")
    (1, None, None)
    """
    ok, lo, hi, day = _core.date_bounds([text], MIN_YEAR_LIMIT, MAX_YEAR_LIMIT)
    if not ok[0] or lo[0] != hi[0]:
        return None
    return int(day[0])


def iso_day(day: int) -> str:
    """``YYYY-MM-DD`` of a day number.

    Example
    -------
    >>> iso_day(0)
    '1970-01-01'
    """
    text = _core.format_dates(np.array([day], dtype=np.int32), np.array([3], dtype=np.uint8))[0]
    return str(text)


def completed_years(birth: npt.ArrayLike, at: int) -> npt.NDArray[np.int64]:
    """Age in completed years on day ``at`` of each birth day number (all known and ``<= at``).

    Example
    -------
    >>> completed_years([0, 59], 365 + 58).tolist()  # born 1970-01-01 and 1970-03-01, on 1971-02-28
    [1, 0]
    """
    out: npt.NDArray[np.int64] = _core.completed_years(np.asarray(birth, dtype=np.int64), int(at))
    return out
