"""The HTML report in a real browser: headless Chromium (Debian's ``chromium`` + ``chromium-driver``)
driven by Selenium, with every network request refused.

Checks: the page loads without console errors, every image is decoded and drawn (naturalWidth > 0),
nothing outside the page is requested, nothing overflows the page width, every section is there;
a full-page screenshot is saved to ``build/artifacts/report.png`` (and ``report-nl.png``) for a
person to look at. Run: ``.venv/bin/python -m pytest tests/browser -q``.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SECTIONS = ("overview", "quality", "indicators", "pedigree", "definitions", "disclosure")


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.fail(
            f"headless browser not installed ({', '.join(missing)} missing): run scripts/bootstrap.sh "
            "(Debian packages chromium and chromium-driver)"
        )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import famgraph as fg
    from famgraph.report import report

    ds = fg.synth.generate(persons=20_000, seed=2024, progress=False)
    results = fg.indicators.suite(ds, n_boot=100, n_sim=99)
    out = tmp_path_factory.mktemp("report")
    return {
        lang: report(ds, out / f"report-{lang}.html", lang=lang, results=results, date="2025-01-01")
        for lang in ("en", "nl")
    }


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--window-size=1280,1000",
        # any request that leaves the page fails: the report must not need the network
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield d
    finally:
        d.quit()


def _screenshot(driver: Any, target: Path) -> None:
    width = int(driver.execute_script("return document.documentElement.scrollWidth"))
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_renders_in_chromium(driver: Any, reports: dict[str, Path], lang: str) -> None:
    driver.get(reports[lang].resolve().as_uri())
    driver.execute_script("return document.readyState")
    state = driver.execute_script(
        """
        return {
          ready: document.readyState,
          lang: document.documentElement.lang,
          title: document.title,
          images: Array.from(document.images).map(i => ({
              complete: i.complete, w: i.naturalWidth, h: i.naturalHeight,
              scheme: i.currentSrc.split(':')[0], alt: i.alt})),
          resources: performance.getEntriesByType('resource').map(r => r.name),
          scripts: document.scripts.length,
          links: Array.from(document.querySelectorAll('link[href]')).map(l => l.href),
          sections: Array.from(document.querySelectorAll('section[id], article[id]')).map(s => s.id),
          overflow: document.documentElement.scrollWidth - window.innerWidth,
        };
        """
    )
    errors = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]
    assert errors == [], f"console errors: {errors}"
    assert state["ready"] == "complete"
    assert state["lang"] == lang
    assert state["title"]
    images = state["images"]
    assert len(images) >= 12, f"expected a plot per indicator plus pyramid and pedigree, got {len(images)}"
    for img in images:
        assert img["complete"] and img["w"] > 0 and img["h"] > 0, f"image not rendered: {img['alt']!r}"
        assert img["scheme"] == "data", "images must be inline"
        assert img["alt"], "every image needs an alt text"
    assert [r for r in state["resources"] if not r.startswith("data:")] == []
    assert state["scripts"] == 0 and state["links"] == []
    for s in SECTIONS:
        assert s in state["sections"], f"section {s!r} missing"
    assert state["overflow"] <= 0, "the page is wider than the window (a table or image overflows)"
    _screenshot(driver, ARTIFACTS / ("report.png" if lang == "en" else "report-nl.png"))
    assert (ARTIFACTS / ("report.png" if lang == "en" else "report-nl.png")).stat().st_size > 10_000
