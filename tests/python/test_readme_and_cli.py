"""The README quickstart and the CLI, exercised exactly as a user would run them."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from extract_snippet import extract  # noqa: E402


def test_readme_python_quickstart_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "quickstart.py"
    script.write_text(extract(str(ROOT / "README.md"), "python"))
    monkeypatch.chdir(ROOT)
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "phi(403, 404) = 0.28125" in out
    assert "F(403) = 0.0625" in out
    assert "[401 402]" in out


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "famgraph"
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "error", **(env or {})},
        check=False,
    )


def test_cli_demo_prints_summary(tmp_path: Path) -> None:
    r = _cli("demo", "--data", "examples/data", env={"FAMGRAPH_DEMO_DIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert "persons              26" in r.stdout
    assert "generations          4" in r.stdout
    assert "victim 6, perpetrator 6, witness 4, other 0" in r.stdout
    assert "4 persons with F > 0" in r.stdout


def test_cli_validate_ok_and_error(tmp_path: Path) -> None:
    r = _cli("validate", "examples/data")
    assert r.returncode == 0 and "valid (26 persons" in r.stdout
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "persons.csv").write_text(
        "person_id,sex,birth_date,exit_date,mother_id,father_id\n1,F,1950,,,\n1,M,1951,,,\n"
    )
    r = _cli("validate", str(bad))
    assert r.returncode == 1
    assert "persons.csv:3:person_id: duplicate person_id 1 (first on line 2" in r.stderr
    r = _cli("validate", str(tmp_path / "missing"))
    assert r.returncode == 3 and "not found (expected a dataset folder" in r.stderr, r.stderr
