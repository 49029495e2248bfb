"""Record-level meaning of every number one famgraph run can publish, from the raw input tables.

For the whole-output attacker (tests/python/test_disclosure_whole_output.py). Every count that the
report, the indicators JSON or the linkage report can print is a sum over records of one
*universe* — persons (``"P"``), incidents (``"I"``), nuclear families (``"F"``), family components
(``"C"``) — of a per-record integer coefficient: 1/0 for "this person is a case", the number of
the person's gp event rows for "event rows of gp", the number of the proband's observed siblings
for "relatives of cases (full sibling)". Records that are not persons but belong to one person
(event rows, contacts, partnerships — assigned to ``person_a`` —, relative pairs, links, duplicate
linkage records) are folded into their person as such coefficients, so that every relation between
the tables of the overview, the data-quality scan, the indicators and the linkage report is a
relation between the same persons.

Nothing here imports famgraph or mirrors its C++: plain dicts, sets and ``datetime.date``, written
from docs/definitions.md, docs/data_formats.md, docs/data_quality.md, docs/report.md and
docs/linkage.md, reusing the date rules and relation definitions of the other reference modules
(``indicators_reference``, ``indicators_reference2``). It is checked against famgraph's output with
disclosure control off (min_cell = 0), where every number is published.

Keys are tuples whose first element is the universe; :data:`K` builds them, so that the oracle and
the attacker's map of the page use the same names.

Example
-------
>>> import pandas as pd
>>> persons = pd.DataFrame({"person_id": [1, 2], "sex": ["F", "U"], "birth_date": ["1980", None],
...     "exit_date": [None, None], "mother_id": [None, None], "father_id": [None, None]})
>>> u = oracle(persons, None, None, None, window=None, default_window=("2000-01-01", "2001-01-01"))
>>> u["P"].total(K.sex("U")), u["P"].total(K.no_birth())
(1, 1)
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .indicators_reference import add_years, birthday18, parse_date

__all__ = ["K", "Universe", "linkage_oracle", "oracle"]

Date = dt.date
Key = tuple[Any, ...]
ROLES = ("victim", "perpetrator", "witness", "other")
SEXES = ("F", "M", "U")


class K:
    """Key constructors (one per kind of published count)."""

    # persons: basics
    @staticmethod
    def all() -> Key:
        return ("P", "all")

    @staticmethod
    def no_birth() -> Key:
        return ("P", "no_birth")

    @staticmethod
    def sex(s: str) -> Key:
        return ("P", "sex", s)

    @staticmethod
    def gen(g: int) -> Key:
        return ("P", "gen", int(g))

    @staticmethod
    def rows() -> Key:
        return ("P", "rows")

    @staticmethod
    def rows_role(r: str) -> Key:
        return ("P", "rows_role", r)

    @staticmethod
    def rows_org(o: str) -> Key:
        return ("P", "rows_org", o)

    @staticmethod
    def contacts() -> Key:
        return ("P", "contacts")

    @staticmethod
    def contacts_org(o: str) -> Key:
        return ("P", "contacts_org", o)

    @staticmethod
    def partnerships() -> Key:
        return ("P", "partnerships")

    # data quality: records of (organisation, table) and those with a field present
    @staticmethod
    def q(org: str, table: str, fld: str, what: str) -> Key:
        return ("P", "q", org, table, fld, what)

    @staticmethod
    def pyr(sex: str, group: str) -> Key:
        return ("P", "pyr", sex, group)

    @staticmethod
    def pyr_unknown_sex() -> Key:
        return ("P", "pyr_unknown_sex")

    @staticmethod
    def pyr_no_birth() -> Key:
        return ("P", "pyr_no_birth")

    @staticmethod
    def warn(rule: str) -> Key:
        return ("I" if rule.startswith("incident.") else "P", "warn", rule)

    # indicators
    @staticmethod
    def vtp(sex: str, decade: str, cell: str) -> Key:
        return ("P", "vtp", sex, decade, cell)

    @staticmethod
    def re(rel: str, ra: str, rb: str, cell: str) -> Key:
        return ("P", "re", rel, ra, rb, cell)

    @staticmethod
    def ch(what: str) -> Key:
        return ("P", "ch", what)

    @staticmethod
    def rec(what: str, rel: str = "") -> Key:
        return ("P", "rec", what, rel) if rel else ("P", "rec", what)

    @staticmethod
    def rep(unit: str, what: str) -> Key:
        return ("F" if unit == "family" else "P", "rep", what)

    @staticmethod
    def fir(group: str) -> Key:
        return ("P", "fir", group)

    @staticmethod
    def es_n(pop: str) -> Key:
        return ("P", "es_n", pop)

    @staticmethod
    def es_k(org: str, years: int, pop: str) -> Key:
        return ("P", "es_k", org, int(years), pop)

    @staticmethod
    def lead() -> Key:
        return ("P", "lead")

    @staticmethod
    def ov(unit: str, combo: Iterable[str]) -> Key:
        return ("F" if unit == "family" else "P", "ov", "+".join(sorted(combo)))

    # incidents, components
    @staticmethod
    def incidents() -> Key:
        return ("I", "all")

    @staticmethod
    def kind(k: str) -> Key:
        return ("I", "kind", k)

    @staticmethod
    def year(y: int) -> Key:
        return ("I", "year", int(y))

    @staticmethod
    def components() -> Key:
        return ("C", "all")

    # linkage (folded into the persons of the linked dataset)
    @staticmethod
    def lk(what: str, *args: str) -> Key:
        return ("P", "lk", what, *args)


@dataclass
class Universe:
    """Records of one universe and, per key, the non-zero coefficient of each record."""

    name: str
    n: int
    cols: dict[Key, dict[int, int]] = field(default_factory=dict)

    def add(self, key: Key, record: int, value: int = 1) -> None:
        if value:
            col = self.cols.setdefault(key, {})
            col[record] = col.get(record, 0) + int(value)

    def ensure(self, key: Key) -> None:
        self.cols.setdefault(key, {})

    def total(self, key: Key) -> int:
        return sum(self.cols.get(key, {}).values())


# ---- small helpers -------------------------------------------------------------------------------


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        if v != v:  # NaN, NaT
            return True
    except (TypeError, ValueError):  # pd.NA
        return True
    return str(v).strip() in ("", "<NA>", "nan", "NaN", "None", "NaT")


def _id(v: Any) -> int | None:
    if _missing(v):
        return None
    t = str(v).strip()
    return int(float(t)) if "." in t else int(t)


def _text(v: Any) -> str | None:
    return None if _missing(v) else str(v).strip()


def _period(v: Any) -> tuple[Date, Date] | None:
    """First and last day of a (possibly partial) date."""
    if _missing(v):
        return None
    parts = [int(x) for x in str(v).strip().split("-")]
    if len(parts) == 3:
        d = dt.date(*parts)
        return d, d
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def _rows(df: Any, cols: Sequence[str]) -> list[tuple[Any, ...]]:
    if df is None or len(df) == 0:
        return []
    return list(zip(*(df[c].tolist() for c in cols), strict=True))


def in_window(d: Date | None, ws: Date, we: Date) -> bool:
    return d is not None and ws <= d <= we


def completed_years(birth: Date, at: Date) -> int:
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


# ---- the persons and their relations ---------------------------------------------------------------


class Persons:
    """The persons table as plain dicts, with the relations of docs/kinship.md."""

    def __init__(self, persons: Any, partnerships: Any) -> None:
        self.ids: list[int] = []
        self.sex: dict[int, str] = {}
        self.birth: dict[int, Date | None] = {}
        self.birth_raw: dict[int, Any] = {}
        self.exit: dict[int, Date | None] = {}
        self.exit_raw: dict[int, Any] = {}
        self.mother: dict[int, int | None] = {}
        self.father: dict[int, int | None] = {}
        for pid, sex, birth, exit_, mother, father in _rows(
            persons, ("person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id")
        ):
            p = int(pid)
            self.ids.append(p)
            s = _text(sex)
            self.sex[p] = s if s in ("F", "M") else "U"
            self.birth[p] = parse_date(None if _missing(birth) else str(birth).strip())
            self.birth_raw[p] = birth
            self.exit[p] = parse_date(None if _missing(exit_) else str(exit_).strip())
            self.exit_raw[p] = exit_
            self.mother[p] = _id(mother)
            self.father[p] = _id(father)
        self.index = {p: i for i, p in enumerate(self.ids)}
        self.children: dict[int, set[int]] = defaultdict(set)
        for c in self.ids:
            for q in self.parents(c):
                self.children[q].add(c)
        self.partner_pairs = [(int(a), int(b)) for a, b in _rows(partnerships, ("person_a", "person_b"))]
        self._rel: dict[str, dict[int, set[int]]] = {}

    def parents(self, p: int) -> set[int]:
        return {q for q in (self.mother[p], self.father[p]) if q is not None}

    def observed(self, p: int, ws: Date, we: Date) -> bool:
        b, x = self.birth[p], self.exit[p]
        first = ws if b is None else max(b, ws)
        last = we if x is None else min(x, we)
        return first <= last

    def _siblings(self) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        full: dict[int, set[int]] = defaultdict(set)
        half: dict[int, set[int]] = defaultdict(set)
        by_pair: dict[frozenset[int], set[int]] = defaultdict(set)
        for p in self.ids:
            ps = self.parents(p)
            if len(ps) == 2:
                by_pair[frozenset(ps)].add(p)
        for group in by_pair.values():
            for p in group:
                full[p] = group - {p}
        for p in self.ids:
            mine = self.parents(p)
            for q in mine:
                for s in self.children[q]:
                    if s != p and len(self.parents(s) & mine) == 1:
                        half[p].add(s)
        return full, half

    def relatives(self, relation: str) -> dict[int, set[int]]:
        """relation → {person: relatives} (only persons with any), as reference/pedigree.py."""
        if relation in self._rel:
            return self._rel[relation]
        if "full_sibling" not in self._rel:
            self._rel["full_sibling"], self._rel["half_sibling"] = self._siblings()
        full, half = self._rel["full_sibling"], self._rel["half_sibling"]
        out: dict[int, set[int]] = defaultdict(set)
        if relation == "parent":
            for p in self.ids:
                if self.parents(p):
                    out[p] = self.parents(p)
        elif relation == "child":
            for q, cs in self.children.items():
                out[q] = set(cs)
        elif relation == "grandparent":
            for p in self.ids:
                g = {g for q in self.parents(p) for g in self.parents(q)}
                if g:
                    out[p] = g
        elif relation == "aunt_uncle":
            for p in self.ids:
                a = {s for q in self.parents(p) for s in full.get(q, set()) | half.get(q, set())}
                if a:
                    out[p] = a
        elif relation == "first_cousin":
            for p in self.ids:
                c = {c for q in self.parents(p) for s in full.get(q, set()) for c in self.children[s]}
                if c:
                    out[p] = c
        elif relation == "partner":
            for a, b in self.partner_pairs:
                out[a].add(b)
                out[b].add(a)
            for c in self.ids:
                m, f = self.mother[c], self.father[c]
                if m is not None and f is not None:
                    out[m].add(f)
                    out[f].add(m)
        elif relation in ("full_sibling", "half_sibling"):
            return self._rel[relation]
        else:
            raise ValueError(f"relation {relation!r} not in the oracle")
        for p in list(out):
            out[p].discard(p)
        self._rel[relation] = out
        return out

    def generation(self) -> dict[int, int]:
        gen: dict[int, int] = {}
        for start in self.ids:
            stack = [start]
            while stack:
                x = stack[-1]
                if x in gen:
                    stack.pop()
                    continue
                todo = [q for q in self.parents(x) if q not in gen]
                if todo:
                    stack.extend(todo)
                    continue
                gen[x] = 0 if not self.parents(x) else 1 + max(gen[q] for q in self.parents(x))
                stack.pop()
        return gen

    def components(self) -> int:
        root = {p: p for p in self.ids}

        def find(x: int) -> int:
            while root[x] != x:
                root[x] = root[root[x]]
                x = root[x]
            return x

        for c in self.ids:
            for q in self.parents(c):
                a, b = find(c), find(q)
                if a != b:
                    root[a] = b
        return len({find(p) for p in self.ids})

    def founders_of(self) -> dict[int, frozenset[int]]:
        """Founders among the ancestors-or-self of each person (a common one ⟺ kinship > 0)."""
        gen = self.generation()
        out: dict[int, frozenset[int]] = {}
        for p in sorted(self.ids, key=lambda x: gen[x]):
            ps = self.parents(p)
            out[p] = frozenset({p}) if not ps else frozenset().union(*(out[q] for q in ps))
        return out

    def nuclear_families(self) -> list[set[int]]:
        """Key: the set of recorded parents of a child; members: those parents and the children
        with exactly that set (indicators_reference2.nuclear_families)."""
        fams: dict[frozenset[int], set[int]] = {}
        for c in self.ids:
            key = frozenset(self.parents(c))
            if key:
                fams.setdefault(key, set(key)).add(c)
        return list(fams.values())


# ---- events and contacts -------------------------------------------------------------------------


@dataclass
class Row:
    incident: Any
    person: int
    role: str
    date: Date
    kind: str | None
    source: str | None


@dataclass
class ContactRow:
    person: int
    source: str | None
    start: Date | None
    end: Date | None
    end_raw: Any
    kind: str | None


def _events(events: Any) -> list[Row]:
    return [
        Row(inc, int(p), str(r).strip(), parse_date(str(d).strip()), _text(k), _text(s))  # type: ignore[arg-type]
        for inc, p, r, d, k, s in _rows(
            events, ("incident_id", "person_id", "role", "date", "kind", "source")
        )
    ]


def _contacts(contacts: Any) -> list[ContactRow]:
    return [
        ContactRow(
            int(p),
            _text(s),
            parse_date(None if _missing(a) else str(a).strip()),
            parse_date(None if _missing(b) else str(b).strip()),
            b,
            _text(k),
        )
        for p, s, a, b, k in _rows(contacts, ("person_id", "source", "start_date", "end_date", "kind"))
    ]


def default_window(events: Any) -> tuple[Date, Date] | None:
    dates = [r.date for r in _events(events)]
    return (min(dates), max(dates)) if dates else None


# ---- the oracle ------------------------------------------------------------------------------------


@dataclass
class Options:
    """The parameters of a run (as its outputs state them)."""

    window: tuple[Date, Date]
    exposure_roles: tuple[str, ...] = ("victim", "witness")
    case_roles: tuple[str, ...] = ("perpetrator",)
    re_relations: tuple[str, ...] = (
        "parent",
        "grandparent",
        "full_sibling",
        "half_sibling",
        "aunt_uncle",
        "first_cousin",
        "partner",
    )
    role_pairs: tuple[tuple[str, str], ...] = (
        ("victim", "victim"),
        ("victim", "perpetrator"),
        ("perpetrator", "victim"),
        ("perpetrator", "perpetrator"),
    )
    rec_relations: tuple[str, ...] = ("parent", "full_sibling", "half_sibling")
    years: tuple[int, ...] = (1, 2, 5)
    T: int = 365
    pyramid_at: Date | None = None  # default: the window end
    pyramid_width: int = 5
    pyramid_top: int = 90


def _date(v: Any) -> Date:
    return v if isinstance(v, Date) else dt.date.fromisoformat(str(v)[:10])


def oracle(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    *,
    window: tuple[Any, Any] | None,
    default_window: tuple[Any, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    added_parents: Iterable[int] = (),
) -> dict[str, Universe]:
    """Every universe with the coefficient of each record in every count (see the module doc).

    ``window`` is the window of the run; None: first to last event date (``default_window`` when
    there are no events). ``added_parents``: persons the loader added (``missing_parents="add"``),
    who are not counted by the ``person.no_birth_date`` warning.
    """
    P = Persons(persons, partnerships)
    rows = _events(events)
    cts = _contacts(contacts)
    if window is None:
        w = default_window_of(rows) or (
            (_date(default_window[0]), _date(default_window[1])) if default_window else None
        )
        if w is None:
            raise ValueError("no events and no default window")
    else:
        w = (_date(window[0]), _date(window[1]))
    opt = Options(window=w, **dict(options or {}))
    _ws, _we = opt.window
    U = Universe("P", len(P.ids))
    idx = P.index
    # every organisation that is a source anywhere (events or contacts), in first-seen order
    orgs = sorted({r.source for r in rows if r.source} | {c.source for c in cts if c.source})

    # ---- overview
    gen = P.generation()
    for p in P.ids:
        i = idx[p]
        U.add(K.all(), i)
        U.add(K.sex(P.sex[p]), i)
        U.add(K.gen(gen[p]), i)
        if P.birth[p] is None:
            U.add(K.no_birth(), i)
    for r in rows:
        i = idx[r.person]
        U.add(K.rows(), i)
        U.add(K.rows_role(r.role), i)
        U.add(K.rows_org(r.source or ""), i)
    for c in cts:
        i = idx[c.person]
        U.add(K.contacts(), i)
        U.add(K.contacts_org(c.source or ""), i)
    pts = _rows(partnerships, ("person_a", "person_b", "start_date", "end_date"))
    for a, _b, _s, _e in pts:
        U.add(K.partnerships(), idx[int(a)])
    for key in (K.all(), K.no_birth(), K.rows(), K.contacts(), K.partnerships(), K.pyr_unknown_sex()):
        U.ensure(key)
    for s in SEXES:
        U.ensure(K.sex(s))
    for r_ in ROLES:
        U.ensure(K.rows_role(r_))
    for o in orgs:
        U.ensure(K.rows_org(o))
        U.ensure(K.contacts_org(o))

    _quality(U, P, rows, cts, pts)
    _pyramid(U, P, opt)
    _warnings(U, P, set(added_parents))
    _vtp(U, P, rows, opt)
    _relative_exposure(U, P, rows, opt)
    _chains(U, P, rows, opt)
    observed, cases = _recurrence(U, P, rows, opt)
    _fir(U, P, observed, cases)
    _signalling(U, P, rows, cts, orgs, opt)
    fams = P.nuclear_families()
    F = Universe("F", len(fams))
    _repeat(U, F, P, rows, fams, opt)
    _overlap(U, F, P, rows, cts, fams, orgs, opt)

    # incidents
    inc_rows: dict[Any, list[Row]] = defaultdict(list)
    for r in rows:
        inc_rows[r.incident].append(r)
    I_ = Universe("I", len(inc_rows))
    I_.ensure(K.incidents())
    I_.ensure(K.warn("incident.no_victim"))
    for j, rs in enumerate(inc_rows.values()):
        I_.add(K.incidents(), j)
        for k in {r.kind or "" for r in rs}:
            I_.add(K.kind(k), j)
        I_.add(K.year(min(r.date for r in rs).year), j)
        if not any(r.role == "victim" for r in rs):
            I_.add(K.warn("incident.no_victim"), j)
    C = Universe("C", 1)
    C.add(K.components(), 0, P.components())
    return {"P": U, "I": I_, "F": F, "C": C}


def default_window_of(rows: list[Row]) -> tuple[Date, Date] | None:
    dates = [r.date for r in rows]
    return (min(dates), max(dates)) if dates else None


# ---- data quality (docs/data_quality.md; a Dataset split by source) ----------------------------------

Q_FIELDS = {
    "persons": ("person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"),
    "partnerships": ("person_a", "person_b", "start_date", "end_date"),
    "events": ("incident_id", "person_id", "role", "date", "kind", "source"),
    "contacts": ("person_id", "source", "start_date", "end_date", "kind"),
}
ALL = "(all)"
NO_SOURCE = "(no source)"


def _quality(U: Universe, P: Persons, rows: list[Row], cts: list[ContactRow], pts: list[Any]) -> None:
    for p in P.ids:
        i = P.index[p]
        present = {
            "person_id": True,
            "sex": P.sex[p] != "U",
            "birth_date": P.birth[p] is not None,
            "exit_date": P.exit[p] is not None,
            "mother_id": P.mother[p] is not None,
            "father_id": P.father[p] is not None,
        }
        for f, ok in present.items():
            U.add(K.q(ALL, "persons", f, "rows"), i)
            U.add(K.q(ALL, "persons", f, "present"), i, int(ok))
    for a, _b, s, e in pts:
        i = P.index[int(a)]
        for f, ok in (
            ("person_a", True),
            ("person_b", True),
            ("start_date", not _missing(s)),
            ("end_date", not _missing(e)),
        ):
            U.add(K.q(ALL, "partnerships", f, "rows"), i)
            U.add(K.q(ALL, "partnerships", f, "present"), i, int(ok))
    known: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        org = r.source or NO_SOURCE
        i = P.index[r.person]
        known[org].add(r.person)
        for f, ok in (
            ("incident_id", True),
            ("person_id", True),
            ("role", True),
            ("date", True),
            ("kind", bool(r.kind)),
            ("source", bool(r.source)),
        ):
            U.add(K.q(org, "events", f, "rows"), i)
            U.add(K.q(org, "events", f, "present"), i, int(ok))
    for c in cts:
        org = c.source or NO_SOURCE
        i = P.index[c.person]
        known[org].add(c.person)
        for f, ok in (
            ("person_id", True),
            ("source", bool(c.source)),
            ("start_date", c.start is not None),
            ("end_date", c.end is not None),
            ("kind", bool(c.kind)),
        ):
            U.add(K.q(org, "contacts", f, "rows"), i)
            U.add(K.q(org, "contacts", f, "present"), i, int(ok))
    n_orgs: dict[int, int] = defaultdict(int)
    for ids in known.values():
        for p in ids:
            n_orgs[p] += 1
    for org, ids in known.items():
        U.ensure(K.q(org, "all", "person_id", "n"))
        U.ensure(K.q(org, "all", "person_id", "k"))
        for p in ids:
            U.add(K.q(org, "all", "person_id", "n"), P.index[p])
            U.add(K.q(org, "all", "person_id", "k"), P.index[p], int(n_orgs[p] >= 2))


# ---- population pyramid (docs/report.md) --------------------------------------------------------------


def pyramid_group(age: int, width: int = 5, top: int = 90) -> str:
    g = min(age // width, top // width)
    return f"{top}+" if g == top // width else f"{g * width}–{g * width + width - 1}"


def _pyramid(U: Universe, P: Persons, opt: Options) -> None:
    at = opt.pyramid_at or opt.window[1]
    for p in P.ids:
        x = P.exit[p]
        alive = x is None or x >= at
        b = P.birth[p]
        if b is None:
            if alive:
                U.add(K.pyr_no_birth(), P.index[p])
            continue
        if b <= at and alive:
            if P.sex[p] == "U":
                U.add(K.pyr_unknown_sex(), P.index[p])
            else:
                grp = pyramid_group(completed_years(b, at), opt.pyramid_width, opt.pyramid_top)
                U.add(K.pyr(P.sex[p], grp), P.index[p])
    n_groups = opt.pyramid_top // opt.pyramid_width + 1
    for g in range(n_groups):
        for s in ("F", "M"):
            U.ensure(K.pyr(s, pyramid_group(g * opt.pyramid_width, opt.pyramid_width, opt.pyramid_top)))
    U.ensure(K.pyr_no_birth())


# ---- loader warnings (docs/data_formats.md) ---------------------------------------------------------


def _warnings(U: Universe, P: Persons, added: set[int]) -> None:
    for p in P.ids:
        i = P.index[p]
        if P.birth[p] is None and p not in added:
            U.add(K.warn("person.no_birth_date"), i)
        cp = _period(P.birth_raw[p])
        if cp is None:
            continue
        for q in (P.mother[p], P.father[p]):
            if q is None:
                continue
            qp = _period(P.birth_raw[q])
            # born after the parent's 70th birthday for every day the two dates allow
            if qp is not None and cp[0] > add_years(qp[1], 70):
                U.add(K.warn("parent.older_than_70"), i)
    U.ensure(K.warn("person.no_birth_date"))
    U.ensure(K.warn("parent.older_than_70"))


# ---- 1. victim → perpetrator (joint sex × birth decade × cell) ----------------------------------


def _vtp(U: Universe, P: Persons, rows: list[Row], opt: Options) -> None:
    ws, we = opt.window
    roles = set(opt.exposure_roles)
    elig: dict[int, list[bool]] = {}
    for p in P.ids:
        b = P.birth[p]
        if b is None:
            continue
        a18 = birthday18(b)
        end = we if P.exit[p] is None else min(we, P.exit[p])  # type: ignore[type-var]
        if ws < a18 <= end:
            elig[p] = [False, False]
    for r in rows:
        if r.person not in elig or not in_window(r.date, ws, we):
            continue
        a18 = birthday18(P.birth[r.person])  # type: ignore[arg-type]
        if r.role in roles and r.date < a18:
            elig[r.person][0] = True
        if r.role == "perpetrator" and r.date >= a18:
            elig[r.person][1] = True
    for p, (x, y) in elig.items():
        cell = ("a" if y else "b") if x else ("c" if y else "d")
        decade = str(P.birth[p].year // 10 * 10)  # type: ignore[union-attr]
        U.add(K.vtp(P.sex[p], decade, cell), P.index[p])


# ---- 2. relative exposure -------------------------------------------------------------------------


def _relative_exposure(U: Universe, P: Persons, rows: list[Row], opt: Options) -> None:
    ws, we = opt.window
    has_role: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        if in_window(r.date, ws, we):
            has_role[r.role].add(r.person)
    observed = [p for p in P.ids if P.observed(p, ws, we)]
    for rel in opt.re_relations:
        relmap = P.relatives(rel)
        for ra, rb in opt.role_pairs:
            for c in "abcd":
                U.ensure(K.re(rel, ra, rb, c))
            for p in observed:
                x = bool(relmap.get(p, set()) & has_role[ra])
                y = p in has_role[rb]
                cell = ("a" if y else "b") if x else ("c" if y else "d")
                U.add(K.re(rel, ra, rb, cell), P.index[p])


# ---- 3. chains ----------------------------------------------------------------------------------------


def _chains(U: Universe, P: Persons, rows: list[Row], opt: Options) -> None:
    ws, we = opt.window
    by_inc: dict[Any, list[Row]] = defaultdict(list)
    for r in rows:
        if in_window(r.date, ws, we):
            by_inc[r.incident].append(r)
    links: set[tuple[int, int]] = set()
    for rs in by_inc.values():
        perps = {r.person for r in rs if r.role == "perpetrator"}
        for v in rs:
            b = P.birth[v.person]
            if v.role != "victim" or b is None or not v.date < birthday18(b):
                continue
            for p in perps:
                if p in (P.mother[v.person], P.father[v.person]):
                    links.add((p, v.person))
    incoming: dict[int, list[int]] = defaultdict(list)
    for p, c in links:
        incoming[c].append(p)
    length: dict[int, int] = {}

    def longest(c: int) -> int:
        stack = [c]
        while stack:
            x = stack[-1]
            if x in length:
                stack.pop()
                continue
            todo = [p for p in incoming.get(x, ()) if p not in length]
            if todo:
                stack.extend(todo)
                continue
            length[x] = max((length[p] + 1 for p in incoming.get(x, ())), default=0)
            stack.pop()
        return length[c]

    for c, ps in incoming.items():
        i = P.index[c]
        U.add(K.ch("links"), i, len(set(ps)))
        n = longest(c)
        for k in (1, 2, 3):
            U.add(K.ch(f"ge{k}"), i, int(n >= k))
    victims = {c for _, c in links}
    perpetrators = {p for p, _ in links}

    def child_observed(c: int) -> bool:
        b = P.birth[c]
        if b is None:
            return False
        last = min(we, birthday18(b) - dt.timedelta(days=1))
        if P.exit[c] is not None:
            last = min(last, P.exit[c])  # type: ignore[type-var]
        return max(b, ws) <= last

    for p in P.ids:
        b = P.birth[p]
        if b is None or not (b <= we and birthday18(b) > ws):
            continue
        if not any(child_observed(c) for c in P.children.get(p, ())):
            continue
        x, y = p in victims, p in perpetrators
        cell = ("a" if y else "b") if x else ("c" if y else "d")
        U.add(K.ch("cont_" + cell), P.index[p])
    for k in ("links", "ge1", "ge2", "ge3", "cont_a", "cont_b", "cont_c", "cont_d"):
        U.ensure(K.ch(k))


# ---- 4a, 4c. recurrence risk and the cases ----------------------------------------------------------


def _recurrence(U: Universe, P: Persons, rows: list[Row], opt: Options) -> tuple[set[int], set[int]]:
    ws, we = opt.window
    roles = set(opt.case_roles)
    case = {r.person for r in rows if r.role in roles and in_window(r.date, ws, we)}
    observed = {p for p in P.ids if P.observed(p, ws, we)}
    cases = observed & case
    for p in observed:
        U.add(K.rec("observed"), P.index[p])
    for p in cases:
        U.add(K.rec("cases"), P.index[p])
    U.ensure(K.rec("cases"))
    U.ensure(K.rec("observed"))
    for rel in opt.rec_relations:
        relmap = P.relatives(rel)
        U.ensure(K.rec("relatives", rel))
        U.ensure(K.rec("case_relatives", rel))
        for p in cases:
            r_ = relmap.get(p, set()) & observed
            U.add(K.rec("relatives", rel), P.index[p], len(r_))
            U.add(K.rec("case_relatives", rel), P.index[p], len(r_ & cases))
    return observed, cases


def _fir(U: Universe, P: Persons, observed: set[int], cases: set[int]) -> None:
    founders = P.founders_of()
    n_obs: dict[int, int] = defaultdict(int)
    for p in observed:
        for f in founders[p]:
            n_obs[f] += 1
    for p in observed:
        if any(n_obs[f] >= 2 for f in founders[p]):
            U.add(K.fir("case" if p in cases else "non_case"), P.index[p])
    U.ensure(K.fir("case"))
    U.ensure(K.fir("non_case"))


# ---- 5. early signalling ----------------------------------------------------------------------------


def _signalling(
    U: Universe, P: Persons, rows: list[Row], cts: list[ContactRow], orgs: list[str], opt: Options
) -> None:
    ws, we = opt.window
    t0: dict[int, Date] = {}
    for r in rows:
        if in_window(r.date, ws, we) and (r.person not in t0 or r.date < t0[r.person]):
            t0[r.person] = r.date
    starts: dict[int, list[tuple[Date, str]]] = defaultdict(list)
    for c in cts:
        if c.start is not None:
            starts[c.person].append((c.start, c.source or ""))
    pops = ("first_incidents", "minors_self_or_parent")
    for pop in pops:
        U.ensure(K.es_n(pop))
        for N in opt.years:
            for o in ["all", *orgs]:
                U.ensure(K.es_k(o, N, pop))
    U.ensure(K.lead())
    for p, d in t0.items():
        i = P.index[p]
        b = P.birth[p]
        minor = b is not None and d < birthday18(b)
        U.add(K.es_n("first_incidents"), i)
        if minor:
            U.add(K.es_n("minors_self_or_parent"), i)
        for N in opt.years:
            lo, hi = d - dt.timedelta(days=365 * N), d - dt.timedelta(days=1)
            own = {s for st, s in starts.get(p, []) if lo <= st <= hi}
            fam = set(own)
            for q in P.parents(p):
                fam |= {s for st, s in starts.get(q, []) if lo <= st <= hi}
            if own:
                U.add(K.es_k("all", N, "first_incidents"), i)
            for o in own:
                U.add(K.es_k(o, N, "first_incidents"), i)
            if minor:
                if fam:
                    U.add(K.es_k("all", N, "minors_self_or_parent"), i)
                for o in fam:
                    U.add(K.es_k(o, N, "minors_self_or_parent"), i)
        if any(st < d for st, _ in starts.get(p, [])):
            U.add(K.lead(), i)


# ---- 4b, 6. repeat incidents and overlap (persons and nuclear families) -----------------------------


def _repeat_status(rs: list[tuple[Date, Any]], exit_: Date | None, we: Date, T: int) -> tuple[bool, bool]:
    t0 = min(d for d, _ in rs)
    horizon = t0 + dt.timedelta(days=T)
    end = we if exit_ is None else min(we, exit_)
    n = horizon <= end
    return n, n and len({inc for d, inc in rs if t0 <= d <= horizon}) >= 2


def _family_exit(P: Persons, members: set[int]) -> Date | None:
    exits = [P.exit[m] for m in members]
    return None if any(e is None for e in exits) else max(exits)  # type: ignore[type-var]


def _repeat(
    U: Universe, F: Universe, P: Persons, rows: list[Row], fams: list[set[int]], opt: Options
) -> None:
    ws, we = opt.window
    by_person: dict[int, list[tuple[Date, Any]]] = defaultdict(list)
    for r in rows:
        if in_window(r.date, ws, we):
            by_person[r.person].append((r.date, r.incident))
    for unit in ("person", "family"):
        for w in ("n", "repeat"):
            (U if unit == "person" else F).ensure(K.rep(unit, w))
    for p, rs in by_person.items():
        n, rep = _repeat_status(rs, P.exit[p], we, opt.T)
        U.add(K.rep("person", "n"), P.index[p], int(n))
        U.add(K.rep("person", "repeat"), P.index[p], int(rep))
    for j, members in enumerate(fams):
        rs = [x for m in members for x in by_person.get(m, [])]
        if rs:
            n, rep = _repeat_status(rs, _family_exit(P, members), we, opt.T)
            F.add(K.rep("family", "n"), j, int(n))
            F.add(K.rep("family", "repeat"), j, int(rep))


def _overlap(
    U: Universe,
    F: Universe,
    P: Persons,
    rows: list[Row],
    cts: list[ContactRow],
    fams: list[set[int]],
    orgs: list[str],
    opt: Options,
) -> None:
    ws, we = opt.window
    known: dict[int, set[str]] = defaultdict(set)
    for r in rows:
        if in_window(r.date, ws, we) and r.source:
            known[r.person].add(r.source)
    for c in cts:
        if c.source and c.start is not None and c.start <= we and (c.end is None or c.end >= ws):
            known[c.person].add(c.source)
    for k in range(1, len(orgs) + 1):
        for combo in itertools.combinations(orgs, k):
            U.ensure(K.ov("person", combo))
            F.ensure(K.ov("family", combo))
    for p, s in known.items():
        U.add(K.ov("person", s), P.index[p])
    for j, members in enumerate(fams):
        s = set().union(*(known.get(m, set()) for m in members))
        if s:
            F.add(K.ov("family", s), j)


# ---- linkage (docs/linkage.md), folded into the persons of the linked dataset ------------------------

#: field → resolutions in the order of the conflicts table (famgraph.linkage.RESOLUTIONS, as documented)
RESOLUTION_FIELDS = ("sex", "birth_date", "exit_date", "mother_id", "father_id")


def linkage_oracle(
    exports: Sequence[tuple[str, Any, Any]],
    linked_persons: Any,
    U: Universe,
    *,
    on: str = "pseudonym",
) -> dict[str, Any]:
    """Adds the linkage report's counts to ``U`` (the persons of the linked dataset).

    ``exports``: (organisation, persons table with ``person_id`` and ``on``, partnerships) per
    export. The new ids follow docs/linkage.md: persons with a pseudonym 1…K in increasing pseudonym
    order, then every record without one in order of (organisation name, local id). The conflicts
    implemented are those of sex (majority; tie F against M → ``tie_unknown``) and the
    precision-only refinement of birth dates; exports with other disagreements are rejected here
    (the caller builds exports without them). Returns the totals for the caller's checks.
    """
    records: list[tuple[str, int, int | None, dict[str, Any]]] = []
    for org, persons, _ in exports:
        for row in persons.to_dict("records"):
            records.append((org, int(row["person_id"]), _id(row.get(on)), row))
    pseudos = sorted({ps for _, _, ps, _ in records if ps is not None})
    new_id = {ps: k + 1 for k, ps in enumerate(pseudos)}
    unlinked = sorted((o, loc) for o, loc, ps, _ in records if ps is None)
    unl_id = {key: len(pseudos) + 1 + k for k, key in enumerate(unlinked)}
    pid_index = {int(p): i for i, p in enumerate(linked_persons["person_id"].tolist())}
    recs_of: dict[int, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    orgs = sorted({o for o, _, _ in exports})
    for o, loc, ps, row in records:
        pid = new_id[ps] if ps is not None else unl_id[(o, loc)]
        recs_of[pid].append((o, row))
        i = pid_index[pid]
        if ps is None:
            U.add(K.lk("unlinked_rec", o), i)
            U.add(K.lk("unlinked"), i)
    for key in [K.lk("unlinked"), K.lk("linked_any"), K.lk("several"), K.lk("pt_dropped")]:
        U.ensure(key)
    for o in orgs:
        for w in ("linked", "dup", "unlinked_rec"):
            U.ensure(K.lk(w, o))
    for a, b in itertools.permutations(orgs, 2):
        U.ensure(K.lk("both", *sorted((a, b))))
    for f in RESOLUTION_FIELDS:
        U.ensure(K.lk("refined", f))
    for pid in new_id.values():
        i = pid_index[pid]
        recs = recs_of[pid]
        by_org: dict[str, int] = defaultdict(int)
        for o, _ in recs:
            by_org[o] += 1
        U.add(K.lk("linked_any"), i)
        for o, n in by_org.items():
            U.add(K.lk("linked", o), i)
            U.add(K.lk("dup", o), i, n - 1)
        if len(by_org) >= 2:
            U.add(K.lk("several"), i)
        for a, b in itertools.combinations(sorted(by_org), 2):
            U.add(K.lk("both", a, b), i)
        # sex: only recorded values vote; majority, else a tie of F against M gives U
        sexes = [s for s in (_text(r.get("sex")) for _, r in recs) if s in ("F", "M")]
        if len(set(sexes)) > 1:
            nf, nm = sexes.count("F"), sexes.count("M")
            U.add(K.lk("conflict", "sex", "majority" if nf != nm else "tie_unknown"), i)
        births = [str(r.get("birth_date")).strip() for _, r in recs if not _missing(r.get("birth_date"))]
        if len(set(births)) > 1:
            periods = [_period(b) for b in births]
            # precision only: every period contains the most precise date
            best = min(periods, key=lambda p_: p_[1] - p_[0])  # type: ignore[index]
            if all(p_[0] <= best[0] and best[1] <= p_[1] for p_ in periods):  # type: ignore[index]
                U.add(K.lk("refined", "birth_date"), i)
            else:
                raise ValueError(f"linkage oracle: birth dates {births} conflict (not implemented)")
        for fld in ("exit_date", "mother_id", "father_id"):
            vals = {str(r.get(fld)).strip() for _, r in recs if not _missing(r.get(fld))}
            if fld != "exit_date":
                # parents compare as the linked person they become; the caller keeps them equal
                vals = {v for v in vals}
            if len(vals) > 1 and fld == "exit_date":
                raise ValueError(f"linkage oracle: {fld} values {vals} conflict (not implemented)")
    return {"persons": len(pseudos) + len(unlinked), "linked": len(pseudos), "unlinked": len(unlinked)}
