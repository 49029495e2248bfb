"""Sphinx configuration of the famgraph documentation.

Build from the repository root (warnings are errors):

    .venv/bin/python -m sphinx -W --keep-going -b html docs build/docs

Pages are MyST Markdown. The Python API pages use autodoc on the installed ``famgraph`` package.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

project = "famgraph"
author = "famgraph contributors"
copyright = f"{datetime.date.today().year}, {author}"

try:  # the installed package tells the version; the docs still build without it
    import famgraph

    release = famgraph.__version__
except Exception:  # pragma: no cover - only when famgraph is not importable
    release = "0.1.0"
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "nbsphinx",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.napoleon",
    # MathJax from the build folder instead of a CDN, so the formulas of docs/definitions.md
    # render offline (inside a secure environment without internet access, too).
    "sphinx-mathjax-offline",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
templates_path: list[str] = []

# ---- MyST -------------------------------------------------------------------------------
# dollarmath: $…$ and $$…$$ (docs/definitions.md); amsmath: aligned environments. MathJax is served
# from the build folder (sphinx-mathjax-offline above), never from a CDN.
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3

# ---- autodoc / napoleon -------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True

# ---- nbsphinx -----------------------------------------------------------------------------
# The notebooks live in notebooks/ and are committed WITHOUT outputs. scripts/run_notebooks.py
# executes them into build/notebooks/ (the "notebooks" stage of `make test`, which runs before the
# "docs" stage). The docs render those executed copies: this file copies each one into
# docs/notebooks/ (generated, git-ignored) before the build. When an executed copy is missing or
# older than its source, the source is executed here instead (a few seconds each, with the
# notebook's own folder as working directory, exactly as run_notebooks.py does), so that
# `make docs` on its own works too. nbsphinx itself therefore never executes anything.
nbsphinx_execute = "never"
nbsphinx_allow_errors = False

_ROOT = Path(__file__).resolve().parent.parent
_NOTEBOOK_SOURCES = _ROOT / "notebooks"
_NOTEBOOK_EXECUTED = _ROOT / "build" / "notebooks"
_NOTEBOOK_DOCS = Path(__file__).resolve().parent / "notebooks"


def _stage_notebooks() -> None:
    """Put an executed copy of every notebook into docs/notebooks/ (atomic writes)."""
    import nbformat

    _NOTEBOOK_DOCS.mkdir(exist_ok=True)
    wanted = set()
    for src in sorted(_NOTEBOOK_SOURCES.glob("*.ipynb")):
        wanted.add(src.name)
        executed = _NOTEBOOK_EXECUTED / src.name
        if executed.exists() and executed.stat().st_mtime >= src.stat().st_mtime:
            nb = nbformat.read(executed, as_version=4)
        else:
            from nbclient import NotebookClient

            print(f"conf.py: executing {src.relative_to(_ROOT)} for the docs", file=sys.stderr)
            nb = nbformat.read(src, as_version=4)
            NotebookClient(
                nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}
            ).execute()
        text = nbformat.writes(nb)
        target = _NOTEBOOK_DOCS / src.name
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)  # atomic: parallel docs builds never see a half-written notebook
    for stale in _NOTEBOOK_DOCS.glob("*.ipynb"):
        if stale.name not in wanted:
            stale.unlink(missing_ok=True)


_stage_notebooks()

# ---- HTML -----------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"famgraph {release}"
html_static_path: list[str] = []
html_theme_options = {
    "description": "Intergenerational family-graph analytics",
    "fixed_sidebar": True,
    "page_width": "1240px",
    "body_max_width": "none",
}
