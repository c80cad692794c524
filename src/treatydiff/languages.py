"""Which language a text is in, roughly: enough to warn when the model can't read it, and to
tell that two documents are in different languages (then a word diff makes no sense).

Function words give European languages away (a few hundred words of treaty text hold dozens
of "the", "de", "het", "und", "la"); scripts give away the others. No library, no model:
the guess only has to tell a document the default English model reads from one it doesn't.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import Document

LANGUAGE_NAMES = {
    "en": "English",
    "nl": "Dutch",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "ru": "Russian",
    "ar": "Arabic",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "el": "Greek",
    "uk": "Ukrainian",
}
_FUNCTION_WORDS = {
    "en": "the of and to in is that for be by shall with as on or any which this are it not",
    "nl": "de het een van en in is dat op te voor met door zijn niet als aan bij wordt die",
    "fr": "le la les des de du et en un une est que pour dans par sur au aux qui ne pas",
    "de": "der die das und den dem des ist zu in von mit für auf nicht eine ein sich werden",
    "es": "el la los las de del y en que por para con una un es se no su al lo",
    "it": "il lo la gli le di del della e che per con una un è non si dei al da",
    "pt": "o a os as de do da dos das e em que para com um uma não por se no na",
}
_WORDS = {code: frozenset(words.split()) for code, words in _FUNCTION_WORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_SCRIPTS = (
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
)
# ISO 639-2 codes of the languages above, as front matter and file properties sometimes give them.
_THREE_LETTER_CODES = {
    "eng": "en", "nld": "nl", "dut": "nl", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de",
    "spa": "es", "ita": "it", "por": "pt", "rus": "ru", "ara": "ar", "zho": "zh", "chi": "zh",
    "jpn": "ja", "kor": "ko", "ell": "el", "gre": "el", "ukr": "uk",
}  # fmt: skip
_CODE_OF_NAME = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]+)*")
SAMPLE_CHARS = 20_000
MIN_WORDS = 20  # fewer words than this: no guess


def guess_language(text: str) -> str | None:
    """An ISO 639-1 code for the text's language, or None when it can't tell."""
    sample = text[:SAMPLE_CHARS]
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return None
    for code, script in _SCRIPTS:
        if len(script.findall(sample)) > 0.3 * len(letters):
            if code == "ru" and re.search(r"[іїєґ]", sample.lower()):
                return "uk"
            return code
    words = [w.lower() for w in _TOKEN.findall(sample)]
    if len(words) < MIN_WORDS:
        return None
    counts = Counter(words)
    hits = {code: sum(counts[w] for w in vocabulary) for code, vocabulary in _WORDS.items()}
    best = max(hits, key=hits.__getitem__)
    # Function words are a fifth or more of running text; below a tenth the guess is noise.
    return best if hits[best] >= 0.1 * len(words) else None


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def normalise_language_code(value: str | None) -> str | None:
    """The primary language of a declared language, as a lower-case code; None if it names none.

    "en-GB", "en_gb" and "EN" give "en"; ISO 639-2 codes and English names of the languages
    above give their ISO 639-1 code ("nld", "Dutch" → "nl"), so that "eng" and "en" are one
    language. Anything else that is not a language tag ("False", "?") is no declaration.
    """
    text = (value or "").strip().lower()
    if text in _CODE_OF_NAME:
        return _CODE_OF_NAME[text]
    match = _LANGUAGE_TAG.fullmatch(text)
    if match is None:
        return None
    primary = match.group(1)
    return _THREE_LETTER_CODES.get(primary, primary)


def document_language(document: Document) -> str | None:
    """The language a document is in: the one its front matter declares, else a guess from its body.

    None when it declares none and the guess can't tell. `Document.language` is not used: it
    is "en" by default, which would make an undeclared Dutch text English.
    """
    declared = normalise_language_code(document.meta.get("language"))
    return declared or guess_language(document.body)


def different_languages(a: str | None, b: str | None) -> bool:
    """Whether two documents are in different languages: both known, and not the same.

    An unknown language counts as the same: a word diff is then kept, as before languages
    were looked at.
    """
    return a is not None and b is not None and a != b
