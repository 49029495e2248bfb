"""Many runs on a Dask cluster: bootstrap replicates and simulation sweeps (docs/spec/scale.md §many-runs).

One national population is a single-machine job; what outgrows one machine is *many runs*. This
module ships those runs to a :mod:`dask.distributed` cluster (a local one of worker processes, or
an existing scheduler) and gives **identical** results to the local run:

- :func:`bootstrap_lambda` — the λ_R cluster bootstrap of
  :func:`famgraph.indicators.recurrence_risk`, replicates split into chunks. Only the per-component
  sums (a few hundred distinct rows of integers, no person ids) leave the driver; each replicate
  has its own random stream, so any split gives the same replicate matrix and the same table.
- :func:`sweep` (also ``fg.sweep``) — simulation sweeps over generator parameters: one task per
  (grid point, replicate) generates its population *inside the worker*
  (:func:`famgraph.synth.generate`), computes the requested indicators and returns a small dict of
  headline numbers. Datasets are never shipped.

``client=None`` runs the same tasks in this process, one after the other: the reference the
distributed run equals. :func:`client` starts a local cluster of worker *processes* (the C++
calls release the GIL, but table building, statistics glue and the bootstrap loop are Python),
or connects to a running scheduler.

Importing this module does not import Dask; only :func:`client` and runs with a client do.

Permutation tests (GIF)
-----------------------
:func:`gif` runs the matched permutation test of :func:`famgraph.indicators.gif` as tasks of
``chunk`` control sets each. Control set *k* is a pure function of (seed, *k*) in the C++ core
(``first_sim``), so the simulated values, the p-value and the table equal the local run. The
workers need the data: pass the dataset's *folder* (CSV or Parquet, readable by every worker
inside the secure environment); each worker loads it once.

Example
-------
>>> import famgraph as fg
>>> ds = fg.synth.generate(persons=3000, seed=1, progress=False)
>>> r = fg.distributed.bootstrap_lambda(ds, n_boot=40, seed=2, min_cell=0, progress=False)
>>> r.table["lambda_lower"].equals(
...     fg.indicators.recurrence_risk(ds, n_boot=40, seed=2, min_cell=0).table["lambda_lower"])
True
>>> df = fg.sweep({"transmission_or": [1.0, 3.0]}, 2, persons=2000, progress=False)
>>> df[["point", "replicate", "transmission_or"]].to_dict("list")
{'point': [0, 0, 1, 1], 'replicate': [0, 1, 0, 1], 'transmission_or': [1.0, 1.0, 3.0, 3.0]}
"""

from __future__ import annotations

import itertools
import math
import numbers
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core, _rules, disclosure
from ._progress import terminal_progress
from .indicators import registry as _registry
from .indicators._base import context, core
from .indicators._options import (
    WindowLike,
    check_int,
    check_n_boot,
    check_n_sim,
    check_relations,
    check_roles,
)
from .indicators._result import Result
from .indicators.recurrence import _component_sums, percentile_interval, recurrence_risk
from .indicators.recurrence import bootstrap_lambda as _bootstrap_replicates

if TYPE_CHECKING:
    from distributed import Client

    from .dataset import Dataset

__all__ = [
    "INDICATORS",
    "SEED_MAX",
    "bootstrap_lambda",
    "client",
    "replicate_seed",
    "sweep",
]

FloatArray = npt.NDArray[np.float64]

#: Indicators :func:`sweep` can summarise, with the headline columns each adds (the registry's
#: entries with a sweep summary, famgraph.indicators.registry).
INDICATORS: Mapping[str, str] = {e.name: e.sweep_columns for e in _registry.REGISTRY if e.sweep}

#: Default indicators of :func:`sweep` (those with planted truth).
DEFAULT_INDICATORS: tuple[str, ...] = tuple(e.name for e in _registry.REGISTRY if e.sweep and e.planted_truth)

#: Largest population seed (the generator takes seeds up to 2**53 - 1, exact in a double).
SEED_MAX = 2**53 - 1

_RECURRENCE_RELATIONS: tuple[str, ...] = _rules.DEFAULT_RECURRENCE_RELATIONS


def _famgraph_version() -> str:
    from ._rules import VERSION as __version__

    return str(__version__)


def _check_version(expected: str) -> None:
    """Run first in every task: a worker with another famgraph could silently compute otherwise."""
    found = _famgraph_version()
    if found != expected:
        raise RuntimeError(
            f"famgraph version mismatch: the client has {expected}, this worker has {found}; "
            "install the same famgraph version on every worker"
        )


