#!/usr/bin/env python3
"""Fuzz the ingest parsers for a bounded time; print what broke, with a minimal reproducer.

Run on demand (not part of `make test`):

    .venv/bin/python benchmarks/fuzz.py --seconds 60             # every target, 60 s each
    .venv/bin/python benchmarks/fuzz.py --seconds 20 --target sentences --target claims
    .venv/bin/python benchmarks/fuzz.py --list                   # the targets

Each target runs in a child process of its own for `--seconds` (plus time to shrink a
failure), with hypothesis drawing structured-but-hostile inputs: treaty-like Markdown and
plain text with random headings, markers, quotes and brackets, huge tokens and long runs,
control characters and every kind of newline, front matter, random bytes, scraped news pages,
HTML with deep nesting, broken tags and hostile metadata, generated PDFs and Word files with
their content mutated (numbers, bytes, XML). Inputs are kept at most ~100 KB.

The contract every target is held to: on any input the parser returns a result or raises
`treatydiff.errors.TreatydiffError` with a one-line message; nothing else escapes; it never
takes more than 5 s (`HANG_SECONDS`); and its invariants hold: `document.text[s.start:s.end]
== s.text` for segments and claims, segments in order without overlap, sentence spans inside
the text, in order, without overlap. Converter outputs must also read back as a document.

For each target the summary gives the inputs tried, the seconds spent and each distinct
failure (what was raised or violated, where, and the smallest input found, shrunk by
hypothesis; the full input is saved under `--artifacts`). A child that is stuck in C code
past its budget is killed, and the input it was on is reported as a hang. The script exits
with status 1 if anything failed.

Targets: documents (`parse_document`), decode (`decode_bytes`, then `parse_document`),
segments (`segment_document` at every level), sentences (`split_sentences`), news
(`convert_scraped_text`), html (`convert_html`), pdf (`convert_pdf` on mutated fpdf2 PDFs),
docx (`convert_docx` on generated and mutated .docx zips), claims (`extract_claims` on news
and commentary documents).

A run with `--seconds 60` takes about ten minutes. The findings so far (19, from the fuzz runs
and from probes of the same shapes, which the strategies now generate) are listed in
docs/robustness-fuzzing.md, section "Fuzzing": target, input, what happened, the fix and the
regression test in tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from treatydiff.errors import TreatydiffError  # noqa: E402
from treatydiff.records import Document, Level  # noqa: E402

HANG_SECONDS = 5.0
MAX_INPUT = 100_000  # characters or bytes
BATCH = 100  # examples per hypothesis run; runs repeat, freshly seeded, until the budget is spent
SHRINK_GRACE = 40.0  # seconds a failure may take to shrink past the budget


# ---------------------------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------------------------


class Violation(Exception):
    """The parser returned, but what it returned breaks an invariant."""


class Hang(BaseException):
    """Raised by SIGALRM inside a parser that runs too long (a BaseException, so that a
    parser's `except Exception` can't mistake it for an error of its own)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def expect(condition: object, message: str) -> None:
    if not condition:
        raise Violation(message)


def check_error(error: TreatydiffError) -> None:
    message = str(error)
    expect(message.strip(), f"{type(error).__name__} with an empty message")
    expect(
        len(message.splitlines()) == 1,
        f"{type(error).__name__} message is not one line: {message[:200]!r}",
    )


def guarded(call: Callable[[], Any]) -> Any:
    """The parser's result, or None when it raised a `TreatydiffError` with a one-line message."""
    try:
        return call()
    except TreatydiffError as error:
        check_error(error)
        return None


def check_spans(spans: list[tuple[int, int]], length: int, what: str) -> None:
    previous_end = 0
    for start, end in spans:
        expect(0 <= start < end <= length, f"{what} span {(start, end)} outside the text (length {length})")
        expect(start >= previous_end, f"{what} span {(start, end)} overlaps or precedes the one before")
        previous_end = end


def check_segmented(doc: Document, level: Level) -> None:
    from treatydiff.segments import segment_document

    segmented = guarded(lambda: segment_document(doc, level))
    if segmented is None:
        return
    expect(segmented.segments, f"{level}: no segments and no error")
    previous_end = doc.body_start
    ids = set()
    for segment in segmented.segments:
        expect(
            doc.text[segment.start : segment.end] == segment.text,
            f"{level}: segment {segment.id} text is not text[{segment.start}:{segment.end}]",
        )
        expect(segment.start < segment.end, f"{level}: segment {segment.id} is empty")
        expect(
            segment.start >= previous_end,
            f"{level}: segment {segment.id} at {segment.start} overlaps or precedes the one before",
        )
        expect(segment.id not in ids, f"{level}: duplicate segment id {segment.id}")
        ids.add(segment.id)
        previous_end = segment.end


def check_document_text(text: str, path: str = "fuzz.md") -> Document | None:
    from treatydiff.documents import parse_document

    doc = guarded(lambda: parse_document(text, path))
    if doc is not None:
        expect(0 <= doc.body_start <= len(doc.text), f"body_start {doc.body_start} outside the text")
        expect(isinstance(doc.title, str) and isinstance(doc.kind, str), "title or kind is not a string")
    return doc


def check_converted(converted: Any) -> None:
    """A converter's result: a Markdown body that reads back and segments (as `read_document` does)."""
    from treatydiff.ingest import Converted

    expect(isinstance(converted, Converted), f"returned {type(converted).__name__}, not Converted")
    expect(converted.body.strip(), "converted body is empty")
    expect(all(isinstance(v, str) for v in converted.meta.values()), "a meta value is not a string")
    doc = check_document_text(converted.body)
    if doc is not None:
        for level in Level:
            check_segmented(doc, level)


# ---------------------------------------------------------------------------------------------
# Strategies: treaty-like and news-like text
# ---------------------------------------------------------------------------------------------

