"""Acceptance test of issue #8: a regional partnership's first analysis, tried as a new user would.

One synthetic population (``fg.synth.generate``) is cut into what three organisations and the
population register would really hand over:

- three organisation exports (police, veilig_thuis, youth_care), each a folder of famgraph CSVs
  with the organisation's own local person ids, its own incidents and contacts (``source`` = the
  organisation), its own view of the families (a parent only when the organisation knows that
  parent), and the national person number (9 digits with the "elfproef", BSN-like) written the
  organisation's way: police lost the leading zeros (a numeric column), veilig_thuis writes
  ``123 456 782``, youth_care ``123-456-782`` or `` 123.456.782 ``; veilig_thuis has records
  without a number (``000000000`` or empty) that cannot be linked; youth_care knows only the
  month of birth of persons born before 1980; planted errors: sex typos (youth_care), birth-year
  typos (police) and wrong fathers (veilig_thuis);
- a register extract in the CBS microdata layout (a child–parent table with RINPERSOONS,
  RINPERSOON, RINPERSOONSpa, RINPERSOONpa, RINPERSOONSMa, RINPERSOONMa and a person table with
  GBAGESLACHT, GBAGEBOORTEJAAR, GBAGEBOORTEMAAND) covering everyone alive on 1 January 1995 or
  born later, whose numbers are the same national numbers; read with ``fg.microdata`` and added
  as a priority source.

Every identifier is pseudonymised with ``fg.privacy.pseudonymise`` and a test key, the exports are
linked with ``fg.link`` and, separately, with ``famgraph link`` on the written folders, and the
results are compared. The linked dataset is checked against the *source population* (not against
famgraph): every person present, their sex, birth and exit dates, every parent link and every
incident row; the data-maturity scan against brute-force shares; the multi-agency overlap against
a brute-force count. The report and the JSON of every indicator are searched for every written
form of every identifier, every pseudonym, every person id and the key, and the JSON for
published counts below ``min_cell``. Bad cells in an export CSV and in the microdata CSV must be
reported with file, line, column and value.

The same flow, for users, is docs/tutorial_partnership.md.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import linkage, privacy
from famgraph.cli import main as cli_main

ORGS = ("police", "veilig_thuis", "youth_care")
CBS = "CBS"
KEY_TEXT = "partnership-acceptance-key/9c1e47b2d06a"  # printable, so that every form can be searched
KEY = privacy.Key(KEY_TEXT)
NORM = privacy.Normalisation(number_width=9)  # the BSN: police lost the leading zeros
LOCAL_BASE = {"police": 3_100_000, "veilig_thuis": 5_200_000, "youth_care": 7_300_000}
REGISTER_FROM = "1995-01-01"  # the register holds everyone alive on this day or born later
DATE = "2025-06-30"  # the report's generation date: fixed, so that two reports can be compared
N_BOOT, N_SIM, SEED = 40, 39, 3
MIN_CELL = 10
N_SEX_TYPOS, N_BIRTH_TYPOS, N_WRONG_FATHERS, N_NULL_NUMBERS, N_EMPTY_NUMBERS = 12, 12, 3, 8, 4


# ---------------------------------------------------------------------------------------------- world


def elfproef_numbers(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct 9-digit numbers passing the BSN eleven-test (about 10% with a leading zero)."""
    weights = np.array([9, 8, 7, 6, 5, 4, 3, 2])
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        d = rng.integers(0, 10, size=8)
        check = int(d @ weights) % 11
        if check == 10:
            continue
        text = "".join(map(str, d)) + str(check)
        if text in seen or text.lstrip("0") == "" or len(text.lstrip("0")) < 7:
            continue
        seen.add(text)
        out.append(text)
    return out


def parent_links(persons: pd.DataFrame, column: str) -> dict[int, int]:
    """child -> parent, for the recorded parents of one column."""
    ids, parents = persons["person_id"].tolist(), persons[column].tolist()
    return {int(c): int(q) for c, q in zip(ids, parents, strict=True) if not pd.isna(q)}


def grouped(number: str, sep: str) -> str:
    return sep.join((number[:3], number[3:6], number[6:]))


@dataclass
class World:
    population: fg.Dataset
    number: dict[int, str]  # original person id -> national number
    member: dict[str, set[int]]  # organisation -> original ids it records
    local: dict[str, dict[int, int]]  # organisation -> original id -> local id
    records: dict[str, pd.DataFrame]  # organisation -> persons as exported (text, with "bsn")
    events: dict[str, pd.DataFrame]
    contacts: dict[str, pd.DataFrame]
    partnerships: dict[str, pd.DataFrame]
    register: set[int]  # persons of the CBS person table
    register_rows: set[int]  # children of the CBS child-parent table
    sex_typo: set[int] = field(default_factory=set)  # in youth_care
    birth_typo: set[int] = field(default_factory=set)  # in police
    wrong_father: dict[int, int] = field(default_factory=dict)  # child -> wrong father, in veilig_thuis
    unlinked: dict[int, str] = field(default_factory=dict)  # veilig_thuis: orig -> "000000000" / ""
    mother: dict[int, int] = field(default_factory=dict)  # the population's recorded parents
    father: dict[int, int] = field(default_factory=dict)

    @cached_property
    def orig_of_number(self) -> dict[str, int]:
        return {n: p for p, n in self.number.items()}

    @cached_property
    def orig_of_local(self) -> dict[str, dict[int, int]]:
        return {o: {loc: p for p, loc in self.local[o].items()} for o in ORGS}


