"""Linking the exports of several organisations into one dataset by keyed pseudonym.

Each organisation exports its own famgraph tables (persons, partnerships, events, contacts) with
its *local* person ids, and a pseudonym column in persons (HMAC-SHA256 of the person's identifier
under a shared key, see :mod:`famgraph.privacy`). :func:`link` matches persons by pseudonym, gives
every linked person one new famgraph ``person_id``, remaps the ids in every table, resolves
conflicting attributes by fixed rules, and reports what it did in a disclosure-controlled
:class:`LinkageReport`. The rules and the reasons for them are in ``docs/linkage.md``:

- ids: persons with a pseudonym get ``1..K`` in increasing pseudonym order; persons without one
  (never dropped) get ``K+1..`` in order of (organisation name, local id); incidents are numbered
  per organisation in the same way — the result does not depend on the order of the exports;
- conflicts (only recorded values vote; an empty value never conflicts): a value from a
  *priority* source wins (the microdata register by default); then the value recorded by most
  records (for dates a coarser date such as ``1985`` supports every date inside it); then the more
  precise date; then the earlier birth date / the later exit date. A sex tie (F against M) is
  ``U``; a parent tie is unknown. Dates that only differ in precision (``1985`` and
  ``1985-03-12``) are not a conflict: the more precise is kept.

Example
-------
>>> import famgraph as fg
>>> a = fg.linkage.Export("police", persons=persons_a, events=events_a)     # doctest: +SKIP
>>> b = fg.linkage.Export("youth_care", persons=persons_b)                  # doctest: +SKIP
>>> ds, report = fg.link([a, b])                                            # doctest: +SKIP
>>> print(report.summary())                                                 # doctest: +SKIP
"""

from __future__ import annotations

import errno
import html
import io
import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from . import _files, disclosure
from ._convert import TABLE_COLUMNS
from ._errors import DataError, DataIssue, shown
from .dataset import TABLES, Dataset, MissingParents

__all__ = ["FIELDS", "RESOLUTIONS", "Export", "LinkageReport", "Linked", "link", "link_tables"]

PathLike = str | os.PathLike[str]

#: The person attributes that are reconciled across records of the same person.
FIELDS: Final = ("sex", "birth_date", "exit_date", "mother_id", "father_id")

#: Every way a conflict can be resolved, per field (the rows of the ``conflicts`` table).
RESOLUTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "sex": ("priority", "majority", "tie_unknown", "parent_role_unknown"),
    "birth_date": ("priority", "majority", "more_precise", "earlier"),
    "exit_date": ("priority", "majority", "more_precise", "later"),
    "mother_id": ("priority", "majority", "tie_unknown", "self_unknown", "same_as_father_unknown"),
    "father_id": ("priority", "majority", "tie_unknown", "self_unknown", "same_as_mother_unknown"),
}

#: What each resolution means (for the report and the documentation).
RESOLUTION_TEXT: Final[Mapping[str, str]] = {
    "priority": "a priority source (e.g. the population register) recorded a value: it was kept",
    "majority": "the value supported by most records was kept",
    "more_precise": "records tied: the more precise date was kept",
    "earlier": "records tied at equal precision: the earlier date was kept",
    "later": "records tied at equal precision: the later date was kept",
    "tie_unknown": "records tied: set to unknown (sex U / no parent)",
    "parent_role_unknown": "the sex contradicts the person's role as mother or father: set to U",
    "self_unknown": "the parent would be the person themself: set to unknown",
    "same_as_father_unknown": "mother and father would be the same person: both set to unknown",
    "same_as_mother_unknown": "mother and father would be the same person: both set to unknown",
}


# ---------------------------------------------------------------------------------------------- exports


@dataclass
class Export:
    """The tables one organisation exported, with its name.

    ``persons`` holds ``person_id`` (the organisation's local ids) and the pseudonym column
    (default ``pseudonym``); without ``person_id``, the pseudonym is the local id and every other
    table refers to persons by pseudonym. The other tables use the famgraph layout (docs/spec/data_contract.md
    §tables) with local ids. ``labels`` name the tables in error messages (default ``"persons (NAME)"``).
    """

    organisation: str
    persons: pd.DataFrame
    partnerships: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    contacts: pd.DataFrame | None = None
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, value: Mapping[str, Any], organisation: str | None = None) -> Export:
        """From ``{"organisation": NAME, "persons": df, ...}`` (or tables only, with ``organisation``)."""
        name = value.get("organisation", organisation)
        unknown = set(value) - {"organisation", "labels", *TABLES}
        if unknown:
            raise ValueError(
                f"export {name!r}: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                f"(expected organisation, {', '.join(TABLES)}, labels)"
            )
        if "persons" not in value:
            raise ValueError(f"export {name!r}: the persons table is required")
        if not isinstance(name, str):
            raise ValueError("every export needs an organisation name (a non-empty string)")
        return cls(
            name,
            value["persons"],
            value.get("partnerships"),
            value.get("events"),
            value.get("contacts"),
            dict(value.get("labels") or {}),
        )

    @classmethod
    def from_csv(cls, folder: PathLike, organisation: str | None = None) -> Export:
        """Read ``persons.csv`` and the optional other tables of a folder; the name defaults to its name.

        Errors name the file and the line (row position + 2, i.e. the CSV line when no field spans
        several lines).
        """
        path = _files.input_folder(folder, "an export folder holding persons.csv")
        if _files.optional_input(path / "persons.csv", "the persons table") is None:
            raise FileNotFoundError(
                errno.ENOENT, f"{path / 'persons.csv'} not found (every export needs a persons table)"
            )
        tables: dict[str, pd.DataFrame] = {}
        labels: dict[str, str] = {}
        for t in TABLES:
            f = _files.optional_input(path / f"{t}.csv", f"the {t} table, a CSV file")
            if f is not None:
                tables[t] = _read_text_csv(f)
                labels[t] = str(f)
        name = organisation if organisation is not None else path.resolve().name
        return cls(
            name,
            tables["persons"],
            tables.get("partnerships"),
            tables.get("events"),
            tables.get("contacts"),
            labels,
        )

    def label(self, table: str) -> str:
        return self.labels.get(table, f"{table} ({self.organisation})")


