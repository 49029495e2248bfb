"""``famgraph link``: link the exports of several organisations into one dataset (docs/linkage.md).

::

    famgraph link EXPORT_DIR... --out DIR [--org NAME ...] [--key-file F | --key-env VAR]
                  [--identifier COL] [--on COL] [--number-width N] [--priority ORG ...]
                  [--missing-parents strict|add] [--min-cell N]

Each export folder holds the famgraph CSV tables of one organisation (``persons.csv`` required)
with local ids; its name is the organisation's name unless ``--org`` names them all. A persons
table either carries pseudonyms already (column ``--on``, default ``pseudonym``) or raw
identifiers (column ``--identifier``, default ``identifier``), which are pseudonymised here with
the key (``--key-file``/``--key-env``) and never written anywhere. The linked tables are written
to the new folder ``--out`` (via a temporary folder renamed at the end, so that it appears
complete or not at all) with ``linkage_report.json`` (counts only, disclosure-controlled).

Exit status as for every command (docs/cli.md): 0 done, 1 invalid data (file, line, column
named), 2 usage error, 3 environment (files, permissions, memory).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import _files
from ..disclosure import DEFAULT_MIN_CELL
from ..linkage import Export, link
from ..privacy import Key, Normalisation, pseudonymise


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "link",
        help="link per-organisation exports by keyed pseudonym into one dataset",
        description="Link per-organisation famgraph exports by pseudonym into one dataset "
        "(see docs/linkage.md).",
    )
    p.add_argument(
        "exports", nargs="+", metavar="EXPORT_DIR", help="one folder of famgraph CSVs per organisation"
    )
    p.add_argument("--out", required=True, help="new output folder (must not exist, or be empty)")
    p.add_argument(
        "--org",
        action="append",
        metavar="NAME",
        help="organisation name of each export, in order (default: the folder names)",
    )
    key = p.add_mutually_exclusive_group()
    key.add_argument("--key-file", help="file holding the pseudonymisation key (at least 16 bytes)")
    key.add_argument("--key-env", metavar="VAR", help="environment variable holding the key")
    p.add_argument(
        "--identifier",
        default="identifier",
        help="persons column with raw identifiers, pseudonymised with the key (default: identifier)",
    )
    p.add_argument("--on", default="pseudonym", help="persons column with pseudonyms (default: pseudonym)")
    p.add_argument(
        "--number-width",
        type=int,
        default=None,
        metavar="N",
        help="left-pad number-like identifiers with zeros to N digits before hashing (e.g. 9 for BSN)",
    )
    p.add_argument(
        "--priority",
        action="append",
        metavar="ORG",
        help="organisation whose recorded values win conflicts (repeatable)",
    )
    p.add_argument(
        "--missing-parents",
        choices=["strict", "add"],
        default="strict",
        help="parent ids not in an export's persons: an error (strict) or new unlinked founders (add)",
    )
    p.add_argument(
        "--min-cell",
        type=int,
        default=DEFAULT_MIN_CELL,
        help=f"disclosure control of the report (default {DEFAULT_MIN_CELL}; 0 turns it off)",
    )
    p.set_defaults(fn=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    _files.check_output_folder(out)  # before the work
    folders = [Path(d) for d in args.exports]
    if args.org is not None and len(args.org) != len(folders):
        raise ValueError(
            f"--org given {len(args.org)} times for {len(folders)} export folders (name each one)"
        )
    key: Key | None = None
    if args.key_file is not None:
        key = Key.from_file(args.key_file)
    elif args.key_env is not None:
        key = Key.from_env(args.key_env)
    normalise = Normalisation(number_width=args.number_width)

    exports: list[Export] = []
    for i, folder in enumerate(folders):
        export = Export.from_csv(folder, args.org[i] if args.org is not None else None)
        cols = set(export.persons.columns)
        has_id, has_on = args.identifier in cols, args.on in cols
        if has_id and has_on:
            raise ValueError(
                f"{export.label('persons')}: has both an identifier column {args.identifier!r} and a "
                f"pseudonym column {args.on!r}; keep one"
            )
        if has_id:
            if key is None:
                raise ValueError(
                    f"{export.label('persons')}: raw identifiers in column {args.identifier!r} need the "
                    "key to pseudonymise them (--key-file or --key-env)"
                )
            export.persons = pseudonymise(
                export.persons,
                {args.identifier: args.on},
                key,
                normalise=normalise,
                label=export.label("persons"),
            )
        elif not has_on:
            raise ValueError(
                f"{export.label('persons')}: neither a pseudonym column {args.on!r} nor an identifier "
                f"column {args.identifier!r} (see --on / --identifier)"
            )
        exports.append(export)

    ds, report = link(
        exports,
        on=args.on,
        priority=args.priority,
        missing_parents=args.missing_parents,
        min_cell=args.min_cell,
    )

    with _files.output_folder(out) as tmp:  # complete or not at all; never over an input
        ds.to_csv(tmp)
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
        _files.write_output(tmp / "linkage_report.json", text)
    print(report.summary())
    print(f"\nwrote {ds.n_persons} linked persons to {out} (famgraph CSV tables + linkage_report.json)")
    return 0
