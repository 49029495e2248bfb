"""A deliberately simple oracle for indicators 2, 4b, 5 and 6.

Written from docs/spec/common_rules.md and docs/spec/indicators.md.

Companion of ``indicators_reference.py`` (items 1, 3, 4a), in the same style: nothing here imports
famgraph or mirrors its C++; plain dicts, sets and ``datetime.date``, one rule per line. The date
helpers and the ``Persons`` table come from ``indicators_reference``, the named relations from
``pedigree.Pedigree`` (both reused unchanged). It is slow and meant for small test populations.

Every function takes the four tables as pandas DataFrames with the column names of docs/spec/data_contract.md
§tables (as returned by ``ds.persons``, ``ds.partnerships``, ``ds.events``, ``ds.contacts``; a table a
function does not need may be ``None``) and the window ``(ws, we)`` as ``datetime.date``, both ends inclusive
(``None``: first to last event date over all rows).

Functions and output shapes
---------------------------
``relative_exposure(persons, partnerships, events, contacts, window, relation, role_a, role_b)``
    -> ``{"a": int, "b": int, "c": int, "d": int}``
``repeat_incidents(persons, partnerships, events, contacts, window, T=365)``
    -> ``{"persons": {"n": int, "repeat": int}, "families": {"n": int, "repeat": int}}``
``early_signalling(persons, partnerships, events, contacts, window, years=(1, 2, 5))``
    -> ``{N: {"n", "preceded", "n_minor", "preceded_minor_self_or_parent": int,
              "by_org": {org: {"preceded": int, "preceded_minor_self_or_parent": int}}}
          for N in years,
          "lead_times": sorted list[int] (days),
          "lead_time_quartiles": (q25, median, q75) floats, or None when there is no lead time}``
``agency_overlap(persons, partnerships, events, contacts, window)``
    -> ``{"persons": S, "families": S}`` with ``S = {"combinations": {frozenset(orgs): int},
          "jaccard": {(org1, org2): (both, either)} with org1 < org2, "known_1plus": int,
          "known_2plus": int}``

Rules implemented (docs/spec/common_rules.md), beyond those listed in ``indicators_reference``:

* relations exactly as ``pedigree.Pedigree`` builds them from the recorded ``mother_id`` /
  ``father_id`` (and partnerships for ``partner``), self excluded, each relative once;
* nuclear family: key = the unordered pair of recorded parents of a child with all their common
  children; a child with one known parent: that parent and their children whose other parent is
  unknown; family exit = latest exit of its members, none if any member has none.

Readings (where the text could be read two ways; the alternative rejected follows "not:")
------------------------------------------------------------------------------------------
General

G1. *Organisations* (5, 6) are the distinct non-missing ``source`` values of all event rows (any
    date, also outside the window) and all contacts (any date). Not: only sources of in-window rows.
G2. ``incident_id`` values are compared as given (no normalisation); the persons/events tables are
    assumed valid (docs/spec/data_contract.md §validation: events inside the lifetime, parents exist, contact
    start present).

2. relative_exposure

R1. "any date" = any date inside the window: the relative's row need not precede the proband's
    outcome row nor fall inside the proband's lifetime/observed period. Not: exposure before outcome.
R2. Relatives are all persons related by the relation in the whole persons table, whatever their
    birth, exit or observation (the text: "relatives need not be observed").
R3. "the same incident allowed": a proband who is victim in an incident where a relative is
    perpetrator is both exposed (a = perpetrator) and outcome (b = victim) from that one incident.
    A proband never exposes themself (relations exclude self).
R4. Inherited from ``pedigree.Pedigree``: full siblings compare the two recorded parents as a *set*
    of persons (the column is ignored: m mother of p and father of q still counts). Not: same mother
    and same father column by column. Half siblings: exactly one parent in common, also when both
    have a single known parent. ``partner`` ignores partnership dates.

4(b). repeat_incidents

P1. The numerator counts only persons (families) in the denominator: ``repeat`` ⊆ ``n``. Not: a
    repeat counted for anyone with a first incident, censored or not.
P2. "a second distinct incident_id" = at least two distinct ``incident_id`` values among the
    person's (family's) in-window rows dated in [t0, t0 + T]. Several rows of one incident (a person
    with two roles, two family members in the same incident, or an incident whose rows carry
    different dates) are one incident. Not: counting rows.
P3. t0 + T is T calendar days after t0 (``timedelta(days=T)``); the comparison t0 + T ≤ min(we,
    exit) is inclusive and an empty exit means no limit other than we. Persons (families) without
    in-window rows have no first incident and are in neither count; no *observed* condition is
    added (an in-window event already lies within the person's lifetime), and persons without a
    birth date are included.
P4. A family's rows are all in-window rows of all its members (both parents and every common
    child), each at its own date, also rows dated before the family "formed" (e.g. a parent's
    incident before the first child's birth). Not: only rows after the first child's birth.
P5. Families come from recorded parent–child links only: a childless couple in ``partnerships`` is
    not a nuclear family; a person with no recorded parent and no recorded child is in no family. A
    child whose two parents are both recorded belongs to the pair's family, not to the one-parent
    family of either parent.

5. early_signalling

E1. Per organisation, the denominators are the overall ones (all first incidents, all minors);
    only the numerator is restricted to that organisation's contacts. Not: denominators restricted
    to persons known to that organisation. Event rows never "precede" anything, only contacts do.
E2. "a contact of the person *or a recorded parent*": the recorded ``mother_id``/``father_id`` of
    the person (not partners of a parent), whose contact start is tested against the *child's* t0
    with the same [t0 − 365·N, t0 − 1] interval; the parent need not be alive or observed then.
E3. "preceded_minor_self_or_parent" counts minors only; their own contacts count as well.
    Minor: birth known and t0 < 18th birthday (so no birth date = never a minor).
E4. Lead time: the earliest *start* among the person's own contacts with start < t0 (strictly: a
    contact starting on t0 does not lead, consistent with the t0 − 1 day bound), whatever its end
    (a contact closed long before t0 still counts), no look-back limit, parents' contacts not used.
    Not: only contacts still open at t0, or start ≤ t0 with lead time 0. The list and quartiles do
    not depend on N.
E5. "365·N days" is literal (not N calendar years): the interval is [t0 − 365·N days, t0 − 1 day].
E6. Quartiles: numpy's default linear interpolation at position (n − 1)·q, computed here by hand;
    ``None`` (not a tuple of ``None``) when no first incident has a lead time.

6. agency_overlap

A1. No *observed* condition: a person is counted whenever one of the two "known" rules holds, even
    when their exit is before ws (contacts are not checked against the lifetime, and the text puts
    no such condition). Not: only observed persons.
A2. A contact overlaps the window iff start ≤ we and (end empty or end ≥ ws), both ends inclusive;
    an event row makes its source know the person iff ws ≤ date ≤ we.
A3. Jaccard is returned as the pair of counts (both, either) for every unordered pair of
    organisations of G1, also when either = 0 (the ratio is then undefined); keys are sorted
    tuples (org1 < org2).
A4. ``known_2plus`` counts those known to ≥ 2 organisations among ``known_1plus``; persons
    (families) known to none are in no combination and in neither count.
A5. A family is known to an organisation iff any member (parents and common children) is known to it
    by the person rule; each family is counted once, in the combination of its exact set.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from .indicators_reference import Persons, birthday18, event_rows, in_window, parse_date
from .pedigree import RELATIONS, Pedigree

Date = dt.date
PersonId = int
FamilyKey = frozenset

ROLES = ("victim", "perpetrator", "witness", "other")
YEARS = (1, 2, 5)


# --------------------------------------------------------------------------- small helpers
def _rows(table: Any, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The given columns of a DataFrame as plain tuples (no rows for a missing table)."""
    if table is None:
        return []
    return list(zip(*(table[c] for c in columns), strict=True))


