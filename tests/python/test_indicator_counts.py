"""The C++ counting rules of indicators 1, 3 and 4a agree exactly with the independent reference
(tests/python/reference/indicators_reference.py) on many random synthetic populations, windows and
hand-made edge cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import famgraph as fg
from core_results import abcd, repeat, signalling
from famgraph import _core
from reference import indicators_reference as ref

EPOCH = dt.date(1970, 1, 1)


def _settings(examples: int) -> settings:
    """Reproducible runs for CI: a fixed example sequence, no database, no deadline."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def day(d: dt.date) -> int:
    return (d - EPOCH).days


def default_window(ds: fg.Dataset) -> tuple[dt.date, dt.date]:
    dates = [ref.parse_date(x) for x in ds.events.date]
    return min(dates), max(dates)  # type: ignore[type-var]


def shifted_window(ds: fg.Dataset, shift: int, shrink: int) -> tuple[dt.date, dt.date]:
    """The data's default window moved by `shift` days at the start and cut by |shift|/shrink at the end."""
    ws, we = default_window(ds)
    a, b = ws + dt.timedelta(days=shift), we - dt.timedelta(days=abs(shift) // shrink)
    return (a, b) if a <= b else (b, a)


def tables(ds: fg.Dataset) -> tuple[pd.DataFrame, ...]:
    return ds.persons, ds.partnerships, ds.events, ds.contacts


def as_abcd(t: dict[str, dict[str, int]]) -> dict[str, int]:
    return {
        "a": t["exposed"]["outcome"],
        "b": t["exposed"]["no_outcome"],
        "c": t["unexposed"]["outcome"],
        "d": t["unexposed"]["no_outcome"],
    }


def check_all(ds: fg.Dataset, window: tuple[dt.date, dt.date] | None) -> None:
    w = window or default_window(ds)
    args = (day(w[0]), day(w[1])) if window else (None, None)
    t = tables(ds)
    got = _core.indicators.victim_to_perpetrator(ds._core, *args)
    assert got.window == (day(w[0]), day(w[1]))
    assert abcd(got.overall) == as_abcd(ref.victim_to_perpetrator(*t, w))
    for roles in (["victim"], ["witness", "other"]):
        g2 = _core.indicators.victim_to_perpetrator(ds._core, *args, roles)
        assert abcd(g2.overall) == as_abcd(ref.victim_to_perpetrator(*t, w, exposure_roles=roles))
    ch = _core.indicators.chains(ds._core, *args)
    want = ref.chains(*t, w)
    assert (ch.ge1, ch.ge2, ch.ge3) == (want["ge1"], want["ge2"], want["ge3"])
    assert len(ch.links[0]) == want["links"]
    assert abcd(ch.continuation) == as_abcd(want["continuation"])
    rr = _core.indicators.recurrence_risk(ds._core, *args)
    for got_r in rr.by_relation:
        rel = got_r.relation
        want_r = ref.recurrence_risk(*t, w, rel)
        for k in ("observed", "cases", "case_relatives", "relatives"):
            assert getattr(got_r, k) == want_r[k], (rel, k)


@_settings(50)
@given(
    seed=st.integers(0, 10**6),
    persons=st.integers(200, 3000),
    window_years=st.integers(5, 60),
    unknown_father=st.sampled_from([0.0, 0.03, 0.3]),
    separation=st.sampled_from([0.0, 0.3, 0.8]),
    transmission_or=st.sampled_from([1.0, 3.0, 10.0]),
    own_window=st.booleans(),
    shift=st.integers(-3000, 3000),
)
def test_counts_match_reference_on_synthetic_populations(
    seed: int,
    persons: int,
    window_years: int,
    unknown_father: float,
    separation: float,
    transmission_or: float,
    own_window: bool,
    shift: int,
) -> None:
    ds = fg.synth.generate(
        persons,
        seed,
        progress=False,
        window_years=window_years,
        unknown_father=unknown_father,
        separation=separation,
        transmission_or=transmission_or,
        maltreatment_rate=0.08,
        partner_violence_rate=0.05,
    )
    if ds.n_events:
        check_all(ds, shifted_window(ds, shift, 2) if own_window else None)


def _edge_dataset() -> fg.Dataset:
    """Hand-made edge cases of docs/spec/common_rules.md: 29 February, 18th birthday on the window ends, exit
    on an event date, single known parent, unknown father, no victim, no birth date, partial dates."""
    persons = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "sex": ["F", "M", "F", "M", "F", "M", "U", "F", "M", "F"],
            "birth_date": [
                "1960",
                "1958-03",
                "1992-02-29",
                "1992-01-01",
                "1994-06-30",
                None,
                "1990-07-01",
                "2005-05-05",
                "2006-02-28",
                "1975",
            ],
            "exit_date": [None, "2015-06-01", None, "2012-01-01", None, None, "2011-01-01", None, None, None],
            "mother_id": [None, None, 1, 1, 1, None, 10, 3, 3, None],
            "father_id": [None, None, 2, None, 2, None, None, 4, None, None],
        }
    )
    # Window 2010-01-01 .. 2012-12-31 (given explicitly); person 4 turns 18 on 2010-01-01 = ws
    # (not eligible: ws < 18th birthday is strict); person 5 turns 18 on 2012-06-30.
    events = pd.DataFrame(
        {
            "incident_id": [1, 1, 1, 2, 2, 3, 4, 4, 5, 6, 7, 7],
            "person_id": [2, 3, 4, 1, 5, 3, 4, 8, 6, 7, 3, 9],
            "role": [
                "perpetrator",
                "victim",
                "witness",
                "perpetrator",
                "victim",
                "perpetrator",
                "perpetrator",
                "victim",
                "witness",
                "perpetrator",
                "perpetrator",
                "victim",
            ],
            "date": [
                "2009-12-31",
                "2009-12-31",
                "2009-12-31",
                "2010-01",
                "2010-01",
                "2010-02-28",
                "2012-01-01",
                "2012-01-01",
                "2011",
                "2011-01-01",
                "2012-12-31",
                "2012-12-31",
            ],
            "kind": ["child_maltreatment"] * 12,
            "source": ["police"] * 12,
        }
    )
    return fg.Dataset.from_pandas(persons, events=events)


