"""Reports for the browser tests: a long revised draft and the small one of tests/fixtures."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treatydiff.records import Comparison
from treatydiff.report import render_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROME_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def start_chromium(profile: Path) -> Any:
    """Debian's headless Chromium through chromedriver, with performance and console logs on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROME_ARGS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


@dataclass(frozen=True)
class Page:
    path: Path
    comparison: Comparison

    @property
    def url(self) -> str:
        return self.path.as_uri()


_VOCABULARY = """harbour lantern meadow orchard pebble quarry ribbon saddle timber velvet walnut yonder
anchor bramble cinder dagger ember falcon garnet hazel ivory jasper kettle ledger marble nectar
oyster pepper quiver raven sable thistle umber vessel willow zephyr acorn beacon cobalt dune
fennel glacier heron indigo juniper kelp lilac mosaic nimbus opal prism quartz rosin sorrel
tundra urchin vortex wicker yarrow zinnia amber basil cedar delta ermine fjord grotto hamlet
islet jetty knoll lagoon mesa nook oasis""".split()


def _paragraphs(topic: int) -> list[str]:
    w = _VOCABULARY[topic * 5 : topic * 5 + 5]
    return [
        f"Each Party shall regulate the {w[0]} {w[1]} and keep a register of every {w[2]} held.",
        f"The {w[3]} of a {w[4]} shall be notified to the {w[0]} authority within thirty days.",
    ]


def _treaty(title: str, articles: list[tuple[str, str, list[str]]]) -> str:
    lines = ["---", f'title: "{title}"', f'short_title: "{title}"', "kind: draft", "language: en", "---", ""]
    lines += [f"# {title}", ""]
    for k, (number, heading, paragraphs) in enumerate(articles):
        if k == 0:
            lines += ["## CHAPTER I – GENERAL PROVISIONS", ""]
        elif k == len(articles) // 2:
            lines += ["## CHAPTER II – FINAL PROVISIONS", ""]
        lines += [f"##### Article {number} – {heading}", ""]
        lines += [f"{i}. {p}\n" for i, p in enumerate(paragraphs, 1)]
    return "\n".join(lines)


def long_documents(directory: Path) -> tuple[Path, Path]:
    """Twelve articles and a revision: folds, a rewording, a drop, an addition, a split, a move."""
    a = [(str(n), f"Topic {_VOCABULARY[n * 5].title()}", _paragraphs(n)) for n in range(1, 13)]
    b: list[tuple[str, str, list[str]]] = []
    for n in (1, 2, 3, 4, 5):
        paragraphs = _paragraphs(n)
        if n == 3:
            paragraphs = [
                p.replace("Each Party", "Each State Party").replace("register", "public register")
                for p in paragraphs
            ]
        b.append((str(len(b) + 1), a[n - 1][1], paragraphs))
    b.append((str(len(b) + 1), "Human rights safeguards", _paragraphs(14)))  # only in B; 6 is dropped
    b.append((str(len(b) + 1), "Topic split one", _paragraphs(7)[:1]))  # 7 split in two
    b.append((str(len(b) + 1), "Topic split two", _paragraphs(7)[1:]))
    for n in (8, 9, 11, 12, 10):  # 10 moves to the end
        b.append((str(len(b) + 1), a[n - 1][1], _paragraphs(n)))
    path_a, path_b = directory / "long-v1.md", directory / "long-v2.md"
    path_a.write_text(_treaty("Long draft v1", a), encoding="utf-8")
    path_b.write_text(_treaty("Long draft v2", b), encoding="utf-8")
    return path_a, path_b


def write_report(directory: Path, name: str, comparison: Comparison) -> Page:
    path = directory / f"{name}.html"
    path.write_text(render_report(comparison), encoding="utf-8")
    return Page(path, comparison)


def open_page(driver: Any, page: Page, *, scheme: str = "light", media: str = "") -> None:
    """Load a report fresh, with the colour scheme (and media type) emulated; logs start empty."""
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    driver.get(page.url)
    deadline = time.monotonic() + 10
    while driver.execute_script("return document.readyState") != "complete":
        assert time.monotonic() < deadline, "the page did not finish loading"
        time.sleep(0.02)
