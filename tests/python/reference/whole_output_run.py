"""Run famgraph on one population, collect everything it publishes, and attack it as a whole.

Used by tests/python/test_disclosure_whole_output.py and validation/whole_output_sweep.py.

:func:`publish` runs the report (``fg.report``, or ``famgraph report``), ``famgraph indicators
--json`` on the dataset written as CSV, and takes the linkage report's ``to_dict()`` /
``summary()`` and the output of ``famgraph link`` when given; :func:`universes` computes the
oracle from the raw tables; :func:`attack` maps every published number
(:mod:`whole_output_attack`) and solves the hidden counts.

Example
-------
>>> import famgraph as fg, tempfile, pathlib                                  # doctest: +SKIP
>>> ds = fg.synth.generate(persons=2000, seed=3, progress=False)             # doctest: +SKIP
>>> out = publish(ds, pathlib.Path(tempfile.mkdtemp()))                      # doctest: +SKIP
>>> res = attack(out, universes(ds.persons, ds.partnerships, ds.events, ds.contacts, out))  # doctest: +SKIP
>>> [str(f) for f in res.disclosed]                                         # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import whole_output_attack as W
from .published import FigureCapture, Page, capture_figures, numbers_in, parse_html, run_cli
from .whole_output_oracle import Key, Universe, linkage_oracle, oracle

REPORT_DATE = "2025-06-30"


@dataclass
class Outputs:
    """Everything published by one run."""

    label: str
    min_cell: int
    html: str
    page: Page
    figures: list[FigureCapture]
    json_doc: dict[str, Any]
    cli: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    linkage_dict: dict[str, Any] | None = None
    linkage_summary: str | None = None
    link_cli: dict[str, Any] | None = None  # famgraph link: linkage_report.json and stdout
    seconds: dict[str, float] = field(default_factory=dict)


def publish(
    ds: Any,
    tmp: Path,
    *,
    label: str = "",
    window: tuple[str, str] | None = None,
    min_cell: int = 10,
    n_boot: int = 20,
    n_sim: int = 19,
    linkage: Any = None,
    render: bool = False,
    via_cli: bool = False,
) -> Outputs:
    """Run the report and ``famgraph indicators --json`` on ``ds`` (written to ``tmp``)."""
    import famgraph as fg

    tmp.mkdir(parents=True, exist_ok=True)
    data = tmp / "data"
    if not data.exists():
        ds.to_csv(data)
    win = f"{window[0]}:{window[1]}" if window else None
    sec: dict[str, float] = {}
    cli: dict[str, tuple[int, str, str]] = {}
    html_path = tmp / f"report-{min_cell}.html"
    t0 = time.perf_counter()
    with capture_figures(render=render) as figures:
        if via_cli:
            argv = [
                "report",
                str(data),
                "-o",
                str(html_path),
                "--min-cell",
                str(min_cell),
                "--date",
                REPORT_DATE,
            ]
            if win:
                argv += ["--window", win]
            cli["report"] = run_cli(argv)
            if cli["report"][0] != 0:
                raise RuntimeError(f"famgraph report failed: {cli['report'][2]}")
        else:
            results = fg.indicators.suite(ds, window=window, min_cell=min_cell, n_boot=n_boot, n_sim=n_sim)
            fg.report(
                ds,
                html_path,
                window=window,
                min_cell=min_cell,
                results=results,
                linkage=linkage,
                date=REPORT_DATE,
            )
    sec["report"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    json_path = tmp / f"indicators-{min_cell}.json"
    argv = ["indicators", str(data), "--json", str(json_path), "--min-cell", str(min_cell)]
    if not via_cli:
        argv += ["--n-boot", str(n_boot), "--n-sim", str(n_sim)]
    if win:
        argv += ["--window", win]
    cli["indicators"] = run_cli(argv)
    if cli["indicators"][0] != 0:
        raise RuntimeError(f"famgraph indicators failed: {cli['indicators'][2]}")
    sec["indicators_json"] = time.perf_counter() - t0
    html = html_path.read_text(encoding="utf-8")
    out = Outputs(
        label, min_cell, html, parse_html(html), list(figures), json.loads(json_path.read_text()), cli
    )
    if linkage is not None:
        out.linkage_dict = linkage.to_dict()
        out.linkage_summary = linkage.summary()
    out.seconds = sec
    return out


def universes(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    out: Outputs,
    *,
    exports: Sequence[tuple[str, Any, Any]] | None = None,
    added_parents: Iterable[int] = (),
) -> dict[str, Universe]:
    """The oracle for the run's published parameters (window, roles, relations, years, T)."""
    doc = out.json_doc
    params = doc["parameters"]
    w = params.get("window")
    opts: dict[str, Any] = {}
    vtp = doc.get("victim_to_perpetrator", {}).get("parameters", {})
    if "exposure_roles" in vtp:
        opts["exposure_roles"] = tuple(vtp["exposure_roles"])
    re_ = doc.get("relative_exposure", {}).get("parameters", {})
    if "relations" in re_:
        opts["re_relations"] = tuple(re_["relations"])
        opts["role_pairs"] = tuple(tuple(x) for x in re_["role_pairs"])
    rec = doc.get("recurrence_risk", {}).get("parameters", {})
    if "relations" in rec:
        opts["rec_relations"] = tuple(rec["relations"])
    if "case_roles" in rec:
        opts["case_roles"] = tuple(rec["case_roles"])
    es = doc.get("early_signalling", {}).get("parameters", {})
    if "years" in es:
        opts["years"] = tuple(int(y) for y in es["years"])
    rep = doc.get("repeat_incidents", {}).get("parameters", {})
    if "T" in rep:
        opts["T"] = int(rep["T"])
    u = oracle(
        persons,
        partnerships,
        events,
        contacts,
        # an end read off the data is published as its month (docs/disclosure.md): the run used
        # the first / last event date, which the oracle computes itself
        window=(w[0], w[1]) if w and all(len(str(x)) == 10 for x in w) else None,
        default_window=("2000-01-01", "2000-01-01"),
        options=opts,
        added_parents=added_parents,
    )
    if exports is not None:
        linkage_oracle(exports, persons, u["P"])
    return u