def build_world() -> World:
    pop = fg.synth.generate(persons=3000, seed=11, progress=False)
    rng = np.random.default_rng(20240808)
    P = pop.persons.set_index("person_id")
    ids = P.index.to_numpy()
    number = dict(zip(ids.tolist(), elfproef_numbers(len(ids), rng), strict=True))
    mother, father = parent_links(pop.persons, "mother_id"), parent_links(pop.persons, "father_id")
    parents = set(mother.values()) | set(father.values())
    children: dict[int, set[int]] = {}
    for c, m in [*mother.items(), *father.items()]:
        children.setdefault(m, set()).add(c)

    member: dict[str, set[int]] = {o: set() for o in ORGS}
    ev_parts: dict[str, list[pd.DataFrame]] = {o: [] for o in ORGS}
    for _, rows in pop.events.groupby("incident_id", sort=True):
        src = str(rows["source"].iloc[0])
        o = src if src in ORGS else ORGS[int(rng.integers(3))]
        ev_parts[o].append(rows.assign(source=o))
        member[o] |= set(rows["person_id"].astype(int).tolist())
    ct = pop.contacts.copy()
    ct["source"] = [s if s in ORGS else ORGS[int(rng.integers(3))] for s in ct["source"]]
    pt = pop.partnerships.copy()
    pt["org"] = [ORGS[int(rng.integers(3))] for _ in range(len(pt))]
    for o in ORGS:
        member[o] |= set(ct.loc[ct["source"] == o, "person_id"].astype(int).tolist())
        sub = pt[pt["org"] == o]
        member[o] |= set(sub["person_a"].astype(int)) | set(sub["person_b"].astype(int))
    # organisations record the families of their clients: parents and children
    for o in ORGS:
        clients = set(member[o])
        for p in clients:
            for par in (mother.get(p), father.get(p)):
                if par is not None:
                    member[o].add(par)
            member[o] |= children.get(p, set())
        member[o] |= {int(p) for p in ids if rng.random() < 0.12}

    exit_date = P["exit_date"]
    register = {int(p) for p in ids if pd.isna(exit_date[p]) or str(exit_date[p]) >= REGISTER_FROM}
    register_rows = {p for p in register if p in mother or p in father}
    birth = P["birth_date"].astype(str)

    w = World(pop, number, member, {}, {}, {}, {}, {}, register, register_rows, mother=mother, father=father)
    in_orgs = {p: {o for o in ORGS if p in member[o]} for p in ids.tolist()}
    has_activity: dict[str, set[int]] = {
        o: set(pd.concat(ev_parts[o])["person_id"].astype(int))
        | set(ct.loc[ct["source"] == o, "person_id"].astype(int))
        | set(pt.loc[pt["org"] == o, "person_a"].astype(int))
        | set(pt.loc[pt["org"] == o, "person_b"].astype(int))
        for o in ORGS
    }

    def older_parents_ok(p: int, years: int) -> bool:
        y = int(birth[p][:4])
        return all(int(birth[q][:4]) <= y - years for q in (mother.get(p), father.get(p)) if q is not None)

    used: set[int] = set()
    for p in ids.tolist():  # sex typos in youth_care: childless, also known to another organisation
        if len(w.sex_typo) == N_SEX_TYPOS:
            break
        if p in member["youth_care"] and len(in_orgs[p]) >= 2 and p in register and p not in parents:
            w.sex_typo.add(p)
            used.add(p)
    for p in ids.tolist():  # birth one year late in police: childless, nothing recorded by police
        if len(w.birth_typo) == N_BIRTH_TYPOS:
            break
        if (
            p in member["police"]
            and p not in used
            and p in register
            and p not in parents
            and p not in has_activity["police"]
            and older_parents_ok(p, 14)
            and (pd.isna(exit_date[p]) or int(str(exit_date[p])[:4]) >= int(birth[p][:4]) + 2)
        ):
            w.birth_typo.add(p)
            used.add(p)
    vt_men = sorted(q for q in member["veilig_thuis"] if P.loc[q, "sex"] == "M")
    for p in ids.tolist():  # wrong fathers in veilig_thuis, for children no other organisation knows
        if len(w.wrong_father) == N_WRONG_FATHERS:
            break
        if in_orgs[p] != {"veilig_thuis"} or p not in register_rows or p not in father or p in used:
            continue
        y = int(birth[p][:4])
        for q in vt_men:
            if q != father[p] and q not in used and y - 45 <= int(birth[q][:4]) <= y - 20:
                w.wrong_father[p] = q
                used |= {p, q}
                break
    for p in sorted(member["veilig_thuis"]):  # records without a usable number: childless persons
        if len(w.unlinked) == N_NULL_NUMBERS + N_EMPTY_NUMBERS:
            break
        if p not in used and p not in parents:
            w.unlinked[p] = "000000000" if len(w.unlinked) < N_NULL_NUMBERS else ""
            used.add(p)
    assert (len(w.sex_typo), len(w.birth_typo), len(w.wrong_father)) == (
        N_SEX_TYPOS,
        N_BIRTH_TYPOS,
        N_WRONG_FATHERS,
    )

    for k, o in enumerate(ORGS):
        people = sorted(member[o])
        perm = rng.permutation(len(people))
        local = {p: LOCAL_BASE[o] + int(perm[j]) for j, p in enumerate(people)}
        prows: list[dict[str, Any]] = []
        for j, p in enumerate(people):
            r = P.loc[p]
            num = number[p]
            if o == "police":
                ident = str(int(num))  # stored as a number: leading zeros lost
            elif o == "veilig_thuis":
                ident = self_or(w.unlinked.get(p), grouped(num, " ") if j % 2 else num)
            else:
                ident = f" {grouped(num, '.')} " if j % 5 == 0 else grouped(num, "-")
            b = str(r["birth_date"])
            if o == "youth_care" and int(b[:4]) < 1980:
                b = b[:7]
            if o == "police" and p in w.birth_typo:
                b = f"{int(b[:4]) + 1}{b[4:]}"
            sex = str(r["sex"])
            if o == "youth_care" and p in w.sex_typo:
                sex = {"F": "M", "M": "F"}[sex]
            ex = None if pd.isna(r["exit_date"]) or o == "veilig_thuis" else str(r["exit_date"])
            mo, fa = mother.get(p), father.get(p)
            if o == "veilig_thuis" and p in w.wrong_father:
                fa = w.wrong_father[p]
            prows.append(
                {
                    "person_id": local[p],
                    "bsn": ident,
                    "sex": sex,
                    "birth_date": b,
                    "exit_date": ex,
                    "mother_id": local.get(mo) if mo is not None else None,
                    "father_id": local.get(fa) if fa is not None else None,
                }
            )
        persons = pd.DataFrame(prows)
        for col in ("mother_id", "father_id"):
            persons[col] = persons[col].astype("Int64")

        def loc(s: pd.Series, local: dict[int, int] = local) -> pd.Series:
            return s.map(lambda x: local[int(x)])

        ev = pd.concat(ev_parts[o], ignore_index=True)
        ev = ev.assign(person_id=loc(ev["person_id"]), incident_id=ev["incident_id"] + 1000 * (k + 1))
        cts = ct[ct["source"] == o].reset_index(drop=True)
        cts = cts.assign(person_id=loc(cts["person_id"]))
        pa = pt[pt["org"] == o].drop(columns=["org"]).reset_index(drop=True)
        pa = pa.assign(person_a=loc(pa["person_a"]), person_b=loc(pa["person_b"]))
        w.local[o] = local
        w.records[o] = persons
        w.events[o] = ev
        w.contacts[o] = cts
        w.partnerships[o] = pa
    return w


def self_or(override: str | None, value: str) -> str:
    return value if override is None else override


def write_exports(w: World, root: Path) -> dict[str, Path]:
    dirs = {}
    for o in ORGS:
        d = root / "exports" / o
        d.mkdir(parents=True)
        w.records[o].to_csv(d / "persons.csv", index=False)
        w.events[o].to_csv(d / "events.csv", index=False)
        w.contacts[o].to_csv(d / "contacts.csv", index=False)
        w.partnerships[o].to_csv(d / "partnerships.csv", index=False)
        dirs[o] = d
    return dirs


def write_microdata(w: World, root: Path) -> tuple[Path, Path]:
    """KINDOUDERTAB- and GBAPERSOONTAB-like CSVs of the register persons."""
    P = w.population.persons.set_index("person_id")
    d = root / "microdata"
    d.mkdir()
    sex_code = {"M": "1", "F": "2", "U": ""}
    persons = pd.DataFrame(
        [
            {
                "RINPERSOONS": "R",
                "RINPERSOON": w.number[p],
                "GBAGESLACHT": sex_code[str(P.loc[p, "sex"])],
                "GBAGEBOORTEJAAR": str(P.loc[p, "birth_date"])[:4],
                "GBAGEBOORTEMAAND": str(P.loc[p, "birth_date"])[5:7],
            }
            for p in sorted(w.register)
        ]
    )
    rows = []
    for j, p in enumerate(sorted(w.register_rows)):
        mo, fa = w.mother.get(p), w.father.get(p)
        row = {"RINPERSOONS": "R", "RINPERSOON": w.number[p]}
        if fa is None:  # CBS codes an unknown parent as 000000000, or leaves it empty
            row |= {"RINPERSOONSpa": "R", "RINPERSOONpa": "000000000" if j % 2 else ""}
        else:
            row |= {"RINPERSOONSpa": "R", "RINPERSOONpa": w.number[fa]}
        if mo is None:
            row |= {"RINPERSOONSMa": "R", "RINPERSOONMa": "000000000"}
        else:
            row |= {"RINPERSOONSMa": "R", "RINPERSOONMa": w.number[mo]}
        rows.append(row)
    child_parent = pd.DataFrame(rows)
    cp, ps = d / "kindoudertab.csv", d / "gbapersoontab.csv"
    child_parent.to_csv(cp, index=False)
    persons.to_csv(ps, index=False)
    return cp, ps


