"""``disclosure="cell_key"`` in the indicators (docs/disclosure.md, "Using it").

Oracles: the key sums against sums written out from the person-level output of the counting core
(and, with every person's key 1, against the counts themselves); the published numbers against
the engine (`CellKey.perturb`) applied to the exact counts and those key sums; and the one-record
differencing attack on a synthetic population against the exact law of the best attacker under
independent noise (tests/python/test_cell_key.py derives it): with the cell key method the two
published tables differ by noise that does not identify the record.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from core_results import abcd
from famgraph import _core, privacy
from famgraph.cell_key import CellKey, PTable
from famgraph.indicators import _cellkey

SECRET = b"indicator cell key secret, 32 b!"
ENGINE = _core.indicators  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def ds() -> fg.Dataset:
    return fg.synth.generate(persons=10_000, seed=7, progress=False)


def _ck(secret: bytes = SECRET, scope: str = "data") -> CellKey:
    return CellKey(privacy.Key(secret), scope=scope)  # type: ignore[arg-type]


# ---- the key sums next to the counts ------------------------------------------------------------


def _u64(x: object) -> int:
    return int(x) % 2**64  # type: ignore[call-overload]


def test_key_sums_are_the_sums_of_the_persons_keys(ds: fg.Dataset) -> None:
    keys = privacy.person_keys(privacy.Key(SECRET), ds._core.persons_columns()["person_id"])
    c = ENGINE.victim_to_perpetrator(ds._core, None, None, ["victim", "witness"], keys)
    person = np.asarray(c.person, dtype=np.int64)
    exposed = np.asarray(c.exposed, dtype=bool)
    outcome = np.asarray(c.event, dtype=bool)
    oracle = {}
    for name, sel in (
        ("a", exposed & outcome),
        ("b", exposed & ~outcome),
        ("c", ~exposed & outcome),
        ("d", ~exposed & ~outcome),
    ):
        oracle[name] = sum(int(k) for k in keys[person[sel]]) % 2**64
    assert {k: _u64(v) for k, v in abcd(c.keys.overall).items()} == oracle
    # by sex: the same with the person's sex
    sex = np.asarray(ds._core.persons_columns()["sex"])[person]
    for code, s in enumerate(("F", "M", "U")):
        sel = sex == code
        want = sum(int(k) for k in keys[person[sel & exposed & outcome]]) % 2**64
        assert _u64(c.keys.by_sex[s].a) == want
    # without keys the key sums are zero; a wrong length is refused with the option's name
    assert abcd(ENGINE.victim_to_perpetrator(ds._core, None, None, ["victim"]).keys.overall) == dict.fromkeys(
        "abcd", 0
    )
    with pytest.raises(ValueError, match="person_keys: expected one record key per person"):
        ENGINE.victim_to_perpetrator(ds._core, None, None, ["victim"], keys[:-1])


def test_with_unit_keys_the_key_sums_are_the_counts(ds: fg.Dataset) -> None:
    """Every person's key 1: a person-level cell's key sum is its count (membership is right)."""
    ones = np.ones(ds.n_persons, dtype=np.uint64)
    c = ENGINE.victim_to_perpetrator(ds._core, None, None, ["victim", "witness"], ones)
    for where in ("F", "M", "U"):
        assert abcd(c.keys.by_sex[where]) == abcd(c.by_sex[where])
    for dec, t in c.by_decade.items():
        assert abcd(c.keys.by_decade[dec]) == abcd(t)
    rx = ENGINE.relative_exposure(
        ds._core, None, None, ["parent", "full_sibling"], [("victim", "perpetrator")], person_keys=ones
    )
    for cell in rx.cells:
        assert abcd(cell.keys) == abcd(cell.counts)
    ch = ENGINE.chains(ds._core, None, None, ones)
    assert [int(x) for x in ch.chain_key_sums] == [
        ch.ge1 - ch.ge2,
        ch.ge2 - ch.ge3,
        ch.ge3,
    ]
    assert abcd(ch.continuation_keys) == abcd(ch.continuation)
    rep = ENGINE.repeat_incidents(ds._core, None, None, 365, ones)
    p = rep.persons
    assert [p.repeat_key_sum, p.no_repeat_key_sum] == [p.repeat, p.n - p.repeat]
    ov = ENGINE.agency_overlap(ds._core, None, None, ones)
    assert [int(x) for x in ov.persons.combination_key_sums] == [n for _, n in ov.persons.combinations]


def test_derived_keys_are_sums_of_the_documented_pair_keys(ds: fg.Dataset) -> None:
    """Links and families are keyed by pair_key of their persons' keys (cell_key.hpp): the link
    key sum written out in Python from the published links, and a family key independent of the
    order of its parents."""
    M = 2**64 - 1

    def mix(z: int) -> int:
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        return z ^ (z >> 31)

    ids = ds._core.persons_columns()["person_id"]
    keys = privacy.person_keys(privacy.Key(SECRET), ids)
    index = {int(i): k for k, i in enumerate(ids)}
    ch = ENGINE.chains(ds._core, None, None, keys)
    parents, children = ch.links
    assert len(parents) > 0
    want = 0
    for p, c in zip(parents.tolist(), children.tolist(), strict=True):
        want += mix((mix(int(keys[index[p]])) + int(keys[index[c]])) & M)
    assert _u64(ch.links_key_sum) == want % 2**64


# ---- the published numbers ---------------------------------------------------------------------


def test_published_cells_are_the_engine_applied_to_counts_and_key_sums(ds: fg.Dataset) -> None:
    ck = _ck()
    r = fg.indicators.victim_to_perpetrator(ds, disclosure="cell_key", cell_key=ck, min_cell=0)
    keys = ck.person_keys(ds._core.persons_columns()["person_id"])
    c = ENGINE.victim_to_perpetrator(ds._core, None, None, ["victim", "witness"], keys)
    digest = privacy.content_digest(
        _cellkey.dataset_digest(ds),
        "victim_to_perpetrator",
        {"window": [None, None], "exposure_roles": ["victim", "witness"]},
    )
    want = ck.with_digest(digest).perturb(list(abcd(c.overall).values()), list(abcd(c.keys.overall).values()))
    row = r.table.iloc[0]
    assert [int(row[x]) for x in "abcd"] == want.tolist()
    # margins and the total are sums of the perturbed cells (decision 45); estimates use them
    assert int(row["n_exposed"]) == int(row["a"]) + int(row["b"])
    assert int(row["n"]) == sum(int(row[x]) for x in "abcd")
    a, b, cc, d = (float(row[x]) for x in "abcd")
    assert row["odds_ratio"] == pytest.approx(a * d / (b * cc))
    # noise: bounded by D, not all zero, and the same run gives the same bytes
    exact = fg.indicators.victim_to_perpetrator(ds, min_cell=0).table
    diff = r.table[list("abcd")].to_numpy(np.int64) - exact[list("abcd")].to_numpy(np.int64)
    assert np.abs(diff).max() <= 3 and (diff != 0).any()
    again = fg.indicators.victim_to_perpetrator(ds, disclosure="cell_key", cell_key=ck, min_cell=0)
    pd.testing.assert_frame_equal(r.table, again.table)
    # the method is published (never the secret); the curves and the log-rank test are withheld
    assert r.parameters["disclosure"] == "cell_key"
    assert r.parameters["cell_key"] == {
        "max_deviation": 3,
        "variance": 2.0,
        "js": 0,
        "scope": "data",
        "fingerprint": ck.fingerprint,
    }
    # the fingerprint is HMAC-SHA256(secret, domain)[:16], computed here independently
    assert (
        ck.fingerprint
        == hmac.new(SECRET, b"famgraph/cell-key/fingerprint/v1", hashlib.sha256).hexdigest()[:32]
    )
    assert "cell key method" in r.stamp
    assert len(r.tables["km"]) == 2 and r.tables["logrank"].isna().iloc[0, :6].all()
    doc = str(r.to_dict())
    assert SECRET.decode() not in doc


def test_min_cell_applies_to_the_perturbed_counts(ds: fg.Dataset) -> None:
    """Suppression is decided on the published numbers (decision 42): every published count is at
    least min_cell, and a count below it is hidden whatever the original was."""
    for min_cell in (10, 50):
        r = fg.indicators.relative_exposure(ds, disclosure="cell_key", cell_key=_ck(), min_cell=min_cell)
        exact = fg.indicators.relative_exposure(ds, min_cell=0).table
        pert = fg.indicators.relative_exposure(ds, disclosure="cell_key", cell_key=_ck(), min_cell=0).table
        for x in "abcd":
            shown = r.table[x].dropna()
            assert (shown >= min_cell).all()
            assert (pert.loc[shown.index, x] == shown).all()
            hidden_small = pert[x] < min_cell
            assert r.table.loc[hidden_small, f"{x}_suppressed"].all()
        # some cell's suppression differs from what the exact counts would decide
        assert not (exact[list("abcd")] == pert[list("abcd")]).all().all()


def test_every_cell_key_indicator_and_the_suite(ds: fg.Dataset) -> None:
    ck = _ck()
    res = fg.indicators.suite(ds, disclosure="cell_key", cell_key=ck, min_cell=0, n_boot=0, n_sim=0)
    assert list(res) == list(_cellkey.CELL_KEY_INDICATORS)
    exact = fg.indicators.suite(ds, include=list(res), min_cell=0, n_boot=0, n_sim=0)
    for name, r in res.items():
        assert r.parameters["disclosure"] == "cell_key"
        for key, table in r.tables.items():
            cols = [c for c in table.attrs.get("count_columns", []) if c in table.columns]
            if not cols:
                continue
            p = table[cols].to_numpy(np.float64)
            e = exact[name].tables[key][cols].to_numpy(np.float64)
            shown = ~np.isnan(p)  # only the withheld log-rank counts are NaN with min_cell=0
            assert shown.all() or (name, key) == ("victim_to_perpetrator", "logrank")
            assert (p[shown] >= 0).all()
            assert ((e == 0) <= (p == 0))[shown].all(), (name, key)  # zeros stay zero
    # chains: the nested counts are sums of perturbed increments, so they stay nested
    t = res["chains"].table.set_index("measure")["count"]
    assert t["chain_ge1"] >= t["chain_ge2"] >= t["chain_ge3"]
    # repeat incidents: n = repeat + no repeat, both perturbed
    rep = res["repeat_incidents"].table
    assert (rep["n"] >= rep["repeat"]).all()
    # agency overlap: known_1plus is the sum of the published combinations
    ov = res["agency_overlap"]
    for unit in ("person", "family"):
        comb = ov.table[ov.table["unit"] == unit]["count"].sum()
        assert ov.tables["known"].set_index("unit").loc[unit, "known_1plus"] == comb
    doc = fg.indicators.to_json(res)
    assert doc["parameters"]["disclosure"] == "cell_key"
    # the default is unchanged: no cell key, no new parameters
    plain = fg.indicators.victim_to_perpetrator(ds)
    assert "disclosure" not in plain.parameters and "cell key" not in plain.stamp


def test_options_are_checked_with_clear_errors(ds: fg.Dataset) -> None:
    with pytest.raises(ValueError, match="disclosure must be one of 'suppression', 'cell_key'"):
        fg.indicators.chains(ds, disclosure="noise")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"needs cell_key=famgraph\.cell_key\.CellKey"):
        fg.indicators.chains(ds, disclosure="cell_key")
    with pytest.raises(ValueError, match="cell_key is given but disclosure='suppression'"):
        fg.indicators.chains(ds, cell_key=_ck())
    for name, call in (
        ("recurrence_risk", lambda: fg.indicators.recurrence_risk(ds, disclosure="cell_key", cell_key=_ck())),
        ("gif", lambda: fg.indicators.gif(ds, disclosure="cell_key", cell_key=_ck())),
        ("fir", lambda: fg.indicators.fir(ds, disclosure="cell_key", cell_key=_ck())),
        (
            "early_signalling",
            lambda: fg.indicators.early_signalling(ds, disclosure="cell_key", cell_key=_ck()),
        ),
        (
            "adjusted_association",
            lambda: fg.indicators.adjusted_association(ds, disclosure="cell_key", cell_key=_ck()),
        ),
    ):
        with pytest.raises(ValueError, match=f"disclosure='cell_key' is not available for {name}"):
            call()
    with pytest.raises(ValueError, match="not available for gif"):
        fg.indicators.suite(ds, include=["chains", "gif"], disclosure="cell_key", cell_key=_ck())


# ---- the one-record differencing attack ----------------------------------------------------------


def _attack_population(
    persons: int, seed: int, n_targets: int
) -> tuple[fg.Dataset, list[tuple[int, int, fg.Dataset]]]:
    """A synthetic population, and per target a copy without one of its incident rows: targets
    are eligible for indicator 1 and exposed through exactly one in-window row, so that removing it
    moves them from the exposed to the unexposed row of the 2×2 table. Returns (data, [(target
    index, outcome, data without the row)])."""
    base = fg.synth.generate(persons=persons, seed=seed, progress=False)
    c = ENGINE.victim_to_perpetrator(base._core, None, None, ["victim", "witness"])
    ids = base._core.persons_columns()["person_id"]
    ev = base.events
    births = pd.to_datetime(
        base.persons.set_index("person_id")["birth_date"], errors="coerce", format="mixed"
    )
    rows = []
    for k in np.flatnonzero(np.asarray(c.exposed, dtype=bool)):
        pid = int(ids[int(c.person[k])])
        rows.append((pid, bool(c.event[k])))
    rng = np.random.default_rng(seed)
    rng.shuffle(rows)
    out = []
    for pid, outcome in rows:
        mine = ev[(ev["person_id"] == pid) & ev["role"].isin(["victim", "witness"])]
        when = pd.to_datetime(mine["date"], errors="coerce", format="mixed")
        child = mine[when < births[pid] + pd.DateOffset(years=18)]
        if len(child) != 1:
            continue
        smaller = fg.Dataset.from_pandas(
            base.persons, base.partnerships, ev.drop(index=child.index), base.contacts
        )
        check = ENGINE.victim_to_perpetrator(smaller._core, None, None, ["victim", "witness"])
        moved = {x: abcd(check.overall)[x] - abcd(c.overall)[x] for x in "abcd"}
        expected = {"a": -1, "b": 0, "c": 1, "d": 0} if outcome else {"a": 0, "b": -1, "c": 0, "d": 1}
        if moved != expected or check.window != c.window:
            continue  # the row also set the window, or the target's exposure did not hinge on it
        out.append((pid, int(outcome), smaller))
        if len(out) == n_targets:
            break
    return base, out


def _differencing_attacker(run1: list[int], run2: list[int], t: PTable) -> tuple[int, bool]:
    """The best attacker of one-record differencing (the case of docs/disclosure.md and
    tests/python/test_cell_key.py): sees the differences run 2 − run 1 of the four published cells;
    under scope "data" each is the change of its count plus v₂ − v₁, two independent draws of the
    p-table's row (all counts here are at least i_max). Returns (guess, certain)."""
    row = t.probabilities.loc[t.i_max].to_numpy()
    d = t.max_deviation
    g = np.convolve(row, row[::-1])  # the law of v₂ − v₁ over −2D..2D

    def law(delta: int) -> float:
        return float(g[delta + 2 * d]) if -2 * d <= delta <= 2 * d else 0.0

    shifts = {1: (-1, 0, 1, 0), 0: (0, -1, 0, 1)}
    diffs = [y - x for x, y in zip(run1, run2, strict=True)]
    lik = [float(np.prod([law(o - s) for o, s in zip(diffs, shifts[h], strict=True)])) for h in (0, 1)]
    guess = int(lik[1] > lik[0]) if lik[1] != lik[0] else -1
    return guess, min(lik) == 0.0


