"""famgraph.distributed on dask.distributed: the distributed runs equal the local ones exactly.

One 2-worker LocalCluster (processes, one thread each) is started for the module and must leave no
process behind. Populations are small (2,000-4,000 persons). Sweep rows are also checked against an
independent computation: the population regenerated here from the row's seed and parameters, the
indicators computed directly, and the truth columns recomputed from truth.json by hand.
"""

from __future__ import annotations

import math
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import psutil
import pytest

import famgraph as fg

distributed = pytest.importorskip("distributed")

RELATIONS = ["parent", "full_sibling", "half_sibling"]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    c = fg.distributed.client(n_workers=2, threads_per_worker=1, timeout=60)
    try:
        c.wait_for_workers(2, timeout=60)
        yield c
    finally:
        c.close()
    # multiprocessing's resource tracker (one per interpreter, started with the first spawned
    # process) lives until this interpreter exits by design; every other new process must be gone
    left = [
        p
        for p in me.children(recursive=True)
        if p.pid not in before and "multiprocessing.resource_tracker" not in " ".join(_cmdline(p))
    ]
    _, alive = psutil.wait_procs(left, timeout=10)
    assert not alive, f"worker processes left behind: {[p.pid for p in alive]}"


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:  # already gone
        return []


@pytest.fixture(scope="module")
def ds() -> fg.Dataset:
    return fg.synth.generate(persons=4000, seed=11, threads=1, progress=False)


# --------------------------------------------------------------------------------------------------
# client


def test_client_is_local_processes(client: Any) -> None:
    info = client.scheduler_info()
    workers = info["workers"].values()
    assert len(workers) == 2
    assert all(w["nthreads"] == 1 for w in workers)
    pids = set(client.run(lambda: __import__("os").getpid()).values())
    assert len(pids) == 2 and psutil.Process().pid not in pids  # separate processes


def test_client_by_address_closes_only_what_it_created(client: Any) -> None:
    address = client.scheduler.address
    with fg.distributed.client(address, timeout=30) as other:
        assert other.submit(sum, [1, 2, 3]).result() == 6
    # the cluster (created by the module client) is still up
    assert client.submit(sum, [4, 5]).result() == 9


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_address_is_a_clear_error() -> None:
    address = f"tcp://127.0.0.1:{_closed_port()}"
    with pytest.raises(ConnectionError, match=r"could not reach the Dask scheduler at .*127\.0\.0\.1"):
        fg.distributed.client(address, timeout=1.5)


def test_client_options_are_checked() -> None:
    with pytest.raises(ValueError, match="n_workers and cluster options apply to a new local cluster"):
        fg.distributed.client("tcp://127.0.0.1:8786", n_workers=2)
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        fg.distributed.client(timeout=0)
    with pytest.raises(ValueError, match="n_workers must be an integer >= 1"):
        fg.distributed.client(n_workers=0)


def test_version_mismatch_is_refused_in_the_worker(client: Any) -> None:
    from famgraph.distributed import _check_version

    with pytest.raises(RuntimeError, match="famgraph version mismatch"):
        client.submit(_check_version, "0.0.0-elsewhere", pure=False).result()


