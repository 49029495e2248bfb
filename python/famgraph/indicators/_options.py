"""Validation of the options every indicator shares (docs/spec/common_rules.md): one clear error per bad
option, naming the option, the value and what is allowed."""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

from .. import _rules, disclosure
from .._errors import shown


def _q(value: Any) -> str:
    """``repr(value)`` for a message: escaped and clipped (a 100,000-character window is not
    echoed whole)."""
    return f"'{shown(value)}'" if isinstance(value, str) else shown(repr(value))


__all__ = [
    "DEFAULT_EXPOSURE_ROLES",
    "MAX_N_BOOT",
    "MAX_N_SIM",
    "RELATIONS",
    "ROLES",
    "WindowLike",
    "check_int",
    "check_level",
    "check_min_cell",
    "check_n_boot",
    "check_n_sim",
    "check_relations",
    "check_roles",
    "day_to_iso",
    "parse_window",
]

#: Role and relation names and the shared defaults are the core's (famgraph._rules).
ROLES: tuple[str, ...] = _rules.ROLES
RELATIONS: tuple[str, ...] = _rules.RELATIONS
DEFAULT_EXPOSURE_ROLES: tuple[str, ...] = _rules.DEFAULT_EXPOSURE_ROLES


DateLike = str | _dt.date | None
WindowLike = str | Sequence[DateLike] | None


def day_to_iso(day: int) -> str:
    """A day number (days since 1970-01-01) as ``YYYY-MM-DD``."""
    return _rules.iso_day(day)


def day_to_month(day: int) -> str:
    """A day number as ``YYYY-MM``: how an end of the window that was read off the data (the first
    or last event date, i.e. the date of a real incident) is published (docs/disclosure.md)."""
    return day_to_iso(day)[:7]


def published_window(window: tuple[int, int], start_given: bool, end_given: bool) -> list[str]:
    """The window as published: an end the user gave as an ISO date, an end taken from the data as
    its month only."""
    return [
        day_to_iso(window[0]) if start_given else day_to_month(window[0]),
        day_to_iso(window[1]) if end_given else day_to_month(window[1]),
    ]


