"""The real-file corpus (tests/fixtures/real/): public GEDCOM and PED files, one test run per file.

Every file listed in ``tests/fixtures/real/manifest.json`` (its source, commit and licence are in
``SOURCES.md`` beside it) is checked four ways, each against something the loader does not
compute itself:

1. ``on_error="quarantine"`` loads it; the persons kept are at least 95% of the persons in the
   file, counted here with a few lines of plain Python (``0 @X@ INDI`` records, PED person lines);
   every quarantined row has a rule, a message and a line; the numbers are pinned in the
   manifest (persons kept, quarantined rows by rule).
2. Strict mode (``on_error="raise"``) raises on a file with problems, with all of them in one
   error: the same (rule, line) pairs as the quarantine (cascades excepted); a clean file loads
   strictly to the same dataset.
3. The kinship of the kept persons equals an independent recursion (below) for every pair of a
   small file, a deterministic sample for a big one, to 1e-12.
4. Writing the kept dataset in the same format and reading it back keeps what the format holds:
   persons, sex, parents (and for GEDCOM birth and exit dates and partnerships; for PED the family
   and person ids and the extra columns).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import famgraph as fg
from famgraph.formats import ImportResult, gedcom, ped

# The manifest (pinned numbers, sources, checksums) is in the repository; the files are not: data
# files brought from other repositories are not committed by famgraph's developers (the
# workplace's terms; docs/pedigree_formats.md, "Real-file corpus"). They are read from
# $FAMGRAPH_REAL_CORPUS, else from the shared folder beside the checkout.
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
MANIFEST: dict[str, Any] = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))
ENTRIES: list[dict[str, Any]] = MANIFEST["files"]


def _corpus_folder() -> Path | None:
    env = os.environ.get("FAMGRAPH_REAL_CORPUS")
    folder = Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "real-corpus"
    return folder if folder.is_dir() else None


DATA = _corpus_folder()
needs_corpus = pytest.mark.skipif(
    DATA is None,
    reason="the real-file corpus is not on this machine: set FAMGRAPH_REAL_CORPUS to a folder with the "
    "files of tests/fixtures/real/manifest.json (sources in SOURCES.md)",
)
MAX_PAIRS = 2000  # all pairs up to this many, else a deterministic sample of this many
CASCADE = "cascade."  # quarantine rows that follow another row; strict mode reports the cause only


def _module(entry: dict[str, Any]) -> Any:
    return gedcom if entry["format"] == "gedcom" else ped


def _read(entry: dict[str, Any], path: Path | None = None, **kw: Any) -> ImportResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r: ImportResult = _module(entry).read_full(path or _data() / entry["file"], **entry["options"], **kw)
    return r


@pytest.fixture(scope="module", params=ENTRIES, ids=[e["file"] for e in ENTRIES])
def loaded(request: pytest.FixtureRequest) -> tuple[dict[str, Any], ImportResult]:
    if DATA is None:
        pytest.skip(needs_corpus.kwargs["reason"])
    entry: dict[str, Any] = request.param
    return entry, _read(entry, on_error="quarantine")


# --------------------------------------------------------------- independent counts (no loader)


def _text_lines(data: bytes) -> list[str]:
    """The lines of a pedigree file, decoded only as far as counting needs (ASCII tags and ids)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        text = data.decode("latin-1")  # any byte; tags, xrefs and PED ids are ASCII
    return re.split(r"\r\n|\n\r|\r|\n", text.lstrip("\ufeff\u00ef\u00bb\u00bf"))


def _persons_in_file(entry: dict[str, Any]) -> int:
    lines = _text_lines((_data() / entry["file"]).read_bytes())
    if entry["format"] == "gedcom":
        return sum(1 for s in lines if re.fullmatch(r"\s*0\s+@[^@]+@\s+INDI\s*", s))
    return sum(1 for s in lines if s.strip() and not s.lstrip().startswith("#"))


# ------------------------------------------------------------------------- the kinship oracle


