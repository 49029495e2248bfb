"""The cell key method (famgraph.cell_key, famgraph.privacy keys; docs/disclosure.md).

Oracles: the p-table against an independent maximum-entropy solver (scipy's SLSQP, as the R
package ptable uses nloptr's) and against the published rows of ptable's vignette; the lookup
against a float search in the cumulative probabilities; the record and cell keys against HMAC
written out from their definitions; the differencing attack against the exact distribution of an
attacker's observations under independent noise (derived below, not simulated).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import logging
import pickle
import struct

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from famgraph import cell_key, privacy
from famgraph.cell_key import CellKey, PTable

# Test vectors and short example keys are low-entropy on purpose (RFC 4231 keys repeat one byte):
# the WeakKeyWarning that real keys get is not what these tests are about.
pytestmark = pytest.mark.filterwarnings("ignore::famgraph.privacy.WeakKeyWarning")

SECRET = b"cell key test secret, 32 bytes!!"
DOMAIN = b"famgraph/cell-key/v1\x00"


def _hmac_u64(key: bytes, message: bytes) -> int:
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")


# ---- the p-table ------------------------------------------------------------------------------


def _oracle_row(i: int, d: int, v_max: float, js: int, mono: bool) -> np.ndarray | None:
    """Maximum entropy by SLSQP: an independent solver of the row problem (None: infeasible)."""
    vs = np.array([v for v in range(-d, d + 1) if i + v == 0 or i + v > js], dtype=float)
    cons = [
        {"type": "eq", "fun": lambda p: p.sum() - 1.0},
        {"type": "eq", "fun": lambda p: (vs * p).sum()},
        {"type": "ineq", "fun": lambda p: v_max - (vs * vs * p).sum()},
    ]
    if mono and 0 in vs:
        z = int(np.flatnonzero(vs == 0)[0])
        for k in range(z):
            cons.append({"type": "ineq", "fun": lambda p, k=k: p[k + 1] - p[k]})
    res = optimize.minimize(
        lambda p: float((p * np.log(p)).sum()),
        np.full(len(vs), 1.0 / len(vs)),
        jac=lambda p: np.log(p) + 1.0,
        bounds=[(1e-14, 1.0)] * len(vs),
        constraints=cons,
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 2000},
    )
    p = res.x
    # SLSQP may stop with "positive directional derivative" at the optimum (precision reached):
    # its answer is judged by the constraints, not by its exit status.
    if abs(p.sum() - 1) > 1e-7 or abs((vs * p).sum()) > 1e-7:
        return None
    if (vs * vs * p).sum() > v_max + 1e-7:
        return None
    row = np.zeros(2 * d + 1)
    row[(vs + d).astype(int)] = p
    return row


def _entropy(p: np.ndarray) -> float:
    q = p[p > 0]
    return float(-(q * np.log(q)).sum())


GRID = [
    (d, v, js, mono)
    for d in (1, 2, 3, 4)
    for v in (0.5, 1.0, 2.0, 3.0)
    for js in range(min(d, 3))
    for mono in (True, False)
]


@pytest.mark.parametrize(("d", "v_max", "js", "mono"), GRID)
def test_ptable_is_the_maximum_entropy_solution(d: int, v_max: float, js: int, mono: bool) -> None:
    try:
        t = PTable(d, v_max, js=js, monotone=mono)
    except ValueError as e:
        assert "too small" in str(e)
        assert any(_oracle_row(i, d, v_max, js, mono) is None for i in range(1, d + js + 2))
        return
    p = t.probabilities.to_numpy()
    assert t.i_max == (d if js == 0 else d + js + 1)
    for i in range(1, t.i_max + 1):
        ref = _oracle_row(i, d, v_max, js, mono)
        assert ref is not None
        # Ours is at least as good as the general solver's optimum, and the same distribution.
        assert _entropy(p[i]) >= _entropy(ref) - 1e-9, (i, p[i], ref)
        np.testing.assert_allclose(p[i], ref, atol=2e-5)
    m = t.moments()
    np.testing.assert_allclose(m["mean"], 0.0, atol=1e-12)
    assert (m["variance"] <= v_max * (1 + 1e-12)).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-13)


def test_ptable_reproduces_the_ptable_vignette() -> None:
    """create_cnt_ptable(D = 2, V = 1) as printed by the vignette of the R package ptable 1.0.0:
    tMatrix rows i = 1: 0.3665 0.3665 0.1676 0.0995 (p_var 0.932), i = 2: 0.0638 … (p_stay 0.383);
    pTable p_int_lb for i = 1: 0, 0.366, 0.733, 0.901."""
    t = PTable(2, 1.0)
    p = t.probabilities
    np.testing.assert_allclose(p.loc[1, [-1, 0, 1, 2]], [0.3665, 0.3665, 0.1676, 0.0995], atol=5e-5)
    assert p.loc[2, -2] == pytest.approx(0.0638, abs=5e-5)
    assert p.loc[2, 0] == pytest.approx(0.383, abs=5e-4)
    assert t.moments().loc[1, "variance"] == pytest.approx(0.932, abs=5e-4)
    f = t.to_frame()
    np.testing.assert_allclose(f[f.i == 1].p_int_lb, [0, 0.366, 0.733, 0.901], atol=5e-4)
    assert f[f.i == 1].j.tolist() == [0, 1, 2, 3]
    # create_cnt_ptable(D = 2, V = 1.08, js = 1): count 1 → 0, 2, 3 with 0.5133, 0.46, 0.0267.
    u = PTable(2, 1.08, js=1)
    np.testing.assert_allclose(
        u.probabilities.loc[1, [-1, 0, 1, 2]], [1.54 / 3, 0, 0.46, 0.08 / 3], atol=1e-12
    )


def test_ptable_default_and_api() -> None:
    t = PTable()
    assert (t.max_deviation, t.variance, t.js, t.monotone, t.i_max) == (3, 2.0, 0, True, 3)
    assert repr(t) == "PTable(max_deviation=3, variance=2.0, js=0, monotone=True)"
    assert t == PTable(3, 2.0) and t != PTable(3, 2.5)
    assert pickle.loads(pickle.dumps(t)) == t
    assert list(t.probabilities.columns) == list(range(-3, 4))
    assert t.probabilities.index.name == "count"
    back = PTable.from_probabilities(t.probabilities)
    assert back == t and "from_probabilities" in repr(back)
    assert pickle.loads(pickle.dumps(back)) == t
    with pytest.raises(ValueError, match="max_deviation must be an integer from 1 to 10"):
        PTable(0)
    with pytest.raises(TypeError, match="max_deviation must be an integer"):
        PTable(2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="js must be an integer from 0 to max_deviation - 1"):
        PTable(2, 1.0, js=2)
    with pytest.raises(ValueError, match="row of count 0 must be"):
        PTable.from_probabilities([[0.0, 0.5, 0.5]])


def test_lookup_agrees_with_a_search_in_the_cumulative_probabilities() -> None:
    t = PTable(3, 2.0, js=1)
    rng = np.random.default_rng(1)
    keys = rng.integers(0, 2**64, size=20000, dtype=np.uint64)
    frac = keys.astype(np.float64) * 2.0**-64
    p = t.probabilities.to_numpy()
    for i in [0, 1, 2, 3, 4, 5, 6, 37, 10**9]:
        row = p[min(i, t.i_max)]
        cum = np.cumsum(row)
        ref = np.searchsorted(cum, frac, side="right") - 3
        ref = np.minimum(ref, 3)
        near = np.min(np.abs(frac[:, None] - cum[None, :]), axis=1) < 1e-12
        got = t.noise(np.full(len(keys), i), keys)
        assert (got[~near] == ref[~near]).all()
        out = t.perturb(np.full(len(keys), i), keys)
        assert (out.astype(np.int64) == i + got.astype(np.int64)).all()
        assert (out.astype(np.int64) >= 0).all()
        assert not (out == 1).any()  # js = 1: no count is published as 1
    assert (t.perturb(np.zeros(5, dtype=np.int64), keys[:5]) == 0).all()


# ---- keys -------------------------------------------------------------------------------------


def test_batched_hmac_is_hmac_sha256() -> None:
    """The batched HMAC behind every key, on the RFC 4231 vectors (keys of at least 16 bytes; the
    131-byte keys take the hashed-key path) and against the one-shot HMAC of the Key."""
    vectors = [
        (b"\x0b" * 20, b"Hi There", "b0344c61d8db3853"),
        (b"\xaa" * 20, b"\xdd" * 50, "773ea91e36800e46"),
        (bytes(range(1, 26)), b"\xcd" * 50, "82558a389a443c0e"),
        (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f"),
    ]
    for key, data, expected in vectors:
        assert privacy.Key(key)._digests8(b"", [data]).hex() == expected
        assert privacy.Key(key)._digests8(data[:3], [data[3:]]).hex() == expected
    k = privacy.Key(SECRET)
    msgs = [bytes([i]) * i for i in range(70)]
    assert k._digests8(b"p", msgs) == b"".join(k.digest(b"p" + m)[:8] for m in msgs)


def test_record_keys_follow_their_definition() -> None:
    key = privacy.Key(SECRET)
    ids = [5, -(2**63) + 1, 2**63 - 1]
    got = privacy.person_keys(key, np.array(ids, dtype=np.int64))
    want = [_hmac_u64(SECRET, DOMAIN + b"person\x00" + b"i" + struct.pack(">q", x)) for x in ids]
    assert got.dtype == np.uint64 and got.tolist() == want
    assert privacy.person_keys(key, pd.Series(ids, dtype="Int64")).tolist() == want
    assert privacy.record_keys(key, "person", ids).tolist() == want

    ev = privacy.event_keys(key, [10, 10], [5, 6], ["victim", "witness"])
    msg = DOMAIN + b"event\x00" + b"i" + struct.pack(">q", 10) + b"i" + struct.pack(">q", 6)
    msg += b"s" + struct.pack(">I", 7) + b"witness"
    assert int(ev[1]) == _hmac_u64(SECRET, msg)
    # Reordering the rows reorders the keys.
    assert privacy.event_keys(key, [10, 10], [6, 5], ["witness", "victim"]).tolist() == ev[::-1].tolist()

    fam = privacy.family_keys(key, [3, 9, 4, None], [9, 3, None, 4])
    assert fam[0] == fam[1] and fam[2] == fam[3] and fam[0] != fam[2]
    pair = DOMAIN + b"family\x00" + b"i" + struct.pack(">q", 3) + b"i" + struct.pack(">q", 9)
    assert int(fam[0]) == _hmac_u64(SECRET, pair)
    single = DOMAIN + b"family\x00" + b"i" + struct.pack(">q", 4) + b"-"
    assert int(fam[2]) == _hmac_u64(SECRET, single)

    inc = privacy.incident_keys(key, [10])
    assert int(inc[0]) == _hmac_u64(SECRET, DOMAIN + b"incident\x00" + b"i" + struct.pack(">q", 10))

    c = privacy.contact_keys(
        key, [5, 5], ["GGD", "GGD"], pd.to_datetime(["2010-03-01", "2010-03-01"]), ["2011-01-01", None]
    )
    msg = (
        DOMAIN
        + b"contact\x00"
        + b"i"
        + struct.pack(">q", 5)
        + b"s"
        + struct.pack(">I", 3)
        + b"GGD"
        + b"s"
        + struct.pack(">I", 10)
        + b"2010-03-01"
    )
    assert int(c[1]) == _hmac_u64(SECRET, msg + b"-" + b"-")
    assert int(c[0]) == _hmac_u64(SECRET, msg + b"s" + struct.pack(">I", 10) + b"2011-01-01" + b"-")
    # Keys of different kinds never share a message: person 10 ≠ incident 10.
    assert privacy.person_keys(key, [10])[0] != inc[0]


def test_record_key_errors_name_the_column_not_the_value() -> None:
    key = privacy.Key(SECRET)
    with pytest.raises(ValueError, match=r"person_id, row 1: missing value"):
        privacy.person_keys(key, [1, None])
    with pytest.raises(ValueError, match=r"role, row 0: not a role") as e:
        privacy.event_keys(key, [1], [2], ["hitter"])
    assert "hitter" not in str(e.value)
    with pytest.raises(ValueError, match="both parents are missing"):
        privacy.family_keys(key, [None], [None])
    with pytest.raises(ValueError, match=r"column 0, row 1: not a valid value") as e2:
        privacy.record_keys(key, "person", [1, 2.5])
    assert "2.5" not in str(e2.value)
    with pytest.raises(ValueError, match="parent_b has 1 values; expected 2"):
        privacy.family_keys(key, [1, 2], [3])
    with pytest.raises(TypeError, match="boolean"):
        privacy.person_keys(key, np.array([True]))


def test_cell_keys_of_both_scopes() -> None:
    key = privacy.Key(SECRET)
    sums = np.array([0, 7, 2**64 - 1], dtype=np.uint64)
    assert privacy.cell_keys(key, sums, scope="records").tolist() == sums.tolist()
    dig = privacy.content_digest("a run")
    got = privacy.cell_keys(key, sums, scope="data", digest=dig)
    want = [_hmac_u64(SECRET, DOMAIN + b"cell\x00" + dig + struct.pack(">Q", int(s))) for s in sums]
    assert got.tolist() == want
    other = privacy.cell_keys(key, sums, scope="data", digest=privacy.content_digest("another run"))
    assert (other != got).all()
    with pytest.raises(ValueError, match="needs the 32-byte content digest"):
        privacy.cell_keys(key, sums, scope="data")
    with pytest.raises(ValueError, match="scope must be 'data' or 'records'"):
        privacy.cell_keys(key, sums, scope="rows", digest=dig)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="from 0 to 2\\*\\*64 - 1"):
        privacy.cell_keys(key, [-1], scope="records")
    with pytest.raises(ValueError, match="negative"):
        privacy.cell_keys(key, np.array([-1]), scope="records")
    with pytest.raises(TypeError, match="uint64"):
        privacy.cell_keys(key, [0.5], scope="records")


def test_content_digest_is_canonical() -> None:
    df = pd.DataFrame({"person_id": np.array([3, 1], dtype=np.int64), "sex": ["F", None]})
    d = privacy.content_digest(df, {"window": "2010:2019", "min_cell": 10})
    assert len(d) == 32
    assert d == privacy.content_digest(df.copy(), {"min_cell": 10, "window": "2010:2019"})
    assert d == privacy.content_digest(
        df.set_index(pd.Index([7, 8])), {"window": "2010:2019", "min_cell": 10}
    )
    for changed in [
        df.assign(sex=["F", "M"]),
        df.rename(columns={"sex": "gender"}),
        df.astype({"person_id": "int32"}),
        df.iloc[::-1],
    ]:
        assert privacy.content_digest(changed, {"window": "2010:2019", "min_cell": 10}) != d
    assert privacy.content_digest(df, {"window": "2010:2020", "min_cell": 10}) != d
    # The encoding written out (docs/disclosure.md): it is part of the method.
    h = hashlib.sha256(b"famgraph/content/v1\x00" + struct.pack(">Q", 6))
    h.update(b"s" + struct.pack(">I", 1) + b"x" + b"i" + struct.pack(">q", 1) + b"f" + struct.pack(">d", 2.5))
    h.update(b"-" + b"B" + struct.pack(">Q", 1) + b"\x00")
    h.update(b"A" + b"<i8" + struct.pack(">Q", 2) + np.array([1, 2], dtype="<i8").tobytes())
    assert privacy.content_digest("x", 1, 2.5, None, b"\x00", np.array([1, 2], dtype=">i8")) == h.digest()
    with pytest.raises(TypeError, match="content_digest: part 0 is a object"):
        privacy.content_digest(object())


def test_cellkey_never_shows_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    ck = CellKey(privacy.Key(SECRET), scope="data", digest=privacy.content_digest("run"))
    text = repr(ck) + str(ck)
    assert "redacted" in text and SECRET.decode() not in text and SECRET.hex() not in text
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(ck)
    assert copy.deepcopy(ck) is ck
    with caplog.at_level(logging.DEBUG):
        ck.perturb([5, 50], [1, 2])
        with pytest.raises(ValueError) as e:
            ck.perturb([5], [1, 2])
    assert SECRET.decode() not in caplog.text + str(e.value)
    with pytest.raises(ValueError, match="scope='data' needs the 32-byte digest"):
        CellKey(privacy.Key(SECRET), digest=b"short")
    with pytest.raises(ValueError, match="scope='data' needs the 32-byte digest"):
        CellKey(privacy.Key(SECRET)).perturb([5], [1])  # the digest is supplied by a run
    with pytest.raises(ValueError, match="scope='records' uses no digest"):
        CellKey(privacy.Key(SECRET), scope="records", digest=b"x" * 32)
    with pytest.raises(ValueError, match="counts must be >= 0"):
        ck.perturb([-1], [0])
    with pytest.raises(TypeError, match="expected non-negative integers"):
        ck.perturb([1.5], [0])


def test_cellkey_perturb_matches_its_parts_and_is_deterministic() -> None:
    key = privacy.Key(SECRET)
    t = PTable(2, 1.0)
    dig = privacy.content_digest("run")
    ck = CellKey(key, ptable=t, scope="data", digest=dig)
    counts = np.array([0, 1, 2, 10, 1000], dtype=np.uint64)
    sums = privacy.person_keys(key, [1, 2, 3, 4, 5])
    out = ck.perturb(counts, sums)
    assert out.tolist() == t.perturb(counts, privacy.cell_keys(key, sums, scope="data", digest=dig)).tolist()
    assert out.tolist() == ck.perturb(counts, sums).tolist()
    assert out[0] == 0
    assert (ck.noise(counts, sums).astype(np.int64) == out.astype(np.int64) - counts.astype(np.int64)).all()
    rec = CellKey(key, ptable=t, scope="records")
    assert rec.perturb(counts, sums).tolist() == t.perturb(counts, sums).tolist()
    assert ck.with_digest(dig).perturb(counts, sums).tolist() == out.tolist()


def test_tabulate_and_key_sum() -> None:
    keys = np.array([2**63, 5, 2**63, 2**64 - 1], dtype=np.uint64)
    counts, sums = cell_key.tabulate(np.array([1, 0, 1, 0]), keys)
    assert counts.tolist() == [2, 2]
    assert sums.tolist() == [4, 0]
    assert cell_key.key_sum(keys) == (2**63 + 5 + 2**63 + 2**64 - 1) % 2**64
    # Order-free: any permutation gives the same sums.
    perm = np.random.default_rng(0).permutation(4)
    assert cell_key.tabulate(np.array([1, 0, 1, 0])[perm], keys[perm])[1].tolist() == [4, 0]
    with pytest.raises(ValueError, match="expected a cell below n_cells = 1"):
        cell_key.tabulate([0, 1], [1, 2], 1)


# ---- the one-record differencing attack ------------------------------------------------------
#
# A population with a 2×2 exposure × outcome table; the target person r is exposed. Run 1 counts
# everybody; run 2 is the same data with r's exposure row removed, so r moves from the exposed to
# the unexposed row. Both runs publish the nine numbers (four cells, four margins, total), each
# perturbed by its own cell key. The attacker knows everything except r's outcome and the secret
# (prior 1/2) and compares the two runs.
#
# Shifts of the true counts from run 1 to run 2 (a b c d | exposed unexposed outcome no_outcome
# total): outcome (H1): −1 0 +1 0 | −1 +1 0 0 0; no outcome (H0): 0 −1 0 +1 | −1 +1 0 0 0.
# Under noise that is independent for every published number and run, the difference of a cell
# between the runs is shift + v₂ − v₁ with v₁, v₂ independent draws of the row (all counts here are
# ≥ i_max), whose distribution g is the autocorrelation of the row: that gives the exact
# distribution of everything the attacker observes, hence the exact success of the best attacker.

OTHERS = (12, 15, 13, 20)  # a, b, c, d without r
SHIFTS = {1: (-1, 0, 1, 0, -1, 1, 0, 0, 0), 0: (0, -1, 0, 1, -1, 1, 0, 0, 0)}
MARGINS = np.array(
    [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
        [1, 1, 0, 0],
        [0, 0, 1, 1],
        [1, 0, 1, 0],
        [0, 1, 0, 1],
        [1, 1, 1, 1],
    ],
    dtype=np.uint64,
)


def _difference_law(row: np.ndarray) -> dict[int, float]:
    """g(δ) = P(v₂ − v₁ = δ) for independent v₁, v₂ with the distribution ``row`` over −D..D."""
    d = (len(row) - 1) // 2
    g = np.convolve(row, row[::-1])
    return {k - 2 * d: float(g[k]) for k in range(len(g))}


def _exact_attack(row: np.ndarray) -> tuple[float, float]:
    """Exact success of the best attacker under independent noise: (using the four interior
    differences, using only which interior values changed). Margins and total shift the same way
    under both hypotheses and are independent of the rest, so they carry nothing."""
    g = _difference_law(row)
    deltas = range(min(g) - 1, max(g) + 2)
    lik = [
        np.einsum("i,j,k,l->ijkl", *[np.array([g.get(o - s, 0.0) for o in deltas]) for s in SHIFTS[h][:4]])
        for h in (0, 1)
    ]
    acc_full = float(0.5 * np.maximum(lik[0], lik[1]).sum())
    same = {s: g.get(-s, 0.0) for s in (-1, 0, 1)}
    acc_pattern = 0.0
    for pat in itertools.product((False, True), repeat=4):  # True = changed
        lik = [
            np.prod([(1 - same[s]) if ch else same[s] for ch, s in zip(pat, SHIFTS[h][:4], strict=True)])
            for h in (0, 1)
        ]
        acc_pattern += 0.5 * max(lik)
    return acc_full, acc_pattern


def _simulate_attack(scheme: str, t: PTable, n_trials: int, seed: int) -> dict[str, np.ndarray]:
    """Published differences (run 2 − run 1) of the nine numbers, per trial, with a fresh secret
    per trial, the real record keys (HMAC) and the real engine."""
    rng = np.random.default_rng(seed)
    a0, b0, c0, d0 = OTHERS
    n = a0 + b0 + c0 + d0
    ids = np.arange(1000, 1000 + n + 1, dtype=np.int64)  # the last one is r
    exposed0 = np.array([1] * (a0 + b0) + [0] * (c0 + d0))
    outcome0 = np.array([1] * a0 + [0] * b0 + [1] * c0 + [0] * d0)
    h = rng.integers(0, 2, n_trials)
    diffs = np.zeros((n_trials, 9), dtype=np.int64)
    for trial in range(n_trials):
        key = privacy.Key(rng.bytes(32))
        rkeys = privacy.person_keys(key, ids)
        published = []
        for run in (1, 2):
            exposed = np.append(exposed0, 1 if run == 1 else 0)
            outcome = np.append(outcome0, h[trial])
            cells = (1 - exposed) * 2 + (1 - outcome)  # a = 0, b = 1, c = 2, d = 3
            counts4, sums4 = cell_key.tabulate(cells, rkeys, 4)
            counts = MARGINS @ counts4
            sums = MARGINS @ sums4  # uint64 arithmetic: exact modulo 2^64
            if scheme == "data":
                frame = pd.DataFrame({"person_id": ids, "exposed": exposed, "outcome": outcome})
                ck = CellKey(key, ptable=t, scope="data", digest=privacy.content_digest(frame))
                published.append(ck.perturb(counts, sums).astype(np.int64))
            elif scheme == "records":
                published.append(
                    CellKey(key, ptable=t, scope="records").perturb(counts, sums).astype(np.int64)
                )
            elif scheme == "additive":
                # The tempting variant: one data key added to every key sum. Not offered; kept here
                # to show what the test detects.
                frame = pd.DataFrame({"person_id": ids, "exposed": exposed, "outcome": outcome})
                shift = privacy.cell_keys(key, [0], scope="data", digest=privacy.content_digest(frame))[0]
                published.append(t.perturb(counts, sums + shift).astype(np.int64))
            else:
                raise AssertionError(scheme)
        diffs[trial] = published[1] - published[0]
    return {"h": h, "diffs": diffs}


def _posterior_rule(g: dict[int, float], diffs: np.ndarray) -> np.ndarray:
    """The best attacker's guess under independent noise: 1 when the outcome is more likely."""
    ll = np.zeros((len(diffs), 2))
    for hyp in (0, 1):
        for k in range(4):
            ll[:, hyp] += np.log([g.get(int(o) - SHIFTS[hyp][k], 1e-300) for o in diffs[:, k]])
    return (ll[:, 1] > ll[:, 0]).astype(int)