def test_importing_famgraph_does_not_import_dask() -> None:
    code = (
        "import sys, famgraph as fg; fg.sweep; fg.distributed.replicate_seed(1, 2, 3); "
        "assert 'dask' not in sys.modules and 'distributed' not in sys.modules, 'dask imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------------------------------
# bootstrap


@pytest.mark.parametrize(("min_cell", "chunk"), [(0, 7), (10, None), (0, 1000)])
def test_bootstrap_equals_local(client: Any, ds: fg.Dataset, min_cell: int, chunk: int | None) -> None:
    local = fg.indicators.recurrence_risk(ds, n_boot=57, seed=5, min_cell=min_cell)
    dist = fg.distributed.bootstrap_lambda(
        ds, client=client, n_boot=57, seed=5, min_cell=min_cell, chunk=chunk, progress=False
    )
    assert local.extra["bootstrap"].shape == (57, 3)
    np.testing.assert_array_equal(dist.extra["bootstrap"], local.extra["bootstrap"])
    pd.testing.assert_frame_equal(dist.table, local.table)
    assert dist.table.attrs == local.table.attrs
    assert dist.parameters == local.parameters
    assert dist.to_dict() == local.to_dict()
    # the interval is really there (not both NaN), so the comparison above can fail
    assert np.isfinite(dist.table["lambda_lower"].to_numpy(dtype=float)).any()


def test_bootstrap_options_pass_through(client: Any, ds: fg.Dataset) -> None:
    opts: dict[str, Any] = {
        "window": ("2015-01-01", "2025-12-31"),
        "case_roles": ("perpetrator", "victim"),
        "relations": ("full_sibling", "parent"),
        "level": 0.9,
        "min_cell": 0,
    }
    local = fg.indicators.recurrence_risk(ds, n_boot=30, seed=9, **opts)
    dist = fg.distributed.bootstrap_lambda(ds, client=client, n_boot=30, seed=9, progress=False, **opts)
    np.testing.assert_array_equal(dist.extra["bootstrap"], local.extra["bootstrap"])
    pd.testing.assert_frame_equal(dist.table, local.table)
    assert dist.table["relation"].tolist() == ["full_sibling", "parent"]


def test_bootstrap_without_client_and_any_chunk(ds: fg.Dataset) -> None:
    local = fg.indicators.recurrence_risk(ds, n_boot=23, seed=3, min_cell=0)
    for chunk, tasks in ((1, 23), (5, 5), (23, 1)):
        fractions: list[float] = []
        r = fg.distributed.bootstrap_lambda(
            ds, n_boot=23, seed=3, min_cell=0, chunk=chunk, progress=fractions.append
        )
        np.testing.assert_array_equal(r.extra["bootstrap"], local.extra["bootstrap"])
        pd.testing.assert_frame_equal(r.table, local.table)
        assert fractions == [(i + 1) / tasks for i in range(tasks)]
    # another seed gives another matrix (the comparison is not vacuous)
    other = fg.distributed.bootstrap_lambda(ds, n_boot=23, seed=4, min_cell=0, progress=False)
    assert not np.array_equal(other.extra["bootstrap"], local.extra["bootstrap"], equal_nan=True)


def test_bootstrap_n_boot_zero_and_bad_options(ds: fg.Dataset) -> None:
    r = fg.distributed.bootstrap_lambda(ds, n_boot=0, min_cell=0, progress=False)
    pd.testing.assert_frame_equal(r.table, fg.indicators.recurrence_risk(ds, n_boot=0, min_cell=0).table)
    with pytest.raises(ValueError, match="n_boot must be an integer >= 0"):
        fg.distributed.bootstrap_lambda(ds, n_boot=-1)
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):
        fg.distributed.bootstrap_lambda(ds, n_boot=10, chunk=0)
    with pytest.raises(ValueError, match="relations"):
        fg.distributed.bootstrap_lambda(ds, n_boot=10, relations=("cousin_of_a_friend",))


# --------------------------------------------------------------------------------------------------
# sweep


def test_replicate_seed_is_the_documented_hash() -> None:
    # independent derivation: the uint64 state is two little-endian uint32 words of the hash
    for seed, point, rep in [(0, 0, 0), (7, 3, 11), (2**40, 1, 2)]:
        w = np.random.SeedSequence([seed, point, rep]).generate_state(2, dtype=np.uint32)
        expected = ((int(w[1]) << 32) | int(w[0])) >> 11
        assert fg.distributed.replicate_seed(seed, point, rep) == expected < 2**53
    seeds = {fg.distributed.replicate_seed(0, p, r) for p in range(20) for r in range(20)}
    assert len(seeds) == 400


ALL = list(fg.distributed.INDICATORS)


@pytest.fixture(scope="module")
def local_sweep() -> pd.DataFrame:
    return fg.sweep(
        {"transmission_or": [1.0, 4.0], "fertility": [1.5, 2.0]},
        2,
        persons=2000,
        indicators=ALL,
        n_boot=15,
        seed=3,
        progress=False,
        witness=0.6,
    )


def test_sweep_equals_local(client: Any, local_sweep: pd.DataFrame) -> None:
    fractions: list[float] = []
    dist = fg.sweep(
        {"transmission_or": [1.0, 4.0], "fertility": [1.5, 2.0]},
        2,
        persons=2000,
        client=client,
        indicators=ALL,
        n_boot=15,
        seed=3,
        progress=fractions.append,
        witness=0.6,
    )
    pd.testing.assert_frame_equal(dist, local_sweep)
    assert len(dist.attrs["task_seconds"]) == len(dist.attrs["task_cpu_seconds"]) == len(dist) == 8
    assert fractions == [(i + 1) / 8 for i in range(8)]