def _oracle(persons: pd.DataFrame) -> Any:
    """phi(i, j) by the standard recursion, memoised; a second implementation for the test only.

    phi(i, i) = (1 + phi(father_i, mother_i)) / 2; for i != j the one that is not an ancestor of
    the other (the deeper in generations, where depth is 1 + the deeper parent's depth) is
    expanded: phi(i, j) = (phi(i, father_j) + phi(i, mother_j)) / 2; an unknown parent adds 0.
    """
    father: dict[int, int | None] = {}
    mother: dict[int, int | None] = {}
    for pid, f, m in persons[["person_id", "father_id", "mother_id"]].itertuples(index=False):
        father[int(pid)] = None if pd.isna(f) else int(f)
        mother[int(pid)] = None if pd.isna(m) else int(m)
    depth: dict[int, int] = {}

    def gen(i: int) -> int:
        stack = [i]
        while stack:
            k = stack[-1]
            todo = [p for p in (father[k], mother[k]) if p is not None and p not in depth]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            depth[k] = 1 + max((depth[p] for p in (father[k], mother[k]) if p is not None), default=-1)
        return depth[i]

    for i in father:
        gen(i)

    @cache
    def phi(i: int | None, j: int | None) -> float:
        if i is None or j is None:
            return 0.0
        if i == j:
            return (1.0 + phi(father[i], mother[i])) / 2.0
        if depth[i] > depth[j]:  # j is expanded: it cannot be an ancestor of i
            i, j = j, i
        return (phi(i, father[j]) + phi(i, mother[j])) / 2.0

    return phi


