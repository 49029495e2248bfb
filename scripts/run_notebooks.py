"""Execute every notebook in a folder with nbclient (in place of nbval); fail on the first error.

The executed copies are written to build/notebooks/ so the sources stay free of outputs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main(folder: str) -> int:
    notebooks = sorted(Path(folder).glob("*.ipynb"))
    if not notebooks:
        print(f"no notebooks in {folder}", file=sys.stderr)
        return 1
    out_dir = Path("build/notebooks")
    out_dir.mkdir(parents=True, exist_ok=True)
    for nb_path in notebooks:
        t0 = time.perf_counter()
        nb = nbformat.read(nb_path, as_version=4)
        NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(nb_path.parent)}}
        ).execute()
        nbformat.write(nb, out_dir / nb_path.name)
        print(f"executed {nb_path} in {time.perf_counter() - t0:.1f} s")
    print(f"{len(notebooks)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "notebooks"))
