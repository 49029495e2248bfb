"""Everything one famgraph run publishes, read the way an outside reader gets it.

This module reads *outputs*, not famgraph's objects: the HTML page of ``famgraph report`` /
``fg.report`` (every table, every paragraph, every caption, the numbers inside the figures), the
JSON of ``famgraph indicators --json``, the linkage report (``LinkageReport.to_dict()``,
``.summary()`` and the files and console output of ``famgraph link``), and the console output of
each command. It imports nothing from famgraph except to *run* it (:func:`run_report` captures the
text and patches of each matplotlib Figure the report turns into a PNG, through the one function
that does so, ``famgraph.plot.to_png``).

Numbers as shown become :class:`Shown`: the text, the value, and the interval of the true value
that the shown text allows (``25.9%`` → [0.2585, 0.2595]; ``1.00`` → [0.995, 1.005]; a count is
exact). A suppressed value (``<10``) is *hidden*: no value, no bound (the mark is not a bound,
docs/disclosure.md decision 8).

Example
-------
>>> page = parse_html('<section id="overview"><figure class="table"><figcaption>T</figcaption>'
...     '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td class="key">x</td>'
...     '<td class="count sup">&lt;10</td></tr></tbody></table></figure></section>')
>>> t = page.tables[0]
>>> (t.section, t.caption, t.header, t.rows[0][1].text, shown(t.rows[0][1].text).hidden)
('overview', 'T', ['a', 'b'], '<10', True)
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

__all__ = [
    "Cell",
    "FigureCapture",
    "HtmlTable",
    "Page",
    "Shown",
    "TextBlock",
    "capture_figures",
    "flatten_json",
    "numbers_in",
    "parse_html",
    "shown",
]

MARK = re.compile(r"^<\d+$")


# ---- numbers as shown --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One number as published: ``value`` and the interval [lo, hi] of the true value that its
    text allows; ``hidden`` for the suppression mark; ``kind`` count / share / number / pp / na."""

    text: str
    kind: str
    value: float | None
    lo: float
    hi: float
    hidden: bool = False

    @property
    def exact(self) -> bool:
        return not self.hidden and self.lo == self.hi


_NUM = r"[−+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"


def _decimals(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def _float(s: str) -> float:
    return float(s.replace(",", "").replace("−", "-"))


def shown(text: str, *, kind: str | None = None) -> Shown:
    """The number in a table cell or an inline value (English formats of famgraph.report).

    ``kind`` forces the reading: ``count`` (a whole number, exact), ``share`` (``25.9%``), ``number``
    (3 significant digits, the rounding of the last digit shown), ``pp`` (``+13.9 pp``).
    """
    t = text.strip().removesuffix(" †")  # the mark of a corrected odds ratio
    if MARK.match(t):
        return Shown(t, kind or "hidden", None, -math.inf, math.inf, hidden=True)
    if t in ("NA", "–", "", "∞", "−∞"):
        return Shown(t, "na", None, -math.inf, math.inf)
    m = re.fullmatch(rf"({_NUM})%", t)
    if m:
        v = _float(m[1]) / 100
        h = 0.5 * 10 ** (-_decimals(m[1])) / 100
        return Shown(t, "share", v, v - h, v + h)
    m = re.fullmatch(rf"({_NUM}) pp", t)
    if m:
        v = _float(m[1]) / 100
        h = 0.5 * 10 ** (-_decimals(m[1])) / 100
        return Shown(t, "pp", v, v - h, v + h)
    m = re.fullmatch(_NUM, t)
    if m:
        v = _float(t)
        if kind == "count" or ("." not in t and kind != "number"):
            # famgraph prints counts with round(); a whole number shown as a "number" (>= 1000)
            # has been rounded to units
            h = 0.0 if kind == "count" else 0.5
            return Shown(t, "count" if kind == "count" else "number", v, v - h, v + h)
        h = 0.5 * 10 ** (-_decimals(t))
        return Shown(t, "number", v, v - h, v + h)
    raise ValueError(f"not a number as famgraph shows one: {text!r}")


def numbers_in(text: str) -> list[str]:
    """Every number-like token of a text (digits, with separators, signs, % or pp attached)."""
    return [m.group(0) for m in re.finditer(rf"<\d+|{_NUM}(?:%| pp)?", text)]


# ---- the HTML page -------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    cls: str = ""
    sub: str = ""  # the second line of a cell: a confidence interval


@dataclass
class HtmlTable:
    section: str  # overview / quality / indicators
    article: str  # the indicator's id, or ""
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    in_details: bool = False
    index: int = 0  # position on the page

    def where(self, row: int | None = None, col: int | None = None) -> str:
        parts = [self.section + (f"/{self.article}" if self.article else ""), self.caption or "(no caption)"]
        if row is not None:
            parts.append(" · ".join(c.text for c in self.rows[row] if "key" in c.cls or c.cls == "text"))
        if col is not None:
            parts.append(self.header[col] if col < len(self.header) else f"column {col}")
        return " / ".join(parts)


@dataclass
class TextBlock:
    """A text node outside the tables, with the path of its enclosing elements (tag.class#id)."""

    section: str
    article: str
    path: tuple[str, ...]
    text: str

    def inside(self, *names: str) -> bool:
        return any(
            any(n == p or p.startswith(n + ".") or p.endswith("." + n) for p in self.path) for n in names
        )


@dataclass
class Image:
    section: str
    article: str
    alt: str


@dataclass
class Page:
    tables: list[HtmlTable] = field(default_factory=list)
    texts: list[TextBlock] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)

    def table(self, section: str, caption: str, article: str = "") -> HtmlTable | None:
        for t in self.tables:
            if t.section == section and t.caption == caption and t.article == article:
                return t
        return None