def _read_text_csv(path: Path) -> pd.DataFrame:
    """A CSV file as text columns, empty fields missing; unreadable files are a DataError."""
    data = _files.read_input(path, "a CSV file")
    try:
        df = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as e:
        issue = DataIssue(
            "error", "parse.csv", str(path), 0, "", "", f"not a readable CSV file: {shown(e, 300)}"
        )
        raise DataError(f"1 error in the input:\n  {issue}", [issue]) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df.map(lambda v: v.strip() or None if isinstance(v, str) else v)


def _exports(value: Any) -> list[Export]:
    if isinstance(value, Export):
        items: list[Export] = [value]
    elif isinstance(value, Mapping):
        if "persons" in value:
            items = [Export.from_mapping(value)]
        else:  # {organisation: {table: df}}
            items = [
                v if isinstance(v, Export) else Export.from_mapping(v, organisation=str(k))
                for k, v in value.items()
            ]
    else:
        items = [v if isinstance(v, Export) else Export.from_mapping(v) for v in value]
    if not items:
        raise ValueError("link needs at least one export")
    names = [e.organisation for e in items]
    for n in names:
        if not isinstance(n, str) or not n.strip():
            raise ValueError(f"organisation names must be non-empty strings, got {n!r}")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"organisation name(s) used by more than one export: {', '.join(dup)}")
    return items


# ---------------------------------------------------------------------------------------------- one export


def _pseudonyms(export: Export, on: str) -> pd.Series:
    """The pseudonym column as Int64; anything that is not a whole int64 is a DataError."""
    persons = export.persons
    if on not in persons.columns:
        raise ValueError(
            f"{export.label('persons')}: no pseudonym column {on!r} (columns: "
            f"{', '.join(map(str, persons.columns))}); pass on=... to name it"
        )
    s = persons[on]
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype("Int64")
    out: list[Any] = []
    issues: list[DataIssue] = []
    for i, v in enumerate(s.tolist()):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(pd.NA)
            continue
        x: int | None = None
        if isinstance(v, bool | np.bool_):
            x = None
        elif isinstance(v, int | np.integer):
            x = int(v)
        elif isinstance(v, float | np.floating) and float(v).is_integer():
            x = int(v)
        elif isinstance(v, str):
            t = v.strip()
            if t == "":
                out.append(pd.NA)
                continue
            body = t[1:] if t[:1] in "+-" else t
            if body.isascii() and body.isdigit():
                x = int(t)
        if x is None or not -(2**63) <= x < 2**63:
            if len(issues) < 100:
                issues.append(
                    DataIssue(
                        "error",
                        "link.pseudonym",
                        export.label("persons"),
                        i + 2,
                        on,
                        shown(v),
                        f"'{shown(v)}' is not a pseudonym (expected a whole number within int64)",
                    )
                )
            out.append(pd.NA)
        else:
            out.append(x)
    if issues:
        raise DataError(
            f"{len(issues)} error{'s' if len(issues) != 1 else ''} in the input:\n"
            + "\n".join(f"  {i}" for i in issues),
            issues,
            len(issues) >= 100,
        )
    return pd.Series(pd.array(out, dtype="Int64"), index=s.index)


@dataclass
class _Prepared:
    export: Export
    persons: pd.DataFrame  # canonical persons + "pseudonym"
    tables: dict[str, pd.DataFrame]  # canonical partnerships, events, contacts
    priority: bool


def _prepare(export: Export, on: str, missing_parents: MissingParents, priority: bool) -> _Prepared:
    persons = export.persons
    if not isinstance(persons, pd.DataFrame):
        raise TypeError(f"export {export.organisation!r}: persons must be a DataFrame")
    pseudo = _pseudonyms(export, on)
    persons = persons.copy()
    if "person_id" not in persons.columns:
        # The pseudonym is the local id; persons without one get ids no pseudonym uses.
        n_missing = int(pseudo.isna().sum())
        if n_missing:
            # the smallest non-negative integers that are not pseudonyms of this export
            used = set(pseudo.dropna().astype("int64").tolist())
            fresh_ids: list[int] = []
            k = 0
            while len(fresh_ids) < n_missing:
                if k not in used:
                    fresh_ids.append(k)
                k += 1
            fresh = np.array(fresh_ids, dtype=np.int64)
            local = pseudo.copy()
            local[pseudo.isna()] = fresh
        else:
            local = pseudo
        persons["person_id"] = local.astype("Int64")
    frames = {
        "persons": persons,
        "partnerships": export.partnerships,
        "events": export.events,
        "contacts": export.contacts,
    }
    labels = {t: export.label(t) for t in TABLES}
    ds = Dataset.from_pandas(
        persons,
        frames["partnerships"],
        frames["events"],
        frames["contacts"],
        missing_parents=missing_parents,
        labels=labels,
    )
    canon = ds.persons.copy()
    ids = persons["person_id"]
    # Int64 throughout: through float64 (what .to_numpy() gives with NA) 64-bit pseudonyms lose bits.
    by_id = pd.Series(pseudo.array, index=pd.Index(pd.to_numeric(ids).astype("int64")))
    # parents added by missing_parents="add" have no pseudonym
    canon["pseudonym"] = by_id.reindex(canon["person_id"].to_numpy()).array
    tables = {t: getattr(ds, t).copy() for t in ("partnerships", "events", "contacts")}
    return _Prepared(export, canon, tables, priority)


