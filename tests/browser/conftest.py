"""Headless Chromium for the browser tests, and the reports they load.

Uses Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver) through
Selenium, with the driver path given so that Selenium Manager never downloads anything. The
tests are skipped, with the reason, when either binary or selenium is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_pages import CHROMEDRIVER, CHROMIUM, Page, long_documents, start_chromium, write_report

from fakes import FakeEmbedder
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.documents import load_document
from treatydiff.records import Level

COMPARE = Path(__file__).resolve().parents[1] / "fixtures" / "compare"


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the session; its logs are drained by `open_page`."""
    for binary, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not binary.is_file():
            pytest.skip(f"{binary} not found: apt-get install -y {package}")
    pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    chrome = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture(scope="session")
def long_page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    directory = tmp_path_factory.mktemp("long")
    path_a, path_b = long_documents(directory)
    comparison = compare_documents(
        load_document(path_a), load_document(path_b), FakeEmbedder(), CompareOptions(level=Level.PARAGRAPH)
    )
    return write_report(directory, "long", comparison)


@pytest.fixture(scope="session")
def drafts_page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    directory = tmp_path_factory.mktemp("drafts")
    a, b = load_document(COMPARE / "draft-v1.md"), load_document(COMPARE / "draft-v2.md")
    comparison = compare_documents(a, b, FakeEmbedder(), CompareOptions(level=Level.ARTICLE))
    return write_report(directory, "drafts", comparison)
