"""Hostile documents cannot turn treatydiff's HTML against its reader.

Treaties, a news piece, their metadata, headings, file names and the corpus are full of
markup, script, URL and template payloads. Each kind of page (the comparison at article and
paragraph level, the positions report, the index) is checked statically (the CSP, no event
handler, no `javascript:` URL, no tag that the template does not write) and then in headless
Chromium from file://, with and without its Content-Security-Policy, after some use of its
controls: no payload ran, no dialog opened, no request left the page, no CSP violation, and
the payloads read as text.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from fakes import FakeEmbedder
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.corpus import Corpus, render
from treatydiff.documents import Document, parse_document
from treatydiff.index import write_index
from treatydiff.positions import link_claims
from treatydiff.positions_report import render_positions_report
from treatydiff.records import Level, Status
from treatydiff.report import render_report

pytestmark = pytest.mark.browser

# ---------------------------------------------------------------- payloads

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = "<svg onload=window.__pwned=1><circle r=9 /></svg>"
DIALOGS = "<img src=y onerror=alert(1)><svg/onload=confirm(2)><body onload=prompt(3)>"
JS_URL = "javascript:window.__pwned=1"
MD_LINK = "[read more](javascript:window.__pwned=1) and <a href=javascript:alert(1)>here</a>"
TEXTAREA = "</textarea><script>window.__pwned=1</script>"
SCRIPT_BREAK = "</script><script>window.__pwned=1</script><!--<script>"
STYLE_BREAK = "</style><script>window.__pwned=1</script>"
TITLE_BREAK = "</title><script>window.__pwned=1</script>"
ATTRIBUTE_BREAK = '"><iframe srcdoc="<script>parent.__pwned=1</script>">'
ATTRIBUTE_BREAK_SINGLE = "'><iframe srcdoc='<script>parent.__pwned=1</script>'>"
TEMPLATE = "{{ 7*191 }} {% if true %}jinja{% endif %} ${7*191} {{constructor.constructor('alert(1)')()}}"
PRE_ESCAPED = "&lt;script&gt;window.__pwned=1&lt;/script&gt; &amp;lt;b&amp;gt; &#60;i&#62;"
RTL = "\u202egnp.exe\u202c and \u2067isolate\u2069 and \u202eoverride"
REFRESH = '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=1">'
BASE = '<base href="http://evil.invalid/">'
LINK = "<link rel=stylesheet href=http://evil.invalid/x.css>"
CSS = (
    '<div style="background:url(http://evil.invalid/bg.png)">styled</div> '
    "url(http://evil.invalid/u.png) @import 'http://evil.invalid/i.css';"
)
CDATA = "]]><![CDATA[ <!-- --> <?php echo 1; ?> <x onclick=alert(1)>"

PAYLOADS = (
    SCRIPT,
    IMG,
    SVG,
    DIALOGS,
    JS_URL,
    MD_LINK,
    TEXTAREA,
    SCRIPT_BREAK,
    STYLE_BREAK,
    TITLE_BREAK,
    ATTRIBUTE_BREAK,
    ATTRIBUTE_BREAK_SINGLE,
    TEMPLATE,
    PRE_ESCAPED,
    RTL,
    REFRESH,
    BASE,
    LINK,
    CSS,
    CDATA,
)

# What a page must show as text. Prose loses Markdown emphasis ("__" in "window.__pwned"), so
# the markers avoid underscores and asterisks.
SHOWN = (
    "<script>",
    "</textarea>",
    "</style>",
    "</title>",
    '"><iframe srcdoc="<script>parent.',
    '<meta http-equiv="refresh"',
    '<base href="http://evil.invalid/">',
    "<link rel=stylesheet href=http://evil.invalid/x.css>",
    "url(http://evil.invalid/bg.png)",
    "{{ 7*191 }}",
    "&lt;script&gt;",  # pre-escaped text stays as typed, not decoded once more
    "<x onclick=alert(1)>",
)
# Flags the payloads set if they run ("__" is dropped from prose, so "pwned" too).
FLAGS = ("__pwned", "pwned")
# The tags the templates write; anything else on a page came from a document.
TAGS = set(
    """html head meta title style script body a header h1 h2 h3 div dl dt dd code br p b nav
    span button output label input main section table caption thead tbody tr th td ol ul li
    colgroup col svg g path rect text ins del q mark details summary footer""".split()
)
DANGEROUS = "iframe,frame,img,image,object,embed,base,link,form,textarea,video,audio,source,circle,x"
_CONTROL = re.compile(r"[\x00-\x20\u00a0\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def hostile(*parts: str) -> str:
    return " ".join(parts)


TREATY_A_META = {
    "title": hostile("Convention on", *PAYLOADS),
    "short_title": hostile("Conv A", TITLE_BREAK, ATTRIBUTE_BREAK, RTL),
    "kind": "treaty",
    "language": "en",
    "source": JS_URL,
    "date": hostile("2001", SVG),
    "publisher": hostile(STYLE_BREAK, LINK),
    "author": hostile(ATTRIBUTE_BREAK_SINGLE, REFRESH, BASE),
}
TREATY_B_META = {
    "title": hostile("Revised convention", *reversed(PAYLOADS)),
    "short_title": hostile("Conv B", SCRIPT, DIALOGS, CSS),
    "kind": "draft",
    "language": "en",
    "url": "javascript:alert(1)",
    "date": hostile("2024", REFRESH),
    "publisher": hostile(BASE, CDATA),
    "author": hostile(MD_LINK),
}
NEWS_META = {
    "title": hostile("Ministers clash", *PAYLOADS),
    "short_title": hostile("Clash", TITLE_BREAK, IMG),
    "kind": "news",
    "language": "en",
    "source": "javascript:window.__pwned=1",
    "date": hostile("2024-05-02", SVG),
    "publisher": hostile("Daily", REFRESH, LINK),
    "author": hostile(BASE, CSS),
    "converter": hostile("news", SCRIPT_BREAK),
}

# File names and paths (`document.path` is shown in the reports and names the CSV download).
PATH_A = f"/tmp/corpus/a {ATTRIBUTE_BREAK} {IMG}.md"
PATH_B = f"/tmp/corpus/b {SCRIPT_BREAK} javascript:alert(1).md"
PATH_NEWS = f"/tmp/news/{TITLE_BREAK} {DIALOGS}.md"


def _article(number: int, heading: str, paragraphs: list[str]) -> str:
    return f"##### Article {number} – {heading}\n\n" + "".join(
        f"{i}. {text}\n\n" for i, text in enumerate(paragraphs, 1)
    )


# Distinct vocabularies, so that the fake embedder aligns what it should.
INTERCEPTION = [
    f"Each Party shall empower its competent authorities to collect, in real time, the content "
    f"data of specified communications {SCRIPT} {MD_LINK}.",
    f"Each Party shall oblige service providers to keep confidential {IMG} the fact of interception {CSS}.",
]
EXTRADITION = [
    f"The criminal offences established under this Convention shall be extraditable offences {TEMPLATE}.",
    f"Extradition may be refused on account of political opinions {TEXTAREA} {PRE_ESCAPED}.",
]
RETENTION = [
    f"Each Party shall require the expeditious preservation of stored traffic data {REFRESH} {BASE}.",
    f"Preservation orders shall last ninety days and may be renewed {LINK} {RTL}.",
]
FINAL = [
    f"This Convention shall enter into force on the first day of the month {STYLE_BREAK} {DIALOGS}.",
    f"Any Party may denounce this Convention by notification {SCRIPT_BREAK} {CDATA}.",
]
SAFEGUARDS = [
    f"Powers and procedures shall be subject to judicial review and proportionality {SVG} {ATTRIBUTE_BREAK}.",
    f"Human rights obligations remain binding on every signatory state {ATTRIBUTE_BREAK_SINGLE} {SCRIPT}.",
]


def treaty_a() -> Document:
    body = (
        f"# Convention {SCRIPT}\n\n## CHAPTER I – {IMG} {TITLE_BREAK}\n\n"
        + _article(1, f"Interception {SCRIPT}", INTERCEPTION)
        + _article(2, f"Extradition {ATTRIBUTE_BREAK}", EXTRADITION)
        + _article(3, f"Preservation {TEXTAREA}", RETENTION)
        + f"## CHAPTER II – Final {STYLE_BREAK} {REFRESH}\n\n"
        + _article(4, f"Entry into force {BASE} {LINK}", FINAL)
    )
    return parse_document(render(TREATY_A_META, body), PATH_A)


def treaty_b() -> Document:
    """Article 1 reworded inside its payloads, 2 dropped, safeguards added, 3 and 4 swapped."""
    reworded = [p.replace("src=x", "src=z").replace("real time", "real time or later") for p in INTERCEPTION]
    body = (
        f"# Revised {SCRIPT_BREAK}\n\n## CHAPTER I – {SVG} {RTL}\n\n"
        + _article(1, f"Interception {SCRIPT}", reworded)
        + _article(2, f"Safeguards {DIALOGS}", SAFEGUARDS)
        + _article(3, f"Entry into force {BASE} {LINK}", FINAL)
        + _article(4, f"Preservation {TEXTAREA}", RETENTION)
    )
    return parse_document(render(TREATY_B_META, body), PATH_B)


def news_piece() -> Document:
    body = (
        f"# Ministers clash {SCRIPT}\n\n"
        f"GENEVA, May 2 — Delegates met again on Thursday {IMG} {CSS}.\n\n"
        f"Anna Berg, a spokeswoman for the Nordic group, said that the convention lets police collect "
        f"the content data of communications in real time {SCRIPT} {MD_LINK} without a judge.\n\n"
        f"The justice ministry {ATTRIBUTE_BREAK} warned that the treaty would make offences extraditable "
        f"to governments that persecute political opinions {TEXTAREA} {TEMPLATE}.\n\n"
        f'"Stored traffic data must not be preserved for ninety days {REFRESH} {BASE} {LINK}," Berg said.\n\n'
        f"The ministry added that human rights {SCRIPT_BREAK} {PRE_ESCAPED} {RTL} are ignored.\n"
    )
    return parse_document(render(NEWS_META, body), PATH_NEWS)


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True)
class HostilePage:
    name: str
    path: Path
    title: str  # as document.title shows it, bidi controls aside
    scripts: int  # <script> elements the template writes
    svgs: int
    interact: Callable[[Any, HostilePage], None]
    furniture: str | None = None  # the page's own words after document text on a line: read left to right

    @property
    def url(self) -> str:
        return self.path.as_uri()


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _title(text: str) -> str:
    """A title as compared: whitespace collapsed, bidi controls (which the page may add) dropped."""
    return " ".join(_BIDI.sub("", text).split())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, HostilePage]:
    reports = tmp_path_factory.mktemp("reports")
    a, b, news = treaty_a(), treaty_b(), news_piece()
    comparison_title = _title(f"treatydiff: {a.short_title} ↔ {b.short_title}")
    out: dict[str, HostilePage] = {}
    for level in (Level.ARTICLE, Level.PARAGRAPH):
        comparison = compare_documents(a, b, FakeEmbedder(), CompareOptions(level=level))
        statuses = {p.status for p in comparison.pairs}
        assert {Status.MODIFIED, Status.ONLY_A, Status.ONLY_B} <= statuses
        assert any(p.moved for p in comparison.pairs)
        path = reports / f"{ATTRIBUTE_BREAK_SINGLE} {level.value}.html".replace("/", "∕")
        path.write_text(render_report(comparison), encoding="utf-8")
        out[level.value] = HostilePage(
            level.value, path, comparison_title, 2, 1, use_comparison, furniture="compared with"
        )

    positions = link_claims(news, [a, b], FakeEmbedder())
    assert len(positions.claims) >= 3
    assert any(v.links for verdicts in positions.verdicts for v in verdicts)
    path = reports / f"{IMG} positions.html".replace("/", "∕")
    path.write_text(render_positions_report(positions), encoding="utf-8")
    out["positions"] = HostilePage(
        "positions",
        path,
        _title(f"treatydiff positions: {news.short_title}"),
        0,
        0,
        use_positions,
        furniture="claims, and where the treaties say it",
    )

    # A page that is not treatydiff's but sits among the reports: the index reads its title and level.
    stranger = reports / "javascript:window.__pwned=1.html"
    stranger.write_text(
        f"<title>{TITLE_BREAK} &lt;script&gt;window.__pwned=1&lt;/script&gt; <b>{IMG}</b></title>"
        f'<meta name="treatydiff-level" content="&lt;img src=x onerror=alert(1)&gt;">',
        encoding="utf-8",
    )
    stranger.with_suffix(".json").write_text("{}", encoding="utf-8")
    corpus_dir = tmp_path_factory.mktemp("corpus")
    for name, document in ((f"{ATTRIBUTE_BREAK} {IMG}", a), ("javascript:alert(1)", b), (SCRIPT, news)):
        (corpus_dir / f"{name.replace('/', '∕')}.md").write_text(document.text, encoding="utf-8")
    index = write_index(Corpus(corpus_dir), reports)
    out["index"] = HostilePage("index", index, "treatydiff: reports and corpus", 0, 0, use_index)
    return out


def without_csp(page: HostilePage) -> HostilePage:
    """The same page with its Content-Security-Policy taken out: escaping alone must hold."""
    html = page.path.read_text(encoding="utf-8")
    stripped, count = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", html)
    assert count == 1
    path = page.path.with_name(f"nocsp-{page.path.name}")
    path.write_text(stripped, encoding="utf-8")
    return dataclasses.replace(page, path=path)


PAGE_NAMES = ("article", "paragraph", "positions", "index")

# ---------------------------------------------------------------- static checks


def _scheme_of(url: str) -> str:
    return urlsplit(_CONTROL.sub("", url).lower()).scheme


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_static_page_has_the_policy_and_nothing_injected(pages: dict[str, HostilePage], name: str) -> None:
    page = pages[name]
    soup = BeautifulSoup(page.path.read_text(encoding="utf-8"), "html.parser")

    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert policy is not None
    parts = [d.split() for d in policy["content"].split(";") if d.strip()]
    directives = {d[0]: d[1:] for d in parts}
    assert directives["default-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert all(v == "'none'" or v.startswith("'sha256-") for v in directives["script-src"])
    head = soup.head.find_all(True)
    assert head.index(policy) < head.index(soup.head.title), "the policy must precede any document text"

    tags = {tag.name for tag in soup.find_all(True)}
    assert tags <= TAGS, f"tags the template does not write: {tags - TAGS}"
    assert len(soup.find_all("script")) == page.scripts
    assert all(s.get("type") == "application/json" or not s.get("type") for s in soup.find_all("script"))
    assert len(soup.find_all("svg")) == page.svgs
    assert len(soup.find_all("style")) == 1
    metas = {(m.get("http-equiv"), m.get("name"), m.get("charset")) for m in soup.find_all("meta")}
    assert not any(equiv and equiv.lower() == "refresh" for equiv, _, _ in metas)
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), f"<{tag.name} {attribute}>"
            assert attribute.lower() not in ("style", "srcdoc", "src", "action", "formaction", "background")
            if attribute.lower() in ("href", "xlink:href"):
                assert _scheme_of(str(value)) == "", f"<{tag.name} {attribute}={value!r}>"

    text = soup.get_text()
    for shown in SHOWN:
        assert shown in text, shown
    assert "1337" not in text  # {{ 7*191 }} was never evaluated


def test_static_export_data_round_trips(pages: dict[str, HostilePage]) -> None:
    soup = BeautifulSoup(pages["article"].path.read_text(encoding="utf-8"), "html.parser")
    raw = soup.find("script", id="export-data").string
    assert "<" not in raw and ">" not in raw
    data = json.loads(raw)
    assert "<script>" in data["csv"]
    # The Markdown escapes markup and link syntax, so that a Markdown viewer shows it as text.
    assert "\\<script\\>" in data["markdown"] and "<script>" not in data["markdown"]
    assert not re.search(r"(?<!\\)\]\(javascript:", data["markdown"]), "a live Markdown link"


# ---------------------------------------------------------------- in the browser

_WATCH = """
window.__xss = {violations: []};
document.addEventListener('securitypolicyviolation', function (e) {
  window.__xss.violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture
def watched(driver: Any) -> Iterator[Any]:
    """The driver, with every new document recording its CSP violations (outside the page's CSP)."""
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH})
    try:
        yield driver
    finally:
        driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )


