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
    OnError,
    Origin,
    PathLike,
    Quarantine,
    check_choice,
    clip,
    located_quarantine,
    merged_error,
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
#: Codes other tools write for an unknown parent (PLINK -9, R NA, '.'): never read as a person.
KNOWN_MISSING_CODES = ("0", "-9", "NA", ".")
#: Default accepted years of pedigree imports (genealogies reach back centuries).
MIN_YEAR, MAX_YEAR = 1000, 2200


def _missing_codes(missing: str | tuple[str, ...] | list[str]) -> frozenset[str]:
    codes = (missing,) if isinstance(missing, str) else tuple(missing)
    if not codes or not all(isinstance(c, str) and c and not _SPLIT.search(c) for c in codes):
        raise ValueError(
            f"missing={missing!r} (expected a code or a list of codes without spaces, "
            "e.g. '0' or ['0', '-9'])"
        )
    return frozenset(codes)


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
    missing: str | tuple[str, ...] | list[str] = "0",
    on_error: OnError = "raise",
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
    r = read_full(
        path,
        missing_parents=missing_parents,
        strict_sex=strict_sex,
        max_errors=max_errors,
        missing=missing,
        on_error=on_error,
    )
    warn_lossy(str(path), r.counts, ("parents_added", "sex_other_as_unknown"))
    return r.dataset