def _pairs(persons: pd.DataFrame, seed: str) -> list[tuple[int, int]]:
    ids = sorted(int(x) for x in persons["person_id"])
    n = len(ids)
    if n * (n + 1) // 2 <= MAX_PAIRS:
        return [(ids[a], ids[b]) for a in range(n) for b in range(a, n)]
    # Half at random, half between relatives (a random walk up to an ancestor, then down), so
    # that most sampled pairs have a kinship above zero; every self pair (inbreeding).
    rng = random.Random(seed)
    parents = {
        int(p): [int(x) for x in (f, m) if not pd.isna(x)]
        for p, f, m in persons[["person_id", "father_id", "mother_id"]].itertuples(index=False)
    }
    children: dict[int, list[int]] = {i: [] for i in ids}
    for c, ps in parents.items():
        for p in ps:
            children[p].append(c)
    out = {(i, i) for i in ids[: MAX_PAIRS // 4]}
    while len(out) < MAX_PAIRS // 2:
        out.add((rng.choice(ids), rng.choice(ids)))
    while len(out) < MAX_PAIRS:
        i = j = rng.choice(ids)
        for _ in range(rng.randint(0, 5)):
            if parents[j]:
                j = rng.choice(parents[j])
        for _ in range(rng.randint(0, 5)):
            if children[j]:
                j = rng.choice(children[j])
        out.add((i, j))
    return sorted(out)


# ------------------------------------------------------------------------------------ the tests


def _data() -> Path:
    assert DATA is not None
    return DATA


def test_manifest_lists_every_file_with_source_and_licence() -> None:
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    assert len({e["file"] for e in ENTRIES}) == len(ENTRIES)
    for e in ENTRIES:
        src = e["source"]
        assert re.fullmatch(r"(gedcom/[\w.-]+\.ged|ped/[\w.-]+\.(ped|fam))", e["file"]), e["file"]
        assert re.fullmatch(r"[0-9a-f]{40}", src["commit"]), e["file"]
        assert re.fullmatch(r"[0-9a-f]{64}", e["sha256"]), e["file"]
        assert e["licence"] in {"MIT", "Unlicense", "GPL-2.0-or-later"}, e["file"]
        assert f"`{e['file']}`" in sources and src["commit"] in sources, e["file"]
        assert e["bytes"] <= 1_000_000, e["file"]
    assert sum(e["bytes"] for e in ENTRIES) <= 5_000_000
    assert 15 <= len(ENTRIES) <= 40


@needs_corpus
def test_the_corpus_folder_holds_exactly_the_manifest_files() -> None:
    folder = _data()
    files = sorted(
        str(p.relative_to(folder)) for p in folder.glob("*/*") if p.parent.name in ("gedcom", "ped")
    )
    assert files == sorted(e["file"] for e in ENTRIES)
    for e in ENTRIES:
        data = (folder / e["file"]).read_bytes()
        assert len(data) == e["bytes"], e["file"]
        assert hashlib.sha256(data).hexdigest() == e["sha256"], (
            f"{e['file']}: not the bytes the manifest pins"
        )


def test_loads_with_quarantine_keeping_the_persons(loaded: tuple[dict[str, Any], ImportResult]) -> None:
    entry, r = loaded
    ds = r.dataset
    n_file = _persons_in_file(entry)
    assert n_file == entry["persons_in_file"]
    assert len(ds.persons) == entry["persons_kept"]
    assert len(r.ids) == len(ds.persons)
    if entry.get("below_95_percent"):
        assert len(ds.persons) < 0.95 * n_file  # the reason is recorded in the manifest
    else:
        assert len(ds.persons) >= 0.95 * n_file
    q = ds.quarantine
    assert dict(Counter(q["rule"])) == entry["quarantine"]
    for row in q.itertuples(index=False):
        assert isinstance(row.rule, str) and row.rule, row
        assert isinstance(row.message, str) and row.message.strip(), row
        assert int(row.line) >= 1, row
        assert row.file == str(_data() / entry["file"]), row


def test_strict_mode_reports_every_problem_in_one_pass(loaded: tuple[dict[str, Any], ImportResult]) -> None:
    entry, r = loaded
    q = r.dataset.quarantine
    expected = {
        (str(x.rule), int(x.line)) for x in q.itertuples(index=False) if not str(x.rule).startswith(CASCADE)
    }
    if not expected:
        strict = _read(entry).dataset
        pd.testing.assert_frame_equal(strict.persons, r.dataset.persons)
        pd.testing.assert_frame_equal(strict.partnerships, r.dataset.partnerships)
        return
    with pytest.raises(fg.DataError) as info:
        _read(entry, max_errors=1_000_000)
    assert not info.value.truncated
    strict = {(e.rule, e.line) for e in info.value.errors}
    assert expected <= strict
    # A link the quarantine drops as a cascade (its parent was set aside) is checked in strict
    # mode, where that parent still exists: it may report its own problem, at the same line.
    cascades = {int(x.line) for x in q.itertuples(index=False) if str(x.rule).startswith(CASCADE)}
    assert {line for _, line in strict - expected} <= cascades


def test_kinship_equals_an_independent_recursion(loaded: tuple[dict[str, Any], ImportResult]) -> None:
    entry, r = loaded
    persons = r.dataset.persons
    if persons.empty:
        pytest.skip("no persons")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        phi = _oracle(persons)
        pairs = _pairs(persons, entry["file"])
        got = r.dataset.graph.kinship_pairs(pd.DataFrame(pairs, columns=["a", "b"]))
        want = [phi(*sorted(p)) for p in pairs]
    finally:
        sys.setrecursionlimit(limit)
    bad = [(p, g, w) for p, g, w in zip(pairs, got.tolist(), want, strict=True) if abs(g - w) > 1e-12]
    assert not bad, bad[:5]
    # The sample must exercise the recursion: related pairs, not only zeros and selves.
    related = sum(1 for (a, b), w in zip(pairs, want, strict=True) if a != b and w > 0)
    assert related >= entry["kinship_pairs_related_min"]


def _identity(entry: dict[str, Any], r: ImportResult) -> Iterator[tuple[object, ...]]:
    """What the format holds, keyed by the file's own identifiers (not famgraph's person_ids)."""
    ids = r.ids.set_index("person_id")
    key = (
        ids["xref"].to_dict()
        if entry["format"] == "gedcom"
        else {k: (f, i) for k, f, i in zip(ids.index, ids["family"], ids["id"], strict=True)}
    )
    cols = ["person_id", "sex", "father_id", "mother_id"]
    if entry["format"] == "gedcom":
        cols += ["birth_date", "exit_date"]
    for row in r.dataset.persons[cols].itertuples(index=False):
        vals = [None if pd.isna(v) else v for v in row]
        yield (key[vals[0]], vals[1], *(key.get(v) if v is not None else None for v in vals[2:4]), *vals[4:])


def test_round_trip_is_lossless_for_what_the_format_holds(
    loaded: tuple[dict[str, Any], ImportResult], tmp_path: Path
) -> None:
    entry, r = loaded
    out = tmp_path / Path(entry["file"]).name
    # Read back with the same options, but the missing-parent code: famgraph writes 0.
    options = {k: v for k, v in entry["options"].items() if k != "missing"}
    if entry["format"] == "gedcom":
        gedcom.write(r.dataset, out, ids=r.ids)
    else:
        ped.write(r.dataset, out, ids=r.ids, extra=r.extra)
    if entry["format"] == "gedcom":
        options["person_ids"] = "refn"  # the written REFN restores person_ids with gaps exactly
    back = _read({**entry, "options": options}, out)
    if entry["format"] == "ped":
        pd.testing.assert_frame_equal(back.extra.reset_index(drop=True), r.extra.reset_index(drop=True))
    assert back.dataset.quarantine.empty
    assert sorted(_identity(entry, back), key=repr) == sorted(_identity(entry, r), key=repr)
    if entry["format"] == "gedcom":
        pd.testing.assert_frame_equal(back.dataset.persons, r.dataset.persons)
        pd.testing.assert_frame_equal(back.dataset.partnerships, r.dataset.partnerships)
