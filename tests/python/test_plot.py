"""famgraph.plot: every plot returns a Figure with the expected artists, on real results, on
hand-made tables in the documented schemas, and on empty or wholly suppressed inputs.

Expected artist counts are derived by hand from the inputs (how many rows are published, which
persons have which roles in the example), not by running the plotting code.
"""

from __future__ import annotations

import io
import math
import re
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

import famgraph as fg
from famgraph import disclosure
from famgraph import plot as fp
from famgraph.plot._style import OKABE_ITO
from report_fixtures import unusual_ids

NO_DATA = "famgraph-no-data"


def texts(fig: Figure) -> list[str]:
    """Every text drawn in the figure (titles, labels, ticks, annotations, legends)."""
    fig.canvas.draw()  # tick labels exist only after a draw
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def png_ok(fig: Figure) -> bytes:
    data = fp.to_png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    Image.open(io.BytesIO(data)).verify()
    return data


def is_no_data(fig: Figure) -> bool:
    return any(t.get_gid() == NO_DATA for t in fig.findobj(Text))


@pytest.fixture(scope="module")
def synthetic() -> tuple[fg.Dataset, dict[str, Any]]:
    ds = fg.synth.generate(persons=20_000, seed=2024, progress=False)
    return ds, fg.indicators.suite(ds, n_boot=50, n_sim=19)


# ---- real results ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_indicator_plot_on_synthetic_results(
    synthetic: tuple[fg.Dataset, dict[str, Any]], lang: str
) -> None:
    ds, results = synthetic
    ids = {str(i) for i in ds.persons["person_id"]}
    for name, result in results.items():
        fig = fp.plot_result(result, lang=lang)
        assert isinstance(fig, Figure), name
        assert fig.axes, name
        png_ok(fig)
        words = set(re.findall(r"\d+", " ".join(texts(fig))))
        assert not words & ids, f"{name}: a person id in the figure"
        # Result.plot() of the indicators package draws the same standard figure
        assert isinstance(result.plot(lang=lang), Figure)


def test_km_curves_two_groups_distinct_styles(synthetic: tuple[fg.Dataset, dict[str, Any]]) -> None:
    _, results = synthetic
    km = results["victim_to_perpetrator"].tables["km"]
    fig = fp.km_curves(km)
    names = {"exposed in childhood", "not exposed"}
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label() in names]
    drawn = {
        g for g in ("exposed", "unexposed") if km[km["group"] == g]["cumulative_incidence"].notna().any()
    }
    assert len(lines) == len(drawn) == 2
    if len(lines) == 2:  # grey-scale: the two curves differ in line style, not only colour
        assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert any(isinstance(c, PolyCollection) for c in fig.axes[0].collections)  # CI bands


def test_pedigree_hand_checked_on_the_example() -> None:
    ds, ids, incidents = unusual_ids()
    fig = fp.pedigree(ds, "largest_with_incidents")
    words = texts(fig)
    # generations as rows: married-in founders (206, 207, 208) sit beside their partners in II
    labels = [w for w in words if re.fullmatch(r"[IVX]+-\d+", w)]
    per_row: dict[str, int] = {}
    for w in labels:
        row = w.split("-")[0]
        per_row[row] = per_row.get(row, 0) + 1
    assert per_row == {"I": 4, "II": 8, "III": 8, "IV": 6}
    assert sorted(labels) == sorted(set(labels))
    ax = fig.axes[0]
    outlines = [p for p in ax.patches if not p.get_fill()]
    assert len(outlines) == 26
    # roles (whole data inside the default window): perpetrators 206 302 304 306 307; victims
    # 201 302 305 403 405; witnesses 301 404 401 402 -> 5 + 5 + 4 role strips
    strips = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_fill() and p.get_zorder() == 3]
    colours = [to_hex(p.get_facecolor()[:3]) for p in strips]
    assert colours.count(OKABE_ITO["vermillion"].lower()) == 5
    assert colours.count(OKABE_ITO["sky_blue"].lower()) == 5
    assert colours.count(OKABE_ITO["yellow"].lower()) == 4
    # no id or incident id anywhere
    joined = " ".join(words)
    for v in ids + incidents:
        assert str(v) not in joined
    png_ok(fig)
    nl = texts(fp.pedigree(ds, 0, lang="nl"))
    assert any("Stamboom" in w for w in nl)


