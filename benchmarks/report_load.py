#!/usr/bin/env python3
"""How fast a large report is ready in headless Chromium: Budapest vs UNCAC at sentence level.

Renders the report with the fake embedder (the alignment doesn't matter here, the page size
does), opens it from file:// in Debian's chromium through chromedriver, and prints the
navigation timings (DOMContentLoaded and load, ms) and how long the "next change" key takes to
move, for the light and dark colour schemes, over --runs runs (medians). Target: ready within
a second.

    python benchmarks/report_load.py [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))
SOURCES = ROOT.parent / "shared" / "corpus-sources"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not SOURCES.is_dir():
        print(f"error: {SOURCES} not found", file=sys.stderr)
        return 1
    from browser_pages import CHROMEDRIVER, CHROMIUM, open_page, start_chromium, write_report

    from fakes import FakeEmbedder
    from treatydiff.compare import CompareOptions, compare_documents
    from treatydiff.documents import load_document
    from treatydiff.records import Level

    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        print("error: chromium and chromium-driver are needed (apt-get install)", file=sys.stderr)
        return 1
    a = load_document(SOURCES / "budapest-convention.en.md")
    b = load_document(SOURCES / "uncac.en.md")
    comparison = compare_documents(a, b, FakeEmbedder(), CompareOptions(level=Level.SENTENCE))
    with tempfile.TemporaryDirectory() as tmp:
        page = write_report(Path(tmp), "budapest-uncac", comparison)
        size = page.path.stat().st_size
        driver = start_chromium(Path(tmp) / "profile")
        try:
            timings: dict[str, list[float]] = {"domcontentloaded": [], "load": []}
            for _ in range(args.runs):
                for scheme in ("light", "dark"):
                    open_page(driver, page, scheme=scheme)
                    ready, loaded = driver.execute_script(
                        "var t = performance.getEntriesByType('navigation')[0];"
                        "return [t.domContentLoadedEventEnd, t.loadEventEnd];"
                    )
                    timings["domcontentloaded"].append(ready)
                    timings["load"].append(loaded)
            started = time.perf_counter()
            driver.find_element("tag name", "body").send_keys("n")
            key_ms = (time.perf_counter() - started) * 1000
        finally:
            driver.quit()
    print(f"report: {len(comparison.pairs)} rows, {size / 1e6:.1f} MB")
    for name, values in timings.items():
        print(f"{name}: median {median(values):.0f} ms, worst {max(values):.0f} ms over {len(values)} loads")
    print(f"'n' key round trip: {key_ms:.0f} ms; target: ready within 1000 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