def read_exports(dirs: dict[str, Path]) -> list[linkage.Export]:
    """What a user does: read each folder, pseudonymise the national number, drop it."""
    exports = []
    for o, d in dirs.items():
        e = linkage.Export.from_csv(d, o)
        e.persons = privacy.pseudonymise(
            e.persons, {"bsn": "pseudonym"}, KEY, normalise=NORM, label=e.label("persons")
        )
        exports.append(e)
    return exports


def register_export(tables: fg.microdata.MicrodataTables) -> linkage.Export:
    """The register as one more export: its person_id is the national number (as an integer)."""
    persons = tables.persons.assign(pseudonym=tables.persons["person_id"])
    persons = privacy.pseudonymise(persons, "pseudonym", KEY, normalise=NORM, label="register")
    return linkage.Export(CBS, persons, labels={"persons": "register persons"})


# ---------------------------------------------------------------------------------------------- the run


class _Capture:
    """stdout, stderr and log records of a block (a module-scoped fixture cannot use capsys)."""

    def __init__(self) -> None:
        self.text = ""

    def __enter__(self) -> _Capture:
        self._out, self._err = io.StringIO(), io.StringIO()
        self._log: list[str] = []
        capture = self

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                capture._log.append(record.getMessage())

        self._handler = Handler(level=logging.DEBUG)
        logging.getLogger().addHandler(self._handler)
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(contextlib.redirect_stdout(self._out))
        self._stack.enter_context(contextlib.redirect_stderr(self._err))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        logging.getLogger().removeHandler(self._handler)
        self.stdout, self.stderr = self._out.getvalue(), self._err.getvalue()
        self.text = self.stdout + self.stderr + "\n".join(self._log)


def cli(argv: list[str]) -> tuple[int, _Capture]:
    with _Capture() as cap:
        code = cli_main(argv)
    return code, cap


@dataclass
class Run:
    world: World
    root: Path
    dirs: dict[str, Path]
    microdata: fg.microdata.MicrodataTables
    linked: linkage.Linked  # three exports + register
    ds: fg.Dataset  # fg.link of the same
    report: linkage.LinkageReport
    linked3: linkage.Linked  # the three exports only (what `famgraph link` can do)
    cli_out: Path
    cli: dict[str, _Capture]  # link, indicators, report
    scan: fg.quality.QualityReport
    results: dict[str, Any]
    json_doc: dict[str, Any]
    cli_json: dict[str, Any]
    html: str
    cli_html: str
    relabelled_json: dict[str, Any]
    relabelled_html: str
    relabelled_ids: set[str]
    timings: dict[str, float] = field(default_factory=dict)


def scan_tables_with_linked_ids(
    raw: dict[str, dict[str, pd.DataFrame]], crosswalk: pd.DataFrame
) -> dict[str, dict[str, pd.DataFrame]]:
    """Each organisation's tables as delivered, with its local ids replaced by the linked ids.

    famgraph.quality.scan compares organisations by ``person_id``; the linked ids of the
    crosswalk are what makes the same person the same id in every organisation's tables.
    """
    out = {}
    for o, tables in raw.items():
        cw = crosswalk[crosswalk["organisation"] == o]
        new = dict(zip(cw["local_id"].astype(str), cw["person_id"].astype(str), strict=True))
        t = {name: df.copy() for name, df in tables.items()}
        t["persons"] = t["persons"].drop(columns=["bsn"])
        for name, cols in (
            ("persons", ("person_id", "mother_id", "father_id")),
            ("events", ("person_id",)),
            ("contacts", ("person_id",)),
            ("partnerships", ("person_a", "person_b")),
        ):
            for c in cols:
                t[name][c] = t[name][c].map(lambda v, new=new: new.get(v, v))
        out[o] = t
    return out


def relabel(linked: linkage.Linked, offset: int = 60_000_000, step: int = 7) -> tuple[fg.Dataset, set[str]]:
    """The linked dataset with every person id x replaced by offset + step·x.

    The order of ids and the order of rows stay as fg.link gave them, so every result must be
    the same; any id in an output would change with them.
    """

    def f(s: pd.Series) -> pd.Series:
        return s.astype("Int64") * step + offset

    p = linked.persons.drop(columns=["pseudonym"])
    for c in ("person_id", "mother_id", "father_id"):
        p[c] = f(p[c])
    ev = linked.events.assign(person_id=f(linked.events["person_id"]))
    ct = linked.contacts.assign(person_id=f(linked.contacts["person_id"]))
    pt = linked.partnerships.assign(
        person_a=f(linked.partnerships["person_a"]), person_b=f(linked.partnerships["person_b"])
    )
    return fg.Dataset.from_pandas(p, pt, ev, ct), {str(x) for x in p["person_id"].tolist()}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    clock = [time.process_time()]
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        now = time.process_time()
        timings[name] = round(now - clock[0], 2)
        clock[0] = now

    root = tmp_path_factory.mktemp("partnership")
    w = build_world()
    dirs = write_exports(w, root)
    cp, ps = write_microdata(w, root)
    lap("build and write the inputs")

    micro = fg.microdata.load_tables(cp, ps)
    exports = read_exports(dirs)
    sources = [*exports, register_export(micro)]
    linked = linkage.link_tables(sources, priority=[CBS])
    ds, report = fg.link(sources, priority=[CBS])
    linked3 = linkage.link_tables(exports)
    lap("fg.microdata + pseudonymise + fg.link")

    key_file = root / "famgraph.key"
    key_file.write_text(KEY_TEXT + "\n")
    cli_out = root / "linked"
    argv = ["link", *map(str, dirs.values()), "--identifier", "bsn", "--number-width", "9"]
    code, cap_link = cli([*argv, "--key-file", str(key_file), "--out", str(cli_out)])
    assert code == 0, cap_link.text
    lap("famgraph link")

    raw = {o: fg.quality.read_folder(d) for o, d in dirs.items()}
    scan = fg.quality.scan(scan_tables_with_linked_ids(raw, linked3.crosswalk))
    lap("fg.quality.scan")

    results = fg.indicators.suite(ds, n_boot=N_BOOT, n_sim=N_SIM, seed=SEED)
    json_doc = json.loads(json.dumps(fg.indicators.to_json(results), allow_nan=False))
    lap("fg.indicators.suite")
    html = fg.report(
        ds, root / "report.html", linkage=report, quality=scan, results=results, date=DATE
    ).read_text(encoding="utf-8")
    lap("fg.report")

    linked_dir = root / "linked_with_register"
    ds.to_csv(linked_dir)
    options = ["--n-boot", str(N_BOOT), "--n-sim", str(N_SIM), "--seed", str(SEED)]
    code, cap_ind = cli(["indicators", str(linked_dir), *options, "--json", str(root / "indicators.json")])
    assert code == 0, cap_ind.text
    cli_json = json.loads((root / "indicators.json").read_text(encoding="utf-8"))
    code, cap_rep = cli(["report", str(cli_out), "-o", str(root / "cli_report.html"), "--date", DATE])
    assert code == 0, cap_rep.text
    cli_html = (root / "cli_report.html").read_text(encoding="utf-8")
    lap("famgraph indicators + famgraph report")

    ds_r, ids_r = relabel(linked)
    results_r = fg.indicators.suite(ds_r, n_boot=N_BOOT, n_sim=N_SIM, seed=SEED)
    json_r = json.loads(json.dumps(fg.indicators.to_json(results_r), allow_nan=False))
    html_r = fg.report(
        ds_r, root / "report_relabelled.html", linkage=report, quality=scan, results=results_r, date=DATE
    ).read_text(encoding="utf-8")
    lap("relabelled ids: suite + report")
    return Run(
        w,
        root,
        dirs,
        micro,
        linked,
        ds,
        report,
        linked3,
        cli_out,
        {"link": cap_link, "indicators": cap_ind, "report": cap_rep},
        scan,
        dict(results),
        json_doc,
        cli_json,
        html,
        cli_html,
        json_r,
        html_r,
        ids_r,
        timings,
    )