def test_pedigree_refuses_large_components_and_bad_choices() -> None:
    ds, _, _ = unusual_ids()
    with pytest.raises(ValueError, match="26 persons, more than max_persons=10"):
        fp.pedigree(ds, 0, max_persons=10)
    with pytest.raises(ValueError, match="more than max_persons=10"):
        fp.pedigree(ds, "largest_with_incidents", max_persons=10)
    with pytest.raises(ValueError, match="there are 1 family components"):
        fp.pedigree(ds, 3)
    with pytest.raises(ValueError, match="largest_with_incidents"):
        fp.pedigree(ds, "biggest")


def test_pedigree_on_synthetic_data_picks_a_component_within_the_cap(
    synthetic: tuple[fg.Dataset, dict[str, Any]],
) -> None:
    ds, _ = synthetic
    c = fp.pick_component(ds, max_persons=30)
    sizes = ds.graph.component().value_counts()
    with_inc = set(ds.graph.component()[ds.events["person_id"].unique()])
    eligible = [k for k in with_inc if sizes[k] <= 30]
    assert sizes[c] == max(sizes[k] for k in eligible)
    fig = fp.pedigree(ds, c, max_persons=30)
    assert len([p for p in fig.axes[0].patches if not p.get_fill()]) == sizes[c]