WORDS = (
    "the Party shall adopt such legislative and other measures as may be necessary to establish "
    "criminal offences under its domestic law when committed intentionally access to whole or any "
    "part of a computer system without right Convention Protocol treaty ministry said that added "
    "according to officials warned must should not Russia EU UN Washington Council of Europe data "
    "traffic service provider including such as however e.g. i.e. No. Art. para. U.S. Mr. Dr. Jan. "
    "Sept. ſeptember aprıl İstanbul Kelvin K ﬁnal naïve café 中文 العربية Ⅳ ① ² ٣"
).split()
KEYWORDS = (
    # the last six have letters that IGNORECASE matches to ASCII ones but lower() leaves alone
    "Article", "ARTICLE", "Artikel", "Chapter", "CHAPTER", "Section", "Title", "TITEL", "Part", "Annex",
    "Appendix", "Schedule", "Preamble", "PREAMBULE", "Hoofdstuk", "Afdeling", "Artıcle", "ARTİCLE",
    "ſection", "Tıtle", "Partıe", "Chapıtre", "Afdelıng",
)  # fmt: skip
NUMBERS = ("1", "2", "12", "3 bis", "4a", "IV", "XII", "LXXXVIII", "0", "9999", "A", "i", "1.2.3", "", "II.")
MARKERS = (
    "1.", "2.", "(1)", "1)", "15a.", "(a)", "a)", "b.", "(i)", "ii)", "iv.", "(iv)", "v)", "x.", "i.", "h)",
    "aa)", "cc.", "(ccc)", "–", "—", "-", "*", "+", "•", "3.", "lxxxviii.", "(xl)", "ii",
)  # fmt: skip
QUOTES = ('"', "“", "”", "„", "«", "»", "‘", "’", "'", "(", ")", "[", "]", "{", "}")
SEPARATORS = (" – ", " — ", " - ", ": ", ". ", " ", "", "–", " -- ")
NEWLINES = ("\n", "\n\n", "\r\n", "\r", "\n \n", "\n\t\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c")
SPECIALS = (
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\u00a0", "\u200b", "\ufeff", "\u202e", "\u0301", "\ud800",
    "\U0001f600", "…", "…", "§", "#", "*", "_", "**", "__", "|", "\\", "`", "<", ">", "&amp;", "http://",
    "www.", "@", "---", "...",
)  # fmt: skip
# Runs and huge tokens: the shapes that make a regex or a loop go quadratic.
RUN_UNITS = (
    "a", "A", " ", "\t", ".", "x.", "a.", "A.", "1.", "*", "_", "*a ", "**a", "(", ")", '"', "“", "”", '."',
    "(a)", "#", "-", "–", "1", "Article 1\n", "(a) x\n", "1. x\n", "\n", "\n\n", "a\n", ". ", "The ",
    "said ", '"Ab." ', "“Ab.” ", "(a b c) ", ", and that it must act ", "; ",
    "Foo Ministry said that the treaty must act. ", "http://x.y/", "@x.y ", "a@b.c ", "i. ", "ſ", "# a ",
    "#", "\u00a0", "\x00", "<", "<div>", "[", "{", '"a" ', "Q. ",
)  # fmt: skip

word = st.sampled_from(WORDS)
any_char = st.characters(codec="utf-8", exclude_categories=("Cs",))
raw_text = st.lists(st.one_of(any_char, st.sampled_from(SPECIALS + QUOTES + NEWLINES)), max_size=40).map(
    "".join
)


def _run(unit: str, count: int) -> str:
    return unit * count


# Counts biased to the large: quadratic behaviour shows from a few thousand repetitions on.
counts = st.one_of(st.integers(1, 300), st.sampled_from((1000, 3000, 8000, 20000, 50000, MAX_INPUT)))
huge = st.builds(_run, st.one_of(st.sampled_from(RUN_UNITS), st.text(max_size=6).filter(bool)), counts).map(
    lambda s: s[:MAX_INPUT]
)