def _progress(progress: bool | Callable[[float], None] | None, label: str) -> Callable[[float], None] | None:
    if progress is None:
        return terminal_progress(label)
    if progress is True:
        return terminal_progress(label, force=True)
    if progress is False:
        return None
    return progress


# --------------------------------------------------------------------------------------------------
# The client


def client(
    address: str | None = None,
    *,
    n_workers: int | None = None,
    threads_per_worker: int = 1,
    timeout: float = 10.0,
    **cluster_options: Any,
) -> Client:
    """A :class:`dask.distributed.Client`: a new local cluster, or a running scheduler by address.

    Parameters
    ----------
    address
        ``None`` starts a :class:`~dask.distributed.LocalCluster` of worker **processes** owned by
        the client (closing the client stops it). ``"tcp://host:8786"`` connects to a running
        scheduler (``dask scheduler`` / ``dask worker``); closing the client leaves that cluster up.
    n_workers
        Worker processes of a local cluster (default: one per core).
    threads_per_worker
        Threads per local worker. Keep 1: the tasks are CPU-bound and partly hold the GIL.
    timeout
        Seconds to wait for the scheduler; an unreachable address raises :class:`ConnectionError`.
    cluster_options
        More :class:`~dask.distributed.LocalCluster` options (e.g. ``dashboard_address=":8787"``;
        by default the scheduler's HTTP server listens on a free local port, never on the shared
        8787, so that several users of one machine do not clash).

    Returns
    -------
    distributed.Client
        Usable as a context manager: ``with fg.distributed.client() as c: ...``.

    Example
    -------
    >>> import famgraph as fg
    >>> with fg.distributed.client(n_workers=1) as c:            # doctest: +SKIP
    ...     df = fg.sweep({"fertility": [1.4, 1.8]}, 5, persons=10_000, client=c)
    """
    from ._extras import require

    require("dask", feature="famgraph.distributed")
    from distributed import Client

    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if address is not None:
        if n_workers is not None or cluster_options:
            raise ValueError(
                "n_workers and cluster options apply to a new local cluster, not to address="
                f"{address!r} (its workers are started with 'dask worker')"
            )
        try:
            return Client(address, timeout=timeout)
        except OSError as e:
            raise ConnectionError(
                f"could not reach the Dask scheduler at {address!r} within {timeout:g} s ({e}); "
                "is 'dask scheduler' running there, and is the port open?"
            ) from e
    if n_workers is not None:
        check_int(n_workers, "n_workers", 1)
    check_int(threads_per_worker, "threads_per_worker", 1)
    # A free port, never the shared default 8787: dask.distributed's Client starts the scheduler's
    # dashboard even when asked for none, and two clusters on one machine then clash on 8787.
    options: dict[str, Any] = {"dashboard_address": "127.0.0.1:0", **cluster_options}
    return Client(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        timeout=timeout,
        **options,
    )


def _n_threads(c: Client) -> int:
    nthreads: dict[str, int] = cast(Any, c).nthreads()
    return max(1, sum(nthreads.values()))


def _run_tasks(
    c: Client | None,
    fn: Callable[..., Any],
    args: Sequence[tuple[Any, ...]],
    progress: Callable[[float], None] | None,
) -> list[Any]:
    """``[fn(*a) for a in args]``, locally in order or as Dask tasks; results in the order of args."""
    n = len(args)
    out: list[Any] = [None] * n
    if c is None:
        for i, a in enumerate(args):
            out[i] = fn(*a)
            if progress is not None:
                progress((i + 1) / n)
        return out
    from distributed import as_completed as _as_completed

    as_completed: Any = _as_completed
    dask: Any = c  # dask.distributed is only partly typed
    futures: list[Any] = [dask.submit(fn, *a, pure=False) for a in args]
    index = {f.key: i for i, f in enumerate(futures)}
    try:
        for done, f in enumerate(as_completed(futures), start=1):
            out[index[f.key]] = f.result()
            if progress is not None:
                progress(done / n)
    finally:
        dask.cancel([f for f in futures if not f.done()])
    return out


# --------------------------------------------------------------------------------------------------
# λ_R bootstrap


def _bootstrap_chunk(
    rows: FloatArray, counts: FloatArray, n_boot: int, seed: int, start: int, stop: int, version: str
) -> FloatArray:
    _check_version(version)
    return _bootstrap_replicates(rows, counts, n_boot, seed, replicates=range(start, stop))


