"""Shared inputs of test_plot.py and test_report.py: the bundled example with unusual ids.

Every person id of the 26-person example is replaced by a 9-digit token such as 918273645 (and
every incident id likewise), so that a leak of an id into a figure or a report is found by a
plain text search and cannot be mistaken for a count, a year or a date.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import famgraph as fg

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "data"
ID_BASE = 918_273_645
INCIDENT_BASE = 736_251_904


def unusual_ids() -> tuple[fg.Dataset, list[int], list[int]]:
    """The example dataset with every person and incident id replaced; the new ids."""
    persons = pd.read_csv(EXAMPLE / "persons.csv", dtype=str, keep_default_na=False)
    partnerships = pd.read_csv(EXAMPLE / "partnerships.csv", dtype=str, keep_default_na=False)
    events = pd.read_csv(EXAMPLE / "events.csv", dtype=str, keep_default_na=False)
    contacts = pd.read_csv(EXAMPLE / "contacts.csv", dtype=str, keep_default_na=False)
    new = {old: str(ID_BASE + 7_919 * k) for k, old in enumerate(persons["person_id"])}
    incidents = {
        old: str(INCIDENT_BASE + 104_729 * k) for k, old in enumerate(sorted(set(events["incident_id"])))
    }

    def remap(col: pd.Series) -> pd.Series:
        return col.map(lambda v: new[v] if v else "")

    persons = persons.assign(
        person_id=remap(persons["person_id"]),
        mother_id=remap(persons["mother_id"]),
        father_id=remap(persons["father_id"]),
    ).drop(columns=["note"])
    partnerships = partnerships.assign(
        person_a=remap(partnerships["person_a"]), person_b=remap(partnerships["person_b"])
    )
    events = events.assign(
        person_id=remap(events["person_id"]), incident_id=events["incident_id"].map(incidents)
    )
    contacts = contacts.assign(person_id=remap(contacts["person_id"]))
    persons = persons.replace({"": None})
    partnerships = partnerships.replace({"": None})
    contacts = contacts.replace({"": None})
    ds = fg.Dataset.from_pandas(persons, partnerships, events, contacts)
    return ds, [int(v) for v in new.values()], [int(v) for v in incidents.values()]