# ---------------------------------------------------------------------------------------------- truth


Identity = Any  # an original person id (int), or ("unlinked", organisation, local id)


def record_identity(w: World, org: str, local: int) -> Identity:
    """Who a record is, from the world alone: the original person, or itself when it has no number."""
    if org == CBS:
        return w.orig_of_number[str(local).zfill(9)]
    orig = w.orig_of_local[org][local]
    if org == "veilig_thuis" and orig in w.unlinked:
        return ("unlinked", org, local)
    return orig


def identities(w: World, linked: linkage.Linked) -> dict[int, Identity]:
    """Linked person id -> identity; asserts that the linkage partitions the records exactly."""
    of_id: dict[int, set[Identity]] = {}
    for org, local, pid in linked.crosswalk[["organisation", "local_id", "person_id"]].itertuples(
        index=False
    ):
        of_id.setdefault(int(pid), set()).add(record_identity(w, str(org), int(local)))
    merged = {pid: ids for pid, ids in of_id.items() if len(ids) != 1}
    assert not merged, f"records of different persons merged: {list(merged.items())[:3]}"
    out = {pid: next(iter(ids)) for pid, ids in of_id.items()}
    split = [i for i, n in Counter(out.values()).items() if n > 1]
    assert not split, f"records of one person not linked: {split[:3]}"
    return out


def register_persons(w: World) -> set[int]:
    """Persons of the microdata: the person table plus every parent named in the child-parent table."""
    out = set(w.register)
    for p in w.register_rows:
        out |= {q for q in (w.mother.get(p), w.father.get(p)) if q is not None}
    return out


def expected_persons(w: World, with_register: bool) -> dict[Identity, tuple[Any, ...]]:
    """identity -> (sex, birth_date, exit_date, mother identity, father identity), from the world.

    What each source recorded (see build_world), merged by the documented rules: recorded values
    only; dates differing in precision give the most precise; the register wins conflicts.
    """
    P = w.population.persons.set_index("person_id")
    in_register = register_persons(w) if with_register else set()
    out: dict[Identity, tuple[Any, ...]] = {}
    everyone = set().union(*w.member.values()) | in_register
    for p in sorted(everyone):
        r = P.loc[p]
        truth_birth, truth_exit = str(r["birth_date"]), r["exit_date"]
        orgs = [o for o in ORGS if p in w.member[o] and not (o == "veilig_thuis" and p in w.unlinked)]

        def parent(col: str, orgs: list[str] = orgs, p: int = p, r: Any = r) -> Identity:
            q = r[col]
            if col == "father_id" and not with_register and p in w.wrong_father:
                return w.wrong_father[p]
            if pd.isna(q):
                return None
            q = int(q)
            if (with_register and p in w.register_rows) or any(q in w.member[o] for o in orgs):
                return q
            return None

        if not orgs and p not in in_register:
            continue  # present only as an unlinked record
        sex = str(r["sex"]) if orgs or (with_register and p in w.register) else "U"
        full = [o for o in orgs if o != "youth_care" or int(truth_birth[:4]) >= 1980]
        if with_register and p in w.birth_typo:
            birth: str | None = truth_birth[:7]
        elif any(o != "police" or p not in w.birth_typo for o in full):
            birth = truth_birth
        elif (with_register and p in w.register) or "youth_care" in orgs:
            birth = truth_birth[:7]
        else:
            birth = None
        exit_ = str(truth_exit) if not pd.isna(truth_exit) and {"police", "youth_care"} & set(orgs) else None
        out[p] = (sex, birth, exit_, parent("mother_id"), parent("father_id"))
    for p, _code in w.unlinked.items():
        r = P.loc[p]
        vt = w.member["veilig_thuis"]
        out[("unlinked", "veilig_thuis", w.local["veilig_thuis"][p])] = (
            str(r["sex"]),
            str(r["birth_date"]),
            None,
            int(r["mother_id"]) if not pd.isna(r["mother_id"]) and int(r["mother_id"]) in vt else None,
            int(r["father_id"]) if not pd.isna(r["father_id"]) and int(r["father_id"]) in vt else None,
        )
    return out


def observed_persons(ds: fg.Dataset, ident: dict[int, Identity]) -> dict[Identity, tuple[Any, ...]]:
    out = {}
    for pid, sex, birth, ex, mo, fa in ds.persons[
        ["person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"]
    ].itertuples(index=False):
        out[ident[int(pid)]] = (
            sex,
            None if pd.isna(birth) else birth,
            None if pd.isna(ex) else ex,
            None if pd.isna(mo) else ident[int(mo)],
            None if pd.isna(fa) else ident[int(fa)],
        )
    return out


def diff(got: dict[Any, Any], want: dict[Any, Any], limit: int = 5) -> list[Any]:
    keys = set(got) | set(want)
    return [(k, got.get(k), want.get(k)) for k in sorted(keys, key=str) if got.get(k) != want.get(k)][:limit]


# ---------------------------------------------------------------------------------------------- linkage


def test_every_person_and_parent_link_of_the_population_is_reproduced(run: Run) -> None:
    """The linked dataset (three exports + register) against the source population: the same
    persons, the same sex, dates and parents, the planted errors corrected by the register."""
    w = run.world
    ident = identities(w, run.linked)
    pd.testing.assert_frame_equal(run.ds.persons, run.linked.to_dataset().persons)  # fg.link = link_tables
    got = observed_persons(run.ds, ident)
    want = expected_persons(w, with_register=True)
    assert diff(got, want) == []
    # every parent link the register holds is there
    for p in w.register_rows:
        assert got[p][3:] == (w.mother.get(p), w.father.get(p))
    n_links = sum(v[3] is not None for v in got.values()) + sum(v[4] is not None for v in got.values())
    assert n_links > 2500
    # the planted errors: the register won, and said so
    counts = run.linked.report.tables["conflicts"].set_index(["field", "resolution"])["persons"]
    # min_cell 10: each field's counts are one table with its total published; zeros are small,
    # so the one count of 12 beside them is hidden too (it would be the total)
    assert counts.isna().all()
    exact = linkage.link_tables(
        [*read_exports(run.dirs), register_export(run.microdata)], priority=[CBS], min_cell=0
    ).report.tables["conflicts"]
    nonzero = {
        (f, r): int(n) for f, r, n in exact[["field", "resolution", "persons"]].itertuples(index=False) if n
    }
    assert nonzero == {
        ("sex", "priority"): N_SEX_TYPOS,
        ("birth_date", "priority"): N_BIRTH_TYPOS,
        ("father_id", "priority"): N_WRONG_FATHERS,
    }
    totals = run.report.tables["totals"]["count"]
    assert totals["unlinked_persons"] == N_NULL_NUMBERS + N_EMPTY_NUMBERS  # never merged into one
    assert totals["persons"] == len(want) == run.ds.n_persons