def _with_bootstrap(point: Result, boot: FloatArray, n_boot: int) -> Result:
    """The published recurrence_risk result for a replicate matrix, from its ``n_boot=0`` result.

    The suppression flags of recurrence_risk do not depend on the bootstrap, so the interval
    columns of the unsuppressed rows are filled exactly as recurrence_risk fills them.
    """
    table = point.table.copy()
    level = float(point.parameters["level"])
    for j in range(len(table)):
        if bool(table["lambda_lower_suppressed"].iat[j]):
            continue
        lo, hi, valid = percentile_interval(boot[:, j], level)
        table.loc[table.index[j], ["lambda_lower", "lambda_upper", "n_boot_valid"]] = [lo, hi, float(valid)]
    table.attrs = dict(point.table.attrs)
    params = dict(point.parameters)
    params["n_boot"] = n_boot
    extra = dict(point.extra)
    extra["bootstrap"] = boot
    tables = {**point.tables, "table": table}  # the verdict (and any other table) as computed
    return Result(point.name, tables, params, point.definition, point.note, extra)


def bootstrap_lambda(
    ds: Dataset,
    *,
    client: Client | None = None,
    n_boot: int = 1000,
    seed: int = 1,
    chunk: int | None = None,
    window: WindowLike = None,
    case_roles: Sequence[str] = _rules.DEFAULT_CASE_ROLES,
    relations: Sequence[str] = _RECURRENCE_RELATIONS,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    level: float = 0.95,
    progress: bool | Callable[[float], None] | None = None,
) -> Result:
    """:func:`famgraph.indicators.recurrence_risk` with its bootstrap replicates run as Dask tasks.

    The counts are computed here; the per-family-component sums grouped into distinct rows (small,
    integer, without person ids) are scattered to the workers once, and each task computes a chunk
    of replicates with ``famgraph.indicators.bootstrap_lambda(rows, counts, n_boot, seed,
    replicates=range(a, b))``. Replicate *b* always uses ``SeedSequence(seed).spawn(n_boot)[b]``,
    so the replicate matrix (``.extra["bootstrap"]``) and the table are identical to
    ``recurrence_risk(ds, n_boot=n_boot, seed=seed, ...)``, whatever ``chunk`` and the cluster.

    Parameters
    ----------
    client
        A :class:`dask.distributed.Client` (see :func:`client`); ``None`` runs the same chunks in
        this process.
    chunk
        Replicates per task; default: ``n_boot`` split into four tasks per worker thread.
    window, case_roles, relations, min_cell, level, n_boot, seed
        As :func:`famgraph.indicators.recurrence_risk`.
    progress
        A bar on stderr when it is a terminal (``None``), always (``True``), never (``False``), or
        a callable receiving the fraction done.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=3000, seed=1, progress=False)
    >>> with fg.distributed.client(n_workers=2) as c:                      # doctest: +SKIP
    ...     r = fg.distributed.bootstrap_lambda(ds, client=c, n_boot=1000, seed=1)
    >>> r = fg.distributed.bootstrap_lambda(ds, n_boot=20, progress=False)  # local
    >>> r.extra["bootstrap"].shape
    (20, 3)
    """
    n_boot = check_n_boot(n_boot)
    seed = check_int(seed, "seed", 0, 2**63 - 1)
    if chunk is not None:
        chunk = check_int(chunk, "chunk", 1)
    # validates every option and publishes the point estimates and suppression
    point = recurrence_risk(
        ds,
        window=window,
        case_roles=case_roles,
        relations=relations,
        n_boot=0,
        seed=seed,
        min_cell=min_cell,
        level=level,
    )
    if n_boot == 0:
        return point
    ctx = context(ds, window, min_cell, level)
    roles = check_roles(case_roles, "case_roles")
    rels = check_relations(relations)
    data = core.recurrence_person_counts(
        ctx.dataset, ctx.window_start, ctx.window_end, roles, rels, ctx.graph()
    )
    rows, counts = _component_sums(data, rels)
    del data  # person-level arrays stay here; only the component sums travel
    if chunk is None:
        workers = 1 if client is None else _n_threads(client)
        chunk = max(1, math.ceil(n_boot / (4 * workers)))
    bounds = [(a, min(a + chunk, n_boot)) for a in range(0, n_boot, chunk)]
    version = _famgraph_version()
    rows_ref: Any = rows
    counts_ref: Any = counts
    if client is not None:
        # hash=False: with content-hashed keys a second run on the same data reuses the keys of the
        # first, whose release can drop the data under the second run ("lost dependencies")
        rows_ref, counts_ref = cast(Any, client).scatter([rows, counts], broadcast=True, hash=False)
    args = [(rows_ref, counts_ref, n_boot, seed, a, b, version) for a, b in bounds]
    parts = _run_tasks(client, _bootstrap_chunk, args, _progress(progress, f"bootstrap λ_R ×{n_boot}"))
    boot = np.vstack(parts) if parts else np.zeros((0, len(rels)))
    return _with_bootstrap(point, boot, n_boot)


