"""The report in headless Chromium from file://: no requests, no script errors, and the
reading tools (filters, next/previous change, search, folds, map, downloads) working."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_pages import ARTIFACTS, Page, open_page, write_report

from fakes import FakeEmbedder
from treatydiff.changelist import change_list, change_list_csv, change_list_markdown
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.diffing import normalise_for_diff
from treatydiff.documents import load_document
from treatydiff.records import Level, Status

pytestmark = pytest.mark.browser


# ---------------------------------------------------------------- helpers


def requests_made(driver: Any) -> list[str]:
    """URLs of every request the page made, from the DevTools performance log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def wait_for(condition: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def visible_rows(driver: Any, selector: str = "#cmp tr.r") -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".filter(function (r) { return r.getClientRects().length > 0; }).map(function (r) { return r.id; });",
        selector,
    )


def row_ids(page: Page, keep: Callable[[Any], bool]) -> list[str]:
    """Ids of the pair rows (as the report makes them) whose pair passes `keep`."""
    from treatydiff.changelist import pair_anchors

    return [
        a for p, a in zip(page.comparison.pairs, pair_anchors(page.comparison.pairs), strict=True) if keep(p)
    ]


def click(driver: Any, element: Any) -> None:
    """Click like a person: the element centred in the window first, clear of the sticky toolbar."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    ActionChains(driver).move_to_element(element).click().perform()


def press(driver: Any, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(key).perform()


def row_at_reading_line(driver: Any) -> str:
    """The row whose top sits just under the sticky toolbar and column headings."""
    return driver.execute_script(
        """
        var line = document.getElementById('bar').offsetHeight
            + document.querySelector('#cmp thead').offsetHeight;
        var rows = document.querySelectorAll('#cmp tr.r');
        for (var i = 0; i < rows.length; i++) {
          var top = rows[i].getBoundingClientRect().top;
          if (rows[i].getClientRects().length && Math.abs(top - line) < 3) { return rows[i].id; }
        }
        return null;
        """
    )


@pytest.fixture(autouse=True)
def no_script_errors(driver: Any) -> Any:
    yield
    assert console_errors(driver) == []


# ---------------------------------------------------------------- loading


def test_the_page_makes_no_request_but_for_itself(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    press(driver, "n")
    click(driver, driver.find_element("css selector", "#map g.links a path.hit"))
    assert requests_made(driver) == [long_page.url]


def test_opens_in_light_and_dark_and_is_saved_as_screenshots(driver: Any, long_page: Page) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    backgrounds = {}
    for scheme in ("light", "dark"):
        open_page(driver, long_page, scheme=scheme)
        backgrounds[scheme] = driver.execute_script(
            "return getComputedStyle(document.documentElement).backgroundColor"
        )
        driver.save_screenshot(str(ARTIFACTS / f"report-{scheme}.png"))
        driver.execute_script("document.getElementById('cmp-h').scrollIntoView()")
        driver.save_screenshot(str(ARTIFACTS / f"report-{scheme}-comparison.png"))
    assert backgrounds["light"] != backgrounds["dark"]
    assert (ARTIFACTS / "report-dark.png").stat().st_size > 10_000


def test_print_shows_folded_rows_and_hides_the_controls(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page, media="print")
    assert driver.execute_script("return getComputedStyle(document.getElementById('bar')).display") == "none"
    assert len(visible_rows(driver)) == len(long_page.comparison.pairs)
    assert visible_rows(driver, "#cmp tr.ft") == []
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    ARTIFACTS.mkdir(exist_ok=True)
    import base64

    (ARTIFACTS / "report-print.pdf").write_bytes(base64.b64decode(pdf["data"]))


def test_a_large_report_works_in_both_colour_schemes(
    driver: Any, tmp_path: Path, corpus_sources: Path
) -> None:
    # How fast it loads is measured by benchmarks/report_load.py: timings on a shared machine
    # make a test flaky.
    a = load_document(corpus_sources / "budapest-convention.en.md")
    b = load_document(corpus_sources / "uncac.en.md")
    comparison = compare_documents(a, b, FakeEmbedder(), CompareOptions(level=Level.SENTENCE))
    page = write_report(tmp_path, "budapest-uncac", comparison)
    assert page.path.stat().st_size < 3_000_000
    for scheme in ("light", "dark"):
        open_page(driver, page, scheme=scheme)
        driver.save_screenshot(str(ARTIFACTS / f"budapest-uncac-{scheme}.png"))
    press(driver, "n")
    wait_for(lambda: row_at_reading_line(driver))
    assert requests_made(driver) == [page.url]


# ---------------------------------------------------------------- filters and folds


def test_each_filter_shows_its_rows(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    folded = set(row_ids(long_page, lambda p: p.status == Status.UNCHANGED and not p.moved))
    assert folded  # the fixture has runs of unchanged rows
    everything = row_ids(long_page, lambda p: True)
    assert visible_rows(driver) == [r for r in everything if r not in folded]
    expected = {
        "changed": lambda p: p.status != Status.UNCHANGED or p.moved,
        "moved": lambda p: p.moved,
        "only_a": lambda p: p.status == Status.ONLY_A,
        "only_b": lambda p: p.status == Status.ONLY_B,
    }
    for key, keep in expected.items():
        driver.find_element("css selector", f"#bar button[data-filter='{key}']").click()
        assert visible_rows(driver) == row_ids(long_page, keep), key
        pressed = driver.find_elements("css selector", "#bar button[aria-pressed='true']")
        assert [b.get_attribute("data-filter") for b in pressed] == [key]
        # the change list follows the same filter
        shown = driver.execute_script(
            "return Array.from(document.querySelectorAll('#cl tbody tr'))"
            ".filter(function (r) { return r.getClientRects().length > 0; }).length;"
        )
        rows = change_list(long_page.comparison)
        want = {
            "changed": lambda r: r.changed,
            "moved": lambda r: r.moved,
            "only_a": lambda r: r.status == Status.ONLY_A,
            "only_b": lambda r: r.status == Status.ONLY_B,
        }[key]
        assert shown == sum(1 for r in rows if want(r)), key
    driver.find_element("css selector", "#bar button[data-filter='all']").click()
    assert visible_rows(driver) == [r for r in everything if r not in folded]


def test_folds_open_one_by_one_and_all_at_once(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    toggle = driver.find_element("css selector", "#cmp tbody.fold .ftb")
    fold_rows = driver.execute_script(
        "return Array.from(arguments[0].closest('tbody').querySelectorAll('tr.r'))"
        ".map(function (r) { return r.id; });",
        toggle,
    )
    assert not set(fold_rows) & set(visible_rows(driver))
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert set(fold_rows) <= set(visible_rows(driver))
    driver.find_element("id", "unfold").click()
    assert len(visible_rows(driver)) == len(long_page.comparison.pairs)
    driver.find_element("id", "unfold").click()
    assert not set(fold_rows) & set(visible_rows(driver))


def test_a_link_into_a_folded_run_opens_it(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    # Article 2 of A: its heading is inside the run that starts with Article 1.
    heading = driver.find_element("id", "a-art-2")
    assert not heading.is_displayed()
    driver.find_element("css selector", ".tc-a a[href='#a-art-2']").click()
    wait_for(lambda: heading.is_displayed())
    assert driver.execute_script("return location.hash") == "#a-art-2"
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", heading)
    assert 0 < top < driver.execute_script("return innerHeight")


# ---------------------------------------------------------------- next / previous change


def test_n_and_p_step_through_the_changes(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    changes = row_ids(long_page, lambda p: p.status != Status.UNCHANGED or p.moved)
    for expected in changes[:3]:
        press(driver, "n")
        assert wait_for(lambda: row_at_reading_line(driver)) == expected
        assert driver.execute_script("return location.hash") == f"#{expected}"
        assert driver.find_element("css selector", "#cmp tr.cur").get_attribute("id") == expected
    press(driver, "p")
    assert wait_for(lambda: row_at_reading_line(driver)) == changes[1]
    assert driver.find_element("id", "pos").text.startswith("2 of ")
    # the buttons do the same
    driver.find_element("id", "next").click()
    assert wait_for(lambda: row_at_reading_line(driver)) == changes[2]
    driver.find_element("id", "prev").click()
    assert wait_for(lambda: row_at_reading_line(driver)) == changes[1]


def test_next_change_keeps_to_the_filter(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    driver.find_element("css selector", "#bar button[data-filter='only_b']").click()
    only_b = row_ids(long_page, lambda p: p.status == Status.ONLY_B)
    for expected in only_b:
        press(driver, "n")
        # few rows are left: the page may be too short to bring one up to the top
        current = wait_for(lambda: driver.find_elements("css selector", "#cmp tr.cur"))[0]
        assert current.get_attribute("id") == expected
        top = driver.execute_script("return arguments[0].getBoundingClientRect().top", current)
        assert 0 <= top < driver.execute_script("return innerHeight")
    press(driver, "n")
    assert driver.find_element("id", "pos").text == "Last change"


# ---------------------------------------------------------------- search


def test_search_marks_every_match_and_steps_through_them(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    word = "register"
    texts = [
        normalise_for_diff(s.text)
        for doc in (long_page.comparison.a, long_page.comparison.b)
        for s in doc.segments
    ]
    expected = sum(len(re.findall(word, t, re.IGNORECASE)) for t in texts)
    assert expected > 2
    box = driver.find_element("id", "q")
    box.send_keys(word.upper())
    wait_for(lambda: "matches" in driver.find_element("id", "qn").text)
    marks = driver.execute_script(
        "return Array.from(document.querySelectorAll('#cmp mark'))"
        ".map(function (m) { return m.textContent; });"
    )
    assert [m.lower() for m in marks] == [word] * expected
    assert driver.find_element("id", "qn").text == f"{expected} matches"
    box.send_keys("\n")
    assert driver.find_element("id", "qn").text == f"1 of {expected} matches"
    current = driver.find_element("css selector", "#cmp mark.cur")
    assert current.is_displayed()  # its fold was opened
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", current)
    assert 0 < top < driver.execute_script("return innerHeight")
    driver.find_element("id", "qnext").click()
    assert driver.find_element("id", "qn").text == f"2 of {expected} matches"
    # clearing the box removes the marks and leaves the text as it was
    box.clear()
    box.send_keys(" ")
    wait_for(lambda: not driver.find_elements("css selector", "#cmp mark"))
    text = driver.execute_script("return document.querySelector('#cmp .t').textContent")
    assert text == normalise_for_diff(long_page.comparison.a.segments[0].text)


def test_search_finds_words_across_diff_markup(driver: Any, drafts_page: Page) -> None:
    open_page(driver, drafts_page)
    driver.find_element("id", "q").send_keys("communications technology system\n")
    wait_for(lambda: driver.find_elements("css selector", "#cmp mark.cur"))
    pieces = driver.execute_script(
        "return Array.from(document.querySelectorAll('#cmp mark.cur'))"
        ".map(function (m) { return m.textContent; });"
    )
    assert (
        "".join(pieces) == "communications technology system" and len(pieces) == 2
    )  # inside <ins> and after


# ---------------------------------------------------------------- map, change list, downloads


def test_a_line_of_the_map_leads_to_its_pair(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    line = driver.find_element("css selector", "#map g.links a path.hit")
    link = line.find_element("xpath", "..")
    href = link.get_dom_attribute("href")
    click(driver, line)
    wait_for(lambda: driver.execute_script("return location.hash") == href[href.index("#") :])
    target = driver.find_element("id", href[href.index("#") + 1 :])
    assert target.is_displayed()
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", target)
    assert 0 < top < driver.execute_script("return innerHeight")


def test_a_node_of_the_map_leads_to_its_article(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    node = driver.find_element("css selector", "#map g.nodes a[href='#a-art-6'] rect")
    click(driver, node)
    wait_for(lambda: driver.execute_script("return location.hash") == "#a-art-6")
    assert driver.find_element("id", "a-art-6").is_displayed()


def test_moved_pairs_link_to_their_place_in_b_and_back(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    driver.find_element("css selector", "#bar button[data-filter='moved']").click()
    link = driver.find_element("css selector", "#cmp tr.r.mv a.mvl")
    stub_id = link.get_dom_attribute("href")[1:]
    link.click()
    wait_for(lambda: driver.execute_script("return location.hash") == f"#{stub_id}")
    back = driver.find_element("id", stub_id).find_element("css selector", ".stx a")
    back.click()
    assert driver.execute_script("return location.hash") == f"#{stub_id.removeprefix('mv-')}"


def test_the_change_list_sorts_and_filters(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)

    def column(index: int) -> list[str]:
        return driver.execute_script(
            "var i = arguments[0]; return Array.from(document.querySelectorAll('#cl tbody tr'))"
            ".filter(function (r) { return !r.hidden; })"
            ".map(function (r) { return r.cells[i].textContent; });",
            index,
        )

    rows = change_list(long_page.comparison)
    driver.find_element("css selector", "#cl button[data-sort='5']").click()  # words added, largest first
    added = [int(x) for x in column(5)]
    assert added == sorted(added, reverse=True)
    head = driver.find_element("css selector", "#cl thead th:nth-child(6)")
    assert head.get_attribute("aria-sort") == "descending"
    driver.find_element("css selector", "#cl button[data-sort='5']").click()
    assert [int(x) for x in column(5)] == sorted(added)
    driver.find_element("css selector", "#cl button[data-sort='0']").click()
    assert column(0) == [str(i) for i in range(1, len(rows) + 1)]
    driver.find_element("id", "clq").send_keys("split")
    wait_for(lambda: len(column(0)) == 1)
    assert "split into Articles 7 and 8" in column(7)[0]
    assert driver.find_element("id", "cln").text == f"1 of {len(rows)} shown"


def test_the_change_list_downloads_as_csv_and_markdown(
    driver: Any, drafts_page: Page, tmp_path: Path
) -> None:
    open_page(driver, drafts_page)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    rows = change_list(drafts_page.comparison)
    for kind, expected in (
        ("csv", "\ufeff" + change_list_csv(rows)),
        ("md", change_list_markdown(rows, drafts_page.comparison)),
    ):
        driver.find_element("css selector", f"button[data-export='{kind}']").click()
        suffix = ".changes.csv" if kind == "csv" else ".changes.md"
        path = wait_for(lambda s=suffix: next((p for p in downloads.glob(f"*{s}") if p.stat().st_size), None))
        time.sleep(0.2)
        assert path.name == f"draft-v1--draft-v2{suffix}"
        assert path.read_bytes().decode("utf-8") == expected
    assert [u for u in requests_made(driver) if not u.startswith("blob:")] == [drafts_page.url]


def test_keyboard_only_reading(driver: Any, long_page: Page) -> None:
    open_page(driver, long_page)
    press(driver, "\t")
    focused = driver.switch_to.active_element
    assert focused.get_attribute("class") == "skip" and focused.is_displayed()
    focused.send_keys("\n")
    assert driver.execute_script("return document.activeElement.id") == "cmp-h"
    outline = driver.execute_script(
        "var b = document.querySelector('#bar button'); b.focus();"
        "return getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth;"
    )
    assert outline.startswith("solid")
    press(driver, "/")
    assert driver.execute_script("return document.activeElement.id") == "q"
