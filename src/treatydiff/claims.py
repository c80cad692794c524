"""Statement extraction: the positions, demands and claims a news piece reports, and who states them.

News reports positions in a few shapes, and each has its own reading:

- quoted speech with an attribution before or after it
  (`X said that "…"`, `"…," the ministry added`, `"…," said X`, `X said: "…"`);
- reported speech (`X told reporters that …`, `According to X, …`, `…, X said.`);
- an actor's stance (`Washington is working towards …`, `the EU wants …`);
- an unattributed statement about a text (`The convention lets police …`,
  `The new treaty must not …`), which in commentary is the author's own position.

Sentences that do none of this (dates, who attended, history) are background, not claims.

A sentence often bundles several claims. A parenthetical aside (`(allowing … access to …)`),
a second clause (`…, and that it would not …`, `…; …`, `…, but …`) and a list of demands
(`offences, including A, B, and C`) each become claims of their own, so each can be linked
to its own provision.

Speakers are resolved through the piece: "the ministry" is the last speaker whose name has
"ministry" in it, "Olsen" is "Maria Olsen", "she" is the last speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .records import Claim, Document
from .segments import split_paragraphs
from .sentences import split_sentences

MIN_CLAIM_WORDS = 3  # a focus shorter than this is a fragment, not a claim
MAX_SPEAKER_WORDS = 9
MIN_ASIDE_WORDS = 3  # a parenthetical with fewer words is an acronym or a gloss: "(CII)"
MIN_LIST_ITEMS = 3  # "including A, B and C" is a list of demands; "including A and B" is not split
MAX_KNOWN_NAMES = 200  # speakers and bodies a mention is resolved against: the most recent ones

# Present-tense forms with a plural speaker ("rights lawyers note that …"). They are also
# ordinary verbs or nouns ("banks warn customers", "a brief note"), so their content must follow
# "that" at once, or read as a clause when "that" is left out.
_PRESENT_REPORTING_FORMS = (
    r"say|note|explain|argue|warn|insist|stress|emphasi[sz]e|add|contend|complain|caution|suggest|urge|"
    r"acknowledge|concede|maintain|assert|observe|conclude|predict|point out|write|tell|counter"
)
_REPORTING = (
    r"said|says|say|added|adds|noted|notes|stated|states|explained|explains|highlighted|highlights|"
    r"stressed|stresses|emphasi[sz]ed|emphasi[sz]es|underlined|underlines|told|tells|informed|"
    r"warned|warns|argued|argues|claimed|claims|insisted|insists|believes|believe|believed|thinks|"
    r"think|thought|wrote|writes|announced|announces|declared|declares|maintained|maintains|"
    r"contended|contends|complained|complains|cautioned|cautions|pointed out|points out|recalled|"
    r"asserted|asserts|acknowledged|acknowledges|conceded|concedes|suggested|suggests|urged|urges|"
    r"countered|counters|replied|responded|observed|remarked|commented|concluded|concludes|"
    r"fears|feared|feels|felt|hopes|hoped|expects|expected|predicted|predicts|objected|objects|"
    r"criticised|criticized|criticises|criticizes|" + _PRESENT_REPORTING_FORMS
)
_REPORTING_VERB = re.compile(rf"\b(?:{_REPORTING})\b")
# An actor's stance: "Washington is actively working towards …", "the EU wants …".
_POSITION = re.compile(
    r"\b(?:(?:is|are|was|were|has been|have been|had been)\s+)?(?:\w+ly\s+)?"
    r"(?:wants?|wanted|want(?:s|ed)? to|seeks?|sought|is seeking|opposes?|opposed|supports?|supported|"
    r"backs?|backed|rejects?|rejected|calls? for|called for|calling for|demands?|demanded|demanding|"
    r"proposes?|proposed|proposing|push(?:es|ed)? for|pushing for|working towards?|works? towards?|"
    r"favou?rs?|favou?red|prefers?|preferred|refuses? to|refused to|insist(?:s|ed|ing)? on|"
    r"objects? to|objected to|campaigns? for|campaigning for|lobb(?:y|ies|ied|ying) for|"
    r"plans? to|planned to|intends? to|hopes? to|hoped to|aims? to|vows? to|vowed to|pledges? to|"
    r"pledged to|is against|are against)\b"
)
# Verbs after which "that" may be left out: "Olsen argued the treaty goes too far".
_THAT_OPTIONAL = re.compile(
    r"^(?:said|says|believes|believe|argued|argues|insisted|insists|warned|warns|claimed|claims|"
    r"thinks|think|fears|feels|hopes|noted|added|stressed|contends|say|note|argue|warn|insist|contend)$"
)
_PRESENT_REPORTING = re.compile(rf"^(?:{_PRESENT_REPORTING_FORMS})$")
_CLAUSE_VERB = re.compile(
    r"\b(?:will|would|can|could|may|might|must|should|shall|cannot|is|are|was|were|has|have|had|"
    r"does|do|did|won't|can't|doesn't|don't|isn't|aren't)\b",
    re.I,
)
# After "said" without "that", these don't start a content: "said in a statement", "said so".
_NOT_CONTENT_START = re.compile(
    r"^(?:on|in|at|by|for|to|with|after|before|during|last|this|so|yes|no|nothing|little|more|"
    r"earlier|later|afterwards|recently|previously|repeatedly|again|also)\b|^[,.;:!?]",
    re.I,
)
_CLAUSE_JOIN_END = re.compile(r",\s+(?:and|but|while|whereas)\s+$")
_HOPING = re.compile(r"^(?:hopes|hoped|hope|expects|expected|expect)$")
_SUBORDINATE_OPENING = re.compile(
    r"\s*(?:As|When|While|Before|After|Since|Because|If|Once|Although|Though|Until|During|Unless|Whenever)\b"
)
_PARTICIPLE_OPENING = re.compile(r"\s*[A-Z]\w*ing\b")
_TELLING = re.compile(r"^(?:told|tells|tell|informed|informs|assured|assures|briefed|briefs)$")
_SUBORDINATOR_END = re.compile(
    r"\b(?:while|when|whenever|until|till|unless|if|once|after|before|so that|where)\s+$",
    re.I,
)
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+(?P<who>[^,.;]{2,80}?)(?:,\s*|\s*(?=[.!?]?$))")
_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
# Nouns that head a speaker's description: "the ministry", "a spokeswoman", "Russia's diplomatic agency".
_ROLE_NOUNS = {
    "ministry",
    "minister",
    "ministers",
    "ministries",
    "government",
    "governments",
    "group",
    "groups",
    "official",
    "officials",
    "spokeswoman",
    "spokesman",
    "spokesperson",
    "delegation",
    "delegations",
    "delegate",
    "delegates",
    "agency",
    "diplomat",
    "diplomats",
    "activists",
    "campaigners",
    "critics",
    "experts",
    "expert",
    "lawyers",
    "lawyer",
    "company",
    "companies",
    "organisation",
    "organization",
    "organisations",
    "organizations",
    "coalition",
    "alliance",
    "department",
    "office",
    "ambassador",
    "envoy",
    "negotiator",
    "negotiators",
    "representative",
    "representatives",
    "union",
    "commission",
    "council",
    "rapporteur",
    "statement",
    "president",
    "chair",
    "chairman",
    "chairwoman",
    "director",
    "head",
    "secretary",
    "researchers",
    "researcher",
    "analysts",
    "analyst",
    "advocates",
    "defenders",
    "watchdog",
    "ngo",
    "ngos",
    "firms",
    "firm",
    "industry",
    "states",
    "countries",
    "members",
    "member",
    "partners",
    "allies",
    "administration",
    "authorities",
    "service",
    "services",
    "embassy",
    "foundation",
    "institute",
    "center",
    "centre",
    "network",
    "platform",
    "committee",
    "body",
    "association",
    "federation",
    "lobby",
    "prosecutor",
    "prosecutors",
    "judge",
    "judges",
    "police",
    "commissioner",
    "regulator",
    "observers",
    "observer",
    "opponents",
    "supporters",
    "proponents",
    "sources",
    "source",
    "mission",
    "bloc",
    "campaign",
    "charity",
    "trade",
    "adviser",
    "advisers",
    "advisor",
    "advisors",
    "counsel",
    "attorney",
    "attorneys",
    "professor",
    "scholar",
    "scholars",
    "academic",
    "academics",
    "activist",
    "campaigner",
    "journalist",
    "journalists",
    "consultant",
    "consultants",
    "specialist",
    "specialists",
    "economist",
    "economists",
    "officer",
    "officers",
    "investigator",
    "investigators",
    "auditor",
    "auditors",
    "lobbyist",
    "lobbyists",
    # What a speaker publishes speaks for it: "the activists' open letter says".
    "letter",
    "brief",
    "memo",
    "petition",
    "submission",
    "study",
    "analysis",
    "briefing",
    "communique",
    "communiqué",
    "editorial",
}
# A speaker never ends in these: "the Convention states that …" is the text, not a speaker.
_TEXT_NOUNS = {
    "convention",
    "treaty",
    "agreement",
    "draft",
    "text",
    "document",
    "protocol",
    "article",
    "law",
    "bill",
    "report",
    "deal",
    "pact",
    "provision",
    "provisions",
    "clause",
    "instrument",
    "resolution",
}
_PREPOSITIONS = {"in", "on", "at", "by", "for", "with", "from", "after", "before", "during", "under", "to"}
_FUNCTION_WORDS = {"of", "for", "the", "and", "at", "in", "on", "de", "von", "van", "to", "&", "a", "an"}
_TEXT_REFERENCE = re.compile(
    r"\b(?:conventions?|treaty|treaties|agreements?|drafts?|texts?|protocols?|provisions?|articles?|"
    r"clauses?|deals?|pacts?|instruments?)\b",
    re.I,
)
# A demand, or an obligation or power a text would create.
_DEMAND = re.compile(
    r"\b(?:must|should|ought to|needs? to|(?:would|will)\s+(?:no longer\s+)?(?:have to|be able to|"
    r"be allowed to|be required to|be obliged to|be forced to))\b",
    re.I,
)
# An obligation in the passive ("countries are expected to pool what they learn"); unlike a
# demand, it can also announce an event ("the chair is expected to circulate a draft"), so
# narrative still rules it out.
_PASSIVE_DUTY = re.compile(
    r"\b(?:is|are)\s+(?:expected|required|obliged|encouraged|asked|bound)\s+to\b", re.I
)
_WEAK_STANCE = re.compile(r"\b(?:will|would|can|could|may|might|shall)\b", re.I)
_LEGAL_EFFECT = re.compile(
    r"\b(?:crimes?|offen[cs]es?|criminal|prosecut\w*|punish\w*|outlaw\w*|illegal|unlawful|ban\w*|"
    r"obliged?|obligations?|asks?|sets?|forbids?|under the|duty|duties|rules?|liab(?:le|ility)|"
    r"confiscat\w*|seiz\w*|extradit\w*|jurisdiction|"
    r"take effect|takes effect)\b",
    re.I,
)
# A legal consequence stated as a rule: "the assets can be confiscated", "is to be treated as a
# crime", "becomes an offence in itself". Not "could become", not "will rule on the case".
_RULE = re.compile(
    r"\b(?:can|cannot|may|shall|will|must|(?:is|are)\s+to)\s+(?:not\s+|only\s+|no longer\s+|also\s+|"
    r"still\s+)?be\s+(?:\w+ly\s+)?(?:confiscated|seized|frozen|forfeited|extradited|prosecuted|punished|"
    r"punishable|treated as|held (?:criminally\s+)?liable|liable|criminali[sz]ed|banned|outlawed|tried|"
    r"jailed|imprisoned|fined|sentenced|convicted)\b"
    r"|\bbecomes\s+(?:an?\s+)?(?:\w+\s+)?(?:offen[cs]e|crime|illegal|criminal|punishable)\b"
    r"|\b(?:is|are)\s+(?:now\s+)?(?:an?\s+)?(?:criminal\s+)?(?:offen[cs]e|crime|illegal|punishable)\b",
    re.I,
)
# What police, courts or states may or must do is a rule: "Police … can pass it on unasked".
_LEGAL_ACTOR = re.compile(
    r"\s*(?:(?:the|a|an|each|every|any|no|foreign|national|local)\s+)*"
    r"(?:police|(?:police\s+)?officers?|prosecutors?|courts?|judges?|investigators?|authorities|"
    r"law[- ]enforcement|service providers?|providers?|governments?|states?|countries|parties)\b",
    re.I,
)
# What the actor may do itself ("police can pass it on"), not what happens to it ("may be called").
_PERMISSION = re.compile(r"\b(?:can|cannot|may|must|shall|will (?:be able|have) to)\s+(?!be\b)", re.I)
# A restriction turns a process word into a rule ("will only take effect once thirty countries
# have ratified it"); a plain timeline ("will open for signature once adopted") is narrative.
_CONDITION = re.compile(
    r"\bonly\b[^,.;]{0,80}?\b(?:once|after|when|if)\b|\bnot\b[^,.;]{0,80}?\buntil\b|\bunless\b|"
    r",\s*provided\b|\bprovided that\b",
    re.I,
)
# How a treaty comes about, which news reports as events: signature, ratification, votes.
_PROCESS = re.compile(
    r"\b(?:open for signature|enter(?:s|ed)? into force|ratif\w+|adopt(?:ed|s)? (?:it|the)|vote|session|"
    r"negotiat\w+|talks)\b",
    re.I,
)
# Narrative background: dates and events. Such a sentence is a claim only with a strong stance.
_NARRATIVE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|took place|was (?:written|adopted|signed|held|published|released)|"
    r"were (?:held|signed)|began|attended|met on|(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday)\b|\b(?:next|last) (?:week|month|year)\b|\btomorrow\b|\byesterday\b)",
)
# "the 2001 cybercrime treaty", "the Budapest Convention of 2001": a name, not an event.
_YEAR_OF_TEXT = re.compile(
    r"\b(?:of\s+)?(?:1[89]|20)\d\d\s+(?:[\w-]+\s+){0,2}?(?:convention|treaty|agreement|protocol|pact)\b"
    r"|\b(?:convention|treaty|agreement|protocol|pact)\s+of\s+(?:1[89]|20)\d\d\b",
    re.I,
)
_SELF_DESCRIPTION = re.compile(
    r"^(?:[A-Z][\w’'&.-]*\s+){1,6}is an?\s+(?:non-?profit|independent|\w+ organi[sz]ation)"
    r"|^This (?:article|piece|op-ed) was written",
    re.I,
)
_STRONG_STANCE = re.compile(
    r"\b(?:must|should|ought to|needs? to|has to|have to|cannot|can't|won't|"
    r"lets?|allows?|gives?|grants?|requires?|obliges?|(?<!into )forces?|bans?|prohibits?|criminali[sz]es?|"
    r"covers?|includes?|lacks?|omits?|ignores?|fails? to|permits?|enables?|undermines?|protects?|"
    r"threatens?|weakens?|strengthens?|endorses?|authori[sz]es?|provides? for|envisages?|mandates?)\b",
    re.I,
)
_CONNECTIVE = re.compile(
    r"^(?:(?:and|but|while|whereas|so|adding|saying)\s+)?(?:that\s+)?"
    r"(?:(?:including|notably|especially|such as|in particular)\s+(?:on\s+)?)?",
    re.I,
)
_CLAUSE_BREAK = re.compile(r",\s+and\s+that\s+|\s+and\s+that\s+|;\s+|,\s+but\s+|,\s+while\s+|,\s+whereas\s+")
_LIST_START = re.compile(r",\s+(?:including|such as|notably|among them)\s+")
_QUOTE_PAIRS = {"“": "”", "„": "“”", "«": "»"}
_ATTRIBUTION_TAIL = re.compile(r"^(?:\s+[\w’'.-]+){0,4}?(?:\s+that|\s+adding)?\s*[:,]?\s*$")
_NAME_TOKEN = re.compile(r"[\w’'.&-]+")
_AUXILIARIES = re.compile(r"(?:\s+(?:has|have|had|is|are|was|were|also|again|(?:has|have) been|\w+ly))+$")
_APPOSITIVE = re.compile(
    r"(?:^|[.;:\"“”]\s*|\b(?:that|and|but)\s+|,\s+)"
    r"(?P<name>(?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*|[Tt]he\s+(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*)"
    r",\s+(?P<role>(?:a|an|the|one|head|chair|member|policy|director|spokes\w+|[a-z]+)\b[^,]{0,120}?)"
    r"(?:,\s*which[^,]{0,80})?,$"
)
# Names of bodies, for "the group" or "the ministry" when the body itself never spoke before.
_ORGANISATION = re.compile(
    r"\b(?:[A-Z][\w’'&-]*[ \t]+(?:(?:of|for|the|and|on)[ \t]+)*){1,5}"
    r"(?:Alliance|Ministry|Centre|Center|Watch|Foundation|Coalition|Group|Union|Commission|Council|"
    r"Committee|Delegation|Institute|Network|Networks|Systems|Agency|Office|Department|Federation|"
    r"Association|Organi[sz]ation|Initiative|Forum|Labs?|Inc|Ltd|Corporation|Company|Court|Parliament|"
    r"Assembly|Secretariat|Service|Affairs)\b"
)
_GENERIC_BODIES = {
    "group",
    "organisation",
    "organization",
    "coalition",
    "company",
    "firm",
    "alliance",
    "body",
    "ngo",
    "charity",
    "association",
    "network",
    "provider",
    "campaign",
}


@dataclass(frozen=True)
class Quote:
    """A quotation: `start`/`end` bound its content, without the quotation marks."""

    start: int
    end: int
    open: int  # offset of the opening mark
    close: int  # offset just past the closing mark


@dataclass(frozen=True)
class Statement:
    """A claim before splitting: content span, how it was found and who says it (as printed)."""

    start: int
    end: int
    cue: str
    mention: str | None
    sentence: tuple[int, int]


@dataclass(frozen=True)
class Part:
    """A piece of a bundled statement; `parent` indexes the part it was split out of."""

    start: int
    end: int
    parent: int | None
    prefix: str = ""  # context for the focus of a list item: "criminal offenses"
    holes: tuple[tuple[int, int], ...] = ()  # spans of parts split out of this one


def extract_claims(document: Document) -> tuple[Claim, ...]:
    """The claims of a news or commentary piece, in document order, with speakers resolved."""
    text = document.text
    resolver = SpeakerResolver(text, default=_signatory(document))
    claims: list[Claim] = []
    announced: str | None = None  # "Rachel Donovan said:" at the end of the previous paragraph
    for para_start, para_end in _body_paragraphs(document):
        statements = paragraph_statements(
            text, para_start, para_end, commentary=_is_commentary(document), announced=announced
        )
        announced = _announcement(text[para_start:para_end])
        for statement in statements:
            speaker = resolver.resolve(statement.mention, statement.sentence[0])
            parts = split_bundled(text, statement.start, statement.end)
            ids: dict[int, str] = {}
            for index, part in enumerate(parts):
                focus = claim_focus(text, part)
                if len(focus.split()) < MIN_CLAIM_WORDS:
                    continue
                ids[index] = f"c{len(claims) + 1}"
                claims.append(
                    Claim(
                        id=ids[index],
                        text=text[part.start : part.end],
                        start=part.start,
                        end=part.end,
                        speaker=speaker,
                        speaker_mention=statement.mention,
                        focus=focus,
                        cue=statement.cue if part.parent is None else "split",
                        parent=ids.get(part.parent) if part.parent is not None else None,
                        sentence_start=statement.sentence[0],
                        sentence_end=statement.sentence[1],
                    )
                )
    return tuple(claims)


def _announcement(paragraph: str) -> str | None:
    """The speaker of a paragraph that ends by announcing a quotation: `…, said:`."""
    stripped = paragraph.rstrip()
    if not stripped.endswith(":"):
        return None
    sentences = split_sentences(stripped)
    last = stripped[sentences[-1][0] :] if sentences else stripped
    return attribution_before(last)


def _is_commentary(document: Document) -> bool:
    return document.kind == "commentary"


def _signatory(document: Document) -> str | None:
    """Whose position an unattributed commentary states: its author or publisher."""
    if not _is_commentary(document):
        return None
    for key in ("author", "publisher", "organisation", "organization"):
        if document.meta.get(key):
            return document.meta[key]
    body = document.body
    byline = re.search(
        r"^(?:By|—|–|-)\s+([A-Z][\w’'&.-]*(?:\s+(?:[A-Z][\w’'&.-]*|of|for|and|the))*)\s*$", body, re.M
    )
    if byline:
        return byline.group(1).strip()
    we_at = re.search(
        r"\b[Ww]e(?:\s+at|,)\s+((?:the\s+)?[A-Z][\w’'&.-]*(?:\s+(?:[A-Z][\w’'&.-]*|of|for|and))*)", body
    )
    return _strip_article(we_at.group(1)) if we_at else None


def _body_paragraphs(document: Document) -> Iterator[tuple[int, int]]:
    body = document.body
    for start, end in split_paragraphs(body):
        if body[start:end].lstrip().startswith("#"):
            continue
        yield document.body_start + start, document.body_start + end


# ---------------------------------------------------------------------------------------------
# Finding statements in a paragraph
# ---------------------------------------------------------------------------------------------


def find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quotations in text[start:end]: curly pairs, and straight double quotes paired in order."""
    quotes: list[Quote] = []
    pos = start
    while pos < end:
        char = text[pos]
        closers = _QUOTE_PAIRS.get(char, '"' if char == '"' else "")
        if not closers:
            pos += 1
            continue
        close = next((k for k in range(pos + 1, end) if text[k] in closers), -1)
        if close < 0:
            break
        quotes.append(Quote(pos + 1, close, pos, close + 1))
        pos = close + 1
    return quotes


