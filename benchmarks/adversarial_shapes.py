"""Adversarial family shapes for the linear-time benchmark and the complexity tests.

Real registers contain families no population model produces: a placeholder parent id shared by
thousands of records, one incident with a whole school as participants, a person with thousands
of partners. Each shape below is a set of extra rows (persons, partnerships, events, contacts)
of size ``k`` that can be added to any population (``with_shape``) or used alone
(``shape_dataset``):

``sibship``
    one couple with ``k`` children; every other child has a child of their own (with a partner
    from outside), so the aunt/uncle, niece/nephew and first-cousin sets are of size ~k/2. Every
    child is the victim of one incident with the father as perpetrator, and the father has k/10
    contacts.
``placeholder``
    a parent of unknown sex and birth date (the placeholder id: the mother of half its children,
    the father of the others) with ``k`` children, each by a different partner; every child has a
    child of their own, so each grandchild has ~k aunts and uncles (the placeholder's other
    children). Every child is the victim of an incident with their mother, and the placeholder is
    perpetrator in k/4 incidents and has k/10 contacts.
``incident``
    one incident with ``k`` participants: k/2 parents (perpetrators) and their k/2 children
    (victims, minors at the date).
``partners``
    one person with ``k`` partners (partnership rows), two children with each; the person is
    perpetrator in k/4 incidents (one per group of children) and has k/4 contacts; every child is
    the victim of one incident.

Example
-------
>>> ds = shape_dataset("sibship", 100)
>>> ds.n_persons
202
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import famgraph as fg

SHAPES = ("sibship", "placeholder", "incident", "partners")


class _Rows:
    def __init__(self, first_id: int, first_incident: int, kind: str, sources: list[str]) -> None:
        self.next_id = first_id
        self.next_incident = first_incident
        self.kind = kind
        self.sources = sources
        self.persons: list[tuple] = []
        self.partnerships: list[tuple] = []
        self.events: list[tuple] = []
        self.contacts: list[tuple] = []

    def person(
        self, sex: str, birth: str | None, mother: int | None = None, father: int | None = None
    ) -> int:
        pid = self.next_id
        self.next_id += 1
        self.persons.append((pid, sex, birth, None, mother, father))
        return pid

    def incident(self, date: str, rows: list[tuple[int, str]]) -> None:
        inc = self.next_incident
        self.next_incident += 1
        src = self.sources[inc % len(self.sources)]
        for pid, role in rows:
            self.events.append((inc, pid, role, date, self.kind, src))

    def contact(self, pid: int, start: str, n: int) -> None:
        src = self.sources[(pid + n) % len(self.sources)]
        self.contacts.append((pid, src, self.kind, start, None))

    def frames(self) -> dict[str, pd.DataFrame]:
        persons = pd.DataFrame(
            self.persons, columns=["person_id", "sex", "birth_date", "exit_date", "mother_id", "father_id"]
        )
        for c in ("mother_id", "father_id"):
            persons[c] = pd.array(persons[c], dtype="Int64")
        return {
            "persons": persons,
            "partnerships": pd.DataFrame(
                self.partnerships, columns=["person_a", "person_b", "start_date", "end_date"]
            ),
            "events": pd.DataFrame(
                self.events, columns=["incident_id", "person_id", "role", "date", "kind", "source"]
            ),
            "contacts": pd.DataFrame(
                self.contacts, columns=["person_id", "source", "kind", "start_date", "end_date"]
            ),
        }


def _day(year: int, k: int) -> str:
    return f"{year:04d}-{1 + k % 12:02d}-{1 + k % 28:02d}"


def shape_frames(
    shape: str,
    k: int,
    *,
    first_id: int = 1,
    first_incident: int = 1,
    kind: str = "assault",
    sources: list[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The rows of one shape of size ``k`` (ids from ``first_id``, incidents from ``first_incident``)."""
    if shape not in SHAPES:
        raise ValueError(f"shape: {shape!r} (expected one of {', '.join(SHAPES)})")
    if k < 2:
        raise ValueError(f"k: {k} (expected at least 2)")
    r = _Rows(first_id, first_incident, kind, sources or ["police", "youth_care", "shelter"])
    if shape == "sibship":
        mother, father = r.person("F", "1950-03-01"), r.person("M", "1949-05-01")
        for j in range(k):
            year = 1975 + j % 16
            c = r.person("FM"[j % 2], _day(year, j), mother, father)
            r.incident(_day(year + 8, j), [(c, "victim"), (father, "perpetrator")])
            if j % 2 == 0:  # c is a daughter: her child with a partner from outside
                partner = r.person("M", _day(year, j + 1))
                r.person("FM"[(j // 2) % 2], _day(year + 25, j), c, partner)
        for j in range(max(1, k // 10)):
            r.contact(father, _day(1978 + j % 30, j), j)
    elif shape == "placeholder":
        hub = r.person("U", None)
        for j in range(k):
            year = 1975 + j % 20
            # the placeholder is the mother of half its children and the father of the others
            partner = r.person("MF"[j % 2], _day(1950 + j % 10, j))
            c = r.person("M", _day(year, j), *((hub, partner) if j % 2 == 0 else (partner, hub)))
            r.incident(_day(year + 5, j), [(c, "victim"), (partner, "perpetrator")])
            wife = r.person("F", _day(year, j + 3))
            r.person("FM"[j % 2], _day(year + 25, j), wife, c)
            if j % 4 == 0:
                r.incident(_day(year + 10, j), [(c, "victim"), (hub, "perpetrator")])
            if j % 10 == 0:
                r.contact(hub, _day(1985 + j % 30, j), j)
    elif shape == "incident":
        rows = []
        for j in range(k // 2):
            parent = r.person("FM"[j % 2], _day(1960 + j % 15, j))
            mother, father = (parent, None) if j % 2 == 0 else (None, parent)
            child = r.person("FM"[(j // 2) % 2], _day(2000 + j % 5, j), mother, father)
            rows += [(parent, "perpetrator"), (child, "victim")]
        r.incident("2012-06-15", rows)
    elif shape == "partners":
        hub = r.person("M", "1950-01-01")
        kids = []
        for j in range(k):
            partner = r.person("F", _day(1950 + j % 10, j))
            r.partnerships.append((hub, partner, None, None))
            for t in range(2):
                year = 1980 + (2 * j + t) % 25
                c = r.person("FM"[t], _day(year, j + t), partner, hub)
                r.incident(_day(year + 6, j + t), [(c, "victim"), (partner, "perpetrator")])
                kids.append((c, year))
        for j in range(max(1, k // 4)):
            c, year = kids[(8 * j) % len(kids)]
            r.incident(_day(year + 9, j), [(c, "victim"), (hub, "perpetrator")])
            r.contact(hub, _day(1980 + j % 30, j), j)
    return r.frames()


def shape_dataset(shape: str, k: int) -> fg.Dataset:
    """One shape of size ``k`` on its own, as a validated dataset."""
    f = shape_frames(shape, k)
    return fg.Dataset.from_pandas(f["persons"], f["partnerships"], f["events"], f["contacts"])


def with_shape(base: fg.Dataset, shape: str, k: int) -> fg.Dataset:
    """``base`` with one shape of size ``k`` added (fresh ids and incident ids after the base's)."""
    persons, partnerships, events, contacts = base.persons, base.partnerships, base.events, base.contacts
    kinds = sorted(set(events["kind"].dropna())) or ["assault"]
    sources = sorted(set(events["source"].dropna())) or ["police"]
    f = shape_frames(
        shape,
        k,
        first_id=int(persons["person_id"].max()) + 1,
        first_incident=int(pd.to_numeric(events["incident_id"]).max()) + 1 if len(events) else 1,
        kind=kinds[0],
        sources=sources,
    )

    def cat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([a.astype(object), b[list(a.columns)].astype(object)], ignore_index=True)

    return fg.Dataset.from_pandas(
        cat(persons, f["persons"]),
        cat(partnerships, f["partnerships"]),
        cat(events, f["events"]),
        cat(contacts, f["contacts"]),
    )


def sizes(ds: fg.Dataset) -> dict[str, int]:
    return {"persons": ds.n_persons, "event_rows": ds.n_events, "incidents": ds.n_incidents}


if __name__ == "__main__":  # a quick look at the shapes
    for s in SHAPES:
        d = shape_dataset(s, 200)
        print(s, sizes(d), np.bincount(d.graph._core.generation().astype(np.int64)).tolist())