@dataclass
class Result:
    label: str
    published: W.Published
    findings: list[W.Finding]
    n_atoms: dict[str, int]
    seconds: float

    @property
    def disclosed(self) -> list[W.Finding]:
        return [f for f in self.findings if f.disclosed]

    @property
    def recovered(self) -> list[W.Finding]:
        return [f for f in self.findings if f.recovered]

    @property
    def unassessed(self) -> list[W.Finding]:
        return [f for f in self.findings if f.unassessed]


def organisations_of(out: Outputs) -> list[str]:
    orgs: set[str] = set()
    for rec in out.json_doc.get("agency_overlap", {}).get("tables", {}).get("table", []):
        orgs |= set(str(rec["combination"]).split("+"))
    return sorted(orgs)


ALLOWED_TEXT: dict[str, tuple[str, ...]] = {
    # numbers of the page's fixed wording (headings, numbering, definitions and the glossary)
    "nav.toc": ("1", "2", "3", "4a", "4b", "4c", "4d", "5", "6", "7", "4", "0"),
    "h3": ("1", "2", "3", "4", "5", "6", "7"),
    "p.definition": (
        "18",
        "2",
        "1",
        "2x2",
        "10",
        "100,000",
        "0",
        "365",
        "5",
        "3",
        "1990",
        "1980",
        "1995",
        "4",
    ),
    "ul.glossary": ("1", "0.5"),
    "section#definitions": ("0.95", "1000", "1", "365", "2", "5", "4", "7"),
    "details.parameters": (),
    "p.caveat": (),
    "footer#about": (),
    "dl.meta": (),
    "ul.notes": (),
    "p.note": (),
    "p.table-note": ("0.5",),
}