def paragraph_statements(
    text: str, start: int, end: int, *, commentary: bool = False, announced: str | None = None
) -> list[Statement]:
    """The statements of one paragraph: quotations with their attributions, then the rest.

    `announced` is the speaker of a quotation announced at the end of the previous
    paragraph (`Rachel Donovan said:`), for a paragraph that opens with that quotation.
    """
    quotes = find_quotes(text, start, end)
    sentences = [(start + s, start + e) for s, e in split_sentences(text[start:end])]
    statements: list[Statement] = []
    last_mention: str | None = None
    for number, quote in enumerate(quotes):
        mention = _quote_attribution(text, start, end, quotes, number, sentences)
        gap_before = text[quotes[number - 1].close if number else start : quote.open]
        if mention is None and number and not gap_before.strip(" \n,"):
            mention = last_mention  # "…." "…," the ministry added: one speaker, two quotes
        if mention is None and gap_before.rstrip().endswith(":"):
            mention = last_mention
        if mention is None and not number and not gap_before.strip():
            mention = announced
        last_mention = mention or last_mention
        for s, e in split_sentences(text[quote.start : quote.end]):
            span = _trim_claim(text, quote.start + s, quote.start + e)
            if span:
                statements.append(Statement(*span, "quote", mention, _sentence_of(sentences, span[0])))
    closes = [quote.close for quote in quotes]
    for sentence in sentences:
        # Only the quotes in the sentence: looking at every quote of the paragraph for every
        # sentence took quadratic time.
        near = _quotes_within(quotes, closes, *sentence)
        if not _mostly_unquoted(sentence, near):
            continue
        found = sentence_statements(text, *sentence, near, commentary=commentary)
        if not found:
            # "Olsen spoke after a meeting (the bloc will not sign …, she said) that ran …"
            for aside_start, aside_end in _asides(text, *sentence):
                for aside in sentence_statements(text, aside_start, aside_end):
                    if aside.mention is not None:
                        statements.append(
                            Statement(aside.start, aside.end, aside.cue, aside.mention, sentence)
                        )
        statements.extend(found)
    statements.sort(key=lambda s: s.start)
    return statements


