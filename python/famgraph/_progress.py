"""A minimal progress bar on stderr: shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def terminal_progress(label: str, *, stream=None, force: bool = False) -> Callable[[float], None] | None:  # type: ignore[no-untyped-def]
    """A callback that draws ``label [#####     ] 52%`` as the fraction advances, or None when quiet."""
    out = stream if stream is not None else sys.stderr
    if not force and not (hasattr(out, "isatty") and out.isatty()):
        return None
    start = time.perf_counter()
    last = [-1]

    def update(fraction: float) -> None:
        pct = int(max(0.0, min(1.0, fraction)) * 100)
        if pct == last[0]:
            return
        last[0] = pct
        filled = pct // 4
        elapsed = time.perf_counter() - start
        out.write(f"\r{label} [{'#' * filled}{' ' * (25 - filled)}] {pct:3d}% {elapsed:5.1f} s")
        if pct >= 100:
            out.write("\n")
        out.flush()

    return update