def _name(number: int) -> str:
    """A distinct capitalised name for every number: "Ba", "Bb", …, "Caa"."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = chr(ord("a") + digit) + letters
        if not number:
            break
    return "B" + letters


def _distinct(template: str, count: int) -> str:
    return "".join(template.format(name=_name(number)) for number in range(count))[:MAX_INPUT]


# Many statements, each by a speaker or body of its own.
distinct = st.builds(
    _distinct,
    st.sampled_from(
        (
            '"Ab," {name} said. ',
            "{name} Ministry said the treaty must act. ",
            '"Ab," the ministry said. {name} Group ',
            "“The treaty must go,” said {name}. She said so. ",
            "Article {name}\n\n(a) x\n",
        )
    ),
    counts,
)


@st.composite
def phrase(draw: st.DrawFn, max_words: int = 14) -> str:
    pieces = draw(
        st.lists(
            st.one_of(
                word,
                word,
                word,
                st.sampled_from(QUOTES),
                st.sampled_from(MARKERS),
                st.sampled_from(SPECIALS),
                st.sampled_from((".", ",", ";", ":", "!", "?", "…", ".”", '."', ".)", "?!")),
                raw_text,
            ),
            max_size=max_words,
        )
    )
    glue = draw(st.sampled_from((" ", " ", "", "  ", "\t")))
    return glue.join(pieces)


@st.composite
def heading_line(draw: st.DrawFn) -> str:
    hashes = draw(st.sampled_from(("", "", "#", "##", "###", "#####", "######", "#######", "### ")))
    space = draw(st.sampled_from((" ", "", "\t", "  ")))
    emphasis = draw(st.sampled_from(("", "", "**", "*", "_", "__")))
    text = (
        f"{draw(st.sampled_from(KEYWORDS))} {draw(st.sampled_from(NUMBERS))}"
        f"{draw(st.sampled_from(SEPARATORS))}{draw(phrase(5))}"
    )
    trailing = draw(st.sampled_from(("", "", " #", " ##", "  ", ".", ":")))
    return f"{hashes}{space if hashes else ''}{emphasis}{text}{emphasis}{trailing}"


@st.composite
def marker_line(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(("", "", "  ", "\t")))
    return f"{indent}{draw(st.sampled_from(MARKERS))}{draw(st.sampled_from((' ', '', '  ')))}{draw(phrase())}"


# YAML that PyYAML refuses or turns into something odd: bad dates, huge ints, self-reference.
YAML_VALUES = (
    "[1, 2]", "{a: b}", "null", "yes", "2024-01-01", "|", "&a [1]", "*a", "!!binary x", "'", '"', "[[[[",
    ":", "2024-13-45", "2024-02-30", "1" * 5000, "0b" + "1" * 20000, "1" + ":59" * 3000, "&r [*r]",
    "&d {k: *d}", "!!float 1e999", ".nan",
)  # fmt: skip

front_matter = st.one_of(
    st.builds(
        lambda pairs: "---\n" + "".join(f"{k}: {v}\n" for k, v in pairs) + "---\n",
        st.lists(
            st.tuples(
                st.sampled_from(("title", "kind", "language", "url", "short_title", "date", "x", "? [a]")),
                st.one_of(phrase(4), st.sampled_from(YAML_VALUES)),
            ),
            max_size=5,
        ),
    ),
    st.sampled_from(
        (
            "---\n",
            "---\n---\n",
            "---\n...\n",
            "---\n- a\n- b\n---\n",
            "---\ntitle: [\n---\n",
            "---\na: &a [x, x]\nb: &b [*a, *a]\n---\n",
            "---\n!!python/object:os.system x\n---\n",
            "---\na: b\n",
        )
    ),
    st.builds(lambda n: "---\nt: " + "[" * n + "\n---\n", st.integers(1, 5000)),
    st.builds(
        # alias fan-out: a list of lists of … of lists, each level referring to the one below
        lambda depth, width: (
            "---\nt0: &t0 [x]\n"
            + "".join(f"t{i}: &t{i} [{', '.join([f'*t{i - 1}'] * width)}]\n" for i in range(1, depth))
            + "title: x\n---\n"
        ),
        st.integers(2, 40),
        st.integers(1, 9),
    ),
    st.builds(
        # the same with mappings, whose str() repeats every shared child
        lambda depth, width: (
            "---\nt0: &t0 {a: x}\n"
            + "".join(
                f"t{i}: &t{i} {{{', '.join(f'k{k}: *t{i - 1}' for k in range(width))}}}\n"
                for i in range(1, depth)
            )
            + f"title: *t{depth - 1}\n---\n"
        ),
        st.integers(2, 40),
        st.integers(1, 9),
    ),
)


@st.composite
def treaty_text(draw: st.DrawFn) -> str:
    """Treaty-like Markdown or plain text with hostile pieces, possibly amplified to ~100 KB."""
    lines = draw(
        st.lists(
            st.one_of(
                heading_line(),
                heading_line(),
                marker_line(),
                marker_line(),
                phrase(),
                phrase(),
                raw_text,
                st.sampled_from(
                    (
                        "",
                        "",
                        " ",
                        "IN WITNESS WHEREOF",
                        "Done at Budapest",
                        "Convention on Cybercrime",
                        "Council of Europe",
                        "http://x.org/a",
                        "# Title",
                        "Preamble",
                        "***",
                        "---",
                        "```",
                    )
                ),
            ),
            max_size=30,
        )
    )
    newline = draw(st.sampled_from(NEWLINES))
    mixed = draw(st.booleans())
    parts = []
    for line in lines:
        parts.append(line)
        parts.append(draw(st.sampled_from(NEWLINES)) if mixed else newline)
    text = "".join(parts)
    if draw(st.integers(0, 2)) == 0:  # one line repeated, after an article heading or not
        line = draw(st.one_of(marker_line(), heading_line(), phrase(), st.sampled_from(RUN_UNITS)))
        run = (line + newline) * min(draw(counts), MAX_INPUT // max(1, len(line) + 1))
        text = draw(st.sampled_from(("", "Article 1" + newline * 2, "# T\n\nArticle 1\n\n1.\n"))) + text + run
    if draw(st.integers(0, 3)) == 0:
        text = draw(front_matter) + text
    if draw(st.integers(0, 2)) == 0:  # a huge run somewhere
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(huge) + text[cut:]
    if draw(st.integers(0, 4)) == 0 and text:  # the whole thing repeated
        text = text * max(1, min(draw(st.integers(1, 5000)), MAX_INPUT // len(text)))
    return text[:MAX_INPUT]


# -- news pages -------------------------------------------------------------------------------

NEWS_LINES = (
    "https://sputnikglobe.com/20240329/ict-convention.html",
    "https://example.org/img/photo.jpg",
    "URL: https://harbourwire.example/a",
    "Source: http://[broken",
    "Publisher: Harbour Wire",
    "Title: Talks Stall | Harbour Wire",
    "29 March 2024, 05:52 GMT",
    "March 29, 2024",
    "Published: 2024-03-29T05:52:00Z",
    "Updated on 1 ſeptember 2024",
    "29 aprıl 2024",
    "12.13.2024",
    "31.02.2024 10:00 (CET+1)",
    "Friday, 29 Mar. 2024 | 10:30 am (GMT+3)",
    "5 minutes ago",
    "3 min read",
    "en_GB",
    "Language: en",
    "2024",
    "russia, un, cybercrime convention",
    "Tags: ict, un",
    "© 2024 Harbour Wire. All rights reserved.",
    "Photo: Reuters",
    "By Maria Olsen, Harbour Wire",
    "By",
    "Share",
    "Read more: something",
    "Related",
    "Harbour Wire",
    "newsroom@harbourwire.example",
    "+7 495 645-6601",
    "We use cookies to improve your experience",
    "The Russian Foreign Ministry said that the convention must protect sovereignty.",
    "“The treaty lets police access data,” the ministry added.",
    'According to Olsen, the draft "goes too far".',
    "Moscow said.On March 27 the talks ended",
    'scale."Throughout the talks',
    "What The Draft Says",
    "On",
    "including",
)


@st.composite
def news_text(draw: st.DrawFn) -> str:
    lines = draw(
        st.lists(
            st.one_of(st.sampled_from(NEWS_LINES), phrase(), phrase(25), raw_text, st.just("")), max_size=40
        )
    )
    if draw(st.booleans()):
        lines = lines + lines[: draw(st.integers(0, len(lines)))]  # a page rendering its body twice
    text = draw(st.sampled_from(("\n", "\r\n", "\r"))).join(lines)
    if draw(st.integers(0, 2)) == 0:
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(huge) + text[cut:]
    if draw(st.integers(0, 4)) == 0 and text:
        text = text * max(1, min(draw(st.integers(1, 5000)), MAX_INPUT // len(text)))
    return text[:MAX_INPUT]


CLAIM_SENTENCES = (
    'The Russian Foreign Ministry said that "the convention must not legalise surveillance."',
    "“The treaty lets police access data without a warrant,” the ministry added.",
    "“It will criminalise journalism,” said Maria Olsen, a spokeswoman for the EU delegation.",
    "According to Human Rights Watch, the draft should be rejected.",
    "Washington is actively working towards a treaty that covers only cybercrime.",
    "The convention must not allow states to prosecute dissidents, and that it would not protect data.",
    "Critics fear that the text includes offences, including hacking, fraud, and child abuse material.",
    "Olsen spoke after a meeting (the bloc will not sign the text, she said) that ran late.",
    "The new treaty must not undermine human rights; it should protect encryption.",
    "Rachel Donovan said:",
    "We at Civic Tech Watch believe the treaty goes too far.",
    "By Civic Tech Watch",
    "The talks took place in 2024 in New York.",
    "She said so.",
    "The ministry, which has opposed the draft, said that the Convention of 2001 remains the standard.",
)


@st.composite
def claims_input(draw: st.DrawFn) -> tuple[str, str]:
    paragraphs = draw(
        st.lists(
            st.lists(
                st.one_of(st.sampled_from(CLAIM_SENTENCES), phrase(20), raw_text), min_size=1, max_size=6
            ),
            max_size=12,
        )
    )
    text = "\n\n".join(" ".join(sentences) for sentences in paragraphs)
    if draw(st.integers(0, 2)) == 0:
        text += draw(st.sampled_from(("", " ", "\n\n"))) + draw(distinct)
    if draw(st.integers(0, 2)) == 0:
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(huge) + text[cut:]
    if draw(st.integers(0, 3)) == 0 and text:
        text = text * max(1, min(draw(st.integers(1, 5000)), MAX_INPUT // len(text)))
    heading = draw(st.sampled_from(("# Talks stall\n\n", "", "---\nauthor: Civic Tech Watch\n---\n# T\n\n")))
    kind = draw(st.sampled_from(("news", "news", "commentary")))
    return (heading + text)[:MAX_INPUT], kind


# -- bytes ------------------------------------------------------------------------------------


@st.composite
def text_bytes(draw: st.DrawFn) -> bytes:
    text = draw(st.one_of(treaty_text(), raw_text))
    encoding = draw(
        st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"))
    )
    data = text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    return draw(mutated(data))


@st.composite
def mutated(draw: st.DrawFn, data: bytes, max_mutations: int = 4) -> bytes:
    """`data` with a few byte-level mutations: flips, cuts, deletions, duplications, insertions."""
    for _ in range(draw(st.integers(0, max_mutations))):
        size = len(data)
        at = draw(st.integers(0, size))
        operation = draw(st.sampled_from(("flip", "truncate", "delete", "duplicate", "insert")))
        if operation == "flip" and size:
            at = min(at, size - 1)
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif operation == "truncate":
            data = data[:at]
        elif operation == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 64)) :]
        elif operation == "duplicate":
            length = draw(st.integers(1, 512))
            data = data[:at] + data[at : at + length] * draw(st.integers(1, 50)) + data[at:]
        else:
            data = (
                data[:at] + draw(st.one_of(st.binary(max_size=16), st.sampled_from(BYTE_TOKENS))) + data[at:]
            )
    return data[: MAX_INPUT * 2]


BYTE_TOKENS = (
    b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80", b"\r", b"\n", b"<<",
    b">>", b"[", b"]", b"(", b")", b"\\", b"/", b"BT", b"ET", b"Tj", b"q", b"Q", b"obj", b"endobj",
    b"stream", b"endstream", b"R", b"0 0 R", b"%%EOF", b"xref", b"trailer", b"[" * 3000, b"<<" * 3000,
    b"(" * 3000, b"PK\x03\x04", b"PK\x05\x06", b"<w:p>",
)  # fmt: skip


# -- HTML -------------------------------------------------------------------------------------

TAGS = (
    "html", "head", "body", "div", "p", "article", "main", "section", "span", "a", "h1", "h2", "ul", "li",
    "table", "tr", "td", "br", "script", "style", "noscript", "template", "iframe", "svg", "math", "title",
    "header", "footer", "nav", "aside", "blockquote", "pre", "code", "b", "i", "form", "textarea", "select",
    "option", "frameset", "xmp", "plaintext", "O:P", "x-y",
)  # fmt: skip
HOSTILE_URLS = (
    "http://[", "http://[::1", "https://]x", "//x", "javascript:alert(1)", "http://a b/",
    "https://ex.org/a", "/relative", "http://%zz", "http://x:99999/", "\x00", "http://" + "a" * 300,
    "mailto:x@y",
)  # fmt: skip


@st.composite
def json_ld(draw: st.DrawFn) -> str:
    scalar = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        phrase(4),
        st.sampled_from(
            HOSTILE_URLS + ("2024-03-29", "2024-13-45", "NewsArticle", "WebPage", "en-GB", "xx_")
        ),
    )
    keys = st.sampled_from(
        (
            "@type",
            "headline",
            "datePublished",
            "url",
            "publisher",
            "name",
            "mainEntityOfPage",
            "@graph",
            "inLanguage",
            "@id",
            "author",
        )
    )
    value = st.recursive(
        scalar,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=20,
    )
    if draw(st.integers(0, 5)) == 0:
        depth = draw(st.integers(1, 20000))
        return "[" * depth + "]" * draw(st.integers(0, depth))
    return json.dumps(draw(value))


@st.composite
def html_bytes(draw: st.DrawFn) -> bytes:
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(
            draw(
                st.sampled_from(
                    ("<!DOCTYPE html>", "<?xml version='1.0' encoding='utf-16'?>", "<!--", "<![CDATA[")
                )
            )
        )
    head = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(("meta", "link", "title", "ld", "charset", "lang")))
        attribute_value = draw(st.one_of(st.sampled_from(HOSTILE_URLS), phrase(4)))
        if kind == "meta":
            name = draw(
                st.sampled_from(
                    (
                        "og:title",
                        "article:published_time",
                        "og:url",
                        "og:site_name",
                        "og:locale",
                        "date",
                        "pubdate",
                        "dc.date",
                        "twitter:title",
                        "description",
                    )
                )
            )
            head.append(f'<meta property="{name}" content="{attribute_value}">')
        elif kind == "link":
            rel = draw(st.sampled_from(("canonical", "CANONICAL alternate", "x")))
            head.append(f'<link rel="{rel}" href="{attribute_value}">')
        elif kind == "title":
            head.append(f"<title>{draw(phrase(8))}</title>")
        elif kind == "ld":
            head.append(f'<script type="application/ld+json">{draw(json_ld())}</script>')
        elif kind == "charset":
            charset = draw(
                st.sampled_from(
                    ("utf-8", "utf-16", "utf-32", "x-unknown", "iso-2022-jp", "", "cp1252", "utf-7")
                )
            )
            head.append(f'<meta charset="{charset}">')
        else:
            parts.append(f'<html lang="{draw(st.sampled_from(("en", "", "en-GB", "xx-", "ſe", "123")))}">')
    parts.append("<head>" + "".join(head) + "</head>")
    body = []
    for _ in range(draw(st.integers(0, 25))):
        piece = draw(
            st.one_of(
                st.builds(lambda t, x: f"<{t}>{x}</{t}>", st.sampled_from(TAGS), phrase(20)),
                st.builds(lambda t, x: f"<{t}>{x}", st.sampled_from(TAGS), phrase(10)),
                st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
                st.sampled_from(
                    (
                        "<div",
                        "<p =>",
                        '<a href="x>',
                        "<<>>",
                        "</>",
                        "<!-->",
                        "<!",
                        "&#0;",
                        "&#x110000;",
                        "&bogus;",
                        "<br/>",
                        "<p/>",
                        "<td>",
                        "]]>",
                        "-->",
                        "<script>",
                        "<style>",
                        "<plaintext>",
                        "<svg><foreignObject>",
                        "<math><mi>",
                    )
                ),
                st.sampled_from(CLAIM_SENTENCES),
                st.sampled_from(NEWS_LINES),
                raw_text,
            )
        )
        body.append(piece)
    if draw(st.integers(0, 2)) == 0:  # deep nesting
        tag = draw(st.sampled_from(("div", "span", "b", "table", "ul", "p", "a", "blockquote", "li")))
        depth = draw(st.integers(1, 6000))
        closing = draw(st.integers(0, depth))
        body.append(f"<{tag}>" * depth + draw(phrase(20)) + f"</{tag}>" * closing)
    parts.append("<body><article>" + "".join(body) + "</article></body></html>")
    text = "".join(parts)
    if draw(st.integers(0, 4)) == 0:
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(huge) + text[cut:]
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-16", "utf-16-be", "latin-1", "utf-32")))
    data = text[:MAX_INPUT].encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    if draw(st.integers(0, 5)) == 0:
        data = draw(st.binary(max_size=200))
    return draw(mutated(data, 2))


# -- PDF --------------------------------------------------------------------------------------

PDF_NUMBERS = (
    b"0", b"-1", b"-0", b"1" + b"0" * 300, b"1" + b"0" * 320 + b".0", b"-" + b"9" * 400 + b".5",
    b"0.0000000000001", b"99999999999", b"1e5", b"nan", b".", b"-.", b"+5", b"1..2", b"3.4.5",
    b"2147483648", b"-99999.9",
)  # fmt: skip
PDF_SNIPPETS = (
    b"1000000000 0 0 1000000000 0 0 cm\n", b"0 0 0 0 0 0 cm\n", b"-1 0 0 -1 0 0 cm\n",
    b"1 0 0 1 1000000000 1000000000 cm\n", b"q ", b"Q ", b"BT ", b"ET ", b"1000000000 TL T* ",
    b"/F1 1000000000 Tf ", b"0 Tz ", b"(x) Tj ", b"[(a) -1000000000 (b)] TJ ",
)  # fmt: skip
PDF_OPERATORS = (
    b"Tf", b"Td", b"TD", b"Tm", b"cm", b"Tj", b"TJ", b"'", b'"', b"T*", b"BT", b"ET", b"q", b"Q", b"Tz",
    b"TL", b"Ts", b"Tc", b"Tw", b"Do", b"BI", b"ID", b"EI", b"gs", b"d0",
)  # fmt: skip


@st.composite
def pdf_bytes(draw: st.DrawFn) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(False)
    if draw(st.booleans()):
        pdf.set_title(draw(phrase(5)).encode("latin-1", "replace").decode("latin-1"))
    pages = draw(st.integers(1, 3))
    for _ in range(pages):
        pdf.add_page()
        for _ in range(draw(st.integers(0, 14))):
            text = draw(st.one_of(heading_line(), marker_line(), phrase(25), st.sampled_from(NEWS_LINES)))
            text = text.encode("latin-1", "replace").decode("latin-1").replace("\r", " ").replace("\n", " ")
            size = draw(st.sampled_from((6, 9, 10, 10, 10, 12, 16, 22)))
            pdf.set_font("Helvetica", style=draw(st.sampled_from(("", "", "B"))), size=size)
            pdf.set_x(draw(st.sampled_from((10, 10, 10, 20, 40))))
            try:
                pdf.multi_cell(w=0, h=size * 0.5, text=text or " ", new_x="LMARGIN", new_y="NEXT")
            except Exception:  # noqa: BLE001 - fpdf2 refusing a text is not what is tested
                continue
    data = bytes(pdf.output())
    # Mutate the content streams, where the parser reads numbers and operators.
    match = re.search(rb"stream\n(.*?)\nendstream", data, re.S)
    if match is not None:
        content = match.group(1)
        if draw(st.integers(0, 2)) == 0:  # an operator repeated: matrices compose, states nest
            snippet = draw(st.sampled_from(PDF_SNIPPETS))
            at = draw(st.integers(0, len(content)))
            content = content[:at] + snippet * draw(st.sampled_from((1, 2, 10, 40, 1000))) + content[at:]
        for _ in range(draw(st.integers(0, 4))):
            tokens = list(re.finditer(rb"-?\d+(?:\.\d+)?|[A-Za-z*'\"]+|\([^)]*\)", content))
            if not tokens:
                break
            token = tokens[draw(st.integers(0, len(tokens) - 1))]
            replacement = draw(
                st.one_of(
                    st.sampled_from(PDF_NUMBERS),
                    st.sampled_from(PDF_OPERATORS),
                    st.sampled_from(BYTE_TOKENS),
                    st.binary(max_size=8),
                )
            )
            content = content[: token.start()] + replacement + content[token.end() :]
        data = data[: match.start(1)] + content + data[match.end(1) :]
    return draw(mutated(data, draw(st.sampled_from((0, 0, 1, 3)))))


# -- DOCX -------------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCX_BASE: dict[str, bytes] = {}
NUM_FORMATS = (
    "decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman", "bullet", "none", "decimalZero",
    "chicago", "", "x" * 50,
)  # fmt: skip
LEVEL_TEXTS = ("%1.", "%2)", "(%3)", "%1.%2.%3", "%9", "%0", "%", "", "%1%1%1%1%1%1%1%1", "Article %1", "–")
BIG_INTS = (
    "1", "0", "-1", "-5", "27", "702", "3999", "4000", "999999", "1000000000000", "x", "", "1.5",
    "99999999999999999999999999", "-99999999999", "٣",
)  # fmt: skip
STYLES = ("Title", "Heading1", "Heading2", "Heading9", "ListNumber", "Normal", "Nope", "")


def _docx_base() -> dict[str, bytes]:
    if not _DOCX_BASE:
        import docx

        document = docx.Document()
        document.add_paragraph("Convention", style="Title")
        document.add_paragraph("x", style="List Number")
        buffer = io.BytesIO()
        document.save(buffer)
        with zipfile.ZipFile(buffer) as archive:
            _DOCX_BASE.update({name: archive.read(name) for name in archive.namelist()})
    return _DOCX_BASE


def _xml_text(text: str) -> str:
    text = "".join(
        c for c in text if c in "\t\n\r" or (0x20 <= ord(c) < 0xD800) or 0xE000 <= ord(c) <= 0xFFFD
    )
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@st.composite
def docx_bytes(draw: st.DrawFn) -> bytes:
    files = dict(_docx_base())
    levels = []
    for level in range(draw(st.integers(0, 4))):
        ilvl = draw(st.sampled_from((str(level), str(level), "9", "-1", "x", "10")))
        style = json.dumps(draw(st.sampled_from(STYLES)))
        levels.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{draw(st.sampled_from(BIG_INTS))}"/>'
            f'<w:numFmt w:val="{draw(st.sampled_from(NUM_FORMATS))}"/>'
            f"{'<w:isLgl/>' if draw(st.booleans()) else ''}"
            f'<w:lvlText w:val="{_xml_text(draw(st.sampled_from(LEVEL_TEXTS)))}"/>'
            f"{f'<w:pStyle w:val={style}/>' if draw(st.booleans()) else ''}"
            "</w:lvl>"
        )
    override = draw(
        st.sampled_from(("", '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="%s"/></w:lvlOverride>'))
    )
    if override:
        override = override % draw(st.sampled_from(BIG_INTS))
    num_id = draw(st.sampled_from(("1", "1", "0", "2", "x")))
    numbering = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{_W_NS}">'
        f'<w:abstractNum w:abstractNumId="1">{"".join(levels)}</w:abstractNum>'
        f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="1"/>{override}</w:num>'
        "</w:numbering>"
    )
    paragraphs = []
    for _ in range(draw(st.integers(0, 25))):
        text = draw(
            st.one_of(heading_line(), marker_line(), phrase(25), raw_text, huge.map(lambda s: s[:20000]))
        )
        style = draw(st.sampled_from(STYLES))
        p_pr = f'<w:pStyle w:val="{style}"/>' if style else ""
        if draw(st.booleans()):
            p_pr += (
                f'<w:numPr><w:ilvl w:val="{draw(st.sampled_from(("0", "1", "2", "3", "9", "-1", "x")))}"/>'
                f'<w:numId w:val="{draw(st.sampled_from(("1", "1", "1", "0", "2", "x", "")))}"/></w:numPr>'
            )
        bold = "<w:rPr><w:b/></w:rPr>" if draw(st.booleans()) else ""
        runs = "".join(
            f'<w:r>{bold}<w:t xml:space="preserve">{_xml_text(piece)}</w:t>'
            f"{draw(st.sampled_from(('', '', '<w:br/>', '<w:tab/>', '<w:cr/>', '<w:noBreakHyphen/>')))}</w:r>"
            for piece in text.split("\n")
        )
        paragraph = f"<w:p><w:pPr>{p_pr}</w:pPr>{runs}</w:p>"
        wrapper = draw(st.sampled_from(("", "", "tbl", "sdt", "sdt-deep")))
        if wrapper == "tbl":
            paragraph = f"<w:tbl><w:tr><w:tc>{paragraph}</w:tc><w:tc>{paragraph}</w:tc></w:tr></w:tbl>"
        elif wrapper == "sdt":
            paragraph = f"<w:sdt><w:sdtContent>{paragraph}</w:sdtContent></w:sdt>"
        elif wrapper == "sdt-deep":
            depth = draw(st.integers(1, 3000))
            paragraph = "<w:sdt><w:sdtContent>" * depth + paragraph + "</w:sdtContent></w:sdt>" * depth
        paragraphs.append(paragraph)
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W_NS}">'
        f"<w:body>{''.join(paragraphs)}</w:body></w:document>"
    )
    files["word/document.xml"] = document.encode("utf-8")
    files["word/numbering.xml"] = numbering.encode("utf-8")
    target = draw(st.sampled_from(tuple(files)))
    if draw(st.integers(0, 2)) == 0:  # mutate one member's bytes
        files[target] = draw(mutated(files[target], 3))
    if draw(st.integers(0, 8)) == 0:
        files.pop(draw(st.sampled_from(tuple(files))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    data = buffer.getvalue()
    return draw(mutated(data, draw(st.sampled_from((0, 0, 0, 1, 2)))))


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


def run_documents(text: str) -> None:
    check_document_text(text)


def run_decode(data: bytes) -> None:
    from treatydiff.documents import decode_bytes

    text = guarded(lambda: decode_bytes(data, "fuzz.txt"))
    if text is not None:
        expect(isinstance(text, str), "decode_bytes did not return a str")
        check_document_text(text)


def run_segments(text: str) -> None:
    doc = check_document_text(text)
    if doc is not None:
        for level in Level:
            check_segmented(doc, level)


def run_sentences(text: str) -> None:
    from treatydiff.sentences import split_sentences

    spans = split_sentences(text)
    check_spans(spans, len(text), "sentence")
    for start, end in spans:
        expect(text[start:end] == text[start:end].strip(), f"sentence {(start, end)} is not trimmed")


def run_news(text: str) -> None:
    from treatydiff.ingest.news import convert_scraped_text

    converted = guarded(lambda: convert_scraped_text(text, source_name="fuzz.txt"))
    if converted is not None:
        check_converted(converted)


def run_html(data: bytes) -> None:
    from treatydiff.ingest.html import convert_html

    converted = guarded(lambda: convert_html(data, url=None))
    if converted is not None:
        check_converted(converted)


def _run_file(data: bytes, suffix: str, convert: Callable[[Path], Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="treatydiff-fuzz-") as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        converted = guarded(lambda: convert(path))
    if converted is not None:
        check_converted(converted)


def run_pdf(data: bytes) -> None:
    from treatydiff.ingest.pdf import convert_pdf

    _run_file(data, ".pdf", convert_pdf)


def run_docx(data: bytes) -> None:
    from treatydiff.ingest.docx import convert_docx

    _run_file(data, ".docx", convert_docx)


def run_claims(value: tuple[str, str]) -> None:
    from treatydiff.claims import extract_claims

    text, kind = value
    doc = check_document_text(text, "fuzz-news.md")
    if doc is None:
        return
    doc = dataclasses.replace(doc, kind=kind)
    claims = guarded(lambda: extract_claims(doc))
    if claims is None:
        return
    for claim in claims:  # (split claims lie inside their parent: claims may overlap)
        expect(
            0 <= claim.start < claim.end <= len(doc.text) and doc.text[claim.start : claim.end] == claim.text,
            f"claim {claim.id} text is not text[{claim.start}:{claim.end}]",
        )
        expect(claim.start >= doc.body_start, f"claim {claim.id} starts before the body")
        expect(claim.focus.strip(), f"claim {claim.id} has an empty focus")


@dataclass(frozen=True)
class Target:
    name: str
    what: str
    strategy: st.SearchStrategy[Any]
    run: Callable[[Any], None]
    suffix: str = ".txt"


TARGETS = {
    target.name: target
    for target in (
        Target("documents", "documents.parse_document", st.one_of(treaty_text(), raw_text), run_documents),
        Target(
            "decode",
            "documents.decode_bytes",
            st.one_of(text_bytes(), st.binary(max_size=400)),
            run_decode,
            ".bin",
        ),
        Target("segments", "segments.segment_document (every level)", treaty_text(), run_segments),
        Target(
            "sentences", "sentences.split_sentences", st.one_of(treaty_text(), news_text()), run_sentences
        ),
        Target("news", "ingest.news.convert_scraped_text", news_text(), run_news),
        Target("html", "ingest.html.convert_html", html_bytes(), run_html, ".html"),
        Target("pdf", "ingest.pdf.convert_pdf", pdf_bytes(), run_pdf, ".pdf"),
        Target("docx", "ingest.docx.convert_docx", docx_bytes(), run_docx, ".docx"),
        Target("claims", "claims.extract_claims", claims_input(), run_claims),
    )
}


# ---------------------------------------------------------------------------------------------
# The worker: one target, in a child process
# ---------------------------------------------------------------------------------------------


def _size(value: Any) -> int:
    if isinstance(value, tuple):
        return sum(_size(item) for item in value)
    return len(value)


def _encode(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, tuple):
        return _encode(value[0])
    return value.encode("utf-8", "surrogatepass")


def _where(error: BaseException) -> str:
    """The innermost frame in treatydiff's source (else the innermost frame)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/treatydiff/" in f.filename.replace(os.sep, "/")]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    path = frame.filename.replace(os.sep, "/").split("/src/")[-1]
    return f"{path}:{frame.lineno} in {frame.name}"


