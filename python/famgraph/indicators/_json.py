"""Reading the ``famgraph indicators`` JSON back: results for a report without recomputing them.

The document (docs/indicators_json.md) is the published output of a run; from schema 1.3 on it
carries what is needed to rebuild every table exactly (``frames``) and to tell whether it belongs
to a dataset and a set of options (``dataset.fingerprint``, ``parameters.cell_key.fingerprint``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import _files, disclosure, privacy
from .._errors import DataError, DataIssue, shown
from ._cellkey import Disclosure, dataset_digest
from ._options import check_min_cell, parse_window, published_window
from ._result import Result

if TYPE_CHECKING:
    from ..cell_key import CellKey
    from ..dataset import Dataset

__all__ = ["dataset_block", "fingerprint", "from_json", "load_json"]

#: Keys of the ``dataset`` block that count persons or records (subject to disclosure control).
DATASET_COUNTS = frozenset({"persons", "incidents", "event_rows", "contacts", "partnerships"})

#: The oldest document the tables can be rebuilt from (``frames`` appeared in 1.3).
_FIRST_READABLE = (1, 3)


def fingerprint(ds: Dataset) -> str:
    """The dataset's fingerprint: ``"sha256:<hex>"`` over its compiled tables — every column of
    persons, partnerships, events and contacts as loaded, and the organisation and kind names.

    It identifies the data the indicators were computed from, whatever the file format or dialect
    they were read from (a CSV and its Parquet copy agree; the same bytes read with another
    ``--map`` or ``--on-error`` do not). It holds no key and reveals nothing a reader could not
    compute from the same data.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=2000, seed=1, progress=False)
    >>> again = fg.synth.generate(persons=2000, seed=1, progress=False)
    >>> fingerprint(ds)[:7], fingerprint(ds) == fingerprint(again)
    ('sha256:', True)
    """
    return "sha256:" + privacy.content_digest("famgraph/dataset-fingerprint/v1", dataset_digest(ds)).hex()


def dataset_block(ds: Dataset, min_cell: int = disclosure.DEFAULT_MIN_CELL) -> dict[str, Any]:
    """The ``dataset`` block of the JSON before disclosure control (:func:`to_json` applies it):
    descriptive counts, the quarantine counts of ``on_error="quarantine"`` (below ``min_cell`` as
    ``"<min_cell>"``) and the :func:`fingerprint`.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=2000, seed=1, progress=False)
    >>> sorted(dataset_block(ds))[:3]
    ['contacts', 'event_rows', 'fingerprint']
    """
    from ..dataset import quarantine_block

    s = ds.summary()
    block: dict[str, Any] = {
        k: s[k] for k in ("persons", "generations", "incidents", "event_rows", "contacts", "organisations")
    }
    if ds.on_error == "quarantine":
        # Records set aside by --on-error quarantine, by rule (counts below min_cell as "<N").
        block["quarantined"] = quarantine_block(ds.quarantine_counts, min_cell)
    block["fingerprint"] = fingerprint(ds)
    return block


def published_dataset(dataset: Mapping[str, Any], min_cell: int) -> dict[str, Any]:
    """The ``dataset`` block as published: a count of persons or records below ``min_cell`` is
    ``null`` and named in ``suppressed``."""
    # Descriptive totals are counts like any other: one below min_cell is withheld (a tiny input,
    # e.g. 3 contacts, would otherwise be published exactly).
    block: dict[str, Any] = {}
    hidden: list[str] = []
    for key, value in dataset.items():
        if key in DATASET_COUNTS and value is not None and disclosure.count_hidden(int(value), min_cell):
            block[key] = None
            hidden.append(key)
        else:
            block[key] = value
    block["suppressed"] = hidden
    return block


def _version(doc: Mapping[str, Any], where: str) -> tuple[int, int]:
    from .suite import SCHEMA_VERSION

    text = doc.get("schema_version")
    major, _, minor = str(text).partition(".")
    if not (isinstance(text, str) and major.isdigit() and minor.isdigit()):
        raise _invalid(where, f"schema_version is {shown(str(text))!r}; expected e.g. {SCHEMA_VERSION!r}")
    ours = int(SCHEMA_VERSION.split(".")[0])
    if int(major) != ours:
        raise ValueError(
            f"{where}: schema_version {text} (famgraph {shown(str(doc.get('famgraph_version', '?')))}); "
            f"this famgraph reads {ours}.x: compute the indicators again with this version"
        )
    if (int(major), int(minor)) < _FIRST_READABLE:
        raise ValueError(
            f"{where}: schema_version {text} cannot be read back (its tables lack the columns and "
            f"dtypes added in {_FIRST_READABLE[0]}.{_FIRST_READABLE[1]}): compute the indicators again"
        )
    return int(major), int(minor)


def _invalid(where: str, message: str) -> DataError:
    text = f"{where}: not a famgraph indicators document: {message}"
    return DataError(text, [DataIssue("error", "json.invalid", where, 0, "", "", message)])


def from_json(doc: Mapping[str, Any], where: str = "document") -> dict[str, Result]:
    """The results of a ``famgraph indicators`` document (:func:`to_json`), in its order.

    ``where`` names the document in errors. A document of another major ``schema_version`` is a
    ``ValueError``; one that is not such a document at all is a :class:`famgraph.DataError`.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=3000, seed=1, progress=False)
    >>> res = fg.indicators.suite(ds, include=["chains", "fir"])
    >>> back = fg.indicators.from_json(fg.indicators.to_json(res, dataset=ds))
    >>> list(back), back["fir"].table.equals(res["fir"].table)
    (['chains', 'fir'], True)
    """
    from .suite import NAMES

    if not isinstance(doc, Mapping):
        raise _invalid(where, f"expected a JSON object, got {type(doc).__name__}")
    _version(doc, where)
    out: dict[str, Result] = {}
    for name in NAMES:
        if name not in doc:
            continue
        try:
            out[name] = Result.from_dict(doc[name], name)
        except (ValueError, TypeError, KeyError) as e:
            raise _invalid(where, str(e)) from None
    if not out:
        raise _invalid(where, "it holds no indicator")
    return out


def _mismatch(where: str, what: str, theirs: Any, ours: Any, hint: str) -> ValueError:
    return ValueError(
        f"{where} does not belong to this run: {what} is {_text(theirs)} there but {_text(ours)} here; {hint}"
    )


def _text(v: Any) -> str:
    return shown(json.dumps(v, ensure_ascii=False)) if not isinstance(v, str) else shown(v)


def check_document(
    doc: Mapping[str, Any],
    ds: Dataset,
    *,
    window: Any = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
    where: str = "document",
) -> None:
    """Refuse (``ValueError``, saying what differs) a parsed document that was not computed from
    ``ds`` with these options: its ``dataset`` block and fingerprint, ``min_cell``, window and
    disclosure method (with the cell key method its settings and the secret's fingerprint).

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=3000, seed=1, progress=False)
    >>> doc = fg.indicators.to_json(fg.indicators.suite(ds, include=["chains"]), dataset=ds)
    >>> fg.indicators.check_document(doc, ds)
    >>> fg.indicators.check_document(doc, ds, min_cell=5)
    Traceback (most recent call last):
    ...
    ValueError: document does not belong to this run: min_cell is 10 there but 5 here; ...
    """
    from ..plot._data import resolve_window

    params = doc.get("parameters")
    if not isinstance(params, Mapping):
        raise _invalid(where, "no 'parameters' object")
    m = check_min_cell(min_cell)
    theirs_m = params.get("min_cell")
    if theirs_m != m:
        raise _mismatch(where, "min_cell", theirs_m, m, f"ask for min_cell {theirs_m} or compute again")
    method = params.get("disclosure", "suppression")
    if method != disclosure:
        raise _mismatch(where, "the disclosure method", method, disclosure, "use the same method")
    if disclosure == "cell_key":
        if cell_key is None:
            raise ValueError(
                "disclosure='cell_key' needs cell_key (the secret the results were perturbed with)"
            )
        got = params.get("cell_key")
        t = cell_key.ptable
        ours: dict[str, Any] = {
            "scope": cell_key.scope,
            "max_deviation": t.max_deviation,
            "variance": t.variance,
            "js": t.js,
            "fingerprint": cell_key.fingerprint,
        }
        if not isinstance(got, Mapping):
            raise _invalid(where, "the cell key method without its 'cell_key' parameters")
        for key, value in ours.items():
            if got.get(key) != value:
                if key == "fingerprint":
                    raise ValueError(
                        f"{where} does not belong to this run: its counts were perturbed under another "
                        "secret (cell_key.fingerprint differs); pass the key it was computed with"
                    )
                raise _mismatch(where, f"cell_key.{key}", got.get(key), value, "use the same settings")

    block = doc.get("dataset")
    if not isinstance(block, Mapping) or "fingerprint" not in block:
        raise ValueError(
            f"{where} cannot be matched to the data: it has no dataset fingerprint (written by a "
            "famgraph before schema 1.3, or by to_json without dataset=); compute the indicators again"
        )
    expected = published_dataset(dataset_block(ds, m), m)
    keys = [k for k in expected if k not in ("fingerprint", "suppressed")] + ["fingerprint"]
    for key in keys:
        if block.get(key) != expected.get(key):
            if key == "fingerprint":
                raise ValueError(
                    f"{where} does not belong to this dataset: the counts agree but the data differ "
                    "(dataset.fingerprint); compute the indicators again from these data"
                )
            raise _mismatch(
                where, f"dataset.{key}", block.get(key), expected.get(key), "it was computed from other data"
            )

    days = resolve_window(ds, window)
    if days is None:
        raise ValueError(f"{where}: the dataset has no events, so no window to compare")
    ws, we = parse_window(window)
    ours_w = published_window(days, ws is not None, we is not None)
    theirs_w = params.get("window")
    if theirs_w != ours_w:
        raise _mismatch(where, "the window", theirs_w, ours_w, "ask for the same window or compute again")


def load_json(
    path: str | os.PathLike[str],
    dataset: Dataset | None = None,
    *,
    window: Any = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    disclosure: Disclosure = "suppression",
    cell_key: CellKey | None = None,
) -> dict[str, Result]:
    """The results saved by ``famgraph indicators DIR --json FILE`` (or :func:`to_json`), as
    :class:`Result` objects equal to the computed ones: a report from them is byte for byte the
    report from the computation (``famgraph report DIR --from FILE``).

    With ``dataset`` the document must belong to it and to these options (as
    :func:`suite` takes them): the same data (the ``dataset`` counts and :func:`fingerprint`), the
    same ``window``, ``min_cell`` and disclosure method (with the cell key method, the same secret
    and settings); otherwise a ``ValueError`` says what differs. A document of another major
    ``schema_version``, or one written before 1.3, is refused.

    Example
    -------
    >>> import famgraph as fg
    >>> ds = fg.synth.generate(persons=3000, seed=1, progress=False)
    >>> res = fg.indicators.suite(ds, n_boot=50, n_sim=19)
    >>> import json
    >>> doc = fg.indicators.to_json(res, dataset=ds)
    >>> _ = open("results.json", "w").write(json.dumps(doc))         # doctest: +SKIP
    >>> back = fg.indicators.load_json("results.json", ds)           # doctest: +SKIP
    >>> fg.report(ds, "report.html", results=back)                 # doctest: +SKIP
    PosixPath('report.html')
    """
    where = shown(os.fspath(path), 300)
    raw = _files.read_input(path, "the indicators JSON (famgraph indicators --json)")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _invalid(where, f"not JSON ({e})") from None
    results = from_json(doc, where)
    if dataset is not None:
        check_document(
            doc,
            dataset,
            window=window,
            min_cell=min_cell,
            disclosure=disclosure,
            cell_key=cell_key,
            where=where,
        )
        for name, r in results.items():  # every indicator as the document's shared parameters say
            for key in ("window", "min_cell"):
                if r.parameters.get(key) != doc["parameters"].get(key):
                    raise _invalid(where, f"{name}.parameters.{key} differs from parameters.{key}")
    return results