# --------------------------------------------------------------------------------------------------
# GIF permutation test

_LOADED: dict[tuple[str, float, str], Dataset] = {}


def _load_on_worker(folder: str, missing_parents: Literal["strict", "add"]) -> Dataset:
    """The dataset of ``folder``, loaded once per worker process (keyed by path and mtime)."""
    from pathlib import Path

    from ._commands._shared import load_folder

    path = Path(folder)
    mtime = max((f.stat().st_mtime for f in path.iterdir() if f.is_file()), default=0.0)
    key = (str(path.resolve()), mtime, missing_parents)
    if key not in _LOADED:
        _LOADED.clear()  # one dataset at a time: national data are large
        _LOADED[key] = load_folder(path, missing_parents)
    return _LOADED[key]


def _gif_chunk(
    folder: str,
    missing_parents: Literal["strict", "add"],
    window: tuple[int | None, int | None],
    roles: list[str],
    seed: int,
    start: int,
    stop: int,
    version: str,
) -> FloatArray:
    _check_version(version)
    ds = _load_on_worker(folder, missing_parents)
    c = _core.indicators.gif(ds._core, window[0], window[1], roles, stop - start, seed, 1, first_sim=start)
    return np.asarray(c.sims, dtype=np.float64)


def gif(
    data: Any,
    *,
    client: Client | None = None,
    n_sim: int = 1000,
    seed: int = 1,
    chunk: int | None = None,
    window: WindowLike = None,
    case_roles: Sequence[str] = _rules.DEFAULT_CASE_ROLES,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    missing_parents: Literal["strict", "add"] = "strict",
    progress: bool | Callable[[float], None] | None = None,
) -> Result:
    """:func:`famgraph.indicators.gif` with its control sets drawn and scored as Dask tasks.

    Parameters
    ----------
    data
        The dataset's folder (CSV or Parquet), which every worker can read; with ``client=None``
        also a :class:`famgraph.Dataset`.
    client
        A :class:`dask.distributed.Client`; ``None`` runs the same chunks in this process.
    chunk
        Control sets per task; default: ``n_sim`` split into four tasks per worker thread.
    n_sim, seed, window, case_roles, min_cell
        As :func:`famgraph.indicators.gif`; the result is identical to it.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=3000, seed=1, progress=False)
    >>> r = fg.distributed.gif(ds, n_sim=20, seed=4, progress=False)
    >>> bool((r.tables["null"] == fg.indicators.gif(ds, n_sim=20, seed=4).tables["null"]).all().all())
    True
    """
    from pathlib import Path

    from .dataset import Dataset as _Dataset
    from .indicators.familiality import gif_dict, gif_p_value, gif_result

    n_sim = check_n_sim(n_sim)
    seed = check_int(seed, "seed", 0, 2**63 - 1)
    if chunk is not None:
        chunk = check_int(chunk, "chunk", 1)
    if isinstance(data, _Dataset):
        if client is not None:
            raise ValueError(
                "gif with a client needs the dataset's folder (a path every worker can read), not a "
                "Dataset object: the workers load the data themselves inside the secure environment"
            )
        ds, folder = data, None
    elif isinstance(data, str | Path):
        folder = str(Path(data).resolve())
        ds = _load_on_worker(folder, missing_parents)
    else:
        raise TypeError(f"data must be a dataset folder or a famgraph.Dataset, got {type(data).__name__}")
    ctx = context(ds, window, min_cell)
    roles = check_roles(case_roles, "case_roles")
    c = gif_dict(_core.indicators.gif(ctx.dataset, ctx.window_start, ctx.window_end, roles, 0, seed, 0))
    if n_sim:
        workers = 1 if client is None else _n_threads(client)
        size = chunk or max(1, math.ceil(n_sim / (4 * workers)))
        bounds = [(a, min(a + size, n_sim)) for a in range(0, n_sim, size)]
        version = _famgraph_version()
        if folder is None:  # local run on an in-memory dataset
            parts = _run_tasks(
                None,
                lambda a, b: np.asarray(
                    _core.indicators.gif(
                        ctx.dataset, ctx.window_start, ctx.window_end, roles, b - a, seed, 1, first_sim=a
                    ).sims,
                    dtype=np.float64,
                ),
                bounds,
                _progress(progress, f"GIF x{n_sim}"),
            )
        else:
            w = (ctx.window_start, ctx.window_end)
            args = [(folder, missing_parents, w, roles, seed, a, b, version) for a, b in bounds]
            parts = _run_tasks(client, _gif_chunk, args, _progress(progress, f"GIF x{n_sim}"))
        sims = np.concatenate(parts)
        c["sims"] = sims
        c["p_value"] = gif_p_value(float(c["gif"]), sims, float(c["tie_tolerance"]))
    return gif_result(c, ctx, roles, n_sim, seed)


