"""The cell key method in numbers: the figures of docs/disclosure.md ("The cell key method").

1. p-tables: the default (D = 3, V = 2) and ptable's example (D = 2, V = 1), printed.
2. The one-record differencing attack on a 2×2 table with margins (the target moves from the
   exposed to the unexposed row between two runs; the attacker wants its outcome, prior 1/2):
   - scope "data" (independent noise per published number and run): the exact success of the best
     attacker that uses the interior differences, and of one that uses only which values changed;
     and, by enumeration over the unknown counts (flat prior), the best attacker that uses all 18
     published numbers, estimated over simulated trials;
   - the attacker that reads only which published values changed, under pure ABS keys (scope
     "records"), a shared additive data key (not offered) and independent keys (scope "data"),
     simulated with the real engine;
   - the probability that a cell whose records changed keeps its published value.
3. Bias and variance of estimates from perturbed counts, exactly over the noise (enumeration of
   the noise of the four cells), against the delta-method formulas and the sampling variance.
4. Coverage of the usual 95% intervals (Woolf for the OR, Katz for the RR, Wilson for a risk)
   computed from perturbed counts, by simulation (binomial sampling plus noise).
5. The cost of record keys (HMAC-SHA256 in Python).

Run: ``/work/tools/wt-py benchmarks/cell_key_study.py [--quick]`` → results/cell_key-<date>.json
(and the tables on stdout).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from famgraph import privacy
from famgraph.cell_key import PTable
from run_foundation import git_info, loadavg, machine

Z = 1.959963984540054
SHIFTS = {1: (-1, 0, 1, 0), 0: (0, -1, 0, 1)}
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
    ]
)
GRID = [(1, 0.5), (2, 1.0), (3, 1.0), (3, 2.0), (4, 3.0), (5, 4.0), (6, 6.0)]


def sym_row(t: PTable) -> np.ndarray:
    return t.probabilities.loc[t.i_max].to_numpy()


def diff_law(row: np.ndarray) -> dict[int, float]:
    d = (len(row) - 1) // 2
    g = np.convolve(row, row[::-1])
    return {k - 2 * d: float(g[k]) for k in range(len(g))}


def exact_attack(row: np.ndarray) -> dict[str, float]:
    g = diff_law(row)
    deltas = list(range(min(g) - 1, max(g) + 2))
    gv = {h: [np.array([g.get(o - s, 0.0) for o in deltas]) for s in SHIFTS[h]] for h in (0, 1)}
    lik = {h: np.einsum("i,j,k,l->ijkl", *gv[h]) for h in (0, 1)}
    l1, l0 = lik[1], lik[0]
    acc = float(0.5 * np.maximum(l1, l0).sum())
    certain = float(0.5 * (l1 + l0)[np.minimum(l1, l0) == 0.0].sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        post1 = l1 / (l1 + l0)
    # Probability that the attacker ends with a posterior ≥ 0.95 on the true outcome.
    confident = float(0.5 * (l1[post1 >= 0.95].sum() + l0[(1 - post1) >= 0.95].sum()))
    same = {s: g.get(-s, 0.0) for s in (-1, 0, 1)}
    acc_pattern = 0.0
    for pat in itertools.product((False, True), repeat=4):
        lik = [
            math.prod((1 - same[s]) if c else same[s] for c, s in zip(pat, SHIFTS[h], strict=True))
            for h in (0, 1)
        ]
        acc_pattern += 0.5 * max(lik)
    return {
        "accuracy_differences": acc,
        "p_certain_differences": certain,
        "p_posterior_ge_0.95_differences": confident,
        "accuracy_pattern_only": acc_pattern,
        "p_unchanged_count_changed_by_1": g.get(1, 0.0),
        "p_unchanged_same_count_other_records": g.get(0, 0.0),
    }


def full_information_attack(row: np.ndarray, n_trials: int, rng: np.random.Generator) -> dict[str, float]:
    """All 18 published numbers (nine per run, independent noise), unknown counts with a flat prior:
    the exact posterior by enumeration, averaged over simulated trials."""
    d = (len(row) - 1) // 2
    cum = np.cumsum(row)
    base = np.array([300, 500, 400, 800])

    def pf(x: np.ndarray) -> np.ndarray:
        out = np.zeros(x.shape)
        ok = np.abs(x) <= d
        out[ok] = row[x[ok] + d]
        return out

    h = rng.integers(0, 2, n_trials)
    c1 = np.tile(base, (n_trials, 1))
    c2 = c1.copy()
    c1[np.arange(n_trials), np.where(h == 1, 0, 1)] += 1
    c2[np.arange(n_trials), np.where(h == 1, 2, 3)] += 1
    noise = lambda shape: np.minimum(np.searchsorted(cum, rng.random(shape), side="right"), 2 * d) - d  # noqa: E731
    p1 = c1 @ MARGINS.T + noise((n_trials, 9))
    p2 = c2 @ MARGINS.T + noise((n_trials, 9))
    offs = np.array(list(itertools.product(range(-d - 1, d + 1), repeat=4)))
    post = np.zeros(n_trials)
    step = {
        1: (np.array([1, 0, 0, 0]), np.array([0, 0, 1, 0])),
        0: (np.array([0, 1, 0, 0]), np.array([0, 0, 0, 1])),
    }
    for t in range(n_trials):
        others = p1[t, :4][None, :] + offs
        lik = {}
        for hyp in (0, 1):
            r1 = (others + step[hyp][0]) @ MARGINS.T
            r2 = (others + step[hyp][1]) @ MARGINS.T
            lik[hyp] = float(
                (np.prod(pf(p1[t][None, :] - r1), axis=1) * np.prod(pf(p2[t][None, :] - r2), axis=1)).sum()
            )
        post[t] = lik[1] / (lik[0] + lik[1])
    p_true = np.where(h == 1, post, 1 - post)
    acc = float(np.mean(p_true > 0.5) + 0.5 * np.mean(p_true == 0.5))
    return {
        "accuracy_all_published": acc,
        "accuracy_se": math.sqrt(acc * (1 - acc) / n_trials),
        "p_posterior_ge_0.95": float(np.mean(p_true >= 0.95)),
        "p_certain": float(np.mean(p_true == 1.0)),
        "n_trials": n_trials,
    }


def pattern_attacks(t: PTable, n: int, rng: np.random.Generator) -> dict[str, float]:
    """The attacker who reads only which of the nine published numbers changed, for three ways of
    forming cell keys, simulated with the engine (vectorised over trials) and uniform record keys
    (what HMAC keys are): "records" (the key sum), "additive" (the key sum plus one data key per
    run: not offered by famgraph) and "independent" (a fresh key per number and run: the law of
    scope "data"). Each attacker is the Bayes rule of the pattern frequencies of n training trials,
    scored on n other trials."""
    others = np.array([30, 50, 40, 80], dtype=np.uint64)
    m = MARGINS.astype(np.uint64)

    def simulate(scheme: str) -> tuple[np.ndarray, np.ndarray]:
        h = rng.integers(0, 2, n)
        sums0 = rng.integers(0, 2**64, size=(n, 4), dtype=np.uint64)  # the other records' key sums
        kr = rng.integers(0, 2**64, size=n, dtype=np.uint64)  # the target's key
        pub = []
        for run in (1, 2):
            cell = np.where(h == 1, 0, 1) if run == 1 else np.where(h == 1, 2, 3)
            counts4 = np.tile(others, (n, 1))
            sums4 = sums0.copy()
            counts4[np.arange(n), cell] += np.uint64(1)
            sums4[np.arange(n), cell] += kr
            counts, sums = counts4 @ m.T, sums4 @ m.T
            if scheme == "additive":
                sums = sums + rng.integers(0, 2**64, size=(n, 1), dtype=np.uint64)
            elif scheme == "independent":
                sums = rng.integers(0, 2**64, size=(n, 9), dtype=np.uint64)
            pub.append(t.perturb(counts.ravel(), sums.ravel()).reshape(n, 9).astype(np.int64))
        codes = (pub[1] != pub[0]) @ (1 << np.arange(9))
        return h, codes

    out = {}
    for scheme in ("records", "additive", "independent"):
        h, codes = simulate(scheme)
        n1 = np.bincount(codes[h == 1], minlength=512)
        n0 = np.bincount(codes[h == 0], minlength=512)
        h2, codes2 = simulate(scheme)
        guess = np.where(n1[codes2] > n0[codes2], 1, np.where(n1[codes2] < n0[codes2], 0, -1))
        out[scheme] = float(np.mean(np.where(guess == -1, 0.5, guess == h2)))
    out["n_trials"] = n
    return out


def estimates(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> dict[str, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "risk_exposed": a / (a + b),
            "log_rr": np.log(a / (a + b)) - np.log(c / (c + d)),
            "log_or": np.log(a) + np.log(d) - np.log(b) - np.log(c),
        }


def delta_variance(a: float, b: float, c: float, d: float, v: float) -> dict[str, float]:
    n1, n0 = a + b, c + d
    return {
        "risk_exposed": v * (a * a + b * b) / n1**4,
        "log_rr": v * ((b / (a * n1)) ** 2 + 1 / n1**2 + (d / (c * n0)) ** 2 + 1 / n0**2),
        "log_or": v * (1 / a**2 + 1 / b**2 + 1 / c**2 + 1 / d**2),
    }


def delta_bias(a: float, b: float, c: float, d: float, v: float) -> dict[str, float]:
    n1, n0 = a + b, c + d
    return {
        "risk_exposed": v * (a - b) / n1**3,
        "log_rr": -v / (2 * a * a) + v / n1**2 + v / (2 * c * c) - v / n0**2,
        "log_or": -v / 2 * (1 / a**2 - 1 / b**2 - 1 / c**2 + 1 / d**2),
    }


def sampling_variance(a: float, b: float, c: float, d: float) -> dict[str, float]:
    n1, n0 = a + b, c + d
    return {
        "risk_exposed": a * b / n1**3,
        "log_rr": 1 / a - 1 / n1 + 1 / c - 1 / n0,
        "log_or": 1 / a + 1 / b + 1 / c + 1 / d,
    }


def bias_variance(t: PTable, tables: list[tuple[int, int, int, int]]) -> list[dict]:
    """Exact over the noise of the four cells (margins as their sums)."""
    out = []
    d = t.max_deviation
    vs = np.arange(-d, d + 1)
    for cells in tables:
        rows = [t.probabilities.loc[min(x, t.i_max)].to_numpy() for x in cells]
        grids = np.meshgrid(*[vs] * 4, indexing="ij")
        w = np.einsum("i,j,k,l->ijkl", *rows).ravel()
        pert = [np.asarray(cells[k] + grids[k].ravel(), dtype=float) for k in range(4)]
        est = estimates(*pert)
        true = estimates(*[np.array([float(x)]) for x in cells])
        dv, db, sv = (
            delta_variance(*map(float, cells), t.variance),
            delta_bias(*map(float, cells), t.variance),
            sampling_variance(*map(float, cells)),
        )
        rec = {"a_b_c_d": list(cells)}
        for name, x in est.items():
            mean = float((w * x).sum())
            var = float((w * (x - mean) ** 2).sum())
            rec[name] = {
                "true": float(true[name][0]),
                "bias": mean - float(true[name][0]),
                "bias_delta": db[name],
                "sd_noise": math.sqrt(var),
                "sd_noise_delta": math.sqrt(dv[name]),
                "sd_sampling": math.sqrt(sv[name]),
                "variance_inflation": 1 + var / sv[name],
            }
        out.append(rec)
    return out


def coverage(
    t: PTable, designs: list[tuple[int, int, float, float]], reps: int, rng: np.random.Generator
) -> list[dict]:
    out = []
    for n1, n0, p1, p0 in designs:
        a = rng.binomial(n1, p1, reps)
        c = rng.binomial(n0, p0, reps)
        b, dd = n1 - a, n0 - c
        true_or = math.log(p1 / (1 - p1) * (1 - p0) / p0)
        true_rr = math.log(p1 / p0)
        rec = {"n_exposed": n1, "n_unexposed": n0, "risk_exposed": p1, "risk_unexposed": p0, "reps": reps}
        for label, noisy in (("original", False), ("perturbed", True)):
            cells = [a, b, c, dd]
            if noisy:
                # The engine itself, with uniform cell keys (what HMAC keys are).
                cells = [
                    t.perturb(np.asarray(x, dtype=np.int64), rng.integers(0, 2**64, reps, dtype=np.uint64))
                    for x in cells
                ]
            A, B, C, D = (np.asarray(x, dtype=float) for x in cells)
            ok = (A > 0) & (B > 0) & (C > 0) & (D > 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                lor = np.log(A * D / (B * C))
                var_or = 1 / A + 1 / B + 1 / C + 1 / D
                lrr = np.log(A / (A + B)) - np.log(C / (C + D))
                var_rr = 1 / A - 1 / (A + B) + 1 / C - 1 / (C + D)
                n = A + B
                ph = A / n
                centre = (ph + Z * Z / (2 * n)) / (1 + Z * Z / n)
                half = Z / (1 + Z * Z / n) * np.sqrt(ph * (1 - ph) / n + Z * Z / (4 * n * n))
                rec[label] = {
                    "coverage_or_woolf": float(np.mean((np.abs(lor - true_or) <= Z * np.sqrt(var_or))[ok])),
                    "coverage_rr_katz": float(np.mean((np.abs(lrr - true_rr) <= Z * np.sqrt(var_rr))[ok])),
                    "coverage_risk_wilson": float(np.mean(np.abs(centre - p1) <= half)),
                }
                if noisy:
                    # The same intervals with the noise variance added (delta method, docs).
                    v = t.variance
                    n0 = C + D
                    var_or_n = var_or + v * (1 / A**2 + 1 / B**2 + 1 / C**2 + 1 / D**2)
                    var_rr_n = var_rr + v * ((B / (A * n)) ** 2 + 1 / n**2 + (D / (C * n0)) ** 2 + 1 / n0**2)
                    rec["perturbed_noise_aware"] = {
                        "coverage_or_woolf": float(
                            np.mean((np.abs(lor - true_or) <= Z * np.sqrt(var_or_n))[ok])
                        ),
                        "coverage_rr_katz": float(
                            np.mean((np.abs(lrr - true_rr) <= Z * np.sqrt(var_rr_n))[ok])
                        ),
                    }
        out.append(rec)
    return out


def hmac_cost(n: int) -> dict[str, float]:
    key = privacy.Key(b"a benchmark secret of 32 bytes!!")
    ids = np.arange(n, dtype=np.int64) * 7919 + 12345
    t0 = time.perf_counter()
    privacy.person_keys(key, ids)
    sec = time.perf_counter() - t0
    return {"n": n, "seconds": sec, "us_per_key": sec / n * 1e6, "extrapolated_20M_seconds": sec / n * 20e6}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer trials (a smoke run)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    rng = np.random.default_rng(20261124)
    trials = 300 if args.quick else 3000
    result: dict = {
        "date": dt.date.today().isoformat(),
        **git_info(),
        "machine": machine(),
        "load_before": loadavg(),
    }

    result["ptables"] = {}
    for d, v in [(3, 2.0), (2, 1.0)]:
        t = PTable(d, v)
        result["ptables"][f"D{d}_V{v}"] = {
            "probabilities": t.probabilities.round(5).to_dict(orient="index"),
            "moments": t.moments().round(5).to_dict(orient="index"),
        }
        print(
            f"\np-table D = {d}, V = {v}\n{t.probabilities.round(4).to_string()}\n"
            f"{t.moments().round(4).to_string()}"
        )

    result["attack"] = []
    print(
        "\nD  V    exact-diff  P(certain)  P(≥.95)  pattern-only  P(unch|Δ=1)  all-18 (±se)  P(≥.95)  "
        "| pattern: records additive independent"
    )
    for d, v in GRID:
        t = PTable(d, v)
        row = sym_row(t)
        rec = {"max_deviation": d, "variance": v, **exact_attack(row)}
        n_full = max(200, trials // (1 if d <= 3 else 3))
        rec.update(full_information_attack(row, n_full, rng))
        rec["pattern_attack"] = pattern_attacks(t, 20 * trials, rng)
        result["attack"].append(rec)
        pa = rec["pattern_attack"]
        print(
            f"{d}  {v:<4} {rec['accuracy_differences']:.3f}       {rec['p_certain_differences']:.4f}      "
            f"{rec['p_posterior_ge_0.95_differences']:.4f}   {rec['accuracy_pattern_only']:.3f}         "
            f"{rec['p_unchanged_count_changed_by_1']:.3f}        "
            f"{rec['accuracy_all_published']:.3f} ±{rec['accuracy_se']:.3f}  "
            f"{rec['p_posterior_ge_0.95']:.3f}  "
            f"| {pa['records']:.3f} {pa['additive']:.3f} {pa['independent']:.3f}"
        )

    t = PTable()
    tables = [
        (10, 10, 10, 10),
        (10, 40, 20, 80),
        (30, 30, 30, 30),
        (30, 270, 60, 1140),
        (100, 100, 100, 100),
        (100, 900, 200, 3800),
        (1000, 1000, 1000, 1000),
        (1000, 9000, 2000, 38000),
    ]
    result["bias_variance"] = bias_variance(t, tables)
    print("\nD = 3, V = 2: bias and SD from the noise (exact) vs delta method; SD from sampling")
    for rec in result["bias_variance"]:
        parts = []
        for name in ("risk_exposed", "log_rr", "log_or"):
            x = rec[name]
            parts.append(
                f"{name}: bias {x['bias']:+.2e} (δ {x['bias_delta']:+.2e}) sd {x['sd_noise']:.4f} "
                f"(δ {x['sd_noise_delta']:.4f}) samp {x['sd_sampling']:.4f} "
                f"infl {x['variance_inflation']:.3f}"
            )
        print(rec["a_b_c_d"], " | ".join(parts))

    designs = [(20, 100, 0.5, 0.2), (50, 250, 0.4, 0.2), (200, 1000, 0.3, 0.1), (2000, 10000, 0.3, 0.1)]
    result["coverage"] = coverage(t, designs, 4000 if args.quick else 40000, rng)
    print("\nCoverage of 95% intervals (original counts → perturbed counts)")
    for rec in result["coverage"]:
        o, p, q = rec["original"], rec["perturbed"], rec["perturbed_noise_aware"]
        print(
            f"n1={rec['n_exposed']} n0={rec['n_unexposed']} "
            f"p1={rec['risk_exposed']} p0={rec['risk_unexposed']}: "
            f"OR {o['coverage_or_woolf']:.4f}→{p['coverage_or_woolf']:.4f}  RR {o['coverage_rr_katz']:.4f}→"
            f"{p['coverage_rr_katz']:.4f}  "
            f"risk {o['coverage_risk_wilson']:.4f}→{p['coverage_risk_wilson']:.4f}; with the noise "
            f"variance: OR {q['coverage_or_woolf']:.4f} RR {q['coverage_rr_katz']:.4f}"
        )

    result["hmac"] = hmac_cost(20000 if args.quick else 200000)
    print(
        f"\nperson_keys: {result['hmac']['us_per_key']:.2f} µs per key → 20M persons ≈ "
        f"{result['hmac']['extrapolated_20M_seconds']:.0f} s"
    )
    result["load_after"] = loadavg()
    out = args.out or Path(__file__).resolve().parent / "results" / f"cell_key-{result['date']}.json"
    out.write_text(json.dumps(result, indent=1, default=float) + "\n")
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