@dataclass
class Failure:
    signature: str
    kind: str  # "raised", "violation", "hang"
    message: str
    where: str
    value: Any
    count: int = 1


@dataclass
class WorkerState:
    tried: int = 0
    failures: dict[str, Failure] = field(default_factory=dict)
    shrinking: bool = False  # this hypothesis run found a failure and is shrinking it


class _Failed(Exception):
    pass


def compact(value: Any, limit: int = 600) -> str:
    """A short Python expression for an input: long runs of a repeated unit written `u * n`."""
    if isinstance(value, tuple):
        return "(" + ", ".join(compact(item, limit) for item in value) + ")"
    pieces: list[str] = []
    index = 0
    plain_start = 0
    while index < len(value):
        best = None
        for unit_length in range(1, 25):
            unit = value[index : index + unit_length]
            if len(unit) < unit_length:
                break
            count = 1
            while value[index + count * unit_length : index + (count + 1) * unit_length] == unit:
                count += 1
            if count * unit_length >= 40 and (best is None or count * unit_length > best[1] * len(best[0])):
                best = (unit, count)
        if best is None:
            index += 1
            continue
        if plain_start < index:
            pieces.append(repr(value[plain_start:index]))
        pieces.append(f"{best[0]!r} * {best[1]}")
        index += len(best[0]) * best[1]
        plain_start = index
    if plain_start < len(value) or not pieces:
        pieces.append(repr(value[plain_start:]))
    shown = " + ".join(pieces)
    return (
        shown
        if len(shown) <= limit
        else shown[:limit] + f" … ({len(value)} {'bytes' if isinstance(value, bytes) else 'chars'})"
    )