# --------------------------------------------------------------------------------------------------
# Sweeps


def replicate_seed(seed: int, point: int, replicate: int) -> int:
    """The population seed of one sweep task: a hash of (sweep seed, grid index, replicate).

    ``SeedSequence([seed, point, replicate]).generate_state(1, uint64)[0] >> 11`` — the top 53 bits
    of numpy's seed-sequence hash, so every seed is a valid generator seed (< 2**53), distinct
    tasks get unrelated populations, and any row of a sweep can be regenerated with
    ``fg.synth.generate(persons, seed=row.seed, **params)``.

    Example
    -------
    >>> import famgraph as fg
    >>> fg.distributed.replicate_seed(0, 0, 0) == fg.distributed.replicate_seed(0, 0, 0)
    True
    """
    for v, name in ((seed, "seed"), (point, "point"), (replicate, "replicate")):
        check_int(v, name, 0)
    state = np.random.SeedSequence([seed, point, replicate]).generate_state(1, dtype=np.uint64)
    return int(state[0]) >> 11


class _Spec(NamedTuple):
    """One generator parameter as :func:`famgraph.synth.parameters` lists it."""

    default: float
    lo: float
    hi: float
    integer: bool

    def value(self, v: float) -> float | int:
        return int(v) if self.integer else float(v)

    def range(self) -> str:
        if self.integer:
            return f"[{int(self.lo)}, {int(self.hi)}]"
        return f"[{self.lo:g}, {self.hi:g}]"


def _parameter_specs() -> dict[str, _Spec]:
    from .synth import parameters

    table = parameters()
    return {
        str(name): _Spec(float(d), float(lo), float(hi), bool(i))
        for name, d, lo, hi, i in zip(
            table.index, table["default"], table["min"], table["max"], table["integer"], strict=True
        )
    }


def _allowed(specs: Mapping[str, _Spec]) -> str:
    return ", ".join(f"{n} {p.range()}" for n, p in specs.items() if n not in ("persons", "seed"))


def _check_value(name: str, value: Any, spec: _Spec, where: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: parameter {name} = {value!r} is not a number")
    v = float(value)
    rng = spec.range() + (" (whole numbers)" if spec.integer else "")
    if not math.isfinite(v) or v < spec.lo or v > spec.hi:
        raise ValueError(f"{where}: parameter {name} = {value!r} is outside its allowed range {rng}")
    if spec.integer and not v.is_integer():
        raise ValueError(f"{where}: parameter {name} = {value!r} must be a whole number in {spec.range()}")
    return spec.value(v)


def _grid_points(grid: Any) -> list[dict[str, Any]]:
    if isinstance(grid, Mapping):
        names = list(grid)
        values = []
        for name in names:
            v = grid[name]
            if isinstance(v, str | bytes) or not isinstance(v, Iterable):
                raise ValueError(
                    f"grid[{name!r}] = {v!r}: expected a list of values (a single value belongs in "
                    "the fixed parameters: sweep(..., name=value))"
                )
            v = list(v)
            if not v:
                raise ValueError(f"grid[{name!r}] is empty: the grid would have no points")
            values.append(v)
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]
    if isinstance(grid, str | bytes) or not isinstance(grid, Iterable):
        raise TypeError(f"grid must be a dict of name -> list of values, or a list of dicts; got {grid!r}")
    points = list(grid)
    for i, p in enumerate(points):
        if not isinstance(p, Mapping):
            raise TypeError(f"grid[{i}] = {p!r}: expected a dict of parameter values")
    return [dict(p) for p in points]


