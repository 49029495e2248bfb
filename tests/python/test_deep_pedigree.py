"""No fixed limit on the depth of a pedigree: a 70,000-generation line (more than the 65,535 that
16-bit generations allowed) loads, validates, summarises and runs every indicator, and nothing
recurses over the depth (a recursion 70,000 deep would overflow the stack)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import cli

DEPTH = 70_000


@pytest.fixture(scope="module")
def line() -> fg.Dataset:
    # person k + 1 is the child of person k; only the last 4 have birth dates (a parent must be 12
    # years older, so 70,000 dated generations cannot exist), and the last 3 are in incidents.
    n = DEPTH
    ids = np.arange(1, n + 1)
    births = [None] * n
    for k, year in zip(range(n - 4, n), (1930, 1955, 1980, 2004), strict=True):
        births[k] = f"{year}-05-01"
    persons = pd.DataFrame(
        {
            "person_id": ids,
            "sex": ["F"] * n,
            "birth_date": births,
            "exit_date": [None] * n,
            "mother_id": pd.array([None, *ids[:-1].tolist()], dtype="Int64"),
            "father_id": pd.array([None] * n, dtype="Int64"),
        }
    )
    events = pd.DataFrame(
        {
            "incident_id": [1, 1, 2, 2],
            "person_id": [n - 2, n - 1, n - 1, n],
            "role": ["perpetrator", "victim", "perpetrator", "victim"],
            "date": ["1990-03-01", "1990-03-01", "2012-03-01", "2012-03-01"],
            "kind": ["assault"] * 4,
            "source": ["police"] * 4,
        }
    )
    return fg.Dataset.from_pandas(persons, events=events)


def test_generations_beyond_65535(line: fg.Dataset) -> None:
    g = line.graph
    gen = g._core.generation()
    assert gen.dtype == np.uint32
    assert int(gen.max()) == DEPTH - 1 and g._core.max_generation == DEPTH - 1
    assert g.generation().dtype == np.int64
    assert list(g.topological_order()[:3]) == [1, 2, 3]
    assert len(g.ancestors(DEPTH)) == DEPTH - 1
    assert len(g.descendants(1)) == DEPTH - 1
    assert list(g.descendants(1, max_depth=3)) == [2, 3, 4]
    assert line.summary()["generations"] == DEPTH


def test_summary_command_on_the_line(line: fg.Dataset, tmp_path: Path) -> None:
    folder = line.to_csv(tmp_path / "line")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["validate", str(folder)]) == 0
        assert cli.main(["summary", str(folder)]) == 0
    assert f"generations          {DEPTH}\n" in out.getvalue()


def test_every_indicator_runs_on_the_line(line: fg.Dataset) -> None:
    res = fg.indicators.suite(line, n_boot=20, n_sim=9, min_cell=0)
    assert set(res) == set(fg.indicators.NAMES)
    chains = res["chains"].table.set_index("measure")["count"]
    assert int(chains["links"]) == 2 and int(chains["chain_ge2"]) == 1
    ft = fg.indicators.feature_table(line)
    assert int(ft["generation"].max()) == DEPTH - 1


def test_report_groups_a_deep_pedigree_by_ranges_of_generations(line: fg.Dataset) -> None:
    from famgraph.report._build import MAX_GENERATION_ROWS, _generation_rows

    gen = line.graph._core.generation().astype(np.int64)
    labels, counts = _generation_rows(gen, DEPTH)
    assert len(labels) <= MAX_GENERATION_ROWS and sum(counts) == DEPTH
    assert labels[0] == "0–3499" and labels[-1] == "66500–69999"
    small, small_counts = _generation_rows(np.array([0, 0, 1, 2]), 3)
    assert small == ["0", "1", "2"] and small_counts == [2, 1, 1]
