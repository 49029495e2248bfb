"""Packaging: one version source, the licence and metadata, the extras (the base install loads CSV,
computes every indicator and writes JSON; a missing extra is named in one line), the bundled
example data, and a public namespace without helper imports (issue 15)."""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tomllib

import famgraph as fg

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()


def test_one_version_source() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    provider = PYPROJECT["tool"]["scikit-build"]["metadata"]["version"]
    assert provider["input"] == "VERSION"
    assert re.search(provider["regex"], VERSION + "\n", re.M).group("value") == VERSION  # type: ignore[union-attr]
    cmake = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    assert '"${CMAKE_CURRENT_SOURCE_DIR}/VERSION"' in cmake
    assert "project(famgraph VERSION ${_famgraph_version}" in cmake
    assert not re.search(r"project\(famgraph VERSION \d", cmake)  # no second literal version
    # the compiled module's version comes from CMake's project(VERSION): the same string
    assert fg.__version__ == VERSION
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: (\S+)$", cff, re.M).group(1) == VERSION  # type: ignore[union-attr]


def test_licence_and_metadata() -> None:
    project = PYPROJECT["project"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "the famgraph developers" in licence
    assert project["license"] == "MIT"  # an SPDX expression, not a table
    for pattern in project["license-files"]:
        assert glob.glob(str(ROOT / pattern)), f"license-files pattern {pattern} matches nothing"
    assert project["authors"] and project["urls"]
    classifiers = set(project["classifiers"])
    for wanted in (
        "Intended Audience :: Science/Research",
        "Typing :: Typed",
        "Operating System :: POSIX :: Linux",
        "Programming Language :: Python :: 3.11",
    ):
        assert wanted in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert not any(c.startswith("License ::") for c in classifiers)  # PEP 639: the expression only
    assert (ROOT / "python" / "famgraph" / "py.typed").is_file()


def test_extras() -> None:
    project = PYPROJECT["project"]
    base = " ".join(project["dependencies"])
    for heavy in ("pyarrow", "matplotlib", "jinja2", "dask", "networkx"):
        assert heavy not in base, f"{heavy} must be an extra, not a base dependency"
    extras = project["optional-dependencies"]
    assert {"report", "parquet", "dask", "bench", "all"} <= set(extras)
    assert any(d.startswith("matplotlib") for d in extras["report"])
    assert any(d.startswith("jinja2") for d in extras["report"])
    assert any(d.startswith("pyarrow") for d in extras["parquet"])
    named = re.search(r"famgraph\[(.*)\]", extras["all"][0]).group(1).split(",")  # type: ignore[union-attr]
    assert set(named) == set(extras) - {"all", "plot", "distributed"}  # the two old aliases aside


# Run in a fresh interpreter with the optional modules made unimportable (as in a base install).
BLOCKED_SCRIPT = textwrap.dedent(
    """
    import importlib.abc, json, sys, contextlib, io
    BLOCK = {"matplotlib", "jinja2", "pyarrow", "dask", "distributed", "networkx", "psutil", "pyreadstat"}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCK:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    import famgraph as fg
    from famgraph import cli
    out = {}
    ds = fg.Dataset.from_csv(fg.datasets.path("example"))
    results = fg.indicators.suite(ds, n_boot=20, n_sim=20)
    out["indicators"] = sorted(results)
    text = json.dumps(fg.indicators.to_json(results))
    out["json_chars"] = len(text)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        out["cli_indicators"] = cli.main(
            ["indicators", str(fg.datasets.path()), "--json", sys.argv[1] + "/i.json", "--n-boot", "20"]
        )
    for what, call in {
        "report": lambda: fg.report(ds, sys.argv[1] + "/r.html"),
        "plot": lambda: fg.plot,
        "result_plot": lambda: next(iter(results.values())).plot(),
        "parquet": lambda: ds.to_parquet(sys.argv[1] + "/pq"),
        "dask": lambda: fg.distributed.client(n_workers=1),
        "bench": lambda: fg.bench.main(["--sizes", "100", "--peers", "pandas"]),
    }.items():
        try:
            call()
            out[what] = "no error"
        except ImportError as e:
            out[what] = [type(e).__name__, str(e)]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        out["cli_demo"] = cli.main(
            ["demo", "--data", str(fg.datasets.path()), "--out", sys.argv[1] + "/demo"]
        )
    out["cli_demo_stderr"] = err.getvalue()
    out["loaded"] = sorted(m for m in BLOCK if m in sys.modules)
    print(json.dumps(out))
    """
)


def test_base_install_without_extras(tmp_path: Path) -> None:
    script = tmp_path / "blocked.py"
    script.write_text(BLOCKED_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    r = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, env=env, check=False
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    # the base install: CSV in, every indicator, JSON out (API and command line)
    assert len(out["indicators"]) >= 6 and out["json_chars"] > 1000
    assert out["cli_indicators"] == 0 and json.loads((tmp_path / "i.json").read_text())
    # each optional feature names its extra, in one line
    for what, extra in {
        "report": "report",
        "plot": "report",
        "result_plot": "report",
        "parquet": "parquet",
        "dask": "dask",
        "bench": "bench",
    }.items():
        kind, message = out[what]
        assert kind == "MissingExtraError", (what, out[what])
        assert f"install famgraph[{extra}]" in message and "\n" not in message, (what, message)
    # the command line: exit status 3 (environment), one line, no traceback
    assert out["cli_demo"] == 3
    lines = out["cli_demo_stderr"].strip().splitlines()
    assert len(lines) == 1 and "install famgraph[report]" in lines[0], out["cli_demo_stderr"]
    assert out["loaded"] == []
    assert not (tmp_path / "pq").exists() and not (tmp_path / "r.html").exists()


def test_bundled_example_data() -> None:
    folder = fg.datasets.path("example")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (ROOT / "examples" / "data").iterdir()
    )
    ds = fg.datasets.example()
    assert ds.n_persons == 26
    assert fg.datasets.path() == folder
    with pytest.raises(ValueError, match="no such bundled data set"):
        fg.datasets.path("nope")
    # the wheel installs examples/data as famgraph/data/example (python/CMakeLists.txt)
    assert "DESTINATION famgraph/data/example" in (ROOT / "python" / "CMakeLists.txt").read_text()


def test_demo_out(tmp_path: Path) -> None:
    from famgraph import cli

    out = tmp_path / "new" / "demo"
    assert cli.main(["demo", "--data", str(fg.datasets.path()), "--out", str(out)]) == 0
    assert (out / "report.html").is_file()


def test_namespace_shows_the_public_api_only() -> None:
    names = dir(fg)
    for lazy in ("plot", "distributed", "sweep", "bench", "datasets"):
        assert lazy in names and lazy in fg.__all__
    for helper in ("Any", "TYPE_CHECKING", "annotations", "importlib", "_typing", "_importlib"):
        assert helper not in names
    assert not hasattr(fg, "Any") and not hasattr(fg, "annotations")
    for name in fg.__all__:
        assert getattr(fg, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = fg.nope  # type: ignore[attr-defined]