# ---------------------------------------------------------------------------------------------- resolution


def _resolve_category(values: list[Any], prio: list[Any], tie: Any) -> tuple[Any, str | None]:
    """(value, resolution); resolution None when the records agree."""
    if len(set(values)) <= 1:
        return (values[0] if values else None), None
    label = None
    if prio:
        if len(set(prio)) == 1:
            return prio[0], "priority"
        values, label = prio, "priority"
    counts = Counter(values).most_common()
    top = counts[0][1]
    winners = [v for v, c in counts if c == top]
    if len(winners) == 1:
        return winners[0], label or "majority"
    return tie, label or "tie_unknown"


def _chain(values: Iterable[str]) -> str | None:
    """The most precise date when all dates are nested periods of each other, else None."""
    vs = sorted(set(values), key=len)
    finest = vs[-1]
    return finest if all(finest.startswith(v) for v in vs) else None


def _resolve_date(values: list[str], prio: list[str], later: bool) -> tuple[str | None, str | None]:
    """(value, resolution); resolution "refined" when the dates only differ in precision."""
    if not values:
        return None, None
    finest = _chain(values)
    if finest is not None:
        return finest, (None if len(set(values)) == 1 else "refined")
    label = None
    if prio:
        p = _chain(prio)
        if p is not None:
            return p, "priority"
        values, label = prio, "priority"
    candidates = sorted(set(values))
    support = {v: sum(1 for r in values if v.startswith(r)) for v in candidates}
    best = max(support.values())
    top = [v for v in candidates if support[v] == best]
    if len(top) == 1:
        return top[0], label or "majority"
    longest = max(len(v) for v in top)
    top = [v for v in top if len(v) == longest]
    if len(top) == 1:
        return top[0], label or "more_precise"
    return (max(top) if later else min(top)), label or ("later" if later else "earlier")


# ---------------------------------------------------------------------------------------------- result


@dataclass
class Linked:
    """Everything :func:`link_tables` produces.

    ``persons``, ``partnerships``, ``events``, ``contacts`` are the linked tables (famgraph
    layout; persons also keeps the ``pseudonym`` column, an extra column the loader ignores);
    ``crosswalk`` maps (organisation, local_id) to the new ``person_id``. These hold ids: they are
    for work inside the secure environment. ``report`` holds counts only.
    """

    persons: pd.DataFrame
    partnerships: pd.DataFrame
    events: pd.DataFrame
    contacts: pd.DataFrame
    crosswalk: pd.DataFrame
    report: LinkageReport

    def to_dataset(self) -> Dataset:
        """The validated :class:`famgraph.Dataset` of the linked tables."""
        labels = {t: f"{t} (linked)" for t in TABLES}
        try:
            return Dataset.from_pandas(
                self.persons,
                self.partnerships,
                self.events,
                self.contacts,
                missing_parents="strict",
                labels=labels,
            )
        except DataError as e:
            raise DataError(
                "the linked tables fail validation (each export passed on its own; the resolved "
                "attributes of persons linked across organisations contradict each other or the "
                "other tables — inspect famgraph.linkage.link_tables(...).persons):\n" + str(e),
                e.errors,
                e.truncated,
            ) from None