def _pattern_chi2(sim: dict[str, np.ndarray], row: np.ndarray) -> float:
    """p-value of the interior change patterns against their law under independent noise."""
    g = _difference_law(row)
    same = {s: g.get(-s, 0.0) for s in (-1, 0, 1)}
    pvals = []
    for hyp in (0, 1):
        d = sim["diffs"][sim["h"] == hyp][:, :4] != 0
        codes = d @ np.array([8, 4, 2, 1])
        observed = np.bincount(codes, minlength=16)
        expected = np.array(
            [
                np.prod(
                    [(1 - same[s]) if (c >> (3 - k)) & 1 else same[s] for k, s in enumerate(SHIFTS[hyp][:4])]
                )
                for c in range(16)
            ]
        ) * len(d)
        # Patterns expected fewer than 5 times are pooled (the chi-square approximation).
        small = expected < 5
        obs = np.append(observed[~small], observed[small].sum())
        exp = np.append(expected[~small], expected[small].sum())
        keep = exp > 0
        pvals.append(stats.chisquare(obs[keep], exp[keep]).pvalue)
    return float(min(pvals))


@pytest.fixture(scope="module")
def attack_runs() -> dict[str, dict[str, np.ndarray]]:
    t = PTable()
    return {
        s: _simulate_attack(s, t, 2500, seed) for s, seed in (("data", 1), ("records", 2), ("additive", 3))
    }