def _full_knowledge_attacker(
    others: tuple[int, int, int, int], run1: list[int], run2: list[int], t: PTable
) -> tuple[int, bool]:
    """A stronger attacker, for the record: knows every count except the target's (prior 1/2),
    so each published cell of either run is a look at the target through bounded noise — the
    magnitude channel of docs/disclosure.md, which a single table already offers such an attacker,
    without differencing. Returns (guess, certain)."""
    p = t.probabilities
    D = t.max_deviation

    def prob(count: int, published: int) -> float:
        v = published - count
        return float(p.loc[min(count, t.i_max), v]) if -D <= v <= D else 0.0

    A, B, C, Dd = others
    lik = []
    for h in (0, 1):
        first = (A + h, B + 1 - h, C, Dd)
        second = (A, B, C + h, Dd + 1 - h)
        lik.append(
            np.prod([prob(x, y) for x, y in zip(first, run1, strict=True)])
            * np.prod([prob(x, y) for x, y in zip(second, run2, strict=True)])
        )
    guess = int(lik[1] > lik[0]) if lik[1] != lik[0] else -1
    return guess, min(lik) == 0.0


#: The perturbed finest cells of each published table (margins and totals are their sums).
FINEST = {
    ("victim_to_perpetrator", "table"): list("abcd"),
    ("relative_exposure", "table"): list("abcd"),
    ("chains", "continuation"): list("abcd"),
    ("repeat_incidents", "table"): ["repeat"],
    ("agency_overlap", "table"): ["count"],
}


