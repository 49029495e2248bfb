"""Numbers as text in English or Dutch (``12,345`` / ``12.345``; ``0.42`` / ``0,42``)."""

from __future__ import annotations

import math
from typing import Final

NA: Final = "NA"


def _localise(s: str, lang: str) -> str:
    """Swap the English separators for the Dutch ones."""
    if lang != "nl":
        return s
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def count(v: float | None, lang: str) -> str:
    """A whole number with thousands separators."""
    if _missing(v):
        return NA
    assert v is not None
    return _localise(f"{round(v):,}", lang)


def number(v: float | None, lang: str, digits: int = 3) -> str:
    """A ratio or other real number to ``digits`` significant digits, trailing zeros kept (2.10)."""
    if _missing(v):
        return NA
    assert v is not None
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    if abs(v) >= 10**digits:
        return count(v, lang)
    s = f"{v:#.{digits}g}"
    if "e" in s:
        s = f"{v:.{digits}g}"
    return _localise(s.rstrip("."), lang)


def percent(v: float | None, lang: str, decimals: int = 1, *, signed: bool = False) -> str:
    """A share as a percentage: ``12.3%`` (en) / ``12,3%`` (nl)."""
    if _missing(v):
        return NA
    assert v is not None
    s = f"{v * 100:+.{decimals}f}" if signed else f"{v * 100:.{decimals}f}"
    return _localise(s, lang) + "%"


def points(v: float | None, lang: str, decimals: int = 1) -> str:
    """A difference of two shares in percentage points, signed: ``+4.2 pp`` / ``+4,2 %-punt``."""
    if _missing(v):
        return NA
    assert v is not None
    unit = "%-punt" if lang == "nl" else "pp"
    return _localise(f"{v * 100:+.{decimals}f}", lang).replace("-", "−") + f" {unit}"


def points_bare(v: float | None, lang: str, decimals: int = 1) -> str:
    """A difference in percentage points without the unit (for intervals): ``+4.2``."""
    if _missing(v):
        return NA
    assert v is not None
    return _localise(f"{v * 100:+.{decimals}f}", lang).replace("-", "−")


def p_value(v: float | None, lang: str) -> str:
    """``p = 0.023`` or ``p < 0.001``."""
    if _missing(v):
        return "p = " + NA
    assert v is not None
    if v < 0.001:
        return "p < " + _localise("0.001", lang)
    return "p = " + _localise(f"{v:.3f}", lang)


def interval(lo: str, hi: str) -> str:
    """``(lo–hi)`` with an en dash."""
    return f"({lo}–{hi})"