def read_full(
    path: PathLike,
    *,
    missing_parents: Literal["strict", "add"] = "strict",
    strict_sex: bool = True,
    max_errors: int = 100,
    missing: str | tuple[str, ...] | list[str] = "0",
    on_error: OnError = "raise",
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
    missing
        The code(s) of an unknown parent: ``"0"`` (default), or e.g. ``["0", "-9"]`` (PLINK),
        ``"NA"``, ``"."``. An id equal to a missing code is an error (``ped.id``). A parent written
        as one of the common codes 0, -9, NA, . that is neither configured nor a person of the
        family is the error ``ped.missing_code``, also with ``missing_parents="add"``: it is never
        turned into a person.
    on_error
        ``"raise"`` (default): every problem at once as a :class:`~famgraph.DataError`;
        ``"quarantine"``: keep every valid person, set aside unreadable lines, persons with an
        invalid id or sex code, and parent links that break a rule (docs/data_quality.md);
        ``dataset.quarantine`` locates each in the PED file.

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
    check_choice("on_error", on_error, ("raise", "quarantine"))
    codes = _missing_codes(missing)
    file = str(path)
    q = on_error == "quarantine"
    log = IssueCollector(file, 2**62 if q else max_errors)
    own = Quarantine(file)
    set_aside: set[tuple[str, str]] = set()  # (family, id) of persons whose line was set aside
    line_text: dict[int, str] = {}
    rejects: list[tuple[int, str, str, str, str]] = []  # rows the core sets aside (with cascades)

    def problem(rule: str, line: int, column: str, value: str, message: str, action: str = "record") -> None:
        if q:
            own.add("persons", action, rule, line, column, value, message, line_text.get(line, ""))
        else:
            log.error(rule, line, column, value, message)

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
            line_text[lineno] = raw.decode("utf-8", errors="backslashreplace")
            problem(
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
        line_text[lineno] = text
        if len(fields) < 5:
            if len(fields) >= 2:
                set_aside.add((fields[0], fields[1]))
            problem(
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
            set_aside.add((fields[0], fields[1]))
            problem(
                "ped.columns",
                lineno,
                "",
                text,
                f"{len(fields)} columns (expected {n_columns}, as on line {columns_line})",
            )
            continue
        fam, pid, father, mother, sex_code = fields[:5]
        ok = True
        if pid in codes:
            problem(
                "ped.id", lineno, "id", pid, f"id '{clip(pid)}' is reserved for an unknown parent (missing)"
            )
            ok = False
        sex = _SEX.get(sex_code)
        if sex is None:
            # Kept as unknown either way, so that the person's children do not report them missing.
            sex = "U"
            if strict_sex:
                msg = f"'{clip(sex_code)}' is not a sex code (expected 1 = male, 2 = female, 0 = unknown)"
                if q and ok and (fam, pid) not in index:
                    # The core sets the person aside, and with them what depends on them.
                    rejects.append((len(persons), "ped.sex", "sex", sex_code, msg))
                else:
                    problem("ped.sex", lineno, "sex", sex_code, msg)
            else:
                counts["sex_other_as_unknown"] = counts.get("sex_other_as_unknown", 0) + 1
        key = (fam, pid)
        if ok and key in index:
            first = persons[index[key]].line
            problem(
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
            if pid in codes:
                continue
            j = index.get((p.family, pid))
            if j is None and pid in KNOWN_MISSING_CODES:
                configured = ", ".join(repr(c) for c in sorted(codes))
                problem(
                    "ped.missing_code",
                    p.line,
                    column,
                    pid,
                    f"{column} '{clip(pid)}' looks like a missing-parent code but missing={configured}; "
                    f"pass missing=[{configured}, {pid!r}] (it is never read as a person)",
                    "link",
                )
                continue
            if j is None and q and (p.family, pid) in set_aside:
                problem(
                    "cascade.parent_quarantined",
                    p.line,
                    column,
                    pid,
                    f"{column} '{clip(pid)}' of '{clip(p.id)}' in family '{clip(p.family)}' is in the "
                    "quarantine; the link is dropped, the person kept",
                    "link",
                )
                continue
            if j is None and missing_parents == "add":
                j = len(persons)
                index[(p.family, pid)] = j
                added = _Person(p.family, pid, "0", "0", "U", 0, [])
                added.added = True
                persons.append(added)
                counts["parents_added"] = counts.get("parents_added", 0) + 1
            if j is None:
                problem(
                    "ref.unknown_id",
                    p.line,
                    column,
                    pid,
                    f"{column} '{clip(pid)}' is not a person of family '{clip(p.family)}' (PED parents "
                    "must be in the same family; missing_parents='add' adds them as founders)",
                    "link",
                )
                continue
            out[k] = j
            parent = persons[j]
            wrong = "M" if column == "mother" else "F"
            if parent.sex == wrong and not q:  # under quarantine the core drops the link
                log.error(
                    "parent.sex",
                    p.line,
                    column,
                    pid,
                    f"{column} '{clip(pid)}' of '{clip(p.id)}' in family '{clip(p.family)}' has sex "
                    f"code {_SEX_CODE[wrong]} (line {parent.line}); expected "
                    f"{'2 or 0' if column == 'mother' else '1 or 0'}",
                )
    if log.full:
        log.raise_if_errors()  # past the limit: the famgraph rules would only add to an incomplete list
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

    labels = {_PERSONS_LABEL: "persons"}
    try:
        ds = Dataset.from_pandas(
            frame,
            labels={"persons": _PERSONS_LABEL},
            max_errors=max_errors,
            on_error=on_error,
            rejects={"persons": rejects},
        )
    except DataError as e:
        # Every problem in one pass: the reader's own and the core's, in the PED file's terms.
        remapped = remap_error(e, file=file, labels=labels, locate=locate, name_of=name_of)
        raise merged_error(log.errors, remapped, log.truncated or log.full) from None
    if log.errors:
        raise merged_error(log.errors, None, log.truncated or log.full)
    ds.origin = file
    if q:
        located_quarantine(
            ds, own, labels=labels, locate=locate, name_of=name_of, line_text=lambda k: line_text.get(k, "")
        )

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
    if q and len(ds.persons) < n:  # persons set aside are not in the dataset, nor in its mapping
        kept = ds.persons["person_id"]
        ids = ids[ids["person_id"].isin(kept)].reset_index(drop=True)
        extra = extra[extra["person_id"].isin(kept)].reset_index(drop=True)
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
