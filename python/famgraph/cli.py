"""The ``famgraph`` command line.

The core subcommands (validate, summary, synth, demo) live here; every other subcommand lives in
its own module under :mod:`famgraph._commands`, which has a ``register(subparsers)`` function
adding its parser (listed in :data:`COMMAND_MODULES`, in the order ``--help`` shows them).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, _files, datasets
from . import synth as synth_module
from ._commands._shared import add_dataset_arguments, report_quarantine
from ._commands._shared import load as _load
from ._errors import DataError, shown
from .dataset import Dataset

# Installed with the package (famgraph.datasets); a source checkout reads it from examples/data.
EXAMPLE_DATA = datasets.path("example")

#: Modules of famgraph._commands that add a subcommand each (``register(subparsers)``).
COMMAND_MODULES: tuple[str, ...] = ("indicators", "bench", "link", "convert", "scan", "report", "template")


def _print_summary(ds: Dataset) -> None:
    s = ds.summary()
    roles = ", ".join(f"{r} {n}" for r, n in s["events_by_role"].items())
    print(
        f"persons              {s['persons']} (founders {s['founders']}, "
        f"added parents {s['added_parents']}, without birth date {s['without_birth_date']})"
    )
    print(f"generations          {s['generations']}")
    print(f"family components    {s['family_components']} (largest {s['largest_component']} persons)")
    print(f"partnerships         {s['partnerships']}")
    print(f"incidents            {s['incidents']} ({s['event_rows']} participant rows)")
    print(f"  by role            {roles}")
    print(
        f"contacts             {s['contacts']} with {s['organisations']} organisations "
        f"({', '.join(ds.organisations)})"
    )
    print(
        f"inbreeding           {s['inbred']} persons with F > 0; mean F {s['mean_inbreeding']:.6f}, "
        f"max F {s['max_inbreeding']:.6f}"
    )
    print(f"warnings             {s['warnings']}")
    for rule, n in sorted(ds.warning_counts.items()):
        print(f"  {rule:<28} {n}")
    if "quarantined" in s:
        q = s["quarantined"]
        print(f"quarantined          {q['total']}")
        for rule, n in q.items():
            if rule != "total":
                print(f"  {rule:<28} {n}")


def cmd_validate(args: argparse.Namespace) -> int:
    ds = _load(args)
    if args.quarantine_file:
        _files.check_output_file(args.quarantine_file)
    kept = "valid" if ds.n_quarantined == 0 else f"loaded, {ds.n_quarantined} records quarantined"
    print(
        f"{shown(args.dir, 1000)}: {kept} ({ds.n_persons} persons, {ds.n_incidents} incidents, "
        f"{sum(ds.warning_counts.values())} warnings)"
    )
    for w in ds.warning_issues:
        print(f"warning: {shown(str(w), 2000)}", file=sys.stderr)
    report_quarantine(ds, args, None)
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    ds = _load(args)
    _print_summary(ds)
    report_quarantine(ds, args, None)
    return 0


def _parse_sets(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise ValueError(f"--set {item!r}: expected name=value")
        if name.strip() in ("persons", "seed"):
            raise ValueError(f"--set {item!r}: use --{name.strip()} for this parameter")
        try:
            params[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--set {item!r}: {value!r} is not a number") from None
    return params


def cmd_synth(args: argparse.Namespace) -> int:
    from . import synth

    params = _parse_sets(args.set or [])
    out = synth.write(args.out, args.persons, args.seed, format=args.format, threads=args.threads, **params)
    print(f"wrote {args.persons:,} persons to {out} ({args.format}, with truth.json)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    # Synthetic population -> every indicator -> the HTML report (or a given folder instead of the
    # synthetic data). The report goes to --out, else $FAMGRAPH_DEMO_DIR, else build/demo.
    import os
    import time

    from . import indicators, synth
    from .report import report

    start = time.perf_counter()
    if args.data:
        folder = Path(args.data)
        print(f"famgraph {__version__} demo: loading {folder}")
        ds = Dataset.from_csv(folder)
        print("Note: descriptive counts for the holder of the data, not disclosure-controlled output.\n")
        _print_summary(ds)
        print()
    else:
        print(f"famgraph {__version__} demo: a synthetic population of 200,000 persons (seed 2024)")
        ds = synth.generate(persons=200_000, seed=2024)
        print(f"  {ds}")
    print("computing every indicator (disclosure control on, min_cell = 10) ...", flush=True)
    results = indicators.suite(ds)
    # What this window can show, first (docs/estimands.md): one line per indicator with a verdict.
    for name, r in results.items():
        if r.verdict is not None:
            print(f"  {name}: {r.headline_text()}")
    print("writing the HTML report ...", flush=True)
    out_dir = Path(args.out or os.environ.get("FAMGRAPH_DEMO_DIR", "build/demo"))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = report(ds, out_dir / "report.html", results=results)
    print(f"done in {time.perf_counter() - start:.1f} s; open the report in a browser:")
    print(path.resolve())
    return 0


#: Exit status of every command (docs/cli.md).
EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_INTERNAL = 0, 1, 2, 3, 4
#: Interrupted by a signal: 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129; a closed
#: output pipe, SIGPIPE, 141).
EXIT_SIGNAL_BASE = 128

EPILOG = """\
exit status:
  0    done
  1    invalid data (each problem named with its file, line, column and value)
  2    usage: invalid options, or an output path that cannot be used (an input of
       the run, a folder where a file is expected, an existing output without --force)
  3    environment: a file not found, unreadable or not a regular file, permission
       denied, disk full, out of memory, an optional dependency not installed
  4    internal error: a bug in famgraph (please report it with the --debug output)
  130  interrupted (Ctrl-C); 143 SIGTERM, 129 SIGHUP; 141 the output pipe was closed
