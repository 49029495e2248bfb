"""The specification lives in the repository (docs/spec/), and every citation of it resolves.

Two checks over the files tracked by git (skipped outside a git checkout):

* no file names the seed design file (``DESIGN`` + ``.md``; it is not part of the repository);
* every citation ``docs/spec/<page>.md §<anchor>`` (and every Markdown link ``spec/<page>.md#<anchor>``
  in docs/) names an existing page of docs/spec/ and an anchor of one of its headings, by the
  convention of docs/spec/index.md §anchors.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "spec"

# The seed design file and the folder of the specification, spelled so that the planted bad
# citations of this file are not citations themselves.
SEED_FILE = "DESIGN" + ".md"
S = "docs/" + "spec/"

#: ``docs/spec/<page>.md`` optionally followed by ``§<anchor>`` and further anchors of the same page
#: (``, §<anchor>``, `` and §<anchor>``, also continued on the next comment line).
_CITATION = re.compile(r"docs/spec/([A-Za-z0-9_]+)\.md((?:(?:[\s,/#]|\band\b)+§[A-Za-z0-9_-]+)*)")
_ANCHOR = re.compile(r"§([A-Za-z0-9_-]+)")
#: Markdown link targets into the specification, e.g. ``(spec/common_rules.md#window)`` or
#: ``(../docs/spec/indicators.md#gif)`` or, within docs/spec/, ``(indicators.md#gif)``.
_LINK = re.compile(r"\]\((?:[./]*docs/)?(?:\.\./)?spec/([A-Za-z0-9_]+)\.md(?:#([A-Za-z0-9_-]+))?\)")
_LOCAL_LINK = re.compile(r"\]\(([A-Za-z0-9_]+)\.md(?:#([A-Za-z0-9_-]+))?\)")
_SAME_PAGE_LINK = re.compile(r"\]\(#([A-Za-z0-9_-]+)\)")
_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~|:::)")


def slug(heading: str) -> str:
    """The anchor of a heading (docs/spec/index.md §anchors; MyST's default slug).

    >>> slug("Nuclear family"), slug("victim_to_perpetrator"), slug("Two-by-two tables")
    ('nuclear-family', 'victim_to_perpetrator', 'two-by-two-tables')
    """
    text = heading.strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> list[str]:
    """The anchors of the level-2 and level-3 headings of a page, outside code blocks."""
    found: list[str] = []
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        m = _HEADING.match(line)
        if m:
            found.append(slug(m.group(2)))
    return found


def spec_pages() -> dict[str, set[str]]:
    pages: dict[str, set[str]] = {}
    for page in sorted(SPEC.glob("*.md")):
        names = anchors(page)
        dupes = sorted({a for a in names if names.count(a) > 1})
        assert not dupes, f"{page.relative_to(ROOT)}: duplicate section anchors {dupes}"
        pages[page.stem] = set(names)
    return pages


def citations(text: str, *, in_spec: bool = False) -> list[tuple[str, str | None, int]]:
    """(page, anchor or None, line number) of every citation of the specification in ``text``."""
    out: list[tuple[str, str | None, int]] = []

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    for m in _CITATION.finditer(text):
        found = _ANCHOR.findall(m.group(2))
        for anchor in found or [None]:
            out.append((m.group(1), anchor, line_of(m.start())))
    for m in _LINK.finditer(text):
        out.append((m.group(1), m.group(2), line_of(m.start())))
    if in_spec:
        for m in _LOCAL_LINK.finditer(text):
            out.append((m.group(1), m.group(2), line_of(m.start())))
    return out


def check(files: dict[str, str], pages: dict[str, set[str]]) -> list[str]:
    """Every problem found in ``files`` (path → text), as readable messages."""
    problems = []
    for path, text in sorted(files.items()):
        if SEED_FILE in text:
            line = text[: text.index(SEED_FILE)].count("\n") + 1
            problems.append(f"{path}:{line}: cites {SEED_FILE}, which is not in the repository")
        in_spec = path.startswith("docs/spec/")
        for page, anchor, line in citations(text, in_spec=in_spec):
            if page not in pages:
                problems.append(f"{path}:{line}: docs/spec/{page}.md does not exist")
            elif anchor is not None and anchor not in pages[page]:
                problems.append(
                    f"{path}:{line}: docs/spec/{page}.md has no section §{anchor} "
                    f"(anchors: {', '.join(sorted(pages[page]))})"
                )
        if in_spec:
            own = pages.get(Path(path).stem, set())
            for m in _SAME_PAGE_LINK.finditer(text):
                if m.group(1) not in own:
                    line = text.count("\n", 0, m.start()) + 1
                    problems.append(f"{path}:{line}: no section #{m.group(1)} on this page")
    return problems


def tracked_text_files() -> dict[str, str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    proc = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if proc.returncode != 0:
        pytest.skip("not a git checkout")
    files = {}
    for name in proc.stdout.decode("utf-8").split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        files[name] = data.decode("utf-8", errors="replace")
    return files


def test_spec_pages_exist_with_unique_anchors() -> None:
    pages = spec_pages()
    assert {"index", "data_contract", "common_rules", "indicators", "disclosure"} <= set(pages)
    assert "anchors" in pages["index"]  # the convention is defined where citations point
    assert {"window", "relations", "two-by-two-tables"} <= pages["common_rules"]


def test_no_tracked_file_cites_the_seed_design_file() -> None:
    files = tracked_text_files()
    offenders = [p for p, t in sorted(files.items()) if SEED_FILE in t]
    assert not offenders, f"files citing {SEED_FILE}: {offenders}"


def test_every_spec_citation_resolves() -> None:
    files = tracked_text_files()
    # Citations exist at all, so the check below is not vacuous.
    assert sum(len(citations(t)) for t in files.values()) > 100
    problems = check(files, spec_pages())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"see {S}common_rules.md §window.", []),
        (f"see {S}common_rules.md §windw.", ["has no section §windw"]),
        (f"see {S}nonexistent.md §window.", ["nonexistent.md does not exist"]),
        (f"({S}indicators.md §gif, §fr)", ["has no section §fr"]),
        (f"({S}indicators.md\n// §recurrence_risk, §repeat_incidnts)", ["has no section §repeat_incidnts"]),
        (f"{S}indicators.md §gif and §fr", ["has no section §fr"]),
        ("[x](" + "spec/indicators.md#gf)", ["has no section §gf"]),
        (f"{S}interfaces.md §json and {S}disclosure.md", []),
        (f"as {SEED_FILE} §4.0 says", [f"cites {SEED_FILE}"]),
    ],
)
def test_the_check_finds_bad_citations(text: str, expected: list[str]) -> None:
    problems = check({"planted.py": text}, spec_pages())
    assert len(problems) == len(expected), problems
    for problem, want in zip(problems, expected, strict=True):
        assert want in problem