@pytest.mark.parametrize(
    "window",
    [
        (dt.date(2010, 1, 1), dt.date(2012, 12, 31)),
        (dt.date(2009, 12, 31), dt.date(2012, 6, 30)),
        (dt.date(2010, 2, 28), dt.date(2010, 2, 28)),
        None,
    ],
)
def test_counts_match_reference_on_edge_cases(window: tuple[dt.date, dt.date] | None) -> None:
    check_all(_edge_dataset(), window)


def test_edge_case_values_by_hand() -> None:
    """Window 2010-01-01..2012-12-31, derived by hand from the table above.

    Eligible (ws < 18th birthday <= min(we, exit)): 3 (born 1992-02-29 -> 18 on 2010-02-28),
    5 (2012-06-30); not 4 (18 on 2010-01-01 = ws), 7 (18 on 2008-07-01), 8, 9 (minors), 1, 2, 10
    (adults before ws), 6 (no birth date). Person 3: exposed only by the 2009 incident (outside the
    window) -> unexposed; perpetrator on 2012-12-31 (adult) -> outcome: cell c. Person 5: victim in
    2010-01 (childhood, in window) -> exposed; no perpetration -> cell b.
    """
    ds = _edge_dataset()
    got = _core.indicators.victim_to_perpetrator(
        ds._core, day(dt.date(2010, 1, 1)), day(dt.date(2012, 12, 31))
    )
    assert abcd(got.overall) == {"a": 0, "b": 1, "c": 1, "d": 0}
    assert got.without_birth_date == 1
    # Links in the window: (1 -> 5) incident 2 (1 is 5's mother, 5 a child); (4 -> 8) incident 4
    # (4 is 8's father); (3 -> 9) incident 7 on 2012-12-31 = we (3 is 9's mother). Chains: 3 -> 9
    # and 4 -> 8 each have length 1 (3 and 4 are not victims of a link in the window).
    ch = _core.indicators.chains(ds._core, day(dt.date(2010, 1, 1)), day(dt.date(2012, 12, 31)))
    assert (ch.ge1, ch.ge2, ch.ge3) == (3, 0, 0)


def test_bad_options_are_rejected(example_dir: Path) -> None:
    ds = fg.Dataset.from_csv(example_dir)
    with pytest.raises(ValueError, match=r"end .* is before start"):
        _core.indicators.victim_to_perpetrator(ds._core, day(dt.date(2020, 1, 1)), day(dt.date(2019, 1, 1)))
    with pytest.raises(ValueError, match="exposure_roles: unknown role 'bystander'"):
        _core.indicators.victim_to_perpetrator(ds._core, None, None, ["bystander"])
    with pytest.raises(ValueError, match="unknown relation 'cousin'"):
        _core.indicators.recurrence_risk(ds._core, None, None, ["perpetrator"], ["cousin"])


