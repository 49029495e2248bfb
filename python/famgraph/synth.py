"""Synthetic populations with planted truth (docs/spec/synthetic.md).

Independent family lineages are simulated from counter-based random streams keyed by
(seed, lineage, purpose): the same seed and parameters give byte-identical output whatever the
thread count. Defaults and their sources are listed by :func:`parameters` and in
``docs/synthetic.md``.

Example
-------
>>> import famgraph as fg
>>> ds = fg.synth.generate(persons=20_000, seed=7)
>>> ds.n_persons
20000
>>> ds.truth["complete_data"]["victim_to_perpetrator"]["exposed"]["outcome"] > 0
True
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _core, _files
from ._errors import shown
from ._progress import terminal_progress
from .dataset import Dataset

__all__ = ["generate", "parameters", "write"]


def parameters() -> pd.DataFrame:
    """Every generator parameter with its default, allowed range and meaning/source."""
    rows = [
        {"name": p.name, "default": p.default, "min": p.lo, "max": p.hi, "integer": p.integer, "doc": p.doc}
        for p in _core.synth_parameters()
    ]
    return pd.DataFrame(rows).set_index("name")


#: Peak memory of the generator per person (bytes; measured 5.23 GB at 20 M persons, see
#: docs/performance.md), with a margin. ``persons`` above what the machine has free is refused
#: before any work (docs/synthetic.md).
PEAK_BYTES_PER_PERSON = 300


def _available_memory() -> int | None:
    """Bytes of memory available to a new allocation (MemAvailable + SwapFree), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            info = {k: int(v.split()[0]) * 1024 for k, v in (line.split(":", 1) for line in f if ":" in line)}
        return info["MemAvailable"] + info.get("SwapFree", 0)
    except (OSError, ValueError, KeyError, IndexError):  # pragma: no cover - not Linux
        try:
            return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            return None


def _check_memory(persons: float) -> None:
    need = persons * PEAK_BYTES_PER_PERSON
    have = _available_memory()
    if have is not None and need > have:
        raise MemoryError(
            f"persons = {persons:,.0f}: the generator needs about {need / 1e9:,.1f} GB of memory "
            f"({PEAK_BYTES_PER_PERSON} bytes per person) and {have / 1e9:,.1f} GB are available; "
            "generate fewer persons"
        )


def _values(persons: int, seed: int, params: dict[str, Any]) -> dict[str, float]:
    values: dict[str, float] = {}
    for name, v in {"persons": persons, "seed": seed, **params}.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"parameter {name} = {shown(repr(v))}: expected a number")
        try:
            values[name] = float(v)
        except OverflowError:
            raise ValueError(f"parameter {name} = {shown(v)}: far outside the allowed range") from None
    return values


def _progress(progress: bool | Callable[[float], None] | None, label: str) -> Callable[[float], None] | None:
    if progress is None or progress is True:
        return terminal_progress(label)
    if progress is False:
        return None
    return progress


def _population(
    persons: int,
    seed: int,
    threads: int,
    progress: bool | Callable[[float], None] | None,
    params: dict[str, Any],
    design_detail: bool = False,
) -> Any:
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0 or threads > 4096:
        raise ValueError(
            f"threads = {shown(repr(threads))}: expected a whole number in [0, 4096] (0 = all cores)"
        )
    values = _values(persons, seed, params)
    _core.synth_check_parameters(values)  # ranges first: a clear error for persons = 10**12 too
    _check_memory(values["persons"])
    return _core.synth_generate(
        values, threads, 2048, _progress(progress, f"synth {persons:,} persons"), design_detail
    )


def generate(
    persons: int = 100_000,
    seed: int = 1,
    *,
    threads: int = 0,
    progress: bool | Callable[[float], None] | None = None,
    design_detail: bool = False,
    **params: float,
) -> Dataset:
    """Simulate a population in memory and return it as a validated :class:`~famgraph.Dataset`.

    ``params`` overrides any model parameter (see :func:`parameters`); invalid names or values
    raise ``ValueError`` naming the parameter, its value and the allowed range. The returned
    dataset carries the planted parameters and complete-data indicator values in ``ds.truth``
    (``ds.truth["design"]``: the cohort-matched designs in the generator's window, from the
    simulation state; docs/validity.md). With ``design_detail=True``, ``ds.truth_design`` holds
    one row per eligible person of the matched pathway design (follow-up since the 18th birthday,
    complete and recorded). A progress bar is drawn on stderr when it is a terminal
    (``progress=False`` silences it; a callable receives the fraction done).

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=2_000, seed=1, progress=False)
    >>> sorted(ds.truth["design"])
    ['continuation', 'definition', 'victim_to_perpetrator', 'window']
    """
    if not isinstance(design_detail, bool):
        raise TypeError(f"design_detail = {design_detail!r}: expected True or False")
    pop = _population(persons, seed, threads, progress, params, design_detail)
    truth = json.loads(pop.truth_json())
    ds = Dataset(pop.dataset(), origin=f"synth(persons={persons}, seed={seed})")
    ds.truth = truth
    if design_detail:
        cols = pop.design_persons()
        names = [
            "person_id",
            "birth_year",
            "sex",
            "parents_known",
            "exposed_complete",
            "exposed_recorded",
            "event_complete",
            "event_recorded",
            "time_complete",
            "time_recorded",
        ]
        frame = pd.DataFrame({name: getattr(cols, name) for name in names})
        frame["sex"] = pd.Series(np.array(["F", "M", "U"])[frame["sex"].to_numpy()], dtype="category")
        flags = ("parents_known", "exposed_complete", "exposed_recorded", "event_complete", "event_recorded")
        for c in flags:
            frame[c] = frame[c].astype(bool)
        ds.truth_design = frame
    return ds


def write(
    out: str | os.PathLike[str],
    persons: int = 100_000,
    seed: int = 1,
    *,
    format: Literal["csv", "parquet"] = "csv",
    threads: int = 0,
    progress: bool | Callable[[float], None] | None = None,
    **params: float,
) -> Path:
    """Simulate and write the four tables plus ``truth.json`` into the new folder ``out``.

    Everything is written to a temporary sibling folder that is renamed at the end: a failed run
    leaves nothing behind. ``out`` must not exist (or be an empty folder).
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format={shown(repr(format))} (expected 'csv' or 'parquet')")
    target = Path(out)
    _files.check_output_folder(target)  # before the work
    pop = _population(persons, seed, threads, progress, params)
    if format == "csv":
        pop.write_csv(str(target))  # the C++ writer: the same rules (include/famgraph/io/files.hpp)
        return target
    with _files.output_folder(target) as tmp:
        Dataset(pop.dataset())._write(tmp, "parquet")
        _files.write_output(tmp / "truth.json", pop.truth_json())
    return target


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
