"""HTML news pages and statements: the article text by trafilatura, metadata from the page.

trafilatura finds the main text and leaves out navigation, share buttons, scripts, cookie
banners, related links and footers; its plain-text output has one block (paragraph, heading,
list item) per line, and each becomes a paragraph of the canonical Markdown body.

Metadata: the page's own statements, read here with lxml and json (meta tags `og:title`,
`article:published_time`, `og:url`, `og:site_name`, `og:locale`; the canonical link; `<html
lang>`; a JSON-LD `NewsArticle`: headline, datePublished, url, publisher, inLanguage) come
first for the date, source URL, publisher and language, because trafilatura's date can be a
modification date or one found in the text, and its site name falls back to the host name.
trafilatura's reading gives the title and author, and whatever the page doesn't state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from treatydiff.errors import InputError
from treatydiff.ingest import Converted
from treatydiff.ingest.news import debris_kind

CONVERTER = "html"
DEFAULT_LANGUAGE = "en"
MAX_TITLE_WORDS = 30
# libxml2 stops building the tree at this depth: text nested deeper is lost.
_LIBXML_MAX_DEPTH = 255
_ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
     "backgroundnewsarticle", "blogposting", "report", "pressrelease", "scholarlyarticle"}
)  # fmt: skip
_PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage"})  # only when no article is described
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_LANGUAGE = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class _PageMeta:
    """Metadata the page states itself, in meta tags, link tags and JSON-LD."""

    title: str = ""
    date: str = ""
    url: str = ""
    publisher: str = ""
    language: str = ""


def convert_html(html: str | bytes, *, url: str | None = None) -> Converted:
    """Extract the article of an HTML page as a `Converted` document.

    Args:
        html: the page, as text or as bytes (the encoding is detected).
        url: where the page came from; used for messages, to resolve a relative canonical
            link, and as the source when the page names none.

    Returns:
        `# Title` and one paragraph per block of article text; meta title, date (ISO), source
        (URL), publisher, language and kind "news" (author when the page names one).

    Raises:
        InputError: the page is empty or can't be parsed, or it has no article text.
    """
    name = url or "HTML page"
    if not html.strip():
        raise InputError(f"{name}: the page is empty")
    tree, extracted = _extract(html, url, name)
    page = _page_meta(tree, url) if tree is not None else _PageMeta()
    notes: list[str] = []

    lines = (" ".join(line.split()) for line in _attr(extracted, "text").split("\n"))
    found = [line for line in lines if _LETTER.search(line)]
    # What trafilatura keeps of boxes inside the text ("Read also: …", a dateline, a contact
    # line) is recognised line by line, as in scraped text.
    paragraphs = [paragraph for paragraph in found if debris_kind(paragraph) is None]
    if dropped := len(found) - len(paragraphs):
        plural = "s" if dropped != 1 else ""
        notes.append(f"dropped {dropped} boilerplate line{plural} (links, contacts, dates)")
    title = " ".join((_attr(extracted, "title") or page.title).split())
    if title and paragraphs and _same_text(paragraphs[0], title):
        paragraphs = paragraphs[1:]
        notes.append("dropped the title repeated at the top of the text")
    if not paragraphs:
        too_deep = tree is not None and _max_depth(tree) >= _LIBXML_MAX_DEPTH
        detail = f" (the HTML nests deeper than {_LIBXML_MAX_DEPTH} elements)" if too_deep else ""
        raise InputError(f"{name}: no article text found{detail}")
    if not title:
        words = paragraphs[0].split()
        title = paragraphs[0] if len(words) <= MAX_TITLE_WORDS else " ".join(words[:12]) + " …"
        notes.append("the page has no title: took the first paragraph")
    notes.append("navigation, scripts, share buttons, related links and footer left out by trafilatura")
    body = f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    meta = _meta(title, page, extracted, url)
    return Converted(body=body, meta=meta, converter=CONVERTER, notes=tuple(notes))


def _extract(html: str | bytes, url: str | None, name: str) -> tuple[Any, Any]:
    """Parse the page (for its metadata) and let trafilatura extract the article and its
    metadata; any parser failure becomes an `InputError`."""
    import trafilatura  # heavy (lxml, htmldate, justext): imported on first use

    try:
        tree = trafilatura.load_html(html)
        extracted = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except RecursionError as error:
        raise InputError(f"{name}: the HTML is nested too deeply to read") from error
    except Exception as error:  # a third-party parser failing on hostile markup: report it
        raise InputError(f"{name}: the HTML can't be parsed ({type(error).__name__}: {error})") from error
    return tree, extracted


def _meta(title: str, page: _PageMeta, extracted: Any, url: str | None) -> dict[str, str]:
    """The page's own statements first where trafilatura infers (date, canonical URL), trafilatura's
    reading where the page is silent."""
    language = page.language or _language(_attr(extracted, "language")) or DEFAULT_LANGUAGE
    meta = {"title": title, "kind": "news", "language": language}
    if date := page.date or _iso_date(_attr(extracted, "date")):
        meta["date"] = date
    if source := page.url or _absolute_url(_attr(extracted, "url"), url) or _absolute_url(url, None):
        meta["source"] = source
    sitename = _attr(extracted, "sitename")
    if " " not in sitename and "." in sitename:
        sitename = ""  # trafilatura falls back to the host name: not a publisher's name
    if publisher := page.publisher or sitename:
        meta["publisher"] = publisher
    if author := _attr(extracted, "author"):
        meta["author"] = author
    return meta


def _attr(document: Any, name: str) -> str:
    """A string attribute of trafilatura's result, "" when missing (or when there's no result)."""
    value = getattr(document, name, None) if document is not None else None
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value if item)
    return str(value).strip() if value else ""


def _same_text(left: str, right: str) -> bool:
    return " ".join(left.lower().split()) == " ".join(right.lower().split())


def _iso_date(value: object) -> str:
    match = _ISO_DATE.match(value) if isinstance(value, str) else None
    if not match:
        return ""
    year, month, day = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""


def _language(value: object) -> str:
    match = _LANGUAGE.match(value) if isinstance(value, str) else None
    return match.group(1).lower() if match else ""


def _absolute_url(value: object, base: str | None) -> str:
    """An http(s) URL, resolved against `base` if relative; "" for anything else."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    try:
        if base and not urlsplit(value).scheme:
            value = urljoin(base, value)
        parts = urlsplit(value)
    except ValueError:  # "http://[": an invalid IPv6 host
        return ""
    return value if parts.scheme in ("http", "https") and parts.netloc else ""


