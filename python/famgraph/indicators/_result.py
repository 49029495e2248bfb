"""The result object every indicator returns."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from .. import disclosure
from .._rules import VERSION as __version__
from ..disclosure import FLAG_SUFFIX

__all__ = ["Result", "frame_from_records", "frame_layout", "frame_records"]

#: Tables whose rows are 2×2 tables, written in the JSON layout of docs/spec/interfaces.md §json.
_TWO_BY_TWO = ("a", "b", "c", "d")

#: Where the columns of a 2×2 row are written in its record (``frame_records``).
_NESTED = {
    "a": ("exposed", "outcome"),
    "b": ("exposed", "no_outcome"),
    "c": ("unexposed", "outcome"),
    "d": ("unexposed", "no_outcome"),
    "n_exposed": ("margins", "exposed"),
    "n_unexposed": ("margins", "unexposed"),
    "n_outcome": ("margins", "outcome"),
    "n_no_outcome": ("margins", "no_outcome"),
    "n": ("margins", "total"),
}


def _plain(v: Any) -> Any:
    """A JSON-ready scalar: NaN and pd.NA → None, numpy → Python."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        f = float(v)
        if math.isnan(f):
            return None
        if f == 0 and math.copysign(1.0, f) < 0:
            return -0.0  # kept as -0.0 (as 0 the sign, and a reloaded "-0.00", would be lost)
        return int(f) if f.is_integer() and abs(f) < 2**53 else f
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    return v


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a published frame as dicts; each row lists its suppressed columns.

    A 2×2 row is written as docs/spec/interfaces.md §json prescribes: ``{"exposed": {"outcome": a,
    "no_outcome": b},
    "unexposed": {...}, "margins": {...}, "suppressed": [...]}`` plus its key columns and estimates.
    """
    flags = [c for c in frame.columns if str(c).endswith(FLAG_SUFFIX)]
    values = [c for c in frame.columns if c not in flags]
    is_2x2 = all(c in frame.columns for c in _TWO_BY_TWO)
    records: list[dict[str, Any]] = []
    for _, row in frame.iterrows():
        hidden = [str(c)[: -len(FLAG_SUFFIX)] for c in flags if bool(row[c])]
        rec: dict[str, Any] = {}
        if is_2x2:
            names = {c: ".".join(where) for c, where in _NESTED.items()}
            for c in values:
                if c not in names:
                    rec[str(c)] = _plain(row[c])
            rec["exposed"] = {"outcome": _plain(row["a"]), "no_outcome": _plain(row["b"])}
            rec["unexposed"] = {"outcome": _plain(row["c"]), "no_outcome": _plain(row["d"])}
            rec["margins"] = {
                k: _plain(row[col])
                for k, col in (
                    ("exposed", "n_exposed"),
                    ("unexposed", "n_unexposed"),
                    ("outcome", "n_outcome"),
                    ("no_outcome", "n_no_outcome"),
                    ("total", "n"),
                )
            }
            rec["suppressed"] = [names.get(h, h) for h in hidden]
        else:
            for c in values:
                rec[str(c)] = _plain(row[c])
            rec["suppressed"] = hidden
        records.append(rec)
    return records


def _json_attr(v: Any) -> Any:
    """An ``attrs`` value as JSON (lists, mappings and scalars; tuples become lists)."""
    if isinstance(v, Mapping):
        return {str(k): _json_attr(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json_attr(x) for x in v]
    return _plain(v)


def frame_layout(frame: pd.DataFrame) -> dict[str, Any]:
    """What the records of :func:`frame_records` do not say about a frame: its columns in order
    with their dtypes (a table without rows keeps its columns; a suppressed count is NaN in a
    float64 column) and its ``attrs`` (``min_cell``, ``disclosure_control``, ``count_columns``).

    Example
    -------
    >>> import pandas as pd
    >>> frame_layout(pd.DataFrame({"unit": ["person"], "n": [12.0], "n_suppressed": [False]}))
    {'columns': [['unit', 'object'], ['n', 'float64'], ['n_suppressed', 'bool']], 'attrs': {}}
    """
    return {
        "columns": [[str(c), str(frame[c].dtype)] for c in frame.columns],
        "attrs": {str(k): _json_attr(v) for k, v in frame.attrs.items()},
    }


def _column(values: list[Any], dtype: str, where: str) -> Any:
    """The values of one column as an array of ``dtype`` (None is NaN in a float column)."""
    if dtype in ("float64", "float32"):
        return np.array([math.nan if v is None else float(v) for v in values], dtype=dtype)
    if dtype == "object":
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    try:
        if dtype in ("bool", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8"):
            if any(v is None for v in values):
                raise ValueError("a missing value")
            return np.array(values, dtype=dtype)
        return pd.array(values, dtype=cast(Any, dtype))
    except (TypeError, ValueError, OverflowError) as e:
        raise ValueError(f"{where}: cannot hold the values as {dtype} ({e})") from None


def frame_from_records(
    records: list[Mapping[str, Any]], layout: Mapping[str, Any], where: str = "table"
) -> pd.DataFrame:
    """The inverse of :func:`frame_records` given the frame's :func:`frame_layout`: the same
    columns, dtypes, values, ``<column>_suppressed`` flags (from each record's ``suppressed``
    list) and ``attrs``.

    Example
    -------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"unit": ["person"], "n": [float("nan")], "n_suppressed": [True]})
    >>> back = frame_from_records(frame_records(f), frame_layout(f))
    >>> pd.testing.assert_frame_equal(back, f)
    """
    columns = [(str(c[0]), str(c[1])) for c in layout["columns"]]
    names = [c for c, _ in columns]
    is_2x2 = all(c in names for c in _TWO_BY_TWO)
    dotted = {".".join(w): c for c, w in _NESTED.items()} if is_2x2 else {}
    data: dict[str, list[Any]] = {c: [] for c in names}
    for i, rec in enumerate(records):
        if not isinstance(rec, Mapping):
            raise ValueError(f"{where}[{i}]: expected an object, got {type(rec).__name__}")
        hidden = {dotted.get(str(h), str(h)) for h in rec.get("suppressed", [])}
        for c in names:
            if c.endswith(FLAG_SUFFIX):
                data[c].append(c[: -len(FLAG_SUFFIX)] in hidden)
            elif is_2x2 and c in _NESTED:
                group, key = _NESTED[c]
                data[c].append(rec[group][key])
            else:
                data[c].append(rec[c])
    frame = pd.DataFrame({c: _column(data[c], dtype, f"{where}.{c}") for c, dtype in columns})
    if not names:
        frame = pd.DataFrame(index=pd.RangeIndex(len(records)))
    frame.attrs.update(dict(layout.get("attrs", {})))
    return frame


@dataclass
class Result:
    """A published indicator: tables after disclosure control, with definitions and parameters.

    Attributes
    ----------
    name
        The indicator's name (docs/spec/interfaces.md §names), e.g. ``"victim_to_perpetrator"``.
    tables
        Every published table; the main one is ``"table"``. Suppressed values are NaN with a
        ``<column>_suppressed`` flag column; ``attrs`` carries ``min_cell`` and the stamp.
    parameters
        Everything the result depends on: window (ISO dates), roles, relations, ``min_cell``,
        ``level``, seeds, …
    definition
        The definition in words (see the documentation page "Definitions").
    note
        Why a result is empty, or other caveats; empty when there is nothing to say.
    """

    name: str
    tables: dict[str, pd.DataFrame]
    parameters: dict[str, Any]
    definition: str
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def window_days(self) -> tuple[int, int] | None:
        """The exact window (day numbers since 1970-01-01, both ends inclusive) the result was
        computed on; ``parameters["window"]`` publishes an end read off the data as its month."""
        w = self.extra.get("window_days")
        return (int(w[0]), int(w[1])) if w is not None else None

    @property
    def table(self) -> pd.DataFrame:
        """The main published table."""
        return self.tables["table"]

    @property
    def min_cell(self) -> int:
        return int(self.parameters["min_cell"])

    @property
    def stamp(self) -> str:
        """The disclosure-control statement carried by every output."""
        text = disclosure.stamp(self.min_cell)
        ck = self.parameters.get("cell_key")
        if self.parameters.get("disclosure") == "cell_key" and isinstance(ck, Mapping):
            text += (
                f"; cell key method: every count perturbed by noise of at most +-{ck['max_deviation']} "
                f"(variance {ck['variance']:g}, scope {ck['scope']}) before suppression"
            )
        return text

    @property
    def empty(self) -> bool:
        """True when no person was eligible (the main table has no rows or only zero counts)."""
        return bool(self.extra.get("empty", len(self.table) == 0))

    @property
    def verdict(self) -> dict[str, Any] | None:
        """What the window can show (docs/estimands.md): ``{"verdict", "rule", "reason"}``, with
        verdict one of "estimable", "imprecise", "not estimable in this window"; None for an
        indicator without a single matched headline (the transmission table has one per row)."""
        v = self.tables.get("verdict")
        if v is None or len(v) == 0:
            return None
        return {
            "verdict": str(v.loc[0, "verdict"]),
            "rule": int(v["rule"].to_numpy()[0]),
            "reason": str(v.loc[0, "reason"]),
        }

    @property
    def headline(self) -> dict[str, Any] | None:
        """The matched estimate that may be quoted on its own — only when the verdict is
        "estimable": ``{"estimand", "method", "estimate", "lower", "upper"}`` (the first row of
        ``tables["matched"]``; the conditional logistic row for the adjusted association)."""
        v = self.verdict
        m = self.tables.get("matched")
        if v is None or m is None or v["verdict"] != "estimable" or len(m) == 0:
            return None
        row = m.iloc[2] if self.name == "adjusted_association" and len(m) > 2 else m.iloc[0]
        if bool(row.get("estimate" + disclosure.FLAG_SUFFIX, False)):
            return None
        return {
            k: (str(row[k]) if k in ("estimand", "method") else float(row[k]))
            for k in ("estimand", "method", "estimate", "lower", "upper")
        }

    def headline_text(self) -> str:
        """One line that says the verdict first, then the headline estimate if there is one."""
        v = self.verdict
        if v is None:
            return ""
        text = f"verdict: {v['verdict']}"
        if v["reason"]:
            text += f" — {v['reason']}"
        h = self.headline
        if h is not None:
            text += (
                f". Matched {h['estimand'].replace('_', ' ')} {h['estimate']:.2f} "
                f"({h['lower']:.2f}–{h['upper']:.2f}), {h['method']}"
            )
        elif v["verdict"] != "estimable" or "matched" in self.tables:
            text += ". No headline estimate: read the tables as description, not as an effect"
        return text

    def display(self, table: str = "table") -> pd.DataFrame:
        """A table as text, every suppressed value shown as ``<10`` (flag columns dropped)."""
        return disclosure.display(self.tables[table], self.min_cell)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: name, definition, parameters, the stamp, and every table as records."""
        return {
            "name": self.name,
            "definition": self.definition,
            "parameters": {
                k: _plain(v) if not isinstance(v, list | tuple | dict) else v
                for k, v in self.parameters.items()
            },
            "disclosure_control": self.stamp,
            "verdict": self.verdict,
            "empty": self.empty,
            "note": self.note,
            "tables": {k: frame_records(v) for k, v in self.tables.items()},
            # schema 1.3: the columns, dtypes and attrs of every table, so that from_dict rebuilds
            # the frames exactly (a table without rows keeps its columns)
            "frames": {k: frame_layout(v) for k, v in self.tables.items()},
            "famgraph_version": __version__,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], name: str | None = None) -> Result:
        """The inverse of :meth:`to_dict` (and of one indicator of the ``famgraph indicators``
        JSON, where ``name`` is its key): every table with its columns, dtypes, suppression
        flags and ``attrs``; parameters, definition, note, verdict and ``empty``.

        Lists stay lists (a tuple in the parameters comes back as a list, as JSON has no
        tuples); what :meth:`to_dict` leaves out stays out (``extra`` holds only ``empty``: the
        person-level values of ``fir`` and the bootstrap replicates are never written, and the
        exact window days, which may be the dates of real incidents, neither). Needs a document
        of ``schema_version`` 1.3 or later (the ``frames`` key).

        Example
        -------
        >>> import famgraph as fg
        >>> r = fg.indicators.chains(fg.synth.generate(persons=3000, seed=1, progress=False))
        >>> back = fg.indicators.Result.from_dict(r.to_dict())
        >>> back.table.equals(r.table), back.parameters == r.parameters
        (True, True)
        """
        if not isinstance(d, Mapping):
            raise TypeError(
                f"Result.from_dict: expected a mapping (a result's to_dict()), got {type(d).__name__}"
            )
        label = name if name is not None else d.get("name")
        if not isinstance(label, str) or not label:
            raise ValueError(
                "Result.from_dict: the result has no name (pass name=, the key of the JSON document)"
            )
        tables = d.get("tables")
        frames = d.get("frames")
        if not isinstance(tables, Mapping):
            raise ValueError(f"{label}: no 'tables' object")
        if not isinstance(frames, Mapping):
            raise ValueError(
                f"{label}: no 'frames' object (written before schema_version 1.3): the tables cannot be "
                "rebuilt with their columns and dtypes; compute the indicators again"
            )
        built: dict[str, pd.DataFrame] = {}
        for key, records in tables.items():
            layout = frames.get(key)
            if not isinstance(layout, Mapping) or not isinstance(records, list):
                raise ValueError(f"{label}.tables.{key}: expected a list of rows and its layout in 'frames'")
            try:
                built[str(key)] = frame_from_records(records, layout, f"{label}.tables.{key}")
            except (KeyError, TypeError) as e:
                raise ValueError(f"{label}.tables.{key}: a row lacks {e}") from None
        params = d.get("parameters", {})
        if not isinstance(params, Mapping):
            raise ValueError(f"{label}: 'parameters' is not an object")
        out = cls(
            name=label,
            tables=built,
            parameters=dict(params),
            definition=str(d.get("definition", "")),
            note=str(d.get("note", "") or ""),
            extra={"empty": bool(d["empty"])} if "empty" in d else {},
        )
        if "table" not in built:
            raise ValueError(f"{label}: no main table ('table')")
        return out

    def summary(self) -> str:
        """Plain text: definition, parameters, stamp and every table (suppressed as ``<10``)."""
        lines = [f"{self.name}: {self.headline_text()}"] if self.verdict is not None else []
        lines.append(f"{self.name}: {self.definition}" if not lines else f"definition: {self.definition}")
        params = ", ".join(f"{k}={v}" for k, v in self.parameters.items())
        lines.append(f"parameters: {params}")
        lines.append(self.stamp)
        if self.note:
            lines.append(f"note: {self.note}")
        for key, frame in self.tables.items():
            lines.append("")
            lines.append(f"[{key}]" if key != "table" else "[table]")
            lines.append(self.display(key).to_string(index=False) if len(frame) else "(no rows)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}: {len(v)} rows" for k, v in self.tables.items())
        return f"<famgraph.indicators.Result {self.name} ({shapes}; min_cell={self.min_cell})>"

    def _repr_html_(self) -> str:
        parts = [
            f"<div class='famgraph-result'><h4>{html.escape(self.name)}</h4>",
            *(
                [f"<p><strong>{html.escape(self.headline_text())}</strong></p>"]
                if self.verdict is not None
                else []
            ),
            f"<p>{html.escape(self.definition)}</p>",
            "<p><small>"
            + html.escape(", ".join(f"{k}={v}" for k, v in self.parameters.items()))
            + "</small></p>",
            f"<p><em>{html.escape(self.stamp)}</em></p>",
        ]
        if self.note:
            parts.append(f"<p><strong>Note:</strong> {html.escape(self.note)}</p>")
        for key, frame in self.tables.items():
            if key != "table":
                parts.append(f"<h5>{html.escape(key)}</h5>")
            parts.append(self.display(key).to_html(index=False) if len(frame) else "<p>(no rows)</p>")
        parts.append("</div>")
        return "".join(parts)

    def plot(self, **kwargs: Any) -> Any:
        """The standard figure of this indicator (see :mod:`famgraph.plot`); needs matplotlib."""
        from .. import plot as _plot

        fn = getattr(_plot, self.name, None)
        if fn is None:
            raise NotImplementedError(f"no standard plot for {self.name}")
        return fn(self, **kwargs)


def parameters_with(base: Mapping[str, Any], **more: Any) -> dict[str, Any]:
    out = dict(base)
    out.update(more)
    return out
