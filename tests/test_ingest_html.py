"""HTML pages: trafilatura's article text, metadata from meta tags and JSON-LD, hostile markup."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatydiff.errors import InputError
from treatydiff.ingest import Converted
from treatydiff.ingest.html import convert_html
from treatydiff.ingest.news import convert_scraped_text

SPUTNIK = "sputnik-2024-03-29-ict-convention.raw.txt"
SPUTNIK_TITLE = "Russia Hopes to Finalize Deal on Combating ICT Use for Criminal Purposes"
SPUTNIK_URL = (
    "https://sputnikglobe.com/20240329/"
    "russia-hopes-to-finalize-deal-on-combating-ict-use-for-criminal-purposes-1117603180.html"
)
# Page furniture put around the article; none of it may reach the body.
BOILERPLATE = (
    "We use cookies",
    "Accept all",
    "Cookie settings",
    "Analysis",
    "Telegram",
    "Copy link",
    "Subscribe to our newsletter",
    "Testing Ground for Digital Warfare",  # related headline
    "Mass Surveillance in Hyperdrive",  # related headline
    "feedback@sputniknews.com",
    "+74956456601",
    "Rossiya Segodnya",
    "dataLayer",
    "console.log",
    "All rights reserved",
    "great article",  # reader comment
)


def paragraphs(converted: Converted) -> list[str]:
    blocks = converted.body.rstrip("\n").split("\n\n")
    assert blocks[0].startswith("# ")
    return blocks[1:]


def prefix(paragraph: str, words: int = 6) -> str:
    return " ".join(paragraph.split()[:words])


def assert_no_boilerplate(converted: Converted) -> None:
    for text in BOILERPLATE:
        assert text not in converted.body, text


# --- pages built from the Sputnik piece ----------------------------------------------------


@pytest.fixture
def sputnik_paragraphs(corpus_sources: Path) -> list[str]:
    """The lead and body paragraphs of the real piece (cleaned by the news converter)."""
    path = corpus_sources / SPUTNIK
    if not path.is_file():
        pytest.skip(f"../shared/corpus-sources not present: {SPUTNIK} is missing")
    return paragraphs(convert_scraped_text(path.read_text(encoding="utf-8")))


def json_ld(**fields: object) -> str:
    return json.dumps({"@context": "https://schema.org", **fields})


def sputnik_like_page(paras: list[str]) -> str:
    """The outlet's own layout: Open Graph and JSON-LD, cookie banner, navigation, share
    buttons, lead in the header, body, tags, related articles, footer with contacts, scripts."""
    lead, body = paras[0], paras[1:]
    ld = json_ld(
        **{"@type": "NewsArticle"},
        headline=SPUTNIK_TITLE,
        datePublished="2024-03-29T05:52:00+00:00",
        dateModified="2024-03-30T10:00:00+00:00",
        url=SPUTNIK_URL,
        publisher={"@type": "Organization", "name": "Sputnik International"},
    )
    body_html = "\n".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in body)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{SPUTNIK_TITLE} - 29.03.2024, Sputnik International</title>
<meta property="og:title" content="{SPUTNIK_TITLE}">
<meta property="og:site_name" content="Sputnik International">
<meta property="article:published_time" content="2024-03-29T05:52:00+00:00">
<meta name="description" content="{html.escape(lead)}">
<link rel="canonical" href="{SPUTNIK_URL}">
<script type="application/ld+json">{ld}</script>
<script>window.dataLayer = []; function share() {{ return "feedback@sputniknews.com"; }}</script>
<style>.cookie {{ position: fixed; }}</style>
</head><body>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience on our
website. By continuing to browse you accept our cookie policy.</p>
<button>Accept all</button><button>Cookie settings</button></div>
<header><a class="logo" href="/">Sputnik International</a>
<nav><ul><li><a href="/world/">World</a></li><li><a href="/russia/">Russia</a></li>
<li><a href="/analysis/">Analysis</a></li></ul></nav></header>
<main><article class="article">
<div class="article__header"><h1>{SPUTNIK_TITLE}</h1>
<time datetime="2024-03-29T05:52">05:52 GMT 29.03.2024</time>
<div class="article__announce-text">{html.escape(lead)}</div></div>
<div class="share"><a href="https://t.me/share">Telegram</a> <a href="https://x.com/share">X</a>
<a href="#">Copy link</a></div>
<figure><img src="https://cdn1.img.sputnikglobe.com/img/1117618882.jpg" alt="">
<figcaption>Russian Foreign Ministry building</figcaption></figure>
<div class="article__body">{body_html}</div>
<div class="article__tags"><a href="/tag_russia/">russia</a> <a href="/tag_moscow/">moscow</a></div>
<aside class="related"><h3>Related</h3><ul>
<li><a href="/20240105/ukraine.html">Ukraine De Facto Became NATO's Testing Ground for Digital Warfare
Against Russia</a> <span>5 January 2024, 10:12 GMT</span></li>
<li><a href="/20231117/surveillance.html">Mass Surveillance in Hyperdrive: US Company Suspected of
Enabling Government Abuses</a> <span>17 November 2023, 02:52 GMT</span></li></ul></aside>
</article></main>
<footer><p>Sputnik International. Contact us:
<a href="mailto:feedback@sputniknews.com">feedback@sputniknews.com</a>, +74956456601</p>
<p>© 2024 MIA „Rossiya Segodnya“. All rights reserved.</p></footer>
<script>console.log("loaded")</script>
</body></html>"""


