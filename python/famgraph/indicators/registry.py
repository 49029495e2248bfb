"""The indicator registry: one entry per published indicator.

Everything that loops over the indicators — :func:`famgraph.indicators.suite` and its JSON,
``famgraph indicators --only``, the report (its sections, tables, figures and plain-language
readings), :func:`famgraph.plot.plot_result` and :func:`famgraph.distributed.sweep` — reads this
registry, so adding an indicator means: its C++ header and source, its binding, its Python function
and **one entry here** (docs/architecture.md, "Adding an indicator"). The plot, the reading and the
sweep summary are optional: without them the indicator is computed, published and reported, with
no figure, no paragraph and no sweep columns.

The functions are named as ``"module:function"`` and imported on first use, because the plots need
matplotlib (an extra) and the reading and sweep modules import the indicators themselves.

Example
-------
>>> import famgraph as fg
>>> entry = fg.indicators.registry.get("chains")
>>> entry.spec
'docs/spec/indicators.md §chains'
>>> [e.name for e in fg.indicators.registry.REGISTRY if e.cell_key][:2]
['victim_to_perpetrator', 'relative_exposure']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["OPTIONS", "REGISTRY", "Indicator", "get", "names"]

#: Options an indicator may take besides ``window`` and ``min_cell`` (which all take).
OPTIONS: Final[tuple[str, ...]] = ("level", "n_boot", "n_sim", "seed")


@dataclass(frozen=True)
class Indicator:
    """One published indicator and everything that presents it.

    ``compute``, ``plot``, ``reading`` and ``sweep`` are ``"module:function"`` names, resolved on use
    by :meth:`function`. ``options`` lists which of :data:`OPTIONS` the function takes.
    ``cell_key`` says whether it implements ``disclosure="cell_key"``; ``cell_key_note`` says why
    not where it does not. ``sweep_columns`` describes the columns its sweep summary adds, and
    ``planted_truth`` whether the synthetic generator plants a value it can be compared with (those
    are :func:`famgraph.distributed.sweep`'s default indicators).
    """

    name: str
    compute: str
    spec: str
    options: tuple[str, ...] = ()
    cell_key: bool = False
    cell_key_note: str = ""
    plot: str = ""
    reading: str = ""
    sweep: str = ""
    sweep_columns: str = ""
    planted_truth: bool = False
    _cache: dict[str, Callable[..., Any]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        unknown = [o for o in self.options if o not in OPTIONS]
        if unknown:
            raise ValueError(
                f"indicator {self.name!r}: unknown option {unknown[0]!r}; allowed: {', '.join(OPTIONS)}"
            )
        if self.cell_key == bool(self.cell_key_note):
            raise ValueError(f"indicator {self.name!r}: give cell_key_note exactly when cell_key is False")
        if bool(self.sweep) != bool(self.sweep_columns):
            raise ValueError(f"indicator {self.name!r}: sweep and sweep_columns go together")

    def function(self, role: str) -> Callable[..., Any] | None:
        """The function of ``role`` (``compute``, ``plot``, ``reading`` or ``sweep``), or None if unset."""
        if role not in ("compute", "plot", "reading", "sweep"):
            raise ValueError(f"role={role!r}: expected compute, plot, reading or sweep")
        target: str = getattr(self, role)
        if not target:
            return None
        if role not in self._cache:
            module, _, attr = target.partition(":")
            self._cache[role] = getattr(importlib.import_module(module), attr)
        return self._cache[role]

    def run(self, ds: Any, **options: Any) -> Any:
        """Compute the indicator on ``ds``; options it does not take (see :attr:`options`) are dropped.

        ``window``, ``min_cell`` and, for :attr:`cell_key` indicators, ``disclosure`` and
        ``cell_key`` are always passed on.
        """
        passed = ("window", "min_cell", *self.options) + (("disclosure", "cell_key") if self.cell_key else ())
        fn = self.function("compute")
        assert fn is not None  # every entry has a compute function (checked by tests/python/test_registry.py)
        result: Any = fn(ds, **{k: v for k, v in options.items() if k in passed})
        return result


def _entry(name: str, module: str, **kw: Any) -> Indicator:
    """An entry whose compute function is ``famgraph.indicators.<module>:<name>`` and spec §<name>."""
    return Indicator(
        name=name,
        compute=f"famgraph.indicators.{module}:{name}",
        spec=f"docs/spec/indicators.md §{name}",
        **kw,
    )


_PLOT = "famgraph.plot.indicators:"
_READ = "famgraph.report._reading:_"
_SWEEP = "famgraph.distributed:_sweep_"

#: The published indicators, in the order of docs/spec/interfaces.md §names (feature_table is
#: person-level output: never in the suite, the JSON or the report).
REGISTRY: Final[tuple[Indicator, ...]] = (
    _entry(
        "victim_to_perpetrator",
        "transmission",
        options=("level",),
        cell_key=True,
        plot=_PLOT + "km_curves",
        reading=_READ + "victim_to_perpetrator",
        sweep=_SWEEP + "victim_to_perpetrator",
        planted_truth=True,
        sweep_columns="overall table: vtp_a..vtp_d, vtp_n, vtp_odds_ratio(_lower,_upper), "
        "vtp_risk_ratio(_lower,_upper); truth_vtp_odds_ratio (complete data), "
        "truth_transmission_or (planted)",
    ),
    _entry(
        "relative_exposure",
        "transmission",
        options=("level",),
        cell_key=True,
        plot=_PLOT + "transmission_forest",
        reading=_READ + "relative_exposure",
    ),
    _entry(
        "chains",
        "chains",
        options=("level",),
        cell_key=True,
        plot=_PLOT + "chains_flow",
        reading=_READ + "chains",
        sweep=_SWEEP + "chains",
        planted_truth=True,
        sweep_columns="chain_links, chain_ge1..chain_ge3; truth_chain_ge1..truth_chain_ge3 (complete data)",
    ),
    _entry(
        "recurrence_risk",
        "recurrence",
        options=("level", "n_boot", "seed"),
        cell_key_note="its counts of ordered pairs of relatives are made by aggregation, without key sums",
        plot=_PLOT + "recurrence_plot",
        reading=_READ + "recurrence_risk",
        sweep=_SWEEP + "recurrence_risk",
        planted_truth=True,
        sweep_columns="lambda_<relation> (and _lower/_upper when n_boot > 0), cases, observed; "
        "truth_lambda_<relation> (complete data)",
    ),
    _entry(
        "repeat_incidents",
        "recurrence",
        options=("level",),
        cell_key=True,
        plot=_PLOT + "repeat_plot",
        reading=_READ + "repeat_incidents",
        sweep=_SWEEP + "repeat_incidents",
        sweep_columns="repeat_person_share, repeat_family_share (with n)",
    ),
    _entry(
        "gif",
        "familiality",
        options=("n_sim", "seed"),
        cell_key_note="it publishes a genealogical index and permutation p-values, not counts of records",
        plot=_PLOT + "gif_plot",
        reading=_READ + "gif",
    ),
    _entry(
        "fir",
        "familiality",
        cell_key_note="it publishes kinship-weighted scores, not counts of records",
        plot=_PLOT + "fir_plot",
        reading=_READ + "fir",
        sweep=_SWEEP + "fir",
        sweep_columns="fir_case_mean, fir_non_case_mean",
    ),
    _entry(
        "early_signalling",
        "signalling",
        options=("level",),
        cell_key_note="its nested counts of preceded incidents have no key sums yet",
        plot=_PLOT + "early_signalling_plot",
        reading=_READ + "early_signalling",
    ),
    _entry(
        "agency_overlap",
        "overlap",
        options=("level",),
        cell_key=True,
        plot=_PLOT + "agency_upset",
        reading=_READ + "agency_overlap",
    ),
    _entry(
        "adjusted_association",
        "features",
        options=("level",),
        cell_key_note="it publishes model coefficients, not counts",
        plot=_PLOT + "adjusted_forest",
        reading=_READ + "adjusted_association",
        sweep=_SWEEP + "adjusted_association",
        sweep_columns="adj_exposed_or(_lower,_upper)",
    ),
)

_BY_NAME: Final[Mapping[str, Indicator]] = {e.name: e for e in REGISTRY}


def names() -> tuple[str, ...]:
    """The names of the published indicators, in registry order."""
    return tuple(_BY_NAME)


def get(name: str) -> Indicator:
    """The registry entry of ``name``; ``ValueError`` naming the allowed names otherwise."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown indicator {name!r}; allowed: {', '.join(_BY_NAME)}") from None
