"""Child-year (person-period) expansion of a population, written from the generator's *model*
(docs/synthetic.md, "Child maltreatment") and docs/spec/common_rules.md §age-and-childhood — not from its C++.

It works only on the four output tables (pandas, as returned by ``ds.persons`` etc.); nothing here
imports famgraph. It is the test-side half of the coverage study of the planted transmission odds
ratio (docs/statistics.md, "Coverage study of the planted odds ratio").

Definitions (each one line below, checkable by eye):

* *birthday k*: the same month and day k years after birth, 29 February → 28 February in a common
  year (docs/spec/common_rules.md §age-and-childhood); *childhood*: a date before the 18th birthday.
* *child-year (p, y)*, y = 0…17: the days from the y-th birthday ``start`` to the day before the
  (y+1)-th ``end``; it is *at risk* iff ``start`` ≥ the simulation start and ``end`` ≤ min(exit,
  simulation end) — the whole year lies inside the simulation and the person's life (exit is
  inclusive; an empty exit means alive at the simulation end).
* *childhood victim*: a person with a ``victim`` row (any kind) dated in their childhood.
* *mother at home* in a child-year: alive on its first day, ``start`` ≤ the mother's last day.
* *father at home*: on ``start`` the union of the two recorded parents lasts — the partnership of
  the pair (either column order) has started, has not ended (an empty ``end_date`` never ends;
  the end day itself still counts) — and both parents are alive on that day (a union ends at the
  death or emigration of either partner).
* *exposed*: a parent at home was a childhood victim; defined only for children with both parents
  recorded (``exposed`` is ``<NA>`` otherwise).
* *outcome*: the number of ``victim`` rows of kind ``child_maltreatment`` of the child dated inside
  the child-year.

Example
-------
>>> import pandas as pd
>>> persons = pd.DataFrame({
...     "person_id": [1, 2, 3], "sex": ["F", "M", "F"],
...     "birth_date": ["1950-01-01", "1948-01-01", "1980-02-29"],
...     "exit_date": [None, "1985-06-30", None],
...     "mother_id": [None, None, 1], "father_id": [None, None, 2]})
>>> partnerships = pd.DataFrame({"person_a": [1], "person_b": [2],
...     "start_date": ["1975-01-01"], "end_date": [None]})
>>> events = pd.DataFrame({"incident_id": [1, 2], "person_id": [2, 3], "role": ["victim", "victim"],
...     "date": ["1960-05-01", "1983-03-01"], "kind": ["child_maltreatment"] * 2,
...     "source": ["gp", "gp"]})
>>> cy = expand(persons, partnerships, events, "1940-01-01", "1990-12-31").table
>>> kid = cy[cy["person_id"] == 3]
>>> kid["age"].tolist()                      # born 29 Feb 1980, simulation ends 1990: ages 0-9
[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
>>> kid["exposed"].astype(int).tolist()      # the father (a childhood victim) dies mid-age 5
[1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
>>> int(kid["outcome"].sum()), int(kid.loc[kid["outcome"] > 0, "age"].iloc[0])
(1, 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["ChildYears", "add_years", "childhood_victims", "days", "expand", "two_by_two_counts"]

Days = npt.NDArray[np.int64]  # day numbers (days since 1970-01-01)
MAX_AGE = 18


def days(values: pd.Series | list[object] | str, *, missing: int | None = None) -> Days:
    """ISO ``YYYY-MM-DD`` text → day numbers; empty/NA → ``missing`` (an error if None)."""
    s = pd.Series(values if not isinstance(values, str) else [values], dtype=object)
    empty = s.isna() | (s.astype(str).str.strip() == "")
    if empty.any() and missing is None:
        raise ValueError(f"missing date at row {int(np.flatnonzero(empty.to_numpy())[0])}")
    parsed = pd.to_datetime(s.where(~empty, "1970-01-01"), format="%Y-%m-%d")
    out = parsed.to_numpy(dtype="datetime64[D]").astype(np.int64)
    if missing is not None:
        out[empty.to_numpy()] = missing
    return out


def add_years(day: Days, years: int | Days) -> Days:
    """The same month and day ``years`` later; 29 February → 28 February in a common year.

    >>> d = days(["2000-02-29", "2001-03-01"])
    >>> [str(np.datetime64(int(x), "D")) for x in add_years(d, 1)]
    ['2001-02-28', '2002-03-01']
    """
    d64 = np.asarray(day, dtype=np.int64).astype("datetime64[D]")
    year = d64.astype("datetime64[Y]")
    month = d64.astype("datetime64[M]")
    month_of_year = (month - year.astype("datetime64[M]")).astype(np.int64)  # 0 = January
    day_of_month = (d64 - month.astype("datetime64[D]")).astype(np.int64) + 1
    y = year.astype(np.int64) + 1970 + np.asarray(years, dtype=np.int64)
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    day_of_month = np.where((month_of_year == 1) & (day_of_month == 29) & ~leap, 28, day_of_month)
    first = ((y - 1970).astype("datetime64[Y]").astype("datetime64[M]") + month_of_year).astype(
        "datetime64[D]"
    )
    out: Days = (first + (day_of_month - 1)).astype(np.int64)
    return out


def childhood_victims(
    persons: pd.DataFrame, events: pd.DataFrame, kinds: tuple[str, ...] | None = None
) -> set[int]:
    """Persons with a ``victim`` row dated before their 18th birthday (of the given ``kinds``;
    ``None`` = any kind)."""
    birth = pd.Series(days(persons["birth_date"]), index=persons["person_id"].to_numpy())
    v = events[events["role"] == "victim"]
    if kinds is not None:
        v = v[v["kind"].isin(kinds)]
    b = birth.reindex(v["person_id"].to_numpy()).to_numpy()
    child = days(v["date"]) < add_years(b, MAX_AGE)
    return {int(p) for p in v["person_id"].to_numpy()[child]}


@dataclass(frozen=True)
class ChildYears:
    """The expansion: ``table`` has one row per child-year at risk (all persons), with columns
    ``person_id, age, start, end`` (day numbers), ``both_parents``, ``mother_home``,
    ``father_home``, ``mother_victim``, ``father_victim``, ``exposed`` (nullable boolean) and
    ``outcome`` (count). ``unplaced`` counts child-maltreatment victim rows dated in the victim's
    childhood that fall in no child-year at risk (0 when the data follow the model)."""

    table: pd.DataFrame
    unplaced: int


def expand(
    persons: pd.DataFrame,
    partnerships: pd.DataFrame,
    events: pd.DataFrame,
    sim_start: str,
    sim_end: str,
) -> ChildYears:
    """Expand every person into child-years at risk with exposure and outcome (see module docs).

    Raises ``ValueError`` when the recorded parents of a child have no partnership or more than one.
    """
    start, end = int(days(sim_start)[0]), int(days(sim_end)[0])
    pid = persons["person_id"].to_numpy(dtype=np.int64)
    birth = days(persons["birth_date"])
    last = np.minimum(days(persons["exit_date"], missing=end), end)
    mother = persons["mother_id"].astype("Int64")
    father = persons["father_id"].astype("Int64")
    both = (mother.notna() & father.notna()).to_numpy()

    # Child-years at risk: the whole year inside [simulation start, min(exit, simulation end)].
    parts = []
    birthdays = [add_years(birth, k) for k in range(MAX_AGE + 1)]
    for y in range(MAX_AGE):
        ys, ye = birthdays[y], birthdays[y + 1] - 1
        keep = (ys >= start) & (ye <= last)
        parts.append(
            pd.DataFrame({"row": np.flatnonzero(keep), "age": y, "start": ys[keep], "end": ye[keep]})
        )
    cy = pd.concat(parts, ignore_index=True).sort_values(["row", "age"], ignore_index=True)
    row = cy["row"].to_numpy()
    cy.insert(0, "person_id", pid[row])
    cy["both_parents"] = both[row]

    # Parents' lives and childhood victimisation, and the union of the two recorded parents.
    index = pd.Series(np.arange(len(pid)), index=pid)
    victims = childhood_victims(persons, events)
    kids = np.flatnonzero(both)
    m_row = index.reindex(mother.to_numpy()[kids].astype(np.int64)).to_numpy()
    f_row = index.reindex(father.to_numpy()[kids].astype(np.int64)).to_numpy()
    if np.isnan(m_row.astype(float)).any() or np.isnan(f_row.astype(float)).any():
        raise ValueError("a recorded parent is not in persons")
    pa = partnerships["person_a"].to_numpy(dtype=np.int64)
    pb = partnerships["person_b"].to_numpy(dtype=np.int64)
    pairs = pd.DataFrame(
        {
            "lo": np.minimum(pa, pb),
            "hi": np.maximum(pa, pb),
            "u_start": days(partnerships["start_date"]),
            "u_end": days(partnerships["end_date"], missing=np.iinfo(np.int64).max),
        }
    )
    if pairs.duplicated(["lo", "hi"]).any():
        raise ValueError("a pair of persons has more than one partnership")
    mid, fid = pid[m_row], pid[f_row]
    parents = pd.DataFrame(
        {
            "row": kids,
            "m_last": last[m_row],
            "f_last": last[f_row],
            "m_victim": np.isin(mid, list(victims)),
            "f_victim": np.isin(fid, list(victims)),
            "lo": np.minimum(mid, fid),
            "hi": np.maximum(mid, fid),
        }
    ).merge(pairs, on=["lo", "hi"], how="left", validate="many_to_one")
    if parents["u_start"].isna().any():
        raise ValueError("the recorded parents of a child have no partnership")

    cy = cy.merge(parents.drop(columns=["lo", "hi"]), on="row", how="left", validate="many_to_one")
    s = cy["start"].to_numpy()
    has = cy["both_parents"].to_numpy()
    m_home = has & (s <= cy["m_last"].to_numpy(dtype=float))
    f_home = (
        has
        & (cy["u_start"].to_numpy(dtype=float) <= s)
        & (s <= cy["u_end"].to_numpy(dtype=float))
        & (s <= cy["m_last"].to_numpy(dtype=float))
        & (s <= cy["f_last"].to_numpy(dtype=float))
    )
    m_vic = cy["m_victim"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    f_vic = cy["f_victim"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    exposed = pd.array((m_home & m_vic) | (f_home & f_vic), dtype="boolean")
    exposed[~has] = pd.NA
    cy = cy.assign(
        mother_home=m_home,
        father_home=f_home,
        mother_victim=m_vic & has,
        father_victim=f_vic & has,
        exposed=exposed,
    )

    # Outcome: child-maltreatment victim rows placed in the child-year of the victim's age.
    v = events[(events["role"] == "victim") & (events["kind"] == "child_maltreatment")]
    vrow = index.reindex(v["person_id"].to_numpy()).to_numpy()
    vdate = days(v["date"])
    vbirth = birth[vrow]
    ts_date = pd.DatetimeIndex(vdate.astype("datetime64[D]"))
    ts_birth = pd.DatetimeIndex(vbirth.astype("datetime64[D]"))
    age = ts_date.year.to_numpy() - ts_birth.year.to_numpy()
    age = age - (vdate < add_years(vbirth, age)).astype(np.int64)  # completed years
    hits = pd.DataFrame({"row": vrow, "age": age})
    hits = hits[hits["age"] < MAX_AGE].groupby(["row", "age"]).size().rename("outcome").reset_index()
    cy = cy.merge(hits, on=["row", "age"], how="left", validate="one_to_one")
    cy["outcome"] = cy["outcome"].fillna(0).astype(np.int64)
    unplaced = int(hits["outcome"].sum() - cy["outcome"].sum())
    columns = ["person_id", "age", "start", "end", "both_parents", "mother_home", "father_home"]
    columns += ["mother_victim", "father_victim", "exposed", "outcome"]
    return ChildYears(table=cy[columns], unplaced=unplaced)


def two_by_two_counts(table: pd.DataFrame) -> tuple[int, int, int, int]:
    """(a, b, c, d) over child-years with a defined exposure; outcome = at least one incident.

    >>> t = pd.DataFrame({"exposed": pd.array([True, True, False, None], dtype="boolean"),
    ...                   "outcome": [1, 0, 2, 1]})
    >>> two_by_two_counts(t)
    (1, 1, 1, 0)
    """
    t = table[table["exposed"].notna()]
    e = t["exposed"].to_numpy(dtype=bool)
    o = t["outcome"].to_numpy() > 0
    return int((e & o).sum()), int((e & ~o).sum()), int((~e & o).sum()), int((~e & ~o).sum())