def test_differencing_attack_records_scope_shows_which_cells_changed(attack_runs: dict) -> None:
    """Pure ABS keys: a cell whose records did not change keeps its published value, so the pattern
    of changes points to r's outcome in nearly every trial."""
    sim = attack_runs["records"]
    h, diffs = sim["h"], sim["diffs"]
    unchanged = np.where(h[:, None] == 1, diffs[:, [1, 3]], diffs[:, [0, 2]])
    assert (unchanged == 0).all()  # b, d (outcome) or a, c (no outcome): exactly the same value
    assert (diffs[:, 6:] == 0).all()  # outcome, no_outcome, total never change
    changed_ac = (diffs[:, [0, 2]] != 0).any(axis=1)
    changed_bd = (diffs[:, [1, 3]] != 0).any(axis=1)
    guess = np.where(changed_ac & ~changed_bd, 1, np.where(changed_bd & ~changed_ac, 0, -1))
    accuracy = np.mean(np.where(guess == -1, 0.5, guess == h))
    assert accuracy > 0.9
    assert np.mean(guess == h) > 0.85  # certain and right in most trials


def test_differencing_attack_data_scope_learns_only_what_the_noise_allows(attack_runs: dict) -> None:
    """Scope "data": the observations have exactly the law of independent noise — the pattern of
    changes carries nothing beyond the noise magnitudes, and the best attacker does no better than
    against independent noise (the irreducible leak of noise with this variance, documented)."""
    t = PTable()
    row = t.probabilities.loc[t.i_max].to_numpy()
    sim = attack_runs["data"]
    # Every published number gets fresh noise, also where its records did not change.
    assert _pattern_chi2(sim, row) > 1e-3
    g = _difference_law(row)
    acc_full, acc_pattern = _exact_attack(row)
    guess = _posterior_rule(g, sim["diffs"])
    accuracy = float(np.mean(guess == sim["h"]))
    se = np.sqrt(acc_full * (1 - acc_full) / len(guess))
    assert abs(accuracy - acc_full) < 4 * se
    # The figures of docs/disclosure.md for D = 3, V = 2.
    assert acc_full == pytest.approx(0.6901, abs=1e-4)
    assert acc_pattern == pytest.approx(0.5175, abs=1e-4)


def test_differencing_attack_detects_a_shared_data_key(attack_runs: dict) -> None:
    """One data key added to every key sum looks similar but leaks: cells whose records did not
    change all move by the same key difference, so their changes are correlated. The test above
    would fail for it (the test has power)."""
    t = PTable()
    row = t.probabilities.loc[t.i_max].to_numpy()
    assert _pattern_chi2(attack_runs["additive"], row) < 1e-6


def test_docstring_examples() -> None:
    import doctest

    from famgraph import cell_key as module

    for m in (module, privacy):
        result = doctest.testmod(m, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0 and result.attempted > 0