def test_three_exports_alone_reproduce_what_they_recorded(run: Run) -> None:
    """Without the register: every parent link an organisation recorded (the wrong fathers too)."""
    w = run.world
    ident = identities(w, run.linked3)
    got = observed_persons(run.linked3.to_dataset(), ident)
    want = expected_persons(w, with_register=False)
    assert set(got) == set(want)
    assert diff({k: v[3:] for k, v in got.items()}, {k: v[3:] for k, v in want.items()}) == []
    for child, wrong in w.wrong_father.items():
        assert got[child][4] == wrong


def test_cli_link_equals_fg_link(run: Run) -> None:
    """`famgraph link` on the written folders (raw numbers, --key-file) = fg.link after pseudonymise."""
    got = fg.Dataset.from_csv(run.cli_out)
    want = run.linked3.to_dataset()
    for t in ("persons", "partnerships", "events", "contacts"):
        pd.testing.assert_frame_equal(getattr(got, t), getattr(want, t))
    report = json.loads((run.cli_out / "linkage_report.json").read_text(encoding="utf-8"))
    assert report == json.loads(json.dumps(run.linked3.report.to_dict()))
    assert report["disclosure_control"].startswith("disclosure control: on (min_cell = 10)")
    header = (run.cli_out / "persons.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "person_id,sex,birth_date,exit_date,mother_id,father_id"
    # what the command printed: the report's summary and one line, nothing else
    cap = run.cli["link"]
    n = want.n_persons
    assert cap.stdout == (
        run.linked3.report.summary()
        + f"\n\nwrote {n} linked persons to {run.cli_out} (famgraph CSV tables + linkage_report.json)\n"
    )
    assert cap.stderr == ""


def test_every_incident_contact_and_partnership_row_is_kept(run: Run) -> None:
    w = run.world
    ident = identities(w, run.linked)

    def owner(x: Identity) -> int:
        return x if isinstance(x, int) else w.orig_of_local[x[1]][x[2]]

    ev = run.ds.events
    got_rows = Counter(
        (owner(ident[int(p)]), r, d, k, s)
        for p, r, d, k, s in ev[["person_id", "role", "date", "kind", "source"]].itertuples(index=False)
    )
    # the population's rows, with the organisation each incident went to
    want_rows: Counter[tuple[Any, ...]] = Counter()
    want_incidents: Counter[frozenset[tuple[Any, ...]]] = Counter()
    for o in ORGS:
        back = w.orig_of_local[o]
        e = w.events[o]
        for _, rows in e.groupby("incident_id"):
            members = [
                (back[int(p)], r, d, k, o)
                for p, r, d, k in rows[["person_id", "role", "date", "kind"]].itertuples(index=False)
            ]
            want_rows.update(members)
            want_incidents[frozenset(Counter(members).items())] += 1
    pop = w.population.events
    assert sum(want_rows.values()) == len(pop) == len(ev)
    assert Counter((p, r, d, k) for p, r, d, k, _ in want_rows) == Counter(
        pop[["person_id", "role", "date", "kind"]].itertuples(index=False, name=None)
    )
    assert got_rows == want_rows
    got_incidents = Counter(
        frozenset(
            Counter(
                (owner(ident[int(p)]), r, d, k, s)
                for p, r, d, k, s in rows[["person_id", "role", "date", "kind", "source"]].itertuples(
                    index=False
                )
            ).items()
        )
        for _, rows in ev.groupby("incident_id")
    )
    assert got_incidents == want_incidents
    assert run.ds.n_incidents == w.population.n_incidents

    ct = run.ds.contacts
    got_ct = Counter(
        (owner(ident[int(p)]), s, a, None if pd.isna(b) else b, k)
        for p, s, a, b, k in ct[["person_id", "source", "start_date", "end_date", "kind"]].itertuples(
            index=False
        )
    )
    pc = w.population.contacts
    assert Counter(x[0] for x in got_ct.elements()) == Counter(pc["person_id"].astype(int))
    assert Counter((p, a, b, k) for p, _, a, b, k in got_ct.elements()) == Counter(
        (int(p), a, None if pd.isna(b) else b, k)
        for p, a, b, k in pc[["person_id", "start_date", "end_date", "kind"]].itertuples(index=False)
    )
    pt = run.ds.partnerships
    got_pt = Counter(
        (frozenset((owner(ident[int(a)]), owner(ident[int(b)]))), s, None if pd.isna(e) else e)
        for a, b, s, e in pt[["person_a", "person_b", "start_date", "end_date"]].itertuples(index=False)
    )
    pp = w.population.partnerships
    assert got_pt == Counter(
        (frozenset((int(a), int(b))), s, None if pd.isna(e) else e)
        for a, b, s, e in pp[["person_a", "person_b", "start_date", "end_date"]].itertuples(index=False)
    )


def test_register_route_inside_cbs_links_the_same_way(run: Run) -> None:
    """Inside the CBS environment the exports carry RINPERSOON instead of a keyed pseudonym:
    fg.link(exports, microdata=...) must give the same persons as the keyed route."""
    exports = []
    for o, d in run.dirs.items():
        e = linkage.Export.from_csv(d, o)
        numbers = [privacy.normalise_identifier(v, NORM) for v in e.persons["bsn"]]
        key = fg.microdata.person_key(["R"] * len(numbers), numbers)
        e.persons = e.persons.drop(columns=["bsn"]).assign(pseudonym=key)
        exports.append(e)
    linked = linkage.link_tables(exports, microdata=run.microdata)
    assert linked.report.parameters["priority"] == [CBS]
    w = run.world
    a = observed_persons(linked.to_dataset(), identities(w, linked))
    b = observed_persons(run.ds, identities(w, run.linked))
    assert diff(a, b) == []


# ---------------------------------------------------------------------------------------------- data maturity


def _period(date: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if len(date) == 10:
        d = pd.Timestamp(date)
        return d, d
    if len(date) == 7:
        start = pd.Timestamp(date + "-01")
        return start, start + pd.offsets.MonthEnd(0)
    start = pd.Timestamp(date + "-01-01")
    return start, pd.Timestamp(date + "-12-31")


def brute_force_maturity(w: World) -> dict[tuple[str, str], tuple[int, int]]:
    """(organisation, measure) -> (n, k): linkability (k linked of n persons) and consistency of
    sex and birth date (k consistent of n compared), from what each organisation wrote."""
    view: dict[str, dict[Identity, tuple[str, str]]] = {}
    for o in ORGS:
        rec = w.records[o]
        back = w.orig_of_local[o]
        view[o] = {
            record_identity(w, o, int(loc)): (sex, birth)
            for loc, sex, birth in rec[["person_id", "sex", "birth_date"]].itertuples(index=False)
        }
        assert all(back[int(loc)] in w.member[o] for loc in rec["person_id"])
    out = {}
    for o in ORGS:
        others = [view[q] for q in ORGS if q != o]
        mine = view[o]
        k = sum(any(x in v for v in others) for x in mine)
        out[(o, "linkability")] = (len(mine), k)
        for fld in ("sex", "birth_date"):
            n = differ = 0
            for x, facts in mine.items():
                seen = [v[x] for v in others if x in v]
                if not seen:
                    continue
                n += 1
                if fld == "sex":
                    bad = any(s[0] != facts[0] for s in seen)
                else:
                    lo, hi = _period(facts[1])
                    bad = any(_period(s[1])[0] > hi or _period(s[1])[1] < lo for s in seen)
                differ += bad
            out[(o, fld)] = (n, n - differ)
    return out


def test_data_maturity_scan_against_brute_force(run: Run) -> None:
    t: Any = run.scan.table.set_index(["organisation", "table", "field", "dimension", "metric"])
    expected = brute_force_maturity(run.world)
    checked = 0
    for (o, what), (n, k) in expected.items():
        if what == "linkability":
            row = t.loc[(o, "all", "person_id", "linkability", "share_linked")]
            hidden = n < MIN_CELL or k < MIN_CELL or n - k < MIN_CELL
        else:
            row = t.loc[(o, "persons", what, "consistency", "share_consistent")]
            hidden = n < MIN_CELL or 0 < n - k < MIN_CELL
        assert bool(row["suppressed"]) == hidden, (o, what, n, k)
        if not hidden:
            assert (int(row["n"]), row["value"]) == (n, pytest.approx(k / n)), (o, what)
            checked += 1
    assert checked >= 6
    # the planted typos are seen: youth_care's sex and police's birth dates disagree with others
    yc = expected[("youth_care", "sex")]
    assert yc[0] - yc[1] == N_SEX_TYPOS
    assert expected[("police", "birth_date")][0] - expected[("police", "birth_date")][1] > 0
    valid = t.xs("validity", level="dimension")["value"].dropna()
    assert len(valid) > 40 and (valid == 1.0).all()  # every export passed validation on its own
    assert run.scan.issues.empty


def test_data_maturity_scan_of_the_exports_as_delivered(run: Run) -> None:
    delivered = {}
    for e in read_exports(run.dirs):
        delivered[e.organisation] = {
            "persons": e.persons,
            "events": e.events,
            "contacts": e.contacts,
            "partnerships": e.partnerships,
        }
    t = fg.quality.scan(delivered).table.set_index(["organisation", "table", "field", "dimension", "metric"])
    for (o, what), (n, k) in brute_force_maturity(run.world).items():
        if what == "linkability":
            assert t.loc[(o, "all", "person_id", "linkability", "share_linked"), "value"] == pytest.approx(
                k / n
            )
        else:  # consistency of sex and birth date through the pseudonyms
            row = t.loc[(o, "persons", what, "consistency", "share_consistent")]
            if n >= MIN_CELL and n - k >= MIN_CELL:
                assert row["value"] == pytest.approx(k / n)


# ---------------------------------------------------------------------------------------------- indicators


def test_every_indicator_and_the_cli_json(run: Run) -> None:
    names = list(fg.indicators.NAMES)
    assert list(run.results) == names
    assert [k for k in run.json_doc if k in names] == names
    for name in names:
        assert run.json_doc[name]["empty"] is False, name
        assert run.json_doc[name]["parameters"]["min_cell"] == MIN_CELL
    cli = dict(run.cli_json)
    dataset = cli.pop("dataset")
    # the CLI on the written linked folder = the Python API, up to the order of organisations
    assert canonical(cli) == canonical(run.json_doc)
    assert dataset["persons"] == run.ds.n_persons and dataset["organisations"] == len(ORGS)
    assert run.cli["indicators"].stdout == ""
    # the verdicts first (one line per indicator that has one, as in the JSON), then where it wrote
    lines = run.cli["indicators"].stderr.splitlines()
    assert lines[-1] == f"wrote {len(names)} indicators to {run.root / 'indicators.json'}"
    verdicts = {n: d["verdict"] for n, d in run.json_doc.items() if isinstance(d, dict) and d.get("verdict")}
    assert [x.split(":", 1)[0] for x in lines[:-1]] == list(verdicts)
    for line in lines[:-1]:
        name = line.split(":", 1)[0]
        assert line.startswith(f"{name}: verdict: {verdicts[name]['verdict']}")


def canonical(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with organisation combinations, pairs and rows in a fixed order."""
    out: dict[str, Any] = json.loads(json.dumps(doc))
    for name in fg.indicators.NAMES:
        for rows in out.get(name, {}).get("tables", {}).values():
            for r in rows:
                if "combination" in r:
                    r["combination"] = "+".join(sorted(r["combination"].split("+")))
                if "organisation_a" in r:
                    r["organisation_a"], r["organisation_b"] = sorted(
                        (r["organisation_a"], r["organisation_b"])
                    )
            rows.sort(key=lambda r: json.dumps(r, sort_keys=True))
    return out


def test_the_same_dataset_gives_the_same_indicator_document(run: Run) -> None:
    cli = dict(run.cli_json)
    cli.pop("dataset")
    assert cli == run.json_doc


def test_agency_overlap_against_brute_force(run: Run) -> None:
    """Persons known to each exact combination of organisations, counted from the world."""
    w = run.world
    # The document publishes a data-derived window as months; the exact ends are the first and
    # last event dates of the world.
    dates = [str(d) for o in ORGS for d in w.events[o]["date"]]
    ws, we = min(dates), max(dates)
    assert run.json_doc["parameters"]["window"] == [ws[:7], we[:7]]
    known: dict[Identity, set[str]] = {}
    for o in ORGS:
        for loc, d in w.events[o][["person_id", "date"]].itertuples(index=False):
            if ws <= d <= we:
                known.setdefault(record_identity(w, o, int(loc)), set()).add(o)
        for loc, a, b in w.contacts[o][["person_id", "start_date", "end_date"]].itertuples(index=False):
            if a <= we and (pd.isna(b) or b >= ws):
                known.setdefault(record_identity(w, o, int(loc)), set()).add(o)
    want = Counter(frozenset(v) for v in known.values())
    rows = [r for r in run.json_doc["agency_overlap"]["tables"]["table"] if r["unit"] == "person"]
    assert len(rows) == 2 ** len(ORGS) - 1
    published = 0
    for r in rows:
        n = want.get(frozenset(r["combination"].split("+")), 0)
        if r["count"] is None:
            assert r["suppressed"] == ["count"]
        else:
            assert r["count"] == n, r
            published += 1
    assert published >= 4
    k = next(r for r in run.json_doc["agency_overlap"]["tables"]["known"] if r["unit"] == "person")
    assert k["known_1plus"] == len(known)
    assert k["known_2plus"] == sum(len(v) >= 2 for v in known.values())


# ---------------------------------------------------------------------------------------------- report


class _Cells(HTMLParser):
    """The text of every <td> with its class, and every element id."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[str, str]] = []
        self.ids: list[str] = []
        self._cls: str | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "td":
            self._cls, self._text = a.get("class", ""), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cls is not None:
            self.cells.append((self._cls, "".join(self._text).strip()))
            self._cls = None

    def handle_data(self, data: str) -> None:
        if self._cls is not None:
            self._text.append(data)


def _section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}">')
    return html[start : html.index("</section>", start)]


def test_report_has_the_linkage_quality_and_every_indicator_section(run: Run) -> None:
    page = _Cells(run.html)
    for s in ("overview", "quality", "indicators", "definitions", "disclosure", *fg.indicators.NAMES):
        assert s in page.ids, s
    assert "pedigree" not in page.ids  # real (linked) data: no individual-level drawing by default
    quality = _section(run.html, "quality")
    assert "<h2>Data quality</h2>" in quality
    assert "Results of the data-quality scan" in quality
    for dim in ("completeness", "validity", "linkability", "timeliness", "consistency"):
        assert f'<th scope="col">{dim}</th>' in quality, dim
    for o in ORGS:
        assert f'<td class="key">{o}</td><td class="key">persons</td>' in quality, o
    linkage_part = quality[quality.index("<h3>Record linkage</h3>") :]
    captions = re.findall(r"<figcaption>([^<]*)</figcaption>", linkage_part)
    assert captions == ["persons", "match_rates", "conflicts", "refinements", "totals"]
    for o in (*ORGS, CBS):
        assert f'<td class="text">{o}</td>' in linkage_part, o
    # every published count in the page is "<10", at least 10, or a structural zero (a count of
    # missing values that is 0, docs/decisions.md entry 27)
    counts = [(cls, t) for cls, t in page.cells if "count" in cls.split() and "na" not in cls.split()]
    assert len(counts) > 200
    for cls, text in counts:
        if "zero" in cls.split():
            assert text == "0", text
            continue
        assert text == "<10" or int(text.replace(",", "")) >= MIN_CELL, text
    # the command-line report of the linked folder holds every indicator too
    cli_page = _Cells(run.cli_html)
    assert all(n in cli_page.ids for n in fg.indicators.NAMES)
    assert run.cli["report"].stdout == f"{(run.root / 'cli_report.html').resolve()}\n"


# ---------------------------------------------------------------------------------------------- privacy

_IMAGE = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+")
_GROUPED = re.compile(r"(?<!\d)\d{1,3}(?:[ ,.\u00a0]\d{3})+(?!\d)")  # 12,345,678
_TRIPLE = re.compile(r"(?<!\d)\d{3}[ ,.\-\u00a0/]\d{3}[ ,.\-\u00a0/]\d{3}(?!\d)")


def number_tokens(text: str) -> set[str]:
    """Every number written in ``text`` (images left out); grouped ones also without separators."""
    text = _IMAGE.sub(" ", text)
    tokens = set(re.findall(r"\d+", text))
    tokens |= {re.sub(r"\D", "", g) for g in _GROUPED.findall(text)}
    tokens |= {re.sub(r"\D", "", g) for g in _TRIPLE.findall(text)}
    return tokens


def key_forms() -> list[str]:
    raw = KEY_TEXT.encode()
    b64 = [base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]
    return [KEY_TEXT, raw.hex(), raw.hex().upper(), *b64, *(b.rstrip("=") for b in b64)]


def outputs(run: Run) -> dict[str, str]:
    """Everything a user could publish or paste somewhere, as text (temporary paths taken out)."""
    root = str(run.root)
    texts = {
        "report.html": run.html,
        "report.html (ids relabelled)": run.relabelled_html,
        "famgraph report": run.cli_html,
        "fg.indicators.to_json": json.dumps(run.json_doc),
        "famgraph indicators --json": (run.root / "indicators.json").read_text(encoding="utf-8"),
        "linkage_report.json": (run.cli_out / "linkage_report.json").read_text(encoding="utf-8"),
    }
    for name, rep in (("linkage report", run.report), ("linkage report (3 exports)", run.linked3.report)):
        texts[f"{name}: to_dict"] = json.dumps(rep.to_dict())
        texts[f"{name}: summary"] = rep.summary()
        texts[f"{name}: html"] = rep._repr_html_()
        texts[f"{name}: repr"] = repr(rep)
    texts["quality: to_dict"] = json.dumps(run.scan.to_dict())
    texts["quality: summary"] = run.scan.summary()
    texts["quality: html"] = run.scan._repr_html_()
    for cmd, cap in run.cli.items():
        texts[f"famgraph {cmd}: stdout, stderr, log"] = cap.text.replace(root, "<tmp>")
    return texts


def test_no_identifier_pseudonym_person_id_or_key_in_any_output(run: Run) -> None:
    w = run.world
    numbers = set(w.number.values())
    identifiers = numbers | {n.lstrip("0") for n in numbers}
    pseudonyms = {str(abs(privacy.pseudonym(n, KEY, NORM) or 0)) for n in numbers}
    assert pseudonyms >= {str(abs(int(x))) for x in run.linked.persons["pseudonym"].dropna()}
    source_ids = {str(p) for p in w.population.persons["person_id"]}
    local_ids = {str(loc) for o in ORGS for loc in w.local[o].values()}
    forms = key_forms()
    texts = outputs(run)
    for name, text in texts.items():
        tokens = number_tokens(text)
        assert not tokens & identifiers, (name, sorted(tokens & identifiers)[:3])
        assert not tokens & pseudonyms, (name, sorted(tokens & pseudonyms)[:3])
        assert not tokens & source_ids, (name, sorted(tokens & source_ids)[:3])
        assert not tokens & local_ids, (name, sorted(tokens & local_ids)[:3])
        for k in forms:
            assert k not in text, name
    # the search finds each kind of leak when there is one
    n = sorted(numbers)[0]
    planted = (
        f"<td>{grouped(n, ' ')}</td> {int(n):,} x{sorted(pseudonyms)[0]} "
        f"{sorted(local_ids)[0]} data:image/png;base64,{key_forms()[3]}"
    )
    tokens = number_tokens(planted)
    assert n in tokens and str(int(n)) in tokens and tokens & pseudonyms and tokens & local_ids
    assert key_forms()[3] in planted
    # the written forms themselves, as the exports wrote them (spaces, dashes, dots)
    everything = "\n".join(texts.values())
    for n in list(numbers)[:300]:
        for form in (grouped(n, " "), grouped(n, "-"), grouped(n, ".")):
            assert form not in everything
    # linked ids: every output is the same when every person id changes (so it holds none), and
    # none of the changed ids (8 digits, unlike any count or year) appears
    assert run.relabelled_json == run.json_doc
    assert run.relabelled_html == run.html
    for name in ("report.html (ids relabelled)",):
        assert not number_tokens(texts[name]) & run.relabelled_ids
    assert not number_tokens(json.dumps(run.relabelled_json)) & run.relabelled_ids
    # what the commands printed: counts of the linkage report, never an id
    published = {str(v) for v in _numbers(run.linked3.report.to_dict())}
    printed = {t for t in number_tokens(run.cli["link"].stdout.replace(str(run.root), "")) if len(t) >= 4}
    assert printed <= published, printed - published


def test_linked_folder_holds_no_identifier_pseudonym_or_key(run: Run) -> None:
    numbers = set(run.world.number.values())
    identifiers = numbers | {n.lstrip("0") for n in numbers}
    pseudonyms = {str(abs(int(x))) for x in run.linked3.persons["pseudonym"].dropna()}
    for f in sorted(run.cli_out.iterdir()):
        text = f.read_text(encoding="utf-8")
        tokens = set(re.findall(r"\d+", text))
        assert not tokens & identifiers and not tokens & pseudonyms, f.name
        assert not any(k in text for k in key_forms()), f.name
        assert "bsn" not in text and "pseudonym" not in text.splitlines()[0], f.name


# ---------------------------------------------------------------------------------------------- disclosure

#: Keys whose numbers are counts of persons, families, incidents, records or pairs.
COUNT_KEYS = frozenset(
    {
        "outcome", "no_outcome", "exposed", "unexposed", "total",  # 2×2 cells and margins
        "count", "n", "cases", "observed", "relatives", "case_relatives", "repeat", "preceded",
        "known_1plus", "known_2plus", "either", "both", "n_cases", "n_pairs",
        "observed_exposed", "observed_unexposed",
        "persons", "linked_persons", "unlinked_persons", "records_without_pseudonym",
        "duplicate_records", "found", "not_found", "persons_in_several_organisations",
        "partnerships_dropped_same_person",
    }
)  # fmt: skip
#: Subtrees documented as structural, not cells: the parameters (n_sim, seed, min_cell, ...) and
#: the ``dataset`` totals of `famgraph indicators` ("totals of the whole input, not cells",
#: docs/indicators_json.md). Keys such as n_organisations, years, n_boot_valid are not counts.
STRUCTURAL = frozenset({"parameters", "dataset", "thresholds"})


def _numbers(doc: Any) -> Iterator[int | float]:
    if isinstance(doc, dict):
        for v in doc.values():
            yield from _numbers(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from _numbers(v)
    elif isinstance(doc, int | float) and not isinstance(doc, bool):
        yield doc


def small_counts(doc: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every published number under a count-like key that is below MIN_CELL."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in STRUCTURAL:
                continue
            p = f"{path}.{k}"
            if k in COUNT_KEYS and isinstance(v, int | float) and not isinstance(v, bool) and v < MIN_CELL:
                yield p, v
            yield from small_counts(v, p)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from small_counts(v, f"{path}[{i}]")


def test_no_published_count_below_min_cell(run: Run) -> None:
    docs = {
        "indicators": run.json_doc,
        "famgraph indicators --json": run.cli_json,
        "linkage_report.json": json.loads((run.cli_out / "linkage_report.json").read_text(encoding="utf-8")),
        "linkage report (with register)": run.report.to_dict(),
        "quality scan": run.scan.to_dict(),
    }
    for name, doc in docs.items():
        assert list(small_counts(doc)) == [], name
        assert "OFF" not in json.dumps(doc), name
    # the walk is not vacuous: it sees many counts, and a small one would be caught
    n = sum(1 for _ in _numbers(run.json_doc))
    assert n > 500
    assert list(small_counts({"tables": {"t": [{"count": 3, "n_organisations": 1}]}})) == [
        (".tables.t[0].count", 3)
    ]
    # every suppressed count is null and named in its row's "suppressed" list
    for r in run.json_doc["agency_overlap"]["tables"]["table"]:
        assert (r["count"] is None) == ("count" in r["suppressed"])


# ---------------------------------------------------------------------------------------------- errors


def _corrupt(path: Path, line: int, column: str, value: str) -> None:
    """Replace one cell of a CSV file written by pandas (no quoted fields)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    assert len(cells) == len(header)
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("table", "line", "column", "value"),
    [("events.csv", 7, "date", "2019-02-30"), ("persons.csv", 12, "birth_date", "1985-13-01")],
)
def test_a_bad_cell_in_an_export_is_named(
    run: Run, tmp_path: Path, table: str, line: int, column: str, value: str
) -> None:
    import shutil

    dirs = {}
    for o, d in run.dirs.items():
        dirs[o] = tmp_path / o
        shutil.copytree(d, dirs[o])
    bad = dirs["veilig_thuis"] / table
    _corrupt(bad, line, column, value)
    with pytest.raises(fg.DataError) as e:
        fg.link(read_exports(dirs))
    assert [(i.file, i.line, i.column, i.value) for i in e.value.errors] == [(str(bad), line, column, value)]
    text = str(e.value)
    assert f"{bad}:{line}:{column}" in text and value in text
    out = tmp_path / "linked"
    key_file = tmp_path / "key"
    key_file.write_text(KEY_TEXT)
    ident = ["--identifier", "bsn", "--number-width", "9", "--key-file", str(key_file)]
    code, cap = cli(["link", *map(str, dirs.values()), *ident, "--out", str(out)])
    assert code == 1
    assert f"{bad}:{line}:{column}" in cap.stderr and value in cap.stderr
    assert cap.stdout == "" and not out.exists()
    # the message names the bad value only: not the person's national number on that line
    row = pd.read_csv(bad, dtype=str, keep_default_na=False).iloc[line - 2]
    if "bsn" in row:
        assert re.sub(r"\D", "", row["bsn"]) not in re.sub(r"[^\d\n]", "", cap.stderr)


MICRODATA_CASES = [
    ("kindoudertab.csv", 5, "RINPERSOONMa", "12345X789"),
    ("gbapersoontab.csv", 9, "GBAGEBOORTEMAAND", "13"),
]


def _bad_microdata(run: Run, tmp_path: Path, file: str, line: int, column: str, value: str) -> fg.DataError:
    import shutil

    d = tmp_path / "microdata"
    shutil.copytree(run.root / "microdata", d)
    _corrupt(d / file, line, column, value)
    with pytest.raises(fg.DataError) as e:
        fg.microdata.load_tables(d / "kindoudertab.csv", d / "gbapersoontab.csv")
    return e.value


@pytest.mark.parametrize(("file", "line", "column", "value"), MICRODATA_CASES)
def test_a_bad_cell_in_the_microdata_is_located(
    run: Run, tmp_path: Path, file: str, line: int, column: str, value: str
) -> None:
    err = _bad_microdata(run, tmp_path, file, line, column, value)
    path = str(tmp_path / "microdata" / file)
    assert [(i.file, i.line, i.column, i.value) for i in err.errors] == [(path, line, column, value)]
    assert f"{path}:{line}:{column}" in str(err)


@pytest.mark.parametrize(("file", "line", "column", "value"), MICRODATA_CASES)
def test_a_bad_cell_in_the_microdata_shows_its_value(
    run: Run, tmp_path: Path, file: str, line: int, column: str, value: str
) -> None:
    err = _bad_microdata(run, tmp_path, file, line, column, value)
    assert value in str(err)


# ---------------------------------------------------------------------------------------------- tutorial


def test_the_tutorial_runs_as_written(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/tutorial_partnership.md, every block in order: Python blocks executed, `famgraph`
    command lines run through the CLI entry point."""
    import shlex

    page = (repo_root / "docs" / "tutorial_partnership.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(python|sh)\n(.*?)```", page, flags=re.S)
    assert [lang for lang, _ in blocks].count("python") >= 7
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "tutorial"}
    commands = 0
    for lang, code in blocks:
        if lang == "python":
            exec(compile(code, "tutorial_partnership.md", "exec"), namespace)
            continue
        for line in code.replace("\\\n", " ").splitlines():
            if line.startswith("famgraph "):
                assert cli_main(shlex.split(line)[1:]) == 0, line
                commands += 1
    assert commands == 2
    printed = capsys.readouterr()
    key = (tmp_path / "famgraph.key").read_text().strip()
    for f in ("report.html", "indicators.json", "indicators_cli.json", "linked/linkage_report.json"):
        assert key not in (tmp_path / f).read_text(encoding="utf-8"), f
    assert key not in printed.out + printed.err
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h3>Record linkage</h3>" in html and "Results of the data-quality scan" in html
    rates = namespace["linkage_report"].tables["match_rates"]
    assert rates["share"].dropna().min() > 0.3  # the three ways of writing the number linked
    assert len(namespace["linked"].crosswalk["organisation"].unique()) == 4
    links = namespace["maturity"].table.query("dimension == 'linkability'")["value"].dropna()
    assert len(links) == 3 and (links > 0.3).all()
