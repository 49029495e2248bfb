#!/usr/bin/env python3
"""Thin wrapper: the side-by-side benchmark now lives in the package (:mod:`famgraph.bench`, the
same as ``famgraph bench``), so that it runs from an installed wheel too.

    .venv/bin/python benchmarks/bench.py --sizes 10k,100k,1M       # results/bench-<date>.json
    famgraph bench --sizes 10k --peers pandas

Every name of the harness (``compare``, ``parse_size``, ``main``, ...) is importable from here as
before.
"""

from __future__ import annotations

from famgraph.bench._harness import *  # noqa: F403
from famgraph.bench._harness import main

if __name__ == "__main__":
    raise SystemExit(main())