def differencing_attack(persons: int, seed: int, n_targets: int) -> dict[str, float]:
    """Run the attack on every target, with a fresh secret per target (scope "data"), against the
    published overall 2×2 table of indicator 1, and count how often the published finest cells of
    every cell-key indicator keep their value where their exact counts did not change."""
    base, targets = _attack_population(persons, seed, n_targets)
    t = PTable()
    exact1 = fg.indicators.victim_to_perpetrator(base, min_cell=0).table.iloc[0]
    right = certain = full_right = full_certain = 0.0
    same = changed = 0
    exact_suite1 = fg.indicators.suite(base, include=list(_cellkey.CELL_KEY_INDICATORS), min_cell=0, n_boot=0)
    for i, (_, h, smaller) in enumerate(targets):
        ck = _ck(SECRET + i.to_bytes(4, "big"))
        r1 = fg.indicators.victim_to_perpetrator(
            base, disclosure="cell_key", cell_key=ck, min_cell=0
        ).table.iloc[0]
        r2 = fg.indicators.victim_to_perpetrator(
            smaller, disclosure="cell_key", cell_key=ck, min_cell=0
        ).table.iloc[0]
        a1, b1, c1, d1 = (int(exact1[x]) for x in "abcd")
        assert min(a1 - 1, b1 - 1, c1, d1) >= t.i_max  # every count of both runs on the same row
        p1, p2 = [int(r1[x]) for x in "abcd"], [int(r2[x]) for x in "abcd"]
        guess, sure = _differencing_attacker(p1, p2, t)
        right += 0.5 if guess == -1 else float(guess == h)
        certain += sure
        guess, sure = _full_knowledge_attacker((a1 - h, b1 - (1 - h), c1, d1), p1, p2, t)
        full_right += 0.5 if guess == -1 else float(guess == h)
        full_certain += sure
        if i < 5:  # every other published count: fresh noise whether or not its records changed
            s1 = fg.indicators.suite(base, disclosure="cell_key", cell_key=ck, min_cell=0, n_boot=0)
            s2 = fg.indicators.suite(smaller, disclosure="cell_key", cell_key=ck, min_cell=0, n_boot=0)
            exact2 = fg.indicators.suite(smaller, include=list(s2), min_cell=0, n_boot=0)
            for (name, key), cols in FINEST.items():
                e1 = exact_suite1[name].tables[key][cols].to_numpy(np.float64)
                e2 = exact2[name].tables[key][cols].to_numpy(np.float64)
                if e1.shape != e2.shape:
                    continue
                p1 = s1[name].tables[key][cols].to_numpy(np.float64)
                p2 = s2[name].tables[key][cols].to_numpy(np.float64)
                keep = (e1 == e2) & (e1 >= 3)  # same count: the same row of the p-table
                same += int((p1[keep] == p2[keep]).sum())
                changed += int(keep.sum())
    n = len(targets)
    return {
        "targets": n,
        "accuracy": right / n,
        "certain": certain / n,
        "full_knowledge_accuracy": full_right / n,
        "full_knowledge_certain": full_certain / n,
        "unchanged_counts_same_value": same / max(changed, 1),
        "unchanged_counts": changed,
    }