def aggregator_page(paras: list[str]) -> str:
    """Another layout: no <article>, metadata only in a JSON-LD @graph, a relative canonical
    link, a newsletter box and a "read also" box inside the text, a comment section, a sidebar."""
    body = paras[1:]
    middle = len(body) // 2
    ld = json_ld(
        **{
            "@graph": [
                {"@type": "WebSite", "name": "Policy Digest", "url": "https://digest.example"},
                {
                    "@type": "NewsArticle",
                    "headline": SPUTNIK_TITLE,
                    "datePublished": "2024-03-29",
                    "inLanguage": "en-GB",
                    "publisher": {"@type": "Organization", "name": "Policy Digest"},
                },
            ]
        }
    )

    def div(paragraph: str) -> str:
        return f'<div class="txt">{html.escape(paragraph)}</div>'

    return f"""<html><head>
<title>{SPUTNIK_TITLE} | Policy Digest</title>
<link rel="canonical" href="/world/2024/03/29/ict-convention">
<script type="application/ld+json">{ld}</script>
</head><body>
<div id="top"><a href="/">Policy Digest</a> | <a href="/world">World</a> | <a href="/analysis">Analysis</a>
| <a href="/subscribe">Subscribe to our newsletter</a></div>
<table><tr><td class="content">
<h1>{SPUTNIK_TITLE}</h1>
<div class="story">
{"".join(div(paragraph) for paragraph in body[:middle])}
<div class="newsletter"><h4>Subscribe to our newsletter</h4><form><input type="email"
placeholder="you@example.org"><button>Sign up</button></form></div>
<div class="read-also">Read also: <a href="/x">Mass Surveillance in Hyperdrive</a></div>
{"".join(div(paragraph) for paragraph in body[middle:])}
</div>
<div id="comments"><h3>Comments</h3>
<div class="comment"><b>reader42</b>: great article, thanks</div></div>
</td><td class="sidebar"><h3>Most popular</h3><ul>
<li><a href="/a">Ukraine De Facto Became NATO's Testing Ground for Digital Warfare</a></li></ul>
</td></tr></table>
<div class="footer">Contact: feedback@sputniknews.com · +74956456601 · All rights reserved</div>
</body></html>"""


