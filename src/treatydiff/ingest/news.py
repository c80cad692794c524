"""Scraped news pages saved as text: recover title, date, source and a clean article body.

A page copied or scraped from a news site carries the article among debris: page metadata
(timestamps, locale, year, section name), keyword lists, publisher contact lines, image and
related-article URLs with their timestamps, share buttons. Sites that render the body twice (a
condensed copy with glued sentences, then the full text broken at every inline link) add a
second problem: the same paragraphs appear twice in different shapes.

`convert_scraped_text` works in four passes, none tied to one outlet:

1. Metadata: the source URL (a URL on the first line, or a `URL:` / `Source:` line), the title
   (the first title-like line), the publication date (a labelled or ISO date line, else the
   first date above the article), the publisher, the language (an `en_GB`-style locale line).
2. Debris: every line is classified, first on its own (URLs, e-mail and phone lines, dates,
   keyword lists, share/advert labels, copies of the title), then in context (short lines that
   repeat, lowercase keyword lines, a publisher's address next to its e-mail, a lone label
   between debris lines). A line that continues an unfinished sentence is never debris.
3. Paragraphs: the remaining lines are rejoined. A line that ends a sentence followed by a line
   that starts one is a paragraph end; a line that ends mid-sentence continues.
4. Duplicates: a paragraph whose sentences all appear in other paragraphs is dropped, the
   condensed copy of the body (covered by several paragraphs) first, then the shorter of two
   versions of the same paragraph, so each paragraph is kept once, in its fullest version.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from treatydiff.errors import InputError
from treatydiff.ingest import Converted

CONVERTER = "news"
DEFAULT_LANGUAGE = "en"
MAX_TITLE_WORDS = 30
_SHORT_LINE_WORDS = 10  # a repeated line this short is page furniture
_KEYWORD_WORDS = 6  # a lowercase line this short, standing alone, is a keyword
_LABEL_WORDS = 4  # a lone label ("News", "World") between debris lines
_CONTACT_WORDS = 15  # a line with an e-mail address and at most this many words is contact info
_FUZZY_MIN_WORDS = 8  # shorter sentences only match exactly
_FUZZY_MIN_JACCARD = 0.8  # word overlap of two versions of one sentence ("told Sputnik" / "informed RIA")
_MAX_DEBRIS_CHARS = 1000  # longer lines are article text (or a condensed copy of it), never debris
_MAX_COVERERS = 64  # paragraphs looked for that hold one sentence (bounds time on repetitive pages)

# Blank layout: at least this many blank-line separated blocks, of at most this many lines each
# on average; in it, a line shorter than this share of its block's longest line is "ragged".
_BLANK_LAYOUT_MIN_BLOCKS = 3
_BLANK_LAYOUT_LINES = 8
_RAGGED_SHARE = 0.7
# Known outlets, for a publisher name when the page doesn't print one next to its contacts.
_KNOWN_PUBLISHERS = {
    "sputnikglobe.com": "Sputnik International",
    "sputniknews.com": "Sputnik International",
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = (
    r"(?:(?:,|\s)\s*(?:at\s+)?(?:\||-|–)?\s*\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*\(?(?:[A-Z]{2,5}|UTC|GMT)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?\)?)?)?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
# ASCII: under IGNORECASE alone, "ſeptember" and "aprıl" match the month names but are no
# keys of `_MONTHS`.
_DATE_FORMS = (
    re.compile(
        r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
        r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
    ),
    re.compile(rf"^{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}{_TIME}$", re.I | re.A),  # 29 March 2024, 05:52 GMT
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}$", re.I | re.A),  # March 29, 2024
    re.compile(rf"^(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>\d{{4}}){_TIME}$", re.I | re.A),
)
_DATE_LABEL = re.compile(
    r"^(?P<label>(?:first\s+)?published(?:\s+on)?|posted(?:\s+on)?|date|dated|created|"
    r"(?:last\s+)?updated(?:\s+on)?|modified)\s*:?\s*",
    re.I,
)
_PUBLISHED_LABELS = ("published", "posted", "date", "created", "first")
_TIME_AGO = re.compile(r"^(?:\d+|an?|one)\s+(?:second|minute|min|hour|day|week|month|year)s?\s+ago$", re.I)
_READING_TIME = re.compile(r"^\d+\s*(?:min(?:ute)?s?|m)\.?\s+read$", re.I)

_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+", re.I)  # also an image URL glued to text
_LABELLED_URL = re.compile(
    r"^(?:url|source|link|canonical(?:\s+url)?|permalink)\s*:\s*(?P<url>https?://\S+)$", re.I
)
_IMAGE_URL = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|avif)(?:$|[?#])|/img/|/images?/", re.I)
# Bounded, and anchored at a word start: a 200,000-character token must not take quadratic time.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_PHONE = re.compile(r"^(?:(?:tel(?:ephone)?|phone|fax|ph|t|f)\.?\s*:?\s*)?\+?\(?\d[\d\s().\-/]{5,}\d$", re.I)
_YEAR_OR_NUMBER = re.compile(r"^[\d\s.,:/|-]+$")
_LOCALE = re.compile(r"^(?P<lang>[a-z]{2,3})[_-][A-Za-z]{2}$")
_LABELLED_LANGUAGE = re.compile(r"^(?:language|lang)\s*:\s*(?P<lang>[a-z]{2,3})\b", re.I)
_LABELLED_TITLE = re.compile(r"^(?:title|headline)\s*:\s*(?P<title>.+)$", re.I)
_LABELLED_PUBLISHER = re.compile(r"^(?:publisher|published by|site|outlet)\s*:\s*(?P<name>.+)$", re.I)
_TAGS = re.compile(r"^(?:tags?|topics?|keywords?|categories|category|filed under|more about)\s*:", re.I)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|all rights reserved", re.I)
_COPYRIGHT_NAME = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*"
    r"(?P<name>[^.|,]+?)\s*(?:[.|,]|$)",
    re.I,
)
_PHOTO_CREDIT = re.compile(r"^(?:photo|image|picture|illustration|video|source|credit)s?\s*:", re.I)
_BYLINE = re.compile(
    r"^[Bb]y\s+(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|van|de|der|von))*)"
    r"(?:\s*(?:,|\||–|-)\s*(?P<rest>.*))?$"
)
# Whole lines that are buttons, labels or navigation on news sites.
_FURNITURE = re.compile(
    r"^(?:share(?:\s+(?:this|on\s+\w+|via\s+\w+|article|story))*|tweet|print|e-?mail|copy\s+link|"
    r"whats\s*app|facebook|twitter|x|telegram|linkedin|reddit|vk|"
    r"advertisement|advert|ad|sponsored(?:\s+content)?|promoted|"
    r"read\s+(?:more|also|next|the\s+full\s+story)|see\s+also|also\s+read|"
    r"related(?:\s+(?:articles?|stories|news|content|topics|coverage))?|more\s+on\s+this(?:\s+(?:topic|story))?|"
    r"most\s+(?:read|popular|viewed)|trending(?:\s+now)?|recommended(?:\s+for\s+you)?|top\s+stories|latest(?:\s+news)?|"
    r"subscribe(?:\s+now)?|sign\s+(?:up|in)|log\s*in|register|newsletter|follow\s+us(?:\s+on\s+.*)?|"
    r"comments?(?:\s*\(\d+\))?|leave\s+a\s+comment|\d+\s+comments?|show\s+comments|"
    r"back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|menu|home|search|close|"
    r"listen(?:\s+to\s+this\s+article)?|loading(?:\.\.\.|…)?|"
    r"accept(?:\s+all)?(?:\s+cookies)?|reject(?:\s+all)?|cookie\s+settings|manage\s+cookies|"
    r"previous|next|more|expand|collapse|top)"
    r"\s*[:>»→›]*$",
    re.I,
)
_RELATED_HEADER = re.compile(
    r"^(?:read\s+(?:more|also|next)|see\s+also|also\s+read|related(?:\s+\w+)?|more\s+on\s+this(?:\s+\w+)?|"
    r"most\s+(?:read|popular|viewed)|trending(?:\s+now)?|recommended(?:\s+for\s+you)?|top\s+stories|"
    r"latest(?:\s+news)?)\s*:?\s*$",
    re.I,
)
_RELATED_INLINE = re.compile(r"^(?:read\s+(?:more|also|next)|see\s+also|also\s+read|related)\s*:\s*\S", re.I)
_COOKIE = re.compile(
    r"\b(?:we|this\s+(?:web)?site|our\s+(?:web)?site|site)\s+uses?\s+cookies\b"
    r"|\baccept\s+(?:all\s+|our\s+)?cookies\b|\b(?:our\s+)?use\s+of\s+cookies\b|\bcookie\s+(?:policy|settings|preferences|banner)\b",
    re.I,
)

_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SENTENCE_START = re.compile(r"^[\"“„‘'«(\[]*[A-Z0-9À-ÖØ-Þ]")
_BULLET = re.compile(r"^(?:[•▪◦·*+\-–—]\s|\d{1,2}[.)]\s)")
# Words a broken line can end with but a heading can't.
_FUNCTION_WORDS = frozenset(
    "a an the of on in at to by for from with and or but nor that which who whom whose as than "
    "into onto about over under between among against including such its their his her our "
    "this these those is are was were be been has have had will would shall should can could may "
    "might must not".split()
)
# A sentence glued to the next with no space: "added.On March 27", 'scale."Throughout'.
_GLUED_BOUNDARY = re.compile(
    r"(?<=[a-z0-9)%][.!?])(?=[\"“]?[A-Z][a-z])"  # added.On / scale."Throughout
    r"|(?<=[a-z0-9)%][.!?][\"”])(?=[A-Z][a-z])"  # UN."Moscow
)
_NON_WORD = re.compile(r"[^\w]+")
_TERMINATOR_RUN = re.compile(r"[.!?…;]+")


@dataclass
class _Line:
    number: int  # 0-based line number in the page
    text: str
    debris: str | None = None  # why the line was dropped, None for article text


def convert_scraped_text(text: str, *, source_name: str = "") -> Converted:
    """Turn a news page saved as text (a raw scrape) into a clean `Converted` news document.

    Args:
        text: the page, as scraped: metadata, keyword lines, contacts and the article body,
            possibly twice (condensed and full).
        source_name: the file name or other label, for messages.

    Returns:
        `# Title` and the article's paragraphs (each once, in its fullest version, in reading
        order); meta title, date (ISO), source (URL), publisher, kind "news" and language
        where the page shows them; notes saying what was dropped.

    Raises:
        InputError: the text is empty or no article text is left once the debris is gone.
    """
    name = source_name or "<text>"
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [_Line(number, " ".join(raw.split())) for number, raw in enumerate(text.split("\n"))]
    content = [line for line in lines if line.text]
    if not content:
        raise InputError(f"{name}: the page has no text")

    url = _source_url(content)
    publisher = _publisher(content, url)
    title = _title(content, publisher)
    _classify(content, title, publisher)
    date = _publication_date(content)
    language = _language(content)
    author = _author(content)

    body_lines = [line for line in content if line.debris is None]
    paragraphs, joined = _paragraphs(body_lines, lines)
    kept, condensed, duplicates = _drop_duplicates(paragraphs)
    final: list[str] = []
    for paragraph in kept:
        final.extend(_split_glued(paragraph))
    if not final:
        raise InputError(f"{name}: no article text found")
    if not title:
        words = final[0].split()
        title = final[0] if len(words) <= MAX_TITLE_WORDS else " ".join(words[:12]) + " …"

    meta = {"title": title, "kind": "news", "language": language}
    if date:
        meta["date"] = date
    if url:
        meta["source"] = url
    if publisher:
        meta["publisher"] = publisher
    if author:
        meta["author"] = author
    notes = _notes(content, joined, condensed, duplicates, len(final) - len(kept))
    body = f"# {title}\n\n" + "\n\n".join(final) + "\n"
    return Converted(body=body, meta=meta, converter=CONVERTER, notes=notes)


# ---------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------


def _source_url(lines: Sequence[_Line]) -> str:
    """A page URL on the first line, or on a `URL:` / `Source:` line; never an image URL."""
    first = lines[0].text
    if _URL_LINE.fullmatch(first) and not _IMAGE_URL.search(first):
        lines[0].debris = "metadata"
        return first
    for line in lines:
        if labelled := _LABELLED_URL.match(line.text):
            line.debris = "metadata"
            return labelled.group("url")
    return ""


def _domain(url: str) -> str:
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:  # "http://[broken": an invalid IPv6 host
        host = None
    return (host or "").removeprefix("www.")


def _publisher(lines: Sequence[_Line], url: str) -> str:
    """The outlet's name: a `Publisher:` line, the name above its contact e-mail, the `© …`
    line, a short line repeated on the page that matches the domain, or a known domain."""
    for line in lines:
        if labelled := _LABELLED_PUBLISHER.match(line.text):
            line.debris = "metadata"
            return labelled.group("name").strip()
    domain = _domain(url)
    label = domain.split(".")[0] if domain else ""
    signed: list[str] = []  # names printed above a contact e-mail or in a copyright line
    for index, line in enumerate(lines):
        nxt = lines[index + 1].text if index + 1 < len(lines) else ""
        if _is_name_like(line.text) and _EMAIL.search(nxt) and len(nxt.split()) <= _CONTACT_WORDS:
            signed.append(line.text)
        elif _COPYRIGHT.search(line.text) and (named := _COPYRIGHT_NAME.match(line.text)):
            if _is_name_like(named.group("name")):
                signed.append(named.group("name"))
    counts = Counter(line.text for line in lines)
    repeated = [text for text, count in counts.items() if count >= 2 and _is_name_like(text)]
    if label:
        matches = [
            candidate
            for candidate in (*signed, *repeated)
            if label.startswith(_NON_WORD.sub("", candidate.split()[0].lower()))
            or label in _NON_WORD.sub("", candidate.lower())
        ]
        if matches:  # "Harbour Wire" rather than "Harbour Wire Newsroom" for harbourwire.example
            return min(matches, key=lambda candidate: _NON_WORD.sub("", candidate.lower()) != label)
        if domain in _KNOWN_PUBLISHERS:
            return _KNOWN_PUBLISHERS[domain]
    return signed[0] if signed else ""


def _is_name_like(text: str) -> bool:
    """A short capitalised name: "Sputnik International", "The Meridian Ledger"."""
    words = text.split()
    return (
        1 <= len(words) <= 5
        and text[:1].isupper()
        and not _SENTENCE_END.search(text)
        and not _EMAIL.search(text)
        and not _URL.search(text)
        and not any(char.isdigit() for char in text)
    )


def _title(lines: Sequence[_Line], publisher: str) -> str:
    """A `Title:` line, else the first title-like line at the top (site suffix removed)."""
    for line in lines:
        if labelled := _LABELLED_TITLE.match(line.text):
            line.debris = "metadata"
            return labelled.group("title").strip()
    for line in lines[:40]:
        if line.debris or _strong_debris(line.text) or _FURNITURE.match(line.text):
            continue
        if _is_title_like(line.text) and line.text != publisher:
            line.debris = "title"
            return _strip_site_suffix(line.text, publisher)
    return ""


def _is_title_like(text: str) -> bool:
    words = [word for word in text.split() if re.search(r"[^\W\d_]", word)]
    return (
        3 <= len(words) <= MAX_TITLE_WORDS
        and bool(_SENTENCE_START.match(text))
        and not text.endswith((".", ",", ";", ":"))
        and sum(1 for word in words if word[:1].isupper()) >= 2
    )


def _strip_site_suffix(title: str, publisher: str) -> str:
    """ "Talks Stall | The Meridian Ledger" -> "Talks Stall" (only a known outlet name is cut)."""
    for separator in (" | ", " - ", " – ", " — ", " :: "):
        head, _, tail = title.rpartition(separator)
        if head and publisher and tail.strip().lower() == publisher.lower():
            return head.strip()
    return title


def _date_of(text: str) -> tuple[str, str] | None:
    """(ISO date, label) for a line that is nothing but a date (and time), else None."""
    label = ""
    if labelled := _DATE_LABEL.match(text):
        label = labelled.group("label").lower()
        text = text[labelled.end() :]
    for form in _DATE_FORMS:
        if match := form.match(text.strip()):
            month = match.group("month")
            month_number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            day, year = int(match.group("day")), int(match.group("year"))
            if 1 <= month_number <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month_number:02d}-{day:02d}", label
    return None


def _publication_date(lines: Sequence[_Line]) -> str:
    """A "Published …" date, else an ISO timestamp (page metadata), else the first date above
    the article text; an "Updated …" date only when there is nothing else. Dates further down
    (related articles) are not the article's."""
    found = [(line, parsed) for line in lines if (parsed := _date_of(line.text))]
    for _line, (iso, label) in found:
        if label.startswith(_PUBLISHED_LABELS):
            return iso
    for line, (iso, label) in found:
        if not label and line.text[:4].isdigit() and "-" in line.text:
            return iso
    first_text = next((line.number for line in lines if line.debris is None), None)
    for line, (iso, label) in found:
        if not label and (first_text is None or line.number < first_text):
            return iso
    for _line, (iso, label) in found:
        if label:
            return iso
    return ""


