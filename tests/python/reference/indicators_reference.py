"""A deliberately simple oracle for indicators 1, 3 and 4a.

Written from docs/spec/common_rules.md and docs/spec/indicators.md.

Nothing here imports famgraph or mirrors its C++: plain dicts, sets and ``datetime.date``, one rule
per line, so each can be checked by eye against the specification. It is slow (pure Python loops)
and meant for test populations of up to some tens of thousands of persons.

Every function takes the four tables as pandas DataFrames with the column names of docs/spec/data_contract.md
§tables (as returned by ``ds.persons``, ``ds.partnerships``, ``ds.events``, ``ds.contacts``; the tables that
an indicator does not use may be ``None``) and the window ``(ws, we)`` as ``datetime.date``, both ends
inclusive.

Rules implemented (docs/spec/common_rules.md):

* dates are ``YYYY-MM-DD``, ``YYYY-MM`` (the 15th) or ``YYYY`` (1 July); empty = missing;
* 18th birthday = same month and day 18 years later, 29 February → 28 February;
  childhood: date < 18th birthday; adult: date ≥ 18th birthday;
* an event row counts iff ws ≤ date ≤ we;
* exit is inclusive; a person exists from birth to exit (empty exit = still observed);
  *observed*: birth ≤ d ≤ exit and ws ≤ d ≤ we for some day d; no birth date = born before ws;
* relations from the recorded ``mother_id``/``father_id`` only, self excluded, each relative once:
  parent = recorded mother or father; full sibling = both parents known for both and the same two
  persons; half sibling = exactly one recorded parent in common.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

Date = dt.date
PersonId = int

EXPOSURE_ROLES = ("victim", "witness")
CASE_ROLES = ("perpetrator",)
LAMBDA_RELATIONS = ("parent", "full_sibling", "half_sibling")


# --------------------------------------------------------------------------- dates
def parse_date(value: Any) -> Date | None:
    """``YYYY-MM-DD`` → that day; ``YYYY-MM`` → the 15th; ``YYYY`` → 1 July; empty/NA → None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    if text in ("", "nan", "NaN", "NaT", "<NA>", "None"):
        return None
    parts = [int(x) for x in text.split("-")]
    if len(parts) == 3:
        return dt.date(parts[0], parts[1], parts[2])
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], 15)
    if len(parts) == 1:
        return dt.date(parts[0], 7, 1)
    raise ValueError(f"not a date: {value!r}")


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def add_years(d: Date, years: int) -> Date:
    """Same month and day ``years`` later; 29 February becomes 28 February in a common year."""
    y = d.year + years
    if d.month == 2 and d.day == 29 and not is_leap(y):
        return dt.date(y, 2, 28)
    return dt.date(y, d.month, d.day)


def birthday18(birth: Date) -> Date:
    return add_years(birth, 18)


def in_window(d: Date | None, ws: Date, we: Date) -> bool:
    return d is not None and ws <= d <= we


# --------------------------------------------------------------------------- tables → plain dicts
def _optional_id(value: Any) -> PersonId | None:
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except TypeError:  # pd.NA
        return None
    text = str(value).strip()
    if text in ("", "<NA>", "nan", "None"):
        return None
    return int(float(text)) if "." in text else int(text)