def _quote_attribution(
    text: str,
    start: int,
    end: int,
    quotes: Sequence[Quote],
    number: int,
    sentences: Sequence[tuple[int, int]],
) -> str | None:
    """The speaker named right before a quotation, or in the clause right after it."""
    quote = quotes[number]
    sentence = _sentence_of(sentences, quote.open)
    before_from = max(sentence[0], quotes[number - 1].close if number else start)
    mention = attribution_before(text[before_from : quote.open])
    if mention is None:
        after_to = quotes[number + 1].open if number + 1 < len(quotes) else end
        mention = attribution_after(text[quote.close : after_to])
    return mention


def _sentence_of(sentences: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    # Sentences are in order and never overlap: a binary search (a scan per quote was quadratic).
    index = bisect_right(sentences, offset, key=lambda sentence: sentence[0]) - 1
    if index >= 0 and offset < sentences[index][1]:
        return sentences[index]
    return sentences[-1] if sentences else (offset, offset)


def _quotes_within(quotes: Sequence[Quote], closes: Sequence[int], start: int, end: int) -> list[Quote]:
    """The quotes that overlap text[start:end]; `quotes` are in order and never overlap, and
    `closes` holds their `close` offsets."""
    index = bisect_right(closes, start)
    found = []
    while index < len(quotes) and quotes[index].open < end:
        found.append(quotes[index])
        index += 1
    return found


def _mostly_unquoted(sentence: tuple[int, int], quotes: Sequence[Quote]) -> bool:
    """Less than half of the sentence is quoted; quoted speech is read as quotations."""
    quoted = sum(max(0, min(q.close, sentence[1]) - max(q.open, sentence[0])) for q in quotes)
    length = sentence[1] - sentence[0]
    return bool(length) and quoted < length / 2


@dataclass(frozen=True)
class Attribution:
    """Who speaks, and where the attribution sits in a sentence: before its content or after it."""

    start: int
    end: int
    mention: str
    content_follows: bool  # "X said that …" (True) or "…, X said" (False)
    cue: str = "reported"


def find_attributions(sentence: str, skip: Sequence[tuple[int, int]] = ()) -> list[Attribution]:
    """Attributions in a sentence, in order; spans in `skip` (quotations) are not searched."""

    def skipped(offset: int) -> bool:
        return any(a <= offset < b for a, b in skip)

    found: list[Attribution] = []
    for match in _ACCORDING.finditer(sentence):
        if not skipped(match.start()) and _speaker_like(match.group("who")):
            found.append(Attribution(match.start(), match.end(), match.group("who"), match.start() < 3))
    for verb in _REPORTING_VERB.finditer(sentence):
        if skipped(verb.start()) or any(a.start <= verb.start() < a.end for a in found):
            continue
        attribution = _attribution_at(sentence, verb)
        if attribution is not None:
            found.append(attribution)
    for position in _POSITION.finditer(sentence):
        if skipped(position.start()) or any(a.start <= position.start() < a.end for a in found):
            continue
        who = speaker_before(sentence[: position.start()])
        if (
            who is not None
            and who.mention.lower() not in {"we", "i"}
            and not _in_subordinate_clause(sentence, who)
        ):
            # The stance verb belongs to the claim: "Washington is working towards …".
            found.append(Attribution(who.start, who.start, who.mention, True, "position"))
    return sorted(found, key=lambda a: a.start)


def _fronted_clause(clause: str) -> bool:
    """ "As the protesters refused to leave," or "Speaking in Vienna,": not something said.

    A gerund subject with its own verb ("Laundering money … is covered by …,") is a statement.
    """
    if _SUBORDINATE_OPENING.match(clause):
        return True
    return bool(_PARTICIPLE_OPENING.match(clause)) and not _CLAUSE_VERB.search(clause)


def _in_subordinate_clause(sentence: str, who: SpeakerMention) -> bool:
    """A pronoun right after "while", "until", "when" …: "… while they seek a court order".

    That is the clause's own subject, not someone taking a stance ("while the EU wants …" is).
    """
    if who.mention.lower() not in _PRONOUNS:
        return False
    return bool(_SUBORDINATOR_END.search(sentence[: who.start]))


def _attribution_at(sentence: str, verb: re.Match[str]) -> Attribution | None:
    """The attribution around one reporting verb, if the words around it make one."""
    tail = sentence[verb.end() :]
    who = speaker_before(sentence[: verb.start()])
    if who is not None:
        present = bool(_PRESENT_REPORTING.match(verb.group()))
        if _HOPING.match(verb.group()) and re.match(r"^\s+to\s", tail):
            return None  # "the ministry hopes to …" is a stance, read by the position pattern
        if present and not _TELLING.match(verb.group()):
            gap = r"()"  # "experts note that …"; not "delegates write the report that …"
        elif present:
            gap = r"((?:\s+(?!that\b|to\b|of\b|about\b)[\w’'-]+){0,3}?)"  # "tell reporters that"
        else:
            gap = r"((?:\s+(?!that\b)[\w’'.,-]+){0,5}?)"  # "said on Tuesday that"
        that = re.match(rf"^{gap}\s+that\s+", tail)
        if that:
            return Attribution(who.start, verb.end() + that.end(), who.mention, True)
        bare = re.match(r"^\s+", tail)
        after = tail.lstrip()
        if (
            bare
            and _THAT_OPTIONAL.match(verb.group())
            and not _NOT_CONTENT_START.match(after)
            and len(after.split()) >= 4
            and (not present or _CLAUSE_VERB.search(after))
        ):
            return Attribution(who.start, verb.end() + bare.end(), who.mention, True)
        # "…, the negotiator said on Tuesday, pointing …" / "…, Olsen said." / "…, X noted, but …"
        closing = re.match(
            r"^(?:\s+(?:on|in|at|last|this|after|before|during)\b[^,.;:]{0,40})?\s*(?=[,.;!?]|$)", tail
        ) or (
            # "…, the commissioner told parliament." / "…, she told reporters in Vienna."
            _TELLING.match(verb.group())
            and re.match(r"^(?:\s+(?!that\b|to\b|of\b|about\b)[\w’'-]+){1,3}?\s*(?=[,.;!?]|$)", tail)
        )
        preceded = sentence[: who.start].rstrip().endswith(",")
        # "As the protesters refused to leave, police told them …": a fronted clause is not said.
        fronted = sentence.count(",", 0, who.start) == 1 and _fronted_clause(sentence[: who.start])
        if closing is not None and preceded and not fronted:
            return Attribution(who.start, verb.end() + closing.end(), who.mention, False)
        return None
    # Inverted: "…, said Maria Olsen, …"
    before = sentence[: verb.start()].rstrip()
    inverted = re.match(r"^\s+(?P<who>[^,;:.]{2,80}?)\s*(?=[,.;!?]|$)", tail)
    if before.endswith(",") and inverted and _speaker_like(inverted.group("who")):
        return Attribution(verb.start(), verb.end() + inverted.end(), inverted.group("who").strip(), False)
    return None


def sentence_statements(
    text: str, start: int, end: int, quotes: Sequence[Quote] = (), *, commentary: bool = False
) -> list[Statement]:
    """The statements of one sentence outside quotations.

    Attributions cut the sentence into contents: a content follows "X said that" up to the
    next attribution, and precedes "…, X said" back to the previous one. What is left after
    the last attribution ("…, X said, but …") is the same speaker's; what comes before the
    first ("…; critics fear that …") counts only if it makes a claim by itself.
    """
    sentence = text[start:end]
    skip = [(q.open - start, q.close - start) for q in quotes if q.open < end and q.close > start]
    attributions = find_attributions(sentence, skip)
    if not attributions:
        single = _unattributed_statement(text, (start, end), commentary)
        return [single] if single else []
    statements: list[Statement] = []
    cursor = 0  # start of text not yet given to a statement
    for number, attribution in enumerate(attributions):
        if attribution.content_follows:
            before = sentence[cursor : attribution.start]
            joined = bool(_CLAUSE_JOIN_END.search(before))
            if number == 0 and (";" in before or joined):
                # "The treaty lets police …, and the ministry hopes …": the first clause stands
                # alone if it states a rule or a demand ("We followed the talks, and we say …" doesn't).
                leading = _trim_claim(
                    text, start + cursor, start + _cut_connective(sentence, cursor, attribution.start)
                )
                if leading and _unattributed_statement(text, leading, commentary and not joined):
                    statements.append(Statement(*leading, "stance", None, (start, end)))
            following = attributions[number + 1] if number + 1 < len(attributions) else None
            stop = following.start if following is not None and following.content_follows else len(sentence)
            if following is not None and not following.content_follows:
                stop = following.start  # "X said that A, Y added" is not a thing; keep A
            content = (start + attribution.end, start + _cut_connective(sentence, attribution.end, stop))
            cursor = stop
        else:
            content = (start + cursor, start + attribution.start)
            cursor = attribution.end
        span = _trim_claim(text, *content)
        if span and text[span[0] - 1 : span[0]] not in '"“„«' and not _quoted(span, quotes):
            statements.append(Statement(*span, attribution.cue, attribution.mention, (start, end)))
    last = attributions[-1]
    if not last.content_follows and cursor < len(sentence):
        rest = _trim_claim(text, start + cursor, end)
        if rest and len(_CONNECTIVE.sub("", text[rest[0] : rest[1]].lstrip(" ,")).split()) >= 4:
            rest = _trim_claim(
                text,
                rest[0] + (len(text[rest[0] : rest[1]]) - len(text[rest[0] : rest[1]].lstrip(" ,"))),
                rest[1],
            )
            if rest and not _quoted(rest, quotes):
                statements.append(Statement(*rest, last.cue, last.mention, (start, end)))
    return statements


def _cut_connective(sentence: str, start: int, stop: int) -> int:
    """Where a content ends before the next attribution's connective: ", while critics said"."""
    connective = re.search(r"(?:,\s*|;\s*|\s+)(?:and|but|while|whereas)?\s*$", sentence[start:stop])
    return start + connective.start() if connective else stop


def _quoted(span: tuple[int, int], quotes: Sequence[Quote]) -> bool:
    return any(q.open <= span[0] and span[1] <= q.close for q in quotes)


def _unattributed_statement(text: str, sentence: tuple[int, int], commentary: bool) -> Statement | None:
    """A sentence on what a text does or should do; in commentary, any sentence that isn't narrative.

    News reports events, so only a statement about a text with a clear stance is a claim
    there. Commentary argues, so every sentence is the author's claim except narrative
    background (dates, events) and the author's description of itself.
    """
    # An aside is judged on its own ("… meeting (the bloc will not sign …, she said) that ran …").
    body = _mask(text, *sentence, _asides(text, *sentence))
    strong = _STRONG_STANCE.search(body)
    if commentary:
        claim = not (_NARRATIVE.search(body) and not strong) and not _SELF_DESCRIPTION.match(body)
    else:
        # A demand ("… should be a crime"), or what a text does ("… is a crime under the treaty").
        about_text = _TEXT_REFERENCE.search(body) and (
            _WEAK_STANCE.search(body) or _LEGAL_EFFECT.search(body)
        )
        # A rule stated without naming the text: "the assets can be confiscated without a conviction".
        rule = (
            _RULE.search(body)
            or (_LEGAL_ACTOR.match(body) and _PERMISSION.search(body))
            or _PASSIVE_DUTY.search(body)
        )
        demand = _DEMAND.search(body)
        # "will take effect once thirty countries have ratified it" states a rule, not an event.
        process = _PROCESS.search(body) and not _CONDITION.search(body)
        narrative = process or _NARRATIVE.search(_YEAR_OF_TEXT.sub(" ", body))
        claim = bool(
            demand or ((about_text or rule) and not narrative) or (_TEXT_REFERENCE.search(body) and strong)
        )
    if not claim:
        return None
    span = _trim_claim(text, *sentence)
    return Statement(*span, "stance", None, sentence) if span else None


@dataclass(frozen=True)
class SpeakerMention:
    mention: str
    start: int  # offset of the mention in the text searched


def speaker_before(before: str) -> SpeakerMention | None:
    """The speaker right before a reporting verb: back to a clause boundary, at most a few words."""
    # "the Ministry of Foreign Affairs has", "Russia has been": auxiliaries are not the speaker.
    stripped = _AUXILIARIES.sub("", before.rstrip())
    if not stripped:
        return None
    appositive = _APPOSITIVE.search(stripped)
    if appositive:  # "Maria Olsen, a spokeswoman for the EU delegation," said
        name = appositive.group("name")
        if _speaker_like(name):
            mention = f"{name}, {appositive.group('role')}"
            return SpeakerMention(mention, appositive.start("name"))
    boundary = max(
        (
            m.end()
            for m in re.finditer(
                r"[,;:\"“”„(]|\b(?:that|and|but|while|as|because|when|although|which|who)\s", stripped
            )
        ),
        default=0,
    )
    candidate = stripped[boundary:].strip()
    candidate = re.sub(r"^(?:[Aa]nd|[Bb]ut|[Ss]o)\s+", "", candidate)
    if not candidate or not _speaker_like(candidate):
        return None
    return SpeakerMention(candidate, stripped.rfind(candidate))


def attribution_before(before: str) -> str | None:
    """`…the Russian Foreign Ministry said that ` or `Olsen said: ` before a quotation."""
    verbs = list(_REPORTING_VERB.finditer(before))
    if not verbs:
        return None
    verb = verbs[-1]
    if not _ATTRIBUTION_TAIL.match(before[verb.end() :]):
        return None
    who = speaker_before(before[: verb.start()])
    return who.mention if who else None


def attribution_after(after: str) -> str | None:
    """`, the ministry added.` or `, said Maria Olsen, a spokeswoman …` after a quotation."""
    clause = re.split(r"[.!?]", after, maxsplit=1)[0]
    clause = clause.strip().lstrip(",").strip()
    if not clause:
        return None
    inverted = re.match(rf"^(?:{_REPORTING})\s+(?P<who>[^,;:]+)", clause)
    if inverted and _speaker_like(inverted.group("who")):
        return inverted.group("who").strip()
    for verb in _REPORTING_VERB.finditer(clause):
        who = clause[: verb.start()].strip()
        if who and _speaker_like(who) and len(who.split()) <= MAX_SPEAKER_WORDS:
            return who
        break
    return None


def _speaker_like(candidate: str) -> bool:
    """A named person or body, a role ("the ministry") or a pronoun; never a text ("the treaty")."""
    words = _NAME_TOKEN.findall(candidate)
    if not words or len(words) > MAX_SPEAKER_WORDS:
        return False
    head = words[-1].lower().removesuffix("’s").removesuffix("'s")
    if head in _TEXT_NOUNS or words[0].lower() in _PREPOSITIONS:  # "In a brief note …"
        return False
    if len(words) == 1 and head in _PRONOUNS:
        return True
    if head in _PRONOUNS or head in _FUNCTION_WORDS:
        return False
    capitalised = [w for w in words if w[0].isupper()]
    lowercase_content = [
        w
        for w in words
        if not w[0].isupper() and w.lower() not in _FUNCTION_WORDS and _possessor(w) not in _ROLE_NOUNS
    ]
    if head in _ROLE_NOUNS:
        return len(lowercase_content) <= 2
    return bool(words[-1][0].isupper()) and len(lowercase_content) == 0 and bool(capitalised)


def _possessor(word: str) -> str:
    """ "ministry's" -> "ministry", "unions'" -> "unions": a role noun in a possessive is still one."""
    return word.lower().removesuffix("’s").removesuffix("'s").removesuffix("’").removesuffix("'")


def _trim_claim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim whitespace, quotation marks and the closing punctuation of a claim span."""
    while start < end and (text[start].isspace() or text[start] in '"“”„«»'):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in '"“”„«»,;:.!?'):
        end -= 1
    # An unbalanced closing bracket at the end belongs to the sentence, not the claim.
    if end > start and text[end - 1] == ")" and text.count("(", start, end) < text.count(")", start, end):
        end -= 1
    return (start, end) if end > start else None


# ---------------------------------------------------------------------------------------------
# Splitting bundled claims
# ---------------------------------------------------------------------------------------------


def split_bundled(text: str, start: int, end: int) -> list[Part]:
    """Split a statement into its claims: clauses, parenthetical asides and lists of demands.

    The first part is the main claim; an aside or a list item has the part it came from as
    its `parent`. Every part is a true span of `text`.
    """
    asides = _asides(text, start, end)
    masked = _mask(text, start, end, asides)
    clause_spans = _clauses(masked, start)
    parts: list[Part] = []
    for clause_start, clause_end in clause_spans:
        inner = [a for a in asides if clause_start <= a[0] and a[1] <= clause_end]
        head = _trim_claim(text, clause_start, clause_end)
        if head is None:
            continue
        head_start, head_stop = head
        # An aside at the very end is cut off the main claim: "… of 2001 (allowing …)".
        if inner and not text[inner[-1][1] + 1 : head_stop].strip(' .,;:)"”'):
            cut = _trim_claim(text, head_start, inner[-1][0] - 1)
            head_stop = cut[1] if cut else head_stop
        holes = tuple((a[0] - 1, a[1] + 1) for a in inner if a[1] <= head_stop)
        parent_index = len(parts)
        parts.append(Part(head_start, head_stop, None, holes=holes))
        items = _list_items(text, masked[clause_start - start : clause_end - start], clause_start, clause_end)
        if items:
            prefix = _list_head(text, clause_start, items[0][0])
            for item_start, item_end in items:
                item = _trim_claim(text, item_start, min(item_end, head_stop))
                if item:
                    item_holes = tuple(
                        (a[0] - 1, a[1] + 1) for a in inner if item[0] <= a[0] and a[1] <= item[1]
                    )
                    parts.append(Part(*item, parent_index, prefix=prefix, holes=item_holes))
        for aside_start, aside_end in inner:
            span = _trim_claim(text, aside_start, aside_end)
            if span:
                parts.append(Part(*span, parent_index))
    return _in_document_order(parts)


def _in_document_order(parts: list[Part]) -> list[Part]:
    """Sort parts by position, keeping each child's `parent` pointing at the same part."""
    order = sorted(range(len(parts)), key=lambda k: (parts[k].start, -parts[k].end))
    new_index = {old: new for new, old in enumerate(order)}
    return [
        Part(p.start, p.end, None if p.parent is None else new_index[p.parent], p.prefix, p.holes)
        for p in (parts[k] for k in order)
    ]


def _asides(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Content spans of parenthetical asides long enough to be a claim of their own."""
    spans = []
    for match in re.finditer(r"\(([^()]*)\)", text[start:end]):
        content = match.group(1)
        words = re.findall(r"[A-Za-z][\w’'-]*", content)
        if len(words) >= MIN_ASIDE_WORDS and not re.fullmatch(r"[\d\s,.;–-]*", content):
            spans.append((start + match.start(1), start + match.end(1)))
    return spans


def _mask(text: str, start: int, end: int, asides: Sequence[tuple[int, int]]) -> str:
    """text[start:end] with the asides blanked out, so their commas split nothing."""
    chars = list(text[start:end])
    for a_start, a_end in asides:
        for k in range(a_start - 1 - start, a_end + 1 - start):
            chars[k] = "_"
    return "".join(chars)


def _clauses(masked: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    previous = 0
    for brk in _CLAUSE_BREAK.finditer(masked):
        left, right = masked[previous : brk.start()], masked[brk.end() :]
        # Both sides must read as clauses, not as a pair of nouns.
        if len(left.split()) >= 4 and len(right.split()) >= 4:
            spans.append((offset + previous, offset + brk.start()))
            previous = brk.end()
    spans.append((offset + previous, offset + len(masked)))
    return spans


def _list_items(text: str, masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of "…, including A, B, and C" in the clause text[start:end], if there are three or more.

    `masked` is text[start:end] with asides blanked, so commas inside them split nothing.
    """
    match = _LIST_START.search(masked)
    if not match:
        return []
    items = []
    for piece in re.finditer(r"[^,]+", masked[match.end() :]):
        piece_start, piece_end = start + match.end() + piece.start(), start + match.end() + piece.end()
        lead = re.match(r"\s*(?:and|or)\s+", text[piece_start:piece_end])
        items.append((piece_start + (lead.end() if lead else 0), piece_end))
    return items if len(items) >= MIN_LIST_ITEMS else []


def _list_head(text: str, start: int, end: int) -> str:
    """The last words before a list, as context for its items: "a long list of criminal offenses"."""
    before = _LIST_START.split(text[start:end])[0] if _LIST_START.search(text[start:end]) else text[start:end]
    words = before.split()
    return " ".join(words[-6:]).strip(',;:"“ ')


def claim_focus(text: str, part: Part) -> str:
    """What a claim says, for matching: no asides, quotes, leading connectives or end punctuation."""
    pieces = []
    cursor = part.start
    for hole_start, hole_end in sorted(part.holes):
        pieces.append(text[cursor : max(cursor, hole_start)])
        cursor = max(cursor, hole_end)
    pieces.append(text[cursor : part.end])
    focus = " ".join("".join(pieces).split())
    focus = focus.strip('"“”„«» ')
    focus = _CONNECTIVE.sub("", focus, count=1)
    focus = focus.rstrip(" ,;:.")
    if part.prefix:
        focus = f"{part.prefix}: {focus}"
    return focus


# ---------------------------------------------------------------------------------------------
# Speakers
# ---------------------------------------------------------------------------------------------


class SpeakerResolver:
    """Resolves mentions to the speakers and bodies named earlier in the piece."""

    def __init__(self, text: str = "", default: str | None = None) -> None:
        # bodies named in the text, in order; each is known from its offset on
        self.named = [(m.start(), _strip_article(m.group())) for m in _ORGANISATION.finditer(text)]
        self.reached = 0  # how many of `named` are known
        # name -> the offsets (ascending) where it was named, as a body or as a speaker
        self.seen: dict[str, list[int]] = {}
        self.words: dict[str, set[str]] = {}  # name -> its content words, singular
        self.speakers: set[str] = set()
        self.alias: dict[str, str] = {}  # a name as printed -> the speaker it was resolved to
        self.roles: dict[str, set[str]] = {}  # name -> role words of its appositive
        self.default = default

    def resolve(self, mention: str | None, offset: int = 0) -> str | None:
        """The canonical speaker of `mention`, found at `offset` in the text."""
        if mention is None:
            return self.default
        name, roles = _split_appositive(mention)
        name = _strip_article(name)
        lowered = name.lower()
        first_person = re.match(r"(?i)^we\s+(?:at|of|,)\s*(?P<who>.+)$", name)
        if first_person:  # "We at Civic Tech Watch"
            return self.default or self._touch(_strip_article(first_person.group("who")), offset)
        before = self._before(offset)
        if lowered in _PRONOUNS:
            if lowered in {"we", "i"} and self.default:
                return self.default
            spoken = [n for o, n in before if n in self.speakers]
            return self._touch(spoken[-1], offset) if spoken else None
        head = _singular(_head_word(name))
        content = _content_words(name)
        described = not any(w[0].isupper() for w in _NAME_TOKEN.findall(name))  # "the ministry"
        wanted = {_singular(w) for w in content}
        for _, known in reversed(before):
            if (known_words := self.words.get(known)) is None:
                known_words = self.words[known] = {_singular(w) for w in _content_words(known)}
            if content and wanted <= known_words:  # "Olsen", "the Ministry"
                self.alias.setdefault(name, known)
                return self._touch(known, offset)
            if described and (
                head in known_words
                or head in {_singular(r) for r in self.roles.get(known, set())}
                or (head in _GENERIC_BODIES and known not in self.speakers and _ORGANISATION.fullmatch(known))
            ):
                return self._touch(known, offset)
        self.roles.setdefault(name, set()).update(roles)
        return self._touch(name, offset)

    def _before(self, offset: int) -> list[tuple[int, str]]:
        """(offset, name) of the names known at `offset`, aliases resolved, in order: bodies named
        before it and speakers, each once, at its last offset (earlier ones never change what is
        found first), and only the `MAX_KNOWN_NAMES` most recent: with every mention of every
        name, a long piece of short quotes by different speakers took quadratic time."""
        while self.reached < len(self.named) and self.named[self.reached][0] < offset:
            at, name = self.named[self.reached]
            insort(self.seen.setdefault(name, []), at)
            self.reached += 1
        if len(self.seen) > 2 * MAX_KNOWN_NAMES:
            recent = sorted(self.seen, key=lambda name: self.seen[name][-1])[-MAX_KNOWN_NAMES:]
            self.seen = {name: self.seen[name] for name in recent}
        latest: dict[str, int] = {}
        for printed, offsets in self.seen.items():
            name = self.alias.get(printed, printed)
            if name in self.speakers:
                at = offsets[-1]
            elif (index := bisect_left(offsets, offset)) > 0:
                at = offsets[index - 1]
            else:
                continue
            if at > latest.get(name, -1):
                latest[name] = at
        return sorted((at, name) for name, at in latest.items())

    def _touch(self, name: str, offset: int) -> str:
        self.speakers.add(name)
        insort(self.seen.setdefault(name, []), offset)
        return name


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _split_appositive(mention: str) -> tuple[str, set[str]]:
    """ "Maria Olsen, a spokeswoman for the EU delegation" -> ("Maria Olsen", {"spokeswoman", …})."""
    name, _, rest = mention.partition(",")
    roles = {w.lower() for w in _NAME_TOKEN.findall(rest) if w.lower() in _ROLE_NOUNS}
    return name.strip(), roles


def _strip_article(name: str) -> str:
    return re.sub(r"^(?:the|The|a|an)\s+", "", name.strip())


def _content_words(name: str) -> set[str]:
    return {
        w.lower().removesuffix("’s").removesuffix("'s")
        for w in _NAME_TOKEN.findall(name)
        if w.lower() not in _FUNCTION_WORDS
    }


def _head_word(name: str) -> str:
    """The noun a description is about: "Ministry" in "Ministry of Foreign Affairs"."""
    words = _NAME_TOKEN.findall(name.split(" of ")[0])
    return words[-1].lower().removesuffix("’s").removesuffix("'s") if words else ""
