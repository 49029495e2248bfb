"""Sphinx configuration of the famgraph documentation.

Build from the repository root (warnings are errors):

    .venv/bin/python -m sphinx -W --keep-going -b html docs build/docs

Pages are MyST Markdown. The Python API pages use autodoc on the installed ``famgraph`` package.
"""

from __future__ import annotations

import datetime

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
    "sphinx.ext.napoleon",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
templates_path: list[str] = []

# ---- MyST -------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]  # no math: formulas are Unicode text (offline)
myst_heading_anchors = 3

# ---- autodoc / napoleon -------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True

# ---- nbsphinx -----------------------------------------------------------------------------
# Notebooks are executed by the test suite, never by the docs build. None are listed in a
# toctree yet: to publish them, put the .ipynb files under docs/ (or copy them there in this
# file before the build) and list them in a toctree. Rendering Markdown cells needs pandoc.
nbsphinx_execute = "never"
nbsphinx_allow_errors = False

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
