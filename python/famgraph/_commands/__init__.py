"""Subcommands of the ``famgraph`` command line, one module each (see :mod:`famgraph.cli`)."""
