"""Disclosure control (famgraph.disclosure, docs/spec/disclosure.md, docs/disclosure.md).

The hand cases are written as pattern strings, one character per number: ``P`` primary,
``S`` secondary, ``.`` published. For a 2×2 table the order is a b c d, exposed unexposed outcome
no_outcome, total; for a one-way table the counts in input order, then ``|``, then the total.
tests/cpp/test_disclosure.cpp asserts the very same strings through the C++ header. Every expected
pattern was worked out by hand from the rules in docs/disclosure.md, not by running the code.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from famgraph import disclosure as fd
from famgraph.disclosure import Suppression

CODE = {Suppression.NONE: ".", Suppression.PRIMARY: "P", Suppression.SECONDARY: "S"}

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def pattern_2x2(a: int, b: int, c: int, d: int, min_cell: int = 10) -> str:
    s = fd.suppress_2x2(a, b, c, d, min_cell)
    return "".join(CODE[s.at(f)] for f in fd.FIELDS_2X2)


def pattern_one_way(counts: list[int], min_cell: int = 10, total_published: bool = True) -> str:
    s = fd.suppress_one_way(counts, min_cell, total_published=total_published)
    return "".join(CODE[x] for x in s.counts) + "|" + CODE[s.total]


# ---- the hand cases (the same strings as in tests/cpp/test_disclosure.cpp) ------------------------

HAND_2X2 = [
    # all cells large; exactly min_cell is published
    ((20, 30, 40, 50), 10, "........."),
    ((10, 10, 10, 10), 10, "........."),
    # one small cell: the whole interior, margins published
    ((3, 30, 40, 50), 10, "PSSS....."),
    ((9, 10, 10, 10), 10, "PSSS....."),
    ((500, 400, 300, 7), 10, "SSSP....."),
    # two small cells in a row: the small row margin (7) and its pair (90)
    ((3, 4, 40, 50), 10, "PPSSPS..."),
    # small margins: a column margin; a row and a column margin; all four; one of exactly 10
    ((2, 30, 5, 50), 10, "PSPS..PS."),
    ((2, 3, 4, 40), 10, "PPPSPSPS."),
    ((3, 4, 2, 5), 10, "PPPPPPPP."),
    ((5, 5, 40, 50), 10, "PPSS....."),
    # zero cells; an empty table; a total below min_cell
    ((0, 25, 30, 40), 10, "PSSS....."),
    ((0, 0, 0, 0), 10, "PPPPPPPPP"),
    ((1, 2, 3, 2), 10, "PPPPPPPPP"),
    # other thresholds: 1 suppresses zeros only
    ((0, 5, 6, 7), 1, "PSSS....."),
    ((4, 4, 4, 4), 5, "PPPP....."),
    # off
    ((0, 1, 2, 3), 0, "........."),
    ((0, 0, 0, 0), 0, "........."),
]

HAND_ONE_WAY = [
    ([12, 30, 45], 10, True, "...|."),
    ([3, 30, 45, 12], 10, True, "P..S|."),
    ([2, 3, 40, 50], 10, True, "PPS.|."),
    ([5, 6, 40, 50], 10, True, "PP..|."),
    ([0, 0, 25, 30], 10, True, "PPS.|."),
    ([4, 20, 20, 30], 10, True, "PS..|."),
    ([10, 10, 9], 10, True, "S.P|."),
    ([9, 10], 10, True, "PS|."),
    ([1, 2, 3, 100], 10, True, "PPPS|."),
    ([2, 3, 4], 10, True, "PPP|P"),
    ([5], 10, True, "P|P"),
    ([15], 10, True, ".|."),
    ([], 10, True, "|P"),
    ([3, 30, 45], 10, False, "P..|."),
    ([0, 0, 25, 30], 10, False, "PP..|."),
    ([0, 1, 2], 0, True, "...|."),
]


@pytest.mark.parametrize(("cells", "min_cell", "expected"), HAND_2X2)
def test_2x2_hand_cases(cells: tuple[int, int, int, int], min_cell: int, expected: str) -> None:
    assert pattern_2x2(*cells, min_cell=min_cell) == expected


@pytest.mark.parametrize(("counts", "min_cell", "total_published", "expected"), HAND_ONE_WAY)
def test_one_way_hand_cases(counts: list[int], min_cell: int, total_published: bool, expected: str) -> None:
    assert pattern_one_way(counts, min_cell, total_published) == expected


def test_2x2_reasons_and_any() -> None:
    s = fd.suppress_2x2(3, 30, 40, 50)
    assert s.a is Suppression.PRIMARY
    assert s.b is Suppression.SECONDARY
    assert s.total is Suppression.NONE
    assert s.any()
    assert not fd.suppress_2x2(20, 30, 40, 50).any()
    assert not fd.suppress_2x2(0, 1, 2, 3, 0).any()
    assert fd.suppress_one_way([3, 30, 45]).any()
    assert not fd.suppress_one_way([0, 1, 2], 0).any()


# ---- policy, stamp, marker -----------------------------------------------------------------------

MESSAGE = "min_cell must be an integer >= 0 (0 turns disclosure control off; default 10), got"


def test_policy_defaults() -> None:
    assert fd.DEFAULT_MIN_CELL == 10
    assert fd.Policy().min_cell == 10
    assert fd.Policy().enabled
    assert not fd.Policy(0).enabled
    assert fd.Policy(1).enabled
    assert fd.check_min_cell(np.int64(5)) == 5


@pytest.mark.parametrize("bad", [-1, -10, np.int64(-2)])
def test_negative_min_cell_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match=r"^min_cell must be an integer >= 0 \(0 turns disclosure"):
        fd.check_min_cell(bad)
    with pytest.raises(ValueError) as err:
        fd.suppress_2x2(1, 2, 3, 4, bad)  # type: ignore[arg-type]
    assert str(err.value) == f"{MESSAGE} {int(bad)}"  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="min_cell"):
        fd.Policy(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_cell"):
        fd.suppress_one_way([1, 2], bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_cell"):
        fd.suppress_2x2_frame(pd.DataFrame({"a": [1], "b": [1], "c": [1], "d": [1]}), bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [True, 10.0, "10", None])
def test_non_integer_min_cell_is_rejected(bad: object) -> None:
    with pytest.raises(TypeError, match=r"^min_cell must be an integer >= 0 \(0 turns disclosure"):
        fd.check_min_cell(bad)


def test_stamp_and_marker() -> None:
    assert fd.stamp() == (
        "disclosure control: on (min_cell = 10): counts below 10 and every estimate derived "
        "from a suppressed count are suppressed"
    )
    assert fd.stamp(5) == (
        "disclosure control: on (min_cell = 5): counts below 5 and every estimate derived "
        "from a suppressed count are suppressed"
    )
    assert fd.stamp(fd.Policy(0)) == (
        "disclosure control: OFF (min_cell = 0): small counts are shown; not for publication"
    )
    assert fd.marker() == "<10"
    assert fd.marker(5) == "<5"


def test_negative_or_non_integer_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="count a must be a non-negative integer"):
        fd.suppress_2x2(-1, 2, 3, 4)
    with pytest.raises(ValueError, match="count d must be a non-negative integer"):
        fd.suppress_2x2(1, 2, 3, 2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"count \[1\] must be a non-negative integer"):
        fd.suppress_one_way([1, -2])


# ---- JSON form ---------------------------------------------------------------------------------


def test_json_names_and_form() -> None:
    assert fd.suppress_2x2(3, 4, 40, 50).suppressed_names() == [
        "exposed.outcome",
        "exposed.no_outcome",
        "unexposed.outcome",
        "unexposed.no_outcome",
        "margins.exposed",
        "margins.unexposed",
    ]
    assert fd.suppress_2x2(20, 30, 40, 50).suppressed_names() == []
    assert fd.JSON_NAMES_2X2["total"] == "margins.total"
    assert fd.JSON_NAMES_2X2["no_outcome"] == "margins.no_outcome"

    assert fd.to_json_2x2(3, 4, 40, 50) == {
        "exposed": {"outcome": None, "no_outcome": None},
        "unexposed": {"outcome": None, "no_outcome": None},
        "margins": {"exposed": None, "unexposed": None, "outcome": 43, "no_outcome": 54, "total": 97},
        "suppressed": [
            "exposed.outcome",
            "exposed.no_outcome",
            "unexposed.outcome",
            "unexposed.no_outcome",
            "margins.exposed",
            "margins.unexposed",
        ],
    }
    assert fd.to_json_2x2(0, 1, 2, 3, 0) == {
        "exposed": {"outcome": 0, "no_outcome": 1},
        "unexposed": {"outcome": 2, "no_outcome": 3},
        "margins": {"exposed": 1, "unexposed": 5, "outcome": 2, "no_outcome": 4, "total": 6},
        "suppressed": [],
    }


# ---- estimates ---------------------------------------------------------------------------------


def test_estimate_suppressed() -> None:
    assert not fd.estimate_suppressed()
    assert not fd.estimate_suppressed(Suppression.NONE, Suppression.NONE)  # a str enum: not truthy here
    assert fd.estimate_suppressed(Suppression.NONE, Suppression.SECONDARY)
    assert fd.estimate_suppressed(Suppression.PRIMARY)
    assert fd.estimate_suppressed(False, True)
    assert not fd.estimate_suppressed(False, False)

    estimates = list(fd.ESTIMATE_SOURCES_2X2)
    assert estimates == ["risk_exposed", "risk_unexposed", "risk_ratio", "odds_ratio", "risk_difference"]
    large = fd.suppress_2x2(20, 30, 40, 50)
    small = fd.suppress_2x2(3, 30, 40, 50)
    off = fd.suppress_2x2(3, 30, 40, 50, 0)
    for e in estimates:
        assert not fd.estimate_suppressed_2x2(large, e)
        assert fd.estimate_suppressed_2x2(small, e)  # c and d are secondary: the unexposed risk too
        assert not fd.estimate_suppressed_2x2(off, e)

    only_c = fd.Suppressed2x2(c=Suppression.SECONDARY)
    assert not fd.estimate_suppressed_2x2(only_c, "risk_exposed")
    assert fd.estimate_suppressed_2x2(only_c, "risk_unexposed")
    assert fd.estimate_suppressed_2x2(only_c, "risk_ratio")
    assert fd.estimate_suppressed_2x2(only_c, "odds_ratio")
    assert fd.estimate_suppressed_2x2(only_c, "risk_difference")
    only_exposed = fd.Suppressed2x2(exposed=Suppression.PRIMARY)
    assert fd.estimate_suppressed_2x2(only_exposed, "risk_exposed")
    assert not fd.estimate_suppressed_2x2(only_exposed, "risk_unexposed")
    assert fd.estimate_suppressed_2x2(only_exposed, "risk_ratio")
    assert not fd.estimate_suppressed_2x2(only_exposed, "odds_ratio")
    with pytest.raises(ValueError, match="unknown 2x2 estimate 'lambda'"):
        fd.estimate_suppressed_2x2(large, "lambda")


# ---- DataFrames --------------------------------------------------------------------------------

FRAME_CASES = [case for case in HAND_2X2 if case[1] == 10]


def _frame() -> pd.DataFrame:
    rows = [case[0] for case in FRAME_CASES]
    df = pd.DataFrame(rows, columns=["a", "b", "c", "d"])
    df.insert(0, "relation", [f"r{i}" for i in range(len(df))])
    df["rr"] = [1.5] * len(df)
    df["risk_exposed"] = [0.25] * len(df)
    df["or_corrected"] = [False] * len(df)
    return df


def test_2x2_frame_matches_the_hand_patterns() -> None:
    df = _frame()
    out = fd.suppress_2x2_frame(
        df,
        estimates={"rr": "risk_ratio", "risk_exposed": "risk_exposed", "or_corrected": ["a", "b", "c", "d"]},
    )
    columns = ["a", "b", "c", "d", "n_exposed", "n_unexposed", "n_outcome", "n_no_outcome", "n"]
    for i, (cells, _, expected) in enumerate(FRAME_CASES):
        values = dict(zip(fd.FIELDS_2X2, _values(*cells), strict=True))
        for field, column, code in zip(fd.FIELDS_2X2, columns, expected, strict=True):
            hidden = code != "."
            assert bool(out[column + "_suppressed"].iloc[i]) is hidden, (cells, column)
            if hidden:
                assert math.isnan(out[column].iloc[i])
            else:
                assert out[column].iloc[i] == values[field]
        any_cell = expected[:4] != "...."
        assert bool(out["rr_suppressed"].iloc[i]) is any_cell
        assert math.isnan(out["rr"].iloc[i]) is any_cell
        assert bool(out["risk_exposed_suppressed"].iloc[i]) is any_cell
        assert bool(out["or_corrected_suppressed"].iloc[i]) is any_cell
    for column in columns:
        assert out[column].dtype == np.float64
        assert out[column + "_suppressed"].dtype == bool
    assert list(out["relation"]) == list(df["relation"])
    assert out.attrs["min_cell"] == 10
    assert out.attrs["disclosure_control"] == fd.stamp(10)
    assert out.attrs["count_columns"] == columns
    # the input is not modified
    assert list(df.columns) == ["relation", "a", "b", "c", "d", "rr", "risk_exposed", "or_corrected"]


def test_2x2_frame_off_is_stamped_and_suppresses_nothing() -> None:
    df = pd.DataFrame({"a": [0, 3], "b": [1, 30], "c": [2, 40], "d": [3, 50]})
    out = fd.suppress_2x2_frame(df, 0)
    assert not out.isna().any().any()
    assert not out[[c for c in out.columns if c.endswith("_suppressed")]].any().any()
    assert out.attrs["disclosure_control"].startswith("disclosure control: OFF (min_cell = 0)")
    assert list(out["n"]) == [6.0, 123.0]
    text = fd.display(out)
    assert list(text["a"]) == ["0", "3"]
    assert text.attrs["disclosure_control"] == fd.stamp(0)


def test_2x2_frame_validates_its_input() -> None:
    df = pd.DataFrame({"a": [3], "b": [30], "c": [40], "d": [50]})
    with pytest.raises(ValueError, match=r"column 'n' .* is 120 in row 0, but its cells sum to 123"):
        fd.suppress_2x2_frame(df.assign(n=[120]))
    out = fd.suppress_2x2_frame(df.assign(n=[123]))  # a consistent margin column is accepted
    assert bool(out["n_suppressed"].iloc[0]) is False
    with pytest.raises(ValueError, match="column 'a' must hold non-negative integer counts"):
        fd.suppress_2x2_frame(df.assign(a=[-1]))
    with pytest.raises(ValueError, match="column 'a' must hold non-negative integer counts"):
        fd.suppress_2x2_frame(df.assign(a=[np.nan]))
    with pytest.raises(ValueError, match="column 'x' not found"):
        fd.suppress_2x2_frame(df, cells=("x", "b", "c", "d"))
    with pytest.raises(ValueError, match="estimate column 'rr' not found"):
        fd.suppress_2x2_frame(df, estimates={"rr": "risk_ratio"})
    with pytest.raises(ValueError, match="derived from 'lambda'"):
        fd.suppress_2x2_frame(df.assign(rr=[1.0]), estimates={"rr": "lambda"})
    with pytest.raises(ValueError, match="margins must map exactly"):
        fd.suppress_2x2_frame(df, margins={"total": "n"})
    # float columns holding whole numbers are counts too
    out = fd.suppress_2x2_frame(df.astype(float))
    assert out["a_suppressed"].tolist() == [True]


def test_2x2_frame_custom_columns() -> None:
    df = pd.DataFrame({"eo": [20], "en": [30], "uo": [40], "un": [5]})
    margins = {"exposed": "E", "unexposed": "U", "outcome": "O", "no_outcome": "N", "total": "T"}
    out = fd.suppress_2x2_frame(df, cells=("eo", "en", "uo", "un"), margins=margins)
    flags = [bool(out[c + "_suppressed"].iloc[0]) for c in ("eo", "en", "uo", "un", "E", "U", "O", "N", "T")]
    assert flags == [True] * 4 + [False] * 5
    assert out["U"].iloc[0] == 45


def test_display_marks_every_suppressed_value_the_same_way() -> None:
    df = pd.DataFrame({"a": [3, 20], "b": [30, 30], "c": [40, 40], "d": [50, 50], "rr": [1.234567, 2.0]})
    out = fd.suppress_2x2_frame(df, estimates={"rr": "risk_ratio"})
    text = fd.display(out)
    assert list(text.columns) == ["a", "b", "c", "d", "rr", "n_exposed", "n_unexposed", "n_outcome",
                                  "n_no_outcome", "n"]  # fmt: skip
    assert text.iloc[0].tolist() == ["<10", "<10", "<10", "<10", "<10", "33", "90", "43", "80", "123"]
    assert text.iloc[1].tolist() == ["20", "30", "40", "50", "2", "50", "90", "60", "80", "140"]
    assert text.attrs["disclosure_control"] == fd.stamp(10)
    assert fd.display(fd.suppress_2x2_frame(df, 5)).iloc[0, 0] == "<5"
    with pytest.raises(ValueError, match="display needs min_cell"):
        fd.display(df)
    assert fd.display(df.assign(rr=[np.nan, 1.5]), 10)["rr"].tolist() == ["NA", "1.5"]
    assert fd.format_value(7, True, 10) == "<10"
    assert fd.format_value(7.0, False, 10, count=True) == "7"
    assert fd.format_value(0.123456, False, 10) == "0.123"
    assert fd.format_value(None, False, 10) == "NA"


def test_frequency_frame() -> None:
    counts = pd.Series([3, 30, 45, 12], index=["A", "B", "C", "D"], name="persons")
    out = fd.suppress_frequency_frame(counts)
    assert out["persons_suppressed"].tolist() == [True, False, False, True]
    assert math.isnan(out["persons"]["A"]) and math.isnan(out["persons"]["D"])
    assert out["persons"]["B"] == 30.0
    assert out.attrs["totals"] == {"persons": 90.0}
    assert out.attrs["disclosure_control"] == fd.stamp(10)
    assert fd.display(out)["persons"].tolist() == ["<10", "30", "45", "<10"]

    # default column name, estimates from the counts of the same row, no published total
    df = pd.DataFrame({"count": [3, 30, 45], "preceded": [2, 20, 9], "share": [2 / 3, 2 / 3, 0.2]})
    out = fd.suppress_frequency_frame(
        df, columns=["count", "preceded"], total_published=False, estimates={"share": ["count", "preceded"]}
    )
    assert out["count_suppressed"].tolist() == [True, False, False]
    assert out["preceded_suppressed"].tolist() == [True, False, True]
    assert out["share_suppressed"].tolist() == [True, False, True]
    assert "totals" not in out.attrs

    # a total below min_cell
    out = fd.suppress_frequency_frame(pd.DataFrame({"count": [2, 3, 4]}))
    assert out["count_suppressed"].tolist() == [True, True, True]
    assert math.isnan(out.attrs["totals"]["count"])

    # off
    out = fd.suppress_frequency_frame(pd.DataFrame({"count": [0, 1, 2]}), 0)
    assert not out["count_suppressed"].any()
    assert out.attrs["totals"] == {"count": 3.0}
    assert out.attrs["disclosure_control"] == fd.stamp(0)

    with pytest.raises(ValueError, match="derived from 'nope'"):
        fd.suppress_frequency_frame(df, estimates={"share": "nope"})


# ---- properties over random tables ---------------------------------------------------------------


def _values(a: int, b: int, c: int, d: int) -> tuple[int, ...]:
    return (a, b, c, d, a + b, c + d, a + c, b + d, a + b + c + d)


def _flags(s: fd.Suppressed2x2) -> tuple[bool, ...]:
    return tuple(s.suppressed(f) for f in fd.FIELDS_2X2)


def _consistent(truth: tuple[int, ...], hidden: tuple[bool, ...], box: int) -> Iterator[tuple[int, ...]]:
    """Every table (a', b', c', d') >= 0 in [0, box]^4 whose published numbers equal the truth's
    (brute force over the free cells; a cell fixed by a published margin is still checked)."""
    pub = [not h for h in hidden]
    exposed, unexposed, outcome, no_outcome, total = truth[4:]
    # With the total published no cell exceeds it (box = total), so b <= box − a, c <= box − a − b.
    cap = pub[8]
    for a in range(box + 1):
        bs = [exposed - a] if pub[4] else range((box - a if cap else box) + 1)
        for b in bs:
            if not 0 <= b <= box:
                continue
            cs = [outcome - a] if pub[6] else range((box - a - b if cap else box) + 1)
            for c in cs:
                if not 0 <= c <= box:
                    continue
                if pub[8]:
                    ds: list[int] | range = [total - a - b - c]
                elif pub[5]:
                    ds = [unexposed - c]
                elif pub[7]:
                    ds = [no_outcome - b]
                else:
                    ds = range(box + 1)
                for d in ds:
                    if not 0 <= d <= box:
                        continue
                    v = _values(a, b, c, d)
                    if all(v[i] == truth[i] for i in range(9) if pub[i]):
                        yield v


cell = st.one_of(st.integers(0, 12), st.integers(0, 25))
threshold = st.sampled_from([0, 1, 2, 3, 5, 10, 10, 10, 15])


@SETTINGS
@given(a=cell, b=cell, c=cell, d=cell, m=threshold)
def test_2x2_property_nothing_small_published_nothing_recoverable(
    a: int, b: int, c: int, d: int, m: int
) -> None:
    s = fd.suppress_2x2(a, b, c, d, m)
    truth = _values(a, b, c, d)
    hidden = _flags(s)
    # (1) no published number below min_cell; primary exactly on the numbers below it
    for i, f in enumerate(fd.FIELDS_2X2):
        if not hidden[i]:
            assert m == 0 or truth[i] >= m
        assert (s.at(f) is Suppression.PRIMARY) == (m > 0 and truth[i] < m)
    if m == 0:
        assert not s.any()
        return
    if not s.any():
        return
    # (2) each suppressed number ranges over at least min_cell + 1 values among the tables that
    # agree with every published number; (3) at least two among those that the rule would also
    # have suppressed in the same places (a reader who replays the rule).
    box = truth[8] if not hidden[8] else truth[8] + m + 1
    lo = [math.inf] * 9
    hi = [-math.inf] * 9
    replay: list[set[int]] = [set() for _ in range(9)]
    pending = {i for i in range(9) if hidden[i]}  # replayed only until each has two values
    seen_truth = False
    for v in _consistent(truth, hidden, box):
        seen_truth = seen_truth or v == truth
        for i in range(9):
            lo[i] = min(lo[i], v[i])
            hi[i] = max(hi[i], v[i])
        if pending and _flags(fd.suppress_2x2(*v[:4], m)) == hidden:
            for i in range(9):
                replay[i].add(v[i])
            pending = {i for i in pending if len(replay[i]) < 2}
    assert seen_truth
    for i in range(9):
        if hidden[i]:
            assert hi[i] - lo[i] >= m, (fd.FIELDS_2X2[i], lo[i], hi[i])
            if not (m == 1 and truth[8] == 0):  # "<1" says 0 for an empty table anyway
                assert len(replay[i]) >= 2, (fd.FIELDS_2X2[i], replay[i])


@SETTINGS
@given(
    x=st.lists(st.integers(0, 15), max_size=4),
    m=st.sampled_from([0, 1, 2, 5, 10, 10, 10, 15]),
    total_published=st.booleans(),
)
def test_one_way_property_nothing_small_published_nothing_recoverable(
    x: list[int], m: int, total_published: bool
) -> None:
    s = fd.suppress_one_way(x, m, total_published=total_published)
    assert len(s.counts) == len(x)
    for v, st_ in zip(x, s.counts, strict=True):
        if not st_.suppressed:
            assert m == 0 or v >= m
    total = sum(x)
    if not total_published:
        assert s.total is Suppression.NONE
    elif not s.total.suppressed:
        assert m == 0 or total >= m
    if m == 0:
        assert not s.any()
    hidden = [i for i, st_ in enumerate(s.counts) if st_.suppressed]
    if not hidden:
        return
    constrained = total_published and not s.total.suppressed
    box = total + m + 1
    lo = {i: math.inf for i in hidden}
    hi = {i: -math.inf for i in hidden}
    if constrained:
        # the suppressed counts (>= 0) sum to total − published counts: enumerate all but the last
        rest = total - sum(v for i, v in enumerate(x) if i not in hidden)

        def rec(k: int, acc: list[int]) -> Iterator[list[int]]:
            if k == len(hidden) - 1:
                yield [*acc, rest - sum(acc)]
                return
            for v in range(rest - sum(acc) + 1):
                yield from rec(k + 1, [*acc, v])

        for cand in rec(0, []):
            for i, v in zip(hidden, cand, strict=True):
                lo[i] = min(lo[i], v)
                hi[i] = max(hi[i], v)
    else:  # no published number ties them together: each ranges over [0, box] on its own
        for i in hidden:
            lo[i], hi[i] = 0, box
    for i in hidden:
        assert lo[i] <= x[i] <= hi[i]
        assert hi[i] - lo[i] >= m, (i, lo[i], hi[i])