def link_tables(
    exports: Sequence[Export | Mapping[str, Any]] | Mapping[str, Any] | Export,
    on: str = "pseudonym",
    *,
    microdata: pd.DataFrame | Any | None = None,
    microdata_name: str = "CBS",
    priority: Sequence[str] | None = None,
    missing_parents: MissingParents = "strict",
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
) -> Linked:
    """Link the exports into one set of famgraph tables; see :func:`link` for the parameters.

    Example
    -------
    >>> import famgraph as fg
    >>> linked = fg.linkage.link_tables([export_a, export_b])       # doctest: +SKIP
    >>> linked.crosswalk.head()                                     # doctest: +SKIP
    """
    m = disclosure.check_min_cell(min_cell)
    items = _exports(exports)
    if microdata is not None:
        frame = getattr(microdata, "persons", microdata)
        if not isinstance(frame, pd.DataFrame) or "person_id" not in frame.columns:
            raise TypeError(
                "microdata must be a persons DataFrame from famgraph.microdata (or MicrodataTables)"
            )
        if microdata_name in [e.organisation for e in items]:
            raise ValueError(f"microdata_name={microdata_name!r} is also the name of an export")
        items.append(
            Export(
                microdata_name,
                frame.assign(**{on: frame["person_id"]}),
                labels={"persons": f"persons ({microdata_name} microdata)"},
            )
        )
    names = [e.organisation for e in items]
    prio = set(priority) if priority is not None else ({microdata_name} if microdata is not None else set())
    unknown = sorted(prio - set(names))
    if unknown:
        raise ValueError(f"priority names unknown organisation(s): {', '.join(unknown)}; exports: {names}")

    # Validate every export on its own (errors name the organisation's own files and lines).
    prepared: list[_Prepared] = []
    issues: list[DataIssue] = []
    for e in items:
        try:
            prepared.append(_prepare(e, on, missing_parents, e.organisation in prio))
        except DataError as err:
            issues.extend(err.errors)
    if issues:
        n = len(issues)
        raise DataError(
            f"{n} error{'s' if n != 1 else ''} in the input:\n" + "\n".join(f"  {i}" for i in issues),
            issues,
            n >= 100,
        )
    order = sorted(range(len(prepared)), key=lambda i: prepared[i].export.organisation)
    rank = {i: r for r, i in enumerate(order)}

    # ---- records: one row per (organisation, local person)
    parts = []
    for i, p in enumerate(prepared):
        df = p.persons
        parts.append(
            pd.DataFrame(
                {
                    "org": np.full(len(df), rank[i], dtype=np.int64),
                    "local": df["person_id"].to_numpy(dtype=np.int64),
                    "pseudonym": df["pseudonym"].to_numpy(dtype=np.int64, na_value=0),
                    "linked": df["pseudonym"].notna().to_numpy(),
                    "sex": df["sex"].to_numpy(dtype=object),
                    "birth": df["birth_date"].to_numpy(dtype=object),
                    "exit": df["exit_date"].to_numpy(dtype=object),
                    "mother_local": df["mother_id"].to_numpy(dtype=np.int64, na_value=0),
                    "mother_known": df["mother_id"].notna().to_numpy(),
                    "father_local": df["father_id"].to_numpy(dtype=np.int64, na_value=0),
                    "father_known": df["father_id"].notna().to_numpy(),
                    "prio": np.full(len(df), p.priority),
                }
            )
        )
    rec = pd.concat(parts, ignore_index=True)

    # ---- new ids: linked persons by pseudonym, then unlinked by (organisation name, local id)
    pid = np.zeros(len(rec), dtype=np.int64)
    linked_mask = rec["linked"].to_numpy()
    uniq = np.unique(rec["pseudonym"].to_numpy()[linked_mask])
    pid[linked_mask] = np.searchsorted(uniq, rec["pseudonym"].to_numpy()[linked_mask]) + 1
    unl = np.flatnonzero(~linked_mask)
    unl = unl[np.lexsort((rec["local"].to_numpy()[unl], rec["org"].to_numpy()[unl]))]
    pid[unl] = len(uniq) + 1 + np.arange(len(unl), dtype=np.int64)
    rec["pid"] = pid

    key = pd.MultiIndex.from_arrays([rec["org"], rec["local"]])
    lookup = pd.Series(pid, index=key)

    def mapped(org: np.ndarray, local: np.ndarray, known: np.ndarray) -> np.ndarray:
        out = np.full(len(local), -1, dtype=np.int64)
        if known.any():
            idx = pd.MultiIndex.from_arrays([org[known], local[known]])
            found = lookup.reindex(idx)
            if found.isna().any():  # pragma: no cover - every reference was validated per export
                raise AssertionError("a reference to a person missing from its export")
            out[known] = found.to_numpy(dtype=np.int64)
        return out

    org_arr = rec["org"].to_numpy()
    rec["mother"] = mapped(org_arr, rec["mother_local"].to_numpy(), rec["mother_known"].to_numpy())
    rec["father"] = mapped(org_arr, rec["father_local"].to_numpy(), rec["father_known"].to_numpy())

    # ---- resolve attributes per linked person
    n_persons = len(uniq) + len(unl)
    rec = rec.sort_values(["pid", "org", "local"], kind="stable").reset_index(drop=True)
    conflicts: Counter[tuple[str, str]] = Counter()
    refined: Counter[str] = Counter()
    out_sex = np.full(n_persons, "U", dtype=object)
    out_birth = np.full(n_persons, None, dtype=object)
    out_exit = np.full(n_persons, None, dtype=object)
    out_mother = np.full(n_persons, -1, dtype=np.int64)
    out_father = np.full(n_persons, -1, dtype=np.int64)
    out_pseudo = np.zeros(n_persons, dtype=np.int64)
    out_has_pseudo = np.zeros(n_persons, dtype=bool)

    pids = rec["pid"].to_numpy()
    starts = np.flatnonzero(np.r_[True, pids[1:] != pids[:-1]])
    ends = np.r_[starts[1:], len(pids)]
    sizes = ends - starts
    single = starts[sizes == 1]
    sp = pids[single] - 1
    out_sex[sp] = rec["sex"].to_numpy(dtype=object)[single]
    out_birth[sp] = rec["birth"].to_numpy(dtype=object)[single]
    out_exit[sp] = rec["exit"].to_numpy(dtype=object)[single]
    out_mother[sp] = rec["mother"].to_numpy()[single]
    out_father[sp] = rec["father"].to_numpy()[single]
    out_pseudo[pids - 1] = rec["pseudonym"].to_numpy()
    out_has_pseudo[pids - 1] = rec["linked"].to_numpy()

    sex_c = rec["sex"].to_numpy(dtype=object)
    birth_c = rec["birth"].to_numpy(dtype=object)
    exit_c = rec["exit"].to_numpy(dtype=object)
    mother_c = rec["mother"].to_numpy()
    father_c = rec["father"].to_numpy()
    prio_c = rec["prio"].to_numpy()

    # Persons whose records agree on every field (missing values aside) need no rules: take the
    # recorded value, vectorised. Only the others go through the rules one by one.
    multi = np.repeat(sizes > 1, sizes)
    if multi.any():
        f = pd.DataFrame(
            {
                "pid": pids[multi],
                "sex": np.where(sex_c[multi] == "U", None, sex_c[multi]),
                "birth": birth_c[multi],
                "exit": exit_c[multi],
                "mother": pd.array(np.where(mother_c[multi] >= 0, mother_c[multi], 0), dtype="Int64"),
                "father": pd.array(np.where(father_c[multi] >= 0, father_c[multi], 0), dtype="Int64"),
            }
        )
        f.loc[mother_c[multi] < 0, "mother"] = pd.NA
        f.loc[father_c[multi] < 0, "father"] = pd.NA
        grouped = f.groupby("pid", sort=True)
        agree_mask = (grouped.nunique() <= 1).all(axis=1)
        first = grouped.first()[agree_mask]
        agree = first.index.to_numpy(dtype=np.int64) - 1
        out_sex[agree] = first["sex"].fillna("U").to_numpy(dtype=object)
        out_birth[agree] = first["birth"].astype(object).where(first["birth"].notna(), None).to_numpy()
        out_exit[agree] = first["exit"].astype(object).where(first["exit"].notna(), None).to_numpy()
        out_mother[agree] = first["mother"].to_numpy(dtype=np.int64, na_value=-1)
        out_father[agree] = first["father"].to_numpy(dtype=np.int64, na_value=-1)
        differ = set((agree_mask.index[~agree_mask.to_numpy()]).tolist())
    else:
        differ = set()
    for s, e in zip(starts[sizes > 1].tolist(), ends[sizes > 1].tolist(), strict=True):
        if int(pids[s]) not in differ:
            continue
        person = int(pids[s]) - 1
        rows = range(s, e)
        for name, column, target, tie, missing in (
            ("sex", sex_c, out_sex, "U", "U"),
            ("mother_id", mother_c, out_mother, -1, -1),
            ("father_id", father_c, out_father, -1, -1),
        ):
            vals = [column[r] for r in rows if column[r] != missing]
            pv = [column[r] for r in rows if column[r] != missing and prio_c[r]]
            value, how = _resolve_category(vals, pv, tie)
            target[person] = missing if value is None else value
            if how is not None:
                conflicts[(name, how)] += 1
        for name, column, dtarget, later in (
            ("birth_date", birth_c, out_birth, False),
            ("exit_date", exit_c, out_exit, True),
        ):
            dvals = [str(column[r]) for r in rows if column[r] is not None]
            dpv = [str(column[r]) for r in rows if column[r] is not None and prio_c[r]]
            dvalue, how = _resolve_date(dvals, dpv, later)
            dtarget[person] = dvalue
            if how == "refined":
                refined[name] += 1
            elif how is not None:
                conflicts[(name, how)] += 1

    # ---- consistency of the resolved family links
    own = np.arange(1, n_persons + 1, dtype=np.int64)
    for name, col in (("mother_id", out_mother), ("father_id", out_father)):
        selfp = col == own
        conflicts[(name, "self_unknown")] += int(selfp.sum())
        col[selfp] = -1
    same = (out_mother >= 0) & (out_mother == out_father)
    conflicts[("mother_id", "same_as_father_unknown")] += int(same.sum())
    conflicts[("father_id", "same_as_mother_unknown")] += int(same.sum())
    out_mother[same] = -1
    out_father[same] = -1
    role = np.zeros(n_persons, dtype=np.int8)  # bit 1: a mother, bit 2: a father
    role[out_mother[out_mother >= 0] - 1] |= 1
    role[out_father[out_father >= 0] - 1] |= 2
    clash = ((role & 1).astype(bool) & (out_sex == "M")) | ((role & 2).astype(bool) & (out_sex == "F"))
    clash |= (role == 3) & (out_sex != "U")
    conflicts[("sex", "parent_role_unknown")] += int(clash.sum())
    out_sex[clash] = "U"

    def ids(col: np.ndarray) -> pd.arrays.IntegerArray:
        arr = pd.array(np.where(col >= 0, col, 0), dtype="Int64")
        arr[col < 0] = pd.NA
        return arr

    persons = pd.DataFrame(
        {
            "person_id": own,
            "sex": out_sex,
            "birth_date": out_birth,
            "exit_date": out_exit,
            "mother_id": ids(out_mother),
            "father_id": ids(out_father),
        }
    )
    pseudo_col = pd.array(out_pseudo, dtype="Int64")
    pseudo_col[~out_has_pseudo] = pd.NA
    persons["pseudonym"] = pseudo_col

    # ---- the other tables, remapped; incidents numbered per organisation
    tables: dict[str, list[pd.DataFrame]] = {"partnerships": [], "events": [], "contacts": []}
    dropped_self_partnerships = 0
    incident_offset = 0
    for i in order:
        p = prepared[i]
        r = rank[i]

        def remap(local: pd.Series, r: int = r) -> np.ndarray:
            loc = local.to_numpy(dtype=np.int64)
            return mapped(np.full(len(loc), r, dtype=np.int64), loc, np.ones(len(loc), dtype=bool))

        pt = p.tables["partnerships"].copy()
        if len(pt):
            pt["person_a"] = remap(pt["person_a"])
            pt["person_b"] = remap(pt["person_b"])
            selfp = pt["person_a"].to_numpy() == pt["person_b"].to_numpy()
            dropped_self_partnerships += int(selfp.sum())
            pt = pt[~selfp]
        tables["partnerships"].append(pt)
        ev = p.tables["events"].copy()
        if len(ev):
            ev["person_id"] = remap(ev["person_id"])
            local_inc = ev["incident_id"].to_numpy(dtype=np.int64)
            inc = np.unique(local_inc)
            ev["incident_id"] = np.searchsorted(inc, local_inc) + 1 + incident_offset
            incident_offset += len(inc)
        tables["events"].append(ev)
        ct = p.tables["contacts"].copy()
        if len(ct):
            ct["person_id"] = remap(ct["person_id"])
        tables["contacts"].append(ct)
    merged = {
        t: pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(TABLE_COLUMNS[t]))
        for t, frames in tables.items()
    }
    merged["events"] = merged["events"].sort_values(["incident_id", "person_id"], kind="stable")
    merged["events"] = merged["events"].reset_index(drop=True)

    crosswalk = pd.DataFrame(
        {
            "organisation": [prepared[order[int(o)]].export.organisation for o in rec["org"].to_numpy()],
            "local_id": rec["local"].to_numpy(),
            "person_id": rec["pid"].to_numpy(),
        }
    ).sort_values(["organisation", "local_id"], kind="stable", ignore_index=True)

    # ---- counts for the report
    per_org: list[dict[str, Any]] = []
    sets: dict[str, np.ndarray] = {}
    for p in prepared:
        df = p.persons
        ps = df["pseudonym"].dropna().to_numpy(dtype=np.int64)
        distinct = np.unique(ps)
        sets[p.export.organisation] = distinct
        per_org.append(
            {
                "organisation": p.export.organisation,
                "linked_persons": len(distinct),
                "records_without_pseudonym": int(df["pseudonym"].isna().sum()),
                "duplicate_records": len(ps) - len(distinct),
            }
        )
    pairs: list[dict[str, Any]] = []
    for a in names:
        for b in names:
            if a != b:
                both = len(np.intersect1d(sets[a], sets[b], assume_unique=True))
                pairs.append({"organisation": a, "other": b, "n": len(sets[a]), "found": both})
    count_orgs = Counter(rec.loc[rec["linked"], ["pid", "org"]].drop_duplicates()["pid"].tolist())
    totals = {
        "persons": n_persons,
        "linked_persons": len(uniq),
        "unlinked_persons": len(unl),
        "persons_in_several_organisations": sum(1 for c in count_orgs.values() if c >= 2),
        "partnerships_dropped_same_person": dropped_self_partnerships,
    }
    report = LinkageReport._build(
        per_org,
        pairs,
        conflicts,
        refined,
        totals,
        m,
        {
            "on": on,
            "organisations": names,
            "priority": sorted(prio),
            "missing_parents": missing_parents,
            "min_cell": m,
        },
    )
    return Linked(
        persons,
        merged["partnerships"],
        merged["events"],
        merged["contacts"],
        crosswalk,
        report,
    )


