"""The shared disclosure cases (tests/fixtures/disclosure_cases.json) through famgraph.disclosure.

tests/cpp/test_disclosure.cpp reads the same file through the C++ core, so both faces are pinned to
the same statuses, values, texts and messages (docs/disclosure.md, "Where the rules live").
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from famgraph import disclosure as fd
from famgraph.disclosure import Suppression

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "disclosure_cases.json").read_text(encoding="utf-8")
)
CODE = {Suppression.NONE: ".", Suppression.PRIMARY: "P", Suppression.SECONDARY: "S"}
COLUMNS_2X2 = ["a", "b", "c", "d", "n_exposed", "n_unexposed", "n_outcome", "n_no_outcome", "n"]


def _id(case: dict[str, Any]) -> str:
    return str(case["name"])


def test_names_sources_and_default() -> None:
    assert list(fd.FIELDS_2X2) == CASES["fields_2x2"]
    assert [fd.JSON_NAMES_2X2[f] for f in fd.FIELDS_2X2] == CASES["json_names_2x2"]
    assert {k: list(v) for k, v in fd.ESTIMATE_SOURCES_2X2.items()} == CASES["estimate_sources_2x2"]
    assert list(fd.ESTIMATE_SOURCES_2X2) == list(CASES["estimate_sources_2x2"])
    assert fd.DEFAULT_MIN_CELL == CASES["default_min_cell"]


@pytest.mark.parametrize("case", CASES["policy"], ids=lambda c: str(c["min_cell"]))
def test_stamp_marker_policy(case: dict[str, Any]) -> None:
    m = case["min_cell"]
    assert fd.stamp(m) == case["stamp"]
    assert fd.marker(m) == case["marker"]
    assert fd.Policy(m).enabled is case["enabled"]
    assert fd.check_min_cell(m) == m
    assert fd.format_value(1, True, m) == case["marker"]


@pytest.mark.parametrize("case", CASES["min_cell_errors"] + CASES["min_cell_type_errors"], ids=repr)
def test_min_cell_messages(case: dict[str, Any]) -> None:
    error = {"ValueError": ValueError, "TypeError": TypeError}[case["error"]]
    with pytest.raises(error) as err:
        fd.check_min_cell(case["min_cell"])
    assert str(err.value) == case["message"]
    with pytest.raises(error) as err:
        fd.stamp(case["min_cell"])
    assert str(err.value) == case["message"]


def test_min_cell_beyond_64_bits_is_rejected_by_name() -> None:
    with pytest.raises(ValueError, match=r"^min_cell must be at most 18446744073709551615"):
        fd.check_min_cell(2**64)
    with pytest.raises(ValueError, match=r"^min_cell must be an integer >= 0"):
        fd.check_min_cell(-(2**70))


@pytest.mark.parametrize("case", CASES["count_errors"], ids=repr)
def test_count_messages(case: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as err:
        if case["table"] == "2x2":
            fd.suppress_2x2(*case["counts"])
        else:
            fd.suppress_one_way(case["counts"])
    assert str(err.value) == case["message"]


@pytest.mark.parametrize("case", CASES["two_by_two"], ids=_id)
def test_2x2(case: dict[str, Any]) -> None:
    s = fd.suppress_2x2(*case["cells"], case["min_cell"])
    assert "".join(CODE[s.at(f)] for f in fd.FIELDS_2X2) == case["status"]
    assert s.suppressed_names() == case["suppressed_names"]
    assert {e: fd.estimate_suppressed_2x2(s, e) for e in fd.ESTIMATE_SOURCES_2X2} == case["estimates"]
    if case["values"] is None:
        with pytest.raises(OverflowError, match=r"sum to more than 18446744073709551615"):
            fd.to_json_2x2(*case["cells"], case["min_cell"])
    else:
        assert fd.to_json_2x2(*case["cells"], case["min_cell"]) == case["json"]


@pytest.mark.parametrize("min_cell", sorted({c["min_cell"] for c in CASES["two_by_two"]}))
def test_2x2_frame(min_cell: int) -> None:
    """Every table of one threshold as one frame (one call into the core)."""
    cases = [c for c in CASES["two_by_two"] if c["min_cell"] == min_cell and c["values"] is not None]
    df = pd.DataFrame([c["cells"] for c in cases], columns=["a", "b", "c", "d"], dtype=np.uint64)
    df["rr"] = 1.5
    out = fd.suppress_2x2_frame(df, min_cell, estimates={"rr": "risk_ratio"})
    text = fd.display(out)
    for i, case in enumerate(cases):
        for column, code, value in zip(COLUMNS_2X2, case["status"], case["values"], strict=True):
            hidden = code != "."
            assert bool(out[column + "_suppressed"].iloc[i]) is hidden, (case["name"], column)
            if hidden:
                assert math.isnan(out[column].iloc[i])
                assert text[column].iloc[i] == fd.marker(min_cell)
            else:
                assert out[column].iloc[i] == float(value)
                assert text[column].iloc[i] == str(int(float(value)))
        assert bool(out["rr_suppressed"].iloc[i]) is case["estimates"]["risk_ratio"]


@pytest.mark.parametrize("case", CASES["one_way"], ids=_id)
def test_one_way(case: dict[str, Any]) -> None:
    s = fd.suppress_one_way(case["counts"], case["min_cell"], total_published=case["total_published"])
    assert "".join(CODE[x] for x in s.counts) + "|" + CODE[s.total] == case["status"]
    frame = pd.DataFrame({"count": np.array(case["counts"], dtype=np.uint64)})
    out = fd.suppress_frequency_frame(frame, case["min_cell"], total_published=case["total_published"])
    assert "".join("S" if h else "." for h in out["count_suppressed"]) == "".join(
        "." if x == "." else "S" for x in case["status"].split("|")[0]
    )
    if case["total_published"]:
        total = out.attrs["totals"]["count"]
        assert math.isnan(total) if case["status"].endswith("|P") else total == float(sum(case["counts"]))


@pytest.mark.parametrize("case", CASES["estimate_suppressed"], ids=repr)
def test_estimate_rule(case: dict[str, Any]) -> None:
    sources = [Suppression(x) for x in case["sources"]]
    assert fd.estimate_suppressed(*sources) is case["suppressed"]
    assert fd.estimate_suppressed(*(s.suppressed for s in sources)) is case["suppressed"]


@pytest.mark.parametrize("case", CASES["format_count"], ids=repr)
def test_text_of_counts(case: dict[str, Any]) -> None:
    value = math.nan if case["value"] == "nan" else case["value"]
    assert fd.format_value(value, False, 10, count=True) == case["text"]


def test_text_of_a_count_column_in_one_call() -> None:
    values = [math.nan if c["value"] == "nan" else float(c["value"]) for c in CASES["format_count"]]
    frame = pd.DataFrame({"n": values, "n_suppressed": [False] * len(values)})
    frame.attrs = {"min_cell": 10, "count_columns": ["n"]}
    assert fd.display(frame)["n"].tolist() == [c["text"] for c in CASES["format_count"]]