def map_outputs(out: Outputs, u: Mapping[str, Universe]) -> W.Published:
    pub = W.Published()
    levels: dict[str, list[str]] = {}
    for rec in out.json_doc.get("victim_to_perpetrator", {}).get("tables", {}).get("table", []):
        if rec["stratum"] in ("sex", "birth_decade"):
            levels.setdefault(rec["stratum"], []).append(str(rec["level"]))
    mean = W.Meaning(u, out.min_cell, levels)
    orgs = organisations_of(out)
    allowed = dict(ALLOWED_TEXT)
    # parameters shown on the page are the run's parameters (numbers of the JSON's parameters)
    params: set[str] = set()
    for res in out.json_doc.values():
        if isinstance(res, dict):
            for _k, v in (res.get("parameters", {}) or {}).items():
                for tok in numbers_in(json.dumps(v)):
                    params.add(tok)
    params |= {str(out.min_cell), "1000", "0.95"}
    allowed["details.parameters"] = tuple(params)
    allowed["section#definitions"] = tuple(set(allowed["section#definitions"]) | params)
    allowed["*"] = (str(out.min_cell),)
    rep = out.json_doc.get("repeat_incidents", {}).get("parameters", {})
    allowed["alt"] = (str(out.min_cell), str(rep.get("T", 365)))
    W.map_html(
        pub, mean, out.page, m=out.min_cell, organisations=orgs, json_doc=out.json_doc, allowed_text=allowed
    )
    W.map_figures(pub, out.figures, out.json_doc, out.min_cell)
    W.map_indicators_json(pub, mean, out.json_doc)
    for name, (_rc, so, se) in out.cli.items():
        for stream, text in (("stdout", so), ("stderr", se)):
            if name == "indicators" and stream == "stdout":
                continue
            for tok in numbers_in(text.replace(str(Path.cwd()), "")):
                pub.skip(
                    f"cli {name} {stream}", tok, "a file path or the number of indicators written", "cli"
                )
    if out.linkage_dict is not None:
        W.map_linkage_dict(pub, out.linkage_dict, "linkage.to_dict")
    if out.linkage_summary is not None:
        W.map_linkage_summary(pub, out.linkage_summary, "linkage.summary", out.min_cell)
    if out.link_cli is not None:
        W.map_linkage_dict(pub, out.link_cli["json"], "famgraph link json")
        W.map_linkage_summary(pub, out.link_cli["stdout"], "famgraph link stdout", out.min_cell)
    _adjusted_model(pub, mean, out)
    return pub


def _adjusted_model(pub: W.Published, mean: W.Meaning, out: Outputs) -> None:
    """A sex kept in the adjusted model has at least max(min_cell, 1) outcomes and non-outcomes
    among the eligible (features.adjusted_association); a dropped one has fewer of one of the two
    (a disjunction: recorded as a fact, not used)."""
    aa = out.json_doc.get("adjusted_association")
    vtp = out.json_doc.get("victim_to_perpetrator")
    if not aa or not vtp:
        return
    dropped = set(aa.get("parameters", {}).get("dropped_sex", []))
    sexes = [r["level"] for r in vtp["tables"]["table"] if r["stratum"] == "sex"]
    m = max(out.min_cell, 1)
    for s in sexes:
        cells = mean.cells("victim_to_perpetrator", "table", {"stratum": "sex", "level": s})
        assert cells is not None
        f = mean.two_by_two(cells)
        if s in dropped:
            pub.facts.append(f"adjusted model: sex {s} dropped: outcomes < {m} or non-outcomes < {m}")
            continue
        for col in ("n_outcome", "n_no_outcome"):
            pub.items.append(
                W.Item(
                    f[col],
                    m,
                    float("inf"),
                    False,
                    f"adjusted_association: sex {s} kept ⇒ {col} >= {m}",
                    "",
                    "json",
                )
            )


