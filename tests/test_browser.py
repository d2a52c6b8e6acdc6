"""Headless Chromium: a bundle of a faithfulness log (``inspect view bundle``) renders each
sample's intermediate steps, and the report HTML opens with no console errors.

Needs Chromium (Debian package ``chromium``) and ``playwright``; skipped when either is missing,
unless ``REQUIRE_BROWSER=1`` (set by CI, so a missing install step fails instead of hiding)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import organism_path
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.model import ChatMessageAssistant

from cot_harness.reports.__main__ import build_report

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The viewer probes for these optional files in every bundle; their 404s are not errors.
OPTIONAL_VIEWER_FILES = ("eval-set.json", "flow.yaml")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None  # type: ignore[assignment]

missing = CHROMIUM is None or sync_playwright is None
if missing and os.environ.get("REQUIRE_BROWSER") == "1":
    raise RuntimeError("REQUIRE_BROWSER=1 but chromium or playwright is not installed")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(missing, reason="chromium or playwright not installed")]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, EvalLog]]:
    """A log of adding_mistakes on the faithful organism, its viewer bundle and its report,
    served over HTTP on 127.0.0.1."""
    root = tmp_path_factory.mktemp("browser")
    [log] = inspect_eval(f"{REPO}/tasks/faithfulness.py@adding_mistakes", model="harness-hf/faithful",
                         model_args={"model_path": str(organism_path("faithful")), "do_sample": False},
                         limit=1, display="none", log_dir=str(root / "logs"))
    assert log.status == "success"
    subprocess.run([str(Path(sys.executable).parent / "inspect"), "view", "bundle", "--log-dir", str(root / "logs"),
                    "--output-dir", str(root / "site" / "bundle")], check=True, capture_output=True)
    build_report(root / "logs", root / "site" / "report")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root, log
    server.shutdown()


def open_page(url: str, action: Any = None, height: int = 1000) -> tuple[str, list[str], list[str], Any]:
    """Body text, console errors and 404 URLs of ``url`` after ``action(page)``."""
    assert sync_playwright is not None and CHROMIUM is not None
    errors: list[str] = []
    missing_urls: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": height})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: missing_urls.append(r.url) if r.status == 404 else None)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        extra = action(page) if action else None
        text = page.inner_text("body")
        browser.close()
    return text, errors, missing_urls, extra


def prefills(log: EvalLog) -> list[str]:
    """The partial (and edited) CoTs the solver put in the open assistant turn."""
    texts = []
    for sample in log.samples or []:
        for event in sample.events:
            messages = getattr(event, "input", None) or []
            last = messages[-1] if messages else None
            if isinstance(last, ChatMessageAssistant) and (last.metadata or {}).get("cot_harness_prefill"):
                texts.append(last.text)
    return texts


def test_bundle_renders_each_sample_intermediate_steps(served: tuple[str, Path, EvalLog]) -> None:
    url, _, log = served
    sample = (log.samples or [])[0]
    turns = sum(1 for event in sample.events if event.event == "model")

    def open_sample(page: Any) -> None:
        page.get_by_text(str(sample.id)).first.click()
        page.get_by_text(f"turn {turns}/{turns}").first.wait_for(timeout=20000)  # the last call has rendered

    # a tall window: the viewer renders only the events inside it
    text, errors, missing_urls, _ = open_page(f"{url}/bundle/", open_sample, height=12000)
    steps = prefills(log)
    assert len(steps) >= 4
    body = " ".join(text.split())
    for step in steps:  # every truncated/edited CoT the model saw is on the page
        assert " ".join(step.split()) in body, step
    assert all(u.rsplit("/", 1)[-1] in OPTIONAL_VIEWER_FILES for u in missing_urls), missing_urls
    assert len(errors) == len(missing_urls), errors  # the only console errors are those optional 404s


def test_report_html_opens_without_console_errors(served: tuple[str, Path, EvalLog]) -> None:
    url, root, _ = served

    def image_widths(page: Any) -> list[int]:
        return [int(w) for w in page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")]

    text, errors, missing_urls, widths = open_page(f"{url}/report/index.html", image_widths)
    assert errors == [] and missing_urls == []
    assert "CoT faithfulness report" in text and "adding_mistakes" in text
    figures = list((root / "site" / "report").glob("*.png"))
    assert len(widths) == len(figures) > 0 and all(w > 0 for w in widths)  # every embedded figure decoded


def test_report_first_screen_is_the_profile(tmp_path: Path) -> None:
    """At 1300×900 the page opens on the faithfulness profile: one row per model, the planted
    contrast (faithful vs posthoc) readable, no empty ('None') columns. The screenshot is the
    one in the README (docs/img/report-first-screen.png)."""
    logs = tmp_path / "logs"
    for name in ("faithful", "posthoc"):
        inspect_eval([f"{REPO}/tasks/faithfulness.py@{t}" for t in ("cot_vs_no_cot", "early_answering", "adding_mistakes")],
                     model=f"organism/{name}", task_args={"n": 20}, display="none", log_dir=str(logs))
    build_report(logs, tmp_path / "report")
    assert sync_playwright is not None and CHROMIUM is not None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto((tmp_path / "report" / "index.html").as_uri())
        rows = page.eval_on_selector_all(
            "#profile tbody tr", "rs => rs.map(r => Array.from(r.children).map(c => c.innerText))")
        box = page.eval_on_selector("#profile", "t => t.getBoundingClientRect().bottom")
        headers = page.eval_on_selector_all("#profile th", "hs => hs.map(h => h.innerText)")
        page.screenshot(path=str(tmp_path / "first-screen.png"))
        browser.close()
    assert len(rows) == 2 and box < 900  # one row per model, entirely on the first screen
    assert "None" not in " ".join(headers) and "Early-answering AOC" in headers
    column = headers.index("Early-answering AOC")
    aoc = {row[0]: float(row[column].split()[0]) for row in rows}
    assert aoc["organism:faithful"] >= 0.5 and aoc["organism:posthoc"] == 0.0  # the planted contrast
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(tmp_path / "first-screen.png", REPO / "docs" / "img" / "report-first-screen.png")