@pytest.mark.parametrize("layout", [sputnik_like_page, aggregator_page])
def test_article_text_without_boilerplate(sputnik_paragraphs: list[str], layout: object) -> None:
    page = layout(sputnik_paragraphs)  # type: ignore[operator]
    converted = convert_html(page, url="https://example.org/saved-page.html")
    found = paragraphs(converted)
    for paragraph in sputnik_paragraphs[1:]:
        assert sum(other.startswith(prefix(paragraph)) for other in found) == 1, prefix(paragraph)
    assert found == sputnik_paragraphs[1:]  # each whole, in order, nothing else
    assert_no_boilerplate(converted)
    assert converted.body.count(SPUTNIK_TITLE) == 1  # the heading; the <h1> copy is gone
    assert converted.converter == "html"


def test_metadata_from_open_graph_and_json_ld(sputnik_paragraphs: list[str]) -> None:
    converted = convert_html(sputnik_like_page(sputnik_paragraphs))
    assert converted.meta == {
        "title": SPUTNIK_TITLE,
        "kind": "news",
        "language": "en",
        "date": "2024-03-29",  # published, not modified
        "source": SPUTNIK_URL,
        "publisher": "Sputnik International",
    }


def test_metadata_only_in_a_json_ld_graph(sputnik_paragraphs: list[str]) -> None:
    converted = convert_html(aggregator_page(sputnik_paragraphs), url="https://digest.example/saved")
    assert converted.meta["title"] == SPUTNIK_TITLE
    assert converted.meta["date"] == "2024-03-29"
    assert converted.meta["source"] == "https://digest.example/world/2024/03/29/ict-convention"
    assert converted.meta["publisher"] == "Policy Digest"
    assert converted.meta["language"] == "en"


def test_bytes_in_the_declared_encoding(sputnik_paragraphs: list[str]) -> None:
    page = sputnik_like_page(sputnik_paragraphs).replace("utf-8", "windows-1252")
    page = page.replace("„", '"').replace("“", '"')  # not in windows-1252
    converted = convert_html(page.encode("windows-1252"))
    assert paragraphs(converted) == sputnik_paragraphs[1:]


# --- self-contained pages ------------------------------------------------------------------

STATEMENT = [
    "Delegations to the Ad Hoc Committee met in Vienna on Monday for the sixth session of "
    "negotiations on a comprehensive international convention on cybercrime.",
    "The chair’s revised draft narrows the list of offences and adds a general clause on the "
    "protection of human rights, which several delegations from Kraków to Nairobi had requested.",
    "Observers from civil society said that the provisions on cross-border access to data still "
    "lack safeguards, and urged states to align them with the Budapest Convention.",
]


def statement_page(head: str = "", title: str = "Sixth Session Opens in Vienna", lang: str = "en") -> str:
    body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in STATEMENT)
    heading = f"<h1>{title}</h1>" if title else ""
    title_tag = f"<title>{title}</title>" if title else ""
    return (
        f'<html lang="{lang}"><head><meta charset="utf-8">{title_tag}{head}</head><body>'
        f'<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article>{heading}{body}</article>"
        f"<footer>Contact: press@example.org</footer></body></html>"
    )


def test_plain_page_with_non_ascii_bytes() -> None:
    converted = convert_html(statement_page().encode("utf-8"), url="https://example.org/news/6th-session")
    assert paragraphs(converted) == STATEMENT
    assert converted.meta["title"] == "Sixth Session Opens in Vienna"
    assert converted.meta["source"] == "https://example.org/news/6th-session"  # the page names none
    assert "press@example.org" not in converted.body
    assert converted.body.startswith("# Sixth Session Opens in Vienna\n\nDelegations")
    assert converted.body.endswith(".\n")


def test_language_from_the_html_tag() -> None:
    assert convert_html(statement_page(lang="fr-FR")).meta["language"] == "fr"


