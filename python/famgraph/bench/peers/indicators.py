"""Indicator counts of docs/spec/indicators.md in pandas (networkx for the chain lengths), from the text.

Each function takes :class:`peers.tables.Tables` and an optional window ``(ws, we)`` in day
numbers (default: first to last event date) and returns a flat ``dict`` of counts whose keys the
driver matches against famgraph's (``famgraph._core.indicators``) numbers.

1. ``victim_to_perpetrator`` — eligible: birth known and ws < 18th birthday ≤ min(we, exit);
   exposed: in-window victim/witness row in childhood; outcome: in-window perpetrator row as an
   adult; 2×2 overall, by sex and by birth decade; survival data (days from the 18th birthday to
   the first adult perpetration, censored at min(we, exit)).
3. ``chains`` — links (parent perpetrator, child victim in childhood, same incident, both rows in
   the window), longest chain ending at each person (networkx over the link DAG), continuation 2×2.
4a. ``recurrence_risk`` — observed persons, cases (in-window perpetrator row), ordered
   (case proband, observed relative) pairs for parent, full and half siblings.
4b. ``repeat_incidents`` — persons and nuclear families: a second distinct incident within T days
   of the first in-window row, among units followed for T days.
5. ``early_signalling`` — first in-window row, contacts starting 1..365·N days before it (own; own
   or a parent's for minors), per organisation; lead time of the earliest earlier own contact.
6. ``agency_overlap`` — organisations knowing each person / nuclear family: exact combinations,
   pairwise both/either, known to ≥ 1 and ≥ 2.

Example
-------
>>> victim_to_perpetrator(t)["overall.a"]                           # doctest: +SKIP
4
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .relatives import both_ways, sibling_pairs
from .tables import Tables, in_window, last_day, observed, parent_links

Window = tuple[float, float] | None
Numbers = dict[str, Any]


def _window(t: Tables, window: Window) -> tuple[float, float]:
    return t.window() if window is None else window


def _two_by_two(prefix: str, exposed: pd.Series, outcome: pd.Series) -> Numbers:
    e, o = exposed.to_numpy(bool), outcome.to_numpy(bool)
    return {
        f"{prefix}.a": int((e & o).sum()),
        f"{prefix}.b": int((e & ~o).sum()),
        f"{prefix}.c": int((~e & o).sum()),
        f"{prefix}.d": int((~e & ~o).sum()),
    }


# ------------------------------------------------------------------------------------------ 1
def victim_to_perpetrator(
    t: Tables, window: Window = None, exposure_roles: tuple[str, ...] = ("victim", "witness")
) -> Numbers:
    ws, we = _window(t, window)
    P = t.persons
    ev = in_window(t.events, ws, we).merge(P[["person_id", "b18"]], on="person_id")
    exposed_ids = ev.loc[ev["role"].isin(exposure_roles) & (ev["day"] < ev["b18"]), "person_id"].unique()
    first_perp = (
        ev[(ev["role"] == "perpetrator") & (ev["day"] >= ev["b18"])].groupby("person_id")["day"].min()
    )
    end = np.minimum(last_day(P), we)
    elig = P[P["birth"].notna() & (P["b18"] > ws) & (P["b18"] <= end)].copy()
    elig["end"] = end[elig.index]
    elig["exposed"] = elig["person_id"].isin(exposed_ids)
    elig["outcome"] = elig["person_id"].isin(first_perp.index)
    out = _two_by_two("overall", elig["exposed"], elig["outcome"])
    for sex in ("F", "M", "U"):
        g = elig[elig["sex"] == sex]
        out.update(_two_by_two(f"sex.{sex}", g["exposed"], g["outcome"]))
    decade = (pd.to_datetime(elig["birth"], unit="D").dt.year // 10) * 10
    for dec, g in elig.groupby(decade):
        out.update(_two_by_two(f"decade.{int(dec)}", g["exposed"], g["outcome"]))
    stop = elig["person_id"].map(first_perp).fillna(elig["end"])
    out["km.n"] = len(elig)
    out["km.events"] = int(elig["outcome"].sum())
    out["km.time_sum"] = int((stop - elig["b18"]).sum())
    return out


# ------------------------------------------------------------------------------------------ 3
def chain_links(t: Tables, ws: float, we: float) -> pd.DataFrame:
    """Unique (p, c) links: p perpetrator and c victim in one incident, p a recorded parent of c,
    c's birth known, both rows in the window, the victim row in c's childhood."""
    ev = in_window(t.events, ws, we)
    victims = ev.loc[ev["role"] == "victim", ["incident_id", "person_id", "day"]]
    perps = ev.loc[ev["role"] == "perpetrator", ["incident_id", "person_id"]]
    pairs = victims.merge(perps, on="incident_id", suffixes=("_c", "_p"))
    pairs = pairs.merge(
        t.persons[["person_id", "mother_id", "father_id", "birth", "b18"]],
        left_on="person_id_c",
        right_on="person_id",
    )
    is_parent = (pairs["person_id_p"] == pairs["mother_id"]).fillna(False) | (
        pairs["person_id_p"] == pairs["father_id"]
    ).fillna(False)
    ok = is_parent & pairs["birth"].notna() & (pairs["day"] < pairs["b18"])
    links = pairs.loc[ok, ["person_id_p", "person_id_c"]].drop_duplicates()
    return links.rename(columns={"person_id_p": "p", "person_id_c": "c"})


def chains(t: Tables, window: Window = None) -> Numbers:
    import networkx as nx

    ws, we = _window(t, window)
    links = chain_links(t, ws, we)
    g = nx.DiGraph()
    g.add_edges_from(zip(links["p"].tolist(), links["c"].tolist(), strict=True))
    length: dict[int, int] = {}
    for v in nx.topological_sort(g):
        length[v] = max((length[u] + 1 for u in g.predecessors(v)), default=0)
    lengths = np.fromiter(length.values(), dtype=np.int64, count=len(length))
    out: Numbers = {
        "links": len(links),
        "ge1": int((lengths >= 1).sum()),
        "ge2": int((lengths >= 2).sum()),
        "ge3": int((lengths >= 3).sum()),
        "longest": int(lengths.max(initial=0)),
    }
    # Continuation: persons whose childhood overlaps the window, with a recorded child observed in
    # that child's childhood.
    P = t.persons
    kids = parent_links(P).merge(P[["person_id", "birth", "exit", "b18"]], on="person_id")
    kid_end = np.minimum(np.minimum(kids["exit"].fillna(np.inf), we), kids["b18"] - 1)
    kid_ok = kids["birth"].notna() & (np.maximum(kids["birth"], ws) <= kid_end)
    parents_ok = kids.loc[kid_ok, "parent"].unique()
    pop = P[P["birth"].notna() & (P["birth"] <= we) & (P["b18"] > ws) & P["person_id"].isin(parents_ok)]
    out.update(
        _two_by_two("continuation", pop["person_id"].isin(links["c"]), pop["person_id"].isin(links["p"]))
    )
    return out


# ------------------------------------------------------------------------------------------ 4a
def recurrence_risk(
    t: Tables,
    window: Window = None,
    case_roles: tuple[str, ...] = ("perpetrator",),
    relations: tuple[str, ...] = ("parent", "full_sibling", "half_sibling"),
) -> Numbers:
    ws, we = _window(t, window)
    P = t.persons
    obs = P.loc[observed(P, ws, we), "person_id"]
    ev = in_window(t.events, ws, we)
    case_ids = ev.loc[ev["role"].isin(case_roles), "person_id"].unique()
    obs_cases = obs[obs.isin(case_ids)]
    out: Numbers = {"observed": len(obs), "cases": len(obs_cases)}
    full, half = sibling_pairs(P)
    pairs_by_relation = {
        "parent": parent_links(P).rename(columns={"parent": "relative"}),
        "full_sibling": both_ways(full),
        "half_sibling": both_ways(half),
    }
    for rel in relations:
        pairs = pairs_by_relation[rel]
        pairs = pairs[pairs["person_id"].isin(obs_cases) & pairs["relative"].isin(obs)]
        out[f"{rel}.relatives"] = len(pairs)
        out[f"{rel}.case_relatives"] = int(pairs["relative"].isin(case_ids).sum())
    return out


# ------------------------------------------------------------------------------------------ 4b
def nuclear_families(persons: pd.DataFrame) -> pd.DataFrame:
    """(family, person_id) membership: the unordered recorded parent pair and their common children
    (one known parent: that parent and the children whose other parent is unknown)."""
    kids = persons[persons["mother_id"].notna() | persons["father_id"].notna()]
    unknown = int(persons["person_id"].min()) - 1
    m = kids["mother_id"].fillna(unknown).astype("int64").to_numpy()
    f = kids["father_id"].fillna(unknown).astype("int64").to_numpy()
    key = pd.DataFrame({"k1": np.minimum(m, f), "k2": np.maximum(m, f)})
    fam = key.groupby(["k1", "k2"]).ngroup().to_numpy()
    parents = pd.DataFrame({"family": fam, "k1": key["k1"], "k2": key["k2"]}).drop_duplicates("family")
    members = pd.concat(
        [
            pd.DataFrame({"family": fam, "person_id": kids["person_id"].to_numpy()}),
            pd.DataFrame({"family": parents["family"], "person_id": parents["k1"]}),
            pd.DataFrame({"family": parents["family"], "person_id": parents["k2"]}),
        ],
        ignore_index=True,
    )
    return members[members["person_id"] != unknown].drop_duplicates(ignore_index=True)


def _repeats(rows: pd.DataFrame, unit_last: pd.Series, we: float, T: int) -> tuple[int, int]:
    """rows: unit, incident_id, day. unit_last: last observed day per unit (inf = none)."""
    t0 = rows.groupby("unit")["day"].min()
    followed = t0[t0 + T <= np.minimum(unit_last.reindex(t0.index), we)]
    r = rows[rows["unit"].isin(followed.index)]
    r = r[r["day"] <= r["unit"].map(t0) + T]
    distinct = r.groupby("unit")["incident_id"].nunique()
    return len(followed), int((distinct >= 2).sum())


def repeat_incidents(t: Tables, window: Window = None, T: int = 365) -> Numbers:
    ws, we = _window(t, window)
    P = t.persons
    ev = in_window(t.events, ws, we)[["person_id", "incident_id", "day"]]
    person_last = pd.Series(last_day(P).to_numpy(), index=P["person_id"].to_numpy())
    n, rep = _repeats(ev.rename(columns={"person_id": "unit"}), person_last, we, T)
    members = nuclear_families(P)
    rows = members.merge(ev, on="person_id").rename(columns={"family": "unit"})
    family_last = members["person_id"].map(person_last).groupby(members["family"]).max()
    fn, frep = _repeats(rows, family_last, we, T)
    return {"persons.n": n, "persons.repeat": rep, "families.n": fn, "families.repeat": frep}


# ------------------------------------------------------------------------------------------ 5
def organisations(t: Tables) -> list[str]:
    """Every organisation that is a source anywhere in the data."""
    return sorted(set(t.events["source"].dropna()) | set(t.contacts["source"].dropna()))


def early_signalling(t: Tables, window: Window = None, years: tuple[int, ...] = (1, 2, 5)) -> Numbers:
    ws, we = _window(t, window)
    P = t.persons
    ev = in_window(t.events, ws, we)
    first = ev.groupby("person_id")["day"].min().rename("t0").reset_index()
    first = first.merge(P[["person_id", "birth", "b18"]], on="person_id")
    minors = first[first["birth"].notna() & (first["t0"] < first["b18"])]
    C = t.contacts[["person_id", "source", "start"]]
    own = first[["person_id", "t0"]].merge(C, on="person_id")
    own["lag"] = own["t0"] - own["start"]
    parents = minors[["person_id", "t0"]].merge(parent_links(P), on="person_id")
    via_parent = parents.merge(C.rename(columns={"person_id": "parent"}), on="parent")
    via_parent["lag"] = via_parent["t0"] - via_parent["start"]
    self_or_parent = pd.concat(
        [own[own["person_id"].isin(minors["person_id"])], via_parent[own.columns]], ignore_index=True
    )
    out: Numbers = {"first_incidents": len(first), "minors": len(minors)}
    orgs = organisations(t)
    for n in years:
        a = own[(own["lag"] >= 1) & (own["lag"] <= 365 * n)]
        b = self_or_parent[(self_or_parent["lag"] >= 1) & (self_or_parent["lag"] <= 365 * n)]
        out[f"all.{n}.preceded"] = a["person_id"].nunique()
        out[f"all.{n}.preceded_minor"] = b["person_id"].nunique()
        by_a = a.groupby("source")["person_id"].nunique()
        by_b = b.groupby("source")["person_id"].nunique()
        for org in orgs:
            out[f"{org}.{n}.preceded"] = int(by_a.get(org, 0))
            out[f"{org}.{n}.preceded_minor"] = int(by_b.get(org, 0))
    earlier = own[own["start"] < own["t0"]]
    lead = (earlier.groupby("person_id")["lag"].max()).to_numpy()
    out["lead_time.n"] = len(lead)
    out["lead_time.sum"] = int(lead.sum())
    if len(lead):
        q1, med, q3 = np.quantile(lead, [0.25, 0.5, 0.75])
        out.update({"lead_time.q1": float(q1), "lead_time.median": float(med), "lead_time.q3": float(q3)})
    return out


# ------------------------------------------------------------------------------------------ 6
def _overlap(prefix: str, known: pd.DataFrame, orgs: list[str]) -> Numbers:
    """known: unit, source (unique rows)."""
    combos = known.sort_values(["unit", "source"]).groupby("unit")["source"].agg("+".join)
    out: Numbers = {f"{prefix}.combination.{k}": int(v) for k, v in combos.value_counts().items()}
    matrix = pd.crosstab(known["unit"], known["source"]).reindex(columns=orgs, fill_value=0) > 0
    for i, x in enumerate(orgs):
        for y in orgs[i + 1 :]:
            out[f"{prefix}.pair.{x}+{y}.both"] = int((matrix[x] & matrix[y]).sum())
            out[f"{prefix}.pair.{x}+{y}.either"] = int((matrix[x] | matrix[y]).sum())
    n_orgs = matrix.sum(axis=1)
    out[f"{prefix}.known_1plus"] = int((n_orgs >= 1).sum())
    out[f"{prefix}.known_2plus"] = int((n_orgs >= 2).sum())
    return out


def agency_overlap(t: Tables, window: Window = None) -> Numbers:
    ws, we = _window(t, window)
    ev = in_window(t.events, ws, we)[["person_id", "source"]]
    C = t.contacts
    cw = C.loc[(C["start"] <= we) & (C["end"].isna() | (C["end"] >= ws)), ["person_id", "source"]]
    known = pd.concat([ev, cw], ignore_index=True).drop_duplicates()
    orgs = organisations(t)
    out = _overlap("persons", known.rename(columns={"person_id": "unit"}), orgs)
    fam = nuclear_families(t.persons).merge(known, on="person_id")[["family", "source"]].drop_duplicates()
    out.update(_overlap("families", fam.rename(columns={"family": "unit"}), orgs))
    return out


INDICATORS = {
    "victim_to_perpetrator": victim_to_perpetrator,
    "chains": chains,
    "recurrence_risk": recurrence_risk,
    "repeat_incidents": repeat_incidents,
    "early_signalling": early_signalling,
    "agency_overlap": agency_overlap,
}
