"""Print the first fenced code block of a given language from a Markdown file."""

from __future__ import annotations

import re
import sys
from pathlib import Path


def extract(path: str, lang: str) -> str:
    text = Path(path).read_text(encoding="utf-8")
    m = re.search(rf"^```{re.escape(lang)}\n(.*?)^```", text, re.S | re.M)
    if not m:
        raise SystemExit(f"{path}: no ```{lang} block found")
    return m.group(1)


if __name__ == "__main__":
    sys.stdout.write(extract(sys.argv[1], sys.argv[2]))