def attack(
    out: Outputs,
    u: Mapping[str, Universe],
    *,
    corpus: Sequence[Mapping[str, Universe]] = (),
    samples: int = 0,
    only: Any = None,
    hypothetical: bool = False,
) -> Result:
    """Map every published number of ``out`` and solve every hidden count (``only``: a predicate
    on the hidden count's location, to solve a few).

    ``corpus``: universes of changed populations (:func:`perturbed`) whose records enter as atoms
    with count 0. ``hypothetical``: also :func:`hypothetical_records` for every hidden key that no
    record of the population or of the corpus has. Without either, a key no record has is known to
    be empty, which the reader cannot know: the audit is then stronger than any reader (it may
    report leaks that are not there), with both it is weaker (docs/disclosure.md)."""
    t0 = time.perf_counter()
    pub = map_outputs(out, u)
    system = W.AtomSystem(out.label, out.min_cell)
    used: dict[str, set[Key]] = {}
    for it in pub.items:
        for k in it.expr:
            used.setdefault(k[0], set()).add(k)
    for r in pub.ratios:
        for k in (*r.num, *r.den):
            used.setdefault(k[0], set()).add(k)
    complete = (("P", "vtp"), ("P", "lk"))  # families whose absent keys are empty counts
    missing = sorted(
        {
            k
            for ks in used.values()
            for k in ks
            if not any(k in uu.cols for uu in u.values()) and k[:2] not in complete
        },
        key=repr,
    )
    if missing:
        raise W.AttackerError(f"{out.label}: published numbers with no meaning in the oracle: {missing[:10]}")
    hidden = normalise(pub, system)
    target_keys = {k for expr, _ in hidden for k, _ in expr}
    for name, keys in used.items():
        own = W.signatures(u[name], keys)
        corp = [
            sig
            for c in corpus
            if name in c
            for sig in W.signatures(c[name], keys)
            if sig and not target_keys.isdisjoint(sig)
        ]
        if hypothetical:
            corp += hypothetical_records(keys & target_keys, own, corp)
        system.add_universe(name, own, corp)
    seen: set[tuple[tuple[Key, float], ...]] = set()
    for expr, where in hidden:
        if only is not None and not only(where):
            continue
        if expr not in seen:
            seen.add(expr)
            system.hide(dict(expr), where)
    findings = system.solve(samples=samples)
    return Result(
        out.label, pub, findings, {k: len(v) for k, v in system.atoms.items()}, time.perf_counter() - t0
    )


