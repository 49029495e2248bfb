"""PED / LINKAGE pedigree files (also PLINK ``.fam``).

One person per line, whitespace-separated (spaces or tabs)::

    family  id  father  mother  sex  [affection  further columns ...]

- ``father``/``mother``: the parent's ``id`` **in the same family**; ``0`` = unknown.
- ``sex``: ``1`` = male (``M``), ``2`` = female (``F``), ``0`` = unknown (``U``). Any other code is
  an error (``ped.sex``), or unknown with ``strict_sex=False`` (counted as ``sex_other_as_unknown``).
- Columns 6 and later (affection status, genotypes, …) have no famgraph column; they are returned
  as text in :attr:`ImportResult.extra <famgraph.formats.ImportResult.extra>` (``affection``,
  ``column_7``, ``column_8``, …) and can be written back with :func:`write`.
- Empty lines and lines starting with ``#`` are skipped; every line has the same number of columns
  (at least 5). There is no header line. UTF-8 (with or without BOM), any line terminator.

Identifiers are text, unique within their family. Person ``(family, id)`` gets the famgraph
``person_id`` *k* when it is the *k*-th person of the file (1-based, in line order; parents added
with ``missing_parents="add"`` follow, in order of first mention): deterministic, dense, and
independent of what the identifiers look like. The mapping is :attr:`ImportResult.ids`.

Example
-------
>>> import famgraph as fg
>>> r = fg.formats.ped.read_full("tests/fixtures/ped/two_families.ped")
>>> r.dataset.n_persons
9
>>> r.ids.head(2)[["family", "id", "person_id"]].to_dict("records")
[{'family': 'F1', 'id': 'gf', 'person_id': 1}, {'family': 'F1', 'id': 'gm', 'person_id': 2}]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .._errors import DataError
from ..dataset import Dataset
from . import (
    ImportResult,
    IssueCollector,
    Origin,
    PathLike,
    check_choice,
    clip,
    read_bytes,
    remap_error,
    split_lines,
    warn_lossy,
    write_atomic,
)

__all__ = ["read", "read_full", "write"]

_SEX = {"1": "M", "2": "F", "0": "U"}
_SEX_CODE = {"M": "1", "F": "2", "U": "0"}
_SPLIT = re.compile(r"[ \t]+")
_COLUMNS = ("family", "id", "father", "mother", "sex")
_PERSONS_LABEL = "<persons>"


def _extra_names(n: int) -> list[str]:
    return ["affection" if k == 5 else f"column_{k + 1}" for k in range(5, n)]


class _Person:
    __slots__ = ("added", "extra", "family", "father", "id", "line", "mother", "sex")

    def __init__(
        self, family: str, pid: str, father: str, mother: str, sex: str, line: int, extra: list[str]
    ) -> None:
        self.family, self.id, self.father, self.mother = family, pid, father, mother
        self.sex, self.line, self.extra = sex, line, extra
        self.added = False


def read(
    path: PathLike,
    *,
    missing_parents: Literal["strict", "add"] = "strict",
    strict_sex: bool = True,
    max_errors: int = 100,
) -> Dataset:
    """Read a PED/LINKAGE file into a validated :class:`~famgraph.Dataset`.

    The identifiers and the extra columns are in :func:`read_full`. Warns once
    (:class:`~famgraph.formats.ImportWarning`) when parents were added or sex codes treated as
    unknown.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.formats.ped.read("tests/fixtures/ped/two_families.ped")
    >>> ds.persons.loc[ds.persons.person_id == 3, ["sex", "mother_id", "father_id"]].to_dict("records")
    [{'sex': 'M', 'mother_id': 2, 'father_id': 1}]
    """
    r = read_full(path, missing_parents=missing_parents, strict_sex=strict_sex, max_errors=max_errors)
    warn_lossy(str(path), r.counts, ("parents_added", "sex_other_as_unknown"))
    return r.dataset


def read_full(
    path: PathLike,
    *,
    missing_parents: Literal["strict", "add"] = "strict",
    strict_sex: bool = True,
    max_errors: int = 100,
) -> ImportResult:
    """Read a PED/LINKAGE file: the dataset, the identifier mapping and the extra columns.

    Parameters
    ----------
    path
        The PED file.
    missing_parents
        ``"strict"``: a parent id that is not a person of the same family is an error
        (``ref.unknown_id``); ``"add"``: it becomes a founder of that family, of unknown sex (as
        the famgraph loader option of the same name).
    strict_sex
        Whether a sex code other than 0, 1, 2 is an error (``ped.sex``) or means unknown.
    max_errors
        Stop collecting errors after this many.

    Returns
    -------
    ImportResult
        ``ids`` has the columns ``person_id``, ``family``, ``id``, ``line``, ``added``; ``extra``
        has ``person_id`` and one text column per extra PED column.

    Raises
    ------
    DataError
        Every problem with file, line, column (``family``, ``id``, ``father``, ``mother``,
        ``sex``) and value: encoding (``ped.encoding``), column count (``ped.columns``), the
        reserved id ``0`` (``ped.id``), duplicate ids within a family (``ped.duplicate_id``),
        sex codes (``ped.sex``), parents outside the family (``ref.unknown_id``), a mother
        coded male or a father coded female (``parent.sex``), and the famgraph rules checked
        after conversion (``parent.same_person``, ``parent.cycle``), mapped back to the PED line.

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.formats.ped.read_full("tests/fixtures/ped/two_families.ped")
    >>> list(r.extra.columns)
    ['person_id', 'affection']
    """
    check_choice("missing_parents", missing_parents, ("strict", "add"))
    file = str(path)
    log = IssueCollector(file, max_errors)
    data = read_bytes(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    counts: dict[str, int] = {}

    persons: list[_Person] = []
    index: dict[tuple[str, str], int] = {}
    n_columns = 0
    columns_line = 0
    for lineno, raw in enumerate(split_lines(data), start=1):
        if log.full:
            break
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            log.error(
                "ped.encoding",
                lineno,
                "",
                raw.decode("utf-8", errors="backslashreplace"),
                f"line is not valid UTF-8 (byte {e.start + 1})",
            )
            continue
        # A byte-order mark inside the file (e.g. two files concatenated) is invisible: whitespace.
        text = text.strip(" \t\ufeff")
        if not text or text.startswith("#"):
            continue
        fields = _SPLIT.split(text)
        if len(fields) < 5:
            log.error(
                "ped.columns",
                lineno,
                "",
                text,
                f"{len(fields)} columns (expected at least 5: family, id, father, mother, sex)",
            )
            continue
        if n_columns == 0:
            n_columns, columns_line = len(fields), lineno
        elif len(fields) != n_columns:
            log.error(
                "ped.columns",
                lineno,
                "",
                text,
                f"{len(fields)} columns (expected {n_columns}, as on line {columns_line})",
            )
            continue
        fam, pid, father, mother, sex_code = fields[:5]
        ok = True
        if pid == "0":
            log.error("ped.id", lineno, "id", pid, "id '0' is reserved for an unknown parent")
            ok = False
        sex = _SEX.get(sex_code)
        if sex is None:
            # Kept as unknown either way, so that the person's children do not report them missing.
            sex = "U"
            if strict_sex:
                log.error(
                    "ped.sex",
                    lineno,
                    "sex",
                    sex_code,
                    f"'{clip(sex_code)}' is not a sex code (expected 1 = male, 2 = female, 0 = unknown)",
                )
            else:
                counts["sex_other_as_unknown"] = counts.get("sex_other_as_unknown", 0) + 1
        key = (fam, pid)
        if ok and key in index:
            first = persons[index[key]].line
            log.error(
                "ped.duplicate_id",
                lineno,
                "id",
                pid,
                f"duplicate id '{clip(pid)}' in family '{clip(fam)}' (first on line {first}; "
                "ids must be unique within a family)",
            )
            ok = False
        if ok:
            index[key] = len(persons)
            persons.append(_Person(fam, pid, father, mother, sex, lineno, fields[5:]))

    # Parents: in the same family, or added as founders.
    n_read = len(persons)
    mother_of = np.full(n_read, -1, dtype=np.int64)
    father_of = np.full(n_read, -1, dtype=np.int64)
    for k in range(n_read):
        if log.full:
            break
        p = persons[k]
        for column, pid, out in (("father", p.father, father_of), ("mother", p.mother, mother_of)):
            if pid == "0":
                continue
            j = index.get((p.family, pid))
            if j is None and missing_parents == "add":
                j = len(persons)
                index[(p.family, pid)] = j
                added = _Person(p.family, pid, "0", "0", "U", 0, [])
                added.added = True
                persons.append(added)
                counts["parents_added"] = counts.get("parents_added", 0) + 1
            if j is None:
                log.error(
                    "ref.unknown_id",
                    p.line,
                    column,
                    pid,
                    f"{column} '{clip(pid)}' is not a person of family '{clip(p.family)}' (PED parents "
                    "must be in the same family; missing_parents='add' adds them as founders)",
                )
                continue
            out[k] = j
            parent = persons[j]
            wrong = "M" if column == "mother" else "F"
            if parent.sex == wrong:
                log.error(
                    "parent.sex",
                    p.line,
                    column,
                    pid,
                    f"{column} '{clip(pid)}' of '{clip(p.id)}' in family '{clip(p.family)}' has sex "
                    f"code {_SEX_CODE[wrong]} (line {parent.line}); expected "
                    f"{'2 or 0' if column == 'mother' else '1 or 0'}",
                )
    log.raise_if_errors()

    n = len(persons)
    person_id = np.arange(1, n + 1, dtype=np.int64)
    # Parent person_id (index + 1); 0 = unknown, masked.
    mother_ids = np.concatenate([mother_of, np.full(n - n_read, -1, dtype=np.int64)]) + 1
    father_ids = np.concatenate([father_of, np.full(n - n_read, -1, dtype=np.int64)]) + 1
    mothers = pd.arrays.IntegerArray(mother_ids, mother_ids == 0)
    fathers = pd.arrays.IntegerArray(father_ids, father_ids == 0)
    frame = pd.DataFrame(
        {
            "person_id": person_id,
            "sex": [p.sex for p in persons],
            "birth_date": pd.Series([None] * n, dtype=object),
            "exit_date": pd.Series([None] * n, dtype=object),
            "mother_id": mothers,
            "father_id": fathers,
        }
    )

    def name_of(i: int) -> str | None:
        return f"{persons[i - 1].family}/{persons[i - 1].id}" if 1 <= i <= n else None

    def locate(table: str, row: int, column: str) -> Origin:
        if not 0 <= row < n:
            return Origin(0, "", "")
        p = persons[row]
        if column == "mother_id":
            return Origin(p.line, "mother", p.mother)
        if column == "father_id":
            return Origin(p.line, "father", p.father)
        if column == "sex":
            return Origin(p.line, "sex", _SEX_CODE[p.sex])
        return Origin(p.line, "id", p.id)

    try:
        ds = Dataset.from_pandas(frame, labels={"persons": _PERSONS_LABEL}, max_errors=max_errors)
    except DataError as e:
        raise remap_error(
            e, file=file, labels={_PERSONS_LABEL: "persons"}, locate=locate, name_of=name_of
        ) from None
    ds.origin = file

    ids = pd.DataFrame(
        {
            "person_id": person_id,
            "family": pd.Series([p.family for p in persons], dtype=object),
            "id": pd.Series([p.id for p in persons], dtype=object),
            "line": np.array([p.line for p in persons], dtype=np.int64),
            "added": np.array([p.added for p in persons], dtype=bool),
        }
    )
    names = _extra_names(n_columns)
    extra = pd.DataFrame({"person_id": person_id[:n_read]})
    for c, name in enumerate(names):
        extra[name] = pd.Series([p.extra[c] for p in persons[:n_read]], dtype=object)
    return ImportResult(ds, ids, extra, {k: v for k, v in counts.items() if v})


def _check_token(value: str, what: str) -> str:
    # A family starting with '#' would make its line a comment.
    if (
        not value
        or _SPLIT.search(value)
        or "\n" in value
        or "\r" in value
        or (what == "family" and value.startswith(("#", "\ufeff")))
    ):
        raise ValueError(
            f"{what} {value!r} cannot be written to a PED file (empty, a space or tab, a line break, "
            "or a family starting with '#')"
        )
    return value


def write(
    ds: Dataset,
    path: PathLike,
    *,
    ids: pd.DataFrame | None = None,
    extra: pd.DataFrame | None = None,
    missing_extra: str = "0",
) -> Path:
    """Write the pedigree of ``ds`` as a PED file (atomically; ``\\n`` line ends).

    Only persons, parents and sex are written: PED has no dates, partnerships, incidents or
    contacts. Without ``ids``, each family component (``ds.graph.component()``, partners not
    joined) becomes a family numbered 1, 2, … in order of its lowest ``person_id``, the id is the
    ``person_id`` (``0`` cannot be written), and lines are ordered by family and ``person_id``.
    With ``ids`` (from :func:`read_full`: ``person_id``, ``family``, ``id``, and optionally
    ``line``), the original identifiers and line order are restored; persons without a line
    (added parents) follow as founder lines.

    ``extra`` (``person_id`` plus columns, e.g. :attr:`ImportResult.extra`) adds columns 6, 7, …
    in its column order; persons without a value get ``missing_extra``.

    Example
    -------
    >>> import famgraph as fg
    >>> r = fg.formats.ped.read_full("tests/fixtures/ped/two_families.ped")
    >>> fg.formats.ped.write(r.dataset, "copy.ped", ids=r.ids, extra=r.extra)   # doctest: +SKIP
    """
    persons = ds.persons
    pid = persons["person_id"].to_numpy(dtype=np.int64)
    n = len(pid)
    if ids is not None:
        missing_cols = {"person_id", "family", "id"} - set(ids.columns)
        if missing_cols:
            raise ValueError(f"ids: missing column(s) {', '.join(sorted(missing_cols))}")
        table = ids.drop_duplicates("person_id").set_index("person_id")
        absent = ~np.isin(pid, table.index.to_numpy())
        if absent.any():
            raise ValueError(
                f"ids: {int(absent.sum())} person(s) of the dataset have no row in ids "
                "(expected one row per person_id)"
            )
        rows = table.loc[pid]
        fam = [_check_token(str(v), "family") for v in rows["family"]]
        name = [_check_token(str(v), "id") for v in rows["id"]]
        line = rows["line"].to_numpy(dtype=np.int64) if "line" in rows.columns else np.zeros(n, np.int64)
        order = np.lexsort((np.arange(n), line, line == 0))
        seen: dict[tuple[str, str], int] = {}
        for k in range(n):
            key = (fam[k], name[k])
            if key in seen:
                raise ValueError(f"ids: family {fam[k]!r} id {name[k]!r} is given to two persons")
            seen[key] = k
    else:
        if (pid == 0).any():
            raise ValueError(
                "person_id 0 cannot be written as a PED id (0 means an unknown parent); "
                "pass ids= with other identifiers"
            )
        comp = ds.graph.component().reindex(pid).to_numpy(dtype=np.int64)
        fam = [str(c + 1) for c in comp]
        name = [str(v) for v in pid]
        order = np.lexsort((pid, comp))
    id_index = pd.Index(pid)

    def parents(col: str) -> list[str]:
        values = persons[col]
        known = values.notna().to_numpy()
        j = id_index.get_indexer(values.fillna(0).to_numpy(dtype=np.int64))
        out = ["0"] * n
        for k in np.flatnonzero(known).tolist():
            p = int(j[k])
            if fam[p] != fam[k]:
                raise ValueError(
                    f"{col} of family {fam[k]!r} id {name[k]!r} is in family {fam[p]!r}: PED parents "
                    "must be in the same family"
                )
            out[k] = name[p]
        return out

    fathers, mothers = parents("father_id"), parents("mother_id")
    extra_cols: list[list[str]] = []
    if extra is not None and len(extra.columns) > 1:
        if "person_id" not in extra.columns:
            raise ValueError("extra: expected a person_id column")
        _check_token(missing_extra, "missing_extra")
        e = extra.drop_duplicates("person_id").set_index("person_id").reindex(pid)
        for c in e.columns:
            extra_cols.append(
                [missing_extra if pd.isna(v) else _check_token(str(v), str(c)) for v in e[c].tolist()]
            )
    sex = persons["sex"].to_numpy(dtype=object)
    out: list[str] = []
    for k in order.tolist():
        fields = [fam[k], name[k], fathers[k], mothers[k], _SEX_CODE[str(sex[k])]]
        fields += [col[k] for col in extra_cols]
        out.append(" ".join(fields) + "\n")
    return write_atomic(path, "".join(out))