def _max_depth(tree: Any) -> int:
    """Depth of the deepest element, without recursion."""
    from lxml import etree

    depth = deepest = 0
    for event, _element in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


# ---------------------------------------------------------------------------------------------
# Structured metadata of the page
# ---------------------------------------------------------------------------------------------


def _page_meta(tree: Any, base: str | None) -> _PageMeta:
    """Read meta tags, the canonical link, `<html lang>` and JSON-LD; never raises."""
    page = _PageMeta()
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        key = key.strip().lower()
        content = (element.get("content") or "").strip()
        if key and content:
            tags.setdefault(key, content)
    canonical = next(
        (
            link.get("href")
            for link in tree.iter("link")
            if "canonical" in (link.get("rel") or "").lower().split()
        ),
        None,
    )
    titles = [element.text_content() for element in tree.iter("title")]
    article = _json_ld_article(tree)
    publisher = article.get("publisher")
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    publisher_name = publisher.get("name") if isinstance(publisher, dict) else publisher
    entity = article.get("mainEntityOfPage")
    entity_url = entity.get("@id") or entity.get("url") if isinstance(entity, dict) else entity

    page.title = _first_text(
        article.get("headline"), tags.get("og:title"), tags.get("twitter:title"), *titles
    )
    page.date = next(
        (
            date
            for value in (
                article.get("datePublished"),
                tags.get("article:published_time"),
                tags.get("datepublished"),
                tags.get("pubdate"),
                tags.get("dc.date"),
                tags.get("date"),
            )
            if (date := _iso_date(value))
        ),
        "",
    )
    page.url = next(
        (
            resolved
            for value in (canonical, tags.get("og:url"), article.get("url"), entity_url)
            if (resolved := _absolute_url(value, base))
        ),
        "",
    )
    page.publisher = _first_text(tags.get("og:site_name"), publisher_name)
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    page.language = next(
        (
            language
            for value in (
                root.get("lang"),
                root.get("xml:lang"),
                tags.get("og:locale"),
                article.get("inLanguage"),
            )
            if (language := _language(value))
        ),
        "",
    )
    return page


def _first_text(*values: object) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _json_ld_article(tree: Any) -> dict[str, Any]:
    """The first article object (NewsArticle, Article, …) in the page's JSON-LD blocks, else
    the first WebPage object, else {}."""
    page: dict[str, Any] = {}
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for item in _json_ld_objects(data):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            names = {kind.lower() for kind in kinds if isinstance(kind, str)}
            if names & _ARTICLE_TYPES:
                return item
            if names & _PAGE_TYPES and not page:
                page = item
    return page


def _json_ld_objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD block, top level and `@graph` first, without recursion."""
    stack = [data]
    seen = 0
    while stack and seen < 10_000:
        item = stack.pop(0)
        seen += 1
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)