def _parse_end(value: DateLike, which: str, text: str) -> int | None:
    """One end of a window. A partial date covers its whole period: ``2010`` as a start is
    2010-01-01, as an end 2010-12-31 (unlike a partial date *in the data*, which is imputed to the
    middle of its period; see docs/decisions.md). The calendar rules are the core's
    (famgraph._rules.date_bounds)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise TypeError(
            f"window {which} must be a date, an ISO date string (YYYY, YYYY-MM or YYYY-MM-DD) or None, "
            f"got {_q(value)} in window={text}"
        )
    ok, lo, hi, _ = _rules.date_bounds([value.strip()], _rules.MIN_YEAR_LIMIT, _rules.MAX_YEAR_LIMIT)
    if not ok[0]:
        raise ValueError(
            f"window {which} {_q(value)} is not a date: not a valid calendar date of the form YYYY, "
            f"YYYY-MM or YYYY-MM-DD (window={text})"
        )
    return int(lo[0]) if which == "start" else int(hi[0])


def parse_window(window: WindowLike) -> tuple[int | None, int | None]:
    """``None`` (first to last event date), ``"START:END"`` or a ``(start, end)`` pair.

    Either end may be empty/None (taken from the data). Both ends are inclusive. Returns day numbers
    (days since 1970-01-01) or None.

    >>> parse_window("2010:2019-06")
    (14610, 18078)
    >>> parse_window(None)
    (None, None)
    """
    if window is None:
        return None, None
    text = _q(window)
    if isinstance(window, str):
        parts = window.split(":")
        if len(parts) != 2:
            raise ValueError(
                f"window {_q(window)}: expected START:END (ISO dates, either may be empty), e.g. "
                f"2010-01-01:2020-12-31"
            )
        start_v: DateLike = parts[0]
        end_v: DateLike = parts[1]
    elif isinstance(window, Sequence) and len(window) == 2:
        start_v, end_v = window[0], window[1]
    else:
        raise TypeError(f"window must be None, 'START:END' or a (start, end) pair of dates, got {_q(window)}")
    start = _parse_end(start_v, "start", text)
    end = _parse_end(end_v, "end", text)
    if start is not None and end is not None and end < start:
        raise ValueError(
            f"window end {day_to_iso(end)} is before window start {day_to_iso(start)}: the window "
            f"[start, end] includes both ends, so end must be on or after start"
        )
    return start, end


def _names(value: Any, option: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable):
        raise TypeError(f"{option} must be a name or a list of names, got {_q(value)}")
    out = list(value)
    for v in out:
        if not isinstance(v, str):
            raise TypeError(f"{option} must hold names (strings), got {_q(v)}")
    return out


def check_roles(value: Any, option: str) -> list[str]:
    """A non-empty list of role names (duplicates removed, order kept)."""
    names = _names(value, option)
    if not names:
        raise ValueError(f"{option} must name at least one role; allowed: {', '.join(ROLES)}")
    bad = [n for n in names if n not in ROLES]
    if bad:
        raise ValueError(f"{option}: unknown role {_q(bad[0])}; allowed: {', '.join(ROLES)}")
    return list(dict.fromkeys(names))


def check_relations(value: Any, option: str = "relations") -> list[str]:
    """A non-empty list of relation names (duplicates removed, order kept)."""
    names = _names(value, option)
    if not names:
        raise ValueError(f"{option} must name at least one relation; allowed: {', '.join(RELATIONS)}")
    bad = [n for n in names if n not in RELATIONS]
    if bad:
        raise ValueError(f"{option}: unknown relation {_q(bad[0])}; allowed: {', '.join(RELATIONS)}")
    return list(dict.fromkeys(names))


def check_level(level: Any) -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not math.isfinite(float(level)):
        raise TypeError(f"level must be a number strictly between 0 and 1 (e.g. 0.95), got {_q(level)}")
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1 (e.g. 0.95), got {_q(level)}")
    return float(level)


def check_int(value: Any, option: str, minimum: int, maximum: int | None = None) -> int:
    """An integer in [minimum, maximum]."""
    allowed = f"an integer >= {minimum}" + (f" and <= {maximum}" if maximum is not None else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{option} must be {allowed}, got {_q(value)}")
    v = int(value)
    if v < minimum or (maximum is not None and v > maximum):
        raise ValueError(f"{option} must be {allowed}, got {v}")
    return v


def check_min_cell(min_cell: Any) -> int:
    """``min_cell``: an integer >= 0; 0 turns disclosure control off (and is stamped)."""
    return disclosure.check_min_cell(min_cell)


#: Most bootstrap replicates of λ_R: each keeps its own random stream (about 400 bytes) and a row
#: of estimates, so 10**6 replicates hold about 0.4 GB (and take minutes); more is refused up front
#: rather than failing in the middle (docs/statistics.md).
MAX_N_BOOT = 1_000_000
#: Most permutation sets of the GIF test: the simulated values take 8 bytes each, and the work is
#: O(cases x n_sim), so 10**7 sets are 80 MB and hours of computing.
MAX_N_SIM = 10_000_000
_BOOT_BYTES = 400


def check_n_boot(value: Any, option: str = "n_boot") -> int:
    """Bootstrap replicates: an integer in [0, :data:`MAX_N_BOOT`]."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) > MAX_N_BOOT:
        v = int(value)
        raise ValueError(
            f"{option} must be at most {MAX_N_BOOT:,} (each replicate keeps about {_BOOT_BYTES} bytes; "
            f"{v:,} would need about {v * _BOOT_BYTES / 1e9:,.0f} GB), got {v}"
        )
    return check_int(value, option, 0, MAX_N_BOOT)


def check_n_sim(value: Any, option: str = "n_sim") -> int:
    """Permutation sets: an integer in [0, :data:`MAX_N_SIM`]."""
    return check_int(value, option, 0, MAX_N_SIM)