def _validate_point(point: dict[str, Any], specs: Mapping[str, _Spec], where: str) -> None:
    """The generator's rules across parameters (synth::validate); ranges are checked before."""

    def get(name: str) -> float:
        return float(point.get(name, specs[name].default))

    start, end, window = get("start_year"), get("end_year"), get("window_years")
    if end < start + 50:
        raise ValueError(
            f"{where}: start_year = {start:g} and end_year = {end:g}: the simulation must span at "
            "least 50 years (end_year >= start_year + 50)"
        )
    if window > end - start + 1:
        raise ValueError(
            f"{where}: window_years = {window:g} is outside the simulated years: allowed range "
            f"[1, {end - start + 1:g}] for {start:g}-{end:g}"
        )


def _plan(grid: Any, fixed: Mapping[str, Any], persons: Any) -> tuple[list[dict[str, Any]], list[str], int]:
    """Validated parameter sets (grid point merged with the fixed ones) and the parameter columns."""
    specs = _parameter_specs()
    persons = check_int(persons, "persons", int(specs["persons"].lo), int(specs["persons"].hi))
    points = _grid_points(grid)
    if not points:
        raise ValueError("the grid has no points")
    allowed = _allowed(specs)
    for name in fixed:
        if name not in specs or name in ("persons", "seed"):
            raise ValueError(
                f"unknown generator parameter {name!r}; allowed parameters and ranges: {allowed}"
            )
    columns: list[str] = []
    merged: list[dict[str, Any]] = []
    for i, p in enumerate(points):
        where = f"grid point {i}"
        for name in p:
            if name in ("persons", "seed"):
                raise ValueError(
                    f"{where}: {name!r} cannot be swept here: persons is the keyword persons=, and "
                    "population seeds are derived from seed= (see replicate_seed)"
                )
            if name not in specs:
                raise ValueError(
                    f"{where}: unknown generator parameter {name!r}; allowed parameters and ranges: {allowed}"
                )
            if name in fixed:
                raise ValueError(f"{where}: parameter {name!r} is both in the grid and fixed")
            if name not in columns:
                columns.append(name)
        values = {n: _check_value(n, v, specs[n], where) for n, v in p.items()}
        values.update({n: _check_value(n, v, specs[n], "fixed parameters") for n, v in fixed.items()})
        _validate_point(values, specs, where)
        merged.append(values)
    columns += [n for n in fixed if n not in columns]
    # a column shows the value used at every point: the default where a point does not set it
    for values in merged:
        for n in columns:
            if n not in values:
                values[n] = specs[n].value(specs[n].default)
    return merged, columns, persons


def _check_indicators(indicators: Any) -> list[str]:
    if isinstance(indicators, str):
        indicators = [indicators]
    names = list(dict.fromkeys(indicators))
    if not names:
        raise ValueError(f"indicators is empty; allowed: {', '.join(INDICATORS)}")
    for n in names:
        if n == "gif":
            raise ValueError(
                "indicators: 'gif' (the permutation test) is not part of sweeps: it is a many-run job "
                "of its own (fg.distributed.gif splits one test over the cluster); "
                f"allowed: {', '.join(INDICATORS)}"
            )
        if n not in INDICATORS:
            raise ValueError(f"indicators: unknown or unsupported {n!r}; allowed: {', '.join(INDICATORS)}")
    return names


def _num(v: Any) -> float:
    """A table value as float (NaN when suppressed or missing)."""
    if v is None:
        return math.nan
    return float(v)


def _row(table: pd.DataFrame, **keys: Any) -> pd.Series | None:
    mask = np.ones(len(table), dtype=bool)
    for k, v in keys.items():
        mask &= (table[k] == v).to_numpy()
    hits = table[mask]
    return hits.iloc[0] if len(hits) else None


def _odds_ratio(t: Mapping[str, Any]) -> float:
    a, b = t["exposed"]["outcome"], t["exposed"]["no_outcome"]
    c, d = t["unexposed"]["outcome"], t["unexposed"]["no_outcome"]
    return (a * d) / (b * c) if b * c else math.nan


# One sweep summary per indicator, named in its registry entry: (result, truth.json, run spec) ->
# the columns of :data:`INDICATORS`.
Truth = Mapping[str, Any]