def _language(lines: Sequence[_Line]) -> str:
    for line in lines:
        if (match := _LOCALE.match(line.text) or _LABELLED_LANGUAGE.match(line.text)) and line.debris:
            return match.group("lang").lower()
    return DEFAULT_LANGUAGE


def _author(lines: Sequence[_Line]) -> str:
    for line in lines:
        if line.debris == "byline" and (match := _BYLINE.match(line.text)):
            return match.group("name")
    return ""


# ---------------------------------------------------------------------------------------------
# Debris
# ---------------------------------------------------------------------------------------------


def debris_kind(line: str) -> str | None:
    """Why one line of a page is debris whatever stands around it ("url", "contact", "date",
    "metadata", "keyword", "furniture", "byline"), or None if it may be article text."""
    return _strong_debris(" ".join(line.split()))


def _strong_debris(text: str) -> str | None:
    """Why a line is debris whatever stands around it, or None."""
    if _URL_LINE.match(text):
        return "url"
    if len(text) > _MAX_DEBRIS_CHARS:
        return None
    words = text.split()
    if _EMAIL.search(text) and len(words) <= _CONTACT_WORDS:
        return "contact"
    if _PHONE.match(text):
        return "contact"
    if _date_of(text) or _TIME_AGO.match(text) or _READING_TIME.match(text):
        return "date"
    if _YEAR_OR_NUMBER.match(text) or _LOCALE.match(text) or _LABELLED_LANGUAGE.match(text):
        return "metadata"
    if _TAGS.match(text) or _is_keyword_list(text):
        return "keyword"
    if _COPYRIGHT.search(text) and len(words) <= 20:
        return "furniture"
    if _PHOTO_CREDIT.match(text) and len(words) <= 12:
        return "furniture"
    if _FURNITURE.match(text) or _RELATED_INLINE.match(text):
        return "furniture"
    if _COOKIE.search(text) and len(words) <= 40:
        return "furniture"
    if _BYLINE.match(text) and len(words) <= 12 and not _SENTENCE_END.search(text):
        return "byline"
    return None


