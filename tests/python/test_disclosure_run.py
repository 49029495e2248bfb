"""One run, one decision (issue #13): what one run publishes is protected together.

The reproductions of the issue, each of which failed on the code before the fix:

- the report's data-quality section printed the number of event rows of an organisation whose
  count the overview hid (to protect another), so the hidden count followed by subtraction;
- a share of the persons table gave a small number of persons (unknown sex) that the overview hid;
- the indicators JSON published the first and last event dates (dates of real incidents) and its
  ``dataset`` block published small counts exactly.

The general check, every number of a run against every other, is the whole-output adversary
(test_disclosure_whole_output.py); these tests pin the specific fixes.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph.cli import main as cli_main

M = 10


def _rows(page: str, caption: str) -> list[list[str]]:
    """The rows (cell texts, header first) of the first table whose caption contains ``caption``."""
    for m in re.finditer(r"<figcaption>(.*?)</figcaption>\s*<div[^>]*>\s*<table>(.*?)</table>", page, re.S):
        if caption not in html.unescape(re.sub(r"<[^>]+>", "", m.group(1))):
            continue
        rows = []
        for tr in re.findall(r"<tr>(.*?)</tr>", m.group(2), re.S):
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
            rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
        return rows
    raise AssertionError(f"no table with caption {caption!r}")


@pytest.fixture(scope="module")
def syn3k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The issue's reproduction: famgraph synth --persons 3000 --seed 11; famgraph report."""
    root = tmp_path_factory.mktemp("syn3k")
    folder = root / "syn3k"
    assert cli_main(["synth", "--persons", "3000", "--seed", "11", "--out", str(folder)]) == 0
    out = root / "r.html"
    assert cli_main(["report", str(folder), "-o", str(out), "--date", "2026-01-01"]) == 0
    return folder, out.read_text(encoding="utf-8")


def test_quality_hides_what_the_overview_hides(syn3k: tuple[Path, str]) -> None:
    folder, page = syn3k
    events = pd.read_csv(folder / "events.csv")
    rows = events["source"].value_counts()
    # the precondition of the issue: one organisation below min_cell, a second hidden to protect it
    small = sorted(o for o, n in rows.items() if n < M)
    assert small, "the population no longer has a small organisation; pick another seed"
    by_org = {r[0]: r[1] for r in _rows(page, "Records per organisation")[1:]}
    hidden = sorted(o for o, v in by_org.items() if v.startswith("<"))
    assert set(small) < set(hidden), (small, hidden)  # a secondary suppression in the overview
    metrics = _rows(page, "All metrics")
    header = metrics[0]
    col_n = header.index("Total")  # the n of each metric
    for org in hidden:
        for r in metrics[1:]:
            if r[0] == org and r[1] == "events" and r[4] in ("share_present", "share_valid"):
                assert r[col_n].startswith("<"), (org, r)  # not the row count the overview hides
    # and the count that the subtraction of the issue recovered is nowhere on the page as n
    recovered = {int(rows[o]) for o in hidden}
    for r in metrics[1:]:
        if r[1] == "events":
            assert not (
                r[col_n].replace(",", "").isdigit()
                and int(r[col_n].replace(",", "")) in recovered
                and r[0] in hidden
            )


def test_a_share_does_not_give_a_small_number_of_persons_away(tmp_path: Path) -> None:
    ds = fg.synth.generate(persons=1500, seed=4, progress=False)
    persons = ds.persons.copy()
    # three persons of unknown sex: the overview hides them
    idx = persons.index[persons["mother_id"].isna() & persons["father_id"].isna()][:3]
    persons.loc[idx, "sex"] = "U"
    ds2 = fg.Dataset.from_pandas(persons, ds.partnerships, ds.events, ds.contacts)
    q = fg.quality.scan(ds2, min_cell=M).table
    row = q[
        (q["table"] == "persons")
        & (q["field"] == "sex")
        & (q["dimension"].isin(["completeness", "validity"]))
    ]
    for _, r in row.iterrows():
        value, n = r["value"], r["n"]
        if not np.isnan(value) and not np.isnan(n):
            k = round(value * n)
            assert not (0 < n - k < M), r.to_dict()  # 3 of 1500 would follow from 0.998 × 1500


def test_json_publishes_months_and_controls_the_dataset_block(tmp_path: Path) -> None:
    ds = fg.synth.generate(persons=800, seed=2, progress=False)
    folder = tmp_path / "pop"
    fg.synth.write(folder, persons=800, seed=2, progress=False)
    out = tmp_path / "x.json"
    assert cli_main(["indicators", str(folder), "--json", str(out), "--only", "victim_to_perpetrator"]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    first, last = str(ds.events["date"].min()), str(ds.events["date"].max())
    assert doc["parameters"]["window"] == [first[:7], last[:7]]
    text = out.read_text(encoding="utf-8")
    assert first not in text and last not in text  # the dates of the first and last incident
    assert doc["schema_version"] == "1.3"
    block = doc["dataset"]
    assert block["suppressed"] == [
        k for k in ("persons", "incidents", "event_rows", "contacts") if block[k] is None
    ]
    # a given window is published as given
    out2 = tmp_path / "y.json"
    assert (
        cli_main(
            [
                "indicators",
                str(folder),
                "--json",
                str(out2),
                "--window",
                "2015-03-04:2020",
                "--only",
                "chains",
            ]
        )
        == 0
    )
    assert json.loads(out2.read_text(encoding="utf-8"))["parameters"]["window"] == [
        "2015-03-04",
        "2020-12-31",
    ]


def test_small_dataset_counts_are_withheld() -> None:
    r = fg.indicators.chains(fg.synth.generate(persons=400, seed=3, progress=False))
    doc = fg.indicators.to_json({"chains": r}, dataset={"persons": 400, "contacts": 3, "generations": 4})
    assert doc["dataset"] == {"persons": 400, "contacts": None, "generations": 4, "suppressed": ["contacts"]}
    r0 = fg.indicators.chains(fg.synth.generate(persons=400, seed=3, progress=False), min_cell=0)
    doc0 = fg.indicators.to_json({"chains": r0}, dataset={"persons": 400, "contacts": 3})
    assert doc0["dataset"] == {"persons": 400, "contacts": 3, "suppressed": []}


def test_result_keeps_the_exact_window_for_computing() -> None:
    ds = fg.synth.generate(persons=600, seed=5, progress=False)
    r = fg.indicators.victim_to_perpetrator(ds)
    days = ds.events["date"].astype(str)
    epoch = pd.Timestamp("1970-01-01")
    ws, we = r.window_days
    assert (epoch + pd.Timedelta(days=ws)).date().isoformat() == days.min()
    assert (epoch + pd.Timedelta(days=we)).date().isoformat() == days.max()
    assert r.parameters["window"] == [days.min()[:7], days.max()[:7]]