class Persons:
    """birth, exit, mother, father per person id (None = missing/unknown)."""

    def __init__(self, persons: Any) -> None:
        self.ids: list[PersonId] = []
        self.birth: dict[PersonId, Date | None] = {}
        self.exit: dict[PersonId, Date | None] = {}
        self.mother: dict[PersonId, PersonId | None] = {}
        self.father: dict[PersonId, PersonId | None] = {}
        for pid, birth, exit_, mother, father in zip(
            persons["person_id"],
            persons["birth_date"],
            persons["exit_date"],
            persons["mother_id"],
            persons["father_id"],
            strict=True,
        ):
            p = int(pid)
            self.ids.append(p)
            self.birth[p] = parse_date(birth)
            self.exit[p] = parse_date(exit_)
            self.mother[p] = _optional_id(mother)
            self.father[p] = _optional_id(father)
        self.children: dict[PersonId, set[PersonId]] = defaultdict(set)
        for c in self.ids:
            for q in self.parents(c):
                self.children[q].add(c)

    def parents(self, p: PersonId) -> set[PersonId]:
        """Recorded parents as a set of persons (the column decides nothing here)."""
        return {q for q in (self.mother[p], self.father[p]) if q is not None}

    def observed(self, p: PersonId, ws: Date, we: Date) -> bool:
        """Some day d with birth ≤ d ≤ exit and ws ≤ d ≤ we (no birth date: born before ws)."""
        first = ws if self.birth[p] is None else max(self.birth[p], ws)
        last = we if self.exit[p] is None else min(self.exit[p], we)
        return first <= last


class EventRow:
    __slots__ = ("date", "incident", "person", "role")

    def __init__(self, incident: Any, person: PersonId, role: str, date: Date | None) -> None:
        self.incident = incident
        self.person = person
        self.role = role
        self.date = date


def event_rows(events: Any) -> list[EventRow]:
    if events is None:
        return []
    return [
        EventRow(inc, int(p), str(r), parse_date(d))
        for inc, p, r, d in zip(
            events["incident_id"], events["person_id"], events["role"], events["date"], strict=True
        )
    ]


def _window_rows(events: Any, ws: Date, we: Date) -> list[EventRow]:
    return [r for r in event_rows(events) if in_window(r.date, ws, we)]


def two_by_two(exposed: dict[PersonId, bool], outcome: dict[PersonId, bool]) -> dict[str, dict[str, int]]:
    """a = exposed & outcome, b = exposed & no outcome, c = unexposed & outcome, d = neither."""
    t = {"exposed": {"outcome": 0, "no_outcome": 0}, "unexposed": {"outcome": 0, "no_outcome": 0}}
    for p, e in exposed.items():
        t["exposed" if e else "unexposed"]["outcome" if outcome[p] else "no_outcome"] += 1
    return t


def strata_2x2(
    persons: Any, exposed: dict[PersonId, bool], outcome: dict[PersonId, bool]
) -> tuple[dict[tuple[int, str, bool], dict[str, int]], int]:
    """A per-person classification summed by matching stratum, single birth year × sex × childhood
    household recorded (the year of the birth date as written, imputed as in ``parse_date``; sex as
    in the persons table; a mother_id or father_id given).

    Returns ({(birth_year, sex, parents_known): {"a", "b", "c", "d"}} for the non-empty strata,
    number of units without a birth date (in no stratum)).
    """
    birth = {int(p): parse_date(b) for p, b in zip(persons["person_id"], persons["birth_date"], strict=True)}
    sex = {int(p): str(s) for p, s in zip(persons["person_id"], persons["sex"], strict=True)}
    known = {
        int(p): _optional_id(m) is not None or _optional_id(f) is not None
        for p, m, f in zip(persons["person_id"], persons["mother_id"], persons["father_id"], strict=True)
    }
    out: dict[tuple[int, str, bool], dict[str, int]] = {}
    without = 0
    for p, e in exposed.items():
        b = birth[p]
        if b is None:
            without += 1
            continue
        cell = out.setdefault((b.year, sex[p], known[p]), {"a": 0, "b": 0, "c": 0, "d": 0})
        cell["a" if e and outcome[p] else "b" if e else "c" if outcome[p] else "d"] += 1
    return out, without


# --------------------------------------------------------------------------- 1. victim → perpetrator
def victim_to_perpetrator(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    window: tuple[Date, Date],
    exposure_roles: Iterable[str] = EXPOSURE_ROLES,
) -> dict[str, dict[str, int]]:
    """docs/spec/indicators.md §victim_to_perpetrator: the 2×2 of childhood exposure vs adult perpetration
    over the eligible.

    Eligible: birth known and ws < 18th birthday ≤ min(we, exit). Exposed: an in-window row with a
    role in ``exposure_roles`` dated in childhood. Outcome: an in-window perpetrator row as adult.
    """
    return two_by_two(*victim_to_perpetrator_classes(persons, events, window, exposure_roles))