def test_explicit_published_date_wins() -> None:
    head = (
        '<meta property="article:modified_time" content="2024-02-10T08:00:00Z">'
        '<meta property="article:published_time" content="2024-01-22T09:30:00+01:00">'
    )
    assert convert_html(statement_page(head)).meta["date"] == "2024-01-22"


def test_json_ld_fills_gaps_and_bad_json_ld_is_ignored() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", broken</script>'
        '<script type="application/ld+json">'
        + json_ld(**{"@type": ["NewsArticle"]}, datePublished="2024-01-22", url="https://example.org/a")
        + "</script>"
    )
    converted = convert_html(statement_page(head))
    assert converted.meta["date"] == "2024-01-22"
    assert converted.meta["source"] == "https://example.org/a"


def test_page_without_a_title_takes_the_first_paragraph() -> None:
    converted = convert_html(statement_page(title=""))
    assert converted.meta["title"].startswith("Delegations to the Ad Hoc Committee")
    assert any("no title" in note for note in converted.notes)


# --- errors and hostile markup -------------------------------------------------------------


@pytest.mark.parametrize("page", ["", "   \n", b"", b"  "])
def test_empty_page(page: str | bytes) -> None:
    with pytest.raises(InputError, match=r"^page\.html: the page is empty$"):
        convert_html(page, url="page.html")


def test_page_without_article_text() -> None:
    page = (
        "<html><head><title>Home</title><script>var x = 1;</script></head><body>"
        '<nav><a href="/">Home</a></nav><footer>© 2024</footer></body></html>'
    )
    with pytest.raises(InputError, match=r"no article text found$"):
        convert_html(page, url="https://example.org/")


def test_deeply_nested_divs_do_not_crash_or_hang() -> None:
    text = " ".join(STATEMENT)
    page = "<html><body>" + "<div>" * 5000 + f"<p>{text}</p>" + "</div>" * 5000 + "</body></html>"
    started = time.monotonic()
    try:
        converted = convert_html(page, url="deep.html")
    except InputError as error:
        assert str(error).startswith("deep.html: ")
        assert "\n" not in str(error)
    else:
        assert paragraphs(converted)
    assert time.monotonic() - started < 60


@pytest.mark.parametrize(
    "page",
    [
        "<<<>>><p <b>></i></p></html><html><<!-- <script>x</scr",
        "<html><body><p>unclosed <b><i><u>" * 200,
        "<html><body>" + "<div><span>" * 3000 + "text",
        '<html><head><script type="application/ld+json">' + "[" * 100_000 + "</script></head></html>",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>XML declaration</p></body></html>',
        "<html>\x00\x01\x02<body>\ud800</body></html>",
        bytes(range(256)) * 20,
        "\ufeff<html><body><p>" + "x" * 200_000 + "</p></body></html>",
        "<html><body><p>" + "&#x110000; &bogus; &#0;" * 50 + "</p></body></html>",
    ],
)
def test_garbage_gives_a_clean_error_or_a_result(page: str | bytes) -> None:
    try:
        converted = convert_html(page, url="junk.html")
    except InputError as error:
        assert str(error).startswith("junk.html: ")
        assert "\n" not in str(error)
    else:
        assert converted.body.startswith("# ") and converted.body.endswith("\n")


TAGS = st.sampled_from(
    ["<p>", "</p>", "<div>", "</div>", "<b>", "<script>", "</script>", "<!--", "-->",
     "<html>", "<body>", "<table><tr><td>", "<h1>", "&amp;", "&#", "<", ">", '"']
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(TAGS, st.text(max_size=40)), max_size=40))
def test_any_markup_gives_a_result_or_an_input_error(parts: list[str]) -> None:
    try:
        converted = convert_html("".join(parts))
    except InputError as error:
        assert "\n" not in str(error)
    else:
        assert converted.body.startswith("# ")
        assert all(paragraph.strip() for paragraph in paragraphs(converted))