Unfinished outputs are removed in every case; inputs are never written.
--debug (anywhere on the command line) shows the traceback of an error.
See docs/cli.md."""


class _Parser(argparse.ArgumentParser):
    """argparse with its error messages escaped and clipped (a 5-million-digit value is not
    echoed whole)."""

    def error(self, message: str) -> NoReturn:
        super().error("\n".join(shown(line, 500) for line in message.splitlines()))


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="famgraph",
        description="Intergenerational family-graph analytics.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"famgraph {__version__}")
    p.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, fn, help_ in (
        ("validate", cmd_validate, "check a dataset folder against the data contract"),
        ("summary", cmd_summary, "print descriptive counts of a dataset folder"),
    ):
        s = sub.add_parser(name, help=help_)
        add_dataset_arguments(s)
        s.set_defaults(fn=fn)
    sy = sub.add_parser("synth", help="generate a synthetic population with planted truth")
    sy.add_argument(
        "--persons",
        type=int,
        required=True,
        help="exact number of persons (1 to 2e9, and what fits in memory: about "
        f"{synth_module.PEAK_BYTES_PER_PERSON} bytes each)",
    )
    sy.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    sy.add_argument("--out", required=True, help="new output folder (must not exist)")
    sy.add_argument("--format", choices=["csv", "parquet"], default="csv")
    sy.add_argument(
        "--threads", type=int, default=0, help="worker threads (0 = all); never changes the output"
    )
    sy.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a model parameter (see famgraph.synth.parameters())",
    )
    sy.set_defaults(fn=cmd_synth)
    d = sub.add_parser(
        "demo",
        help="synthetic population of 200,000 persons -> every indicator -> HTML report (prints its path)",
    )
    d.add_argument("--data", help="another dataset folder to use instead of the synthetic population")
    d.add_argument(
        "--out",
        help="folder for report.html (created if needed; default $FAMGRAPH_DEMO_DIR, else build/demo)",
    )
    d.set_defaults(fn=cmd_demo)
    for name in COMMAND_MODULES:
        importlib.import_module(f"famgraph._commands.{name}").register(sub)
    for child in sub.choices.values():
        # --debug after the command too; SUPPRESS keeps the main parser's value when absent
        child.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of an error"
        )
        child.epilog = child.epilog or "Exit status: see `famgraph --help` (docs/cli.md)."
    return p


class _Terminated(BaseException):
    """Raised by the SIGTERM/SIGHUP handler of :func:`main`, so that every ``finally`` (and the
    removal of unfinished outputs) runs before the process exits."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signal_handlers() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`_Terminated` (once) while a command runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = False

    def handler(signum: int, frame: object) -> None:
        nonlocal raised
        if not raised:  # a second signal must not interrupt the clean-up of the first
            raised = True
            raise _Terminated(signum)

    wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {s: signal.signal(s, handler) for s in wanted}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _say(message: str) -> None:
    """One message on stderr: every line escaped and clipped."""
    lines = message.splitlines() or [""]
    print("\n".join(shown(line, 2000) for line in lines), file=sys.stderr)