def test_sweep_layout(local_sweep: pd.DataFrame) -> None:
    df = local_sweep
    assert df.columns[:7].tolist() == [
        "point",
        "replicate",
        "seed",
        "persons",
        "transmission_or",
        "fertility",
        "witness",
    ]
    assert df["point"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert df["replicate"].tolist() == [0, 1] * 4
    # cartesian product, the last name fastest
    assert df["transmission_or"].tolist() == [1.0] * 4 + [4.0] * 4
    assert df["fertility"].tolist() == [1.5, 1.5, 2.0, 2.0] * 2
    assert (df["witness"] == 0.6).all() and (df["persons"] == 2000).all()
    assert df["seed"].tolist() == [fg.distributed.replicate_seed(3, p, r) for p in range(4) for r in range(2)]
    for rel in RELATIONS:
        assert {f"lambda_{rel}", f"lambda_{rel}_lower", f"lambda_{rel}_upper", f"truth_lambda_{rel}"} <= set(
            df
        )
    # the planted transmission odds ratio is what the generator was given
    assert df["truth_transmission_or"].tolist() == df["transmission_or"].tolist()


@pytest.mark.parametrize("i", [0, 5])
def test_sweep_row_equals_a_direct_run(local_sweep: pd.DataFrame, i: int) -> None:
    row = local_sweep.iloc[i]
    ds = fg.synth.generate(
        2000,
        int(row["seed"]),
        progress=False,
        transmission_or=row["transmission_or"],
        fertility=row["fertility"],
        witness=0.6,
    )
    v = fg.indicators.victim_to_perpetrator(ds, min_cell=0).table.iloc[0]
    assert (v["stratum"], v["level"]) == ("overall", "all")
    for c in ("a", "b", "c", "d", "odds_ratio", "odds_ratio_lower", "risk_ratio_upper"):
        assert _same(row[f"vtp_{c}"], v[c])
    rr = fg.indicators.recurrence_risk(ds, min_cell=0, n_boot=15, seed=int(row["seed"])).table.set_index(
        "relation"
    )
    for rel in RELATIONS:
        for col in ("lambda", "lambda_lower", "lambda_upper"):
            assert _same(row[col.replace("lambda", f"lambda_{rel}")], rr.loc[rel, col])
    ch = fg.indicators.chains(ds, min_cell=0).table.set_index("measure")["count"]
    assert [row["chain_links"], row["chain_ge1"], row["chain_ge2"], row["chain_ge3"]] == ch.tolist()
    rep = fg.indicators.repeat_incidents(ds, min_cell=0).table.set_index("unit")
    assert _same(row["repeat_person_share"], rep.loc["person", "share"])
    adj = fg.indicators.adjusted_association(ds, min_cell=0).table.set_index("term")
    if "exposed" in adj.index:
        assert _same(row["adj_exposed_or"], adj.loc["exposed", "odds_ratio"])
    # truth columns recomputed by hand from truth.json
    t = ds.truth["complete_data"]
    tv = t["victim_to_perpetrator"]
    a, b = tv["exposed"]["outcome"], tv["exposed"]["no_outcome"]
    c, d = tv["unexposed"]["outcome"], tv["unexposed"]["no_outcome"]
    assert row["truth_vtp_odds_ratio"] == pytest.approx(a * d / (b * c), rel=1e-15)
    assert [row[f"truth_chain_ge{k}"] for k in (1, 2, 3)] == [t["chains"][f"ge{k}"] for k in (1, 2, 3)]
    for rel in RELATIONS:
        assert row[f"truth_lambda_{rel}"] == t["recurrence_risk"][rel]["lambda"]


def _same(x: Any, y: Any) -> bool:
    x, y = float(x), float(y)
    return (math.isnan(x) and math.isnan(y)) or x == y


def test_sweep_list_of_points_fills_defaults() -> None:
    df = fg.sweep(
        [{"fertility": 1.4}, {"transmission_or": 2.0, "fertility": 1.8}],
        1,
        persons=2000,
        indicators="chains",
        progress=False,
    )
    default_or = float(fg.synth.parameters().loc["transmission_or", "default"])
    assert df[["fertility", "transmission_or"]].values.tolist() == [[1.4, default_or], [1.8, 2.0]]
    assert [c for c in df.columns if c.startswith("vtp_") or c.startswith("lambda")] == []
    assert {"chain_ge1", "truth_chain_ge3"} <= set(df)


class _NoClient:
    """A client that fails any use: validation must happen before anything is submitted."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"client.{name} used before the grid was validated")


@pytest.mark.parametrize(
    ("grid", "fixed", "error", "match"),
    [
        (
            {"fertilty": [1.5]},
            {},
            ValueError,
            r"unknown generator parameter 'fertilty'; allowed parameters "
            r"and ranges: start_year \[1800, 2100\], .*fertility \[0, 10\]",
        ),
        (
            {"fertility": [1.5, 11.0]},
            {},
            ValueError,
            r"grid point 1: parameter fertility = 11.0 is outside its allowed range \[0, 10\]",
        ),
        ({"window_years": [2.5]}, {}, ValueError, r"window_years = 2.5 must be a whole number in \[1, 400\]"),
        ({"fertility": []}, {}, ValueError, r"grid\['fertility'\] is empty"),
        ({"fertility": 1.5}, {}, ValueError, r"grid\['fertility'\] = 1.5: expected a list of values"),
        ({"seed": [1, 2]}, {}, ValueError, r"'seed' cannot be swept here"),
        ({"persons": [1000]}, {}, ValueError, r"'persons' cannot be swept here"),
        ({"fertility": [1.5]}, {"fertility": 1.6}, ValueError, r"'fertility' is both in the grid and fixed"),
        ({"fertility": [1.5]}, {"witnes": 0.1}, ValueError, r"unknown generator parameter 'witnes'"),
        (
            {"fertility": [1.5]},
            {"witness": 2.0},
            ValueError,
            r"fixed parameters: parameter witness = 2.0 is outside",
        ),
        (
            {"end_year": [2025, 1900]},
            {},
            ValueError,
            r"grid point 1: start_year = 1870 and end_year = 1900: "
            r"the simulation must span at least 50 years",
        ),
        (
            {"window_years": [15, 300]},
            {},
            ValueError,
            r"grid point 1: window_years = 300 is outside the simulated years",
        ),
        ({"fertility": ["high"]}, {}, TypeError, r"parameter fertility = 'high' is not a number"),
        ([{"fertility": 1.5}, 3], {}, TypeError, r"grid\[1\] = 3: expected a dict"),
        ([], {}, ValueError, r"the grid has no points"),
    ],
)
def test_sweep_grid_errors(grid: Any, fixed: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        fg.sweep(grid, 2, persons=2000, client=_NoClient(), progress=False, **fixed)


def test_sweep_option_errors() -> None:
    def run(**kw: Any) -> None:
        args: dict[str, Any] = {
            "grid": {"fertility": [1.5]},
            "replicates": 1,
            "persons": 2000,
            "client": _NoClient(),
        }
        args.update(kw)
        fg.sweep(**args)

    with pytest.raises(ValueError, match=r"'gif' .* is not part of sweeps"):
        run(indicators=("chains", "gif"))
    with pytest.raises(ValueError, match="unknown or unsupported 'lambda'; allowed: victim_to_perpetrator"):
        run(indicators=("lambda",))
    with pytest.raises(ValueError, match="replicates must be an integer >= 1"):
        run(replicates=0)
    with pytest.raises(ValueError, match="persons must be an integer >= 1"):
        run(persons=0)
    with pytest.raises(ValueError, match="min_cell"):
        run(min_cell=-1)
    with pytest.raises(ValueError, match="level"):
        run(level=1.5)


def test_docstring_examples() -> None:
    import doctest

    import famgraph.distributed

    result = doctest.testmod(famgraph.distributed, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0


def test_docs_example_runs(
    client: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The complete script of docs/distributed.md, on the module cluster instead of a new one."""
    import contextlib
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "distributed.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(# example: distributed sweep and bootstrap\n.*?)```", page, re.S)
    assert len(blocks) == 1
    monkeypatch.setattr(fg.distributed, "client", lambda *a, **k: contextlib.nullcontext(client))
    exec(compile(blocks[0], "docs/distributed.md", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert "truth_vtp_odds_ratio" in out and "full_sibling" in out


# --------------------------------------------------------------------------------------------------
# GIF permutation test


def test_gif_distributed_equals_local(
    client: Any, ds: fg.Dataset, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = ds.to_csv(tmp_path_factory.mktemp("gifdata") / "data")
    want = fg.indicators.gif(ds, n_sim=57, seed=8, min_cell=0)
    local = fg.distributed.gif(ds, n_sim=57, seed=8, chunk=10, min_cell=0, progress=False)
    from_folder = fg.distributed.gif(folder, n_sim=57, seed=8, chunk=13, min_cell=0, progress=False)
    remote = fg.distributed.gif(folder, client=client, n_sim=57, seed=8, chunk=7, min_cell=0, progress=False)
    for r in (local, from_folder, remote):
        pd.testing.assert_frame_equal(r.table, want.table)
        pd.testing.assert_frame_equal(r.tables["null"], want.tables["null"])
        assert r.parameters == want.parameters
    with pytest.raises(ValueError, match="folder"):
        fg.distributed.gif(ds, client=client, n_sim=10)