class _Parser(HTMLParser):
    VOID = frozenset({"br", "img", "meta", "link", "hr", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.section = ""
        self.article = ""
        self.table: HtmlTable | None = None
        self.row: list[Cell] | None = None
        self.cell: Cell | None = None
        self.in_sub = False
        self.in_head = False
        self.header_text: list[str] | None = None
        self.caption: str | None = None
        self.in_caption = False
        self.skip = 0  # inside <style>, <script>, <title>

    def _label(self, tag: str, attrs: dict[str, str]) -> str:
        out = tag
        if attrs.get("class"):
            out += "." + ".".join(attrs["class"].split())
        if attrs.get("id"):
            out += "#" + attrs["id"]
        return out

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag in ("style", "script"):
            self.skip += 1
        if tag == "section":
            self.section = attrs.get("id", "")
            self.article = ""
        if tag == "article":
            self.article = attrs.get("id", "")
        if tag == "img":
            self.page.images.append(Image(self.section, self.article, attrs.get("alt", "")))
        if tag == "figure" and "table" in attrs.get("class", "").split():
            self.caption = ""
        if tag == "figcaption" and self.caption is not None:
            self.in_caption = True
        if tag == "table":
            in_details = any(t == "details" for t, _ in self.stack)
            self.table = HtmlTable(
                self.section, self.article, self.caption or "", [], [], in_details, len(self.page.tables)
            )
        if self.table is not None:
            if tag == "thead":
                self.in_head = True
            elif tag == "tr":
                self.row = []
            elif tag in ("td", "th"):
                self.cell = Cell("", attrs.get("class", ""))
            elif tag == "span" and "ci" in attrs.get("class", "").split():
                self.in_sub = True
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.skip -= 1
        if self.table is not None:
            if tag in ("td", "th") and self.cell is not None and self.row is not None:
                self.cell.text = " ".join(self.cell.text.split())
                self.cell.sub = " ".join(self.cell.sub.split())
                self.row.append(self.cell)
                self.cell = None
            elif tag == "span":
                self.in_sub = False
            elif tag == "tr" and self.row is not None:
                if self.in_head:
                    self.table.header = [c.text for c in self.row]
                else:
                    self.table.rows.append(self.row)
                self.row = None
            elif tag == "thead":
                self.in_head = False
            elif tag == "table":
                self.page.tables.append(self.table)
                self.table = None
        if tag == "figcaption":
            self.in_caption = False
        if tag == "figure":
            self.caption = None
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "article":
            self.article = ""

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_caption and self.caption is not None:
            self.caption += data
            return
        if self.cell is not None:
            if self.in_sub:
                self.cell.sub += data
            else:
                self.cell.text += data
            return
        text = " ".join(data.split())
        if not text:
            return
        path = tuple(self._label(t, a) for t, a in self.stack)
        if "title" in (t for t, _ in self.stack):
            path = (*path, "title")
        self.page.texts.append(TextBlock(self.section, self.article, path, text))


def parse_html(text: str) -> Page:
    """Every table (caption, header, cells with their CSS class and CI line) and every other text
    node of a famgraph HTML report."""
    p = _Parser()
    p.feed(text)
    p.close()
    for t in p.page.tables:
        t.caption = " ".join(t.caption.split())
    return p.page


# ---- figures ------------------------------------------------------------------------------------------


@dataclass
class FigureCapture:
    """What one figure of the report shows: its texts (titles, labels, tick labels, annotations,
    legend entries) and its bars (value along the bar, label of its axis, pixels per unit)."""

    title: str
    texts: list[tuple[str, str]]  # (what, text)
    bars: list[dict[str, Any]]
    lines: list[dict[str, Any]]


def _bar(ax: Any, p: Any, px_x: float, px_y: float, label: str, container: int) -> dict[str, Any]:
    return {
        "axes": ax.get_title(),
        "x": p.get_x(),
        "y": p.get_y(),
        "width": p.get_width(),
        "height": p.get_height(),
        "px_per_x": px_x,
        "px_per_y": px_y,
        "label": label,  # the label of its bar container (a series), or of the patch
        "container": container,
    }


def _figure_capture(fig: Any) -> FigureCapture:
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    texts: list[tuple[str, str]] = []
    bars: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    title = str(fig.get_suptitle() or "")
    for t in fig.findobj(Text):
        s = t.get_text()
        if s and t.get_visible():
            texts.append((type(t).__name__, s))
    for ax in fig.axes:
        # tick labels are made at draw time; asking for them makes them without drawing
        for axis, labels in (("xtick", ax.get_xticklabels()), ("ytick", ax.get_yticklabels())):
            for t in labels:
                if t.get_text():
                    texts.append((axis, t.get_text()))
        if not title and ax.get_title():
            title = ax.get_title()
        bbox = ax.get_window_extent()
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        px_x = bbox.width / abs(x1 - x0) if x1 != x0 else math.inf
        px_y = bbox.height / abs(y1 - y0) if y1 != y0 else math.inf
        in_container = set()
        for ci, cont in enumerate(getattr(ax, "containers", [])):
            for p in cont:
                if isinstance(p, Rectangle):
                    in_container.add(id(p))
                    bars.append(_bar(ax, p, px_x, px_y, str(cont.get_label()), ci))
        for p in ax.patches:
            if isinstance(p, Rectangle) and p.get_visible() and id(p) not in in_container:
                bars.append(_bar(ax, p, px_x, px_y, str(p.get_label()), -1))
        for ln in ax.get_lines():
            xd, yd = ln.get_xdata(), ln.get_ydata()
            lines.append({"axes": ax.get_title(), "label": ln.get_label(), "x": list(xd), "y": list(yd)})
    return FigureCapture(title, texts, bars, lines)


#: A valid 1×1 PNG, returned instead of rendering when ``render=False`` (the numbers of a figure
#: are in its artists, which are captured; rendering them to pixels adds none and costs seconds).
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e00000000049454e44ae426082"
)


@contextlib.contextmanager
def capture_figures(*, render: bool = True) -> Iterator[list[FigureCapture]]:
    """Record every matplotlib Figure famgraph turns into a PNG (``famgraph.plot.to_png``, the
    one function the report draws its images with) while the block runs; ``render=False``
    returns a 1×1 PNG instead of drawing the figure (much faster; the captured numbers are the
    same)."""
    import famgraph.plot as fplot

    captured: list[FigureCapture] = []
    original = fplot.to_png

    def spy(fig: Any, *args: Any, **kwargs: Any) -> bytes:
        captured.append(_figure_capture(fig))
        if not render:
            return TINY_PNG
        out: bytes = original(fig, *args, **kwargs)
        return out

    fplot.to_png = spy  # type: ignore[assignment]
    try:
        yield captured
    finally:
        fplot.to_png = original  # type: ignore[assignment]


# ---- JSON ----------------------------------------------------------------------------------------------


def flatten_json(doc: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf of a JSON document with its path (list positions as ``[i]``)."""
    if isinstance(doc, Mapping):
        for k, v in doc.items():
            yield from flatten_json(v, (*prefix, str(k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from flatten_json(v, (*prefix, f"[{i}]"))
    else:
        yield prefix, doc


# ---- the command line ---------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``famgraph ARGV`` in this process: (exit status, stdout, stderr)."""
    from famgraph.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as e:  # argparse
            rc = int(e.code or 0)
    return int(rc or 0), out.getvalue(), err.getvalue()


def load_json(text: str) -> Any:
    return json.loads(text)
