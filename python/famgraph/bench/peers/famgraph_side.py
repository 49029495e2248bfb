"""famgraph's side of each benchmark task, and its numbers in the keys the peers use.

The timed call is the public API: ``fg.indicators.<name>`` when that package exists and has the
function (statistics and disclosure control included), else the counting rules
``famgraph._core.indicators.<name>``; which one was timed is recorded. The numbers compared with
the peers always come from the exact counts of ``famgraph._core.indicators``.

Example
-------
>>> numbers = indicator_numbers("chains", ds)                        # doctest: +SKIP
>>> numbers["ge1"]                                                   # doctest: +SKIP
1265
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np

Numbers = dict[str, Any]


def _abcd(prefix: str, t: Any) -> Numbers:
    return {f"{prefix}.{k}": int(getattr(t, k)) for k in ("a", "b", "c", "d")}


def _quantiles(values: np.ndarray) -> Numbers:
    out: Numbers = {"lead_time.n": len(values), "lead_time.sum": int(values.astype(np.int64).sum())}
    if len(values):
        q1, med, q3 = np.quantile(values, [0.25, 0.5, 0.75])
        out.update({"lead_time.q1": float(q1), "lead_time.median": float(med), "lead_time.q3": float(q3)})
    return out


def numbers_from_core(name: str, r: Any) -> Numbers:
    """Flatten a ``famgraph._core.indicators.<name>`` result (the core's bound result struct) into
    the peers' keys."""
    out: Numbers = {}
    if name == "victim_to_perpetrator":
        out.update(_abcd("overall", r.overall))
        for sex, t in r.by_sex.items():
            out.update(_abcd(f"sex.{sex}", t))
        for dec, t in r.by_decade.items():
            out.update(_abcd(f"decade.{int(dec)}", t))
        out["km.n"] = len(r.time)
        out["km.events"] = int(np.asarray(r.event).sum())
        out["km.time_sum"] = int(np.asarray(r.time, dtype=np.int64).sum())
    elif name == "chains":
        out = {"links": len(r.links[0]), "ge1": r.ge1, "ge2": r.ge2, "ge3": r.ge3, "longest": r.longest}
        out.update(_abcd("continuation", r.continuation))
    elif name == "recurrence_risk":
        for x in r.by_relation:
            out["observed"], out["cases"] = x.observed, x.cases
            out[f"{x.relation}.relatives"] = x.relatives
            out[f"{x.relation}.case_relatives"] = x.case_relatives
    elif name == "repeat_incidents":
        for unit in ("persons", "families"):
            u = getattr(r, unit)
            out[f"{unit}.n"] = u.n
            out[f"{unit}.repeat"] = u.repeat
    elif name == "early_signalling":
        out = {"first_incidents": r.first_incidents, "minors": r.minors}
        by_org = r.by_org
        for k, n in enumerate(r.years):
            s = r.overall[k]
            out[f"all.{n}.preceded"], out[f"all.{n}.preceded_minor"] = (
                s.preceded,
                s.preceded_minor_self_or_parent,
            )
            for org, counts in by_org.items():
                s = counts[k]
                out[f"{org}.{n}.preceded"] = s.preceded
                out[f"{org}.{n}.preceded_minor"] = s.preceded_minor_self_or_parent
        out.update(_quantiles(np.asarray(r.lead_times)))
    elif name == "agency_overlap":
        for unit in ("persons", "families"):
            o = getattr(r, unit)
            for orgs, count in o.combinations:
                out[f"{unit}.combination.{'+'.join(sorted(orgs))}"] = count
            for x, y, both, either in o.pairs:
                x, y = sorted((x, y))
                out[f"{unit}.pair.{x}+{y}.both"] = both
                out[f"{unit}.pair.{x}+{y}.either"] = either
            out[f"{unit}.known_1plus"] = o.known_1plus
            out[f"{unit}.known_2plus"] = o.known_2plus
    else:
        raise ValueError(f"unknown indicator {name!r}")
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in out.items()}


def core_indicator(name: str) -> Callable[..., Any]:
    from famgraph import _core

    core: Any = _core
    return getattr(core.indicators, name)  # type: ignore[no-any-return]


def public_indicator(name: str) -> tuple[Callable[[Any], Any], str]:
    """The function to time for indicator ``name`` and its dotted name."""
    if importlib.util.find_spec("famgraph.indicators") is not None:
        mod = importlib.import_module("famgraph.indicators")
        fn = getattr(mod, name, None)
        if callable(fn):
            return fn, f"famgraph.indicators.{name}"
    core = core_indicator(name)
    return (lambda ds: core(ds._core)), f"famgraph._core.indicators.{name}"


def indicator_numbers(name: str, ds: Any) -> Numbers:
    return numbers_from_core(name, core_indicator(name)(ds._core))


def report_function() -> Callable[..., Any] | None:
    """``fg.report`` if callable, else ``famgraph.report.report`` (the module before it is exported)."""
    import famgraph as fg

    fn = getattr(fg, "report", None)
    if callable(fn):
        return fn  # type: ignore[no-any-return]
    if importlib.util.find_spec("famgraph.report") is not None:
        fn = getattr(importlib.import_module("famgraph.report"), "report", None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


def report_label() -> str:
    import famgraph as fg

    return "fg.report" if callable(getattr(fg, "report", None)) else "famgraph.report.report"


def suite_function() -> tuple[Callable[[Any], Any], str]:
    """All indicators at once: ``fg.indicators.suite`` if it exists, else every counting rule."""
    if importlib.util.find_spec("famgraph.indicators") is not None:
        mod = importlib.import_module("famgraph.indicators")
        fn = getattr(mod, "suite", None)
        if callable(fn):
            return fn, "famgraph.indicators.suite"
    from . import indicators

    names = list(indicators.INDICATORS)

    def run_all(ds: Any) -> dict[str, Any]:
        return {n: core_indicator(n)(ds._core) for n in names}

    return run_all, "famgraph._core.indicators (" + ", ".join(names) + ")"