def link(
    exports: Sequence[Export | Mapping[str, Any]] | Mapping[str, Any] | Export,
    on: str = "pseudonym",
    *,
    microdata: pd.DataFrame | Any | None = None,
    microdata_name: str = "CBS",
    priority: Sequence[str] | None = None,
    missing_parents: MissingParents = "strict",
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
) -> tuple[Dataset, LinkageReport]:
    """Link per-organisation exports by pseudonym into one validated :class:`famgraph.Dataset`.

    Parameters
    ----------
    exports
        :class:`Export` objects, mappings ``{"organisation": NAME, "persons": df, "events": df,
        ...}``, or one mapping ``{NAME: {"persons": df, ...}}``. Organisation names must differ.
    on
        The pseudonym column of every persons table (int64, e.g. from
        :func:`famgraph.privacy.pseudonymise`).
    microdata
        Optional persons from :mod:`famgraph.microdata` (a DataFrame or ``MicrodataTables``): an
        extra source named ``microdata_name`` whose pseudonym is its ``person_id``; exports link to
        it when their ``on`` column holds :func:`famgraph.microdata.person_key`.
    priority
        Organisations whose recorded values win conflicts (default: the microdata source if
        given, else none).
    missing_parents
        Passed to the validation of each export (``"add"`` turns unknown parent ids into
        founders of that export; they have no pseudonym and stay unlinked).
    min_cell
        Disclosure control of the report (0 turns it off and says so in every output).

    Returns
    -------
    (Dataset, LinkageReport)
        The linked, validated dataset and the counts-only report.

    Raises
    ------
    famgraph.DataError
        When an export fails validation (naming its table, line, column and value), or when the
        linked tables do (e.g. a resolved birth date after one of the person's events).

    Example
    -------
    >>> import pandas as pd, famgraph as fg
    >>> def persons(ids, pseudonyms, births, mothers):
    ...     return pd.DataFrame({"person_id": ids, "pseudonym": pseudonyms, "sex": "U",
    ...         "birth_date": births, "exit_date": None, "mother_id": mothers, "father_id": None})
    >>> a = {"organisation": "A", "persons": persons([1, 2], [77, 88], ["1980", "2005-03"], [None, 1])}
    >>> b = {"organisation": "B", "persons": persons([9], [88], ["2005-03-02"], [None])}
    >>> ds, report = fg.link([a, b], min_cell=0)
    >>> ds.persons[["person_id", "birth_date", "mother_id"]].values.tolist()
    [[1, '1980', <NA>], [2, '2005-03-02', 1]]
    >>> report.to_dict()["refinements"][0]["persons"]
    1
    """
    linked = link_tables(
        exports,
        on,
        microdata=microdata,
        microdata_name=microdata_name,
        priority=priority,
        missing_parents=missing_parents,
        min_cell=min_cell,
    )
    return linked.to_dataset(), linked.report