# --------------------------------------------------------------------------- items 2, 4b, 5, 6
from reference import indicators_reference2 as ref2  # noqa: E402


def check_more(ds: fg.Dataset, window: tuple[dt.date, dt.date] | None, relations: tuple[str, ...]) -> None:
    w = window or default_window(ds)
    args = (day(w[0]), day(w[1])) if window else (None, None)
    t = tables(ds)
    pairs = [
        ("victim", "victim"),
        ("victim", "perpetrator"),
        ("perpetrator", "victim"),
        ("witness", "perpetrator"),
    ]
    rx = _core.indicators.relative_exposure(ds._core, *args, list(relations), pairs)
    assert rx.window == (day(w[0]), day(w[1]))
    for cell in rx.cells:
        rel, a, b = cell.relation, cell.roles.relative_role, cell.roles.proband_role
        assert abcd(cell.counts) == ref2.relative_exposure(*t, w, rel, a, b), (rel, a, b)
    for T in (0, 30, 365):
        rep = _core.indicators.repeat_incidents(ds._core, *args, T)
        want = ref2.repeat_incidents(*t, w, T=T)
        assert repeat(rep.persons) == want["persons"] and repeat(rep.families) == want["families"], T
    es = _core.indicators.early_signalling(ds._core, *args, [1, 2, 5])
    want = ref2.early_signalling(*t, w, years=(1, 2, 5))
    for k, N in enumerate((1, 2, 5)):
        assert es.first_incidents == want[N]["n"] and es.minors == want[N]["n_minor"]
        assert signalling(es.overall[k]) == (want[N]["preceded"], want[N]["preceded_minor_self_or_parent"])
        assert set(es.by_org) == set(want[N]["by_org"])
        for org, counts in want[N]["by_org"].items():
            assert signalling(es.by_org[org][k]) == (
                counts["preceded"],
                counts["preceded_minor_self_or_parent"],
            )
    assert list(es.lead_times) == want["lead_times"]
    ov = _core.indicators.agency_overlap(ds._core, *args)
    want = ref2.agency_overlap(*t, w)
    for unit in ("persons", "families"):
        got_u, want_u = getattr(ov, unit), want[unit]
        assert {frozenset(c): n for c, n in got_u.combinations} == want_u["combinations"]
        assert (got_u.known_1plus, got_u.known_2plus) == (want_u["known_1plus"], want_u["known_2plus"])
        got_pairs = {tuple(sorted((x, y))): (both, either) for x, y, both, either in got_u.pairs}
        assert got_pairs == want_u["jaccard"]


@_settings(15)
@given(
    seed=st.integers(0, 10**6),
    persons=st.integers(100, 400),
    window_years=st.integers(3, 40),
    contact_before=st.sampled_from([0.0, 0.35, 1.0]),
    background_contact=st.sampled_from([0.0, 0.1, 0.5]),
    own_window=st.booleans(),
    shift=st.integers(-2000, 2000),
    relations=st.sampled_from(
        [
            ("parent", "partner"),
            ("full_sibling", "half_sibling"),
            ("grandparent", "first_cousin"),
            ("aunt_uncle", "child", "niece_nephew"),
        ]
    ),
)
def test_more_counts_match_reference(
    seed: int,
    persons: int,
    window_years: int,
    contact_before: float,
    background_contact: float,
    own_window: bool,
    shift: int,
    relations: tuple[str, ...],
) -> None:
    ds = fg.synth.generate(
        persons,
        seed,
        progress=False,
        window_years=window_years,
        contact_before=contact_before,
        background_contact=background_contact,
        maltreatment_rate=0.1,
        partner_violence_rate=0.08,
    )
    if ds.n_events:
        check_more(ds, shifted_window(ds, shift, 3) if own_window else None, relations)


@pytest.mark.parametrize("window", [None, (dt.date(2010, 1, 1), dt.date(2012, 12, 31))])
def test_more_counts_match_reference_on_edge_cases(window: tuple[dt.date, dt.date] | None) -> None:
    check_more(_edge_dataset(), window, ("parent", "child", "full_sibling", "half_sibling", "partner"))


def test_more_counts_match_reference_on_example(example_dir: Path) -> None:
    check_more(fg.Dataset.from_csv(example_dir), None, tuple(fg.RELATIONS))