def _source(value: Any) -> str | None:
    """An organisation code, or None when missing."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    if text in ("", "nan", "NaN", "<NA>", "None"):
        return None
    return text


def _window(events: Any, window: tuple[Date, Date] | None) -> tuple[Date, Date]:
    """The given window, or first to last event date over all rows (docs/spec/common_rules.md §window)."""
    if window is None:
        dates = [r.date for r in event_rows(events) if r.date is not None]
        if not dates:
            raise ValueError("no window given and no event dates")
        return min(dates), max(dates)
    ws, we = window
    if we < ws:
        raise ValueError(f"window end {we} is before start {ws}")
    return ws, we


def _event_rows_with_source(events: Any) -> list[tuple[Any, PersonId, str, Date | None, str | None]]:
    """(incident_id, person_id, role, date, source) per event row."""
    return [
        (inc, int(p), str(role), parse_date(d), _source(src))
        for inc, p, role, d, src in _rows(events, ("incident_id", "person_id", "role", "date", "source"))
    ]


def _contacts(contacts: Any) -> list[tuple[PersonId, str | None, Date | None, Date | None]]:
    """(person_id, source, start, end) per contact; end None = ongoing."""
    return [
        (int(p), _source(src), parse_date(start), parse_date(end))
        for p, src, start, end in _rows(contacts, ("person_id", "source", "start_date", "end_date"))
    ]


def organisations(events: Any, contacts: Any) -> set[str]:
    """Every organisation that is a source anywhere in the data (reading G1)."""
    orgs = {src for *_, src in _event_rows_with_source(events) if src is not None}
    orgs |= {src for _, src, _, _ in _contacts(contacts) if src is not None}
    return orgs


def nuclear_families(P: Persons) -> dict[FamilyKey, set[PersonId]]:
    """docs/spec/common_rules.md §nuclear-family: key = frozenset of the recorded parents of a child (one or
    two persons, unordered); members = those parents and every child with exactly that parent set."""
    families: dict[FamilyKey, set[PersonId]] = {}
    for c in P.ids:
        key = frozenset(P.parents(c))
        if not key:
            continue
        families.setdefault(key, set(key)).add(c)
    return families


def family_exit(P: Persons, members: set[PersonId]) -> Date | None:
    """The latest exit of the members; None (no limit) if any member has no exit."""
    exits = [P.exit[m] for m in members]
    if any(e is None for e in exits):
        return None
    return max(exits)  # type: ignore[type-var]


def quantile(sorted_values: list[int], q: float) -> float:
    """Linear interpolation between order statistics at position (n − 1)·q (numpy's default)."""
    pos = (len(sorted_values) - 1) * q
    lo = math.floor(pos)
    hi = math.ceil(pos)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


# --------------------------------------------------------------------------- 2. relative exposure
def relative_exposure(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    window: tuple[Date, Date] | None,
    relation: str,
    role_a: str,
    role_b: str,
) -> dict[str, int]:
    """docs/spec/indicators.md §relative_exposure: one 2×2 for (relation, role_a, role_b) over the observed
    probands.

    Exposed: some relative by ``relation`` has an in-window row with role ``role_a``. Outcome: the
    proband has an in-window row with role ``role_b``. a/b/c/d as in
    docs/spec/common_rules.md §two-by-two-tables.
    """
    exposed, outcome = relative_exposure_classes(
        persons, partnerships, events, contacts, window, relation, role_a, role_b
    )
    table = {"a": 0, "b": 0, "c": 0, "d": 0}
    for p, e in exposed.items():
        table["a" if e and outcome[p] else "b" if e else "c" if outcome[p] else "d"] += 1
    return table


def relative_exposure_classes(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    window: tuple[Date, Date] | None,
    relation: str,
    role_a: str,
    role_b: str,
) -> tuple[dict[PersonId, bool], dict[PersonId, bool]]:
    """The (exposed, outcome) of every proband of ``relative_exposure``."""
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation {relation!r}")
    for role in (role_a, role_b):
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
    ws, we = _window(events, window)
    P = Persons(persons)
    pairs = [(int(a), int(b)) for a, b in _rows(partnerships, ("person_a", "person_b"))]
    ped = Pedigree(P.mother, P.father, pairs)
    rows = [r for r in event_rows(events) if in_window(r.date, ws, we)]
    has_role_a = {r.person for r in rows if r.role == role_a}
    has_role_b = {r.person for r in rows if r.role == role_b}
    exposed: dict[PersonId, bool] = {}
    outcome: dict[PersonId, bool] = {}
    for p in P.ids:
        if not P.observed(p, ws, we):
            continue
        exposed[p] = bool(ped.relatives(p, relation) & has_role_a)
        outcome[p] = p in has_role_b
    return exposed, outcome


# --------------------------------------------------------------------------- 4b. repeat incidents
def _repeat_status(
    rows: list[tuple[Date, Any]], exit_: Date | None, ws: Date, we: Date, T: int
) -> tuple[bool, bool]:
    """(in denominator, repeat) for one unit's in-window rows given as (date, incident_id)."""
    t0 = min(d for d, _ in rows)
    horizon = t0 + dt.timedelta(days=T)
    end = we if exit_ is None else min(we, exit_)
    in_denominator = horizon <= end
    incidents_in_period = {inc for d, inc in rows if t0 <= d <= horizon}
    repeat = len(incidents_in_period) >= 2
    return in_denominator, in_denominator and repeat


def repeat_incidents(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    window: tuple[Date, Date] | None,
    T: int = 365,
) -> dict[str, dict[str, int]]:
    """docs/spec/indicators.md §repeat_incidents: persons (and nuclear families) whose first in-window row at
    t0 can be followed for T days (t0 + T ≤ min(we, exit)), and among them those with a second distinct
    incident_id dated in [t0, t0 + T]."""
    if T < 0:
        raise ValueError("T must be >= 0")
    ws, we = _window(events, window)
    P = Persons(persons)
    by_person: dict[PersonId, list[tuple[Date, Any]]] = defaultdict(list)
    for r in event_rows(events):
        if in_window(r.date, ws, we):
            by_person[r.person].append((r.date, r.incident))
    out = {"persons": {"n": 0, "repeat": 0}, "families": {"n": 0, "repeat": 0}}
    for p, rows in by_person.items():
        n, repeat = _repeat_status(rows, P.exit[p], ws, we, T)
        out["persons"]["n"] += n
        out["persons"]["repeat"] += repeat
    for members in nuclear_families(P).values():
        rows = [row for m in members for row in by_person.get(m, [])]
        if not rows:
            continue
        n, repeat = _repeat_status(rows, family_exit(P, members), ws, we, T)
        out["families"]["n"] += n
        out["families"]["repeat"] += repeat
    return out


# --------------------------------------------------------------------------- 5. early signalling
def first_incidents(events: Any, ws: Date, we: Date) -> dict[PersonId, Date]:
    """t0 per person: the date of their earliest in-window event row (any role)."""
    t0: dict[PersonId, Date] = {}
    for r in event_rows(events):
        if in_window(r.date, ws, we) and (r.person not in t0 or r.date < t0[r.person]):
            t0[r.person] = r.date
    return t0


def early_signalling(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    window: tuple[Date, Date] | None,
    years: tuple[int, ...] = YEARS,
) -> dict[Any, Any]:
    """docs/spec/indicators.md §early_signalling: first incidents preceded by a contact starting in
    [t0 − 365·N, t0 − 1], overall, for minors (contacts of the person or a recorded parent) and per
    organisation; lead times."""
    ws, we = _window(events, window)
    P = Persons(persons)
    t0 = first_incidents(events, ws, we)
    contact_list = _contacts(contacts)
    orgs = organisations(events, contacts)
    starts: dict[PersonId, list[tuple[Date, str | None]]] = defaultdict(list)
    for p, src, start, _end in contact_list:
        if start is not None:
            starts[p].append((start, src))
    minors = {p for p, d in t0.items() if P.birth[p] is not None and d < birthday18(P.birth[p])}

    out: dict[Any, Any] = {}
    for N in years:
        res: dict[str, Any] = {
            "n": len(t0),
            "preceded": 0,
            "n_minor": len(minors),
            "preceded_minor_self_or_parent": 0,
            "by_org": {o: {"preceded": 0, "preceded_minor_self_or_parent": 0} for o in sorted(orgs)},
        }
        for p, d in t0.items():
            lo = d - dt.timedelta(days=365 * N)
            hi = d - dt.timedelta(days=1)
            own = {src for start, src in starts.get(p, []) if lo <= start <= hi}
            own_or_parent = set(own)
            for q in P.parents(p):
                own_or_parent |= {src for start, src in starts.get(q, []) if lo <= start <= hi}
            if own:
                res["preceded"] += 1
            if p in minors and own_or_parent:
                res["preceded_minor_self_or_parent"] += 1
            for o in own:
                if o is not None:
                    res["by_org"][o]["preceded"] += 1
            if p in minors:
                for o in own_or_parent:
                    if o is not None:
                        res["by_org"][o]["preceded_minor_self_or_parent"] += 1
        out[N] = res

    lead_times = []
    for p, d in t0.items():
        before = [start for start, _ in starts.get(p, []) if start < d]
        if before:
            lead_times.append((d - min(before)).days)
    lead_times.sort()
    out["lead_times"] = lead_times
    out["lead_time_quartiles"] = (
        (quantile(lead_times, 0.25), quantile(lead_times, 0.5), quantile(lead_times, 0.75))
        if lead_times
        else None
    )
    return out


# --------------------------------------------------------------------------- 6. agency overlap
def known_to(events: Any, contacts: Any, ws: Date, we: Date) -> dict[PersonId, set[str]]:
    """Organisations that know each person: source of an in-window event row of theirs, or of a
    contact of theirs overlapping the window (start ≤ we and (end empty or end ≥ ws))."""
    known: dict[PersonId, set[str]] = defaultdict(set)
    for _inc, p, _role, d, src in _event_rows_with_source(events):
        if in_window(d, ws, we) and src is not None:
            known[p].add(src)
    for p, src, start, end in _contacts(contacts):
        if src is None or start is None:
            continue
        if start <= we and (end is None or end >= ws):
            known[p].add(src)
    return known


def _overlap_summary(units: list[set[str]], orgs: set[str]) -> dict[str, Any]:
    """UpSet combinations, pairwise (both, either) and ≥1 / ≥2 counts over units' org sets."""
    known_units = [s for s in units if s]
    combinations: dict[frozenset[str], int] = defaultdict(int)
    for s in known_units:
        combinations[frozenset(s)] += 1
    ordered = sorted(orgs)
    jaccard: dict[tuple[str, str], tuple[int, int]] = {}
    for i, o1 in enumerate(ordered):
        for o2 in ordered[i + 1 :]:
            both = sum(1 for s in known_units if o1 in s and o2 in s)
            either = sum(1 for s in known_units if o1 in s or o2 in s)
            jaccard[(o1, o2)] = (both, either)
    return {
        "combinations": dict(combinations),
        "jaccard": jaccard,
        "known_1plus": len(known_units),
        "known_2plus": sum(1 for s in known_units if len(s) >= 2),
    }


def agency_overlap(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    window: tuple[Date, Date] | None,
) -> dict[str, dict[str, Any]]:
    """docs/spec/indicators.md §agency_overlap: which organisations know each person / nuclear family (exact
    combinations), pairwise Jaccard counts, and how many are known to ≥ 1 and ≥ 2 organisations."""
    ws, we = _window(events, window)
    P = Persons(persons)
    orgs = organisations(events, contacts)
    known = known_to(events, contacts, ws, we)
    person_sets = [set(known.get(p, set())) for p in P.ids]
    family_sets = [
        {o for m in members for o in known.get(m, set())} for members in nuclear_families(P).values()
    ]
    return {
        "persons": _overlap_summary(person_sets, orgs),
        "families": _overlap_summary(family_sets, orgs),
    }