def _is_keyword_list(text: str) -> bool:
    """ "russia in the un, new un conventions, criminal use of ict": three or more short
    lowercase items separated by commas, nothing else."""
    if text != text.lower() or not re.search(r"[^\W\d_]", text) or _SENTENCE_END.search(text):
        return False
    items = [item.strip() for item in text.split(",")]
    return len(items) >= 3 and all(item and len(item.split()) <= _KEYWORD_WORDS for item in items)


def _is_keyword(text: str) -> bool:
    """ "russia", "new york", "it-infrastructure", "the united nations (un)": lowercase, short."""
    return (
        text == text.lower()
        and bool(re.search(r"[^\W\d_]", text))
        and len(text.split()) <= _KEYWORD_WORDS
        and not _SENTENCE_END.search(text)
        and not text.endswith((",", ":", ";"))
    )


def _norm(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def _classify(lines: Sequence[_Line], title: str, publisher: str) -> None:
    """Mark each debris line with the reason it goes; article lines keep `debris=None`."""
    title_key = _norm(title)
    for line in lines:
        if line.debris:
            continue
        if title_key and _norm(line.text) == title_key:
            line.debris = "title"
        elif publisher and line.text == publisher:
            line.debris = "contact"
        else:
            line.debris = _strong_debris(line.text)

    counts = Counter(line.text for line in lines)
    in_related = False
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else None
        if line.debris:
            starts = bool(_RELATED_HEADER.match(line.text))
            in_related = starts or (in_related and line.debris in ("url", "date"))
            continue
        # A line that continues an unfinished sentence is article text, whatever it looks like.
        if previous is not None and previous.debris is None and not _SENTENCE_END.search(previous.text):
            continue
        words = line.text.split()
        short = len(words) <= _SHORT_LINE_WORDS and not _SENTENCE_END.search(line.text)
        if in_related and short and _SENTENCE_START.match(line.text):
            line.debris = "related"
        elif short and counts[line.text] >= 2 and not _ends_open(line.text):
            line.debris = "repeated"
        elif _is_keyword(line.text):
            line.debris = "keyword"
        elif short and len(words) <= 8 and _next_to_contact(lines, index):
            line.debris = "contact"
        else:
            in_related = False

    _mark_lone_labels(lines)


def _ends_open(text: str) -> bool:
    """True if a line visibly stops mid-sentence: "On", "…said that", "…including,"."""
    last = text.split()[-1].lower()
    return text.endswith((",", ":", ";", "-", "–")) or last in _FUNCTION_WORDS


def _next_to_contact(lines: Sequence[_Line], index: int) -> bool:
    before = lines[index - 1].debris if index else None
    after = lines[index + 1].debris if index + 1 < len(lines) else None
    return "contact" in (before, after)


def _mark_lone_labels(lines: Sequence[_Line]) -> None:
    """Mark runs of labels between debris lines: "News" between "MIA …" and "en_EN", or a
    navigation bar "World / Technology / Politics" between "Menu" and "Search"."""
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and lines[end].debris is None and _is_label(lines[end].text):
            end += 1
        if end > index:
            before = lines[index - 1].debris if index else "edge"
            after = lines[end].debris if end < len(lines) else "edge"
            if before is not None and after is not None:
                for line in lines[index:end]:
                    line.debris = "metadata"
            index = end
        else:
            index += 1


def _is_label(text: str) -> bool:
    return len(text.split()) <= _LABEL_WORDS and not _SENTENCE_END.search(text) and not _ends_open(text)


# ---------------------------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------------------------


def _paragraphs(body: Sequence[_Line], page: Sequence[_Line]) -> tuple[list[str], int]:
    """Rejoin article lines into paragraphs; also return how many line breaks were joined.

    Pages that separate paragraphs by blank lines ("blank layout") may hard-wrap them: there a
    line break without a blank line is a paragraph end only after a visibly short line that
    ends a sentence. Pages without blank lines break paragraphs at sentence ends.
    """
    if not body:
        return [], 0
    blocks: list[list[_Line]] = [[body[0]]]
    for before, line in zip(body, body[1:], strict=False):
        if any(not other.text for other in page[before.number + 1 : line.number]):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    blank_layout = len(blocks) >= _BLANK_LAYOUT_MIN_BLOCKS and len(blocks) * _BLANK_LAYOUT_LINES >= len(body)
    paragraphs: list[str] = []
    joined = 0
    for number, block in enumerate(blocks):
        width = max(len(line.text) for line in block)
        for position, line in enumerate(block):
            if position == 0:
                previous_text = paragraphs[-1] if number and paragraphs else None
                if previous_text is not None and _continues(previous_text, line.text, blank_between=True):
                    paragraphs[-1] = _join(previous_text, line.text)
                    joined += 1
                else:
                    paragraphs.append(line.text)
                continue
            previous = block[position - 1].text
            if blank_layout:
                ragged = len(previous) < _RAGGED_SHARE * width
                goes_on = not (
                    _BULLET.match(line.text)
                    or (_is_subheading(previous) and _SENTENCE_START.match(line.text))
                    or (ragged and _SENTENCE_END.search(previous) and _SENTENCE_START.match(line.text))
                )
            else:
                goes_on = _continues(previous, line.text, blank_between=False)
            if goes_on:
                paragraphs[-1] = _join(paragraphs[-1], line.text)
                joined += 1
            else:
                paragraphs.append(line.text)
    return paragraphs, joined


def _join(paragraph: str, line: str) -> str:
    """Join a broken line to its paragraph: with a space, but none before ", said" or ")"."""
    return paragraph + line if line[:1] in ",.;:!?)]”’" else f"{paragraph} {line}"


def _continues(previous: str, current: str, blank_between: bool) -> bool:
    """True if `current` goes on with the paragraph that `previous` ends."""
    if _BULLET.match(current) or _BULLET.match(previous):
        return False
    if current[:1] in ",;:)]":
        return True
    starts_lower = current[:1].islower() or bool(re.match(r"^[\"“„‘'«(\[]+[a-z]", current))
    if _SENTENCE_END.search(previous):
        return starts_lower  # "…the U.S." / "officials said" is one sentence
    if blank_between:
        # A blank line is a paragraph end unless the line before visibly breaks off.
        return starts_lower or previous.endswith(",") or previous.split()[-1].lower() in _FUNCTION_WORDS
    return not (_is_subheading(previous) and _SENTENCE_START.match(current))


def _is_subheading(text: str) -> bool:
    """ "What The Draft Says": a short Title Case line without punctuation at the end."""
    words = text.split()
    if not 2 <= len(words) <= 12 or _ends_open(text) or "," in text or _SENTENCE_END.search(text):
        return False
    significant = [word for word in words if len(_NON_WORD.sub("", word)) >= 4]
    return text[:1].isupper() and all(word[:1].isupper() or not word[:1].isalpha() for word in significant)


def _split_glued(paragraph: str) -> list[str]:
    """Split a paragraph at glued sentences ("…officials said.On Tuesday, …"): on a scraped
    page they mark a paragraph break that lost its newline."""
    parts = [part.strip() for part in _GLUED_BOUNDARY.split(paragraph)]
    return [part for part in parts if part]


# ---------------------------------------------------------------------------------------------
# Duplicates
# ---------------------------------------------------------------------------------------------


def _drop_duplicates(paragraphs: Sequence[str]) -> tuple[list[str], int, int]:
    """Keep each paragraph once, in its fullest version, in reading order.

    A paragraph is redundant when each of its sentences is found in another paragraph (as a
    substring, or as a near-identical sentence). Redundant paragraphs are dropped one at a time,
    the one spread over the most other paragraphs first (a condensed copy of the body), then
    the shorter, then the later one, until none is left: of two versions, the fuller stays.

    Returns:
        (kept paragraphs, condensed copies dropped, duplicate paragraphs dropped). A condensed
        copy is covered by several other paragraphs; a duplicate by one.
    """
    # Identical copies first (cheap): the first stays.
    first: dict[str, int] = {}
    for number, paragraph in enumerate(paragraphs):
        first.setdefault(_norm(paragraph), number)
    unique = sorted(first.values())
    copies = len(paragraphs) - len(unique)
    paragraphs = [paragraphs[number] for number in unique]

    sentences = [_sentence_keys(paragraph) for paragraph in paragraphs]
    texts = [f" {_norm(paragraph)} " for paragraph in paragraphs]
    sentence_words = [[set(key.split()) for key in keys] for keys in sentences]
    # word -> the paragraphs that contain it, to look only at paragraphs that can match
    index: dict[str, set[int]] = {}
    for j, text in enumerate(texts):
        for word in set(text.split()):
            index.setdefault(word, set()).add(j)
    # the same for sentences, for near-identical ones
    flat = [(j, words) for j, row in enumerate(sentence_words) for words in row]
    sentence_index: dict[str, set[int]] = {}
    for number, (_j, words) in enumerate(flat):
        for word in words:
            sentence_index.setdefault(word, set()).add(number)

    # covers[i][k]: the other paragraphs that contain sentence k of paragraph i
    covers: list[list[set[int]]] = []
    for i, keys in enumerate(sentences):
        row: list[set[int]] = []
        for key, words in zip(keys, sentence_words[i], strict=True):
            ranked = sorted(words, key=lambda word: len(index[word]))
            # a paragraph holding the sentence holds its rarest words
            rarest, others = index[ranked[0]], [index[word] for word in ranked[1:3]]
            holders = (
                j for j in rarest if j != i and all(j in other for other in others) and f" {key} " in texts[j]
            )
            found = set(itertools.islice(holders, _MAX_COVERERS))
            if not found and len(words) >= _FUZZY_MIN_WORDS:
                # a near-identical sentence shares all but a fifth of the words: one of these
                missing = len(words) - math.ceil(_FUZZY_MIN_JACCARD * len(words))
                pigeonholes = sorted(words, key=lambda word: len(sentence_index[word]))[: missing + 1]
                near = set().union(*(sentence_index[word] for word in pigeonholes))
                matches = (flat[n][0] for n in near if flat[n][0] != i and _similar(words, flat[n][1]))
                found = set(itertools.islice(matches, _MAX_COVERERS))
            row.append(found)
            if not found:
                break  # this paragraph has text of its own: it stays
        covers.append(row)

    redundant = {i for i, row in enumerate(covers) if row and len(row) == len(sentences[i]) and all(row)}
    alive = set(range(len(paragraphs)))
    condensed, duplicates = 0, copies
    while True:
        best: tuple[int, int, int] | None = None
        for i in redundant:
            row = [found & alive for found in covers[i]]
            if not all(row):
                continue
            rank = (_cover_size(row), -len(paragraphs[i]), i)
            if best is None or rank > best:
                best = rank
        if best is None:
            break
        alive.discard(best[2])
        redundant.discard(best[2])
        if best[0] >= 2:
            condensed += 1
        else:
            duplicates += 1
    return [paragraphs[i] for i in sorted(alive)], condensed, duplicates


def _sentence_keys(paragraph: str) -> list[str]:
    """The paragraph's sentences, normalised, cut at every full stop (glued or not, "U.S."
    too): for finding text in another paragraph, smaller pieces only make it surer."""
    keys = (_norm(piece) for piece in _TERMINATOR_RUN.split(paragraph))
    return [key for key in keys if key]


def _similar(left: set[str], right: set[str]) -> bool:
    if not right or min(len(left), len(right)) < _FUZZY_MIN_JACCARD * max(len(left), len(right)):
        return False
    return len(left & right) >= _FUZZY_MIN_JACCARD * len(left | right)


def _cover_size(row: Sequence[set[int]]) -> int:
    """1 if one paragraph holds every sentence, else how many paragraphs hold some of them."""
    if set.intersection(*row):
        return 1
    return len(set().union(*row))


# ---------------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------------

_NOTE_LABELS = {
    "metadata": ("metadata line", "metadata lines", ""),
    "title": ("repeated title", "repeated titles", ""),
    "url": ("URL line", "URL lines", " (images, related articles)"),
    "contact": ("publisher contact line", "publisher contact lines", " (name, e-mail, phone, address)"),
    "date": ("date line", "date lines", " (page metadata, related articles)"),
    "keyword": ("keyword line", "keyword lines", ""),
    "repeated": ("repeated page line", "repeated page lines", ""),
    "related": ("related-article line", "related-article lines", ""),
    "furniture": ("share/advert/navigation line", "share/advert/navigation lines", ""),
    "byline": ("byline", "bylines", ""),
}


def _notes(
    lines: Sequence[_Line], joined: int, condensed: int, duplicates: int, glued: int
) -> tuple[str, ...]:
    counts = Counter(line.debris for line in lines if line.debris)
    notes = []
    for reason, number in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        singular, plural, detail = _NOTE_LABELS[reason]
        notes.append(f"dropped {number} {singular if number == 1 else plural}{detail}")
    if joined:
        notes.append(f"rejoined {joined} line break{'s' if joined != 1 else ''} inside paragraphs")
    if condensed:
        notes.append(f"dropped {condensed} condensed cop{'ies' if condensed != 1 else 'y'} of the body")
    if duplicates:
        notes.append(
            f"dropped {duplicates} duplicate paragraph{'s' if duplicates != 1 else ''}"
            " (kept the fullest version)"
        )
    if glued:
        notes.append(
            f'restored {glued} paragraph break{"s" if glued != 1 else ""} lost in glued sentences ("said.On")'
        )
    return tuple(notes)