def test_one_record_differencing_attack_reveals_only_noise() -> None:
    """Acceptance test of issue #13: remove one incident row of a target, rerun, compare. Without
    the cell key method the two tables differ by exactly the target (the attacker is always right
    and certain). With it, the best attacker is right about as often as against independent noise
    (69% for D = 3, V = 2; docs/disclosure.md), rarely certain, and the published numbers whose
    counts did not change are redrawn (the pattern of changes does not point to the record)."""
    result = differencing_attack(10_000, seed=3, n_targets=80)
    n = result["targets"]
    assert n == 80
    se = np.sqrt(0.69 * 0.31 / n)
    assert abs(result["accuracy"] - 0.69) < 3.5 * se
    assert result["accuracy"] < 0.9
    assert result["certain"] <= 0.05  # 0.56% expected
    # fresh noise: P(two independent draws agree) = sum p_v^2 = 0.194 for counts >= i_max
    t = PTable()
    row = t.probabilities.loc[t.i_max].to_numpy()
    agree = float((row**2).sum())
    k = result["unchanged_counts"]
    assert k >= 200
    assert abs(result["unchanged_counts_same_value"] - agree) < 4 * np.sqrt(agree * (1 - agree) / k) + 0.02


def test_records_scope_keeps_unchanged_cells_and_so_points_to_the_record() -> None:
    """The power check: with scope "records" the cells whose records did not change keep their
    value exactly, which is what scope "data" prevents (docs/disclosure.md, "The two scopes")."""
    base, targets = _attack_population(10_000, seed=3, n_targets=5)
    for i, (_, h, smaller) in enumerate(targets):
        ck = _ck(SECRET + i.to_bytes(4, "big"), scope="records")
        r1 = fg.indicators.victim_to_perpetrator(
            base, disclosure="cell_key", cell_key=ck, min_cell=0
        ).table.iloc[0]
        r2 = fg.indicators.victim_to_perpetrator(
            smaller, disclosure="cell_key", cell_key=ck, min_cell=0
        ).table.iloc[0]
        untouched = ("b", "d") if h else ("a", "c")
        assert all(r1[x] == r2[x] for x in untouched)