def _warning_line(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    _say(f"famgraph: warning: {message}")


def _run(args: argparse.Namespace) -> int:
    """The command, with every failure mapped to a message and an exit status."""
    debug = bool(getattr(args, "debug", False))

    def trace() -> None:
        if debug:
            traceback.print_exc()

    try:
        with _files.tracking_inputs(), _signal_handlers(), warnings.catch_warnings():
            warnings.showwarning = _warning_line
            # famgraph's own warnings (a weak key, lossy imports) are shown, never raised
            warnings.filterwarnings("default", category=UserWarning, module="famgraph")
            return int(args.fn(args))
    except DataError as e:
        trace()
        print(str(e), file=sys.stderr)  # the C++ core and the loaders escape and clip every value
        return EXIT_DATA
    except KeyboardInterrupt:
        trace()
        _say("famgraph: interrupted; unfinished output removed")
        return EXIT_SIGNAL_BASE + signal.SIGINT
    except _Terminated as e:
        trace()
        _say(f"famgraph: stopped by {signal.Signals(e.signum).name}; unfinished output removed")
        return EXIT_SIGNAL_BASE + e.signum
    except BrokenPipeError:
        # `famgraph indicators DIR | head`: the reader has gone; stop quietly, as SIGPIPE would
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_SIGNAL_BASE + 13
    except (_files.OutputPathError, FileExistsError) as e:
        trace()
        _say(f"famgraph: {_files.describe_os_error(e) if isinstance(e, OSError) else e}")
        return EXIT_USAGE
    except MemoryError as e:
        trace()
        _say(f"famgraph: out of memory{': ' + str(e) if str(e) else ''}")
        return EXIT_ENVIRONMENT
    except OSError as e:
        trace()
        _say(f"famgraph: {_files.describe_os_error(e)}")
        return EXIT_ENVIRONMENT
    except (ValueError, TypeError, OverflowError) as e:
        trace()
        _say(f"famgraph: {e}")
        return EXIT_USAGE
    except ImportError as e:
        # an optional dependency is missing: the message names the extra (famgraph._extras)
        trace()
        _say(f"famgraph: {e}")
        return EXIT_ENVIRONMENT
    except Exception as e:
        trace()
        _say(
            f"famgraph: internal error ({type(e).__name__}: {e}); this is a bug, please report it "
            "(run again with --debug for the details)"
        )
        return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    """The ``famgraph`` command; returns its exit status (see :data:`EPILOG`).

    No traceback reaches the user: every failure becomes a message on stderr and a documented
    exit status (``--debug`` shows the traceback too). argparse's own errors exit with status 2
    (``SystemExit``), ``--help`` and ``--version`` with 0.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        args = build_parser().parse_args(argv)
    except KeyboardInterrupt:
        _say("famgraph: interrupted")
        return EXIT_SIGNAL_BASE + signal.SIGINT
    return _run(args)


if __name__ == "__main__":
    raise SystemExit(main())
