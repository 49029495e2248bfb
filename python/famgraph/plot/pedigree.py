"""Pedigree drawing of one family component, with anonymised labels and the roles of each person.

A pedigree of a real family is individual-level data: it is for the data holder's own checks
and for synthetic data. The report draws one only for synthetic data or when explicitly allowed.
Labels are the generation (Roman numeral) and the position in the drawing (``II-3``), never ids.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, Patch, Polygon, Rectangle

from ._data import NO_DAY, iso, resolve_window
from ._style import OKABE_ITO, figure_and_axes, label, no_data_panel, text

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["MAX_PEDIGREE_PERSONS", "pedigree", "pick_component"]

#: Largest component :func:`pedigree` draws by default (a readable page width).
MAX_PEDIGREE_PERSONS: Final = 60
_NONE: Final = int(np.iinfo(np.uint32).max)
_HALF: Final = 0.3  # half the symbol size (data units; persons are 1 apart, rows 2 apart)
_ROW_GAP: Final = 2.0
_BLOCK_GAP: Final = 0.6

#: role code → (fill colour, hatch): perpetrator solid, victim hatched, witness dotted
_ROLE_STYLE: Final = {
    1: (OKABE_ITO["vermillion"], ""),
    0: (OKABE_ITO["sky_blue"], "////"),
    2: (OKABE_ITO["yellow"], ".."),
}
_ROLE_NAME: Final = {0: "victim", 1: "perpetrator", 2: "witness"}


def _roman(n: int) -> str:
    out = []
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def pick_component(
    ds: Dataset, component: int | str = "largest_with_incidents", *, max_persons: int = MAX_PEDIGREE_PERSONS
) -> int:
    """The family component to draw: a component number, or ``"largest_with_incidents"``.

    ``"largest_with_incidents"`` is the largest component of at most ``max_persons`` persons with at
    least one event row (ties: the lowest component number). A given number must exist and have at
    most ``max_persons`` persons. Errors name the sizes found.
    """
    if isinstance(max_persons, bool) or not isinstance(max_persons, int) or max_persons < 1:
        raise ValueError(f"max_persons={max_persons!r}: expected a whole number >= 1")
    comp = ds.graph.component().to_numpy(dtype=np.int64)
    sizes = np.bincount(comp, minlength=ds.graph.n_components)
    if isinstance(component, str):
        if component != "largest_with_incidents":
            raise ValueError(
                f"component={component!r}: expected a component number or 'largest_with_incidents'"
            )
        persons = ds.columns("events")["person"].astype(np.int64)
        with_inc = np.bincount(comp[persons], minlength=len(sizes)) > 0
        if not with_inc.any():
            raise ValueError("pedigree: no family component has an incident")
        ok = with_inc & (sizes <= max_persons)
        if not ok.any():
            raise ValueError(
                f"pedigree: every family component with an incident has more than max_persons={max_persons} "
                f"persons (the smallest has {int(sizes[with_inc].min())}); pass a larger max_persons"
            )
        best = np.flatnonzero(ok & (sizes == sizes[ok].max()))
        return int(best[0])
    if isinstance(component, bool) or not isinstance(component, int | np.integer):
        raise ValueError(f"component={component!r}: expected a component number or 'largest_with_incidents'")
    c = int(component)
    if not 0 <= c < len(sizes):
        raise ValueError(f"component={c}: there are {len(sizes)} family components (0 to {len(sizes) - 1})")
    if sizes[c] > max_persons:
        raise ValueError(
            f"component {c} has {int(sizes[c])} persons, more than max_persons={max_persons}; "
            f"pass a larger max_persons or choose a smaller component"
        )
    return c


class _Layout:
    """Rows (generations) and x positions of the persons of one component."""

    def __init__(
        self,
        members: np.ndarray,
        mother: np.ndarray,
        father: np.ndarray,
        gen: np.ndarray,
        birth: np.ndarray,
        partners: dict[int, set[int]],
    ) -> None:
        self.members = [int(i) for i in members]
        inside = set(self.members)
        self.parents: dict[int, tuple[int | None, int | None]] = {}
        self.children: dict[int, list[int]] = defaultdict(list)
        for i in self.members:
            m = int(mother[i]) if mother[i] != _NONE and int(mother[i]) in inside else None
            f = int(father[i]) if father[i] != _NONE and int(father[i]) in inside else None
            self.parents[i] = (m, f)
            for p in (m, f):
                if p is not None:
                    self.children[p].append(i)
        self.partners = partners
        self.birth = {i: int(birth[i]) for i in self.members}
        self.row = self._rows(gen)
        self.x: dict[int, float] = {}
        self._place()

    def is_founder(self, i: int) -> bool:
        return self.parents[i] == (None, None)

    def _rows(self, gen: np.ndarray) -> dict[int, int]:
        """Rows: children below their parents, married-in founders beside their partner.

        The generation depth alone puts a founder who married into a later generation on the top
        row (and the founder's children one row below it). Rows start at the depth and only grow:
        a founder moves down to their partners' row and to just above their children, a child to
        below their parents, until nothing moves (rows are bounded by the number of persons).
        """
        row = {i: int(gen[i]) for i in self.members}
        for _ in range(len(self.members) + 1):
            changed = False
            for i in self.members:
                if self.is_founder(i):
                    want = max([row[p] for p in self.partners.get(i, ())], default=row[i])
                    if self.children[i]:
                        want = max(want, min(row[c] for c in self.children[i]) - 1)
                else:
                    want = max(row[p] for p in self.parents[i] if p is not None) + 1
                if want > row[i]:
                    row[i] = want
                    changed = True
            if not changed:
                break
        low = min(row.values())
        return {i: r - low for i, r in row.items()}

    def _key(self, i: int) -> tuple[int, int]:
        b = self.birth[i]
        return (b if b != NO_DAY else 2**31, i)

    def _blocks(self, r: int) -> list[tuple[list[int], tuple[int | None, int | None] | None]]:
        """The persons of row r in blocks: sibships (with their married-in partners), then the rest."""
        in_row = sorted((i for i in self.members if self.row[i] == r), key=self._key)
        placed: set[int] = set()
        sibships: dict[tuple[int | None, int | None], list[int]] = defaultdict(list)
        for i in in_row:
            if not self.is_founder(i):
                sibships[self.parents[i]].append(i)
        blocks: list[tuple[list[int], tuple[int | None, int | None] | None]] = []
        for key, kids in sibships.items():
            block: list[int] = []
            for k in kids:
                block.append(k)
                placed.add(k)
                for sp in sorted(self.partners.get(k, ()), key=self._key):
                    if self.row.get(sp) == r and sp not in placed and self.is_founder(sp):
                        block.append(sp)
                        placed.add(sp)
            blocks.append((block, key))
        for i in in_row:
            if i in placed:
                continue
            block, todo = [], [i]
            while todo:
                p = todo.pop(0)
                if p in placed:
                    continue
                block.append(p)
                placed.add(p)
                todo.extend(
                    q for q in sorted(self.partners.get(p, ()), key=self._key) if self.row.get(q) == r
                )
            blocks.append((block, None))
        return blocks

    def _centre(self, persons: list[int | None] | list[int]) -> float | None:
        xs = [self.x[p] for p in persons if p is not None and p in self.x]
        return float(np.mean(xs)) if xs else None

    def _place_row(self, blocks: list[tuple[list[int], float | None]]) -> None:
        order = sorted(
            range(len(blocks)),
            key=lambda b: (blocks[b][1] is None, blocks[b][1] if blocks[b][1] is not None else 0.0, b),
        )
        cursor: float | None = None
        for b in order:
            persons, desired = blocks[b]
            start = desired - (len(persons) - 1) / 2 if desired is not None else (cursor or 0.0)
            if cursor is not None:
                start = max(start, cursor)
            for k, p in enumerate(persons):
                self.x[p] = start + k
            cursor = start + len(persons) + _BLOCK_GAP

    def _place(self) -> None:
        n_rows = max(self.row.values()) + 1
        blocks = {r: self._blocks(r) for r in range(n_rows)}

        def desired(block: list[int], key: tuple[int | None, int | None] | None, down: bool) -> float | None:
            from_parents = self._centre(list(key)) if key is not None else None
            kids = [c for p in block for c in self.children.get(p, [])]
            from_children = self._centre(kids) if kids else None
            if down:
                return from_parents if from_parents is not None else from_children
            return from_children if from_children is not None else from_parents

        for sweep in ("down", "up", "down", "up"):
            rows = range(n_rows) if sweep == "down" else range(n_rows - 1, -1, -1)
            for r in rows:
                self._place_row([(b, desired(b, key, sweep == "down")) for b, key in blocks[r]])
        low = min(self.x.values())
        self.x = {p: v - low for p, v in self.x.items()}


def _shape(sex: int, x: float, y: float, **kw: Any) -> Rectangle | Circle | Polygon:
    h = _HALF
    if sex == 1:
        return Rectangle((x - h, y - h), 2 * h, 2 * h, **kw)
    if sex == 0:
        return Circle((x, y), h, **kw)
    return Polygon([(x, y + h * 1.25), (x + h * 1.25, y), (x, y - h * 1.25), (x - h * 1.25, y)], **kw)


def pedigree(
    ds: Dataset,
    component: int | str = "largest_with_incidents",
    *,
    window: Any = None,
    max_persons: int = MAX_PEDIGREE_PERSONS,
    lang: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """Draw one family component as a pedigree: generations as rows, roles marked, no ids.

    Squares are men, circles women, diamonds persons of unknown sex; a horizontal line joins
    partners (recorded partnerships and the parents of a common child), and a sibship line joins
    the children of one pair below them. Symbols are filled by the person's roles in incidents in
    ``window`` (default: first to last event date): perpetrator solid, victim hatched, witness
    dotted, split when a person had several roles. Each person is labelled by generation and
    position (``II-3``), never by an id.

    Parameters
    ----------
    ds
        The dataset.
    component
        A family component number (see ``ds.graph.component()``) or ``"largest_with_incidents"``
        (see :func:`pick_component`).
    window
        ``None``, ``(start, end)`` or ``"START:END"`` (ISO dates): which incidents mark roles.
    max_persons
        Refuse (``ValueError``) to draw a larger component.
    lang
        ``"en"`` or ``"nl"``.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=5_000, seed=3, progress=False)
    >>> fig = fg.plot.pedigree(ds, max_persons=40)
    """
    c = pick_component(ds, component, max_persons=max_persons)
    cols = ds.columns("persons")
    comp = ds.graph.component().to_numpy(dtype=np.int64)
    members = np.flatnonzero(comp == c)
    gen = ds.graph.generation().to_numpy(dtype=np.int64)
    inside = set(members.tolist())
    partners: dict[int, set[int]] = defaultdict(set)
    pc = ds.columns("partnerships")
    for a, b in zip(pc["a"].tolist(), pc["b"].tolist(), strict=True):
        if a in inside and b in inside and a != b:
            partners[a].add(b)
            partners[b].add(a)
    for i in members.tolist():
        m, f = int(cols["mother"][i]), int(cols["father"][i])
        if m != _NONE and f != _NONE and m in inside and f in inside:
            partners[m].add(f)
            partners[f].add(m)
    layout = _Layout(members, cols["mother"], cols["father"], gen, cols["birth_day"], partners)

    w = resolve_window(ds, window)
    roles: dict[int, set[int]] = defaultdict(set)
    if w is not None:
        ev = ds.columns("events")
        sel = (ev["day"] >= w[0]) & (ev["day"] <= w[1]) & np.isin(ev["person"], members)
        for p, r in zip(ev["person"][sel].tolist(), ev["role"][sel].tolist(), strict=True):
            if r in _ROLE_STYLE:
                roles[int(p)].add(int(r))

    n_rows = max(layout.row.values()) + 1
    xmax = max(layout.x.values())
    width = float(np.clip((xmax + 2.5) * 0.55, 6.5, 18.0))
    # equal aspect: the drawing's height follows from its width; plus title, note and legend
    data_w, data_h = xmax + 2.4, (n_rows - 1) * _ROW_GAP + 1.9
    height = float(np.clip((width - 0.4) * data_h / data_w + 1.4, 3.0, 12.0))
    fig, ax = figure_and_axes(ax, width, height)
    title = text("pedigree.title", lang, n=len(members))
    if ds.truth is not None:
        title += f" — {text('pedigree.synthetic', lang)}"
    if len(members) == 0:  # pragma: no cover - pick_component never returns an empty component
        no_data_panel(ax, title, text("no_data", lang))
        return fig

    def y_of(i: int) -> float:
        return -layout.row[i] * _ROW_GAP

    # partnership lines
    by_row: dict[int, list[float]] = defaultdict(list)
    for i in layout.members:
        by_row[layout.row[i]].append(layout.x[i])
    done: set[tuple[int, int]] = set()
    for a in layout.members:
        for b in partners.get(a, ()):
            pair = (min(a, b), max(a, b))
            if pair in done:
                continue
            done.add(pair)
            xa, xb = sorted((layout.x[a], layout.x[b]))
            ya, yb = y_of(a), y_of(b)
            if layout.row[a] == layout.row[b]:
                between = any(xa < v < xb for v in by_row[layout.row[a]])
                if not between:
                    ax.plot([xa, xb], [ya, ya], color="black", linewidth=1.2, zorder=1)
                else:
                    ax.add_patch(
                        FancyArrowPatch(
                            (xa, ya + _HALF),
                            (xb, ya + _HALF),
                            arrowstyle="-",
                            connectionstyle="arc3,rad=-0.25",
                            color="black",
                            linewidth=1.0,
                            zorder=1,
                        )
                    )
            else:
                ax.plot([layout.x[a], layout.x[b]], [ya, yb], color="black", linewidth=1.0, zorder=1)

    # sibship lines
    sibships: dict[tuple[int | None, int | None], list[int]] = defaultdict(list)
    for i in layout.members:
        if not layout.is_founder(i):
            sibships[layout.parents[i]].append(i)
    for k, (key, kids) in enumerate(sorted(sibships.items(), key=lambda kv: min(layout.x[c] for c in kv[1]))):
        known = [p for p in key if p is not None]
        ax_ = float(np.mean([layout.x[p] for p in known]))
        y_parents = min(y_of(p) for p in known)
        start = y_parents if len(known) == 2 else y_parents - _HALF * 1.3 - 0.4  # below the label
        y_kids = max(y_of(c) for c in kids)
        bar = y_kids + _HALF + 0.5 + 0.15 * (k % 3)
        xs = [layout.x[c] for c in kids]
        ax.plot([ax_, ax_], [start, bar], color="black", linewidth=1.0, zorder=1)
        ax.plot([min([*xs, ax_]), max([*xs, ax_])], [bar, bar], color="black", linewidth=1.0, zorder=1)
        for c in kids:
            ax.plot(
                [layout.x[c], layout.x[c]], [bar, y_of(c) + _HALF], color="black", linewidth=1.0, zorder=1
            )

    # persons
    sexes = cols["sex"]
    rank: dict[int, int] = {}
    for r in range(n_rows):
        for k, i in enumerate(
            sorted((i for i in layout.members if layout.row[i] == r), key=lambda i: layout.x[i])
        ):
            rank[i] = k + 1
    for i in layout.members:
        x, y, sex = layout.x[i], y_of(i), int(sexes[i])
        base = _shape(sex, x, y, facecolor="white", edgecolor="none", zorder=2)
        ax.add_patch(base)
        rs = sorted(roles.get(i, ()), key=lambda r: (1, 0, 2).index(r))
        for k, r in enumerate(rs):
            colour, hatch = _ROLE_STYLE[r]
            left = x - _HALF * 1.25 + k * (2.5 * _HALF / len(rs))
            strip = Rectangle(
                (left, y - _HALF * 1.25),
                2.5 * _HALF / len(rs),
                2.5 * _HALF,
                facecolor=colour,
                hatch=hatch,
                edgecolor="black",
                linewidth=0,
                zorder=3,
            )
            ax.add_patch(strip)
            strip.set_clip_path(base)
        ax.add_patch(_shape(sex, x, y, fill=False, edgecolor="black", linewidth=1.3, zorder=4))
        ax.text(
            x,
            y - _HALF * 1.3 - 0.08,
            f"{_roman(layout.row[i] + 1)}-{rank[i]}",
            ha="center",
            va="top",
            fontsize=7,
        )
    for r in range(n_rows):
        ax.text(-1.0, -r * _ROW_GAP, _roman(r + 1), ha="right", va="center", fontsize=10, fontweight="bold")

    ax.set_xlim(-1.6, xmax + 0.8)
    ax.set_ylim(-(n_rows - 1) * _ROW_GAP - 0.9, 1.0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    handles: list[Artist] = [
        Line2D(
            [],
            [],
            marker="s",
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor="black",
            markersize=9,
            label=text("pedigree.male", lang),
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor="black",
            markersize=9,
            label=text("pedigree.female", lang),
        ),
        Line2D(
            [],
            [],
            marker="D",
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor="black",
            markersize=8,
            label=text("pedigree.unknown", lang),
        ),
        Line2D([], [], color="black", linewidth=1.2, label=text("pedigree.partners", lang)),
    ]
    handles += [
        Patch(
            facecolor=_ROLE_STYLE[r][0],
            hatch=_ROLE_STYLE[r][1],
            edgecolor="black",
            label=label("role", _ROLE_NAME[r], lang),
        )
        for r in (1, 0, 2)
    ]
    ncol = len(handles) if width >= 11 else 4
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, fontsize=8, frameon=False)
    w_start, w_end = (iso(w[0]), iso(w[1])) if w is not None else ("–", "–")
    note = text("pedigree.note", lang, start=w_start, end=w_end)
    ax.set_title(textwrap.fill(note, width=int(width * 15)), fontsize=7, color="#404040")
    fig.suptitle(title)
    return fig