def worker(target: Target, seconds: float, artifacts: Path) -> dict[str, Any]:
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    state = WorkerState()
    began = time.monotonic()
    deadline = began + seconds
    hard_deadline = deadline + SHRINK_GRACE
    current = artifacts / f"{target.name}.current"

    @settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        derandomize=False,
        verbosity=Verbosity.quiet,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(target.strategy)
    def test(value: Any) -> None:
        # Past the budget a run only finishes shrinking what it found (and not for ever).
        now = time.monotonic()
        if now > hard_deadline or (now > deadline and not state.shrinking):
            return
        state.tried += 1
        current.write_bytes(_encode(value))
        started = time.monotonic()
        try:
            with time_limit(HANG_SECONDS):
                target.run(value)
            elapsed = time.monotonic() - started
            if elapsed > HANG_SECONDS:
                raise Hang(f"took {elapsed:.1f} s")
            return
        except Hang as error:
            kind, message, where = "hang", str(error), _where(error)
            signature = f"hang {where.split(':')[0]} {where.rsplit(' in ', 1)[-1]}"
        except Violation as error:
            kind, message, where = "violation", str(error), _where(error)
            signature = f"violation {re.sub(r'[0-9]+', 'N', message)[:80]}"
        except Exception as error:  # noqa: BLE001 - anything else escaping is the finding
            kind, message, where = "raised", f"{type(error).__name__}: {error}", _where(error)
            signature = f"raised {type(error).__name__} {where}"
        message = " ".join(message.split())[:300]
        state.shrinking = True
        known = state.failures.get(signature)
        if known is None:
            state.failures[signature] = Failure(signature, kind, message, where, value)
        else:
            known.count += 1
            if _size(value) < _size(known.value):
                known.value, known.message, known.where = value, message, where
        raise _Failed(signature)

    while time.monotonic() < deadline:
        state.shrinking = False
        try:
            test()
        except BaseException as error:  # noqa: BLE001 - a failure was recorded; go on fuzzing
            if isinstance(error, KeyboardInterrupt):
                raise
    elapsed = time.monotonic() - began
    failures = []
    for number, failure in enumerate(state.failures.values(), 1):
        saved = artifacts / f"{target.name}-{number}{target.suffix}"
        saved.write_bytes(_encode(failure.value))
        failures.append(
            {
                "kind": failure.kind,
                "message": failure.message,
                "where": failure.where,
                "count": failure.count,
                "reproducer": compact(failure.value),
                "saved": str(saved),
            }
        )
    current.unlink(missing_ok=True)
    return {"target": target.name, "tried": state.tried, "seconds": round(elapsed, 1), "failures": failures}


