"""``famgraph template DIR``: empty CSV files with the documented headers and a README of the columns."""

from __future__ import annotations

import argparse

from .. import _files
from .._convert import TABLE_COLUMNS

#: One line per column: what it holds (docs/data_formats.md is the specification).
COLUMN_NOTES: dict[str, dict[str, str]] = {
    "persons": {
        "person_id": "integer id, unique (required)",
        "sex": "F, M, U or empty",
        "birth_date": "YYYY-MM-DD, YYYY-MM or YYYY (or the --date-format of the export); empty = unknown",
        "exit_date": "death or emigration date, same format; empty = still observed",
        "mother_id": "person_id of the mother, or empty",
        "father_id": "person_id of the father, or empty",
    },
    "partnerships": {
        "person_a": "person_id (required)",
        "person_b": "person_id (required)",
        "start_date": "date or empty",
        "end_date": "date or empty (ongoing)",
    },
    "events": {
        "incident_id": "integer id of the incident; one row per participant (required)",
        "person_id": "person_id of the participant (required)",
        "role": "victim, perpetrator, witness or other (required)",
        "date": "date of the incident (required)",
        "kind": "free text, e.g. partner_violence, child_maltreatment",
        "source": "organisation code (required)",
    },
    "contacts": {
        "person_id": "person_id (required)",
        "source": "organisation code (required)",
        "start_date": "date (required)",
        "end_date": "date or empty (ongoing)",
        "kind": "free text",
    },
}


def readme() -> str:
    lines = [
        "# famgraph input tables",
        "",
        "Fill persons.csv (required) and whichever of the other tables you have; keep the headers.",
        "Comma-separated UTF-8 is the default; other exports load with the dialect options",
        "(--sep, --encoding, --date-format, --map HEADER=COLUMN). Check with `famgraph validate DIR`;",
        "`--on-error quarantine` loads the valid records and writes the others aside.",
        "The full specification is docs/data_formats.md of famgraph.",
        "",
    ]
    for table, cols in TABLE_COLUMNS.items():
        lines += [f"## {table}.csv", "", "| column | content |", "|---|---|"]
        lines += [f"| {c} | {COLUMN_NOTES[table][c]} |" for c in cols]
        lines.append("")
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "template",
        help="write empty CSV tables with the documented headers and a README of the columns",
        description="Write persons.csv, partnerships.csv, events.csv and contacts.csv (headers only) "
        "and README.md into a new folder DIR (see docs/data_formats.md).",
    )
    p.add_argument("dir", metavar="DIR", help="new output folder (must not exist, or be empty)")
    p.set_defaults(fn=run)


def run(args: argparse.Namespace) -> int:
    _files.check_output_folder(args.dir)
    with _files.output_folder(args.dir) as tmp:
        for table, cols in TABLE_COLUMNS.items():
            _files.write_output(tmp / f"{table}.csv", ",".join(cols) + "\n")
        _files.write_output(tmp / "README.md", readme())
    print(f"wrote the empty tables and README.md to {args.dir}")
    return 0