def perturbed(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    out: Outputs,
    *,
    seed: int = 0,
    share: float = 0.05,
    rounds: int = 3,
    removals: bool = True,
) -> list[dict[str, Universe]]:
    """Universes of the same population with small random changes to its raw records.

    The reader cannot rule out a record that differs from a real one by one event row, one
    contact, its sex or its birth date. Each round gives a share of the persons one such change
    (an in-window event row of a random role, organisation and kind as a new incident; a contact
    of a random organisation; sex U; no birth date) and recomputes the oracle: every record whose
    signature changed is a *consistent* hypothetical record (made by the definitions themselves),
    used as a corpus atom with count 0.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    w = out.json_doc["parameters"]["window"]
    ws, we = pd.Timestamp(w[0]), pd.Timestamp(w[1])
    span = max((we - ws).days, 1)
    orgs = organisations_of(out) or ["org"]
    roles = ["victim", "perpetrator", "witness"]
    kinds = sorted({str(k) for k in events["kind"].dropna().unique()}) or ["kind"]
    ids = persons["person_id"].to_numpy()
    parents = set(pd.concat([persons["mother_id"], persons["father_id"]]).dropna().astype("int64").tolist())
    out_u = []
    for _r in range(rounds):
        p = persons.copy()
        ev = events.copy()
        ct = contacts.copy()
        pick = rng.choice(len(ids), size=max(1, int(share * len(ids))), replace=False)
        what = rng.integers(0, 6 if removals else 4, size=len(pick))
        new_ev, new_ct = [], []
        drop_ev: list[int] = []
        drop_ct: list[int] = []
        ev_of = ev.groupby("person_id").indices if len(ev) else {}
        ct_of = ct.groupby("person_id").indices if len(ct) else {}
        base = int(pd.to_numeric(ev["incident_id"]).max()) + 1 if len(ev) else 1
        for j, (i, w_) in enumerate(zip(pick, what, strict=True)):
            pid = int(ids[i])
            birth = p.at[p.index[i], "birth_date"]
            day = ws + pd.Timedelta(days=int(rng.integers(0, span + 1)))
            if (
                w_ in (0, 1)
                and birth is not None
                and isinstance(birth, str)
                and birth
                and pd.Timestamp(
                    birth[:10] if len(birth) >= 10 else birth + ("-07-01" if len(birth) == 4 else "-15")
                )
                > day
            ):
                w_ = 2
            if w_ == 0:
                new_ev.append(
                    {
                        "incident_id": base + j,
                        "person_id": pid,
                        "role": roles[int(rng.integers(0, 3))],
                        "date": day.strftime("%Y-%m-%d"),
                        "kind": kinds[int(rng.integers(0, len(kinds)))],
                        "source": orgs[int(rng.integers(0, len(orgs)))],
                    }
                )
            elif w_ == 1:
                new_ct.append(
                    {
                        "person_id": pid,
                        "source": orgs[int(rng.integers(0, len(orgs)))],
                        "start_date": (day - pd.Timedelta(days=int(rng.integers(1, 2000)))).strftime(
                            "%Y-%m-%d"
                        ),
                        "end_date": None,
                        "kind": "support",
                    }
                )
            elif w_ == 2:
                p.at[p.index[i], "sex"] = "U"
            elif w_ == 3:
                if pid not in parents:
                    p.at[p.index[i], "birth_date"] = None
            elif w_ == 4:
                rows = ev_of.get(pid)
                if rows is not None and len(rows):
                    drop_ev.append(int(rows[int(rng.integers(0, len(rows)))]))
            else:
                rows = ct_of.get(pid)
                if rows is not None and len(rows):
                    drop_ct.append(int(rows[int(rng.integers(0, len(rows)))]))
        if drop_ev:
            ev = ev.drop(index=ev.index[drop_ev]).reset_index(drop=True)
        if drop_ct:
            ct = ct.drop(index=ct.index[drop_ct]).reset_index(drop=True)
        if new_ev:
            ev = pd.concat([ev, pd.DataFrame(new_ev)], ignore_index=True)
        if new_ct:
            ct = pd.concat([ct, pd.DataFrame(new_ct)], ignore_index=True)
        out_u.append(universes(p, partnerships, ev, ct, out))
    return out_u


def hypothetical_records(
    keys: Iterable[Key],
    own: Sequence[Mapping[Key, int]],
    corpus: Sequence[Mapping[Key, int]],
    per_key: int = 3,
) -> list[dict[Key, int]]:
    """Records for the counts that no record of the population or of the corpus has.

    The reader cannot rule such records out. For a count k without one, a record of a *sibling*
    count (the same key but for one component: another cell, level, organisation …) is copied
    with its coefficient moved to k; without any such sibling, k is added to a few records of the
    population. These records may be impossible (e.g. an outcome without a perpetrator row):
    that can only widen ranges, so it may hide a leak but never invent one.
    """
    supported = {k for sig in itertools.chain(own, corpus) for k in sig}
    by_shape: dict[tuple[Any, ...], list[Key]] = defaultdict(list)
    for k in supported:
        by_shape[(k[0], k[1], len(k))].append(k)
    out: list[dict[Key, int]] = []
    pool = list(itertools.chain(own, corpus))
    for k in sorted(set(keys) - supported, key=repr):
        sibs = [
            s
            for s in by_shape.get((k[0], k[1], len(k)), [])
            if sum(a != b for a, b in zip(s, k, strict=True)) == 1
        ]
        made = 0
        for sib in sorted(sibs, key=repr):
            for sig in pool:
                if sib in sig:
                    new = dict(sig)
                    new[k] = new.pop(sib)
                    out.append(new)
                    made += 1
                    if made >= per_key:
                        break
            if made >= per_key:
                break
        if not made:
            for sig in [x for x in own if x][:per_key]:
                new = dict(sig)
                new[k] = 1
                out.append(new)
    return out


def _ek(expr: Mapping[Key, float]) -> tuple[tuple[Key, float], ...]:
    return tuple(sorted(expr.items(), key=repr))


def normalise(pub: W.Published, system: W.AtomSystem) -> list[tuple[tuple[tuple[Key, float], ...], str]]:
    """Publish every number once: the intervals of one expression intersected (the same count is
    printed in the HTML, the JSON and a reading), a share whose denominator is known exactly as an
    interval of its numerator. Returns the hidden expressions (targets)."""
    known: dict[tuple[tuple[Key, float], ...], list[Any]] = {}
    hidden: list[tuple[tuple[tuple[Key, float], ...], str]] = []
    for it in pub.items:
        k = _ek(it.expr)
        if it.hidden:
            hidden.append((k, it.where))
            continue
        lo, hi = it.lo, it.hi
        if lo == hi:
            lo = hi = float(round(lo)) if abs(lo - round(lo)) < 1e-9 else lo
        if k in known:
            e = known[k]
            e[0], e[1] = max(e[0], lo), min(e[1], hi)
            e[2].append(f"{it.where} = {it.text}")
        else:
            known[k] = [lo, hi, [f"{it.where} = {it.text}"]]
    ratios: dict[tuple[Any, Any], list[Any]] = {}
    for r in pub.ratios:
        kn, kd = _ek(r.num), _ek(r.den)
        if kd in known and known[kd][0] == known[kd][1] and not any(c < 0 for _, c in kd):
            d = known[kd][0]
            lo, hi = r.lo * d, r.hi * d
            where = f"{r.where} = {r.text} with the denominator {d:g}"
            if kn in known:
                e = known[kn]
                e[0], e[1] = max(e[0], lo), min(e[1], hi)
                e[2].append(where)
            else:
                known[kn] = [lo, hi, [where]]
            continue
        key = (kn, kd)
        if key in ratios:
            e = ratios[key]
            e[0], e[1] = max(e[0], r.lo), min(e[1], r.hi)
            e[2].append(f"{r.where} = {r.text}")
        else:
            ratios[key] = [r.lo, r.hi, [f"{r.where} = {r.text}"]]
    for k, (lo, hi, wheres) in known.items():
        # an interval that allows one integer only is that integer (counts are whole numbers)
        if hi - lo < 1 and math.floor(hi) == math.ceil(lo) and all(float(c).is_integer() for _, c in k):
            lo = hi = float(math.floor(hi))
        system.publish(dict(k), lo, hi, _why(wheres))
    for (kn, kd), (lo, hi, wheres) in ratios.items():
        system.ratio(dict(kn), dict(kd), lo, hi, _why(wheres))
    return hidden


def _why(wheres: list[str]) -> str:
    return wheres[0] + (f" (and {len(wheres) - 1} more)" if len(wheres) > 1 else "")


def attack_linkage(
    exports: Sequence[tuple[str, Any, Any]],
    linked_persons: Any,
    report: Any,
    *,
    persons_published: bool = True,
) -> Result:
    """The linkage report on its own — ``to_dict()`` and ``summary()`` — with the number of persons
    of the linked dataset (published by any report of it), against every hidden count.

    The atoms are the persons of the linked dataset and, with count 0, one hypothetical person for
    every non-empty combination of organisations (with and without a duplicate record) and one
    record without a pseudonym per organisation: the reader cannot rule any of them out.
    """
    t0 = time.perf_counter()
    u = oracle(linked_persons, None, None, None, window=None, default_window=("2000-01-01", "2001-01-01"))
    linkage_oracle(exports, linked_persons, u["P"])
    m = int(report.min_cell)
    pub = W.Published()
    W.map_linkage_dict(pub, report.to_dict(), "linkage.to_dict")
    W.map_linkage_summary(pub, report.summary(), "linkage.summary", m)
    if persons_published:
        n = float(len(linked_persons))
        pub.items.append(
            W.Item({("P", "all"): 1.0}, n, n, False, "report of the linked dataset / Persons", str(n), "html")
        )
    system = W.AtomSystem("linkage", m)
    keys: set[Key] = {k for it in pub.items for k in it.expr} | {
        k for r in pub.ratios for k in (*r.num, *r.den)
    }
    keys.add(("P", "all"))
    from .whole_output_oracle import K

    orgs = sorted({o for o, _, _ in exports})
    corpus: list[dict[Key, int]] = []
    for r in range(1, len(orgs) + 1):
        for combo in itertools.combinations(orgs, r):
            sig: dict[Key, int] = {("P", "all"): 1, K.lk("linked_any"): 1}
            for o in combo:
                sig[K.lk("linked", o)] = 1
            if r >= 2:
                sig[K.lk("several")] = 1
            for a, b in itertools.combinations(combo, 2):
                sig[K.lk("both", a, b)] = 1
            corpus.append(sig)
            corpus.append({**sig, K.lk("dup", combo[0]): 1})
    for o in orgs:
        corpus.append({("P", "all"): 1, K.lk("unlinked_rec", o): 1, K.lk("unlinked"): 1})
    system.add_universe(
        "P", W.signatures(u["P"], keys), [{k: v for k, v in c.items() if k in keys} for c in corpus]
    )
    hidden = normalise(pub, system)
    seen: set[tuple[tuple[Key, float], ...]] = set()
    for expr, where in hidden:
        if expr not in seen:
            seen.add(expr)
            system.hide(dict(expr), where)
    findings = system.solve()
    return Result(
        "linkage", pub, findings, {k: len(v) for k, v in system.atoms.items()}, time.perf_counter() - t0
    )