def _sweep_victim_to_perpetrator(r: Result, all_truth: Truth, spec: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row = _row(r.table, stratum="overall", level="all")
    cols = ["a", "b", "c", "d", "n", "odds_ratio", "odds_ratio_lower", "odds_ratio_upper"]
    cols += ["risk_ratio", "risk_ratio_lower", "risk_ratio_upper"]
    for c in cols:
        out[f"vtp_{c}"] = math.nan if row is None else _num(row[c])
    t = all_truth.get("complete_data", {}).get("victim_to_perpetrator")
    out["truth_vtp_odds_ratio"] = _odds_ratio(t) if t else math.nan
    out["truth_transmission_or"] = float(all_truth.get("parameters", {}).get("transmission_or", math.nan))
    return out


def _sweep_recurrence_risk(r: Result, all_truth: Truth, spec: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    first = r.table.iloc[0] if len(r.table) else None
    out["rr_observed"] = math.nan if first is None else _num(first["observed"])
    out["rr_cases"] = math.nan if first is None else _num(first["cases"])
    t = all_truth.get("complete_data", {}).get("recurrence_risk", {})
    for rel in _RECURRENCE_RELATIONS:
        row = _row(r.table, relation=rel)
        out[f"lambda_{rel}"] = math.nan if row is None else _num(row["lambda"])
        if spec["n_boot"]:
            out[f"lambda_{rel}_lower"] = math.nan if row is None else _num(row["lambda_lower"])
            out[f"lambda_{rel}_upper"] = math.nan if row is None else _num(row["lambda_upper"])
        tr = t.get(rel)
        out[f"truth_lambda_{rel}"] = math.nan if not tr or tr.get("lambda") is None else float(tr["lambda"])
    return out


def _sweep_chains(r: Result, all_truth: Truth, spec: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in ("links", "chain_ge1", "chain_ge2", "chain_ge3"):
        row = _row(r.table, measure=m)
        out["chain_links" if m == "links" else m] = math.nan if row is None else _num(row["count"])
    t = all_truth.get("complete_data", {}).get("chains", {})
    for k in ("ge1", "ge2", "ge3"):
        out[f"truth_chain_{k}"] = float(t[k]) if k in t else math.nan
    return out


def _sweep_repeat_incidents(r: Result, all_truth: Truth, spec: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for unit in ("person", "family"):
        row = _row(r.table, unit=unit)
        out[f"repeat_{unit}_n"] = math.nan if row is None else _num(row["n"])
        out[f"repeat_{unit}_share"] = math.nan if row is None else _num(row["share"])
    return out


def _sweep_fir(r: Result, all_truth: Truth, spec: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group in ("case", "non_case"):
        row = _row(r.table, group=group)
        out[f"fir_{group}_mean"] = math.nan if row is None else _num(row["mean"])
    return out


def _sweep_adjusted_association(r: Result, all_truth: Truth, spec: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row = _row(r.table, term="exposed")
    for c, col in (("odds_ratio", ""), ("lower", "_lower"), ("upper", "_upper")):
        out[f"adj_exposed_or{col}"] = math.nan if row is None else _num(row[c])
    return out


def _headlines(name: str, ds: Dataset, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The sweep columns of indicator ``name`` on ``ds``: its registry entry computes and summarises."""
    entry = _registry.get(name)
    summarise = entry.function("sweep")
    if summarise is None:  # pragma: no cover - names are validated before any task is built
        raise ValueError(name)
    result = entry.run(
        ds,
        window=spec["window"],
        min_cell=spec["min_cell"],
        level=spec["level"],
        n_boot=spec["n_boot"],
        seed=spec["seed"],
    )
    truth: Truth = ds.truth if isinstance(ds.truth, dict) else {}
    out: dict[str, Any] = summarise(result, truth, spec)
    return out


def _sweep_task(spec: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[float, float]]:
    """One sweep task: generate the population here, compute; headline numbers, wall and CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    _check_version(spec["version"])
    from .synth import generate

    ds = generate(spec["persons"], spec["seed"], threads=spec["threads"], progress=False, **spec["params"])
    row: dict[str, Any] = {"point": spec["point"], "replicate": spec["replicate"], "seed": spec["seed"]}
    row["persons"] = spec["persons"]
    row.update(spec["columns"])
    for name in spec["indicators"]:
        row.update(_headlines(name, ds, spec))
    return row, (time.perf_counter() - start, time.process_time() - cpu)


def sweep(
    grid: Mapping[str, Iterable[Any]] | Iterable[Mapping[str, Any]],
    replicates: int,
    *,
    persons: int,
    client: Client | None = None,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    seed: int = 0,
    min_cell: int = 0,
    n_boot: int = 0,
    level: float = 0.95,
    window: WindowLike = None,
    threads: int = 1,
    progress: bool | Callable[[float], None] | None = None,
    **fixed: float,
) -> pd.DataFrame:
    """A simulation sweep: headline indicators of synthetic populations over a parameter grid.

    One task per (grid point, replicate) generates a population of ``persons`` with
    :func:`famgraph.synth.generate` *inside the worker*, computes ``indicators`` and returns a
    small dict; no dataset is ever shipped.

    Parameters
    ----------
    grid
        ``{name: [values]}`` (the cartesian product, the last name varying fastest) or a list of
        ``{name: value}`` points. Names and ranges are those of :func:`famgraph.synth.parameters`
        (``persons`` and ``seed`` excepted); everything is validated before anything runs.
    replicates
        Populations per grid point.
    persons
        Persons per population.
    client
        A :class:`dask.distributed.Client`; ``None`` runs the same tasks here, one after another,
        with identical results.
    indicators
        Names of :data:`INDICATORS` (``gif`` is not distributed yet).
    seed
        The sweep seed; task (point, replicate) uses the population seed
        :func:`replicate_seed` ``(seed, point, replicate)``, also used as the bootstrap seed.
    min_cell
        Disclosure control of the indicator tables (0, off, by default: the data are synthetic).
    n_boot
        λ_R bootstrap replicates per task (0: point estimates only, the spread over replicates
        being the sampling distribution of interest in a sweep).
    level, window
        As in :mod:`famgraph.indicators`.
    threads
        Generator threads per task (results do not depend on it); 1 on a cluster of
        single-threaded workers.
    progress
        A bar on stderr when it is a terminal (``None``), always (``True``), never (``False``), or
        a callable receiving the fraction done.
    fixed
        Generator parameters held constant (e.g. ``fertility=1.4``).

    Returns
    -------
    pandas.DataFrame
        One row per (point, replicate), ordered by them: ``point``, ``replicate``, ``seed``,
        ``persons``, the swept and fixed parameters, then the headline columns listed in
        :data:`INDICATORS` (``truth_*`` are the planted / complete-data values of truth.json).
        ``attrs["task_seconds"]`` and ``attrs["task_cpu_seconds"]`` hold each task's wall and CPU
        time in its worker, ``attrs["wall_seconds"]`` the whole run's.

    Example
    -------
    >>> import famgraph as fg
    >>> df = fg.sweep({"transmission_or": [1.0, 4.0]}, 2, persons=2000, progress=False)
    >>> df.shape[0], df["seed"].is_unique
    (4, True)
    """
    replicates = check_int(replicates, "replicates", 1)
    seed = check_int(seed, "seed", 0, 2**63 - 1)
    threads = check_int(threads, "threads", 0)
    n_boot = check_n_boot(n_boot)
    names = _check_indicators(indicators)
    points, columns, persons = _plan(grid, fixed, persons)
    # the indicator options, validated once here (context() does not need a dataset's content)
    from .indicators._options import check_level, check_min_cell, parse_window

    min_cell = check_min_cell(min_cell)
    level = check_level(level)
    parse_window(window)
    version = _famgraph_version()
    specs: list[tuple[dict[str, Any]]] = []
    for i, values in enumerate(points):
        for r in range(replicates):
            specs.append(
                (
                    {
                        "point": i,
                        "replicate": r,
                        "seed": replicate_seed(seed, i, r),
                        "persons": persons,
                        "params": values,
                        "columns": {n: values[n] for n in columns},
                        "indicators": names,
                        "min_cell": min_cell,
                        "n_boot": n_boot,
                        "level": level,
                        "window": window,
                        "threads": threads,
                        "version": version,
                    },
                )
            )
    start = time.perf_counter()
    label = f"sweep {len(points)} points × {replicates}"
    results = _run_tasks(client, _sweep_task, specs, _progress(progress, label))
    wall = time.perf_counter() - start
    frame = pd.DataFrame([row for row, _ in results])
    frame.attrs["task_seconds"] = [float(s) for _, (s, _) in results]
    frame.attrs["task_cpu_seconds"] = [float(c) for _, (_, c) in results]
    frame.attrs["wall_seconds"] = wall
    return frame


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