# ---- the command line ----------------------------------------------------------------------------


def test_cli_indicators_with_the_cell_key_method(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    from pathlib import Path

    from famgraph.cli import main

    folder = Path(str(tmp_path)) / "data"
    fg.synth.generate(persons=3000, seed=2, progress=False).to_csv(folder)
    key = Path(str(tmp_path)) / "cell.key"
    key.write_bytes(SECRET)
    out = Path(str(tmp_path)) / "out.json"
    args = ["indicators", str(folder), "--n-boot", "0", "--n-sim", "0", "--json", str(out)]
    assert main([*args, "--disclosure", "cell_key", "--key-file", str(key)]) == 0
    err = capsys.readouterr().err
    assert "left out (not yet available with the cell key method): recurrence_risk" in err
    doc = json.loads(out.read_text())
    assert doc["parameters"]["disclosure"] == "cell_key"
    assert [k for k in fg.indicators.NAMES if k in doc] == list(fg.indicators.CELL_KEY_INDICATORS)
    assert "cell key method" in doc["victim_to_perpetrator"]["disclosure_control"]
    assert SECRET.decode() not in out.read_text()
    # the same run gives the same bytes; the records scope is another run
    first = out.read_text()
    assert main([*args, "--disclosure", "cell_key", "--key-file", str(key)]) == 0
    assert out.read_text() == first
    # usage errors: no secret, a secret without the method, an unsupported indicator
    assert main([*args, "--disclosure", "cell_key"]) == 2
    assert "--disclosure cell_key needs its secret" in capsys.readouterr().err
    assert main([*args, "--key-file", str(key)]) == 2
    assert main([*args, "--disclosure", "cell_key", "--key-file", str(key), "--only", "gif"]) == 2
    assert "not available for gif" in capsys.readouterr().err
    # the default output is unchanged by the new options
    assert main(args) == 0
    assert "disclosure" not in json.loads(out.read_text())["parameters"]


def test_cli_report_with_the_cell_key_method(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    pytest.importorskip("matplotlib")
    from famgraph.cli import main

    base = Path(str(tmp_path))
    fg.synth.generate(persons=2000, seed=2, progress=False).to_csv(base / "data")
    (base / "cell.key").write_bytes(SECRET)
    page = base / "r.html"
    args = ["report", str(base / "data"), "-o", str(page), "--date", "2026-01-01"]
    assert main([*args, "--disclosure", "cell_key", "--key-file", str(base / "cell.key")]) == 0
    text = page.read_text()
    assert "cell key method (indicators)" in text and SECRET.decode() not in text
    assert main([*args, "--disclosure", "cell_key"]) == 2  # no secret
