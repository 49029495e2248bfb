from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/python/reference


@pytest.fixture
def example_dir() -> Path:
    return ROOT / "examples" / "data"


@pytest.fixture
def repo_root() -> Path:
    return ROOT
