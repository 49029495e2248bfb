"""The benchmark peers (famgraph.bench.peers: pandas, networkx, python-igraph, NetworKit, pednet,
inbreeding-calculator) give exactly famgraph's numbers on small synthetic populations, windows and a
hand-made inbred pedigree; and the driver detects a disagreement.

This is a correctness test: the peers are written from docs/spec/indicators.md independently of famgraph, so
agreement checks both sides. Populations are ~2,000 persons; the whole file takes seconds.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import _core
from famgraph.bench.peers import famgraph_side, indicators, kinship, relatives, tables

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"

EPOCH = dt.date(1970, 1, 1)
HAVE = {
    m: importlib.util.find_spec(m) is not None
    for m in ("igraph", "networkit", "pednet", "inbreeding_calculator")
}

POPULATIONS = [
    {"persons": 2000, "seed": 3},
    {"persons": 2500, "seed": 11, "unknown_father": 0.3, "separation": 0.8, "window_years": 40},
    {
        "persons": 1500,
        "seed": 5,
        "maltreatment_rate": 0.08,
        "partner_violence_rate": 0.05,
        "transmission_or": 10.0,
        "contact_before": 0.9,
        "window_years": 25,
    },
]


@pytest.fixture(scope="module", params=range(len(POPULATIONS)), ids=lambda k: f"pop{k}")
def population(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    params = dict(POPULATIONS[request.param])
    n, seed = params.pop("persons"), params.pop("seed")
    folder = tmp_path_factory.mktemp("pop")
    fg.synth.write(folder / "csv", n, seed, progress=False, **params)
    fg.synth.write(folder / "parquet", n, seed, format="parquet", progress=False, **params)
    ds = fg.Dataset.from_csv(folder / "csv")
    return ds, folder


def _diff(ref: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    keys = set(ref) | set(got)
    return {k: (ref.get(k), got.get(k)) for k in sorted(keys) if (ref.get(k) or 0) != (got.get(k) or 0)}


def test_tables_read_the_same_from_csv_and_parquet(population: tuple[Any, Any]) -> None:
    ds, folder = population
    a, b = tables.load(folder / "csv", "csv"), tables.load(folder / "parquet", "parquet")
    for name in ("persons", "events", "contacts", "partnerships"):
        x, y = getattr(a, name), getattr(b, name)[list(getattr(a, name).columns)]
        cols = list(x.columns)
        x = x.sort_values(cols, ignore_index=True)
        y = y.sort_values(cols, ignore_index=True)
        pd.testing.assert_frame_equal(x.astype(object), y.astype(object))
    assert len(a.persons) == ds.n_persons and len(a.events) == ds.n_events


@pytest.mark.parametrize("tool", ["pandas", "networkx", "igraph", "networkit"])
def test_relatives_and_structure_match_famgraph(population: tuple[Any, Any], tool: str) -> None:
    if tool in HAVE and not HAVE[tool]:
        pytest.skip(f"{tool} not installed (requirements-bench.txt)")
    ds, folder = population
    t = tables.load(folder / "parquet", "parquet")
    g = ds.graph
    want = {r: len(g.pairs(r)) for r in ("full_sibling", "half_sibling", "first_cousin")}
    assert min(want.values()) > 0
    assert relatives.pair_counts(tool, t.persons) == want
    gen = g.generation()
    s = relatives.structure(tool, t.persons)
    assert s["max_generation"] == gen.max() and s["sum_generation"] == gen.sum()
    if tool != "pandas":
        assert s["components"] == g.n_components
        assert s["largest_component"] == g.component().value_counts().max()


def test_pair_lists_match_famgraph_exactly(population: tuple[Any, Any]) -> None:
    ds, folder = population
    t = tables.load(folder / "csv", "csv")
    full, half = relatives.sibling_pairs(t.persons)
    cousins = relatives.first_cousin_pairs(t.persons, full)
    for rel, mine in (("full_sibling", full), ("half_sibling", half), ("first_cousin", cousins)):
        theirs = ds.graph.pairs(rel)
        a = set(zip(theirs["person_id"], theirs["relative_id"], strict=True))
        assert a == set(zip(mine["a"], mine["b"], strict=True)), rel


@pytest.mark.parametrize(
    "window",
    [None, "shifted"],
)
def test_indicator_counts_match_famgraph(population: tuple[Any, Any], window: str | None) -> None:
    ds, folder = population
    t = tables.load(folder / "parquet", "parquet")
    ws, we = t.window()
    if window == "shifted":
        ws, we = ws + 900, we - 400
    core_args = (None, None) if window is None else (int(ws), int(we))
    nonzero = 0
    for name, fn in indicators.INDICATORS.items():
        got = fn(t) if window is None else fn(t, (ws, we))
        r = getattr(_core.indicators, name)(ds._core, *core_args)
        assert r.window == (int(ws), int(we))
        want = famgraph_side.numbers_from_core(name, r)
        assert _diff(want, got) == {}, name
        nonzero += sum(1 for v in want.values() if v)
    assert nonzero > 100  # the populations exercise the rules (not all-zero tables)


def test_victim_to_perpetrator_other_roles(population: tuple[Any, Any]) -> None:
    ds, folder = population
    t = tables.load(folder / "csv", "csv")
    r = _core.indicators.victim_to_perpetrator(ds._core, None, None, ["victim"])
    want = famgraph_side.numbers_from_core("victim_to_perpetrator", r)
    assert _diff(want, indicators.victim_to_perpetrator(t, exposure_roles=("victim",))) == {}


def test_kinship_recursion_matches_famgraph(population: tuple[Any, Any]) -> None:
    ds, folder = population
    t = tables.load(folder / "csv", "csv")
    full, half = relatives.sibling_pairs(t.persons)
    cousins = relatives.first_cousin_pairs(t.persons, full)
    pairs = pd.concat([full, half, cousins], ignore_index=True)
    phi = kinship.kinship_function(t.persons)
    index = pd.Index(t.persons["person_id"])
    mine = np.array(
        [phi(a, b) for a, b in zip(index.get_indexer(pairs["a"]), index.get_indexer(pairs["b"]), strict=True)]
    )
    theirs = ds.graph.kinship_pairs(pairs[["a", "b"]]).to_numpy()
    np.testing.assert_array_equal(mine, theirs)
    got = kinship.kinship_numbers("pandas", t.persons, pairs["a"], pairs["b"])
    want = kinship.summarise(ds.graph.inbreeding().reindex(t.persons["person_id"]).to_numpy(), theirs)
    assert got == want


def _inbred_pedigree() -> pd.DataFrame:
    """Founders 1,2 → full siblings 3 (F), 4 (M); 3×5 → 7, 4×6 → 8 (first cousins); 7×8 → 9 (F = 1/16);
    1×10 → half sibling 11 of 3 and 4; 11×12 → 13, a half cousin of 7 and 8; 9×13 → 14."""
    rows = [
        (1, "F", "1900", None, None),
        (2, "M", "1898", None, None),
        (3, "F", "1925", 1, 2),
        (4, "M", "1927", 1, 2),
        (5, "M", "1924", None, None),
        (6, "F", "1929", None, None),
        (7, "F", "1950", 3, 5),
        (8, "M", "1951", 6, 4),
        (9, "F", "1975", 7, 8),
        (10, "M", "1899", None, None),
        (11, "M", "1930", 1, 10),
        (12, "F", "1931", None, None),
        (13, "M", "1955", 12, 11),
        (14, "M", "2000", 9, 13),
    ]
    df = pd.DataFrame(rows, columns=["person_id", "sex", "birth_date", "mother_id", "father_id"])
    df["exit_date"] = None
    df["mother_id"] = df["mother_id"].astype("Int64")
    df["father_id"] = df["father_id"].astype("Int64")
    return df


def _hand_tables(df: pd.DataFrame) -> tables.Tables:
    return tables.prepare({"persons": df.copy()})


def test_kinship_peers_on_an_inbred_pedigree() -> None:
    df = _inbred_pedigree()
    ds = fg.Dataset.from_pandas(df)
    f_fg = ds.graph.inbreeding().reindex(df["person_id"]).to_numpy()
    assert f_fg[df["person_id"] == 9][0] == 1 / 16  # child of first cousins (hand-derived)
    t = _hand_tables(df)
    assert np.array_equal(
        kinship.kinship_numbers("pandas", t.persons, pd.Series([7, 9]), pd.Series([8, 13]))["max_F"], 1 / 16
    )
    phi = kinship.kinship_function(t.persons)
    index = pd.Index(t.persons["person_id"])
    for a, b in [(7, 8), (9, 13), (3, 11), (14, 14), (1, 9), (7, 13)]:
        assert phi(index.get_loc(a), index.get_loc(b)) == ds.graph.kinship(a, b), (a, b)
    f_rec = np.array(
        [
            phi(index.get_loc(m), index.get_loc(x)) if pd.notna(m) and pd.notna(x) else 0.0
            for m, x in zip(df["mother_id"], df["father_id"], strict=True)
        ]
    )
    np.testing.assert_array_equal(f_rec, f_fg)
    if HAVE["inbreeding_calculator"]:
        np.testing.assert_array_equal(kinship.inbreeding_calculator(t.persons), f_fg)
    if HAVE["pednet"]:
        f_pn, phi_pn = kinship.pednet_kinship(t.persons, pd.Series([7, 9]), pd.Series([8, 13]))
        np.testing.assert_array_equal(f_pn, f_fg)
        assert phi_pn.tolist() == [ds.graph.kinship(7, 8), ds.graph.kinship(9, 13)]


@pytest.mark.skipif(not HAVE["pednet"], reason="pednet not installed")
def test_pednet_shared_placeholder_is_the_known_difference() -> None:
    """Two children of one mother with unknown fathers: famgraph half siblings φ = 1/8
    (docs/spec/common_rules.md §relations); pednet gives both one placeholder father, so φ = 1/4 —
    the difference the driver records."""
    df = pd.DataFrame(
        {
            "person_id": [1, 2, 3],
            "sex": ["F", "M", "F"],
            "birth_date": ["1950", "1975", "1978"],
            "exit_date": [None] * 3,
            "mother_id": pd.array([None, 1, 1], dtype="Int64"),
            "father_id": pd.array([None, None, None], dtype="Int64"),
        }
    )
    ds = fg.Dataset.from_pandas(df)
    assert ds.graph.kinship(2, 3) == 0.125
    _, phi = kinship.pednet_kinship(_hand_tables(df).persons, pd.Series([2]), pd.Series([3]))
    assert phi.tolist() == [0.25]


def test_dates_partial_and_leap_day() -> None:
    s = pd.Series(["2000-02-29", "1985", "1985-03", None], dtype="string")
    days = tables.to_days(s)
    expect = [dt.date(2000, 2, 29), dt.date(1985, 7, 1), dt.date(1985, 3, 15)]
    assert days[:3].tolist() == [(d - EPOCH).days for d in expect]
    assert np.isnan(days[3])
    b18 = tables.eighteenth_birthday(days)
    assert b18[:3].tolist() == [
        (d - EPOCH).days for d in (dt.date(2018, 2, 28), dt.date(2003, 7, 1), dt.date(2003, 3, 15))
    ]


def _driver() -> Any:
    spec = importlib.util.spec_from_file_location("bench_driver_under_test", BENCH / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_driver_compare_detects_differences() -> None:
    bench = _driver()
    ref = {"overall.a": 4, "overall.b": 10, "decade.1990.a": 0}
    assert bench.compare("victim_to_perpetrator", ref, {"overall.a": 4, "overall.b": 10})["agree"]
    bad = bench.compare("victim_to_perpetrator", ref, {"overall.a": 5, "overall.b": 10, "decade.2000.a": 2})
    assert not bad["agree"]
    assert bad["differences"] == {
        "overall.a": {"famgraph": 4, "peer": 5},
        "decade.2000.a": {"famgraph": None, "peer": 2},
    }
    # tasks other than indicators compare only what both computed (a peer may compute less)
    assert bench.compare("kinship", {"sum_F": 0.0, "sum_phi": 2.5}, {"sum_F": 0.0})["agree"]
    assert not bench.compare("kinship", {"sum_F": 0.0}, {"sum_F": 1e-17})["agree"]
    assert [bench.parse_size(s) for s in ("10k", "1M", "2500", "20m")] == [
        10_000,
        1_000_000,
        2500,
        20_000_000,
    ]
    for bad_size in ("ten", "0", "1.5k7"):
        with pytest.raises(ValueError, match="size"):
            bench.parse_size(bad_size)
    with pytest.raises(ValueError, match="allowed"):
        bench.parse_peers("pandas,spark")
    assert bench.slope([(1_000_000, 1.0), (10_000_000, 10.0), (20_000_000, 20.0)]) == 1.0


def test_driver_end_to_end_on_a_tiny_population(tmp_path: Path) -> None:
    bench = _driver()
    out = tmp_path / "bench.json"
    rc = bench.main(
        [
            "--sizes",
            "1500",
            "--tasks",
            "relatives,repeat_incidents",
            "--peers",
            "pandas",
            "--out",
            str(out),
            "--repeat",
            "1",
        ]
    )
    assert rc == 0
    doc = json.loads(out.read_text())
    assert doc["sizes"] == [1500]
    assert {"cpu_model", "cores", "memory_bytes", "os", "python", "compiler"} <= set(doc["machine"])
    rel = doc["results"]["relatives"]
    assert rel["famgraph"]["1500"]["status"] == "ok"
    for tool in ("pandas",):
        e = rel[tool]["1500"]
        assert e["status"] == "ok" and e["agreement"]["agree"], e
        assert e["ratio_to_famgraph"]["wall"] > 0
        assert e["peak_rss_bytes"] > 0
    ri = doc["results"]["repeat_incidents"]["pandas"]["1500"]
    assert ri["agreement"]["agree"] and ri["agreement"]["compared"] == 4
    assert "loadavg_start" in doc["runs"][-1]
    text = out.read_text()
    assert "person_id" not in text  # no person ids, only counts
