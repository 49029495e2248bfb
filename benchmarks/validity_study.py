#!/usr/bin/env python3
"""Validity study of the matched headline (docs/validity.md): how the victim→perpetrator estimates
behave under observation windows of 10, 15, 25 and 40 years, with the generator's default
(incomplete) recording and with full recording.

For every scenario and seed the generator writes W years of records (``window_years=W``) and its
own cohort-matched design truth (``truth["design"]``, computed from the simulation state, not by
famgraph.indicators). The indicator is run as a user would (default window = the records, default
disclosure control). Per scenario, the *target* is the Mantel–Haenszel odds ratio over the pooled
recorded truth strata of all seeds (each seed's strata kept apart): the superpopulation value of
what the records can show; the *complete* target uses every simulated incident (recorded or not),
so recorded / complete measures the attenuation by incomplete recording.

    .venv/bin/python benchmarks/validity_study.py                      # 40 seeds, 30k persons
    .venv/bin/python benchmarks/validity_study.py --seeds 5 --persons 20000 --workers 2

Writes benchmarks/results/validity-<date>.json (every run, the summary per scenario, machine,
commit, load) and prints the summary table. Runs are Dask tasks (famgraph.distributed.client).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_foundation import git_info, loadavg, machine

REPO = Path(__file__).resolve().parents[1]
ORGS = ("police", "veilig_thuis", "youth_care", "gp", "school", "shelter")
FULL = {f"coverage_{o}_{k}": 1.0 for o in ORGS for k in ("cm", "pv")}
#: Years of records; 156 = the whole simulation (1870-2025): full observation.
WINDOWS = (10, 15, 25, 40, 156)
RECORDINGS = ("default", "full")


def one_run(window_years: int, recording: str, seed: int, persons: int) -> dict[str, Any]:
    """One population, one indicator call; everything needed for the summary (runs on a worker)."""
    import famgraph as fg

    params = dict(FULL) if recording == "full" else {}
    ds = fg.synth.generate(persons=persons, seed=seed, window_years=window_years, progress=False, **params)
    r = fg.indicators.victim_to_perpetrator(ds)
    m = r.tables["matched"].set_index(["estimand", "method"])
    rows = r.tables["matched"]
    orow = rows.iloc[0]
    crude = r.table.iloc[0]
    v = r.verdict or {}
    design = ds.truth["design"]["victim_to_perpetrator"]

    def f(x: Any) -> float | None:
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

    del m
    return {
        "window_years": window_years,
        "recording": recording,
        "seed": seed,
        "persons": persons,
        "verdict": v.get("verdict"),
        "rule": v.get("rule"),
        "reason": v.get("reason"),
        "or_mh": f(orow["estimate"]),
        "or_mh_lower": f(orow["lower"]),
        "or_mh_upper": f(orow["upper"]),
        "hr_cox": f(rows.iloc[3]["estimate"]),
        # the published crude ratios (None where disclosure control hides them) and the crude odds
        # ratio of the records themselves (the recorded design pooled over its strata)
        "crude_or_published": f(crude["odds_ratio"]),
        "crude_rr_published": f(crude["risk_ratio"]),
        "crude_or": _crude(design["recorded"]),
        "truth_recorded": design["recorded"],
        "truth_complete": design["complete"],
    }


def _crude(rows: list[list[Any]]) -> float | None:
    a, b, c, d = (sum(int(r[k]) for r in rows) for k in (3, 4, 5, 6))
    return (a * d) / (b * c) if b * c > 0 else None


def _mh(tables: list[tuple[int, int, int, int]]) -> float | None:
    """Mantel–Haenszel odds ratio (statsmodels, an oracle independent of famgraph)."""
    from statsmodels.stats.contingency_tables import StratifiedTable

    t = [np.array([[a, b], [c, d]], float) for a, b, c, d in tables if (a + b) > 0 and (c + d) > 0]
    if not t:
        return None
    st = StratifiedTable(t)
    return float(st.oddsratio_pooled)


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for w in sorted({r["window_years"] for r in runs}):
        for rec in RECORDINGS:
            rs = [r for r in runs if r["window_years"] == w and r["recording"] == rec]
            if not rs:
                continue
            target = _mh([tuple(row[3:7]) for r in rs for row in r["truth_recorded"]])
            complete = _mh([tuple(row[3:7]) for r in rs for row in r["truth_complete"]])
            est = [r for r in rs if r["or_mh"] is not None]
            estimable = [r for r in est if r["verdict"] == "estimable"]
            covered = [
                r
                for r in estimable
                if target is not None
                and r["or_mh_lower"] is not None
                and r["or_mh_lower"] <= target <= r["or_mh_upper"]
            ]
            counts = {
                k: sum(1 for r in rs if r["verdict"] == k)
                for k in ("estimable", "imprecise", "not estimable in this window")
            }
            out.append(
                {
                    "window_years": w,
                    "recording": rec,
                    "runs": len(rs),
                    "target_recorded": target,
                    "target_complete": complete,
                    "attenuation": (math.log(target) / math.log(complete))
                    if target and complete and complete != 1
                    else None,
                    "verdicts": counts,
                    "published_estimates": len(est),
                    "geo_mean_or_mh": float(
                        np.exp(np.mean([math.log(r["or_mh"]) for r in est if r["or_mh"] > 0]))
                    )
                    if est
                    else None,
                    "coverage_estimable": (len(covered) / len(estimable)) if estimable else None,
                    "wrong_direction_matched": sum(1 for r in est if r["or_mh"] < 1)
                    if target and target > 1
                    else None,
                    # the acceptance criterion: estimable, interval excluding 1, on the wrong side
                    "estimable_wrong_and_significant": sum(
                        1
                        for r in estimable
                        if target
                        and ((target > 1 and r["or_mh_upper"] < 1) or (target < 1 and r["or_mh_lower"] > 1))
                    ),
                    "mean_log_or_estimable": float(np.mean([math.log(r["or_mh"]) for r in estimable]))
                    if estimable
                    else None,
                    "wrong_direction_crude": sum(
                        1 for r in rs if r["crude_or"] is not None and r["crude_or"] < 1
                    ),
                    "crude_or_geo_mean": float(
                        np.exp(np.mean([math.log(r["crude_or"]) for r in rs if r["crude_or"]]))
                    )
                    if any(r["crude_or"] for r in rs)
                    else None,
                    "rules": {
                        str(k): sum(1 for r in rs if r["rule"] == k) for k in sorted({r["rule"] for r in rs})
                    },
                }
            )
    return out


def plot(doc: dict[str, Any], path: Path) -> None:
    """Every run's matched odds ratio and interval by window, with the scenario's target."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    windows = sorted({r["window_years"] for r in doc["runs"]})
    fig, axes = plt.subplots(1, len(windows), figsize=(2.2 * len(windows), 3.4), sharey=True)
    for ax, w in zip(np.atleast_1d(axes), windows, strict=True):
        rs = [r for r in doc["runs"] if r["window_years"] == w and r["recording"] == "default"]
        s = next(x for x in doc["summary"] if x["window_years"] == w and x["recording"] == "default")
        for i, r in enumerate(rs):
            if r["or_mh"] is None:
                continue
            colour = "tab:blue" if r["verdict"] == "estimable" else "lightgrey"
            lo, hi = r["or_mh_lower"] or r["or_mh"], r["or_mh_upper"] or r["or_mh"]
            ax.plot([i, i], [lo, hi], color=colour, linewidth=1)
            ax.plot(i, r["or_mh"], "o", color=colour, markersize=2.5)
        if s["target_recorded"]:
            ax.axhline(s["target_recorded"], color="black", linestyle="--", linewidth=1)
        ax.axhline(1.0, color="grey", linewidth=0.6)
        ax.set_yscale("log")
        ax.set_yticks([0.5, 1, 1.5, 2, 3, 5])
        ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title("full" if w >= 156 else f"{w} years", fontsize=9)
        ax.set_xticks([])
    np.atleast_1d(axes)[0].set_ylabel("matched odds ratio (95% CI)")
    fig.suptitle("Matched odds ratio per run (blue: estimable, grey: not); dashed: target", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=200)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=40)
    ap.add_argument("--persons", type=int, default=30_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--windows", default=",".join(map(str, WINDOWS)))
    ap.add_argument(
        "--recordings",
        default="default",
        help="default,full: also run every scenario with every incident recorded (the attenuation by "
        "incomplete recording is already measured by the complete-data target of the default runs)",
    )
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    ap.add_argument(
        "--plot", type=Path, help="draw the figure of docs/validity.md from a results JSON and stop"
    )
    a = ap.parse_args()
    if a.plot:
        plot(json.loads(a.plot.read_text()), REPO / "docs" / "_static" / "validity.png")
        return
    import famgraph as fg

    windows = [int(x) for x in a.windows.split(",")]
    recordings = [x for x in a.recordings.split(",") if x]
    jobs = [(w, rec, s) for w in windows for rec in recordings for s in range(1, a.seeds + 1)]
    t0 = time.time()
    load_before = loadavg()
    with fg.distributed.client(n_workers=a.workers) as c:
        futures = [c.submit(one_run, w, rec, s, a.persons, pure=False) for w, rec, s in jobs]
        runs = []
        for i, fut in enumerate(futures, 1):
            runs.append(fut.result())
            print(f"\r{i}/{len(jobs)} runs", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    summary = summarise(runs)
    doc = {
        "benchmark": "validity_study",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_info(),
        "load_before": load_before,
        "load_after": loadavg(),
        "wall_seconds": round(time.time() - t0, 1),
        "settings": {"seeds": a.seeds, "persons": a.persons, "windows": windows, "min_cell": 10},
        "summary": summary,
        "runs": runs,  # with the design truth of each run, so that the summary can be recomputed
    }
    a.out.mkdir(parents=True, exist_ok=True)
    path = a.out / f"validity-{dt.date.today().isoformat()}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n")
    tmp.replace(path)
    print(
        f"{'W':>3} {'rec':8} {'target':>7} {'complete':>8} {'est/imp/not':>12} "
        f"{'gmean OR':>8} {'cover':>6} {'wrong':>5} {'crude<1':>7}"
    )
    for s in summary:
        v = s["verdicts"]
        fmt = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
        print(
            f"{s['window_years']:>3} {s['recording']:8} {fmt(s['target_recorded']):>7} "
            f"{fmt(s['target_complete']):>8} "
            f"{v['estimable']:>3}/{v['imprecise']}/{v['not estimable in this window']:<4} "
            f"{fmt(s['geo_mean_or_mh']):>8} {fmt(s['coverage_estimable']):>6} "
            f"{s['wrong_direction_matched']!s:>5} {s['wrong_direction_crude']:>7}"
        )
    print(f"written: {path}")


if __name__ == "__main__":
    main()
