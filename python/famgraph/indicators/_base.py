"""What every indicator function does first: validate the options, call the counting core."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import _core
from .._core import indicators as core  # the counting rules, typed by famgraph/_core/indicators.pyi
from ._options import WindowLike, check_level, check_min_cell, parse_window, published_window

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["Context", "context", "core", "matched_pathway_counts", "sharing_counts", "window_key"]


@dataclass(frozen=True)
class Context:
    """Validated common options of one indicator call."""

    dataset: _core.Dataset  # the compiled dataset
    window_start: int | None
    window_end: int | None
    min_cell: int
    level: float
    owner: Dataset  # the Dataset itself: its cached graph (:meth:`graph`)

    def graph(self) -> _core.FamilyGraph:
        """The dataset's family graph (built once per Dataset and cached): the counting functions
        that need one take it instead of building their own."""
        return self.owner.graph._core

    def parameters(self, window: tuple[int, int], **more: Any) -> dict[str, Any]:
        """The published parameters. An end of the window taken from the data is the date of a
        real incident: it is published as its month (the exact days are :meth:`window_days`)."""
        out: dict[str, Any] = {
            "window": published_window(window, self.window_start is not None, self.window_end is not None)
        }
        out.update(more)
        out["min_cell"] = self.min_cell
        out["level"] = self.level
        return out


def context(ds: Dataset, window: WindowLike, min_cell: Any, level: Any = 0.95) -> Context:
    from ..dataset import Dataset

    if not isinstance(ds, Dataset):
        raise TypeError(f"expected a famgraph.Dataset, got {type(ds).__name__}")
    ws, we = parse_window(window)
    return Context(ds._core, ws, we, check_min_cell(min_cell), check_level(level), ds)


def window_key(ctx: Context) -> list[int | None]:
    """The requested window as day numbers (None: from the data), for the digest of a run."""
    return [ctx.window_start, ctx.window_end]


#: Counts shared by the indicators of one suite run (:func:`sharing_counts`): the key of the call
#: (the compiled dataset itself, hashed by identity and kept alive; window, roles, level) -> its
#: result. None outside a suite run: nothing is kept.
_SHARED: ContextVar[dict[tuple[Any, ...], core.VictimToPerpetratorCounts] | None] = ContextVar(
    "famgraph_shared_counts", default=None
)


@contextmanager
def sharing_counts() -> Iterator[None]:
    """While active, :func:`matched_pathway_counts` computes the victim -> perpetrator counts with
    their matched pathway once per dataset, window, roles and level: indicators 1 and 7 of one
    suite run read the same ones (the Cox fit of the pathway is the costly part at national
    scale). The shared results are dropped when the block ends."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def matched_pathway_counts(
    ctx: Context, roles: Sequence[str], person_keys: Any = None
) -> core.VictimToPerpetratorCounts:
    """``core.victim_to_perpetrator(..., matched=True)`` of the context: shared within a
    :func:`sharing_counts` block (calls with the cell key method's person keys never are)."""

    def compute() -> core.VictimToPerpetratorCounts:
        return core.victim_to_perpetrator(
            ctx.dataset,
            ctx.window_start,
            ctx.window_end,
            list(roles),
            person_keys,
            matched=True,
            level=ctx.level,
        )

    shared = _SHARED.get()
    if shared is None or person_keys is not None:
        return compute()
    key = (ctx.dataset, ctx.window_start, ctx.window_end, tuple(roles), ctx.level)
    if key not in shared:
        shared[key] = compute()
    return shared[key]