def load(driver: Any, url: str) -> None:
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(url)
    wait_loaded(driver)


def wait_loaded(driver: Any) -> None:
    deadline = time.monotonic() + 10
    while driver.execute_script("return document.readyState") != "complete":
        assert time.monotonic() < deadline, "the page did not finish loading"
        time.sleep(0.02)


def wait_for(condition: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return value


def requests_made(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.append(message["params"].get("request", {}).get("url") or message["params"].get("url"))
    return urls


def same_document(a: str, b: str) -> bool:
    return unquote(a.split("#")[0]) == unquote(b.split("#")[0])


def click(driver: Any, element: Any) -> None:
    """A real click, the element centred first, clear of the sticky toolbar."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def click_every_link(driver: Any) -> int:
    """Click each in-page link, as a script would: hash changes, the page's own handlers run."""
    return driver.execute_script(
        "var links = document.querySelectorAll('a[href]');"
        "for (var i = 0; i < links.length; i++) {"
        "  links[i].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));"
        "}"
        "return links.length;"
    )


def type_into(driver: Any, element: Any, text: str) -> None:
    element.clear()
    element.send_keys(text)


def use_comparison(driver: Any, page: HostilePage) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    for button in driver.find_elements(By.CSS_SELECTOR, "#filters button[data-filter]"):
        click(driver, button)
    click(driver, driver.find_element(By.CSS_SELECTOR, "#filters button[data-filter='all']"))
    for selector in ("#unfold", "#next", "#next", "#prev", "#unfold"):
        click(driver, driver.find_element(By.CSS_SELECTOR, selector))
    for button in driver.find_elements(By.CSS_SELECTOR, "#cl thead button[data-sort]"):
        click(driver, button)
    line = driver.find_element(By.CSS_SELECTOR, "#map g.links a path.hit")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", line)
    ActionChains(driver).move_to_element(line).click().perform()  # a thin SVG line: click where it is
    assert click_every_link(driver) > 10

    search = driver.find_element(By.ID, "q")
    for query in ('"><iframe', "{{ 7*191 }}", "$&.*(", IMG, "<script>"):
        type_into(driver, search, query)
        search.send_keys(Keys.SHIFT, Keys.ENTER)  # Enter searches at once (typing waits a little)
        search.send_keys(Keys.ENTER)
    marks = driver.execute_script(
        "return Array.from(document.querySelectorAll('#cmp mark'))"
        ".map(function (m) { return m.textContent; })"
    )
    assert marks and all(m and m in "<script>" for m in marks), "the search finds the payload as text"
    search.send_keys(Keys.ESCAPE)
    type_into(driver, driver.find_element(By.ID, "clq"), "<svg")
    wait_for(lambda: driver.find_element(By.ID, "cln").text)  # "n of m shown": the list filtered
    exported = driver.execute_script("return JSON.parse(document.getElementById('export-data').textContent)")
    assert "<script>" in exported["csv"] and "\\<script\\>" in exported["markdown"]


def use_positions(driver: Any, page: HostilePage) -> None:
    from selenium.webdriver.common.by import By

    assert click_every_link(driver) > 5
    for link in driver.find_elements(By.CSS_SELECTOR, "table.pos a")[:6]:
        click(driver, link)
    for summary in driver.find_elements(By.CSS_SELECTOR, "details summary"):
        click(driver, summary)
        click(driver, summary)


def use_index(driver: Any, page: HostilePage) -> None:
    from selenium.webdriver.common.by import By

    for link in driver.find_elements(By.CSS_SELECTOR, "nav a"):
        click(driver, link)
    hrefs = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(function (a) {"
        " return [a.getAttribute('href'), a.href]; })"
    )
    for raw, resolved in hrefs:
        assert raw.startswith("#") or resolved.startswith("file:///"), (raw, resolved)
    # Follow the link to the hostile comparison report: it opens, and nothing runs there either.
    target = next(
        a
        for a in driver.find_elements(By.CSS_SELECTOR, "#reports tbody th a")
        if "article" in unquote(a.get_attribute("href"))
    )
    report_url = urljoin(page.url, target.get_attribute("href"))
    assert [url for url in requests_made(driver) if not same_document(url, page.url)] == []
    click(driver, target)
    wait_loaded(driver)
    assert same_document(driver.current_url, report_url)
    assert_nothing_ran(driver)
    requests = requests_made(driver)
    assert requests and all(
        same_document(url, page.url) or same_document(url, report_url) for url in requests
    )
    driver.back()
    wait_loaded(driver)


def reads_left_to_right(driver: Any, words: str) -> bool:
    """Whether the first text node holding `words` is laid out with its first letter leftmost."""
    return driver.execute_script(
        "var words = arguments[0], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
        "var node, range = document.createRange();"
        "while ((node = walker.nextNode()) && node.data.indexOf(words) < 0) {}"
        "if (!node) { return null; }"
        "var at = node.data.indexOf(words);"
        "range.setStart(node, at); range.setEnd(node, at + 1);"
        "var first = range.getBoundingClientRect().left;"
        "range.setStart(node, at + words.length - 1); range.setEnd(node, at + words.length);"
        "return first < range.getBoundingClientRect().left;",
        words,
    )


def assert_nothing_ran(driver: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    # An open alert, confirm or prompt makes any command fail with UnexpectedAlertPresentException.
    ran = driver.execute_script(
        "var flags = arguments[0], out = {};"
        "for (var i = 0; i < flags.length; i++) { out[flags[i]] = typeof window[flags[i]]; }"
        "out.frames = window.frames.length;"
        "out.dangerous = document.querySelectorAll(arguments[1]).length;"
        "out.handlers = Array.from(document.querySelectorAll('*')).filter(function (el) {"
        "  return Array.from(el.attributes).some(function (a) { return /^on/i.test(a.name); }); }).length;"
        "out.scriptUrls = Array.from(document.querySelectorAll('[href],[src]')).filter(function (el) {"
        "  var url = el.getAttribute('href') || el.getAttribute('src') || '';"
        "  return /^\\s*javascript:/i.test(url); }).length;"
        "return out;",
        list(FLAGS),
        DANGEROUS,
    )
    assert ran == {
        **dict.fromkeys(FLAGS, "undefined"),
        "frames": 0,
        "dangerous": 0,
        "handlers": 0,
        "scriptUrls": 0,
    }
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - the property raises when no dialog is open


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "without-csp"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_nothing_runs_leaks_or_loads_in_chromium(
    watched: Any, pages: dict[str, HostilePage], name: str, csp: bool
) -> None:
    driver = watched
    page = pages[name] if csp else without_csp(pages[name])
    load(driver, page.url)

    assert _title(driver.title) == page.title
    if page.furniture:
        # A right-to-left override in a title must not reverse the page's own words after it.
        assert reads_left_to_right(driver, page.furniture), f"{page.furniture!r} is shown reversed"
    text = driver.execute_script("return document.body.innerText")
    for shown in SHOWN:
        assert shown in text, shown
    assert "1337" not in text
    assert_nothing_ran(driver)
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0

    page.interact(driver, page)
    time.sleep(0.2)  # time for a refresh or a late load to happen
    # The page itself (the index again, after the report it links to, checked by use_index).
    assert [url for url in requests_made(driver) if not same_document(url, page.url)] == []
    assert same_document(driver.current_url, page.url), "the page navigated away"
    assert_nothing_ran(driver)
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert driver.execute_script("return window.__xss.violations") == []
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