def test_population_pyramid_counts_match_an_independent_count(
    synthetic: tuple[fg.Dataset, dict[str, Any]],
) -> None:
    ds, _ = synthetic
    table = fp.pyramid_table(ds, at="2020-06-30", min_cell=0)
    p = ds.persons
    birth = pd.to_datetime(p["birth_date"], errors="coerce")
    exit_ = pd.to_datetime(p["exit_date"], errors="coerce")
    at = pd.Timestamp("2020-06-30")
    alive = birth.notna() & (birth <= at) & (exit_.isna() | (exit_ >= at))
    age = (
        at.year
        - birth.dt.year
        - ((birth.dt.month > at.month) | ((birth.dt.month == at.month) & (birth.dt.day > at.day)))
    )
    group = np.minimum(age // 5, 18)
    for sex in ("F", "M"):
        expected = np.bincount(group[alive & (p["sex"] == sex)].astype(int), minlength=19)
        assert table[sex].astype(int).tolist() == expected.tolist()
    assert table["age_group"].iloc[-1] == "90+"


def test_population_pyramid_suppresses_small_bars() -> None:
    ds, _, _ = unusual_ids()
    table = fp.pyramid_table(ds, at="2019-12-31")
    # 26 persons over 19 groups x 2 sexes: every count is below 10
    assert table["F"].isna().all() and table["M"].isna().all()
    fig = fp.population_pyramid(table)
    assert is_no_data(fig)
    open_table = fp.pyramid_table(ds, at="2019-12-31", min_cell=0)
    fig = fp.population_pyramid(open_table, lang="nl")
    widths = [abs(p.get_width()) for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert sum(widths) == open_table["F"].sum() + open_table["M"].sum()
    hatches = {p.get_hatch() for p in fig.axes[0].patches if isinstance(p, Rectangle)}
    assert len(hatches) == 2  # women and men differ by hatch, not only colour


# ---- hand-made tables in the documented schemas --------------------------------------------------


def _forest_frame() -> pd.DataFrame:
    raw = pd.DataFrame(
        {
            "relation": ["parent", "parent", "full_sibling"],
            "relative_role": ["victim", "victim", "perpetrator"],
            "proband_role": ["victim", "perpetrator", "perpetrator"],
            "a": [20, 3, 15],
            "b": [30, 40, 60],
            "c": [40, 50, 30],
            "d": [50, 60, 90],
            "odds_ratio": [0.833, 0.09, 0.75],
            "odds_ratio_lower": [0.4, 0.02, 0.37],
            "odds_ratio_upper": [1.7, 0.3, 1.5],
        }
    )
    return disclosure.suppress_2x2_frame(
        raw,
        10,
        estimates={
            "odds_ratio": "odds_ratio",
            "odds_ratio_lower": "odds_ratio",
            "odds_ratio_upper": "odds_ratio",
        },
    )


def test_forest_draws_published_rows_and_writes_suppressed_ones() -> None:
    frame = _forest_frame()
    assert frame["odds_ratio_suppressed"].tolist() == [False, True, False]
    fig = fp.transmission_forest(frame)
    ax = fig.axes[0]
    points = [ln for ln in ax.get_lines() if ln.get_marker() == "s"]
    assert len(points) == 2  # rows 1 and 3
    assert sorted(float(ln.get_xdata()[0]) for ln in points) == [0.75, 0.833]
    words = texts(fig)
    assert words.count("<10") == 2  # row 2: in the plot and in the estimate column
    assert "0.833 (0.400–1.70)" in words
    assert ax.get_xscale() == "log"
    nl = texts(fp.transmission_forest(frame, lang="nl"))
    assert "0,833 (0,400–1,70)" in nl and any("ouder" in w for w in nl)
    with pytest.raises(ValueError, match="measure="):
        fp.transmission_forest(frame, measure="hazard")


def test_chains_flow_hand_made() -> None:
    frame = disclosure.suppress_frequency_frame(
        pd.DataFrame(
            {"measure": ["links", "chain_ge1", "chain_ge2", "chain_ge3"], "count": [120, 100, 30, 4]}
        ),
        10,
        total_published=False,
    )
    fig = fp.chains_flow(frame)
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert sorted(round(p.get_height()) for p in bars) == [30, 100]
    words = texts(fig)
    assert "<10" in words and "100" in words and "30" in words
    assert any("120" in w for w in words)


def test_upset_hand_made() -> None:
    frame = disclosure.suppress_frequency_frame(
        pd.DataFrame(
            {
                "unit": ["person"] * 4,
                "combination": ["police", "veilig_thuis", "police+veilig_thuis", "gp"],
                "n_organisations": [1, 1, 2, 1],
                "count": [50, 80, 20, 3],
            }
        ),
        10,
        total_published=False,
    )
    fig = fp.agency_upset(frame)
    top, bottom = fig.axes
    heights = [round(p.get_height()) for p in top.patches if isinstance(p, Rectangle)]
    assert heights == [80, 50, 20]  # largest first; the suppressed gp combination is not drawn
    assert "<10" in texts(fig)
    assert [t.get_text() for t in bottom.get_yticklabels()] == ["police", "veilig_thuis", "gp"]
    assert is_no_data(fp.agency_upset(frame, unit="family"))


def test_recurrence_hand_made() -> None:
    frame = pd.DataFrame(
        {
            "relation": ["parent", "full_sibling"],
            "lambda": [2.0, math.nan],
            "lambda_lower": [1.5, math.nan],
            "lambda_upper": [2.6, math.nan],
            "lambda_suppressed": [False, True],
        }
    )
    frame.attrs["min_cell"] = 10
    fig = fp.recurrence_plot(frame)
    assert len(fig.axes[0].containers) == 1  # one errorbar
    assert "<10" in texts(fig)


# ---- empty and suppressed inputs ---------------------------------------------------------------

EMPTY_SCHEMAS = {
    "km_curves": ["group", "time_years", "cumulative_incidence", "lower", "upper"],
    "transmission_forest": ["relation", "relative_role", "proband_role", "odds_ratio"],
    "chains_flow": ["measure", "count"],
    "recurrence_plot": ["relation", "lambda", "lambda_lower", "lambda_upper"],
    "repeat_plot": ["unit", "n", "repeat", "share", "share_lower", "share_upper"],
    "gif_plot": ["gif", "n_cases", "n_pairs", "p_value", "n_sim"],
    "fir_plot": ["group", "n", "mean", "q1", "median", "q3"],
    "early_signalling_plot": ["organisation", "years", "population", "n", "preceded", "share"],
    "agency_upset": ["unit", "combination", "n_organisations", "count"],
    "adjusted_forest": ["term", "odds_ratio", "lower", "upper", "coef", "se"],
}


@pytest.mark.parametrize("fn", sorted(EMPTY_SCHEMAS))
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_empty_tables_give_a_labelled_panel(fn: str, lang: str) -> None:
    frame = pd.DataFrame({c: pd.Series([], dtype="float64") for c in EMPTY_SCHEMAS[fn]})
    fig = getattr(fp, fn)(frame, lang=lang)
    assert isinstance(fig, Figure) and is_no_data(fig)
    assert any(ax.get_title() for ax in fig.axes)
    png_ok(fig)


def test_empty_result_object_says_why() -> None:
    frame = pd.DataFrame({"measure": pd.Series([], dtype=str), "count": pd.Series([], dtype=float)})
    empty = SimpleNamespace(
        name="chains", table=frame, tables={"table": frame}, parameters={}, note="", empty=True
    )
    fig = fp.plot_result(empty)
    assert is_no_data(fig) and any("No eligible persons" in w for w in texts(fig))
    held = SimpleNamespace(
        name="chains",
        table=frame,
        tables={"table": frame},
        parameters={},
        note="not published: small",
        empty=False,
    )
    assert any("Nothing published" in w for w in texts(fp.plot_result(held)))
    with pytest.raises(ValueError, match="no plot for the result 'feature_table'"):
        fp.plot_result(SimpleNamespace(name="feature_table", table=frame, tables={}, parameters={}))


def _all_suppressed(columns: dict[str, list[Any]], hidden: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for c in hidden:
        frame[c] = math.nan
        frame[f"{c}_suppressed"] = True
    frame.attrs["min_cell"] = 10
    return frame


@pytest.mark.parametrize(
    ("fn", "frame"),
    [
        ("chains_flow", _all_suppressed({"measure": ["chain_ge1", "chain_ge2", "chain_ge3"]}, ["count"])),
        (
            "recurrence_plot",
            _all_suppressed({"relation": ["parent"]}, ["lambda", "lambda_lower", "lambda_upper"]),
        ),
        ("repeat_plot", _all_suppressed({"unit": ["person", "family"]}, ["n", "repeat", "share"])),
        ("gif_plot", _all_suppressed({"n_sim": [99]}, ["gif", "p_value", "n_cases"])),
        ("fir_plot", _all_suppressed({"group": ["case", "non_case"]}, ["n", "mean", "q1", "median", "q3"])),
        (
            "early_signalling_plot",
            _all_suppressed(
                {"organisation": ["all"], "years": [1], "population": ["first_incidents"]}, ["share"]
            ),
        ),
        (
            "agency_upset",
            _all_suppressed(
                {"unit": ["person"], "combination": ["police"], "n_organisations": [1]}, ["count"]
            ),
        ),
    ],
)
def test_wholly_suppressed_tables_say_so(fn: str, frame: pd.DataFrame) -> None:
    fig = getattr(fp, fn)(frame)
    assert is_no_data(fig)
    assert any("suppressed" in w for w in texts(fig))


def test_forest_with_every_row_suppressed_still_lists_the_rows() -> None:
    frame = _forest_frame()
    for c in ("odds_ratio", "odds_ratio_lower", "odds_ratio_upper"):
        frame[c] = math.nan
        frame[f"{c}_suppressed"] = True
    fig = fp.transmission_forest(frame)
    assert not [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "s"]
    assert texts(fig).count("<10") == 6


# ---- options and output -------------------------------------------------------------------------


def test_language_is_validated() -> None:
    with pytest.raises(ValueError, match="lang='de'"):
        fp.chains_flow(pd.DataFrame({"measure": [], "count": []}), lang="de")


def test_png_bytes_are_reproducible(synthetic: tuple[fg.Dataset, dict[str, Any]]) -> None:
    _, results = synthetic
    a = png_ok(fp.plot_result(results["recurrence_risk"]))
    b = png_ok(fp.plot_result(results["recurrence_risk"]))
    assert a == b


def test_plot_into_given_axes() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    out = fp.chains_flow(
        disclosure.suppress_frequency_frame(pd.DataFrame({"measure": ["chain_ge1"], "count": [40]}), 10),
        ax=ax,
    )
    assert out is fig
    assert any(isinstance(p, Rectangle) for p in ax.patches)