def victim_to_perpetrator_classes(
    persons: Any, events: Any, window: tuple[Date, Date], exposure_roles: Iterable[str] = EXPOSURE_ROLES
) -> tuple[dict[PersonId, bool], dict[PersonId, bool]]:
    """The (exposed, outcome) of every eligible person of ``victim_to_perpetrator``."""
    ws, we = window
    P = Persons(persons)
    roles = set(exposure_roles)
    exposed: dict[PersonId, bool] = {}
    outcome: dict[PersonId, bool] = {}
    for p in P.ids:
        if P.birth[p] is None:
            continue
        b18 = birthday18(P.birth[p])
        end = we if P.exit[p] is None else min(we, P.exit[p])
        if ws < b18 <= end:
            exposed[p] = False
            outcome[p] = False
    for r in _window_rows(events, ws, we):
        if r.person not in exposed:
            continue
        b18 = birthday18(P.birth[r.person])
        if r.role in roles and r.date < b18:
            exposed[r.person] = True
        if r.role == "perpetrator" and r.date >= b18:
            outcome[r.person] = True
    return exposed, outcome


# --------------------------------------------------------------------------- 3. chains
def links(persons: Any, events: Any, window: tuple[Date, Date]) -> set[tuple[PersonId, PersonId]]:
    """docs/spec/indicators.md §chains: pairs (p, c) where, in one incident, p is perpetrator and c victim, p
    is c's recorded mother or father, c's birth is known, both rows are in the window and the victim row is
    dated in c's childhood (any incident kind)."""
    ws, we = window
    P = Persons(persons) if not isinstance(persons, Persons) else persons
    by_incident: dict[Any, list[EventRow]] = defaultdict(list)
    for r in _window_rows(events, ws, we):
        by_incident[r.incident].append(r)
    out: set[tuple[PersonId, PersonId]] = set()
    for rows in by_incident.values():
        perpetrators = {r.person for r in rows if r.role == "perpetrator"}
        for v in rows:
            if v.role != "victim" or P.birth[v.person] is None:
                continue
            if not v.date < birthday18(P.birth[v.person]):
                continue
            for p in perpetrators:
                if p in (P.mother[v.person], P.father[v.person]):
                    out.add((p, v.person))
    return out


def chain_lengths(link_set: set[tuple[PersonId, PersonId]]) -> dict[PersonId, int]:
    """Longest path of links ending at each person who is the child of some link (no time order)."""
    incoming: dict[PersonId, list[PersonId]] = defaultdict(list)
    for p, c in link_set:
        incoming[c].append(p)
    memo: dict[PersonId, int] = {}

    def longest(c: PersonId) -> int:
        # Iterative depth-first evaluation (chains may be long); links follow parent→child edges
        # of a validated (acyclic) pedigree, so this terminates.
        stack = [c]
        while stack:
            x = stack[-1]
            if x in memo:
                stack.pop()
                continue
            todo = [p for p in incoming.get(x, ()) if p not in memo]
            if todo:
                stack.extend(todo)
                continue
            memo[x] = max((memo[p] + 1 for p in incoming.get(x, ())), default=0)
            stack.pop()
        return memo[c]

    return {c: longest(c) for c in list(incoming)}


def chains(
    persons: Any, partnerships: Any, events: Any, contacts: Any, window: tuple[Date, Date]
) -> dict[str, Any]:
    """docs/spec/indicators.md §chains: persons whose longest incoming chain has ≥ 1, ≥ 2, ≥ 3 links, and the
    continuation 2×2 (exposed = victim of a link, outcome = perpetrator of a link) over persons
    with a known birth whose childhood overlaps the window and who have a recorded child observed
    in that child's childhood."""
    P = Persons(persons)
    L = links(P, events, window)
    lengths = chain_lengths(L)
    out: dict[str, Any] = {
        "links": len(L),
        "ge1": sum(1 for v in lengths.values() if v >= 1),
        "ge2": sum(1 for v in lengths.values() if v >= 2),
        "ge3": sum(1 for v in lengths.values() if v >= 3),
    }
    exposed, outcome = _continuation_classes(P, L, window)
    out["continuation"] = two_by_two(exposed, outcome)
    return out