# ---------------------------------------------------------------------------------------------- report


def _flagged(values: list[int], hidden: list[bool]) -> tuple[pd.Series, pd.Series]:
    v = pd.Series(values, dtype="float64").mask(pd.Series(hidden, dtype=bool), np.nan)
    return v, pd.Series(hidden, dtype=bool)


def _json_value(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if math.isnan(float(v)) else (int(v) if float(v).is_integer() else float(v))
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    flag = disclosure.FLAG_SUFFIX
    out = []
    for _, row in frame.iterrows():
        item: dict[str, Any] = {}
        suppressed: list[str] = []
        for c in frame.columns:
            c = str(c)
            if c.endswith(flag):
                if bool(row[c]):
                    suppressed.append(c[: -len(flag)])
                continue
            item[c] = _json_value(row[c])
        item["suppressed"] = suppressed
        out.append(item)
    return out


@dataclass(frozen=True)
class LinkageReport:
    """What :func:`link` did, in counts only (no ids), after disclosure control.

    ``tables`` (DataFrames; suppressed values are NaN with a ``<column>_suppressed`` flag):

    - ``persons``: per organisation, ``linked_persons`` (distinct pseudonyms),
      ``records_without_pseudonym`` (kept as unlinked persons) and ``duplicate_records`` (records
      sharing a pseudonym with another record of the same organisation, merged);
    - ``match_rates``: per ordered pair (organisation, other): ``n`` (linked persons of the
      organisation), ``found`` (of those, also in the other), ``not_found`` and ``share`` = found / n;
    - ``conflicts``: per field and resolution (see :data:`RESOLUTIONS`), the number of persons;
    - ``refinements``: per date field, persons whose records differed only in precision;
    - ``totals``: persons, linked, unlinked, in several organisations, dropped partnerships.

    Example
    -------
    >>> ds, report = fg.link(exports)          # doctest: +SKIP
    >>> report.tables["conflicts"]             # doctest: +SKIP
    >>> report.to_dict()["match_rates"][0]     # doctest: +SKIP
    """

    tables: dict[str, pd.DataFrame]
    min_cell: int
    parameters: dict[str, Any]

    @property
    def table(self) -> pd.DataFrame:
        """The persons-per-organisation table."""
        return self.tables["persons"]

    @classmethod
    def _build(
        cls,
        per_org: list[dict[str, Any]],
        pairs: list[dict[str, Any]],
        conflicts: Counter[tuple[str, str]],
        refined: Counter[str],
        totals: dict[str, int],
        m: int,
        parameters: dict[str, Any],
    ) -> LinkageReport:
        persons = disclosure.suppress_frequency_frame(
            pd.DataFrame(per_org),
            m,
            columns=["linked_persons", "records_without_pseudonym", "duplicate_records"],
        )
        hidden_n = dict(
            zip(persons["organisation"], persons["linked_persons" + disclosure.FLAG_SUFFIX], strict=True)
        )
        n_of = {pr["organisation"]: int(pr["n"]) for pr in pairs}
        found_of = {(pr["organisation"], pr["other"]): int(pr["found"]) for pr in pairs}
        names = list(n_of)

        # persons = linked + unlinked: a one-way table with its total published; the other
        # totals each on their own.
        composition = disclosure.suppress_one_way(
            [totals["linked_persons"], totals["unlinked_persons"]], m, total_published=True
        )
        # found = |A ∩ B| is published in the rows (A, B) and (B, A), next to n_A and n_B, and the
        # linked persons U follow from the persons and the unlinked: the secondary suppression that
        # protects them ("room", docs/linkage.md, "Match rates") is disclosure.suppress_match_rates.
        rates = disclosure.suppress_match_rates(
            n_of,
            found_of,
            {o: bool(hidden_n[o]) for o in names},
            persons=totals["persons"],
            unlinked_hidden=composition.counts[1].suppressed,
            min_cell=m,
        )
        hidden_n.update(rates.n_hidden)

        def hide_found(a: str, b: str) -> bool:
            return rates.found_hidden[(a, b)]

        any_found_hidden = any(rates.found_hidden.values())
        rows: dict[str, list[Any]] = {"organisation": [], "other": []}
        n_v: list[int] = []
        f_v: list[int] = []
        nf_v: list[int] = []
        n_h: list[bool] = []
        f_h: list[bool] = []
        nf_h: list[bool] = []
        for pr in pairs:
            a, b = pr["organisation"], pr["other"]
            rows["organisation"].append(a)
            rows["other"].append(b)
            n, found = int(pr["n"]), int(pr["found"])
            n_v.append(n)
            f_v.append(found)
            nf_v.append(n - found)
            hf = hide_found(a, b)
            n_h.append(bool(hidden_n[a]))
            f_h.append(hf)
            nf_h.append(hf or bool(hidden_n[a]))
        col = "linked_persons"
        persons[col + disclosure.FLAG_SUFFIX] = [bool(hidden_n[o]) for o in persons["organisation"]]
        persons[col] = persons[col].mask(persons[col + disclosure.FLAG_SUFFIX], np.nan)
        match = pd.DataFrame(rows)
        for name, vals, hid in (("n", n_v, n_h), ("found", f_v, f_h), ("not_found", nf_v, nf_h)):
            match[name], match[name + disclosure.FLAG_SUFFIX] = _flagged(vals, hid)
        share = [f / n if n else math.nan for f, n in zip(f_v, n_v, strict=True)]
        share_h = [a or b or c for a, b, c in zip(n_h, f_h, nf_h, strict=True)]
        match["share"] = pd.Series(share, dtype="float64").mask(pd.Series(share_h, dtype=bool), np.nan)
        match["share" + disclosure.FLAG_SUFFIX] = pd.Series(share_h, dtype=bool)
        match = match[
            ["organisation", "other"]
            + [c for n in ("n", "found", "not_found", "share") for c in (n, n + disclosure.FLAG_SUFFIX)]
        ]
        match.attrs.update(min_cell=m, disclosure_control=disclosure.stamp(m))

        parts = []
        for fld, resolutions in RESOLUTIONS.items():
            f = pd.DataFrame(
                {
                    "field": fld,
                    "resolution": list(resolutions),
                    "persons": [conflicts.get((fld, r), 0) for r in resolutions],
                }
            )
            parts.append(disclosure.suppress_frequency_frame(f, m, columns=["persons"]))
        conflict_table = pd.concat(parts, ignore_index=True)
        conflict_table.attrs.update(min_cell=m, disclosure_control=disclosure.stamp(m))
        refinements = disclosure.suppress_frequency_frame(
            pd.DataFrame(
                {
                    "field": ["birth_date", "exit_date"],
                    "persons": [refined["birth_date"], refined["exit_date"]],
                }
            ),
            m,
            columns=["persons"],
        )
        hidden_total = {
            "persons": composition.total.suppressed,
            "linked_persons": composition.counts[0].suppressed,
            "unlinked_persons": composition.counts[1].suppressed,
        }
        for k in ("persons_in_several_organisations", "partnerships_dropped_same_person"):
            hidden_total[k] = disclosure.count_hidden(totals[k], m)
        # persons in several organisations is found(A, B) with two organisations, and with more a
        # sum over the combinations that, with the published pairs, bounds a hidden one: hidden
        # whenever a pair is.
        # With the pairs, it bounds U too (three organisations: U = Σ n − (Σ found + several) / 2).
        hidden_total["persons_in_several_organisations"] |= (
            any_found_hidden or hidden_total["unlinked_persons"]
        )
        names_t = list(totals)
        counts_t, flags_t = _flagged([totals[k] for k in names_t], [hidden_total[k] for k in names_t])
        totals_table = pd.DataFrame(
            {"count": counts_t.to_numpy(), "count" + disclosure.FLAG_SUFFIX: flags_t.to_numpy()},
            index=pd.Index(names_t, name="what"),
        )
        totals_table.attrs.update(min_cell=m, disclosure_control=disclosure.stamp(m), count_columns=["count"])
        return cls(
            {
                "persons": persons,
                "match_rates": match,
                "conflicts": conflict_table,
                "refinements": refinements,
                "totals": totals_table,
            },
            m,
            parameters,
        )

    # ---- outputs
    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every table as a list of records with ``null`` and a ``suppressed`` list."""
        from . import __version__

        totals = self.tables["totals"]
        flag = "count" + disclosure.FLAG_SUFFIX
        return {
            "famgraph_version": __version__,
            "disclosure_control": disclosure.stamp(self.min_cell),
            "parameters": dict(self.parameters),
            "totals": {
                str(k): (None if bool(totals.loc[k, flag]) else _json_value(totals.loc[k, "count"]))
                for k in totals.index
            },
            "totals_suppressed": [str(k) for k in totals.index if bool(totals.loc[k, flag])],
            "persons": _records(self.tables["persons"]),
            "match_rates": _records(self.tables["match_rates"]),
            "conflicts": _records(self.tables["conflicts"]),
            "refinements": _records(self.tables["refinements"]),
            "resolutions": {
                k: RESOLUTION_TEXT[k] for k in sorted({r for v in RESOLUTIONS.values() for r in v})
            },
        }

    def _text(self, value: Any, hidden: bool, share: bool = False) -> str:
        if hidden:
            return disclosure.marker(self.min_cell)
        if share:
            return "NA" if math.isnan(float(value)) else f"{float(value):.1%}"
        return str(int(value))

    def summary(self) -> str:
        """A plain-text summary (suppressed counts shown as ``<10``)."""
        f = disclosure.FLAG_SUFFIX
        lines = ["famgraph linkage report", disclosure.stamp(self.min_cell), ""]
        t = self.tables["totals"]
        for k in t.index:
            lines.append(
                f"{str(k).replace('_', ' '):<36} {self._text(t.loc[k, 'count'], t.loc[k, 'count' + f])}"
            )
        lines += ["", "persons per organisation (linked / without pseudonym / duplicate records)"]
        for _, r in self.tables["persons"].iterrows():
            cells = [
                self._text(r[c], r[c + f])
                for c in ("linked_persons", "records_without_pseudonym", "duplicate_records")
            ]
            lines.append(f"  {r['organisation']:<24} {' / '.join(cells)}")
        lines += ["", "match rates (share of the organisation's linked persons found in the other)"]
        for _, r in self.tables["match_rates"].iterrows():
            lines.append(
                f"  {r['organisation']} in {r['other']}: {self._text(r['found'], r['found' + f])} of "
                f"{self._text(r['n'], r['n' + f])} ({self._text(r['share'], r['share' + f], share=True)})"
            )
        lines += ["", "conflicts resolved (persons)"]
        for _, r in self.tables["conflicts"].iterrows():
            lines.append(
                f"  {r['field']:<12} {r['resolution']:<24} {self._text(r['persons'], r['persons' + f])}"
            )
        lines += ["", "dates differing only in precision (the more precise kept)"]
        for _, r in self.tables["refinements"].iterrows():
            lines.append(f"  {r['field']:<12} {self._text(r['persons'], r['persons' + f])}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [
            "<div class='famgraph-linkage-report'><h4>famgraph linkage report</h4>",
            f"<p><em>{html.escape(disclosure.stamp(self.min_cell))}</em></p>",
        ]
        for name, frame in self.tables.items():
            shown = disclosure.display(frame, self.min_cell)
            parts.append(f"<h5>{html.escape(name.replace('_', ' '))}</h5>")
            parts.append(shown.to_html(escape=True))
        parts.append("</div>")
        return "".join(parts)

    def __repr__(self) -> str:
        orgs = ", ".join(map(str, self.parameters.get("organisations", [])))
        return f"<famgraph.LinkageReport: {orgs}; {disclosure.stamp(self.min_cell)}>"


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
