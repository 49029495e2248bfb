"""The whole-output disclosure audit over many synthetic populations (docs/disclosure.md,
"Whole-output audit").

For each population (1,000 to 50,000 persons; some with tiny organisations, some with many
unknown values of sex and birth date) the script runs what a user publishes — the HTML report
and ``famgraph indicators --json`` (the linkage report is audited in
tests/python/test_disclosure_whole_output.py) — maps every published number to linear relations over atoms of
records (tests/python/reference/whole_output_*.py) and solves min / max of every hidden count
with HiGHS. A hidden count pinned to an interval narrower than ``min_cell`` is a finding.

Run: ``/work/tools/wt-py benchmarks/whole_output_sweep.py [--quick] [--only N]``
→ results/whole_output_sweep-<date>.json (one record per population: persons, published and
hidden numbers, atoms, findings with their certificates, seconds) and a table on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "python"))

import famgraph as fg  # noqa: E402
from reference import whole_output_run as R  # noqa: E402
from run_foundation import git_info, loadavg, machine  # noqa: E402


@dataclass(frozen=True)
class Population:
    name: str
    persons: int
    seed: int
    params: tuple[tuple[str, float], ...] = ()
    unknown: float = 0.0  # share of childless persons given sex U, and as many no birth date


def populations(quick: bool) -> list[Population]:
    tiny = (("coverage_shelter_pv", 0.02), ("coverage_gp_cm", 0.01))
    tinier = (("coverage_shelter_pv", 0.005), ("coverage_gp_cm", 0.003))
    sizes = [1000, 1500, 2000, 3000, 5000, 8000, 12000, 20000, 30000, 50000]
    out: list[Population] = []
    for i, n in enumerate(sizes):
        out.append(Population(f"plain {n} seed {i + 1}", n, i + 1))
        out.append(
            Population(f"tiny organisations {n} seed {i + 101}", n, i + 101, tiny if i % 2 else tinier)
        )
        out.append(
            Population(
                f"unknown values {n} seed {i + 201}",
                n,
                i + 201,
                tiny if i % 3 == 0 else (),
                0.03 if i % 2 else 0.004,
            )
        )
    if quick:
        out = [p for p in out if p.persons <= 2000]
    return out


def with_unknowns(ds: Any, share: float, seed: int) -> Any:
    persons = ds.persons.copy()
    parents = set(pd.concat([persons["mother_id"], persons["father_id"]]).dropna().astype("int64"))
    rng = np.random.default_rng(seed)
    pool = persons.index[~persons["person_id"].isin(parents)]
    k = max(1, int(share * len(persons)))
    persons.loc[rng.choice(pool, size=min(k, len(pool)), replace=False), "sex"] = "U"
    persons.loc[rng.choice(pool, size=min(k, len(pool)), replace=False), "birth_date"] = None
    return fg.Dataset.from_pandas(persons, ds.partnerships, ds.events, ds.contacts)


def run_one(
    pop: Population, tmp: Path, rounds: int = 10, share: float = 0.5, key_moves: bool = False
) -> dict[str, Any]:
    t0 = time.perf_counter()
    ds = fg.synth.generate(persons=pop.persons, seed=pop.seed, progress=False, **dict(pop.params))
    if pop.unknown:
        ds = with_unknowns(ds, pop.unknown, pop.seed)
    out = R.publish(ds, tmp, label=pop.name)
    u = R.universes(ds.persons, ds.partnerships, ds.events, ds.contacts, out)
    # Records that differ from real ones by one change (added or removed event row or contact,
    # unknown sex, no birth date), made by the oracle's definitions: the reader cannot rule them
    # out, so without them an empty cell would be known to be empty (docs/disclosure.md).
    corpus = (
        R.perturbed(ds.persons, ds.partnerships, ds.events, ds.contacts, out, rounds=rounds, share=share)
        if rounds
        else []
    )
    res = R.attack(out, u, corpus=corpus, hypothetical=key_moves)
    hidden = [it for it in res.published.items if it.hidden]
    rec: dict[str, Any] = {
        "population": pop.name,
        "persons": len(ds.persons),
        "event_rows": len(ds.events),
        "contacts": len(ds.contacts),
        "parameters": dict(pop.params),
        "unknown_share": pop.unknown,
        "published_numbers": len(res.published.items) - len(hidden),
        "hidden_numbers": len(hidden),
        "unmapped_numbers": len(res.published.unmapped),
        "unaccounted": len(res.published.unaccounted),
        "atoms": res.n_atoms,
        "hypothetical_rounds": rounds,
        "hypothetical_share": share,
        "key_moves": key_moves,
        "hidden_counts_solved": len(res.findings),
        "unassessed": len(res.unassessed),
        "disclosed": [str(f) for f in res.disclosed],
        "disclosed_where": sorted(
            {
                f.target.split(" / ")[0].split("/")[0]
                + " / "
                + (f.target.split(" / ")[1] if " / " in f.target else "")
                for f in res.disclosed
            }
        ),
        "leaks_by_identity": [str(f) for f in res.findings if f.leak],
        "recovered": [str(f) for f in res.recovered],
        "narrowest_width": min((f.width for f in res.findings if not f.unassessed), default=None),
        "seconds": {**out.seconds, "attack": res.seconds, "total": time.perf_counter() - t0},
    }
    return rec


def section_of(finding: str) -> str:
    """The table a finding's target belongs to: ``indicators/agency_overlap / Table``, …"""
    target = finding.split("\n")[0].split(": ", 1)[1]
    target = re.sub(r" true=.*", "", target)
    parts = re.split(r" / |/", target)
    return re.sub(r"\[\d+\]", "[i]", " / ".join(parts[:3] if parts[0] == "indicators" else parts[:2]))


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    ok = [r for r in result["populations"] if "error" not in r]
    by_section: Counter[str] = Counter()
    by_identity: Counter[str] = Counter()
    for r in ok:
        by_section.update(section_of(f) for f in r["disclosed"])
        by_identity.update(section_of(f) for f in r.get("leaks_by_identity", []))
    return {
        "populations": len(result["populations"]),
        "errors": len(result["populations"]) - len(ok),
        "with_disclosed": sum(1 for r in ok if r["disclosed"]),
        "hidden_counts_solved": sum(r["hidden_counts_solved"] for r in ok),
        "disclosed": sum(len(r["disclosed"]) for r in ok),
        "recovered_by_identity": sum(len(r.get("leaks_by_identity", [])) for r in ok),
        "disclosed_by_section": dict(by_section.most_common()),
        "recovered_by_identity_by_section": dict(by_identity.most_common()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="populations of at most 2,000 persons")
    ap.add_argument("--only", type=int, default=None, help="run the N-th population only")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--rounds",
        type=int,
        default=10,
        help="rounds of hypothetical records made by the oracle (each changes --share of the persons "
        "once); 0: none (the attacker then knows which keys are empty)",
    )
    ap.add_argument("--share", type=float, default=0.5)
    ap.add_argument(
        "--key-moves",
        action="store_true",
        help="also records with a key moved from a sibling count (may be impossible: a weaker attacker)",
    )
    ap.add_argument(
        "--summarise", type=Path, default=None, help="only (re)write the summary of a results file"
    )
    args = ap.parse_args()
    if args.summarise is not None:
        done = json.loads(args.summarise.read_text(encoding="utf-8"))
        done["summary"] = summarise(done)
        args.summarise.write_text(json.dumps(done, indent=1, default=str) + "\n", encoding="utf-8")
        print(json.dumps(done["summary"], indent=1))
        return
    pops = populations(args.quick)
    if args.only is not None:
        pops = [pops[args.only]]
    result: dict[str, Any] = {
        "benchmark": "whole_output_sweep",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        **git_info(),
        "famgraph_version": fg.__version__,
        "min_cell": 10,
        "load_before": loadavg(),
        "populations": [],
    }
    path = args.out or HERE / "results" / f"whole_output_sweep-{dt.date.today().isoformat()}.json"
    for i, pop in enumerate(pops):
        with tempfile.TemporaryDirectory(prefix="famgraph-wo-") as d:
            try:
                rec = run_one(pop, Path(d), args.rounds, args.share, args.key_moves)
            except Exception as e:  # recorded, the sweep goes on
                rec = {
                    "population": pop.name,
                    "error": f"{type(e).__name__}: {e}",
                    "traceback": traceback.format_exc()[-2000:],
                }
        result["populations"].append(rec)
        path.write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")  # so far
        if "error" in rec:
            print(f"{i:2d} {pop.name:<40} ERROR {rec['error'][:200]}", flush=True)
        else:
            print(
                f"{i:2d} {pop.name:<40} persons {rec['persons']:>6} published {rec['published_numbers']:>5} "
                f"hidden {rec['hidden_numbers']:>4} solved {rec['hidden_counts_solved']:>4} "
                f"disclosed {len(rec['disclosed']):>2} narrowest {rec['narrowest_width']} "
                f"{rec['seconds']['total']:.0f} s",
                flush=True,
            )
            for f in rec["disclosed"][:5]:
                print("     " + f.replace("\n", "\n     ")[:800], flush=True)
    result["load_after"] = loadavg()
    result["summary"] = summarise(result)
    path.write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    print(json.dumps(result["summary"]), "→", path)


if __name__ == "__main__":
    main()