def chains_continuation_classes(
    persons: Any, events: Any, window: tuple[Date, Date]
) -> tuple[dict[PersonId, bool], dict[PersonId, bool]]:
    """The (exposed, outcome) of every person in the continuation table of ``chains``."""
    P = Persons(persons)
    return _continuation_classes(P, links(P, events, window), window)


def _continuation_classes(
    P: Persons, L: set[tuple[PersonId, PersonId]], window: tuple[Date, Date]
) -> tuple[dict[PersonId, bool], dict[PersonId, bool]]:
    ws, we = window
    victims = {c for _, c in L}
    perpetrators = {p for p, _ in L}

    def child_observed_in_childhood(c: PersonId) -> bool:
        b = P.birth[c]
        if b is None:
            return False
        last = min(we, birthday18(b) - dt.timedelta(days=1))
        if P.exit[c] is not None:
            last = min(last, P.exit[c])
        return max(b, ws) <= last

    exposed: dict[PersonId, bool] = {}
    outcome: dict[PersonId, bool] = {}
    for p in P.ids:
        b = P.birth[p]
        if b is None or not (b <= we and birthday18(b) > ws):
            continue
        if not any(child_observed_in_childhood(c) for c in P.children.get(p, ())):
            continue
        exposed[p] = p in victims
        outcome[p] = p in perpetrators
    return exposed, outcome


# --------------------------------------------------------------------------- 4a. λ_R
def relatives(P: Persons, p: PersonId, relation: str) -> set[PersonId]:
    """parent / full_sibling / half_sibling of p by docs/spec/common_rules.md §relations (self excluded, each
    once)."""
    if relation == "parent":
        return P.parents(p)
    mine = P.parents(p)
    candidates = {s for q in mine for s in P.children[q]} - {p}
    if relation == "full_sibling":
        if len(mine) != 2:
            return set()
        return {s for s in candidates if P.parents(s) == mine}
    if relation == "half_sibling":
        return {s for s in candidates if len(P.parents(s) & mine) == 1}
    raise ValueError(f"relation {relation!r} not implemented in the reference")


def recurrence_risk(
    persons: Any,
    partnerships: Any,
    events: Any,
    contacts: Any,
    window: tuple[Date, Date],
    relation: str,
    case_roles: Iterable[str] = CASE_ROLES,
) -> dict[str, Any]:
    """docs/spec/indicators.md §recurrence_risk (point estimate): K, K_R and λ_R = K_R / K over observed
    persons only.

    K = #observed cases / #observed; K_R = Σ over observed case probands of #(observed relatives
    that are cases) / Σ over observed case probands of #(observed relatives); ordered pairs.
    """
    ws, we = window
    P = Persons(persons)
    roles = set(case_roles)
    case = {r.person for r in _window_rows(events, ws, we) if r.role in roles}
    observed = {p for p in P.ids if P.observed(p, ws, we)}
    observed_cases = observed & case
    case_relatives = 0
    n_relatives = 0
    for p in observed_cases:
        rel = relatives(P, p, relation) & observed
        n_relatives += len(rel)
        case_relatives += len(rel & case)
    K = len(observed_cases) / len(observed) if observed else math.nan
    K_R = case_relatives / n_relatives if n_relatives else math.nan
    return {
        "observed": len(observed),
        "cases": len(observed_cases),
        "case_relatives": case_relatives,
        "relatives": n_relatives,
        "K": K,
        "K_R": K_R,
        "lambda": K_R / K if K and not math.isnan(K_R) else math.nan,
    }
