"""Quarantine load vs strict load (docs/data_quality.md, "Quarantine").

A synthetic population is written as CSV; a copy gets 1% bad person rows (an impossible birth
date, so that each one's events, contacts, partnerships and children's links depend on it) and 1%
events naming an unknown person. Measured, fastest of ``--repeat`` runs each, wall time of
``Dataset.from_csv``:

- ``strict_clean``: the clean copy, ``on_error="raise"`` (the reference);
- ``quarantine_clean``: the clean copy, ``on_error="quarantine"``;
- ``quarantine_dirty``: the dirty copy, ``on_error="quarantine"``.

The issue's target: ``quarantine_dirty`` within 1.2x ``strict_clean``.

    .venv/bin/python benchmarks/quarantine_load.py --persons 1000000 \
        --out benchmarks/results/quarantine-DATE.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import famgraph as fg
from famgraph.bench import _machine
from famgraph.bench._machine import loadavg, machine

REPO = Path(__file__).resolve().parents[1]


def corrupt(clean: Path, dirty: Path, share: float, seed: int) -> dict[str, int]:
    """Copy ``clean`` to ``dirty`` with ``share`` of person rows given an impossible birth date and
    ``share`` of event rows naming an unknown person (line-level edits, no parsing)."""
    rng = np.random.default_rng(seed)
    dirty.mkdir()
    counts = {}
    for name in ("persons.csv", "events.csv", "partnerships.csv", "contacts.csv"):
        src = clean / name
        if not src.exists():
            continue
        lines = src.read_text().splitlines(keepends=True)
        body = len(lines) - 1
        bad = (
            rng.choice(body, size=int(body * share), replace=False) + 1
            if name in ("persons.csv", "events.csv")
            else []
        )
        for k in bad:
            f = lines[k].split(",")
            if name == "persons.csv":
                f[2] = "2001-02-30"  # birth_date: a day that does not exist
            else:
                f[1] = "-77"  # person_id: nobody
            lines[k] = ",".join(f)
        counts[name] = len(bad)
        (dirty / name).write_text("".join(lines))
    return counts


def timed(folder: Path, on_error: str, repeat: int) -> tuple[float, list[float], fg.Dataset]:
    runs = []
    ds = None
    for _ in range(repeat):
        ds = None
        gc.collect()
        t0 = time.perf_counter()
        ds = fg.Dataset.from_csv(folder, on_error=on_error)  # type: ignore[arg-type]
        runs.append(time.perf_counter() - t0)
    assert ds is not None
    return min(runs), runs, ds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--share", type=float, default=0.01)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--tmp", type=Path, default=None)
    a = ap.parse_args()
    load_start = loadavg()  # before the work: the end value is taken after it
    tmp = Path(tempfile.mkdtemp(prefix="fg-quarantine-", dir=a.tmp))
    try:
        clean = fg.synth.write(tmp / "clean", a.persons, a.seed, progress=False)
        corrupted = corrupt(clean, tmp / "dirty", a.share, a.seed)
        s_best, s_runs, s_ds = timed(clean, "raise", a.repeat)
        qc_best, qc_runs, qc_ds = timed(clean, "quarantine", a.repeat)
        qd_best, qd_runs, qd_ds = timed(tmp / "dirty", "quarantine", a.repeat)
        assert qc_ds.n_quarantined == 0 and qc_ds.n_persons == s_ds.n_persons
        doc = {
            "benchmark": "quarantine_load",
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "git": _machine.git_info(REPO),
            "famgraph_version": fg.__version__,
            "machine": machine(),
            "loadavg_start": load_start,
            "loadavg_end": loadavg(),
            "persons": a.persons,
            "bad_share": a.share,
            "corrupted_rows": corrupted,
            "seconds": {
                "strict_clean": {"best": s_best, "runs": s_runs},
                "quarantine_clean": {"best": qc_best, "runs": qc_runs},
                "quarantine_dirty": {"best": qd_best, "runs": qd_runs},
            },
            "ratio_quarantine_dirty_to_strict_clean": qd_best / s_best,
            "target_ratio": 1.2,
            "hit": qd_best / s_best <= 1.2,
            "dirty": {
                "persons_kept": qd_ds.n_persons,
                "event_rows_kept": qd_ds.n_events,
                "quarantined_by_rule": qd_ds.quarantine_counts,
            },
        }
        text = json.dumps(doc, indent=2)
        print(text)
        if a.out:
            a.out.write_text(text + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
