"""The published results of famgraph.indicators (min_cell=0) against the independent references
(tests/python/reference/), against statsmodels and lifelines, and against the generator's
truth.json; plus option validation, empty results, the JSON document and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import proportion_confint

import famgraph as fg
from famgraph import cli
from famgraph.indicators.recurrence import _component_sums
from reference import indicators_reference as ref
from reference import indicators_reference2 as ref2

ORGS = ("police", "veilig_thuis", "youth_care", "gp", "school", "shelter")
FULL = {f"coverage_{o}_{k}": 1.0 for o in ORGS for k in ("cm", "pv")}
EPOCH = dt.date(1970, 1, 1)

CASES = [(700 + 200 * s, 100 + s) for s in range(6)]


def tables(ds: fg.Dataset) -> tuple[pd.DataFrame, ...]:
    return ds.persons, ds.partnerships, ds.events, ds.contacts


def window_of(res: fg.indicators.Result) -> tuple[dt.date, dt.date]:
    days = res.window_days
    assert days is not None
    epoch = dt.date(1970, 1, 1)
    return epoch + dt.timedelta(days=days[0]), epoch + dt.timedelta(days=days[1])


def abcd(row: pd.Series) -> dict[str, int]:
    return {k: int(row[k]) for k in "abcd"}


def flat(t: dict[str, dict[str, int]]) -> dict[str, int]:
    return {
        "a": t["exposed"]["outcome"],
        "b": t["exposed"]["no_outcome"],
        "c": t["unexposed"]["outcome"],
        "d": t["unexposed"]["no_outcome"],
    }


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"n{c[0]}-s{c[1]}")
def population(request: pytest.FixtureRequest) -> fg.Dataset:
    n, seed = request.param
    return fg.synth.generate(n, seed=seed, progress=False, window_years=25, maltreatment_rate=0.05)


def test_victim_to_perpetrator_strata_equal_reference(population: fg.Dataset) -> None:
    r = fg.indicators.victim_to_perpetrator(population, min_cell=0)
    w = window_of(r)
    t = r.table.set_index(["stratum", "level"])
    assert abcd(t.loc[("overall", "all")]) == flat(ref.victim_to_perpetrator(*tables(population), w))
    persons = population.persons
    for sex in ("F", "M", "U"):
        sub = persons[persons["sex"] == sex]
        want = flat(ref.victim_to_perpetrator(sub, None, population.events, None, w))
        if sum(want.values()) == 0:
            assert ("sex", sex) not in t.index  # empty strata are left out
        else:
            assert abcd(t.loc[("sex", sex)]) == want
    years = pd.to_numeric(persons["birth_date"].str[:4], errors="coerce")
    decades = {int(y) // 10 * 10 for y in years.dropna()}
    seen = 0
    for dec in sorted(decades):
        sub = persons[(years // 10 * 10) == dec]
        want = flat(ref.victim_to_perpetrator(sub, None, population.events, None, w))
        if sum(want.values()):
            assert abcd(t.loc[("birth_decade", str(dec))]) == want
            seen += 1
    assert seen == len(t.loc["birth_decade"]) if "birth_decade" in t.index.get_level_values(0) else seen == 0


def test_statistics_of_published_2x2_equal_statsmodels(population: fg.Dataset) -> None:
    r = fg.indicators.relative_exposure(population, min_cell=0)
    z = fg.stats.z975
    checked = 0
    for _, row in r.table.iterrows():
        a, b, c, d = (int(row[k]) for k in "abcd")
        if min(a, b, c, d) == 0:
            continue
        t = Table2x2(np.array([[a, b], [c, d]]))
        lo, hi = t.oddsratio_confint(alpha=1 - 0.95)
        assert row["odds_ratio"] == pytest.approx(t.oddsratio, rel=1e-9)
        assert (row["odds_ratio_lower"], row["odds_ratio_upper"]) == pytest.approx((lo, hi), rel=1e-6)
        lo, hi = t.riskratio_confint(alpha=1 - 0.95)
        assert row["risk_ratio"] == pytest.approx(t.riskratio, rel=1e-9)
        assert (row["risk_ratio_lower"], row["risk_ratio_upper"]) == pytest.approx((lo, hi), rel=1e-6)
        wl, wu = proportion_confint(a, a + b, alpha=1 - 0.95, method="wilson")
        assert (row["risk_exposed_lower"], row["risk_exposed_upper"]) == pytest.approx((wl, wu), rel=1e-6)
        checked += 1
    assert z == pytest.approx(1.959963984540054)
    assert checked > 0


@pytest.mark.parametrize("n, seed", [(500, 31), (700, 32), (900, 33)])
def test_relative_exposure_equals_reference(n: int, seed: int) -> None:
    # the pure-Python reference is quadratic: small populations only
    population = fg.synth.generate(n, seed=seed, progress=False, window_years=25, maltreatment_rate=0.05)
    r = fg.indicators.relative_exposure(population, min_cell=0)
    w = window_of(r)
    assert len(r.table) == 7 * 4
    for _, row in r.table.iterrows():
        want = ref2.relative_exposure(
            *tables(population), w, row["relation"], row["relative_role"], row["proband_role"]
        )
        got = abcd(row)
        assert got == (flat(want) if "exposed" in want else want), tuple(row[:3])


def test_chains_and_recurrence_equal_reference(population: fg.Dataset) -> None:
    ch = fg.indicators.chains(population, min_cell=0)
    w = window_of(ch)
    want = ref.chains(*tables(population), w)
    got = dict(zip(ch.table["measure"], ch.table["count"].astype(int), strict=True))
    assert got == {
        "links": want["links"],
        "chain_ge1": want["ge1"],
        "chain_ge2": want["ge2"],
        "chain_ge3": want["ge3"],
    }
    assert abcd(ch.tables["continuation"].iloc[0]) == flat(want["continuation"])
    rr = fg.indicators.recurrence_risk(population, min_cell=0, n_boot=20)
    for _, row in rr.table.iterrows():
        want_r = ref.recurrence_risk(*tables(population), w, row["relation"])
        for k in ("observed", "cases", "case_relatives", "relatives"):
            assert int(row[k]) == want_r[k]
        for k in ("K", "K_R", "lambda"):
            if math.isnan(want_r[k]):
                assert math.isnan(row[k])
            else:
                assert row[k] == pytest.approx(want_r[k], rel=1e-12)


def test_repeat_signalling_overlap_equal_reference(population: fg.Dataset) -> None:
    rep = fg.indicators.repeat_incidents(population, min_cell=0, T=365)
    w = window_of(rep)
    want = ref2.repeat_incidents(*tables(population), w, T=365)
    t = rep.table.set_index("unit")
    for unit, key in (("person", "persons"), ("family", "families")):
        assert (int(t.loc[unit, "n"]), int(t.loc[unit, "repeat"])) == (want[key]["n"], want[key]["repeat"])
        if want[key]["n"]:
            lo, hi = proportion_confint(want[key]["repeat"], want[key]["n"], alpha=0.05, method="wilson")
            assert (t.loc[unit, "share_lower"], t.loc[unit, "share_upper"]) == pytest.approx(
                (lo, hi), rel=1e-6
            )

    es = fg.indicators.early_signalling(population, min_cell=0)
    want = ref2.early_signalling(*tables(population), w)
    t = es.table.set_index(["organisation", "years", "population"])
    for N in (1, 2, 5):
        wn = want[N]
        assert int(t.loc[("all", N, "first_incidents"), "n"]) == wn["n"]
        assert int(t.loc[("all", N, "first_incidents"), "preceded"]) == wn["preceded"]
        assert int(t.loc[("all", N, "minors_self_or_parent"), "n"]) == wn["n_minor"]
        assert (
            int(t.loc[("all", N, "minors_self_or_parent"), "preceded"]) == wn["preceded_minor_self_or_parent"]
        )
        for org, v in wn["by_org"].items():
            assert int(t.loc[(org, N, "first_incidents"), "preceded"]) == v["preceded"]
            assert (
                int(t.loc[(org, N, "minors_self_or_parent"), "preceded"])
                == v["preceded_minor_self_or_parent"]
            )
    lt = es.tables["lead_time"].iloc[0]
    assert int(lt["n"]) == len(want["lead_times"])
    if want["lead_time_quartiles"]:
        assert (lt["q1"], lt["median"], lt["q3"]) == pytest.approx(want["lead_time_quartiles"])

    ov = fg.indicators.agency_overlap(population, min_cell=0)
    want = ref2.agency_overlap(*tables(population), w)
    for unit, key in (("person", "persons"), ("family", "families")):
        combos = ov.table[ov.table["unit"] == unit]
        got = {
            frozenset(c.split("+")): int(n)
            for c, n in zip(combos["combination"], combos["count"], strict=True)
        }
        # every combination of the organisations is listed, empty ones too
        assert len(got) == 2 ** len(population.organisations) - 1
        assert {k: v for k, v in got.items() if v} == want[key]["combinations"]
        pairs = ov.tables["pairs"][ov.tables["pairs"]["unit"] == unit]
        for _, p in pairs.iterrows():
            both, either = want[key]["jaccard"][tuple(sorted((p["organisation_a"], p["organisation_b"])))]
            assert (int(p["both"]), int(p["either"])) == (both, either)
        known = ov.tables["known"].set_index("unit").loc[unit]
        assert (int(known["known_1plus"]), int(known["known_2plus"])) == (
            want[key]["known_1plus"],
            want[key]["known_2plus"],
        )


def _survival_reference(ds: fg.Dataset, w: tuple[dt.date, dt.date]) -> pd.DataFrame:
    """Time from the 18th birthday to the first adult perpetration (or censoring), by the reference."""
    ws, we = w
    P = ref.Persons(ds.persons)
    first: dict[int, dt.date] = {}
    exposed: set[int] = set()
    rows = [r for r in ref.event_rows(ds.events) if ref.in_window(r.date, ws, we)]
    for r in sorted(rows, key=lambda r: r.date):
        b = P.birth[r.person]
        if b is None:
            continue
        b18 = ref.birthday18(b)
        if r.role in ("victim", "witness") and r.date < b18:
            exposed.add(r.person)
        if r.role == "perpetrator" and r.date >= b18:
            first.setdefault(r.person, r.date)
    out = []
    for p in P.ids:
        if P.birth[p] is None:
            continue
        b18 = ref.birthday18(P.birth[p])
        end = we if P.exit[p] is None else min(we, P.exit[p])
        if not (ws < b18 <= end):
            continue
        event = p in first
        out.append((((first[p] if event else end) - b18).days, event, p in exposed))
    return pd.DataFrame(out, columns=["time", "event", "exposed"])


def test_kaplan_meier_and_logrank_equal_lifelines(population: fg.Dataset) -> None:
    r = fg.indicators.victim_to_perpetrator(population, min_cell=0)
    s = _survival_reference(population, window_of(r))
    km = r.tables["km"]
    for group, sel in (("exposed", s["exposed"]), ("unexposed", ~s["exposed"])):
        sub = s[sel]
        curve = km[km["group"] == group].iloc[1:]  # the first row is the origin
        kmf = KaplanMeierFitter().fit(sub["time"], sub["event"])
        event_times = np.sort(sub.loc[sub["event"], "time"].unique())
        assert len(curve) == len(event_times)
        assert curve["time_years"].to_numpy() * 365.25 == pytest.approx(event_times.astype(float))
        want = 1 - kmf.survival_function_at_times(event_times).to_numpy()
        assert curve["cumulative_incidence"].to_numpy() == pytest.approx(want, rel=1e-9, abs=1e-12)
    e, u = s[s["exposed"]], s[~s["exposed"]]
    if e["event"].any() and u["event"].any():
        lr = logrank_test(e["time"], u["time"], e["event"], u["event"])
        assert r.tables["logrank"].loc[0, "chi2"] == pytest.approx(lr.test_statistic, rel=1e-6)
        assert r.tables["logrank"].loc[0, "p_value"] == pytest.approx(lr.p_value, rel=1e-6)


# ---------------------------------------------------------------- planted truth (full observation)
@pytest.mark.parametrize("n, seed", [(2500, 7), (6000, 8)])
def test_published_counts_equal_truth_json(n: int, seed: int) -> None:
    ds = fg.synth.generate(
        n, seed=seed, progress=False, start_year=1870, end_year=2025, window_years=156, **FULL
    )
    truth = ds.truth
    assert truth is not None
    cd = truth["complete_data"]
    w = (truth["window"]["start"], truth["window"]["end"])
    v = fg.indicators.victim_to_perpetrator(ds, window=w, min_cell=0)
    assert abcd(v.table.iloc[0]) == flat(cd["victim_to_perpetrator"])
    ch = fg.indicators.chains(ds, window=w, min_cell=0)
    got = dict(zip(ch.table["measure"], ch.table["count"].astype(int), strict=True))
    assert {k: got[f"chain_{k}"] for k in ("ge1", "ge2", "ge3")} == cd["chains"]
    rr = fg.indicators.recurrence_risk(ds, window=w, min_cell=0, n_boot=0).table.set_index("relation")
    for rel, want in cd["recurrence_risk"].items():
        for k in ("observed", "cases", "case_relatives", "relatives"):
            assert int(rr.loc[rel, k]) == want[k]
        assert rr.loc[rel, "lambda"] == pytest.approx(want["lambda"], rel=1e-12)


# ---------------------------------------------------------------- the cluster bootstrap
def _with_component_copies(ds: fg.Dataset, weights: dict[int, int]) -> fg.Dataset:
    """The dataset in which family component c appears weights[c] times (fresh ids per copy)."""
    comp = ds.graph.component()
    persons, events = ds.persons, ds.events
    big = int(persons["person_id"].max()) + 1
    ps, es = [], []
    copy = 0
    for c, w in sorted(weights.items()):
        members = set(comp[comp == c].index)
        for _ in range(w):
            off = big * copy
            copy += 1
            p = persons[persons["person_id"].isin(members)].copy()
            for col in ("person_id", "mother_id", "father_id"):
                p[col] = p[col] + off
            ps.append(p)
            e = events[events["person_id"].isin(members)].copy()
            e["person_id"] = e["person_id"] + off
            e["incident_id"] = e["incident_id"] + off
            es.append(e)
    return fg.Dataset.from_pandas(persons=pd.concat(ps), events=pd.concat(es))


def test_bootstrap_replicate_equals_lambda_of_resampled_families() -> None:
    """λ from per-component sums weighted by w equals λ recomputed by the reference on a dataset
    in which each family component is copied w times: no relative is counted across families."""
    ds = fg.synth.generate(1500, seed=21, progress=False, window_years=40, maltreatment_rate=0.06)
    rels = ["parent", "full_sibling", "half_sibling"]
    r = fg.indicators.recurrence_risk(ds, min_cell=0, n_boot=0, relations=rels)
    w = window_of(r)
    data = fg.indicators._base.core.recurrence_person_counts(ds._core, None, None, ["perpetrator"], rels)
    comp_ids = np.asarray(data.component)
    observed_comps = sorted({int(c) for c, o in zip(comp_ids, data.observed, strict=True) if o})
    rng = np.random.default_rng(5)
    for _ in range(3):
        weights = {
            c: int(x) for c, x in zip(observed_comps, rng.integers(0, 3, len(observed_comps)), strict=True)
        }
        weights = {c: x for c, x in weights.items() if x}
        dup = _with_component_copies(ds, weights)
        vec = np.zeros(int(comp_ids.max()) + 1)
        for c, x in weights.items():
            vec[c] = x
        for j, rel in enumerate(rels):
            cr, rr = (np.asarray(a, dtype=float) for a in (data.case_relatives[j], data.relatives[j]))
            obs = np.bincount(comp_ids, weights=np.asarray(data.observed, float), minlength=len(vec)) @ vec
            cas = np.bincount(comp_ids, weights=np.asarray(data.is_case, float), minlength=len(vec)) @ vec
            s_cr = np.bincount(comp_ids, weights=cr, minlength=len(vec)) @ vec
            s_rr = np.bincount(comp_ids, weights=rr, minlength=len(vec)) @ vec
            want = ref.recurrence_risk(dup.persons, None, dup.events, None, w, rel)
            assert (obs, cas, s_cr, s_rr) == (
                want["observed"],
                want["cases"],
                want["case_relatives"],
                want["relatives"],
            ), rel
            assert j >= 0


def test_bootstrap_is_deterministic_and_partition_invariant() -> None:
    ds = fg.synth.generate(3000, seed=4, progress=False, window_years=30)
    a = fg.indicators.recurrence_risk(ds, n_boot=200, seed=9, min_cell=0)
    b = fg.indicators.recurrence_risk(ds, n_boot=200, seed=9, min_cell=0)
    pd.testing.assert_frame_equal(a.table, b.table)
    data = fg.indicators._base.core.recurrence_person_counts(
        ds._core, None, None, ["perpetrator"], ["parent", "full_sibling", "half_sibling"]
    )
    rows, counts = _component_sums(data, ["parent", "full_sibling", "half_sibling"])
    full = fg.indicators.bootstrap_lambda(rows, counts, 200, 9)
    parts = np.vstack(
        [
            fg.indicators.bootstrap_lambda(rows, counts, 200, 9, replicates=range(k, min(k + 37, 200)))
            for k in range(0, 200, 37)
        ]
    )
    np.testing.assert_array_equal(full, parts)
    np.testing.assert_array_equal(a.extra["bootstrap"], full)
    lam = a.table["lambda"].to_numpy()
    lo, hi = a.table["lambda_lower"].to_numpy(), a.table["lambda_upper"].to_numpy()
    ok = np.isfinite(lam)
    assert np.all(lo[ok] <= lam[ok]) and np.all(lam[ok] <= hi[ok])
    c = fg.indicators.recurrence_risk(ds, n_boot=200, seed=10, min_cell=0)
    assert not np.array_equal(c.extra["bootstrap"], full, equal_nan=True)


# ---------------------------------------------------------------- options, errors, empty results
@pytest.fixture(scope="module")
def small() -> fg.Dataset:
    return fg.synth.generate(2000, seed=3, progress=False)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda ds: fg.indicators.victim_to_perpetrator(ds, window="2020:2010"), "before window start"),
        (lambda ds: fg.indicators.victim_to_perpetrator(ds, window="2020-13-01:2021"), "not a valid"),
        (lambda ds: fg.indicators.victim_to_perpetrator(ds, window="2020"), "START:END"),
        (lambda ds: fg.indicators.victim_to_perpetrator(ds, exposure_roles=["victm"]), "allowed: victim"),
        (lambda ds: fg.indicators.victim_to_perpetrator(ds, exposure_roles=[]), "at least one role"),
        (lambda ds: fg.indicators.relative_exposure(ds, relations=["cousin"]), "allowed: parent"),
        (lambda ds: fg.indicators.relative_exposure(ds, role_pairs=[("victim",)]), "pair"),
        (lambda ds: fg.indicators.recurrence_risk(ds, case_roles=["boss"]), "case_roles"),
        (lambda ds: fg.indicators.recurrence_risk(ds, n_boot=-1), "n_boot"),
        (lambda ds: fg.indicators.chains(ds, min_cell=-1), "min_cell"),
        (lambda ds: fg.indicators.chains(ds, level=1.0), "level"),
        (lambda ds: fg.indicators.chains(ds, level=0), "level"),
        (lambda ds: fg.indicators.repeat_incidents(ds, T=-5), "T must be"),
        (lambda ds: fg.indicators.early_signalling(ds, years=[0]), "years"),
        (lambda ds: fg.indicators.suite(ds, include=["gif2"]), "allowed: victim_to_perpetrator"),
    ],
)
def test_bad_options_give_one_clear_error(small: fg.Dataset, call: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call(small)


def test_bad_option_types(small: fg.Dataset) -> None:
    with pytest.raises(TypeError, match="min_cell"):
        fg.indicators.chains(small, min_cell=2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Dataset"):
        fg.indicators.chains(small.persons)  # type: ignore[arg-type]


def test_no_events_is_a_clear_error() -> None:
    ds = fg.Dataset.from_pandas(
        persons=pd.DataFrame(
            {
                "person_id": [1, 2],
                "sex": ["F", "M"],
                "birth_date": ["1980-01-01", "1982-05-05"],
                "exit_date": [None, None],
                "mother_id": [None, None],
                "father_id": [None, None],
            }
        )
    )
    with pytest.raises(ValueError, match="no events"):
        fg.indicators.victim_to_perpetrator(ds)
    # with an explicit window the result is empty, labelled, and JSON-clean
    r = fg.indicators.victim_to_perpetrator(ds, window="2015:2016")
    assert r.empty and "no eligible" in r.note
    json.dumps(r.to_dict(), allow_nan=False)


def test_empty_results_are_labelled(small: fg.Dataset) -> None:
    res = fg.indicators.suite(
        small,
        window="1700:1701",
        n_boot=10,
        n_sim=19,
    )
    assert list(res) == list(fg.indicators.NAMES)
    for name, r in res.items():
        assert r.empty, name
        assert r.note, name
        json.dumps(r.to_dict(), allow_nan=False)
        assert r.summary().startswith(name)


# ---------------------------------------------------------------- JSON and CLI
def test_json_document_layout(small: fg.Dataset) -> None:
    res = fg.indicators.suite(
        small,
        n_boot=20,
        n_sim=0,
        include=["victim_to_perpetrator", "chains", "recurrence_risk", "agency_overlap"],
    )
    doc = fg.indicators.to_json(res)
    text = json.dumps(doc, allow_nan=False)
    assert list(doc)[:4] == ["famgraph_version", "schema_version", "parameters", "disclosure_control"]
    assert doc["parameters"]["min_cell"] == 10 and doc["famgraph_version"] == fg.__version__
    assert [k for k in doc if k in fg.indicators.NAMES] == [
        "victim_to_perpetrator",
        "chains",
        "recurrence_risk",
        "agency_overlap",
    ]
    row = doc["victim_to_perpetrator"]["tables"]["table"][0]
    assert set(row["exposed"]) == {"outcome", "no_outcome"} and set(row["unexposed"]) == {
        "outcome",
        "no_outcome",
    }
    for table in doc["victim_to_perpetrator"]["tables"]["table"]:
        for name in table["suppressed"]:
            group, _, field = name.partition(".")
            if group in ("exposed", "unexposed", "margins"):
                assert table[group][field] is None
    published = [
        v
        for t in doc["agency_overlap"]["tables"]["table"]
        for k, v in t.items()
        if k == "count" and v is not None
    ]
    assert published and min(published) >= 10
    assert "person_id" not in text


def test_cli_writes_the_same_document(tmp_path: Path, small: fg.Dataset) -> None:
    folder = small.to_csv(tmp_path / "data")
    out = tmp_path / "ind.json"
    rc = cli.main(
        [
            "indicators",
            str(folder),
            "--json",
            str(out),
            "--n-boot",
            "30",
            "--n-sim",
            "0",
            "--only",
            "victim_to_perpetrator,recurrence_risk,early_signalling",
        ]
    )
    assert rc == 0
    doc = json.loads(out.read_text())
    again = fg.indicators.to_json(
        fg.indicators.suite(
            fg.Dataset.from_csv(folder),
            n_boot=30,
            n_sim=0,
            include=["victim_to_perpetrator", "recurrence_risk", "early_signalling"],
        )
    )
    for k in ("victim_to_perpetrator", "recurrence_risk", "early_signalling"):
        assert doc[k] == json.loads(json.dumps(again[k]))
    assert not list(tmp_path.glob(".ind.json.*"))
    assert cli.main(["indicators", str(folder), "--window", "2020:2010"]) == 2
    assert cli.main(["indicators", str(folder), "--min-cell", "-3"]) == 2


def test_min_cell_zero_is_stamped(small: fg.Dataset) -> None:
    r = fg.indicators.repeat_incidents(small, min_cell=0)
    assert "OFF" in r.stamp and "OFF" in r.to_dict()["disclosure_control"] and "OFF" in r.summary()
    assert "OFF" in r._repr_html_()


def test_readme_indicator_snippet_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)
    snippet = next(b for b in blocks if "fg.indicators" in b)
    snippet = snippet.replace("persons=50_000", "persons=4_000")  # the same code, a smaller population
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "victim_to_perpetrator" in out and "disclosure control: on" in out
    assert set(namespace["doc"]) >= {"famgraph_version", "victim_to_perpetrator", "gif"}


def test_gif_parts_equal_the_whole_run(small: fg.Dataset) -> None:
    """Control sets first_sim … first_sim + n_sim − 1: a run split in parts (one Dask task each)
    gives exactly the simulations of one whole run."""
    core = fg.indicators._base.core
    whole = core.gif(small._core, None, None, ["perpetrator"], 10, 5, 1)
    parts = [
        core.gif(small._core, None, None, ["perpetrator"], n, 5, 2, first_sim=k) for k, n in ((0, 4), (4, 6))
    ]
    np.testing.assert_array_equal(np.concatenate([p.sims for p in parts]), whole.sims)


def test_published_gif_and_fir(small: fg.Dataset) -> None:
    g = fg.indicators.gif(small, n_sim=99, seed=3, min_cell=0)
    core = fg.indicators._base.core.gif(small._core, None, None, ["perpetrator"], 99, 3, 0)
    row = g.table.iloc[0]
    assert row["gif"] == core.gif and int(row["n_cases"]) == core.n_cases
    sims = g.tables["null"]["gif_sim"].to_numpy()
    assert row["p_value"] == pytest.approx((1 + np.sum(sims >= core.gif * (1 - 1e-12))) / 100)
    f = fg.indicators.fir(small, min_cell=0)
    values = f.extra["values"]
    c = fg.indicators._base.core.fir(small._core, None, None, ["perpetrator"])
    is_case = pd.Series(np.asarray(c.is_case), index=small.persons["person_id"].to_numpy())
    for group, want_case in (("case", True), ("non_case", False)):
        v = values[is_case.loc[values.index].to_numpy() == want_case].dropna().to_numpy()
        row = f.table.set_index("group").loc[group]
        assert int(row["n"]) == len(v)
        assert (row["q1"], row["median"], row["q3"]) == pytest.approx(
            tuple(np.quantile(v, [0.25, 0.5, 0.75]))
        )
        assert row["mean"] == pytest.approx(v.mean())
    few = fg.indicators.gif(small, n_sim=9, window="2025-12-01:2025-12-31")
    assert few.table["gif_suppressed"].iloc[0] or few.empty


def test_agency_overlap_with_many_organisations_pools_rare_combinations() -> None:
    """More than 12 organisations (real partnerships have more sources): no refusal; the rare
    combinations are pooled so that no combination that is not listed can be read off (issue #13)."""
    ds0 = fg.synth.generate(persons=6_000, seed=21, progress=False)
    rng = np.random.default_rng(5)
    orgs = [f"org{k:02d}" for k in range(20)]
    events = ds0.events.copy()
    contacts = ds0.contacts.copy()
    # a few big organisations and many small ones
    p = np.array([0.3, 0.2, 0.15, 0.1] + [0.25 / 16] * 16)
    events["source"] = rng.choice(orgs, size=len(events), p=p)
    contacts["source"] = rng.choice(orgs, size=len(contacts), p=p)
    ds = fg.Dataset.from_pandas(ds0.persons, ds0.partnerships, events, contacts)
    m = 10
    r = fg.indicators.agency_overlap(ds, min_cell=m)
    r0 = fg.indicators.agency_overlap(ds, min_cell=0)
    for unit in ("person", "family"):
        t = r.table[r.table["unit"] == unit]
        listed = t[~t["combination"].str.startswith("(")]
        pooled = t[t["combination"].str.startswith("(")]
        assert len(pooled) == 2
        assert (listed["count"].dropna() >= m).all()
        assert ((pooled["count"] >= m) | pooled["count"].isna()).all()
        k1 = r0.tables["known"].set_index("unit").loc[unit, "known_1plus"]
        t0 = r0.table[r0.table["unit"] == unit]
        assert t0["count"].sum() == k1  # listed + pooled rows partition the known units
        # the true counts of the listed combinations, by brute force from the core's combinations
        assert len(t0) < 2**20
    # pair counts would be sums of partly pooled rows: hidden
    assert r.tables["pairs"]["both"].isna().all()
    fg.plot.agency_upset(r)  # draws without the pooled rows