# ---------------------------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------------------------


def run_target(name: str, seconds: float, artifacts: Path) -> dict[str, Any]:
    result_file = artifacts / f"{name}.json"
    result_file.unlink(missing_ok=True)
    command = [
        sys.executable,
        __file__,
        "--worker",
        name,
        "--seconds",
        str(seconds),
        "--artifacts",
        str(artifacts),
    ]
    began = time.monotonic()
    try:
        process = subprocess.run(command, timeout=seconds + SHRINK_GRACE + 60, capture_output=True, text=True)
        crashed = process.returncode != 0
        stderr = process.stderr
    except subprocess.TimeoutExpired as expired:
        crashed, stderr = True, f"killed after {expired.timeout:.0f} s (stuck in one input)"
    if result_file.exists():
        return json.loads(result_file.read_text(encoding="utf-8"))
    current = artifacts / f"{name}.current"
    failure = {
        "kind": "hang" if "killed" in stderr else "crash",
        "message": " ".join(stderr.split())[-300:] if crashed else "no result",
        "where": "?",
        "count": 1,
        "reproducer": compact(current.read_bytes()) if current.exists() else "(unknown)",
        "saved": str(current) if current.exists() else "",
    }
    return {"target": name, "tried": -1, "seconds": round(time.monotonic() - began, 1), "failures": [failure]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget per target (default 60)")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), help="fuzz only these")
    parser.add_argument("--artifacts", type=Path, help="where to save failing inputs (default: a temp dir)")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.list:
        for target in TARGETS.values():
            print(f"{target.name:10} {target.what}")
        return 0
    artifacts = args.artifacts or Path(tempfile.mkdtemp(prefix="treatydiff-fuzz-"))
    artifacts.mkdir(parents=True, exist_ok=True)
    if args.worker:
        result = worker(TARGETS[args.worker], args.seconds, artifacts)
        (artifacts / f"{args.worker}.json").write_text(json.dumps(result), encoding="utf-8")
        return 0
    names = args.target or list(TARGETS)
    print(f"fuzzing {len(names)} target(s), {args.seconds:g} s each; failing inputs go to {artifacts}")
    results = []
    for name in names:
        result = run_target(name, args.seconds, artifacts)
        results.append(result)
        status = "ok" if not result["failures"] else f"{len(result['failures'])} FAILURE(S)"
        print(f"{name:10} {result['tried']:>7} inputs {result['seconds']:>7.1f} s  {status}", flush=True)
        for failure in result["failures"]:
            print(f"    [{failure['kind']}] {failure['message']}")
            print(f"        at {failure['where']} (seen {failure['count']}x)")
            print(f"        minimal input: {failure['reproducer']}")
            if failure["saved"]:
                print(f"        saved: {failure['saved']}")
    total = sum(len(result["failures"]) for result in results)
    tried = sum(max(result["tried"], 0) for result in results)
    print(f"summary: {tried} inputs over {len(results)} target(s), {total} distinct failure(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
