#!/usr/bin/env python3
"""Log-log scaling plot and tables of a ``benchmarks/bench.py`` result.

    .venv/bin/python benchmarks/plot_scaling.py benchmarks/results/bench-2026-11-23.json
    .venv/bin/python benchmarks/plot_scaling.py RESULT.json --update-doc docs/benchmarks.md

Writes ``docs/_static/bench-scaling.png`` (wall time against persons for famgraph and each peer:
loading, relatives, kinship, the indicator suite) and prints Markdown tables: the results per
task, tool and size (wall time, peak memory, ratio to famgraph, agreement), the log-log slopes
between sizes, and the goals. With ``--update-doc`` the tables replace the block between
``<!-- bench-results:start -->`` and ``<!-- bench-results:end -->`` in that file (written
atomically).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from bench import TASKS, goals, size_label  # noqa: E402
from famgraph.bench.peers.worker import INDICATOR_TASKS  # noqa: E402

START, END = "<!-- bench-results:start -->", "<!-- bench-results:end -->"
PANELS: list[tuple[str, list[str]]] = [
    ("load CSV (four tables)", ["load_csv"]),
    ("relatives (sibling and cousin pairs)", ["relatives"]),
    ("kinship (F of everyone + φ of pairs)", ["kinship"]),
    ("indicator suite (1, 3, 4a, 4b, 5, 6)", list(INDICATOR_TASKS)),
]
STYLE = {
    "famgraph": ("#1f77b4", "o", "-"),
    "famgraph counts": ("#1f77b4", "s", ":"),
    "pandas": ("#d62728", "^", "-"),
    "networkx": ("#2ca02c", "v", "-"),
    "igraph": ("#9467bd", "D", "-"),
    "networkit": ("#8c564b", "P", "-"),
    "pednet": ("#e377c2", "X", "-"),
    "inbreeding_calculator": ("#7f7f7f", "*", "-"),
}


def entry(doc: dict[str, Any], task: str, tool: str, n: int) -> dict[str, Any]:
    return doc["results"].get(task, {}).get(tool, {}).get(str(n), {})  # type: ignore[no-any-return]


def series(doc: dict[str, Any], tasks: list[str], tool: str, core: bool = False) -> list[tuple[int, float]]:
    """(size, summed wall time) where every task ran ok (core: famgraph's counting rules only)."""
    pts = []
    for n in sorted(int(s) for s in doc["sizes"]):
        total = 0.0
        for task in tasks:
            e = entry(doc, task, tool, n)
            w = e.get("core_wall_s", e.get("wall_s")) if core else e.get("wall_s")
            if e.get("status") != "ok" or not w:
                break
            total += w
        else:
            pts.append((n, total))
    return pts


def tools_of(doc: dict[str, Any], tasks: list[str]) -> list[str]:
    seen: list[str] = []
    for task in tasks:
        for tool in doc["results"].get(task, {}):
            if tool not in seen:
                seen.append(tool)
    return seen


def plot(doc: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    for ax, (title, tasks) in zip(axes.flat, PANELS, strict=True):
        for tool in tools_of(doc, tasks):
            variants = [(tool, False)]
            if tool == "famgraph" and any(
                "core_wall_s" in entry(doc, t, "famgraph", int(n)) for t in tasks for n in doc["sizes"]
            ):
                variants.append(("famgraph counts", True))
            for label, core in variants:
                pts = series(doc, tasks, tool, core)
                if not pts:
                    continue
                color, marker, ls = STYLE.get(label, ("black", "o", "-"))
                name = {
                    "famgraph": "famgraph (public API)" if len(variants) > 1 else "famgraph",
                    "famgraph counts": "famgraph (counting rules only)",
                    "pandas": {
                        "kinship": "pandas + memoised recursion",
                        "victim_to_perpetrator": "pandas + networkx (chains)",
                    }.get(tasks[0], "pandas"),
                }.get(label, label)
                ax.plot(
                    [p[0] for p in pts], [p[1] for p in pts], marker=marker, ls=ls, color=color, label=name
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("persons")
        ax.set_ylabel("wall time (s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(
        f"famgraph vs peers on the same generated data ({doc.get('date')}, {doc['machine'].get('cores')} "
        f"cores, shared machine)",
        fontsize=11,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}.png")
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, out)
    plt.close(fig)


def fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 1:
        return f"{x:.2f}"
    if x >= 0.01:
        return f"{x:.3f}"
    return f"{x * 1000:.2f} ms"


def fmt_mem(b: float | None) -> str:
    if not b:
        return "–"
    return f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def cell(e: dict[str, Any]) -> str:
    st = str(e.get("status") or "")
    if not st:
        return ""
    if st != "ok":
        return {
            "timeout": "timeout",
            "memory": "out of memory",
            "skipped": "skipped",
            "not available": "n/a",
        }.get(st, st)
    text = fmt_s(e.get("wall_s"))
    r = (e.get("ratio_to_famgraph") or {}).get("wall")
    if r:
        text += f" ({r:g}×)"
    ag = e.get("agreement")
    if ag is not None and not ag.get("agree"):
        text += " ≠"
    return text


def results_table(doc: dict[str, Any]) -> str:
    sizes = sorted(int(s) for s in doc["sizes"])
    head = "| task | tool | " + " | ".join(size_label(n) for n in sizes) + " |"
    lines = [head, "|" + "---|" * (2 + len(sizes))]
    for task in TASKS:
        for tool, by_size in doc["results"].get(task, {}).items():
            cells = [cell(by_size.get(str(n), {})) for n in sizes]
            lines.append(f"| {task} | {tool} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def memory_table(doc: dict[str, Any]) -> str:
    sizes = sorted(int(s) for s in doc["sizes"])
    lines = [
        "| task | tool | " + " | ".join(size_label(n) for n in sizes) + " |",
        "|" + "---|" * (2 + len(sizes)),
    ]
    for task in (
        "load_csv",
        "load_parquet",
        "relatives",
        "kinship",
        "victim_to_perpetrator",
        "agency_overlap",
        "e2e",
    ):
        for tool, by_size in doc["results"].get(task, {}).items():
            cells = []
            for n in sizes:
                e = by_size.get(str(n), {})
                cells.append(fmt_mem(e.get("peak_rss_bytes")) if e.get("status") == "ok" else "")
            lines.append(f"| {task} | {tool} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def bytes_table(doc: dict[str, Any]) -> str:
    sizes = sorted(int(s) for s in doc["sizes"])
    lines = [
        "| tool | size | bytes/person | events bytes/event row | RSS growth bytes/person |",
        "|---|---|---|---|---|",
    ]
    for tool, by_size in doc["results"].get("load_csv", {}).items():
        for n in sizes:
            m = by_size.get(str(n), {}).get("memory")
            if not m:
                continue
            lines.append(
                f"| {tool} | {size_label(n)} | {m['bytes_per_person']:.1f} | "
                f"{m.get('events_bytes_per_event_row', float('nan')):.1f} | "
                f"{m['rss_growth_bytes_per_person']:.1f} |"
            )
    return "\n".join(lines).replace("| nan |", "| – |")


def slopes_table(doc: dict[str, Any]) -> str:
    sizes = sorted(int(s) for s in doc["sizes"])
    steps = list(itertools.pairwise(sizes))
    lines = [
        "| what | tool | " + " | ".join(f"{size_label(a)}→{size_label(b)}" for a, b in steps) + " |",
        "|" + "---|" * (2 + len(steps)),
    ]
    for title, tasks in PANELS:
        has_core = any(
            "core_wall_s" in entry(doc, t, "famgraph", int(n)) for t in tasks for n in doc["sizes"]
        )
        for tool in tools_of(doc, tasks):
            extra = (("famgraph counts", True),) if tool == "famgraph" and has_core else ()
            for label, core in ((tool, False), *extra):
                pts = dict(series(doc, tasks, tool, core))
                cells = []
                for a, b in steps:
                    if a in pts and b in pts and pts[a] > 0 and pts[b] > 0:
                        cells.append(f"{math.log(pts[b] / pts[a]) / math.log(b / a):.2f}")
                    else:
                        cells.append("")
                if any(cells):
                    lines.append(f"| {title} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def goals_text(doc: dict[str, Any]) -> str:
    g = goals(doc)
    s = g["speedup_vs_pandas_networkx_1M"]
    lines = ["| goal | measured | verdict |", "|---|---|---|"]
    lines.append(
        f"| ≥ 50× faster than pandas + networkx at 1M, identical numbers (like for like: famgraph's "
        f"counting rules) | total {s.get('measured_total_ratio_counts_only')}× "
        f"({s.get('peer_total_s')} s vs {s.get('famgraph_counts_only_total_s')} s); numbers agree: "
        f"{s['all_numbers_agree']} | **{s['verdict']}** |"
    )
    lines.append(
        f"| the same against famgraph's public API (statistics, disclosure control, 1,000 bootstrap "
        f"replicates for λ) | total {s['measured_total_ratio']}× ({s.get('famgraph_total_s')} s), geometric "
        f"mean per task {s['geometric_mean_ratio']}× | **{s.get('verdict_public_api')}** |"
    )
    for label, v in g["scaling_slope_1M_20M"].items():
        lines.append(
            f"| log-log slope ≤ 1.1 from 1M to 20M: {label} | {v['slope']} over "
            f"{', '.join(v['points']) or '–'} | **{v['verdict']}** |"
        )
    e = g["e2e_20M"]
    if "wall_s" in e:
        measured = f"{e['wall_s']} s, {e['peak_gb']} GB peak"
    elif e.get("status"):
        progress = "; ".join(ln.removeprefix("e2e: ") for ln in (e.get("progress") or "").splitlines())
        measured = f"{e['status']}: {e.get('note')}" + (f" ({progress})" if progress else "")
    else:
        measured = "–"
    lines.append(f"| 20M generate → indicators → report ≤ 2 min, ≤ 8 GB | {measured} | **{e['verdict']}** |")
    return "\n".join(lines)


def render(doc: dict[str, Any], source: str) -> str:
    m = doc["machine"]
    runs = doc.get("runs", [])
    loads = ", ".join(r.get("loadavg_start", "?") + " → " + r.get("loadavg_end", "?") for r in runs)
    return "\n\n".join(
        [
            START,
            f"*Generated by `benchmarks/plot_scaling.py` from `{source}` — {m.get('cpu_model')}, "
            f"{m.get('cores')} cores, {m.get('memory_gib')} GiB, Python {m.get('python')}, "
            f"{m.get('compiler')}; commit {doc['git'].get('commit', '?')[:10]}"
            f"{' (dirty tree)' if doc['git'].get('dirty') else ''}; load average (1/5/15 min) at start → "
            f"end of each run: {loads}.*",
            "### Goals\n\n" + goals_text(doc),
            "### Wall time (fastest run; ratio = peer / famgraph; ≠ = numbers differ)\n\n"
            + results_table(doc),
            "### Log-log slopes between sizes\n\n" + slopes_table(doc),
            "### Peak resident memory of each measurement (including the loaded data)\n\n"
            + memory_table(doc),
            "### Bytes per person and per event row after loading CSV\n\n" + bytes_table(doc),
            END,
        ]
    )


def update_doc(path: Path, block: str) -> None:
    text = path.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{path}: markers {START} / {END} not found")
    new = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(new)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("result", type=Path)
    ap.add_argument("--png", type=Path, default=REPO / "docs" / "_static" / "bench-scaling.png")
    ap.add_argument("--update-doc", type=Path, default=None)
    args = ap.parse_args(argv)
    doc = json.loads(args.result.read_text())
    plot(doc, args.png)
    try:
        source = str(args.result.resolve().relative_to(REPO))
    except ValueError:
        source = str(args.result)
    block = render(doc, source)
    if args.update_doc:
        update_doc(args.update_doc, block)
    print(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
